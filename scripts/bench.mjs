#!/usr/bin/env node
// The setup-speed benchmark (issue 7): how long each way of making arm64 programs run on this
// x86_64 machine takes, measured in one run, several runs each, with median and spread.
//
//   npm run bench [-- --runs N] [--apt-runs N] [--emu-runs N] [--data-mb N] [--skip-apt]
//                 [--skip-emulation] [--quick] [--out DIR]
//
// Scenarios (wall time of the step's own `node dist/<step>/index.js` process, spawned the way the
// Actions runner does: INPUT_*, GITHUB_OUTPUT/STATE, STATE_* for post, RUNNER_TEMP,
// RUNNER_TOOL_CACHE; this process stays alive across main and post, as the runner does):
//   floor      `node -e 0`
//   startup    `node dist/main/index.js` with an invalid input: the bundle's load time
//   apt        the classic recipe on a fresh runner (empty apt lists and package cache):
//              apt-get update + install qemu-user-static binfmt-support + register + one probe
//   cold-xz    install: download, empty tool cache, the single-binary asset (xz -9e) from 127.0.0.1
//   cold-tar   the same with a tonistiigi-like tarball (the same targets, flat, gzip)
//   warm       tool-cache hit: nothing downloaded, the entry registered and probed
//   existing   a working qemu-aarch64 entry is already registered: main finds it
//   post       the post step removing the entry main registered
//   post-noop  the post step after a main that changed nothing
// plus the bundle sizes of dist/*/index.js, and emulation speed: arm64 busybox `gzip -9` and
// `sha256sum` over the same data under each QEMU found (Debian 12's 7.2; QEMU 10 from
// .cache/qemu-assets when another step packaged it) against native x86_64 busybox.
//
// Writes bench/results.json and bench/chart.svg and prints a table (Markdown). Needs root, apt,
// xz, tar, flock, busybox (x86_64, Debian's busybox-static), dpkg-deb. Everything that registers or
// removes binfmt_misc entries runs holding /tmp/setup-x86-binfmt.lock and puts the table back; the
// apt scenario purges qemu-user-static and binfmt-support and ends by reinstalling the version of
// qemu-user-static the machine had, without binfmt-support. Downloads from the machine's own apt
// sources only (no mirror is named here); the action's downloads come from a server in this process.
// The pure parts (statistics, table, chart) are exported for the unit tests.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:http'
import { cpus, loadavg, release as kernelRelease } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { actionDefaults, parseFileCommands } from './local-run.mjs'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CACHE = join(ROOT, '.cache', 'bench')
const LOCK_FILE = '/tmp/setup-x86-binfmt.lock'
const BINFMT = '/proc/sys/fs/binfmt_misc'
const ENTRY = 'qemu-aarch64'
const DEBIAN_QEMU = '/usr/bin/qemu-aarch64-static'
/** The targets tonistiigi/binfmt builds, less the host's own family (left out of an amd64 tarball). */
const TARBALL_TARGETS = ['aarch64', 'arm', 'loongarch64', 'mips64', 'mips64el', 'ppc64le', 'riscv64', 's390x']
/** QEMU's magic and mask for aarch64 (mask B), as the kernel's register file takes them. */
const AARCH64_MAGIC = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00'
const AARCH64_MASK = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff'

// ---------------------------------------------------------------------------------------------
// Statistics (pure)

/** The q-quantile (0..1) of sorted numbers, interpolating linearly between ranks (R's type 7). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo)
}

const round3 = x => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x)

/** Median and spread of samples (seconds); the samples are kept in run order. */
export function summarize(samples) {
  const values = samples.filter(x => Number.isFinite(x))
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    median: round3(quantile(sorted, 0.5)),
    min: round3(sorted[0]),
    max: round3(sorted[sorted.length - 1]),
    q1: round3(quantile(sorted, 0.25)),
    q3: round3(quantile(sorted, 0.75)),
    mean: round3(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    samples: values.map(round3)
  }
}

// ---------------------------------------------------------------------------------------------
// Targets of issue 7 (pure)

/**
 * Checks the issue's targets against a results object: cold download >= 10x faster than the apt
 * recipe, warm within 0.3 s of the node floor, already-set-up and post within 0.2 s. A target
 * whose figures are missing is reported with met: undefined.
 */
export function checkTargets(results) {
  const by = id => results.scenarios.find(s => s.id === id)?.seconds?.median
  const floor = by('floor')
  const apt = by('apt')
  const checks = []
  for (const id of ['cold-xz', 'cold-tar']) {
    const label = results.scenarios.find(s => s.id === id)?.label ?? id
    const t = by(id)
    const ratio = apt !== undefined && t ? apt / t : undefined
    checks.push({
      id,
      text: `${label}: at least 10x faster than the apt recipe`,
      target: 10,
      actual: ratio === undefined ? undefined : Math.round(ratio * 10) / 10,
      unit: 'x',
      met: ratio === undefined ? undefined : ratio >= 10
    })
  }
  for (const [id, limit] of [
    ['warm', 0.3],
    ['existing', 0.2],
    ['post', 0.2],
    ['post-noop', 0.2]
  ]) {
    const label = results.scenarios.find(s => s.id === id)?.label ?? id
    const t = by(id)
    const over = floor !== undefined && t !== undefined ? round3(t - floor) : undefined
    checks.push({
      id,
      text: `${label}: within ${limit} s of the node -e 0 floor`,
      target: limit,
      actual: over,
      unit: 's over the floor',
      met: over === undefined ? undefined : over <= limit
    })
  }
  return checks
}

// ---------------------------------------------------------------------------------------------
// Table (pure)

/** Seconds for people: 0.412 -> "0.41", 31.42 -> "31.4". */
export function formatSeconds(s) {
  if (s === undefined || !Number.isFinite(s)) return '-'
  return s < 10 ? s.toFixed(2) : s.toFixed(1)
}

function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => String(r[i]).length)))
  const line = cells => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}

/** The setup scenarios as a Markdown table: median, min-max, IQR, CPU, over the floor, and how many times faster than apt the action's setups are. */
export function formatTable(results) {
  const floor = results.scenarios.find(s => s.id === 'floor')?.seconds?.median
  const apt = results.scenarios.find(s => s.id === 'apt')?.seconds?.median
  const rows = []
  for (const s of results.scenarios) {
    const t = s.seconds
    if (!t) {
      rows.push([s.label, 0, 'skipped', '', '', '', '', ''])
      continue
    }
    rows.push([
      s.label,
      t.n,
      formatSeconds(t.median),
      `${formatSeconds(t.min)}-${formatSeconds(t.max)}`,
      `${formatSeconds(t.q1)}-${formatSeconds(t.q3)}`,
      s.cpuSeconds ? formatSeconds(s.cpuSeconds.median) : '-',
      floor !== undefined && s.id !== 'floor' ? `+${formatSeconds(Math.max(0, t.median - floor))}` : '',
      apt !== undefined && s.group === 'action' && t.median > 0 ? `${(apt / t.median).toFixed(apt / t.median >= 10 ? 0 : 1)}x` : ''
    ])
    for (const [name, phase] of Object.entries(s.phases ?? {})) {
      if (!phase) continue
      rows.push([`  ${name}`, phase.n, formatSeconds(phase.median), `${formatSeconds(phase.min)}-${formatSeconds(phase.max)}`, `${formatSeconds(phase.q1)}-${formatSeconds(phase.q3)}`, '', '', ''])
    }
  }
  return markdownTable(['scenario (arm64 on x86_64)', 'runs', 'median s', 'min-max s', 'IQR s', 'CPU s', 'over floor', 'apt / this'], rows)
}

