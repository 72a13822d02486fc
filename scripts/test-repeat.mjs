#!/usr/bin/env node
// Runs jest suites N times while every core is kept busy, to tell a steady suite from one that
// passes only on a quiet machine (a hosted runner's cores are shared):
//
//   npm run test:repeat -- <suite>... [N]      (as root for the integration suites)
//
// A suite is a test file or a folder of them (all of __tests__/integration, say); N (default 5)
// is how many runs. Runs go one after another, never side by side: the binfmt_misc table they
// change is one per machine. The busy cores are one spinning child process per core, which stop
// when this script ends however it ends (a parent that is gone is noticed). Prints one line per
// run (pass or fail, the tests passed, failed and skipped, seconds) and `N passed, N failed` over
// the runs; exits 1 when a run failed, 2 on bad arguments. Each run's jest output goes to a log,
// kept (and named) only when that run failed.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs'
import { availableParallelism, constants, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_RUNS = 5
const MAX_RUNS = 1000

export const USAGE = `usage: npm run test:repeat -- <suite>... [N]   (a test file or folder; N runs, default ${DEFAULT_RUNS})`

/** { suites, runs } from the command line, or { help: true }; throws with one line on bad input. */
export function parseArgs(argv) {
  if (argv.some(a => a === '--help' || a === '-h')) return { help: true }
  const unknown = argv.find(a => a.startsWith('-'))
  if (unknown) throw new Error(`unknown option ${unknown}: give test files or folders, then the number of runs`)
  const args = [...argv]
  let runs = DEFAULT_RUNS
  if (args.length > 0 && /^\d+$/.test(args[args.length - 1])) {
    runs = Number(args.pop())
    if (runs < 1 || runs > MAX_RUNS) throw new Error(`N (the number of runs) is ${runs}: use a whole number from 1 to ${MAX_RUNS}`)
  }
  if (args.length === 0) throw new Error('no suite: name a test file or folder, e.g. __tests__/integration/action.test.ts')
  return { suites: args, runs }
}

/** The jest path pattern that selects exactly this file, or every file under this folder. */
export function suitePattern(absolutePath, isFolder) {
  const escaped = absolutePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return isFolder ? `^${escaped.replace(/\/+$/, '')}/` : `^${escaped}$`
}

/** What one run did, from jest's exit code and its --json results (undefined when it wrote none). */
export function outcome(code, results, seconds) {
  if (!results) return { ok: false, seconds, code }
  return {
    ok: code === 0 && results.success === true,
    seconds,
    code,
    passed: results.numPassedTests,
    failed: results.numFailedTests,
    skipped: results.numPendingTests + (results.numTodoTests ?? 0),
    brokenSuites: results.numRuntimeErrorTestSuites ?? 0
  }
}

/** One line for run `index` (1-based) of `runs`. */
export function runLine(index, runs, o) {
  const counts =
    o.passed === undefined
      ? `no results (jest exited ${o.code})`
      : `${o.passed} passed, ${o.failed} failed, ${o.skipped} skipped` + (o.brokenSuites ? `, ${o.brokenSuites} suite(s) did not run` : '')
  return `run ${index}/${runs}: ${o.ok ? 'pass' : 'FAIL'}  ${counts}  ${o.seconds.toFixed(1)} s`
}

/** The closing line over the runs. */
export function summary(outcomes) {
  const passed = outcomes.filter(o => o.ok).length
  return `${passed} passed, ${outcomes.length - passed} failed`
}

// Spins in slices so it can see its parent go: stdin (a pipe from the parent) closing, or a new ppid.
const BURNER = `const parent = process.ppid
process.stdin.on('close', () => process.exit(0)).resume()
const spin = () => {
  for (const until = Date.now() + 100; Date.now() < until; );
  if (process.ppid !== parent) process.exit(0)
  setImmediate(spin)
}
spin()`

function startBurners(count) {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', BURNER], { stdio: ['pipe', 'ignore', 'ignore'] }))
}

/** jest's --json results, or undefined when it wrote none (it crashed or was killed). */
function readResults(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

function fail(message) {
  process.stderr.write(`test-repeat: ${message}\n${USAGE}\n`)
  process.exit(2)
}

function waitForExit(child) {
  return new Promise(done => child.on('close', (code, signal) => done(code ?? (signal ? 128 + constants.signals[signal] : 1))))
}

async function main(argv) {
  let parsed
  try {
    parsed = parseArgs(argv)
  } catch (error) {
    fail(error.message)
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const patterns = parsed.suites.map(suite => {
    const path = resolve(suite)
    if (!existsSync(path)) fail(`no such test file or folder: ${suite} (give a path like __tests__/integration/action.test.ts)`)
    return suitePattern(path, statSync(path).isDirectory())
  })
  const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js')
  if (!existsSync(jest)) fail(`jest is not installed (${jest}): run npm ci first`)

  const logs = mkdtempSync(join(tmpdir(), 'sxoa-repeat-'))
  const cores = availableParallelism()
  const burners = startBurners(cores)
  let current
  let interrupted
  const stop = () => {
    for (const burner of burners) burner.kill('SIGKILL')
  }
  process.on('exit', () => {
    stop()
    current?.kill('SIGKILL')
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (interrupted) process.exit(128 + constants.signals[signal]) // a second one: now
      interrupted = signal
      stop()
      current?.kill(signal) // jest ends as it would without us; this run then counts as failed
    })
  }

  process.stdout.write(`${parsed.runs} run(s) of ${parsed.suites.join(' ')} with ${cores} busy core(s); logs in ${logs}\n`)
  const outcomes = []
  for (let i = 1; i <= parsed.runs && !interrupted; i++) {
    const log = join(logs, `run-${i}.log`)
    const json = join(logs, `run-${i}.json`)
    const fd = openSync(log, 'w')
    const started = performance.now()
    const args = ['--experimental-vm-modules', jest, '--runInBand', '--json', `--outputFile=${json}`, ...patterns]
    current = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', fd, fd] })
    closeSync(fd)
    const code = await waitForExit(current)
    current = undefined
    const results = readResults(json)
    const o = outcome(code, results, (performance.now() - started) / 1000)
    outcomes.push(o)
    process.stdout.write(`${runLine(i, parsed.runs, o)}${o.ok ? '' : `  (log: ${log})`}\n`)
    if (o.ok) rmSync(log, { force: true })
    rmSync(json, { force: true })
  }
  stop()
  process.stdout.write(`${summary(outcomes)}${interrupted ? ` (interrupted by ${interrupted} after ${outcomes.length} run(s))` : ''}\n`)
  if (outcomes.every(o => o.ok)) rmSync(logs, { recursive: true, force: true })
  if (interrupted) return 128 + constants.signals[interrupted]
  return outcomes.every(o => o.ok) ? 0 : 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main(process.argv.slice(2)))
}
