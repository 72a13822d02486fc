/**
 * Getting a QEMU interpreter for each target that needs one: one already on the machine, a
 * verified tool-cache download, or the distro's packages, as the `install` input says.
 * auto: what is on the machine -> the download (cache hit or fresh) -> apt.
 */
import type { Inputs } from '../faces/inputs.js'
import { findInterpreter, type Interpreter } from './interpreter.js'
import type { QemuTarget } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import { AptError, aptInstall } from './apt.js'
import { download, hostArchOf } from './download.js'

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
  sys: Privileged
  /** uname -m of the host, for the download's host architecture. */
  hostMachine: string
  log: (message: string) => void
  /** Runs the package manager step with the binfmt table watched, so what it registers is journaled. */
  watch: <T>(step: () => Promise<T>) => Promise<T>
}

type Step = (targets: QemuTarget[]) => Promise<{ found: Map<QemuTarget, Obtained>; cacheHit?: boolean }>

/** Interpreters for the targets, trying the sources `install` allows in order until all are served. */
export async function obtainInterpreters(targets: readonly QemuTarget[], inputs: Inputs, ctx: InstallContext): Promise<Installation> {
  const installation: Installation = { interpreters: new Map(), missing: new Map() }
  const tried = new Map<QemuTarget, string[]>(targets.map(t => [t, []]))

  const onMachine = async (source: Source, wanted: QemuTarget[]) => {
    const found = new Map<QemuTarget, Obtained>()
    for (const target of wanted) {
      const search = await findInterpreter(target, inputs.flags)
      if (search.found) found.set(target, { ...search.found, source })
      else tried.get(target)!.push(`no static qemu-${target} on the machine${search.rejected.length ? ` (${search.rejected.join('; ')})` : ''}`)
    }
    return { found }
  }
  const steps: Record<Source, Step> = {
    existing: wanted => onMachine('existing', wanted),
    download: async wanted => {
      const result = await download({
        targets: wanted,
        hostArch: hostArchOf(ctx.hostMachine),
        version: inputs.qemuVersion,
        url: inputs.qemuUrl,
        sha256: inputs.qemuSha256,
        log: ctx.log
      })
      const found = new Map<QemuTarget, Obtained>()
      for (const [target, interpreter] of result.interpreters) found.set(target, { ...interpreter, source: 'download' })
      return { found, cacheHit: result.cacheHit }
    },
    apt: async wanted => {
      await ctx.watch(() => aptInstall(ctx.sys, ctx.log))
      return onMachine('apt', wanted)
    }
  }
  const order: Source[] =
    inputs.install === 'auto' ? ['existing', 'download', 'apt'] : inputs.install === 'none' ? ['existing'] : [inputs.install]

  let wanted = [...targets]
  for (const source of order) {
    if (wanted.length === 0) break
    try {
      const { found, cacheHit } = await steps[source](wanted)
      for (const [target, interpreter] of found) installation.interpreters.set(target, interpreter)
      if (cacheHit !== undefined) installation.cacheHit = cacheHit
      if (source !== 'existing' && found.size > 0) ctx.log(`${source}: got ${[...found.keys()].map(t => `qemu-${t}`).join(', ')}`)
    } catch (error) {
      const message = (error as Error).message
      if (inputs.install === 'apt' && error instanceof AptError && !/install: download/.test(message)) {
        throw new AptError(`${message}: use install: download`)
      }
      if (inputs.install !== 'auto') throw error
      ctx.log(`${source} did not work: ${message}`)
      for (const target of wanted) tried.get(target)!.push(`${source}: ${message}`)
    }
    wanted = wanted.filter(t => !installation.interpreters.has(t))
  }
  for (const target of wanted) installation.missing.set(target, tried.get(target)!.join('; ') || `no qemu-${target}`)
  return installation
}
