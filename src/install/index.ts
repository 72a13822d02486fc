/**
 * Getting a QEMU interpreter for each target that needs one: one already on the machine, a
 * verified tool-cache download, or the distro's packages, as the `install` input says.
 */
import type { InstallMethod } from '../inputs.js'
import { findInterpreter, type Interpreter } from '../interpreter.js'
import type { QemuTarget } from '../platforms.js'

export type Source = 'existing' | 'download' | 'apt'

export interface Obtained extends Interpreter {
  source: Source
}

export interface Installation {
  interpreters: Map<QemuTarget, Obtained>
  /** Targets nothing could serve, each with what was tried. */
  missing: Map<QemuTarget, string>
  cacheHit?: boolean
}

export interface InstallContext {
  flags: string
  log: (message: string) => void
}

export class InstallError extends Error {}

/** Interpreters for the targets: the ones on the machine first, then what the method allows. */
export async function obtainInterpreters(targets: readonly QemuTarget[], method: InstallMethod, ctx: InstallContext): Promise<Installation> {
  const installation: Installation = { interpreters: new Map(), missing: new Map() }
  if (method === 'apt' || method === 'download') {
    throw new InstallError(`install: ${method} is not available yet; use install: none with QEMU already on the machine`)
  }
  for (const target of targets) {
    const search = await findInterpreter(target, ctx.flags)
    for (const reason of search.rejected) ctx.log(`not using ${reason}`)
    if (search.found) {
      installation.interpreters.set(target, { ...search.found, source: 'existing' })
    } else {
      const rejected = search.rejected.length ? ` (${search.rejected.join('; ')})` : ''
      installation.missing.set(target, `no static qemu-${target} on this machine${rejected}`)
    }
  }
  return installation
}
