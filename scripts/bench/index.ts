/**
 * The setup-speed benchmark (issue 7): how long each way of making arm64 programs run on this
 * x86_64 machine takes, measured in one run, several runs each, with median and spread.
 * Usage in args.ts; started by scripts/bench.mjs (`npm run bench`), which loads these modules
 * through tsx.
 *
 * Scenarios (wall time of the step's own `node dist/<step>/index.js` process, spawned the way the
 * Actions runner does, measure/runner.ts, on the node SETUP_X86_ACTION_NODE names, else this one):
 *   floor      `node -e 0`, with that node
 *   startup    `node dist/main/index.js` with an invalid input: the bundle's load time
 *   apt        the classic recipe on a fresh runner (measure/apt.ts)
 *   cold-br    install: download, empty caches, the single-binary asset as the project ships it
 *              (brotli, decoded in-process) from 127.0.0.1
 *   cold-xz    the same binary as xz -9e (decoded by the xz program)
 *   cold-tar   the same with a tonistiigi-like tarball (the same targets, flat, gzip)
 *   warm       cache hit: the root-only interpreter store's copy registered and probed, nothing
 *              downloaded, the tool cache not read (each work folder has its own store)
 *   existing   a working qemu-aarch64 entry is already registered: main finds it
 *   container, libraries-cold, libraries-warm, peer, default-{docker,podman}-{main,post}
 *              measure/extras.ts
 *   post       the post step removing the entry main registered
 *   post-noop  the post step after a main that changed nothing
 * plus the bundle sizes of dist/{main,post,cli}/index.js, and emulation speed (measure/emulation.ts).
 *
 * Writes bench/results.json and bench/chart.svg (chart.ts) and prints a table (report.ts). Needs
 * root, apt, xz, tar, flock, busybox (x86_64, Debian's busybox-static), dpkg-deb. Everything that
 * registers or removes binfmt_misc entries runs holding /tmp/setup-x86-binfmt.lock and puts the
 * table back (measure/table.ts). Downloads from the machine's own apt sources only (no mirror is
 * named here); the action's downloads come from a server in this process.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release as kernelRelease } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { BINFMT_DIR, isMounted } from '../../src/kernel/binfmt.js'
import { parseArgs, type BenchOptions } from './args.js'
import { renderChart } from './chart.js'
import { actionScenarios, Samples } from './measure/action.js'
import { APT_PHASES, aptScenario, type AptPhases } from './measure/apt.js'
import { emulationScenario } from './measure/emulation.js'
import { NO_DOCKER_SOCKET } from './measure/default-rows.js'
import { extraScenarios } from './measure/extras.js'
import { arm64Busybox, buildAssets, CACHE, keepDebianQemu, qemuVersionOf, snapshotDist, type Asset } from './measure/fixtures.js'
import { runCleanups, say } from './measure/processes.js'
import { actionNodeVersion, NOT_ON_RUNNERS, startMirror } from './measure/runner.js'
import { checkTargets, printReport } from './report.js'
import type { Machine, Results, Scenario } from './results.js'
import { summarize } from './stats.js'

/** Each scenario's label and group, in the order of the table and the chart. */
const LABELS: Record<string, [string, string]> = {
  floor: ['node -e 0 (floor)', 'floor'],
  startup: ['main start-up (invalid input)', 'floor'],
  apt: ['apt recipe (update + install + register)', 'apt'],
  'cold-br': ['cold: download single .br (the default)', 'action'],
  'cold-xz': ['cold: download single .xz', 'action'],
  'cold-tar': ['cold: download tarball (.tar.gz)', 'action'],
  warm: ['warm: cache hit (interpreter store)', 'action'],
  existing: ['already set up', 'action'],
  container: ['already set up + container check (own image, no registry)', 'action'],
  'default-docker-main': ['the default (verify: auto), already set up, Docker answering', 'action'],
  'default-podman-main': ['the default (verify: auto), already set up, no Docker daemon: Podman', 'action'],
  'libraries-cold': ['libraries: base, cold (private apt update + packages)', 'action'],
  'libraries-warm': ['libraries: base, warm (sysroot in the sysroot store)', 'action'],
  peer: ["peer's mechanism: docker run of a binfmt registrar (local image, no pull)", 'action'],
  post: ['post: remove the entry', 'post'],
  'post-noop': ['post: nothing to undo', 'post'],
  'default-docker-post': ['post after the default, Docker answering', 'post'],
  'default-podman-post': ['post after the default, no Docker daemon: Podman', 'post']
}

/** This machine, and `node`: the version of the node the action's steps ran on (measure/runner.ts's ACTION_NODE). */
function machine(node: string): Machine {
  const info = readFileSync('/proc/cpuinfo', 'utf8')
  const cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown'
  let os: string | undefined
  try {
    os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
  } catch {
    os = undefined
  }
  return { cpu, cores: cpus().length, node, kernel: kernelRelease(), os, arch: process.arch }
}