/** The emulation figures as a Markdown table: CPU and wall medians and the ratio to native. */
export function formatEmulationTable(emulation) {
  if (!emulation?.results?.length) return ''
  const rows = emulation.results.map(r => [
    r.workload,
    r.runner,
    r.cpuSeconds?.n ?? r.seconds?.n ?? 0,
    formatSeconds(r.cpuSeconds?.median),
    formatSeconds(r.seconds?.median),
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`,
    r.identicalToNative === undefined ? '' : r.identicalToNative ? 'yes' : 'NO'
  ])
  return markdownTable(['workload', 'runs under', 'runs', 'CPU s (median)', 'wall s (median)', 'CPU vs native', 'same output'], rows)
}

/** One line per target: met, missed, or not measured. */
export function formatTargets(checks) {
  return checks
    .map(c => {
      const mark = c.met === undefined ? 'not measured' : c.met ? 'met' : 'MISSED'
      const actual = c.actual === undefined ? '' : c.unit === 'x' ? ` (${c.actual}x)` : ` (+${c.actual.toFixed(2)} s)`
      return `- [${mark}] ${c.text}${actual}`
    })
    .join('\n')
}

// ---------------------------------------------------------------------------------------------
// Chart (pure): a hand-written SVG, no dependencies

export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
}

/** A log10 scale from [lo, hi] seconds to [x0, x1] pixels, with 1-2-5 ticks (1-3 over more than 3 decades). */
export function logScale(lo, hi, x0, x1) {
  const a = Math.log10(lo)
  const b = Math.log10(hi)
  const at = v => x0 + ((Math.log10(Math.min(Math.max(v, lo), hi)) - a) / (b - a)) * (x1 - x0)
  const ticks = []
  const steps = b - a > 3.001 ? [1, 3] : [1, 2, 5]
  for (let e = Math.floor(a); e <= Math.ceil(b); e++) {
    for (const m of steps) {
      const v = m * 10 ** e
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(Number(v.toPrecision(3)))
    }
  }
  return { at, ticks }
}

/** The decade bounds around all the values: 0.13..31 -> [0.1, 100]. */
export function decadeBounds(values) {
  const v = values.filter(x => Number.isFinite(x) && x > 0)
  if (v.length === 0) return [0.1, 1]
  const lo = 10 ** Math.floor(Math.log10(Math.min(...v)))
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...v)))
  if (hi <= lo) hi = lo * 10
  return [lo, hi]
}

const COLORS = { floor: '#9e9e9e', action: '#2b6cb0', post: '#2f855a', apt: '#c05621', native: '#9e9e9e', qemu: ['#2b6cb0', '#6b46c1', '#b83280', '#2c7a7b'] }

function fmtTick(v) {
  return v >= 1 ? String(v) : String(Number(v.toPrecision(2)))
}

/**
 * The chart: panel 1, wall seconds of each setup scenario on a log scale (bar = median, whisker =
 * min-max, box = IQR, dashed line = the node floor); panel 2, emulated CPU time relative to native
 * per workload and QEMU version; the machine in the footer.
 */
export function renderChart(results) {
  const W = 820
  const labelW = 250
  const x0 = labelW + 10
  const x1 = W - 170
  const rowH = 26
  const out = []
  let y = 0
  const text = (x, yy, s, attrs = '') => out.push(`<text x="${x.toFixed(1)}" y="${yy.toFixed(1)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`)

  // Panel 1: setup times
  const rows = results.scenarios
  y += 28
  text(12, y, 'Time to make arm64 programs run on this x86_64 machine (wall seconds, log scale)', 'class="title"')
  y += 18
  const nRuns = [...new Set(rows.filter(r => r.seconds).map(r => r.seconds.n))].join('/')
  text(12, y, `bar: median of ${nRuns} runs; whisker: min-max; box: interquartile range; dashed: node -e 0 floor`, 'class="note"')
  y += 14
  const [lo, hi] = decadeBounds(rows.flatMap(r => (r.seconds ? [r.seconds.min, r.seconds.max] : [])))
  const scale = logScale(lo, hi, x0, x1)
  const top = y
  const bottom = top + rows.length * rowH + 6
  for (const t of scale.ticks) {
    const x = scale.at(t)
    out.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" class="grid"/>`)
    text(x, bottom + 14, fmtTick(t), 'class="tick" text-anchor="middle"')
  }
  text(x1, bottom + 28, 'seconds', 'class="tick" text-anchor="end"')
  rows.forEach((r, i) => {
    const cy = top + i * rowH + rowH / 2 + 3
    text(labelW, cy + 4, r.label, 'class="label" text-anchor="end"')
    if (!r.seconds) {
      text(x0 + 4, cy + 4, r.note ? `skipped: ${r.note}` : 'skipped', 'class="note"')
      return
    }
    const s = r.seconds
    const color = COLORS[r.group] ?? COLORS.action
    out.push(`<rect x="${x0}" y="${(cy - 7).toFixed(1)}" width="${Math.max(1, scale.at(s.median) - x0).toFixed(1)}" height="14" fill="${color}" fill-opacity="0.55"/>`)
    out.push(`<rect x="${scale.at(s.q1).toFixed(1)}" y="${(cy - 7).toFixed(1)}" width="${Math.max(1, scale.at(s.q3) - scale.at(s.q1)).toFixed(1)}" height="14" fill="${color}" fill-opacity="0.9"/>`)
    out.push(`<line x1="${scale.at(s.min).toFixed(1)}" y1="${cy}" x2="${scale.at(s.max).toFixed(1)}" y2="${cy}" class="whisker"/>`)
    for (const v of [s.min, s.max]) out.push(`<line x1="${scale.at(v).toFixed(1)}" y1="${cy - 5}" x2="${scale.at(v).toFixed(1)}" y2="${cy + 5}" class="whisker"/>`)
    out.push(`<line x1="${scale.at(s.median).toFixed(1)}" y1="${cy - 8}" x2="${scale.at(s.median).toFixed(1)}" y2="${cy + 8}" class="median"/>`)
    text(x1 + 8, cy + 4, `${formatSeconds(s.median)} s  (${formatSeconds(s.min)}-${formatSeconds(s.max)})`, 'class="value"')
  })
  const floor = rows.find(r => r.id === 'floor')?.seconds?.median
  if (floor !== undefined) {
    const x = scale.at(floor).toFixed(1)
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" class="floor"/>`)
  }
  y = bottom + 34

  // Panel 2: emulation speed, grouped by workload
  const emu = results.emulation
  if (emu?.results?.length) {
    y += 22
    text(12, y, 'Emulation speed: arm64 busybox under QEMU, CPU time relative to native x86_64 busybox', 'class="title"')
    y += 18
    const runs = emu.results[0].cpuSeconds?.n ?? ''
    text(12, y, `bar: median CPU time / native median CPU time, ${runs} runs each, ${emu.data?.label ?? ''}; lower is faster`, 'class="note"')
    y += 14
    const maxRatio = Math.max(1, ...emu.results.map(r => r.ratio ?? 0))
    const hiR = Math.ceil(maxRatio)
    const at = v => x0 + (v / hiR) * (x1 - x0)
    const workloads = [...new Set(emu.results.map(r => r.workload))]
    const lines = workloads.flatMap(w => [{ header: w }, ...emu.results.filter(r => r.workload === w)])
    const erTop = y
    const erBottom = erTop + lines.length * rowH + 6
    const step = hiR <= 6 ? 1 : hiR <= 15 ? 2 : 5
    for (let t = 0; t <= hiR; t += step) {
      out.push(`<line x1="${at(t).toFixed(1)}" y1="${erTop}" x2="${at(t).toFixed(1)}" y2="${erBottom}" class="grid"/>`)
      text(at(t), erBottom + 14, `${t}x`, 'class="tick" text-anchor="middle"')
    }
    const runners = [...new Set(emu.results.filter(r => !r.native).map(r => r.runner))]
    lines.forEach((r, i) => {
      const cy = erTop + i * rowH + rowH / 2 + 3
      if (r.header) {
        text(12, cy + 4, r.header, 'class="group"')
        return
      }
      text(labelW, cy + 4, r.runner, 'class="label" text-anchor="end"')
      if (r.ratio === undefined) {
        text(x0 + 4, cy + 4, 'not measured', 'class="note"')
        return
      }
      const color = r.native ? COLORS.native : COLORS.qemu[runners.indexOf(r.runner) % COLORS.qemu.length]
      out.push(`<rect x="${x0}" y="${(cy - 7).toFixed(1)}" width="${Math.max(1, at(r.ratio) - x0).toFixed(1)}" height="14" fill="${color}" fill-opacity="0.75"/>`)
      text(x1 + 8, cy + 4, `${r.ratio.toFixed(2)}x  (${formatSeconds(r.cpuSeconds?.median)} s CPU)`, 'class="value"')
    })
    y = erBottom + 28
    if (emu.note) {
      text(12, y, emu.note, 'class="note"')
      y += 14
    }
  } else if (emu?.note) {
    y += 16
    text(12, y, `Emulation speed: ${emu.note}`, 'class="note"')
    y += 14
  }

  // Footer: the machine
  const m = results.machine ?? {}
  y += 12
  text(12, y, `Machine: ${m.cpu ?? '?'}, ${m.cores ?? '?'} cores, Node ${m.node ?? '?'}, Linux ${m.kernel ?? '?'}${m.os ? `, ${m.os}` : ''}`, 'class="note"')
  y += 14
  const load = m.loadavg ? `; load average ${m.loadavg.start} at start, ${m.loadavg.end} at end (other work shared the machine)` : ''
  if (m.envLeftOut) {
    text(12, y, `${m.envLeftOut.split(':')[0]} (set on this machine, not by the Actions runner) left out of the measured node processes`, 'class="note"')
    y += 14
  }
  text(12, y, `Measured ${results.date ? results.date.slice(0, 16).replace('T', ' ') + ' UTC' : ''} by npm run bench${load}`, 'class="note"')
  y += 12

  const style = [
    'text { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #1a202c; }',
    '.title { font-size: 14px; font-weight: 600; }',
    '.note { font-size: 11px; fill: #4a5568; }',
    '.label { font-size: 12px; }',
    '.group { font-size: 12px; font-weight: 600; }',
    '.value { font-size: 11px; font-variant-numeric: tabular-nums; }',
    '.tick { font-size: 10px; fill: #4a5568; }',
    '.grid { stroke: #e2e8f0; stroke-width: 1; }',
    '.whisker { stroke: #1a202c; stroke-width: 1.2; }',
    '.median { stroke: #1a202c; stroke-width: 2; }',
    '.floor { stroke: #718096; stroke-width: 1.2; stroke-dasharray: 4 3; }'
  ].join('\n    ')
  const height = Math.ceil(y + 6)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="setup-x86-on-arm benchmark">`,
    `  <style>\n    ${style}\n  </style>`,
    `  <rect width="${W}" height="${height}" fill="#ffffff"/>`,
    ...out.map(l => `  ${l}`),
    '</svg>',
    ''
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Processes

function say(message) {
  process.stderr.write(`bench: ${message}\n`)
}

/** The CPU seconds of this process's waited-for children (cutime + cstime of /proc/self/stat). */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[13]) + Number(fields[14])) / 100 // clock ticks (USER_HZ = 100)
}

/**
 * Runs a program asynchronously (this process's HTTP server keeps answering meanwhile) and
 * measures its wall time and CPU time (its own and its children's).
 */
function run(command, args, { env, cwd, stdout = 'pipe', input } = {}) {
  return new Promise((resolvePromise, reject) => {
    const cpuBefore = childrenCpu()
    const started = performance.now()
    const child = spawn(command, args, { env, cwd, stdio: [input === undefined ? 'ignore' : 'pipe', stdout, 'pipe'] })
    const out = []
    const err = []
    child.stdout?.on('data', b => out.push(b))
    child.stderr.on('data', b => err.push(b))
    if (input !== undefined) child.stdin.end(input)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000
      resolvePromise({
        code: code ?? 128,
        signal,
        seconds,
        cpu: childrenCpu() - cpuBefore,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString()
      })
    })
  })
}

async function must(command, args, options) {
  const r = await run(command, args, options)
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}`)
  return r
}

const cleanups = []
async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop()
    try {
      await fn()
    } catch (error) {
      say(`cleanup failed: ${error.message}`)
    }
  }
}

