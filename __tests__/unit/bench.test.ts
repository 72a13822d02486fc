/**
 * The pure parts of the bench (scripts/bench/): statistics, the issues' targets, the Markdown
 * tables and the hand-written SVG chart, the data and the command line, and which of the default
 * path's rows run and what their logs must say. (The measurements themselves run with `npm run
 * bench`.)
 */
import * as args from '../../scripts/bench/args.js'
import * as chart from '../../scripts/bench/chart.js'
import * as defaults from '../../scripts/bench/measure/default-rows.js'
import * as emulation from '../../scripts/bench/measure/emulation.js'
import * as report from '../../scripts/bench/report.js'
import type { Results, Summary } from '../../scripts/bench/results.js'
import * as stats from '../../scripts/bench/stats.js'

/** The bench's pure functions, from their modules. */
const b = { ...stats, ...report, ...chart, benchData: emulation.benchData, parseArgs: args.parseArgs }

const summary = (median: number, spread = 0.02, n = 5): Summary => ({
  n,
  median,
  min: median - spread,
  max: median + spread,
  q1: median - spread / 2,
  q3: median + spread / 2,
  mean: median,
  samples: Array(n).fill(median)
})

function results(overrides: Partial<Record<string, number | undefined>> = {}): Results {
  const medians: Record<string, number | undefined> = {
    floor: 0.15,
    startup: 0.2,
    apt: 30,
    'cold-xz': 0.9,
    'cold-tar': 1.2,
    warm: 0.4,
    existing: 0.3,
    post: 0.25,
    'post-noop': 0.18,
    ...overrides
  }
  return {
    date: '2026-01-02T03:04:05.000Z',
    machine: { cpu: 'Test CPU <x86>', cores: 2, node: 'v20.0.0', kernel: '6.1.0', loadavg: { start: '0.50', end: '0.70' } },
    scenarios: Object.entries(medians).map(([id, m]) => ({
      id,
      label: `label ${id}`,
      group: id === 'apt' ? 'apt' : id.startsWith('post') ? 'post' : id === 'floor' || id === 'startup' ? 'floor' : 'action',
      seconds: m === undefined ? undefined : summary(m),
      cpuSeconds: m === undefined ? undefined : summary(m / 2),
      ...(id === 'apt' && m !== undefined
        ? { phases: { 'apt-get update': summary(8), 'apt-get install': summary(21), 'register + probe': summary(1) } }
        : {}),
      ...(m === undefined ? { note: 'skipped for the test' } : {})
    })),
    emulation: {
      data: { label: '32 MiB of pseudo-text' },
      results: [
        {
          workload: 'gzip -9',
          runner: 'native x86_64',
          native: true,
          cpuSeconds: summary(2, 0.1, 3),
          seconds: summary(2.2, 0.1, 3),
          ratio: 1
        },
        {
          workload: 'gzip -9',
          runner: 'QEMU 7.2.22 (Debian 12)',
          native: false,
          cpuSeconds: summary(5, 0.1, 3),
          seconds: summary(5.5, 0.1, 3),
          ratio: 2.5,
          identicalToNative: true
        },
        {
          workload: 'sha256sum',
          runner: 'native x86_64',
          native: true,
          cpuSeconds: summary(0.2, 0.01, 3),
          seconds: summary(0.25, 0.01, 3),
          ratio: 1
        },
        {
          workload: 'sha256sum',
          runner: 'QEMU 10.0.13 (Debian 13)',
          native: false,
          cpuSeconds: summary(0.9, 0.01, 3),
          seconds: summary(1, 0.01, 3),
          ratio: 4.5,
          identicalToNative: false
        }
      ]
    }
  }
}

