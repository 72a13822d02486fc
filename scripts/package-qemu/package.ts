/**
 * One package-qemu run, in order: the suite and package (from the arguments or the manifest's
 * release for --rebuild); per host, the verified index entry and .deb; the binaries read out and
 * checked; each compressed; SHA256SUMS and release.json written; then the manifest updated or
 * compared. The steps live in the modules beside this one; this is the story.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { basename, join } from 'node:path'
import { validateManifest, type Manifest } from '../../src/install/manifest.js'
import type { QemuTarget } from '../../src/kernel/platforms.js'
import { aptUpdate, fetchDeb, packageRecord, prepareApt } from './apt.js'
import { DEFAULT_OUT_ROOT, type PackageArgs } from './args.js'
import { extractMembers, readHead } from './assets.js'
import { compress, DEFAULT_COMPRESSION, encoderVersion, type CompressionName } from './compression.js'
import { assetName, binaryProblem, HOSTS, hostRow, targetsFor, wideGuestOnNarrowHost } from './hosts.js'
import {
  compareWithManifest,
  mergeRelease,
  rebuildPlan,
  recordedCompression,
  releaseOf,
  sha256sums,
  type BuiltAsset,
  type PackagedRelease
} from './release.js'
import { memberFor, packageFor, qemuVersionIn, suiteFor, upstreamQemu } from './suites.js'
import { limiter, withLock } from './tools.js'

type Log = (message: string) => void

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1)
const WIDE_ON_NARROW = 'QEMU 10 builds no 64-bit guests on 32-bit hosts'
const NO_MANIFEST: Manifest = { default: '', releases: [] }

interface Binary {
  host: string
  target: QemuTarget
  path: string
  qemu: string
  rawSha256: string
  rawSize: number
}

export interface PackageResult {
  picked: Record<string, { record: Record<string, string>; deb: string }>
  release?: PackagedRelease
  out?: string
  assets?: (BuiltAsset & { path: string })[]
  tag?: string
}

export async function packageQemu(args: PackageArgs, log: Log = m => console.log(m)): Promise<PackageResult> {
  const started = Date.now()
  const manifest = existsSync(args.manifestFile) ? validateManifest(JSON.parse(await readFile(args.manifestFile, 'utf8'))) : undefined
  const rebuild = args.rebuild !== undefined ? rebuildPlan(manifest ?? NO_MANIFEST, args.rebuild) : undefined
  const suite = suiteFor(rebuild ? rebuild.suite : args.suite)
  const pkg = rebuild?.package ?? args.package ?? packageFor(suite)
  const hosts: string[] = rebuild?.hosts ?? args.hosts ?? Object.keys(HOSTS)
  const explicitTargets = Boolean(rebuild || args.targets)
  const limit = limiter(args.jobs ?? Math.max(1, cpus().length))

  const apt = await prepareApt(args.cacheDir, suite.codename, log, args.aptEtc)

  // apt: indexes, the package entry per host, the .deb (one holder of the cache at a time)
  const picked = await withLock(args.cacheDir, async () => {
    const out: PackageResult['picked'] = {}
    for (const host of hosts) {
      const arch = hostRow(host).deb
      const t0 = Date.now()
      await aptUpdate(apt, arch, args.allowMissingIndex, log)
      const record = await packageRecord(apt, arch, pkg, rebuild?.versions[host] ?? args.debVersion)
      log(`${host}: ${pkg} ${record.Version} (${arch}) from Debian ${suite.codename}; indexes verified in ${seconds(t0)} s`)
      out[host] = { record, deb: await fetchDeb(apt, arch, record, args.cacheDir, log) }
    }
    return out
  })

  if (args.fetchOnly) {
    log(`fetched ${hosts.map(h => basename(picked[h].deb)).join(', ')} into ${join(args.cacheDir, 'debs')} in ${seconds(started)} s`)
    return { picked }
  }

  // One QEMU version for the release: every host's package from the same upstream version.
  const upstreams = new Set(hosts.map(h => upstreamQemu(picked[h].record.Version)))
  if (upstreams.size > 1) {
    const seen = hosts.map(h => `${h} ${picked[h].record.Version}`).join(', ')
    throw new Error(`the hosts' packages are of different QEMU versions (${seen}); a mirror may be mid-sync, or give --deb-version`)
  }
  const major = Number([...upstreams][0].split('.')[0])

  const plan = hosts.map(host => ({ host, targets: rebuild ? rebuild.targets[host] : targetsFor(host, major, args.targets) }))
  for (const t of args.targets ?? []) {
    if (!plan.some(p => p.targets.includes(t as QemuTarget))) {
      const why = major >= 10 && hosts.some(h => wideGuestOnNarrowHost(h, t as QemuTarget)) ? `; ${WIDE_ON_NARROW}` : ''
      throw new Error(`no host of ${hosts.join(', ')} packages target ${t} (see HOSTS in scripts/package-qemu/hosts.ts${why})`)
    }
  }
  const empty = plan.find(p => p.targets.length === 0)
  if (empty) throw new Error(`nothing to package for the ${empty.host} host with targets ${args.targets?.join(',')}`)

  const work = join(args.cacheDir, 'work', `${process.pid}`)
  try {
    // Extract and check every binary, then compress (CPU-bound: `jobs` at a time).
    const readHost = ({ host, targets }: { host: string; targets: QemuTarget[] }) =>
      readBinaries(host, targets, pkg, picked[host], join(work, host), explicitTargets, log)
    const binaries = (await Promise.all(plan.map(p => limit(() => readHost(p))))).flat()
    const qemus = new Set(binaries.map(b => b.qemu))
    if (qemus.size !== 1) throw new Error(`the binaries report different QEMU versions: ${[...qemus].join(', ')}`)
    const qemu = [...qemus][0]
    const tag = `qemu-v${qemu}`
    const out = args.out ?? join(DEFAULT_OUT_ROOT, tag)
    await mkdir(out, { recursive: true })
    const compression = chooseCompression(args, rebuild?.compression, manifest, qemu, log)

    const assets = await Promise.all(
      binaries.map(b =>
        limit(async () => {
          const t0 = Date.now()
          const name = assetName(b.target, b.host, compression)
          const file = join(out, name)
          const { sha256, size } = await compress(compression, b.path, file, b.rawSha256)
          const mib = (bytes: number, digits: number) => (bytes / 1048576).toFixed(digits)
          log(`${name}: ${mib(b.rawSize, 1)} MiB -> ${mib(size, 2)} MiB (${size} bytes) in ${seconds(t0)} s, sha256 ${sha256}`)
          return { host: b.host, target: b.target, sha256, size, binarySha256: b.rawSha256, path: file }
        })
      )
    )

    const fallback = rebuild ? rebuild.fallback : (args.fallback ?? manifest?.releases?.find(r => r.source !== 'action')?.id)
    if (fallback && manifest && !manifest.releases.some(r => r.id === fallback)) {
      throw new Error(`--fallback ${fallback} is not a release of ${args.manifestFile}`)
    }
    const release = releaseOf({
      qemu,
      suite: suite.codename,
      pkg,
      versions: Object.fromEntries(hosts.map(h => [h, picked[h].record.Version])),
      debs: Object.fromEntries(hosts.map(h => [h, picked[h].record.SHA256])),
      assets,
      fallback,
      compression,
      encoderVersion: await encoderVersion(compression)
    })
    await writeFile(join(out, 'SHA256SUMS'), sha256sums(assets, compression))
    await writeFile(join(out, 'release.json'), `${JSON.stringify(release, null, 2)}\n`)

    if (args.verify) {
      const problems = compareWithManifest(manifest ?? NO_MANIFEST, release)
      if (problems.length) throw new Error(`the files differ from what ${args.manifestFile} pins:\n  ${problems.join('\n  ')}`)
      log(`every file matches ${basename(args.manifestFile)}'s release ${release.id}`)
    }
    if (args.manifest) {
      // The action loads the manifest through the same check: what is written here, it accepts.
      const next = validateManifest(mergeRelease(manifest ?? NO_MANIFEST, release, { setDefault: args.setDefault }))
      await writeFile(args.manifestFile, `${JSON.stringify(next, null, 2)}\n`)
      log(`wrote release ${release.id} to ${args.manifestFile}${next.default === release.id ? ' (the default)' : ''}`)
    }
    log(`${assets.length} file${assets.length === 1 ? '' : 's'} in ${out} (tag ${tag}) in ${seconds(started)} s`)
    return { picked, release, out, assets, tag }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/**
 * The compression of this run: what --rebuild's release records, else --compression, else what
 * the manifest's release of this QEMU version has (so verifying or extending it gives its bytes),
 * else the default for a new release.
 */
