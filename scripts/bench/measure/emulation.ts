/**
 * Emulation speed: arm64 busybox `gzip -9` and `sha256sum` over the same data under each QEMU
 * found (Debian 12's 7.2; QEMU 10 from .cache/qemu-assets when package-qemu made it) against
 * native x86_64 busybox, in CPU seconds, each output compared with native's.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ROOT } from '../args.js'
import type { Emulation, EmulationRow } from '../results.js'
import { summarize } from '../stats.js'
import { arm64Busybox, CACHE, qemuVersionOf, sha256File } from './fixtures.js'
import { ensure, run, say } from './processes.js'

/** Deterministic, compressible text (pseudo-words): the same bytes on every machine. */
export function benchData(bytes: number, seed = 0x2545f491): Buffer {
  const buf = Buffer.alloc(bytes)
  let s = seed >>> 0
  const next = () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
  const syllables = 'ka lo mi ne ru ta shi qu ex ion ar be co de fu ga hi jo pe zy st or en al'.split(' ')
  let i = 0
  while (i < bytes) {
    let word = ''
    const n = 1 + (next() % 4)
    for (let k = 0; k < n; k++) word += syllables[next() % syllables.length]
    if (next() % 7 === 0) word += String(next() % 1000)
    word += next() % 11 === 0 ? '\n' : ' '
    i += buf.write(word, i, 'latin1')
  }
  return buf
}

interface Build {
  label: string
  path: string
  source: string
  version?: string
}

const RELEASE_NAMES: Record<string, string> = { bookworm: 'Debian 12', trixie: 'Debian 13', forky: 'Debian 14' }

/**
 * The QEMU builds to compare: Debian 12's (kept aside) and every qemu-aarch64 package-qemu left
 * in .cache/qemu-assets/<tag>/ (QEMU 10 from Debian 13).
 */
async function qemuBuilds(debianCopy: string): Promise<{ builds: Build[]; notes: string[] }> {
  const builds: Build[] = [
    { label: 'Debian 12 qemu-user-static', path: debianCopy, source: '/usr/bin/qemu-aarch64-static (Debian 12 qemu-user-static)' }
  ]
  const assetsRoot = join(ROOT, '.cache', 'qemu-assets')
  const notes: string[] = []
  const found = existsSync(assetsRoot)
    ? readdirSync(assetsRoot)
        .map(tag => ({ tag, file: join(assetsRoot, tag, 'qemu-aarch64-linux-amd64.xz') }))
        .filter(a => existsSync(a.file))
    : []
  if (found.length === 0) {
    notes.push('no .cache/qemu-assets/<tag>/qemu-aarch64-linux-amd64.xz yet (QEMU 10 packaging not run): QEMU 10 skipped')
  }
  for (const { tag, file } of found) {
    const dest = join(CACHE, 'qemu', tag.replace(/[^A-Za-z0-9._-]/g, '_'), 'qemu-aarch64')
    mkdirSync(dirname(dest), { recursive: true })
    const r = await run('sh', ['-c', 'xz -dc "$1" > "$2" && chmod 755 "$2"', 'sh', file, dest])
    if (r.code !== 0) {
      notes.push(`${file}: could not unpack, skipped`)
      continue
    }
    let debian: { suite?: string; package?: string; versions?: Record<string, string> } | undefined
    try {
      debian = JSON.parse(readFileSync(join(assetsRoot, tag, 'release.json'), 'utf8')).debian
    } catch {
      debian = undefined
    }
    const release = RELEASE_NAMES[debian?.suite ?? ''] ?? debian?.suite
    const from = debian ? ` (Debian ${debian.suite} ${debian.package} ${debian.versions?.amd64 ?? ''})` : ''
    const source = `.cache/qemu-assets/${tag}/qemu-aarch64-linux-amd64.xz${from}`
    builds.push({ label: release ? `asset ${release}` : `asset ${tag}`, path: dest, source })
  }
  for (const b of builds) {
    b.version = await qemuVersionOf(b.path)
    b.label = `QEMU ${b.version ?? '?'} (${b.label.replace(/^asset /, '')})`
  }
  builds[0].label = `QEMU ${builds[0].version ?? '?'} (Debian 12)`
  return { builds, notes }
}

