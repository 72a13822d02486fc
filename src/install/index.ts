/**
 * Getting a QEMU interpreter for each target that needs one: one already on the machine, a
 * verified download (registered from the root-only interpreter store where the places name one,
 * the tool cache keeping the download), or the distro's packages, as the request's method says.
 * auto: what is on the machine -> the download (cache hit or fresh) -> apt.
 *
 * The caller says what is wanted (InstallRequest) and where things go (InstallPlaces); nothing
 * in install/ reads the action's inputs, and of the environment only the proxy variables are
 * read, by the HTTP client.
 */
import type { QemuTarget } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import { AptError, aptInstall } from './apt.js'
import type { InstallPlaces } from './download/index.js'
import { findInterpreter, type Interpreter } from './interpreter.js'

export type { InstallPlaces } from './download/index.js'

/** Where an interpreter came from: already on the machine, a verified download, or the distribution's packages. */
export type Source = 'machine' | 'download' | 'apt'

export interface Obtained extends Interpreter {
  source: Source
}

export interface Installation {
  interpreters: Map<QemuTarget, Obtained>
  /** Targets nothing could serve, each with what was tried. */
  missing: Map<QemuTarget, string>
  cacheHit?: boolean
}

export interface InstallRequest {
  method: 'auto' | 'apt' | 'download' | 'none'
  /** binfmt flags asked for (F needs a static interpreter). */
  flags: string
  /** '' = manifest default. */
  qemuVersion: string
  /** '' = from the manifest. */
  qemuUrl: string
  qemuSha256: string
}

export interface InstallContext {
  sys: Privileged
  /** uname -m of the host, for the download's host architecture. */
  hostMachine: string
  places: InstallPlaces
  log: (message: string) => void
  /** Runs the package-manager step with the binfmt table watched, so what it registers is journaled. */
  watch: <T>(step: () => Promise<T>) => Promise<T>
}

type Step = (targets: QemuTarget[]) => Promise<{ found: Map<QemuTarget, Obtained>; cacheHit?: boolean }>

/** The sources a method tries, in order. */
function sourcesFor(method: InstallRequest['method']): Source[] {
  if (method === 'auto') return ['machine', 'download', 'apt']
  if (method === 'none') return ['machine']
  return [method]
}

/** Interpreters for the targets, trying the sources the method allows in order until all are served. */
export async function obtainInterpreters(
  targets: readonly QemuTarget[],
  request: InstallRequest,
  ctx: InstallContext
): Promise<Installation> {
  const installation: Installation = { interpreters: new Map(), missing: new Map() }
  const tried = new Map<QemuTarget, string[]>(targets.map(t => [t, []]))

  const onMachine = async (source: Source, wanted: QemuTarget[]) => {
    const found = new Map<QemuTarget, Obtained>()
    for (const target of wanted) {
      const search = await findInterpreter(target, request.flags)
      if (search.found) found.set(target, { ...search.found, source })
      else
        tried
          .get(target)!
          .push(`no static qemu-${target} on the machine${search.rejected.length ? ` (${search.rejected.join('; ')})` : ''}`)
    }
    return { found }
  }
  const steps: Record<Source, Step> = {
    machine: wanted => onMachine('machine', wanted),
    download: async wanted => {
      // Loaded only when a download is tried: its HTTP, TLS and archive code is most of what a start-up would load.
      const { download, hostArchOf } = await import('./download/index.js')
      const hostArch = hostArchOf(ctx.hostMachine)
      const { qemuVersion: version, qemuUrl: url, qemuSha256: sha256 } = request
      const result = await download({ targets: wanted, hostArch, version, url, sha256, log: ctx.log, sys: ctx.sys }, ctx.places)
      const found = new Map<QemuTarget, Obtained>()
      for (const [target, interpreter] of result.interpreters) found.set(target, { ...interpreter, source: 'download' })
      return { found, cacheHit: result.cacheHit }
    },
    apt: async wanted => {
      await ctx.watch(() => aptInstall(ctx.sys, ctx.log))
      return onMachine('apt', wanted)
    }
  }

  let wanted = [...targets]
  for (const source of sourcesFor(request.method)) {
    if (wanted.length === 0) break
    try {
      const { found, cacheHit } = await steps[source](wanted)
      for (const [target, interpreter] of found) installation.interpreters.set(target, interpreter)
      if (cacheHit !== undefined) installation.cacheHit = cacheHit
      if (source !== 'machine' && found.size > 0) ctx.log(`${source}: got ${[...found.keys()].map(t => `qemu-${t}`).join(', ')}`)
    } catch (error) {
      const message = (error as Error).message
      if (request.method === 'apt' && error instanceof AptError && !/install: download/.test(message)) {
        throw new AptError(`${message}: use install: download`)
      }
      if (request.method !== 'auto') throw error
      ctx.log(`${source} did not work: ${message}`)
      for (const target of wanted) tried.get(target)!.push(`${source}: ${message}`)
    }
    wanted = wanted.filter(t => !installation.interpreters.has(t))
  }
  for (const target of wanted) installation.missing.set(target, tried.get(target)!.join('; ') || `no qemu-${target}`)
  return installation
}
