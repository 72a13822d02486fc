/**
 * The bench's chart (bench/chart.svg), a hand-written SVG with no dependencies: panel 1, the wall
 * seconds of each setup scenario on a log scale (bar = median, whisker = min-max, box = IQR,
 * dashed line = the node floor); panel 2, emulated CPU time relative to native per workload and
 * QEMU version; the machine in the footer. Pure: the same results give the same bytes.
 */
import { formatSeconds } from './report.js'
import type { Emulation, EmulationRow, Machine, Results, Scenario } from './results.js'

export function escapeXml(text: unknown): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
  return String(text).replace(/[&<>"']/g, c => entities[c])
}

/** A log10 scale from [lo, hi] seconds to [x0, x1] pixels, with 1-2-5 ticks (1-3 over more than 3 decades). */
export function logScale(lo: number, hi: number, x0: number, x1: number): { at(v: number): number; ticks: number[] } {
  const a = Math.log10(lo)
  const b = Math.log10(hi)
  const at = (v: number) => x0 + ((Math.log10(Math.min(Math.max(v, lo), hi)) - a) / (b - a)) * (x1 - x0)
  const ticks: number[] = []
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
export function decadeBounds(values: number[]): [number, number] {
  const v = values.filter(x => Number.isFinite(x) && x > 0)
  if (v.length === 0) return [0.1, 1]
  const lo = 10 ** Math.floor(Math.log10(Math.min(...v)))
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...v)))
  if (hi <= lo) hi = lo * 10
  return [lo, hi]
}

const COLORS: Record<string, string> = { floor: '#9e9e9e', action: '#2b6cb0', post: '#2f855a', apt: '#c05621', native: '#9e9e9e' }
const QEMU_COLORS = ['#2b6cb0', '#6b46c1', '#b83280', '#2c7a7b']

const W = 820
const LABEL_W = 250
const X0 = LABEL_W + 10
const X1 = W - 170
const ROW_H = 26

const fmtTick = (v: number) => (v >= 1 ? String(v) : String(Number(v.toPrecision(2))))
const px = (v: number) => v.toFixed(1)

/** The elements drawn so far, and the pen's height. */
class Drawing {
  readonly out: string[] = []
  y = 0
  text(x: number, y: number, s: string, attrs = ''): void {
    this.out.push(`<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`)
  }
  push(element: string): void {
    this.out.push(element)
  }
}

function setupPanel(d: Drawing, rows: Scenario[]): void {
  d.y += 28
  d.text(12, d.y, 'Time to make arm64 programs run on this x86_64 machine (wall seconds, log scale)', 'class="title"')
  d.y += 18
  const nRuns = [...new Set(rows.flatMap(r => (r.seconds ? [r.seconds.n] : [])))].join('/')
  d.text(12, d.y, `bar: median of ${nRuns} runs; whisker: min-max; box: interquartile range; dashed: node -e 0 floor`, 'class="note"')
  d.y += 14
  const [lo, hi] = decadeBounds(rows.flatMap(r => (r.seconds ? [r.seconds.min, r.seconds.max] : [])))
  const scale = logScale(lo, hi, X0, X1)
  const at = (v: number) => px(scale.at(v))
  const top = d.y
  const bottom = top + rows.length * ROW_H + 6
  for (const t of scale.ticks) {
    d.push(`<line x1="${at(t)}" y1="${top}" x2="${at(t)}" y2="${bottom}" class="grid"/>`)
    d.text(scale.at(t), bottom + 14, fmtTick(t), 'class="tick" text-anchor="middle"')
  }
  d.text(X1, bottom + 28, 'seconds', 'class="tick" text-anchor="end"')
  rows.forEach((r, i) => {
    const cy = top + i * ROW_H + ROW_H / 2 + 3
    d.text(LABEL_W, cy + 4, r.label, 'class="label" text-anchor="end"')
    if (!r.seconds) {
      d.text(X0 + 4, cy + 4, r.note ? `skipped: ${r.note}` : 'skipped', 'class="note"')
      return
    }
    const s = r.seconds
    const color = COLORS[r.group] ?? COLORS.action
    const bar = (x: string, width: number, opacity: string) =>
      d.push(`<rect x="${x}" y="${px(cy - 7)}" width="${px(Math.max(1, width))}" height="14" fill="${color}" fill-opacity="${opacity}"/>`)
    bar(String(X0), scale.at(s.median) - X0, '0.55')
    bar(at(s.q1), scale.at(s.q3) - scale.at(s.q1), '0.9')
    d.push(`<line x1="${at(s.min)}" y1="${cy}" x2="${at(s.max)}" y2="${cy}" class="whisker"/>`)
    for (const v of [s.min, s.max]) d.push(`<line x1="${at(v)}" y1="${cy - 5}" x2="${at(v)}" y2="${cy + 5}" class="whisker"/>`)
    d.push(`<line x1="${at(s.median)}" y1="${cy - 8}" x2="${at(s.median)}" y2="${cy + 8}" class="median"/>`)
    d.text(X1 + 8, cy + 4, `${formatSeconds(s.median)} s  (${formatSeconds(s.min)}-${formatSeconds(s.max)})`, 'class="value"')
  })
  const floor = rows.find(r => r.id === 'floor')?.seconds?.median
  if (floor !== undefined) d.push(`<line x1="${at(floor)}" y1="${top}" x2="${at(floor)}" y2="${bottom}" class="floor"/>`)
  d.y = bottom + 34
}

