/**
 * After setup: the sysroot QEMU_LD_PREFIX points at, so dynamically linked programs of the
 * emulated platforms find their loader and libraries outside containers. It serves only the
 * platforms this run emulates (native ones need none), and is either made of the distribution's
 * own packages (`libraries`, install/libraries), or the folder the user gives (`sysroot`), checked
 * to hold each platform's loader. As root, sysroots are made and kept in a store only root can
 * change (the tool cache is the runner user's to rewrite, and a sysroot's libraries run in every
 * emulated program); without root, in the tool cache, or when that cannot be written or others
 * could change it, under a temporary folder of the action's own, which its post step removes.
 * Exporting the variable is the face's business: this module only says which folder.
 */
import { constants } from 'node:fs'
import { access, mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { join } from 'node:path'
import { checkSysroot, makeSysroot, SYSROOT_CACHE_FOLDER } from '../install/libraries/index.js'
import type { QemuTarget } from '../kernel/platforms.js'
import { rootOnlyProblem, trustedUids, untrustedProblem } from '../kernel/root-files.js'
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
  /** Where the private apt state is made (in a fresh folder of its own) and removed again. */
  tempDir: string
  /** Where a sysroot is made when the tool cache cannot be written; undefined: that fails instead. */
  temporaryRoot?: string
  /** Root's sysroot store, used instead of the tool cache when the process is root. */
  store?: string
}

/** given: the user's folder; cached: a sysroot already in the cache or store; made: a new one there; temporary: under temporaryRoot. */
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

/**
 * Where sysroots are kept: root's store; else the tool cache when it can be written and no one
 * else can change it; else the temporary folder, with a warning saying why.
 */
async function sysrootFolder(places: SysrootPlaces, log: Log): Promise<string> {
  if (places.store) {
    await mkdir(places.store, { recursive: true, mode: 0o755 })
    const problem = await rootOnlyProblem(places.store, 'directory')
    if (problem) {
      throw new Error(
        `libraries: the sysroot store ${places.store} is not root's alone: ${problem}; it and every folder above it must be root's and writable by root only`
      )
    }
    return places.store
  }
  const cacheDir = join(places.toolCache, SYSROOT_CACHE_FOLDER)
  const cannotWrite = (await unwritable(places.toolCache)) ?? (await unwritable(cacheDir))
  const problem = cannotWrite ?? (await untrustedProblem(cacheDir, 'folder', trustedUids()))
  if (!problem) return cacheDir
  if (!places.temporaryRoot) {
    const label = places.toolCacheLabel ?? 'the tool cache'
    const fix = cannotWrite ? 'make it writable' : 'make it writable by you alone'
    throw new Error(`libraries: ${problem}, which is ${label}: ${fix} or choose another folder`)
  }
  log.warning(`libraries: ${problem}: the sysroot is made in ${places.temporaryRoot} for this job only, and removed after it`)
  return join(places.temporaryRoot, SYSROOT_CACHE_FOLDER)
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

  const cacheDir = await sysrootFolder(places, log)
  const made = await make({
    targets,
    packages: request.packages,
    mirror: request.mirror,
    cacheDir,
    tempDir: places.tempDir,
    log: log.info
  })
  const temporary = places.temporaryRoot !== undefined && cacheDir.startsWith(`${places.temporaryRoot}/`)
  const origin: SysrootOrigin = temporary ? 'temporary' : made.cacheHit ? 'cached' : 'made'
  log.info(`libraries: ${made.packages.length} packages for ${targets.join(', ')} in ${made.path} (${origin})`)
  return { path: made.path, origin, packages: made.packages }
}