/** The samples as the results' scenarios, with what each one measured. */
function scenarios(
  samples: Samples,
  phases: AptPhases,
  assets: { brotli: Asset; single: Asset; tarball: Asset },
  aptNote: string | undefined,
  notes: Map<string, string>
): Scenario[] {
  return Object.entries(LABELS).map(([id, [label, group]]) => {
    const wall = samples.wall.get(id)
    const cpu = samples.cpu.get(id)
    const scenario: Scenario = { id, label, group, seconds: wall && summarize(wall), cpuSeconds: cpu && summarize(cpu) }
    if (!wall && notes.has(id)) scenario.note = notes.get(id)
    if (id === 'peer') {
      const mode = notes.get('peer-mode')
      scenario.conditions = `the image is local: the peer's pull of tonistiigi/binfmt (about 50 MB) comes on top${mode ? `; ${mode}` : ''}`
    }
    if (id.startsWith('default-') && wall) {
      const podman = id.startsWith('default-podman') ? [`DOCKER_HOST=unix://${NO_DOCKER_SOCKET}`, notes.get('default-podman-check')] : []
      scenario.conditions = [notes.get('default-engines'), ...podman].filter(Boolean).join('; ') || undefined
    }
    if (id === 'libraries-cold') scenario.conditions = "the machine's own archive, over the network"
    if (id === 'apt') {
      if (!wall) scenario.note = aptNote
      else {
        scenario.phases = Object.fromEntries(APT_PHASES.map(name => [name, summarize(phases[name] ?? [])]))
        scenario.entriesRegistered = phases.registered
        scenario.conditions = 'fresh runner: empty apt lists and package cache each run; the network mirror of the machine'
      }
    }
    const mib = (a: Asset) => `${a.name}, ${(a.bytes / 1048576).toFixed(1)} MiB`
    if (id === 'cold-br') scenario.asset = mib(assets.brotli)
    if (id === 'cold-xz') scenario.asset = mib(assets.single)
    if (id === 'cold-tar') scenario.asset = `${mib(assets.tarball)}, ${assets.tarball.members.length} binaries`
    return scenario
  })
}

async function bench(options: BenchOptions): Promise<void> {
  if (options.render) {
    // Only draw again: the chart and the table from the results of the last run.
    const results = JSON.parse(readFileSync(join(options.out, 'results.json'), 'utf8')) as Results
    results.targets = checkTargets(results)
    writeFileSync(join(options.out, 'chart.svg'), renderChart(results))
    printReport({ ...results, benchSeconds: undefined }, options.out)
    return
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: cleaning up`)
      runCleanups().finally(() => process.exit(130))
    })
  }
  if (process.getuid?.() !== 0) throw new Error('the bench registers binfmt_misc entries and runs apt: run it as root')
  if (!(await isMounted())) throw new Error(`${BINFMT_DIR} is not mounted`)
  const started = performance.now()
  mkdirSync(CACHE, { recursive: true })
  mkdirSync(options.out, { recursive: true })
  const load = () => loadavg().map(x => x.toFixed(2))[0]
  const m: Machine = { ...machine(await actionNodeVersion()), loadavg: { start: load() } }
  const date = new Date().toISOString()
  const results: Results = { version: 1, date, machine: m, options: { ...options, out: undefined }, scenarios: [] }
  const removed = NOT_ON_RUNNERS.filter(key => process.env[key] !== undefined)
  if (removed.length) {
    const why = 'set on this machine, not by the Actions runner; left out of the measured node processes'
    m.envLeftOut = `${removed.join(', ')}: ${why}`
  }

  const dist = await snapshotDist()
  results.bundles = dist.bundles
  results.distSource = dist.source
  const debianQemu = keepDebianQemu()
  const assets = await buildAssets()
  const busybox = await arm64Busybox()
  results.fixtures = {
    brotli: { name: assets.brotli.name, bytes: assets.brotli.bytes, members: assets.brotli.members, compression: 'brotli q11 w24' },
    single: { name: assets.single.name, bytes: assets.single.bytes, members: assets.single.members, compression: 'xz -9e' },
    tarball: { name: assets.tarball.name, bytes: assets.tarball.bytes, members: assets.tarball.members, compression: 'gzip -6' },
    qemu: (await qemuVersionOf(debianQemu)) ?? 'unknown'
  }
  const mirror = await startMirror({
    [assets.brotli.name]: assets.brotli.path,
    [assets.single.name]: assets.single.path,
    [assets.tarball.name]: assets.tarball.path
  })

  const samples = new Samples()
  const phases: AptPhases = {}
  await actionScenarios({ dist: dist.dir, mirror, assets, runs: options.runs, samples })
  await mirror.close()
  const notes = new Map<string, string>()
  await extraScenarios({
    dist: dist.dir,
    qemu: debianQemu,
    busybox: busybox.path,
    runs: Math.min(options.runs, 5),
    libraryRuns: options.aptRuns,
    samples,
    notes
  })
  let aptNote: string | undefined
  if (options.skipApt) aptNote = '--skip-apt'
  else await aptScenario({ runs: options.aptRuns, busybox: busybox.path, samples, phases })
  results.emulation = options.skipEmulation
    ? { note: 'skipped (--skip-emulation)' }
    : await emulationScenario({ runs: options.emuRuns, dataMb: options.dataMb, debianQemu })

  results.scenarios = scenarios(samples, phases, assets, aptNote, notes)
  results.targets = checkTargets(results)
  m.loadavg!.end = load()
  results.benchSeconds = Math.round((performance.now() - started) / 100) / 10

  writeFileSync(join(options.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(options.out, 'chart.svg'), renderChart(results))
  printReport(results, options.out)
}

/** The bench from a command line: cleans up however it ends, and exits. */
export async function main(argv: string[]): Promise<void> {
  try {
    await bench(parseArgs(argv))
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).stack ?? (error as Error).message}\n`)
    process.exitCode = 1
  } finally {
    await runCleanups()
    process.exit()
  }
}