/** arm64 busybox gzip -9 / sha256sum under each QEMU against native x86_64 busybox. */
export async function emulationScenario(o: { runs: number; dataMb: number; debianQemu: string }): Promise<Emulation> {
  const { runs, dataMb, debianQemu } = o
  const nativeBusybox = '/usr/bin/busybox'
  const busybox = await arm64Busybox()
  const { builds, notes } = await qemuBuilds(debianQemu)
  const dataFile = join(CACHE, `data-${dataMb}MiB.txt`)
  if (!existsSync(dataFile) || statSync(dataFile).size !== dataMb * 1048576) writeFileSync(dataFile, benchData(dataMb * 1048576))
  const nativeVersion = (await run('dpkg-query', ['-W', '-f', '${Version}', 'busybox-static'])).stdout.trim() || undefined
  const runners = [
    { id: 'native', label: 'native x86_64', prefix: [nativeBusybox], build: undefined as Build | undefined },
    ...builds.map(b => ({ id: b.path, label: b.label, prefix: [b.path, busybox.path], build: b }))
  ]
  const workloads = [
    { id: 'gzip', label: 'gzip -9', args: ['gzip', '-9', '-c', dataFile] },
    { id: 'sha256sum', label: 'sha256sum', args: ['sha256sum', dataFile] }
  ]
  const outFile = join(CACHE, 'emulation.out')
  const times = new Map<string, { wall: number[]; cpu: number[] }>()
  const outputs = new Map<string, string>()
  for (let i = 1; i <= runs; i++) {
    say(`emulation: round ${i} of ${runs}`)
    for (const w of workloads) {
      // A different runner goes first each round, so drifting load does not favour one.
      for (const r of runners.map((_, k) => runners[(k + i) % runners.length])) {
        const key = `${w.id}|${r.id}`
        const [cmd, ...pre] = r.prefix
        const result = await run('sh', ['-c', '"$@" > "$0"', outFile, cmd, ...pre, ...w.args])
        ensure(result.code === 0, `${w.label} under ${r.label} failed: ${result.stderr.trim()}`)
        if (!times.has(key)) times.set(key, { wall: [], cpu: [] })
        times.get(key)!.wall.push(result.seconds)
        times.get(key)!.cpu.push(result.cpu)
        outputs.set(key, w.id === 'sha256sum' ? readFileSync(outFile, 'utf8').split(' ')[0] : sha256File(outFile))
      }
    }
  }
  rmSync(outFile, { force: true })
  const results: EmulationRow[] = []
  for (const w of workloads) {
    const nativeTimes = times.get(`${w.id}|native`)!
    const native = summarize(nativeTimes.cpu)
    for (const r of runners) {
      const key = `${w.id}|${r.id}`
      const cpu = summarize(times.get(key)!.cpu)
      const wall = summarize(times.get(key)!.wall)
      results.push({
        workload: w.label,
        runner: r.label,
        native: r.id === 'native',
        qemuVersion: r.build?.version,
        seconds: wall,
        cpuSeconds: cpu,
        ratio: native && cpu && native.median > 0 ? Math.round((cpu.median / native.median) * 100) / 100 : undefined,
        wallRatio: Math.round((wall!.median / summarize(nativeTimes.wall)!.median) * 100) / 100,
        outputSha256: outputs.get(key),
        identicalToNative: r.id === 'native' ? undefined : outputs.get(key) === outputs.get(`${w.id}|native`)
      })
    }
  }
  return {
    data: { bytes: dataMb * 1048576, label: `${dataMb} MiB of pseudo-text`, sha256: sha256File(dataFile) },
    busybox: { arm64: busybox.version, x86_64: nativeVersion },
    qemu: builds.map(b => ({ version: b.version, label: b.label, source: b.source })),
    results,
    note: notes.join('; ') || undefined
  }
}