describe('statistics', () => {
  test('quantiles interpolate between ranks', () => {
    expect(b.quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(b.quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75)
    expect(b.quantile([1, 2, 3, 4], 0.75)).toBeCloseTo(3.25)
    expect(b.quantile([7], 0.25)).toBe(7)
    expect(Number.isNaN(b.quantile([], 0.5))).toBe(true)
  })

  test('median and spread of an odd and an even number of samples, in any order', () => {
    const odd = b.summarize([0.5, 0.1, 0.3, 0.2, 0.4])!
    expect(odd).toMatchObject({ n: 5, median: 0.3, min: 0.1, max: 0.5, q1: 0.2, q3: 0.4, mean: 0.3 })
    expect(odd.samples).toEqual([0.5, 0.1, 0.3, 0.2, 0.4]) // run order kept
    const even = b.summarize([4, 1, 3, 2])!
    expect(even).toMatchObject({ n: 4, median: 2.5, min: 1, max: 4, q1: 1.75, q3: 3.25, mean: 2.5 })
  })

  test('rounds to milliseconds and ignores what is not a number', () => {
    expect(b.summarize([0.12345, Number.NaN, 0.12355])).toMatchObject({ n: 2, median: 0.124, min: 0.123, max: 0.124 })
    expect(b.summarize([])).toBeUndefined()
    expect(b.summarize([Number.NaN])).toBeUndefined()
  })
})

describe('targets of issues 7, 23 and 24', () => {
  const fast = { 'cold-br': 0.45, warm: 0.25, existing: 0.25, post: 0.2, 'post-noop': 0.2 }
  const defaultPath = { 'default-docker-main': 0.7, 'default-docker-post': 0.22, 'default-podman-main': 0.6, 'default-podman-post': 0.21 }
  test('all met', () => {
    const checks = b.checkTargets(results({ ...fast, ...defaultPath }))
    expect(checks.map(c => [c.id, c.target, c.met])).toEqual([
      ['cold-br', 25, true],
      ['cold-xz', 10, true],
      ['cold-tar', 10, true],
      ['cold-br', 0.4, true],
      ['warm', 0.2, true],
      ['existing', 0.2, true],
      ['post', 0.12, true],
      ['post-noop', 0.12, true],
      ['default-docker-main', 0.5, true],
      ['default-docker-post', 0.05, true],
      ['default-podman-main', 0.5, true],
      ['default-podman-post', 0.05, true]
    ])
    expect(checks.find(c => c.id === 'cold-xz')!.actual).toBe(33.3)
    expect(checks.find(c => c.id === 'cold-br')!.actual).toBe(66.7)
    expect(checks.find(c => c.id === 'warm')!.actual).toBeCloseTo(0.1)
  })

  test('missed ones and their figures', () => {
    const checks = b.checkTargets(results({ ...fast, 'cold-br': 1.4, 'cold-tar': 3.5, warm: 0.46, existing: 0.36, post: 0.27 }))
    const find = (id: string, unit: string) => checks.find(c => c.id === id && c.unit === unit)
    expect(find('cold-br', 'x')).toMatchObject({ met: false, actual: 21.4 })
    expect(find('cold-br', 's over the floor')).toMatchObject({ met: false, actual: 1.25 })
    expect(find('cold-tar', 'x')).toMatchObject({ met: false, actual: 8.6 })
    expect(find('warm', 's over the floor')).toMatchObject({ met: false, actual: 0.31 })
    expect(find('existing', 's over the floor')).toMatchObject({ met: false, actual: 0.21 })
    expect(find('post', 's over the floor')).toMatchObject({ met: true, actual: 0.12 }) // exactly on the limit counts as met
    expect(b.formatTargets(checks)).toMatch(/\[MISSED\] label warm: within 0\.2 s of the node -e 0 floor \(\+0\.31 s\)/)
    expect(b.formatTargets(checks)).toMatch(/\[met\] label cold-xz: at least 10x faster than the apt recipe \(33\.3x\)/)
  })

  test('without the apt recipe the ratios are not measured', () => {
    const checks = b.checkTargets(results({ ...fast, ...defaultPath, apt: undefined }))
    expect(checks.filter(c => c.met === undefined).map(c => c.id)).toEqual(['cold-br', 'cold-xz', 'cold-tar'])
    expect(b.formatTargets(checks)).toContain('[not measured] label cold-xz')
  })

  test('the default with either engine against verify: probe: main within 0.5 s of existing, post within 0.05 s of post-noop', () => {
    const slow = { 'default-docker-main': 0.76, 'default-docker-post': 0.26, 'default-podman-main': 0.9, 'default-podman-post': 0.19 }
    const checks = b.checkTargets(results({ ...fast, ...slow }))
    const find = (id: string) => checks.find(c => c.id === id)
    expect(find('default-docker-main')).toMatchObject({ met: false, actual: 0.51, unit: 's over verify: probe' })
    expect(find('default-docker-post')).toMatchObject({ met: false, actual: 0.06 })
    expect(find('default-podman-main')).toMatchObject({ met: false, actual: 0.65 })
    expect(find('default-podman-post')).toMatchObject({ met: true, actual: -0.01 }) // faster than the baseline is met
    const text = b.formatTargets(checks)
    expect(text).toContain('[MISSED] label default-docker-main: within 0.5 s of the same with verify: probe (label existing) (+0.51 s)')
    expect(text).toContain('[met] label default-podman-post: within 0.05 s of the same with verify: probe (label post-noop) (-0.01 s)')
  })

  test('the default rows skipped, or no verify: probe rows: not measured', () => {
    const ids = ['default-docker-main', 'default-docker-post', 'default-podman-main', 'default-podman-post']
    const skipped = b.checkTargets(results(fast))
    expect(skipped.filter(c => c.met === undefined).map(c => c.id)).toEqual(ids)
    const noBaseline = b.checkTargets(results({ ...fast, ...defaultPath, existing: undefined, 'post-noop': undefined }))
    expect(noBaseline.filter(c => ids.includes(c.id)).map(c => c.met)).toEqual([undefined, undefined, undefined, undefined])
    expect(b.formatTargets(skipped)).toContain('[not measured] default-docker-post: within 0.05 s')
  })
})

describe("the default path's rows (Docker and Podman installed, as on a hosted runner)", () => {
  test('with both engines: docker as found, and podman with docker passed over by a socket that is not there', () => {
    const { rows, skipped } = defaults.defaultRows({ dockerAnswers: true, podmanOnPath: true })
    expect(skipped).toBeUndefined()
    expect(rows.map(r => [r.id, r.engine, r.inputs.verify, r.env])).toEqual([
      ['default-docker', 'docker', 'auto', {}],
      ['default-podman', 'podman', 'auto', { DOCKER_HOST: 'unix:///run/setup-x86-no-docker.sock' }]
    ])
    expect(defaults.DEFAULT_ROW_IDS).toEqual(rows.flatMap(r => [`${r.id}-main`, `${r.id}-post`]))
  })

  test('left out, saying what is missing, unless docker answers and podman is on PATH', () => {
    const noPodman = defaults.defaultRows({ dockerAnswers: true, podmanOnPath: false })
    expect(noPodman.rows).toEqual([])
    expect(noPodman.skipped).toMatch(/podman is not on PATH$/)
    const noDocker = defaults.defaultRows({ dockerAnswers: false, podmanOnPath: true })
    expect(noDocker.rows).toEqual([])
    expect(noDocker.skipped).toMatch(/docker version failed$/)
    expect(defaults.defaultRows({ dockerAnswers: false, podmanOnPath: false }).skipped).toMatch(
      /docker version failed; podman is not on PATH/
    )
  })

  const setUp = '::group::Set up emulation\nlinux/arm64: qemu-aarch64 already registered and working\n::endgroup::\n::group::Verify\n'
  const passed = (engine: string) =>
    `${setUp}linux/arm64 container check passed: ${engine} run --platform linux/arm64 (the action's own probe image) printed aarch64\n::endgroup::\n`
  const podmanNotice =
    `${setUp}::notice::container check skipped for linux/arm64: podman cannot run containers here: a container of this host's own ` +
    'platform failed too (Error: netavark: ...); not a fault of emulation (the probe already proved emulation)\n::endgroup::\n'

  test("main's log: the container check passed with the row's engine, and no warning", () => {
    expect(defaults.mainProblem('docker', passed('docker'))).toBeUndefined()
    expect(defaults.mainProblem('podman', passed('podman'))).toBeUndefined()
    expect(defaults.mainProblem('docker', `${setUp}::endgroup::\n`)).toMatch(/one line about the container check, got 0/)
    // DOCKER_HOST not heeded: docker answered where podman was meant to
    expect(defaults.mainProblem('podman', passed('docker'))).toMatch(/pass with podman/)
    const warned = `${passed('docker')}::warning::docker still holds image x from the container check; the post step removes it\n`
    expect(defaults.mainProblem('docker', warned)).toMatch(/^main warned: ::warning::docker still holds/)
  })

  test("main's log: podman that cannot run containers here is one notice for podman only, never a warning", () => {
    expect(defaults.mainProblem('podman', podmanNotice)).toBeUndefined()
    expect(defaults.mainProblem('docker', podmanNotice)).toMatch(/pass with docker, got: ::notice::/)
    const asWarning = podmanNotice.replace('::notice::', '::warning::')
    expect(defaults.mainProblem('podman', asWarning)).toMatch(/^main warned/)
    const otherSkip = `${setUp}::notice::container check skipped for linux/arm64: podman load failed\n`
    expect(defaults.mainProblem('podman', otherSkip)).toMatch(/because podman cannot run containers here, got/)
    // later jobs: the machine's record of that finding, in one line, podman not started
    const remembered = `${setUp}container check skipped: podman could not run containers on this machine (checked 2026-12-07T22:00:22Z: x); it is checked again after a reboot\n`
    expect(defaults.mainProblem('podman', remembered)).toBeUndefined()
    expect(defaults.mainProblem('docker', remembered)).toMatch(/pass with docker, got/)
    expect(defaults.mainProblem('podman', `${podmanNotice}${podmanNotice}`)).toMatch(/one line about the container check, got 2/)
  })

  test("post's log: nothing to restore and no engine asked", () => {
    expect(defaults.postProblem('nothing to restore: the main step changed nothing\n')).toBeUndefined()
    const asked =
      '::warning::could not look for what the container check left in docker: docker version failed\nnothing to restore: the main step changed nothing\n'
    expect(defaults.postProblem(asked)).toMatch(/^post asked an engine: ::warning::could not look/)
    expect(defaults.postProblem('removed what the container check left: podman image x\nnothing to restore\n')).toMatch(
      /post asked an engine/
    )
    expect(defaults.postProblem('binfmt_misc table restored: removed qemu-aarch64\n')).toMatch(/nothing to restore/)
  })
})

describe('tables', () => {
  test('seconds for people', () => {
    expect(b.formatSeconds(0.4123)).toBe('0.41')
    expect(b.formatSeconds(9.999)).toBe('10.00')
    expect(b.formatSeconds(31.42)).toBe('31.4')
    expect(b.formatSeconds(undefined)).toBe('-')
    expect(b.formatSeconds(Number.NaN)).toBe('-')
  })

  test('the setup table: aligned Markdown with floor and apt comparisons and the apt phases', () => {
    const table = b.formatTable(results())
    const lines = table.split('\n')
    expect(lines[0]).toMatch(
      /^\| scenario \(arm64 on x86_64\) +\| runs \| median s \| min-max s \| IQR s +\| CPU s \| over floor \| apt \/ this \|$/
    )
    expect(lines[1]).toMatch(/^\|-+\|-+\|/)
    expect(new Set(lines.map(l => l.length)).size).toBe(1) // every row as wide as the header
    const row = (label: string) =>
      lines
        .find(l => l.startsWith(`| ${label} `))!
        .split('|')
        .map(c => c.trim())
    expect(row('label floor')).toEqual(['', 'label floor', '5', '0.15', '0.13-0.17', '0.14-0.16', '0.07', '', '', ''])
    expect(row('label cold-xz').slice(3, 10)).toEqual(['0.90', '0.88-0.92', '0.89-0.91', '0.45', '+0.75', '33x', ''])
    expect(row('label apt').slice(8, 9)).toEqual(['']) // not compared with itself
    expect(row('label post').slice(7, 9)).toEqual(['+0.10', '']) // only the action's setups are compared with apt
    expect(row('  apt-get install').slice(2, 4)).toEqual(['5', '21.0'])
  })

  test('a skipped scenario says so', () => {
    const table = b.formatTable(results({ apt: undefined }))
    expect(table).toMatch(/\| label apt +\| 0 +\| skipped /)
    expect(table).not.toMatch(/\d+x \|/) // nothing to compare with
  })

  test('the emulation table', () => {
    const table = b.formatEmulationTable(results().emulation)
    expect(table).toContain('| gzip -9   | QEMU 7.2.22 (Debian 12)')
    expect(table).toMatch(/QEMU 7\.2\.22 \(Debian 12\) +\| 3 +\| 5\.00 +\| 5\.50 +\| 2\.50x +\| yes +\|/)
    expect(table).toMatch(/QEMU 10\.0\.13 \(Debian 13\) +\| 3 +\| 0\.90 +\| 1\.00 +\| 4\.50x +\| NO +\|/)
    expect(b.formatEmulationTable({ results: [] })).toBe('')
    expect(b.formatEmulationTable(undefined)).toBe('')
  })
})

describe('chart', () => {
  test('log scale: decades, 1-2-5 ticks, clamped', () => {
    expect(b.decadeBounds([0.13, 31])).toEqual([0.1, 100])
    expect(b.decadeBounds([0.5, 0.9])).toEqual([0.1, 1])
    expect(b.decadeBounds([1, 1])).toEqual([1, 10])
    expect(b.decadeBounds([])).toEqual([0.1, 1])
    const s = b.logScale(0.1, 100, 0, 300)
    expect(s.ticks).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100])
    expect(s.at(0.1)).toBe(0)
    expect(s.at(1)).toBeCloseTo(100)
    expect(s.at(100)).toBeCloseTo(300)
    expect(s.at(0.01)).toBe(0) // clamped
    expect(s.at(1000)).toBeCloseTo(300)
    // over more than three decades, 1-3 ticks keep the labels apart
    expect(b.logScale(0.01, 100, 0, 400).ticks).toEqual([0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100])
  })

  test('escapes text', () => {
    expect(b.escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;')
  })

  test('renders both panels and the machine, well formed, with one bar per measured row', () => {
    const svg = b.renderChart(results())
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    // Every element closed: the same number of opening and closing text tags, no stray '<'.
    expect((svg.match(/<text /g) ?? []).length).toBe((svg.match(/<\/text>/g) ?? []).length)
    expect(svg).not.toMatch(/<[^/a-z!]/)
    expect(svg).toContain('Test CPU &lt;x86&gt;, 2 cores, Node v20.0.0')
    expect(svg).toContain('load average 0.50 at start, 0.70 at end')
    for (const id of ['floor', 'apt', 'cold-xz', 'warm', 'post-noop']) expect(svg).toContain(`>label ${id}</text>`)
    expect(svg).toContain('30.0 s  (30.0-30.0)')
    expect(svg).toContain('0.90 s  (0.88-0.92)')
    // 9 scenarios x (median bar + IQR box) + 4 emulation bars + the background
    expect((svg.match(/<rect /g) ?? []).length).toBe(9 * 2 + 4 + 1)
    expect(svg).toContain('class="floor"')
    expect(svg).toContain('>gzip -9</text>')
    expect(svg).toContain('2.50x  (5.00 s CPU)')
    expect(svg).toContain('4.50x  (0.90 s CPU)')
    const height = Number(/height="(\d+)"/.exec(svg)![1])
    const lowest = Math.max(...[...svg.matchAll(/ y="([\d.]+)"/g)].map(m => Number(m[1])))
    expect(lowest).toBeLessThan(height)
  })

  test('skipped rows and a skipped emulation panel', () => {
    const r = results({ apt: undefined })
    r.emulation = { note: 'skipped (--skip-emulation)' }
    const svg = b.renderChart(r)
    expect(svg).toContain('skipped: skipped for the test')
    expect(svg).toContain('Emulation speed: skipped (--skip-emulation)')
    expect((svg.match(/<rect /g) ?? []).length).toBe(8 * 2 + 1)
    expect(svg).not.toContain('class="group"')
  })

  test('the same results give the same bytes', () => {
    expect(b.renderChart(results())).toBe(b.renderChart(results()))
  })
})

describe('inputs of the bench', () => {
  test('the data is deterministic, compressible text of the size asked', () => {
    const a = b.benchData(65536)
    expect(a.length).toBe(65536)
    expect(a.equals(b.benchData(65536))).toBe(true)
    expect(a.equals(b.benchData(65536, 7))).toBe(false)
    expect(/^[a-z0-9 \n]+$/.test(a.toString('latin1'))).toBe(true)
  })

  test('arguments', () => {
    expect(b.parseArgs([])).toMatchObject({ runs: 10, aptRuns: 3, emuRuns: 5, dataMb: 32, skipApt: false, skipEmulation: false })
    expect(b.parseArgs(['--runs', '3', '--apt-runs', '2', '--skip-emulation'])).toMatchObject({ runs: 3, aptRuns: 2, skipEmulation: true })
    expect(b.parseArgs(['--quick'])).toMatchObject({ runs: 2, aptRuns: 1, emuRuns: 1, dataMb: 4 })
    expect(b.parseArgs(['--render'])).toMatchObject({ render: true })
    expect(() => b.parseArgs(['--runs', '0'])).toThrow(/positive whole number/)
    expect(() => b.parseArgs(['--bogus'])).toThrow(/unknown argument/)
  })
})
