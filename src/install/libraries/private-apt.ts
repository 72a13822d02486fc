/**
 * apt on private state: its own sources file, lists, cache, log, preferences, an empty dpkg
 * status and its own configuration (APT_CONFIG points the configuration parts at an empty
 * folder, so the machine's hooks, such as command-not-found's or appstream's update hooks, do not
 * run and its pins do not apply; only its Acquire:: network settings are carried over). The
 * architectures are set outright, so `dpkg --add-architecture` is never needed. apt still checks
 * the Release signatures with the keyrings the sources name; nothing here turns that off. Names
 * are only ever names: apt takes a name no package has as a pattern unless told not to. A file:
 * archive's packages, which apt leaves where they lie, are copied into the cache and checked
 * against the signed index. The machine's /etc/apt, /var/lib/apt, /var/lib/dpkg and their locks
 * are never written.
 */
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { type FileHandle, mkdir, open, readdir, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runProgram, type RunResult } from '../../kernel/process.js'
import { freshFolder } from '../../kernel/root-files.js'
import { dropScratch, holdScratch } from '../../kernel/scratch.js'
import {
  acquireSettings,
  debFileName,
  downloadFailure,
  namesWithCandidate,
  notResolvedByName,
  packageId,
  parsePrintUris,
  parseSimulation,
  patternNames,
  resolveFailure,
  updateFailure,
  type PrintedUri,
  type ResolvedPackage
} from './apt-words.js'
import type { Distribution } from './distribution.js'
import { LibrariesError } from './names.js'

export interface PrivateAptOptions {
  /** Where the private state folder is made (and removed again). */
  tempDir: string
  /** The deb822 sources text (archive.ts). */
  sources: string
  /** Debian architectures; the first is apt's native one. */
  arches: readonly string[]
  distribution: Distribution
}

export interface PrivateApt {
  dir: string
  update(): Promise<void>
  /** The packages an install of the names would fetch, dependencies included. */
  resolve(names: readonly string[]): Promise<ResolvedPackage[]>
  /** Downloads the resolved packages (checked against the signed indexes); their .deb paths. */
  download(packages: readonly ResolvedPackage[]): Promise<string[]>
  remove(): Promise<void>
}

const NO_APT_FIX = "use input 'sysroot' with a root filesystem of the platform instead"

function noApt(distribution: Distribution): LibrariesError {
  const problem = `this machine (${distribution.name}) has no apt-get, which fetches the distribution's packages`
  return new LibrariesError('libraries', problem, NO_APT_FIX)
}

function missingProgram(result: RunResult): boolean {
  return result.code === 127 && /ENOENT/.test(result.stderr)
}

/** The names to ask apt for: plain for the native architecture, name:arch for the others. */
export function qualifiedNames(names: readonly string[], arches: readonly string[]): string[] {
  return arches.flatMap((arch, i) => names.map(name => (i === 0 ? name : `${name}:${arch}`)))
}

/** apt's options for the private state in dir (apart from the configuration file APT_CONFIG names). */
export function privateOptions(dir: string, arches: readonly string[]): string[] {
  const settings = [
    `APT::Architecture=${arches[0]}`,
    `APT::Architectures=${arches.join(',')}`,
    `Dir::State=${dir}/state`,
    `Dir::State::Lists=${dir}/state/lists`,
    `Dir::State::status=${dir}/state/status`,
    `Dir::Cache=${dir}/cache`,
    'Dir::Cache::srcpkgcache=',
    `Dir::Etc::SourceList=${dir}/sources.list`,
    `Dir::Etc::SourceParts=${dir}/sources.list.d`,
    `Dir::Etc::Preferences=${dir}/preferences`,
    `Dir::Etc::PreferencesParts=${dir}/preferences.d`,
    `Dir::Log=${dir}/log`,
    'Acquire::Languages=none',
    'Acquire::AllowInsecureRepositories=false',
    'Acquire::AllowDowngradeToInsecureRepositories=false',
    'APT::Get::AllowUnauthenticated=false',
    'APT::Install-Recommends=false',
    'APT::Install-Suggests=false',
    // Else a name no package has is tried as a regular expression (zlib1g.dev installs zlib1g-dev).
    'APT::Cmd::Pattern-Only=true'
  ]
  return settings.flatMap(setting => ['-o', setting])
}

