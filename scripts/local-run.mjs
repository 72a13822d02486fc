#!/usr/bin/env node
// Runs the bundled action (dist/) the way the GitHub Actions runner does, outside GitHub:
// inputs as INPUT_* (defaults from action.yml), GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY
// files, state handed to the post step as STATE_*, RUNNER_TEMP and RUNNER_TOOL_CACHE.
//
//   node scripts/local-run.mjs main|post|all [--workdir DIR] [--input name=value]... [--hold FILE] [--logs DIR]
//
// `main` and `post` can run as separate commands: the work folder keeps the state between them.
// This process plays the runner: main and post are its children, as under Runner.Worker. With
// `all --hold FILE` it writes FILE.ready after main and waits for FILE to appear before post,
// so tests can overlap jobs the way several runner services on one host do, or look at the
// machine between the two steps of one job; after post it writes FILE.done (post's exit code).
// `--logs DIR` writes each step's output to DIR/main.log and DIR/post.log instead, and the
// step's own wall time (its node process, start to exit) to DIR/main.seconds and DIR/post.seconds.
// Prints the outputs as `name=value` lines after main; exits with the step's exit code.
// Plain Node, no dependencies: it also runs inside the emulated arm64 machine.
import { spawnSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function usage(message) {
  process.stderr.write(`${message}\nusage: local-run.mjs main|post|all [--workdir DIR] [--input name=value]...\n`)
  process.exit(2)
}

/** The inputs of action.yml with their defaults (the file's own simple layout, no YAML library). */
export function actionDefaults(text) {
  const defaults = {}
  let inInputs = false
  let current
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inInputs = line.startsWith('inputs:')
    if (!inInputs) continue
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line)
    if (name) current = name[1]
    const value = /^ {4}default:\s*(.*)$/.exec(line)
    if (value && current) defaults[current] = value[1].replace(/^(['"])(.*)\1$/, '$2')
  }
  return defaults
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<DELIM` blocks and plain `name=value` lines. */
export function parseFileCommands(text) {
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const body = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i])
      values[heredoc[1]] = body.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return values
}

function runStep(step, workdir, inputs, logs) {
  const files = {
    output: join(workdir, `${step}.output`),
    state: join(workdir, 'state'),
    summary: join(workdir, 'summary.md')
  }
  if (step === 'main') {
    rmSync(files.state, { force: true })
    writeFileSync(files.state, '')
  }
  writeFileSync(files.output, '')
  if (!existsSync(files.summary)) writeFileSync(files.summary, '')
  const env = { ...process.env }
  for (const key of Object.keys(env)) if (key.startsWith('INPUT_') || key.startsWith('STATE_')) delete env[key]
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  if (step === 'post' && existsSync(files.state)) {
    for (const [name, value] of Object.entries(parseFileCommands(readFileSync(files.state, 'utf8')))) env[`STATE_${name}`] = value
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: env.RUNNER_TEMP ?? join(workdir, 'temp'),
    RUNNER_TOOL_CACHE: env.RUNNER_TOOL_CACHE ?? join(workdir, 'tool-cache')
  })
  mkdirSync(env.RUNNER_TEMP, { recursive: true })
  mkdirSync(env.RUNNER_TOOL_CACHE, { recursive: true })
  const log = logs ? openSync(join(logs, `${step}.log`), 'w') : undefined
  try {
    const stdio = log === undefined ? 'inherit' : ['ignore', log, log]
    const started = process.hrtime.bigint()
    const result = spawnSync(process.execPath, [join(root, 'dist', step, 'index.js')], { env, stdio })
    if (logs) writeFileSync(join(logs, `${step}.seconds`), `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)}\n`)
    if (step === 'main') {
      for (const [name, value] of Object.entries(parseFileCommands(readFileSync(files.output, 'utf8')))) {
        const line = `${name}=${value}\n`
        if (log === undefined) process.stdout.write(line)
        else writeSync(log, line)
      }
    }
    return result.status ?? 1
  } finally {
    if (log !== undefined) closeSync(log)
  }
}

/** Writes a file whole or not at all (a new name, then a rename): a reader polling for it never sees it empty. */
function writeWhole(file, text) {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

async function waitFor(file) {
  while (!existsSync(file)) await sleep(20)
}

async function main(argv) {
  const [step, ...rest] = argv
  if (!['main', 'post', 'all'].includes(step)) usage(`unknown step: ${step ?? '(none)'}`)
  let workdir = join(root, '.cache', 'local-run')
  let hold
  let logs
  const inputs = actionDefaults(readFileSync(join(root, 'action.yml'), 'utf8'))
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--hold') hold = resolve(rest[++i] ?? usage('--hold needs a file'))
    else if (rest[i] === '--logs') logs = resolve(rest[++i] ?? usage('--logs needs a folder'))
    else if (rest[i] === '--workdir') workdir = resolve(rest[++i] ?? usage('--workdir needs a folder'))
    else if (rest[i] === '--input') {
      const pair = rest[++i] ?? usage('--input needs name=value')
      const at = pair.indexOf('=')
      if (at < 1) usage(`--input needs name=value, got ${pair}`)
      inputs[pair.slice(0, at)] = pair.slice(at + 1)
    } else usage(`unknown argument: ${rest[i]}`)
  }
  mkdirSync(workdir, { recursive: true })
  if (logs) mkdirSync(logs, { recursive: true })
  if (step !== 'all') return runStep(step, workdir, inputs, logs)
  const mainStatus = runStep('main', workdir, inputs, logs)
  if (hold) {
    writeWhole(`${hold}.ready`, String(mainStatus))
    await waitFor(hold)
  }
  const postStatus = runStep('post', workdir, inputs, logs) // post runs even when main failed
  if (hold) writeWhole(`${hold}.done`, String(postStatus))
  return mainStatus !== 0 ? mainStatus : postStatus
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main(process.argv.slice(2)))
}