/** Holds /tmp/setup-x86-binfmt.lock (the lock every test that touches binfmt_misc takes) until release(). */
async function takeLock() {
  const child = spawn('flock', [LOCK_FILE, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = setTimeout(() => say(`waiting for ${LOCK_FILE} (another test holds it)`), 1000)
  try {
    await new Promise((resolvePromise, reject) => {
      child.stdout.once('data', resolvePromise)
      child.once('exit', code => reject(new Error(`flock exited ${code}`)))
      child.once('error', reject)
    })
  } finally {
    clearTimeout(waiting)
  }
  let released = false
  const release = async () => {
    if (released) return
    released = true
    child.stdin.end()
    if (child.exitCode === null) await once(child, 'exit')
  }
  cleanups.push(release)
  return release
}

// ---------------------------------------------------------------------------------------------
// binfmt_misc

function tableNames() {
  return readdirSync(BINFMT)
    .filter(n => n !== 'register' && n !== 'status')
    .sort()
}

/**
 * Removes entries that appeared since the snapshot, taken holding the lock: the phase made them
 * (binfmt-support registers every format in /usr/share/binfmts, jar and python3.11 included, and
 * purging it leaves them all registered).
 */
function restoreTable(snapshot, why) {
  const extra = tableNames().filter(n => !snapshot.includes(n))
  for (const name of extra) writeFileSync(join(BINFMT, name), '-1')
  if (extra.length) say(`removed ${extra.length} binfmt entr${extra.length === 1 ? 'y' : 'ies'} left by ${why}: ${extra.join(' ')}`)
  return extra
}

/** An entry as its file shows it, kept so it can be registered again exactly. */
function readEntry(name) {
  const text = readFileSync(join(BINFMT, name), 'utf8')
  const field = key => new RegExp(`^${key}\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? ''
  return { name, enabled: /^enabled/.test(text), interpreter: field('interpreter'), flags: field('flags:'), offset: field('offset'), magic: field('magic'), mask: field('mask') }
}

const escapeHex = hex => hex.replace(/../g, b => `\\x${b}`)

function registerEntry(e) {
  writeFileSync(join(BINFMT, 'register'), `:${e.name}:M:${e.offset}:${escapeHex(e.magic)}:${escapeHex(e.mask)}:${e.interpreter}:${e.flags}`)
  if (!e.enabled) writeFileSync(join(BINFMT, e.name), '0')
}

/**
 * Holds the binfmt lock for a phase. A qemu-aarch64 entry found at the start (left by someone
 * else) is set aside for the phase, since every scenario needs the name free, and registered
 * again exactly as it was at the end; entries the phase left are removed.
 */
async function lockedPhase(why, work) {
  const release = await takeLock()
  let aside
  try {
    if (tableNames().includes(ENTRY)) {
      aside = readEntry(ENTRY)
      say(`${ENTRY} is registered already (interpreter ${aside.interpreter}, flags ${aside.flags || 'none'}): set aside for ${why}, registered again after`)
      writeFileSync(join(BINFMT, ENTRY), '-1')
    }
    const snapshot = tableNames()
    try {
      return await work(snapshot)
    } finally {
      restoreTable(snapshot, why)
    }
  } finally {
    try {
      if (aside && !tableNames().includes(ENTRY)) registerEntry(aside)
    } finally {
      await release()
    }
  }
}

function registerAarch64(interpreter) {
  writeFileSync(join(BINFMT, 'register'), `:${ENTRY}:M::${AARCH64_MAGIC}:${AARCH64_MASK}:${interpreter}:F`)
}

// ---------------------------------------------------------------------------------------------
// Fixtures under .cache/bench

function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

function stampOf(paths) {
  return paths.map(p => (existsSync(p) ? `${p}:${statSync(p).size}:${statSync(p).mtimeMs}` : `${p}:missing`)).join(' ')
}

/** Copies dist/{main,post,cli} aside, so a concurrent `npm run bundle` cannot pull it away mid-run. */
async function snapshotDist() {
  const dest = join(CACHE, 'dist')
  const files = ['main', 'post', 'cli'].map(step => join(ROOT, 'dist', step, 'index.js'))
  for (let i = 0; i < 60 && !files.every(f => existsSync(f)); i++) {
    if (i === 0) say('dist/ is incomplete (a bundle is being rebuilt?); waiting up to 60 s')
    await sleep(1000)
  }
  rmSync(dest, { recursive: true, force: true })
  let source = 'working tree'
  if (files.every(f => existsSync(f))) {
    // Wait for the sizes to settle (ncc writes in place).
    let sizes = ''
    for (let i = 0; i < 10; i++) {
      const now = files.map(f => statSync(f).size).join()
      if (now === sizes) break
      sizes = now
      await sleep(300)
    }
    for (const step of ['main', 'post', 'cli']) {
      mkdirSync(join(dest, step), { recursive: true })
      for (const name of readdirSync(join(ROOT, 'dist', step))) copyFileSync(join(ROOT, 'dist', step, name), join(dest, step, name))
    }
  } else {
    source = 'git HEAD (dist/ was incomplete in the working tree)'
    for (const step of ['main', 'post', 'cli']) {
      mkdirSync(join(dest, step), { recursive: true })
      for (const name of ['index.js', 'package.json', 'licenses.txt']) {
        const r = await run('git', ['show', `HEAD:dist/${step}/${name}`], { cwd: ROOT })
        if (r.code === 0) writeFileSync(join(dest, step, name), r.stdout)
      }
    }
  }
  const bundles = ['main', 'post', 'cli'].map(step => {
    const data = readFileSync(join(dest, step, 'index.js'))
    return {
      file: `dist/${step}/index.js`,
      bytes: data.length,
      gzipBytes: gzipSync(data, { level: 9 }).length,
      sha256: createHash('sha256').update(data).digest('hex')
    }
  })
  return { dir: dest, source, bundles }
}

/** Debian's static qemu-aarch64 copied aside (the apt scenario purges /usr/bin's). */
function keepDebianQemu() {
  const dest = join(CACHE, 'qemu', 'debian12', 'qemu-aarch64')
  if (existsSync(DEBIAN_QEMU)) {
    mkdirSync(dirname(dest), { recursive: true })
    if (!existsSync(dest) || statSync(dest).size !== statSync(DEBIAN_QEMU).size || sha256File(dest) !== sha256File(DEBIAN_QEMU)) copyFileSync(DEBIAN_QEMU, dest)
  }
  if (!existsSync(dest)) throw new Error(`${DEBIAN_QEMU} is missing (apt-get install qemu-user-static) and no copy is kept in ${dirname(dest)}`)
  return dest
}

/** The action's asset (one binary, xz -9e) and a tonistiigi-like tarball, rebuilt when /usr/bin's binaries change. */
async function buildAssets() {
  const dir = join(CACHE, 'assets')
  const single = join(dir, 'qemu-aarch64-linux-amd64.xz')
  const tarball = join(dir, 'qemu_v7.2.0_linux-amd64.tar.gz')
  const sources = TARBALL_TARGETS.map(t => `/usr/bin/qemu-${t}-static`)
  const stampFile = join(dir, 'stamp')
  const stamp = `v1 ${stampOf(sources)}`
  const fresh = existsSync(single) && existsSync(tarball) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp
  const usable = existsSync(single) && existsSync(tarball)
  if (!fresh && sources.every(p => existsSync(p))) {
    say('building the download assets (xz -9e single binary, gzip tarball)')
    const work = join(dir, 'work')
    rmSync(work, { recursive: true, force: true })
    mkdirSync(work, { recursive: true })
    for (const t of TARBALL_TARGETS) copyFileSync(`/usr/bin/qemu-${t}-static`, join(work, `qemu-${t}`))
    copyFileSync('/usr/bin/qemu-aarch64-static', join(work, 'qemu-aarch64-linux-amd64'))
    await Promise.all([
      must('xz', ['-9e', '-T1', '-k', '-f', join(work, 'qemu-aarch64-linux-amd64')]),
      must('tar', ['--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-czf', join(work, 'tarball.tar.gz'), '-C', work, ...TARBALL_TARGETS.map(t => `qemu-${t}`)])
    ])
    copyFileSync(join(work, 'qemu-aarch64-linux-amd64.xz'), single)
    copyFileSync(join(work, 'tarball.tar.gz'), tarball)
    rmSync(work, { recursive: true, force: true })
    writeFileSync(stampFile, stamp)
  } else if (!usable) {
    throw new Error(`cannot build the assets: ${sources.filter(p => !existsSync(p)).join(', ')} missing (apt-get install qemu-user-static)`)
  }
  const describe = (path, members) => ({ name: basename(path), path, bytes: statSync(path).size, sha256: sha256File(path), members })
  return { single: describe(single, ['qemu-aarch64-linux-amd64']), tarball: describe(tarball, TARBALL_TARGETS.map(t => `qemu-${t}`)) }
}

/** apt-get with a foreign architecture and private state: nothing of the machine's apt setup changes. */
function foreignApt(dir, arch) {
  return ['-o', `APT::Architecture=${arch}`, '-o', `APT::Architectures=${arch}`, '-o', `Dir::State::Lists=${join(dir, 'lists')}`, '-o', `Dir::Cache=${join(dir, 'cache')}`, '-q']
}

/** arm64 busybox-static from the machine's own apt sources (apt-get download), unpacked. */
async function arm64Busybox() {
  const dir = join(CACHE, 'apt-arm64')
  const root = join(dir, 'root')
  const busybox = join(root, 'bin', 'busybox')
  if (!existsSync(busybox)) {
    say('getting arm64 busybox-static with apt-get download (private lists)')
    for (const sub of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(dir, sub), { recursive: true })
    await must('apt-get', [...foreignApt(dir, 'arm64'), 'update'])
    await must('apt-get', [...foreignApt(dir, 'arm64'), 'download', 'busybox-static'], { cwd: dir })
    const deb = readdirSync(dir).find(n => n.startsWith('busybox-static_') && n.endsWith('_arm64.deb'))
    if (!deb) throw new Error('apt-get download busybox-static left no arm64 .deb')
    rmSync(root, { recursive: true, force: true })
    await must('dpkg-deb', ['-x', join(dir, deb), root])
  }
  const deb = readdirSync(dir).find(n => n.startsWith('busybox-static_') && n.endsWith('_arm64.deb'))
  const version = deb ? (await run('dpkg-deb', ['-f', join(dir, deb), 'Version'])).stdout.trim() : undefined
  return { path: busybox, version }
}

async function qemuVersionOf(path) {
  const r = await run(path, ['--version'])
  return /version (\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1]
}

/**
 * The QEMU builds to compare: Debian 12's (kept aside) and every qemu-aarch64 the other packaging
 * step left in .cache/qemu-assets/<tag>/ (QEMU 10 from Debian 13).
 */
async function qemuBuilds(debianCopy) {
  const builds = [{ label: `Debian 12 qemu-user-static`, path: debianCopy, source: '/usr/bin/qemu-aarch64-static (Debian 12 qemu-user-static)' }]
  const assetsRoot = join(ROOT, '.cache', 'qemu-assets')
  const notes = []
  const found = existsSync(assetsRoot)
    ? readdirSync(assetsRoot)
        .map(tag => ({ tag, file: join(assetsRoot, tag, 'qemu-aarch64-linux-amd64.xz') }))
        .filter(a => existsSync(a.file))
    : []
  if (found.length === 0) notes.push('no .cache/qemu-assets/<tag>/qemu-aarch64-linux-amd64.xz yet (QEMU 10 packaging not run): QEMU 10 skipped')
  for (const { tag, file } of found) {
    const dest = join(CACHE, 'qemu', tag.replace(/[^A-Za-z0-9._-]/g, '_'), 'qemu-aarch64')
    mkdirSync(dirname(dest), { recursive: true })
    const r = await run('sh', ['-c', 'xz -dc "$1" > "$2" && chmod 755 "$2"', 'sh', file, dest])
    if (r.code !== 0) {
      notes.push(`${file}: could not unpack, skipped`)
      continue
    }
    let debian
    try {
      debian = JSON.parse(readFileSync(join(assetsRoot, tag, 'release.json'), 'utf8')).debian
    } catch {
      debian = undefined
    }
    const release = { bookworm: 'Debian 12', trixie: 'Debian 13', forky: 'Debian 14' }[debian?.suite] ?? debian?.suite
    builds.push({
      label: release ? `asset ${release}` : `asset ${tag}`,
      path: dest,
      source: `.cache/qemu-assets/${tag}/qemu-aarch64-linux-amd64.xz${debian ? ` (Debian ${debian.suite} ${debian.package} ${debian.versions?.amd64 ?? ''})` : ''}`
    })
  }
  for (const b of builds) {
    b.version = await qemuVersionOf(b.path)
    b.label = `QEMU ${b.version ?? '?'} (${b.label.replace(/^asset /, '')})`
  }
  builds[0].label = `QEMU ${builds[0].version ?? '?'} (Debian 12)`
  return { builds, notes }
}

/** Deterministic, compressible text (pseudo-words): the same bytes on every machine. */
export function benchData(bytes, seed = 0x2545f491) {
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
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'shi', 'qu', 'ex', 'ion', 'ar', 'be', 'co', 'de', 'fu', 'ga', 'hi', 'jo', 'pe', 'zy', 'st', 'or', 'en', 'al']
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

// ---------------------------------------------------------------------------------------------
// The local mirror

async function startMirror(files) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1)
    const file = files[path]
    if (!file) {
      res.writeHead(404)
      res.end('not found')
      return
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(file).size })
    createReadStream(file).pipe(res)
  })
  await new Promise(r => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${server.address().port}`
  cleanups.push(() => new Promise(r => server.close(() => r())))
  server.unref()
  return { base, close: () => new Promise(r => server.close(() => r())) }
}

// ---------------------------------------------------------------------------------------------
// The action, as the runner runs it

/**
 * Variables this machine sets that the Actions runner does not, and that change every node
 * start: NODE_EXTRA_CA_CERTS makes node read and parse a CA bundle before any code runs (about
 * 0.1 s here). They are left out of the measured node processes (floor and action alike).
 */
export const NOT_ON_RUNNERS = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']

function measuredEnv(extra = {}) {
  const env = { ...process.env }
  for (const key of NOT_ON_RUNNERS) delete env[key]
  return { ...env, ...extra }
}

let defaultInputs

function stepEnv(step, workdir, inputs) {
  const env = measuredEnv()
  for (const key of Object.keys(env)) if (key.startsWith('INPUT_') || key.startsWith('STATE_') || key.startsWith('GITHUB_') || key.startsWith('RUNNER_')) delete env[key]
  defaultInputs ??= actionDefaults(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  for (const [name, value] of Object.entries({ ...defaultInputs, ...inputs })) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  const state = join(workdir, 'state')
  if (step === 'main') writeFileSync(state, '')
  if (step === 'post' && existsSync(state)) {
    for (const [name, value] of Object.entries(parseFileCommands(readFileSync(state, 'utf8')))) env[`STATE_${name}`] = value
  }
  const output = join(workdir, `${step}.output`)
  writeFileSync(output, '')
  if (!existsSync(join(workdir, 'summary.md'))) writeFileSync(join(workdir, 'summary.md'), '')
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: output,
    GITHUB_STATE: state,
    GITHUB_STEP_SUMMARY: join(workdir, 'summary.md'),
    RUNNER_TEMP: join(workdir, 'temp'),
    RUNNER_TOOL_CACHE: join(workdir, 'tool-cache')
  })
  mkdirSync(env.RUNNER_TEMP, { recursive: true })
  mkdirSync(env.RUNNER_TOOL_CACHE, { recursive: true })
  return env
}

/** Runs dist/<step>/index.js (the snapshot) for a work folder; returns timing, exit code and outputs. */
async function actionStep(dist, step, workdir, inputs) {
  mkdirSync(workdir, { recursive: true })
  const env = stepEnv(step, workdir, inputs)
  const r = await run(process.execPath, [join(dist, step, 'index.js')], { env })
  const outputs = parseFileCommands(readFileSync(join(workdir, `${step}.output`), 'utf8'))
  return { ...r, outputs }
}

function expect(condition, what, r) {
  if (condition) return
  const log = r ? `\n--- stdout\n${r.stdout.trim().split('\n').slice(-15).join('\n')}\n--- stderr\n${r.stderr.trim().split('\n').slice(-10).join('\n')}` : ''
  throw new Error(`${what}${log}`)
}

// ---------------------------------------------------------------------------------------------
// Scenarios

class Samples {
  constructor() {
    this.wall = new Map()
    this.cpu = new Map()
  }
  add(id, r) {
    if (!this.wall.has(id)) {
      this.wall.set(id, [])
      this.cpu.set(id, [])
    }
    this.wall.get(id).push(r.seconds)
    this.cpu.get(id).push(r.cpu)
  }
}

async function actionScenarios({ dist, mirror, assets, runs, debianQemu, samples }) {
  const base = join(CACHE, 'runs')
  rmSync(base, { recursive: true, force: true })
  const common = { platforms: 'arm64', install: 'download', verify: 'probe', cleanup: 'true' }
  const xzInputs = { ...common, 'qemu-url': `${mirror.base}/${assets.single.name}`, 'qemu-sha256': assets.single.sha256 }
  const tarInputs = { ...common, 'qemu-url': `${mirror.base}/${assets.tarball.name}`, 'qemu-sha256': assets.tarball.sha256 }

  return lockedPhase('the action scenarios', async () => {
    let n = 0
    const fresh = name => {
      const dir = join(base, `${name}-${++n}`)
      rmSync(dir, { recursive: true, force: true })
      return dir
    }

    /** main registering (cold or warm), then post removing; both checked. */
    const mainThenPost = async (id, dir, inputs, cacheHit) => {
      const main = await actionStep(dist, 'main', dir, inputs)
      expect(main.code === 0, `${id}: main failed (exit ${main.code})`, main)
      expect(main.outputs['install-method'] === 'download' && main.outputs['cache-hit'] === String(cacheHit), `${id}: expected install-method=download cache-hit=${cacheHit}, got ${JSON.stringify(main.outputs)}`, main)
      expect(tableNames().includes(ENTRY), `${id}: main did not register ${ENTRY}`, main)
      const post = await actionStep(dist, 'post', dir, inputs)
      expect(post.code === 0 && /removed qemu-aarch64/.test(post.stdout), `${id}: post did not remove ${ENTRY}`, post)
      expect(!tableNames().includes(ENTRY), `${id}: ${ENTRY} still registered after post`, post)
      return { main, post }
    }

    // Warm-up (untimed): the page cache, and the tool cache every warm run starts from.
    say('warm-up')
    await run(process.execPath, ['-e', '0'], { env: measuredEnv() })
    const warmDir = join(base, 'warm')
    await mainThenPost('warm-up', warmDir, xzInputs, false)
    const warmCache = join(warmDir, 'tool-cache')
    const cachedQemu = readdirSync(join(warmCache, 'qemu-user-static')).map(v => join(warmCache, 'qemu-user-static', v, 'amd64', 'qemu-aarch64'))[0]
    expect(cachedQemu && existsSync(cachedQemu), 'warm-up left no cached qemu-aarch64')

    for (let i = 1; i <= runs; i++) {
      say(`action scenarios: round ${i} of ${runs}`)
      samples.add('floor', await run(process.execPath, ['-e', '0'], { env: measuredEnv() }))

      const startupDir = fresh('startup')
      const startup = await actionStep(dist, 'main', startupDir, { ...common, platforms: 'not-a-platform' })
      expect(startup.code === 1 && /input 'platforms'/.test(startup.stdout), 'startup: main did not fail on the invalid input', startup)
      samples.add('startup', startup)
      rmSync(startupDir, { recursive: true, force: true })

      for (const [id, inputs] of [
        ['cold-xz', xzInputs],
        ['cold-tar', tarInputs]
      ]) {
        const dir = fresh(id)
        const { main, post } = await mainThenPost(id, dir, inputs, false)
        samples.add(id, main)
        samples.add('post', post)
        rmSync(dir, { recursive: true, force: true })
      }

      // Warm: the tool cache from the warm-up, a fresh job otherwise.
      for (const name of ['state', 'main.output', 'post.output', 'summary.md']) rmSync(join(warmDir, name), { force: true })
      const { main: warm, post } = await mainThenPost('warm', warmDir, xzInputs, true)
      samples.add('warm', warm)
      samples.add('post', post)

      // Already set up: a working F entry someone registered before the job (the action's cached
      // interpreter); main finds it, changes nothing; post has nothing to undo.
      const dir = fresh('existing')
      registerAarch64(cachedQemu)
      try {
        const main = await actionStep(dist, 'main', dir, xzInputs)
        expect(main.code === 0 && main.outputs['install-method'] === 'existing', `existing: expected install-method=existing, got ${JSON.stringify(main.outputs)}`, main)
        samples.add('existing', main)
        const post = await actionStep(dist, 'post', dir, xzInputs)
        expect(post.code === 0 && /nothing to restore/.test(post.stdout), 'existing: post should have had nothing to restore', post)
        expect(tableNames().includes(ENTRY), 'existing: the pre-existing entry is gone after post', post)
        samples.add('post-noop', post)
      } finally {
        if (existsSync(join(BINFMT, ENTRY))) writeFileSync(join(BINFMT, ENTRY), '-1')
      }
      rmSync(dir, { recursive: true, force: true })
    }
    return { cachedQemu }
  })
}

async function dpkgVersion(pkg) {
  const r = await run('dpkg-query', ['-W', '-f', '${Status}|${Version}', pkg])
  const [status, version] = r.stdout.split('|')
  return r.code === 0 && /install ok installed/.test(status) ? version : undefined
}

/**
 * The apt recipe on a fresh runner: empty apt lists and package cache (private to each run),
 * `apt-get update`, `apt-get install -y --no-install-recommends qemu-user-static binfmt-support`,
 * then make sure qemu-aarch64 is registered and run an arm64 program once.
 */
async function aptScenario({ runs, busybox, samples, phases }) {
  const original = await dpkgVersion('qemu-user-static')
  const hadSupport = await dpkgVersion('binfmt-support')
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const quiet = ['-q', '-o', 'Dpkg::Use-Pty=0', '-o', 'DPkg::Lock::Timeout=120']
  const purge = () => must('apt-get', [...quiet, 'purge', '-y', 'qemu-user-static', 'binfmt-support'], { env: aptEnv })
  const putBack = async snapshot => {
    say('apt recipe: putting the machine back (purge, reinstall qemu-user-static without binfmt-support)')
    await purge()
    restoreTable(snapshot, 'the apt recipe')
    if (original) {
      const exact = await run('apt-get', [...quiet, 'install', '-y', '--no-install-recommends', `qemu-user-static=${original}`], { env: aptEnv })
      if (exact.code !== 0) await must('apt-get', [...quiet, 'install', '-y', '--no-install-recommends', 'qemu-user-static'], { env: aptEnv })
    }
    if (hadSupport) await must('apt-get', [...quiet, 'install', '-y', '--no-install-recommends', 'binfmt-support'], { env: aptEnv })
    restoreTable(snapshot, 'the reinstall')
    const now = tableNames()
    if (now.join() !== snapshot.join()) say(`WARNING: binfmt_misc has ${now.join(' ')}; before: ${snapshot.join(' ') || '(none)'}`)
    const after = await dpkgVersion('qemu-user-static')
    if (after !== original) say(`WARNING: qemu-user-static is ${after ?? 'not installed'}, was ${original ?? 'not installed'}`)
    if (!hadSupport && (await dpkgVersion('binfmt-support'))) say('WARNING: binfmt-support is still installed')
  }
  return lockedPhase('the apt recipe', async snapshot => {
    try {
      for (let i = 1; i <= runs; i++) {
        say(`apt recipe: run ${i} of ${runs} (purge, then update + install + register from an empty apt state)`)
        await purge()
        restoreTable(snapshot, 'the purge')
        const dir = join(CACHE, 'apt-run')
        rmSync(dir, { recursive: true, force: true })
        for (const sub of ['lists/partial', 'archives/partial']) mkdirSync(join(dir, sub), { recursive: true })
        const fresh = ['-o', `Dir::State::Lists=${join(dir, 'lists')}`, '-o', `Dir::Cache::Archives=${join(dir, 'archives')}`, '-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache=']
        const update = await must('apt-get', [...quiet, ...fresh, 'update'], { env: aptEnv })
        const install = await must('apt-get', [...quiet, ...fresh, 'install', '-y', '--no-install-recommends', 'qemu-user-static', 'binfmt-support'], { env: aptEnv })
        // Register: the package's postinst imports every format through binfmt-support; where it
        // did not (inside a container), the recipe's next line does. Then one arm64 program runs.
        const regStart = performance.now()
        const regCpu = childrenCpu()
        if (!existsSync(join(BINFMT, ENTRY))) await must('update-binfmts', ['--import', ENTRY])
        if (!existsSync(join(BINFMT, ENTRY))) await must('update-binfmts', ['--enable', ENTRY])
        const probe = await must(busybox, ['uname', '-m'])
        expect(probe.stdout.trim() === 'aarch64', `apt recipe: arm64 busybox printed ${JSON.stringify(probe.stdout.trim())}`)
        const register = { seconds: (performance.now() - regStart) / 1000, cpu: childrenCpu() - regCpu }
        phases.registered = tableNames().filter(n => !snapshot.includes(n)).length
        for (const [name, r] of [
          ['apt-get update', update],
          ['apt-get install', install],
          ['register + probe', register]
        ]) {
          if (!phases[name]) phases[name] = []
          phases[name].push(r.seconds)
        }
        samples.add('apt', { seconds: update.seconds + install.seconds + register.seconds, cpu: update.cpu + install.cpu + register.cpu })
        rmSync(dir, { recursive: true, force: true })
      }
    } finally {
      await putBack(snapshot)
    }
  })
}

/** arm64 busybox gzip -9 / sha256sum under each QEMU against native x86_64 busybox. */
async function emulationScenario({ runs, dataMb, debianQemu }) {
  const nativeBusybox = '/usr/bin/busybox'
  const busybox = await arm64Busybox()
  const { builds, notes } = await qemuBuilds(debianQemu)
  const dataFile = join(CACHE, `data-${dataMb}MiB.txt`)
  if (!existsSync(dataFile) || statSync(dataFile).size !== dataMb * 1048576) writeFileSync(dataFile, benchData(dataMb * 1048576))
  const nativeVersion = (await run('dpkg-query', ['-W', '-f', '${Version}', 'busybox-static'])).stdout.trim() || undefined
  const runners = [{ id: 'native', label: 'native x86_64', prefix: [nativeBusybox] }, ...builds.map(b => ({ id: b.path, label: b.label, prefix: [b.path, busybox.path], build: b }))]
  const workloads = [
    { id: 'gzip', label: 'gzip -9', args: ['gzip', '-9', '-c', dataFile] },
    { id: 'sha256sum', label: 'sha256sum', args: ['sha256sum', dataFile] }
  ]
  const outFile = join(CACHE, 'emulation.out')
  const times = new Map()
  const outputs = new Map()
  for (let i = 1; i <= runs; i++) {
    say(`emulation: round ${i} of ${runs}`)
    for (const w of workloads) {
      // A different runner goes first each round, so drifting load does not favour one.
      for (const r of runners.map((_, k) => runners[(k + i) % runners.length])) {
        const key = `${w.id}|${r.id}`
        const [cmd, ...pre] = r.prefix
        const result = await run('sh', ['-c', '"$@" > "$0"', outFile, cmd, ...pre, ...w.args])
        expect(result.code === 0, `${w.label} under ${r.label} failed: ${result.stderr.trim()}`)
        if (!times.has(key)) times.set(key, { wall: [], cpu: [] })
        times.get(key).wall.push(result.seconds)
        times.get(key).cpu.push(result.cpu)
        const digest = w.id === 'sha256sum' ? readFileSync(outFile, 'utf8').split(' ')[0] : sha256File(outFile)
        outputs.set(key, digest)
      }
    }
  }
  rmSync(outFile, { force: true })
  const results = []
  for (const w of workloads) {
    const native = summarize(times.get(`${w.id}|native`).cpu)
    for (const r of runners) {
      const key = `${w.id}|${r.id}`
      const cpu = summarize(times.get(key).cpu)
      results.push({
        workload: w.label,
        runner: r.label,
        native: r.id === 'native',
        qemuVersion: r.build?.version,
        seconds: summarize(times.get(key).wall),
        cpuSeconds: cpu,
        ratio: native && cpu && native.median > 0 ? Math.round((cpu.median / native.median) * 100) / 100 : undefined,
        wallRatio: Math.round((summarize(times.get(key).wall).median / summarize(times.get(`${w.id}|native`).wall).median) * 100) / 100,
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

// ---------------------------------------------------------------------------------------------
// Main

function machine() {
  const info = readFileSync('/proc/cpuinfo', 'utf8')
  const cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown'
  let os
  try {
    os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
  } catch {
    os = undefined
  }
  return { cpu, cores: cpus().length, node: process.version, kernel: kernelRelease(), os, arch: process.arch }
}

export function parseArgs(argv) {
  const options = { runs: 10, aptRuns: 3, emuRuns: 5, dataMb: 32, skipApt: false, skipEmulation: false, render: false, out: join(ROOT, 'bench') }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const num = () => {
      const v = Number(argv[++i])
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive whole number`)
      return v
    }
    if (a === '--runs') options.runs = num()
    else if (a === '--apt-runs') options.aptRuns = num()
    else if (a === '--emu-runs') options.emuRuns = num()
    else if (a === '--data-mb') options.dataMb = num()
    else if (a === '--skip-apt') options.skipApt = true
    else if (a === '--skip-emulation') options.skipEmulation = true
    else if (a === '--quick') Object.assign(options, { runs: 2, aptRuns: 1, emuRuns: 1, dataMb: 4 })
    else if (a === '--out') options.out = resolve(argv[++i] ?? '')
    else if (a === '--render') options.render = true
    else throw new Error(`unknown argument: ${a}`)
  }
  return options
}

const LABELS = {
  floor: ['node -e 0 (floor)', 'floor'],
  startup: ['main start-up (invalid input)', 'floor'],
  apt: ['apt recipe (update + install + register)', 'apt'],
  'cold-xz': ['cold: download single .xz', 'action'],
  'cold-tar': ['cold: download tarball (.tar.gz)', 'action'],
  warm: ['warm: tool-cache hit', 'action'],
  existing: ['already set up', 'action'],
  post: ['post: remove the entry', 'post'],
  'post-noop': ['post: nothing to undo', 'post']
}

/** The table, targets, bundles and emulation figures of a results object, for the terminal. */
function report(results, out) {
  const m = results.machine
  const print = s => process.stdout.write(`${s}\n`)
  print(`\nMachine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, Linux ${m.kernel}; load average ${m.loadavg?.start} -> ${m.loadavg?.end}`)
  if (m.envLeftOut) print(`(${m.envLeftOut})`)
  print('')
  print(formatTable(results))
  print('\nTargets (issue 7):')
  print(formatTargets(results.targets))
  print('\nBundles:')
  for (const b of results.bundles) print(`- ${b.file}: ${(b.bytes / 1024).toFixed(0)} KiB (${(b.gzipBytes / 1024).toFixed(0)} KiB gzip -9)`)
  if (results.emulation?.results) {
    print(`\nEmulation (${results.emulation.data.label}; busybox ${results.emulation.busybox.arm64} arm64 vs ${results.emulation.busybox.x86_64} x86_64):`)
    print(formatEmulationTable(results.emulation))
  }
  if (results.emulation?.note) print(`\nnote: ${results.emulation.note}`)
  print(`\nwrote ${join(out, 'results.json')} and ${join(out, 'chart.svg')}${results.benchSeconds ? ` in ${results.benchSeconds} s` : ''}`)
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  if (options.render) {
    // Only draw again: the chart and the table from the results of the last run.
    const results = JSON.parse(readFileSync(join(options.out, 'results.json'), 'utf8'))
    results.targets = checkTargets(results)
    writeFileSync(join(options.out, 'chart.svg'), renderChart(results))
    report({ ...results, benchSeconds: undefined }, options.out)
    return
  }
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      say(`${signal}: cleaning up`)
      runCleanups().finally(() => process.exit(130))
    })
  }
  if (process.getuid?.() !== 0) throw new Error('the bench registers binfmt_misc entries and runs apt: run it as root')
  if (!existsSync(join(BINFMT, 'register'))) throw new Error(`${BINFMT} is not mounted`)
  const started = performance.now()
  mkdirSync(CACHE, { recursive: true })
  mkdirSync(options.out, { recursive: true })
  const load = () => loadavg().map(x => x.toFixed(2))[0]
  const results = { version: 1, date: new Date().toISOString(), machine: { ...machine(), loadavg: { start: load() } }, options: { ...options, out: undefined } }
  const removed = NOT_ON_RUNNERS.filter(key => process.env[key] !== undefined)
  if (removed.length) results.machine.envLeftOut = `${removed.join(', ')}: set on this machine, not by the Actions runner; left out of the measured node processes`

  const dist = await snapshotDist()
  results.bundles = dist.bundles
  results.distSource = dist.source
  const debianQemu = keepDebianQemu()
  const assets = await buildAssets()
  const busybox = options.skipApt && options.skipEmulation ? undefined : await arm64Busybox()
  results.fixtures = {
    single: { name: assets.single.name, bytes: assets.single.bytes, members: assets.single.members, compression: 'xz -9e' },
    tarball: { name: assets.tarball.name, bytes: assets.tarball.bytes, members: assets.tarball.members, compression: 'gzip -6' },
    qemu: (await qemuVersionOf(debianQemu)) ?? 'unknown'
  }
  const mirror = await startMirror({ [assets.single.name]: assets.single.path, [assets.tarball.name]: assets.tarball.path })

  const samples = new Samples()
  const phases = {}
  await actionScenarios({ dist: dist.dir, mirror, assets, runs: options.runs, debianQemu, samples })
  await mirror.close()
  let aptNote
  if (options.skipApt) aptNote = '--skip-apt'
  else await aptScenario({ runs: options.aptRuns, busybox: busybox.path, samples, phases })
  results.emulation = options.skipEmulation ? { note: 'skipped (--skip-emulation)' } : await emulationScenario({ runs: options.emuRuns, dataMb: options.dataMb, debianQemu })

  results.scenarios = Object.entries(LABELS).map(([id, [label, group]]) => {
    const wall = samples.wall.get(id)
    const scenario = { id, label, group, seconds: wall ? summarize(wall) : undefined, cpuSeconds: wall ? summarize(samples.cpu.get(id)) : undefined }
    if (id === 'apt') {
      if (!wall) scenario.note = aptNote
      else {
        scenario.phases = Object.fromEntries(['apt-get update', 'apt-get install', 'register + probe'].map(name => [name, summarize(phases[name] ?? [])]))
        scenario.entriesRegistered = phases.registered
        scenario.conditions = 'fresh runner: empty apt lists and package cache each run; the network mirror of the machine'
      }
    }
    if (id === 'cold-xz') scenario.asset = `${assets.single.name}, ${(assets.single.bytes / 1048576).toFixed(1)} MiB`
    if (id === 'cold-tar') scenario.asset = `${assets.tarball.name}, ${(assets.tarball.bytes / 1048576).toFixed(1)} MiB, ${assets.tarball.members.length} binaries`
    return scenario
  })
  results.targets = checkTargets(results)
  results.machine.loadavg.end = load()
  results.benchSeconds = Math.round((performance.now() - started) / 100) / 10

  writeFileSync(join(options.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(options.out, 'chart.svg'), renderChart(results))

  report(results, options.out)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main()
    .catch(async error => {
      process.stderr.write(`bench: ${error.stack ?? error.message}\n`)
      process.exitCode = 1
    })
    .finally(async () => {
      await runCleanups()
      process.exit()
    })
}