/** Makes the private state folder and its configuration; throws when the machine has no apt. */
export async function openPrivateApt(options: PrivateAptOptions): Promise<PrivateApt> {
  const { arches, distribution } = options
  const dump = await runProgram('apt-config', ['dump'], { timeoutMs: 30_000 })
  if (missingProgram(dump)) throw noApt(distribution)
  // Fresh, under a parent no untrusted user can change: root's apt reads its configuration from here.
  // apt fetches as the unprivileged _apt user when run as root: it must be able to reach the lists.
  const dir = await freshFolder([options.tempDir], 'setup-x86-on-arm-apt-', 0o755)
  holdScratch(dir)
  if (/["\n]/.test(dir)) throw new Error(`the temporary folder ${dir} has a character apt's configuration cannot hold`)
  for (const sub of ['state/lists/partial', 'cache/archives/partial', 'sources.list.d', 'preferences.d', 'apt.conf.d', 'log']) {
    await mkdir(join(dir, sub), { recursive: true })
  }
  await writeFile(join(dir, 'state/status'), '')
  await writeFile(join(dir, 'sources.list.d/archive.sources'), options.sources)
  const config = [`Dir::Etc::Main "${dir}/apt.conf.main";`, `Dir::Etc::Parts "${dir}/apt.conf.d";`, ...acquireSettings(dump.stdout)]
  await writeFile(join(dir, 'apt.conf'), config.join('\n') + '\n')

  const env: NodeJS.ProcessEnv = { ...process.env, APT_CONFIG: join(dir, 'apt.conf'), LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' }
  delete env.LANGUAGE
  const aptGet = async (args: string[], timeoutMs: number): Promise<RunResult> => {
    const result = await runProgram('apt-get', [...privateOptions(dir, arches), ...args], { env, timeoutMs })
    if (missingProgram(result)) throw noApt(distribution)
    return result
  }
  const archiveName = `${distribution.name}'s archive for ${arches.join(' and ')}`

  return {
    dir,
    async update() {
      const result = await aptGet(['-q', 'update'], 300_000)
      const failure = updateFailure(result.stdout + '\n' + result.stderr, result.code)
      if (!failure) {
        // apt only notes an archive without the architecture; with no index for it, nothing could resolve.
        const lists = await readdir(join(dir, 'state/lists'))
        const absent = arches.filter(arch => !lists.some(name => name.includes(`_binary-${arch}_Packages`)))
        if (!absent.length) return
        throw new LibrariesError(
          'libraries',
          `${distribution.name}'s archive has no packages for ${absent.join(', ')}`,
          'leave that platform out of libraries, or set libraries-mirror to an archive that builds for it'
        )
      }
      if (failure.kind === 'signature') {
        throw new LibrariesError(
          'libraries',
          `the Release signature of ${failure.where} does not verify (${failure.detail})`,
          "install the distribution's archive keyring that the machine's sources name (Signed-By), " +
            "or set libraries-mirror to a mirror that serves the distribution's signed files"
        )
      }
      if (failure.kind === 'unreachable') {
        const fix = 'check the network, or set libraries-mirror to a reachable mirror of the archive'
        throw new LibrariesError('libraries', `the archive ${failure.where} does not answer (${failure.detail})`, fix)
      }
      const fix = 'check the archive address, or set libraries-mirror'
      throw new LibrariesError('libraries', `apt-get update of ${archiveName} failed (${failure.detail})`, fix)
    },
    async resolve(names) {
      const noPackage = (missing: readonly string[]) =>
        new LibrariesError(
          'libraries',
          `no package ${missing.join(', ')} in ${archiveName}`,
          "check the spelling against the distribution's package names (apt-cache search on a machine of it), or leave it out"
        )
      const simulate = (more: string[], of: readonly string[]) =>
        aptGet(['-s', ...more, 'install', '--no-install-recommends', ...qualifiedNames(of, arches)], 120_000)
      const result = await simulate(['-q'], names)
      if (result.code === 0) {
        const packages = parseSimulation(result.stdout)
        // apt before 2.0 ignores Pattern-Only; a virtual package resolves to other names too. Only
        // apt's notes (at quiet level 0) tell a pattern from a virtual package.
        const unsure = notResolvedByName(names, arches, packages)
        if (unsure.length) {
          const again = await simulate(['-o', 'quiet=0'], unsure)
          const patterns = patternNames(again.stdout + '\n' + again.stderr).filter(name => unsure.includes(name))
          if (patterns.length) throw noPackage(patterns)
        }
        return packages
      }
      const failure = resolveFailure(result.stdout + '\n' + result.stderr)
      if (failure.kind === 'missing') {
        const known = await machineKnows(failure.names)
        const elsewhere = failure.names.filter(name => known.has(name))
        if (elsewhere.length) {
          throw new LibrariesError(
            'libraries',
            `${elsewhere.join(', ')} ${elsewhere.length > 1 ? 'are' : 'is'} not built for ${arches.join(' or ')} ` +
              `in ${distribution.name}'s archive (the machine's own lists have it)`,
            "leave it out, or use input 'sysroot' with a root filesystem that holds it"
          )
        }
        throw noPackage(failure.names)
      }
      if (failure.kind === 'broken') {
        const problem = `the packages cannot be installed together for ${arches.join(', ')}: ${failure.detail}`
        throw new LibrariesError('libraries', problem, 'leave out the package that pulls it in')
      }
      const problem = `apt could not resolve the packages in ${archiveName} (${failure.detail})`
      throw new LibrariesError('libraries', problem, 'check the package names')
    },
    async download(packages) {
      // Exact versions: what is fetched is what the cache key was computed from.
      const install = ['-q', '-y', '--download-only', 'install', '--no-install-recommends', ...packages.map(packageId)]
      const result = await aptGet(install, 900_000)
      if (result.code !== 0) {
        const problem = `downloading the packages failed (${downloadFailure(result.stdout + '\n' + result.stderr)})`
        throw new LibrariesError('libraries', problem, 'run again; if it persists, set libraries-mirror')
      }
      const archives = join(dir, 'cache/archives')
      const present = new Set(await readdir(archives))
      const absent = packages.map(debFileName).filter(file => !present.has(file))
      if (absent.length) {
        // apt leaves a file: archive's packages where they lie; it still says where, with the signed index's hash.
        const listed = await aptGet(['-o', 'Acquire::ForceHash=SHA256', '--print-uris', ...install], 120_000)
        const local = parsePrintUris(listed.stdout).filter(uri => absent.includes(uri.file) && uri.uri.startsWith('file:'))
        const lost = absent.filter(file => !local.some(uri => uri.file === file))
        if (lost.length) throw new Error(`apt-get reported success but did not store ${lost.join(', ')}`)
        for (const uri of local) await copyChecked(uri, join(archives, uri.file))
      }
      return packages.map(p => join(archives, debFileName(p)))
    },
    async remove() {
      await rm(dir, { recursive: true, force: true })
      dropScratch(dir)
    }
  }
}

/** Names asked of one apt-cache: a few hundred are still a short command line. */
const LOOKUP_BATCH = 100

/** The names the machine's own apt (its usual lists, read only) has a package by, asked a batch at a time. */
async function machineKnows(names: readonly string[]): Promise<Set<string>> {
  const env = { ...process.env, LC_ALL: 'C' }
  const known = new Set<string>()
  for (let i = 0; i < names.length; i += LOOKUP_BATCH) {
    const args = ['-o', 'APT::Cmd::Pattern-Only=true', 'policy', ...names.slice(i, i + LOOKUP_BATCH)]
    const result = await runProgram('apt-cache', args, { timeoutMs: 60_000, env })
    if (result.code === 0) for (const name of namesWithCandidate(result.stdout)) known.add(name)
  }
  return known
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants

/**
 * Copies a package from a file: archive to `to`, checked against the SHA256 apt printed (from the
 * signed index): the archive's folder may be one others can write, so only the hash vouches for it.
 */
async function copyChecked(uri: PrintedUri, to: string): Promise<void> {
  const refuse = (problem: string, fix: string) => new LibrariesError('libraries', problem, fix)
  const repair = "make the mirror again from the distribution's archive, or set libraries-mirror to another one"
  if (!uri.sha256) {
    const fix = 'use a mirror whose indexes carry SHA256 sums, as every Debian and Ubuntu archive does'
    throw refuse(`the archive's index gives no SHA256 for ${uri.file}, so the copy at ${uri.uri} cannot be checked`, fix)
  }
  let from: string
  try {
    from = fileURLToPath(uri.uri)
  } catch {
    throw refuse(`apt names ${uri.uri} for ${uri.file}, which is not a file on this machine`, repair)
  }
  let source: FileHandle
  try {
    source = await open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const unlinked = 'give the archive with the package files themselves, not links to them'
    if (code === 'ELOOP') throw refuse(`${from} in the file: archive is a link`, unlinked)
    throw refuse(`cannot open ${from} in the file: archive (${code})`, repair)
  }
  try {
    const info = await source.stat()
    if (!info.isFile()) throw refuse(`${from} in the file: archive is not a regular file`, repair)
    if (info.size !== uri.size) throw refuse(`${from} has ${info.size} bytes; the archive's signed index says ${uri.size}`, repair)
    const target = await open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
    const hash = createHash('sha256')
    try {
      const buffer = Buffer.alloc(1024 * 1024)
      // No further than the signed size, whatever the file grows to meanwhile.
      for (let done = 0; done < uri.size;) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, uri.size - done), null)
        if (!bytesRead) break
        hash.update(buffer.subarray(0, bytesRead))
        await target.write(buffer, 0, bytesRead)
        done += bytesRead
      }
    } finally {
      await target.close()
    }
    const actual = hash.digest('hex')
    if (actual !== uri.sha256) {
      await unlink(to)
      throw refuse(`${from} does not match the archive's signed index (SHA256 ${actual}, expected ${uri.sha256})`, repair)
    }
  } finally {
    await source.close()
  }
}
