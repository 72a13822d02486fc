/**
 * apt on private state: its own sources file, lists, cache, log, preferences, an empty dpkg
 * status and its own configuration (APT_CONFIG points the configuration parts at an empty
 * folder, so the machine's hooks, such as command-not-found's or appstream's update hooks, do not
 * run and its pins do not apply; only its Acquire:: network settings are carried over). The
 * architectures are set outright, so `dpkg --add-architecture` is never needed. apt still checks
 * the Release signatures with the keyrings the sources name; nothing here turns that off. The
 * machine's /etc/apt, /var/lib/apt, /var/lib/dpkg and their locks are never written.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runProgram, type RunResult } from '../../kernel/process.js'
import {
  acquireSettings,
  debFileName,
  downloadFailure,
  packageId,
  parseSimulation,
  resolveFailure,
  updateFailure,
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
    'APT::Install-Suggests=false'
  ]
  return settings.flatMap(setting => ['-o', setting])
}

/** Makes the private state folder and its configuration; throws when the machine has no apt. */
export async function openPrivateApt(options: PrivateAptOptions): Promise<PrivateApt> {
  const { arches, distribution } = options
  const dump = await runProgram('apt-config', ['dump'], { timeoutMs: 30_000 })
  if (missingProgram(dump)) throw noApt(distribution)
  const dir = await mkdtemp(join(options.tempDir, 'setup-x86-on-arm-apt-'))
  if (/["\n]/.test(dir)) throw new Error(`the temporary folder ${dir} has a character apt's configuration cannot hold`)
  // apt fetches as the unprivileged _apt user when run as root: it must be able to reach the lists.
  await chmod(dir, 0o755)
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
      const result = await aptGet(['-s', '-q', 'install', '--no-install-recommends', ...qualifiedNames(names, arches)], 120_000)
      if (result.code === 0) return parseSimulation(result.stdout)
      const failure = resolveFailure(result.stdout + '\n' + result.stderr)
      if (failure.kind === 'missing') {
        const native = await Promise.all(failure.names.map(async name => ((await machineKnows(name)) ? name : undefined)))
        const elsewhere = native.filter((name): name is string => !!name)
        if (elsewhere.length) {
          throw new LibrariesError(
            'libraries',
            `${elsewhere.join(', ')} ${elsewhere.length > 1 ? 'are' : 'is'} not built for ${arches.join(' or ')} ` +
              `in ${distribution.name}'s archive (the machine's own lists have it)`,
            "leave it out, or use input 'sysroot' with a root filesystem that holds it"
          )
        }
        throw new LibrariesError(
          'libraries',
          `no package ${failure.names.join(', ')} in ${archiveName}`,
          "check the spelling against the distribution's package names (apt-cache search on a machine of it), or leave it out"
        )
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
      const exact = packages.map(packageId)
      const result = await aptGet(['-q', '-y', '--download-only', 'install', '--no-install-recommends', ...exact], 900_000)
      if (result.code !== 0) {
        const problem = `downloading the packages failed (${downloadFailure(result.stdout + '\n' + result.stderr)})`
        throw new LibrariesError('libraries', problem, 'run again; if it persists, set libraries-mirror')
      }
      const archives = join(dir, 'cache/archives')
      const present = new Set(await readdir(archives))
      const absent = packages.filter(p => !present.has(debFileName(p)))
      if (absent.length) throw new Error(`apt-get reported success but did not store ${absent.map(debFileName).join(', ')}`)
      return packages.map(p => join(archives, debFileName(p)))
    },
    async remove() {
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** Whether the machine's own apt (its usual lists, read only) knows a package by that name. */
async function machineKnows(name: string): Promise<boolean> {
  const env = { ...process.env, LC_ALL: 'C' }
  const result = await runProgram('apt-cache', ['show', '--no-all-versions', name], { timeoutMs: 30_000, env })
  return result.code === 0 && /^Package: /m.test(result.stdout)
}
