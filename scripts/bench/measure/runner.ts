/**
 * The action as the Actions runner runs it: each step's own `node dist/<step>/index.js` process,
 * on the node action.yml declares when SETUP_X86_ACTION_NODE names it, with INPUT_* (defaults
 * from action.yml), GITHUB_OUTPUT/STATE, STATE_* for post, RUNNER_TEMP and RUNNER_TOOL_CACHE,
 * this process staying alive across main and post as the runner does (the file-command parsing
 * is local-run.mjs's). Downloads come from a server in this process.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, isAbsolute, join } from 'node:path'
import { actionDefaults, parseFileCommands } from '../../local-run.mjs'
import { ROOT } from '../args.js'
import { atExit, run, type Timed } from './processes.js'

/**
 * Variables this machine sets that the Actions runner does not, and that change every node
 * start: NODE_EXTRA_CA_CERTS makes node read and parse a CA bundle before any code runs (about
 * 0.1 s here). They are left out of the measured node processes (floor and action alike).
 */
export const NOT_ON_RUNNERS = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']

export function measuredEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const key of NOT_ON_RUNNERS) delete env[key]
  return env
}

/**
 * The node that runs the bundle and the `node -e 0` floor: the runtime action.yml declares (node24;
 * `bash scripts/ci/node24.sh` prints one) when SETUP_X86_ACTION_NODE names it, else the bench's own.
 */
export const ACTION_NODE = process.env.SETUP_X86_ACTION_NODE || process.execPath

/** ACTION_NODE's own `--version`, the node the results are for; one line naming the variable when it is not a node. */
export async function actionNodeVersion(): Promise<string> {
  const fix = 'export SETUP_X86_ACTION_NODE=$(bash scripts/ci/node24.sh), or unset it to use the bench\'s own node'
  const named = process.env.SETUP_X86_ACTION_NODE
  if (named && !isAbsolute(named)) throw new Error(`SETUP_X86_ACTION_NODE (${named}) is not an absolute path: ${fix}`)
  const r = await run(ACTION_NODE, ['--version'], { env: measuredEnv() })
  const version = r.stdout.trim()
  if (r.code !== 0 || !/^v\d+\.\d+\.\d+$/.test(version)) {
    const said = (r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`
    throw new Error(`${named ? `SETUP_X86_ACTION_NODE (${named})` : ACTION_NODE} did not answer --version as node does (${said}): ${fix}`)
  }
  return version
}

let defaultInputs: Record<string, string> | undefined

/**
 * The root-only interpreter store of each work folder, named by the folder's name (cold-xz-3,
 * warm): a cold run starts, as on a fresh runner, with an empty one; the warm runs share theirs.
 * Short paths (binfmt_misc takes interpreter paths of at most 127 characters), removed at exit.
 */
export const STORES = '/tmp/setup-x86-bench-stores'
let storesMade = false
function storeOf(workdir: string): string {
  if (!storesMade) {
    rmSync(STORES, { recursive: true, force: true })
    mkdirSync(STORES, { mode: 0o755 })
    atExit(() => rmSync(STORES, { recursive: true, force: true }))
    storesMade = true
  }
  return join(STORES, basename(workdir))
}

function stepEnv(step: 'main' | 'post', workdir: string, inputs: Record<string, string>): NodeJS.ProcessEnv {
  const env = measuredEnv()
  for (const key of Object.keys(env)) if (/^(INPUT|STATE|GITHUB|RUNNER)_/.test(key)) delete env[key]
  defaultInputs ??= actionDefaults(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  for (const [name, value] of Object.entries({ ...defaultInputs, ...inputs })) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  const state = join(workdir, 'state')
  if (step === 'main') writeFileSync(state, '')
  if (step === 'post' && existsSync(state)) {
    for (const [name, value] of Object.entries(parseFileCommands(readFileSync(state, 'utf8')))) env[`STATE_${name}`] = value
  }
  const output = join(workdir, `${step}.output`)
  writeFileSync(output, '')
  const summary = join(workdir, 'summary.md')
  if (!existsSync(summary)) writeFileSync(summary, '')
  const places = { RUNNER_TEMP: join(workdir, 'temp'), RUNNER_TOOL_CACHE: join(workdir, 'tool-cache') }
  Object.assign(env, { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STATE: state, GITHUB_STEP_SUMMARY: summary }, places)
  env.SETUP_X86_ON_ARM_INTERPRETER_STORE = storeOf(workdir)
  // The bench's own ledger folder (its records, such as an engine that cannot run containers, go with it).
  env.SETUP_X86_ON_ARM_LEDGER_DIR = join(STORES, 'ledger')
  for (const dir of Object.values(places)) mkdirSync(dir, { recursive: true })
  return env
}

/**
 * Runs dist/<step>/index.js (the snapshot) on ACTION_NODE for a work folder, with `extra` added
 * to the step's variables; returns timing, exit code and outputs.
 */
export async function actionStep(
  dist: string,
  step: 'main' | 'post',
  workdir: string,
  inputs: Record<string, string>,
  extra: Record<string, string> = {}
): Promise<Timed & { outputs: Record<string, string> }> {
  mkdirSync(workdir, { recursive: true })
  const env = { ...stepEnv(step, workdir, inputs), ...extra }
  const r = await run(ACTION_NODE, [join(dist, step, 'index.js')], { env })
  const outputs = parseFileCommands(readFileSync(join(workdir, `${step}.output`), 'utf8'))
  return { ...r, outputs }
}

/** Serves files by name from 127.0.0.1, as a release's download folder would. */
export async function startMirror(files: Record<string, string>): Promise<{ base: string; close(): Promise<void> }> {
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
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = () => new Promise<void>(resolve => server.close(() => resolve()))
  atExit(close)
  server.unref()
  return { base, close }
}