function chooseCompression(
  args: PackageArgs,
  rebuilt: CompressionName | undefined,
  manifest: Manifest | undefined,
  id: string,
  log: Log
): CompressionName {
  const pinned = manifest?.releases.find(r => r.id === id && r.source === 'action')
  const recorded = recordedCompression(pinned)
  const [compression, why] = rebuilt
    ? [rebuilt, `what release ${id} records`]
    : args.compression
      ? [args.compression, '--compression']
      : recorded
        ? [recorded, `what the manifest's release ${id} has; --compression changes it`]
        : [DEFAULT_COMPRESSION, 'the default for a new release']
  if (args.manifest && recorded && compression !== recorded) {
    log(`release ${id} is ${recorded} in the manifest; a release has one compression, so its ${recorded} assets not built now are dropped`)
  }
  log(`compression: ${compression} (${why})`)
  return compression
}

/** The wanted interpreters of one host's .deb, each checked to be a static program for the host. */
async function readBinaries(
  host: string,
  targets: QemuTarget[],
  pkg: string,
  { record, deb }: { record: Record<string, string>; deb: string },
  dir: string,
  explicitTargets: boolean,
  log: Log
): Promise<Binary[]> {
  const t0 = Date.now()
  const found = await extractMembers(
    deb,
    targets.map(t => memberFor(pkg, t)),
    dir
  )
  const binaries: Binary[] = []
  for (const target of targets) {
    const member = memberFor(pkg, target)
    const path = found.get(member)
    if (!path) {
      const why = wideGuestOnNarrowHost(host, target) ? ` (${WIDE_ON_NARROW})` : ''
      if (explicitTargets) throw new Error(`${pkg} ${record.Version} (${record.Architecture}) has no ${member}${why}`)
      log(`${host}: ${pkg} ${record.Version} has no ${member}${why}; left out`)
      continue
    }
    const s = await stat(path).catch(() => undefined)
    if (!s?.isFile()) throw new Error(`${member} in ${basename(deb)} is not a regular file (a link?): not packaged`)
    const problem = binaryProblem(await readHead(path), host)
    if (problem) throw new Error(`${member} in ${basename(deb)} is ${problem}`)
    const bytes = await readFile(path)
    const qemu = qemuVersionIn(bytes, record.Version) ?? upstreamQemu(record.Version)
    binaries.push({ host, target, path, qemu, rawSha256: createHash('sha256').update(bytes).digest('hex'), rawSize: bytes.length })
  }
  log(`${host}: read ${targets.length} binar${targets.length === 1 ? 'y' : 'ies'} out of ${basename(deb)} in ${seconds(t0)} s`)
  return binaries
}
