/**
 * The bench's command line (node:util parseArgs), read in order so that --quick sets the small
 * run counts and a later --runs still overrides them:
 *
 *   npm run bench [-- --runs N] [--apt-runs N] [--emu-runs N] [--data-mb N] [--skip-apt]
 *                 [--skip-emulation] [--quick] [--out DIR] [--render]
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs as tokenize } from 'node:util'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface BenchOptions {
  runs: number
  aptRuns: number
  emuRuns: number
  dataMb: number
  skipApt: boolean
  skipEmulation: boolean
  /** Only draw the chart and print the tables again, from the results of the last run. */
  render: boolean
  out: string
}

const OPTIONS = {
  runs: { type: 'string' },
  'apt-runs': { type: 'string' },
  'emu-runs': { type: 'string' },
  'data-mb': { type: 'string' },
  'skip-apt': { type: 'boolean' },
  'skip-emulation': { type: 'boolean' },
  quick: { type: 'boolean' },
  out: { type: 'string' },
  render: { type: 'boolean' }
} as const

const COUNTS = { runs: 'runs', 'apt-runs': 'aptRuns', 'emu-runs': 'emuRuns', 'data-mb': 'dataMb' } as const

export function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    runs: 10,
    aptRuns: 3,
    emuRuns: 5,
    dataMb: 32,
    skipApt: false,
    skipEmulation: false,
    render: false,
    out: join(ROOT, 'bench')
  }
  // Not strict: an unknown argument is named here; the tokens keep the order of the command line.
  const { tokens } = tokenize({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true })
  for (const t of tokens) {
    if (t.kind === 'positional') throw new Error(`unknown argument: ${t.value}`)
    if (t.kind !== 'option') continue
    if (t.name in COUNTS) {
      const v = Number(t.value)
      if (!Number.isInteger(v) || v < 1) throw new Error(`${t.rawName} needs a positive whole number`)
      options[COUNTS[t.name as keyof typeof COUNTS]] = v
    } else if (t.name === 'skip-apt') options.skipApt = true
    else if (t.name === 'skip-emulation') options.skipEmulation = true
    else if (t.name === 'quick') Object.assign(options, { runs: 2, aptRuns: 1, emuRuns: 1, dataMb: 4 })
    else if (t.name === 'out') options.out = resolve(t.value ?? '')
    else if (t.name === 'render') options.render = true
    else throw new Error(`unknown argument: ${t.rawName}`)
  }
  return options
}