/** Emulation speed, grouped by workload: one bar per runner. */
function emulationPanel(d: Drawing, emu: Emulation & { results: EmulationRow[] }): void {
  d.y += 22
  d.text(12, d.y, 'Emulation speed: arm64 busybox under QEMU, CPU time relative to native x86_64 busybox', 'class="title"')
  d.y += 18
  const runs = emu.results[0].cpuSeconds?.n ?? ''
  const what = `${runs} runs each, ${emu.data?.label ?? ''}`
  d.text(12, d.y, `bar: median CPU time / native median CPU time, ${what}; lower is faster`, 'class="note"')
  d.y += 14
  const hiR = Math.ceil(Math.max(1, ...emu.results.map(r => r.ratio ?? 0)))
  const at = (v: number) => X0 + (v / hiR) * (X1 - X0)
  const workloads = [...new Set(emu.results.map(r => r.workload))]
  const lines: ({ header: string } | EmulationRow)[] = workloads.flatMap(w => [{ header: w }, ...emu.results.filter(r => r.workload === w)])
  const top = d.y
  const bottom = top + lines.length * ROW_H + 6
  const step = hiR <= 6 ? 1 : hiR <= 15 ? 2 : 5
  for (let t = 0; t <= hiR; t += step) {
    d.push(`<line x1="${px(at(t))}" y1="${top}" x2="${px(at(t))}" y2="${bottom}" class="grid"/>`)
    d.text(at(t), bottom + 14, `${t}x`, 'class="tick" text-anchor="middle"')
  }
  const runners = [...new Set(emu.results.filter(r => !r.native).map(r => r.runner))]
  lines.forEach((r, i) => {
    const cy = top + i * ROW_H + ROW_H / 2 + 3
    if ('header' in r) {
      d.text(12, cy + 4, r.header, 'class="group"')
      return
    }
    d.text(LABEL_W, cy + 4, r.runner, 'class="label" text-anchor="end"')
    if (r.ratio === undefined) {
      d.text(X0 + 4, cy + 4, 'not measured', 'class="note"')
      return
    }
    const color = r.native ? COLORS.native : QEMU_COLORS[runners.indexOf(r.runner) % QEMU_COLORS.length]
    const width = px(Math.max(1, at(r.ratio) - X0))
    d.push(`<rect x="${X0}" y="${px(cy - 7)}" width="${width}" height="14" fill="${color}" fill-opacity="0.75"/>`)
    d.text(X1 + 8, cy + 4, `${r.ratio.toFixed(2)}x  (${formatSeconds(r.cpuSeconds?.median)} s CPU)`, 'class="value"')
  })
  d.y = bottom + 28
  if (emu.note) {
    d.text(12, d.y, emu.note, 'class="note"')
    d.y += 14
  }
}

function footer(d: Drawing, m: Machine, date: string | undefined): void {
  d.y += 12
  const system = `Node ${m.node ?? '?'}, Linux ${m.kernel ?? '?'}${m.os ? `, ${m.os}` : ''}`
  d.text(12, d.y, `Machine: ${m.cpu ?? '?'}, ${m.cores ?? '?'} cores, ${system}`, 'class="note"')
  d.y += 14
  const load = m.loadavg ? `; load average ${m.loadavg.start} at start, ${m.loadavg.end} at end (other work shared the machine)` : ''
  if (m.envLeftOut) {
    const names = m.envLeftOut.split(':')[0]
    d.text(12, d.y, `${names} (set on this machine, not by the Actions runner) left out of the measured node processes`, 'class="note"')
    d.y += 14
  }
  d.text(12, d.y, `Measured ${date ? date.slice(0, 16).replace('T', ' ') + ' UTC' : ''} by npm run bench${load}`, 'class="note"')
  d.y += 12
}

const STYLE = [
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

/** The whole chart of a results object. */
export function renderChart(results: Results): string {
  const d = new Drawing()
  setupPanel(d, results.scenarios)
  const emu = results.emulation
  if (emu?.results?.length) emulationPanel(d, { ...emu, results: emu.results })
  else if (emu?.note) {
    d.y += 16
    d.text(12, d.y, `Emulation speed: ${emu.note}`, 'class="note"')
    d.y += 14
  }
  footer(d, results.machine ?? {}, results.date)
  const height = Math.ceil(d.y + 6)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" ` +
      'role="img" aria-label="setup-x86-on-arm benchmark">',
    `  <style>\n    ${STYLE}\n  </style>`,
    `  <rect width="${W}" height="${height}" fill="#ffffff"/>`,
    ...d.out.map(l => `  ${l}`),
    '</svg>',
    ''
  ].join('\n')
}
