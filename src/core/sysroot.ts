/**
 * After setup: the sysroot QEMU_LD_PREFIX points at, so dynamically linked programs of the
 * emulated platforms find their loader and libraries outside containers. It serves only the
 * platforms this run emulates (native ones need none), and is either made of the distribution's
 * own packages (`libraries`, install/libraries) in the tool cache, or the folder the user gives
 * (`sysroot`), checked to hold each platform's loader. When the tool cache cannot be written the
 * action makes it under a temporary folder of its own, which its post step removes. Exporting the
 * variable is the face's business: this module only says which folder.
 */
import { constants } from 'node:fs'
import { access, mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { checkSysroot, makeSysroot } from '../install/libraries/index.js'
import type { QemuTarget } from '../kernel/platforms.js'
import type { Log } from './context.js'
import type { Report } from './report.js'

/** What the inputs ask for (parseLibraries and parseMirror have checked the words). */
export interface LibrariesRequest {
  /** Package names; empty: no sysroot is made. */
  packages: readonly string[]
  mirror: readonly string[]
  /** The user's own sysroot folder; empty: none. */
  sysroot: string
}

export interface SysrootPlaces {
  /** Where sysroots are kept between jobs: the runner's tool cache, or the command line's cache folder. */
  toolCache: string
  /** What chose the tool cache, for the message when it cannot be written (RUNNER_TOOL_CACHE, --cache-dir). */
  toolCacheLabel?: string
  /** Where the private apt state is made and removed again. */
  tempDir: string
  /** Where a sysroot is made when the tool cache cannot be written; undefined: that fails instead. */
  temporaryRoot?: string
}

/** given: the user's folder; cached: a sysroot already in the cache; made: a new one there; temporary: under temporaryRoot. */
export type SysrootOrigin = 'given' | 'cached' | 'made' | 'temporary'

export interface PreparedSysroot {
  /** The value for QEMU_LD_PREFIX and the output `sysroot`. */
  path: string
  origin: SysrootOrigin
  /** What it holds, package:arch=version (empty for a given folder). */
  packages: string[]
}

export function wantsSysroot(request: LibrariesRequest): boolean {
  return request.packages.length > 0 || request.sysroot !== ''
}

/** The targets this run emulates: each working platform the host does not run itself. */
export function emulatedTargets(report: Report): QemuTarget[] {
  return report.platforms.filter(p => p.status === 'existing' || p.status === 'registered').map(p => p.platform.target)
}

/** The errors that say a folder cannot be made or written to (read-only, someone else's, a file in the way). */
const UNWRITABLE = ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST']

/** Why a folder cannot be written to; undefined when it can. */
async function unwritable(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true })
    await access(dir, constants.W_OK)
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (UNWRITABLE.includes(code)) return `${dir} cannot be written (${code})`
    throw error
  }
}

/** The sysroot for the platforms the report emulates; undefined when none is asked for or all are native. */
export async function prepareSysroot(
  request: LibrariesRequest,
  report: Report,
  places: SysrootPlaces,
  log: Log,
  make: typeof makeSysroot = makeSysroot
): Promise<PreparedSysroot | undefined> {
  if (!wantsSysroot(request)) return undefined
  const targets = emulatedTargets(report)
  const what = request.sysroot ? 'sysroot' : 'libraries'
  if (targets.length === 0) {
    const native = report.platforms.map(p => p.platform.docker).join(', ')
    const runs = report.platforms.length === 1 ? 'runs' : 'run'
    log.info(`${what}: ${native || 'no platform'} ${runs} natively here; no sysroot is needed and QEMU_LD_PREFIX is not set`)
    return undefined
  }
  if (request.sysroot) {
    const path = resolve(request.sysroot)
    await checkSysroot(path, targets, 'sysroot')
    log.info(`sysroot: ${path} holds the dynamic loader for ${targets.join(', ')}`)
    return { path, origin: 'given', packages: [] }
  }

  let cacheRoot = places.toolCache
  const problem = await unwritable(cacheRoot)
  if (problem && !places.temporaryRoot) {
    const label = places.toolCacheLabel ?? 'the tool cache'
    throw new Error(`libraries: ${problem}, which is ${label}: make it writable or choose another folder`)
  }
  if (problem && places.temporaryRoot) {
    log.warning(`libraries: ${problem}: the sysroot is made in ${places.temporaryRoot} for this job only, and removed after it`)
    cacheRoot = places.temporaryRoot
  }
  const made = await make({
    targets,
    packages: request.packages,
    mirror: request.mirror,
    cacheRoot,
    tempDir: places.tempDir,
    log: log.info
  })
  const origin: SysrootOrigin = cacheRoot !== places.toolCache ? 'temporary' : made.cacheHit ? 'cached' : 'made'
  log.info(`libraries: ${made.packages.length} packages for ${targets.join(', ')} in ${made.path} (${origin})`)
  return { path: made.path, origin, packages: made.packages }
}
