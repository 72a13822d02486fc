/**
 * Real foreign programs on the host: a sysroot (QEMU_LD_PREFIX) made of the distribution's own
 * packages for the emulated architectures. makeSysroot is the whole story: find the machine's
 * distribution and the archive that serves the architectures, reuse a recent sysroot for the
 * same request, or resolve the packages with a private apt (signatures checked as always),
 * reuse the sysroot those exact versions made, or download, unpack and publish a new one.
 * Nothing here reads the action's inputs or the environment's variables; the caller passes
 * parsed values (parseLibraries, parseMirror) and places (tool cache, temporary folder).
 */
import { join } from 'node:path'
import type { QemuTarget } from '../../kernel/platforms.js'
import { packageId } from './apt-words.js'
import { rootOnlyProblem } from '../../kernel/root-files.js'
import { archiveKeyring, privateSources } from './foreign-sources.js'
import { discardSysroot, exists, publishSysroot, readRecord, removeAbandoned, requestKey, sysrootKey, writeRecord } from './cache.js'
import { distributionOf, parseOsRelease, readOsRelease, type Distribution } from './distribution.js'
import { checkSysroot, sysrootProblem } from './loader.js'
import { debianArches, LibrariesError } from './names.js'
import { openPrivateApt } from './private-apt.js'
import { readAptSources } from './sources.js'
import { sanitizedSummary, unpackDebs } from './unpack.js'

export { BASE_PACKAGES, DEBIAN_ARCHES, LibrariesError, parseLibraries, parseMirror } from './names.js'
export { checkSysroot, LOADERS, sysrootProblem } from './loader.js'
export { SYSROOT_CACHE_FOLDER } from './cache.js'

export interface SysrootRequest {
  /** The emulated platforms (one sysroot serves them all: QEMU_LD_PREFIX is one variable). */
  targets: readonly QemuTarget[]
  /** Package names, as parseLibraries returns them. */
  packages: readonly string[]
  /**
   * The folder sysroots are kept in: root's store, or <tool cache>/setup-x86-on-arm-sysroot. What
   * is found there is trusted, so no one but this process's user (or root) may be able to change it.
   */
  cacheDir: string
  /** Where the private apt's fresh state folder is made and removed again. */
  tempDir: string
  /** parseMirror's addresses; empty or absent: the archive the machine's sources name. */
  mirror?: readonly string[]
  /** The apt configuration folder whose sources are read (default /etc/apt). */
  aptEtc?: string
  /** The os-release file (default /etc/os-release, else /usr/lib/os-release). */
  osRelease?: string
  /** How long a resolved request is reused without asking the archive again (default 24 h; 0: always ask). */
  reuseForMs?: number
  log?: (message: string) => void
}

export interface Sysroot {
  /** The sysroot folder: the value for QEMU_LD_PREFIX and the output `sysroot`. */
  path: string
  /** True when the folder was already in the cache. */
  cacheHit: boolean
  /** What it holds: package:arch=version, sorted. */
  packages: string[]
}

const DAY_MS = 24 * 60 * 60 * 1000

async function timed<T>(log: (message: string) => void, what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await work()
  log(`libraries: ${what} took ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return result
}

const USE_SYSROOT = "use input 'sysroot' with a root filesystem of the platform instead"

async function machineDistribution(osRelease: string | undefined): Promise<Distribution> {
  const text = await readOsRelease(osRelease)
  if (text === undefined) {
    const problem = `cannot tell which distribution this machine runs (no ${osRelease ?? '/etc/os-release'})`
    throw new LibrariesError('libraries', problem, USE_SYSROOT)
  }
  const fields = parseOsRelease(text)
  const distribution = distributionOf(fields)
  if (!distribution) {
    throw new LibrariesError(
      'libraries',
      `this machine runs ${fields.PRETTY_NAME || fields.ID || 'an unknown system'}; libraries come from Debian's or Ubuntu's archive`,
      USE_SYSROOT
    )
  }
  return distribution
}

/** The distribution's archive keyring on this machine (.pgp, else .gpg), one only root can change. */
async function machineKeyring(distribution: Distribution): Promise<string> {
  const problems: string[] = []
  for (const extension of ['pgp', 'gpg'] as const) {
    const path = archiveKeyring(distribution, extension)
    const problem = await rootOnlyProblem(path, 'file')
    if (!problem) return path
    if (!problem.includes('ENOENT')) problems.push(problem)
  }
  const keyringPackage = distribution.family === 'ubuntu' ? 'ubuntu-keyring' : 'debian-archive-keyring'
  const problem = problems.length ? problems.join('; ') : `no ${archiveKeyring(distribution)} on this machine`
  throw new LibrariesError('libraries', `${problem}: the archive's signatures cannot be checked`, `install ${keyringPackage} (as root)`)
}

/** Makes (or reuses) the sysroot holding the packages and their dependencies for the targets. */
export async function makeSysroot(request: SysrootRequest): Promise<Sysroot> {
  const log = request.log ?? (() => {})
  if (!request.targets.length) throw new Error('makeSysroot needs at least one target')
  if (!request.packages.length) {
    throw new LibrariesError('libraries', 'no package named', 'name packages of the distribution, such as base, libssl3')
  }
  const distribution = await machineDistribution(request.osRelease)
  const arches = debianArches(request.targets)
  const keyring = await machineKeyring(distribution)
  const sources = privateSources(await readAptSources(request.aptEtc), distribution, arches, request.mirror ?? [], keyring)
  const cacheDir = request.cacheDir
  const requested = requestKey(distribution, arches, request.packages, sources)

  const record = await readRecord(cacheDir, requested)
  if (record && Date.now() - record.resolvedAt < (request.reuseForMs ?? DAY_MS)) {
    const path = join(cacheDir, record.sysroot)
    if (!(await sysrootProblem(path, request.targets))) {
      log(`libraries: reusing ${path} (resolved ${new Date(record.resolvedAt).toISOString()})`)
      return { path, cacheHit: true, packages: record.packages }
    }
  }

  await removeAbandoned(cacheDir)
  const apt = await openPrivateApt({ tempDir: request.tempDir, sources, arches, distribution })
  try {
    await timed(log, `apt-get update (private lists for ${arches.join(', ')})`, () => apt.update())
    const resolved = await timed(log, 'resolving', () => apt.resolve(request.packages))
    const packages = resolved.map(packageId).sort()
    const key = sysrootKey(distribution, arches, resolved)
    log(`libraries: ${resolved.length} packages for ${arches.join(', ')} -> ${key}`)
    const final = join(cacheDir, key)
    // A cached tree something damaged is made again rather than trusted.
    if ((await exists(final)) && (await sysrootProblem(final, request.targets))) await discardSysroot(cacheDir, key)
    const published = await publishSysroot(cacheDir, key, async (root, scratch) => {
      const debs = await timed(log, 'downloading', () => apt.download(resolved))
      const changed = await timed(log, `unpacking ${debs.length} packages`, () => unpackDebs(debs, root, scratch))
      const said = sanitizedSummary(changed)
      if (said) log(said)
      await checkSysroot(root, request.targets, 'libraries', final)
    })
    await writeRecord(cacheDir, requested, { sysroot: key, packages, resolvedAt: Date.now() })
    return { path: published.path, cacheHit: !published.made, packages }
  } finally {
    await apt.remove()
  }
}
