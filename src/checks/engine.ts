/**
 * Container engines as the check sees them: which of docker and podman is on PATH and answers,
 * and one way to run an engine command (through kernel/process.ts's runProgram, with the engine's
 * extra environment and a time limit). docker answers `version` only when its daemon does; podman
 * has no daemon, and `info` proves its storage and runtime can be set up.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { runProgram, type RunResult } from '../kernel/process.js'
import { findOnPath } from '../kernel/find-on-path.js'

export type EngineName = 'docker' | 'podman'

export const ENGINE_NAMES: readonly EngineName[] = ['docker', 'podman']

export interface Engine {
  name: EngineName
  /** Absolute path of the CLI found on PATH. */
  path: string
  /** What the engine reported as its version (docker: the server's; podman: its own). */
  version: string
  /** Environment added to the engine's commands (e.g. DOCKER_HOST, CONTAINERS_STORAGE_CONF). */
  env?: Record<string, string>
}

/** One engine looked for: found and answering, or why not. */
export interface EngineProbe {
  name: EngineName
  path?: string
  ok: boolean
  version?: string
  error?: string
  /** Why it was passed over without being started (a record that it cannot run containers here). */
  passedOver?: string
}

/**
 * What tells one install of an engine from another without starting it, for a record of what it
 * could do: its CLI (path, size, mtime) and, for docker, the daemon's socket, made anew each time
 * the daemon starts. A type, not an interface: a record keeps it as a plain map of names to values.
 */
export type EngineStamp = {
  path: string
  size: number
  mtimeMs: number
  daemon?: string
  /** The configuration it runs with (who, and the variables engines read): another one may work. */
  config: string
}

/** The variables docker and podman read their configuration from. */
const ENGINE_VARIABLES = [
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'DOCKER_CONTEXT',
  'CONTAINER_HOST',
  'CONTAINER_CONNECTION',
  'CONTAINERS_CONF',
  'CONTAINERS_STORAGE_CONF',
  'CONTAINERS_REGISTRIES_CONF',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'HOME'
]

function configOf(env: NodeJS.ProcessEnv): string {
  const set = ENGINE_VARIABLES.filter(name => env[name] !== undefined).map(name => `${name}=${env[name]}`)
  return createHash('sha256')
    .update(JSON.stringify([process.getuid?.() ?? -1, set]))
    .digest('hex')
    .slice(0, 16)
}

/** Why an engine found on PATH is not to be started (see probeEngine); undefined: start it. */
export type PassOver = (name: EngineName, stamp: EngineStamp) => Promise<string | undefined>

export interface EngineRun extends RunResult {
  /** The command was stopped at its time limit. */
  timedOut: boolean
}

const ENGINE_ANSWER_TIMEOUT_MS = 10_000

/** Milliseconds as seconds for messages: 500 -> "0.5", 120000 -> "120". */
export function secondsText(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}

/** The lines of an engine's output worth quoting: without blanks and `docker run --help` hints. */
export function engineMessage(stderr: string, maxLines = 6): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^Run '.* --help' for more information$/.test(l) && !/^See '.* --help'\.?$/.test(l))
  return lines.slice(-maxLines).join('\n')
}

/**
 * Runs an engine command. runProgram reports a command stopped at its limit like any failure, so a
 * failure that took the whole limit counts as timed out.
 */
export async function runEngine(engine: Pick<Engine, 'path' | 'env'>, args: string[], timeoutMs: number): Promise<EngineRun> {
  const started = performance.now()
  const env = engine.env ? { ...process.env, ...engine.env } : undefined
  const ran = await runProgram(engine.path, args, { env, timeoutMs })
  return { ...ran, timedOut: ran.code !== 0 && performance.now() - started >= timeoutMs }
}

/** Where the docker CLI talks to its daemon when nothing (DOCKER_HOST, a context) says otherwise. */
export const DOCKER_DEFAULT_SOCKET = '/var/run/docker.sock'

/**
 * The unix socket docker would talk to, when it can be told without running the CLI: DOCKER_HOST
 * as unix://PATH, or the default socket when no DOCKER_HOST, DOCKER_CONTEXT or current context in
 * the CLI's config names another daemon; undefined when the CLI must be asked (tcp, ssh, contexts).
 */
export function dockerSocket(env: NodeJS.ProcessEnv = process.env, defaultSocket = DOCKER_DEFAULT_SOCKET): string | undefined {
  if (env.DOCKER_HOST) return /^unix:\/\/(\/.+)$/.exec(env.DOCKER_HOST)?.[1]
  if (env.DOCKER_CONTEXT) return undefined
  const config = join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json')
  try {
    const current = (JSON.parse(readFileSync(config, 'utf8')) as { currentContext?: unknown }).currentContext
    if (current && current !== 'default') return undefined
  } catch (err) {
    // no config (the usual case) is the default daemon; one the CLI may read otherwise, it decides
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined
  }
  return defaultSocket
}

/**
 * The stamp of the engine whose CLI is at `path`; undefined when it cannot be told without starting
 * it (docker talking to its daemon through tcp, ssh or a context).
 */
export async function engineStamp(name: EngineName, path: string, env?: Record<string, string>): Promise<EngineStamp | undefined> {
  try {
    const cli = await stat(path)
    const stamp = { path, size: cli.size, mtimeMs: cli.mtimeMs, config: configOf({ ...process.env, ...env }) }
    if (name !== 'docker') return stamp
    const socket = dockerSocket({ ...process.env, ...env })
    if (!socket) return undefined
    const made = await stat(socket)
    return { ...stamp, daemon: `${socket} ${made.ino} ${made.ctimeMs}` }
  } catch {
    return undefined
  }
}

/**
 * Is `name` on PATH, and does it answer (`docker version`, `podman info`) within timeoutMs? One
 * that `passOver` gives a reason for is not started at all.
 */
export async function probeEngine(
  name: EngineName,
  timeoutMs = ENGINE_ANSWER_TIMEOUT_MS,
  env?: Record<string, string>,
  passOver?: PassOver
): Promise<EngineProbe> {
  const path = findOnPath(name)
  if (!path) return { name, ok: false, error: `${name} is not on PATH` }
  // No socket, no daemon: said without starting the CLI (a second or more on a slow ARM board).
  const socket = name === 'docker' ? dockerSocket({ ...process.env, ...env }) : undefined
  if (socket && !existsSync(socket))
    return { name, path, ok: false, error: `docker's daemon socket ${socket} is not there (no docker daemon runs)` }
  const stamp = passOver && (await engineStamp(name, path, env))
  const passedOver = stamp && (await passOver(name, stamp))
  if (passedOver) return { name, path, ok: false, passedOver }
  const args = name === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : ['info', '--format', '{{.Version.Version}}']
  const ran = await runEngine({ path, env }, args, timeoutMs)
  if (ran.timedOut) return { name, path, ok: false, error: `${name} ${args[0]} did not answer within ${secondsText(timeoutMs)} s` }
  if (ran.code !== 0) {
    return { name, path, ok: false, error: `${name} ${args[0]} failed: ${engineMessage(ran.stderr, 3) || `exit code ${ran.code}`}` }
  }
  return { name, path, ok: true, version: ran.stdout.trim().split('\n')[0] ?? '' }
}

/**
 * Every engine looked for, in order (docker, then podman) up to the first that answers, with why the
 * others cannot be used. One passed over ends the search too: it stands where it would have been
 * used, so the engines after it are not tried, as they would not be when it answers.
 */
export async function probeEngines(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS, passOver?: PassOver): Promise<EngineProbe[]> {
  const probes: EngineProbe[] = []
  for (const name of ENGINE_NAMES) {
    const probe = await probeEngine(name, timeoutMs, undefined, passOver)
    probes.push(probe)
    if (probe.ok || probe.passedOver) break
  }
  return probes
}

/** The engine a probe found answering; undefined when it did not. */
export const engineOf = (probe: EngineProbe): Engine | undefined =>
  probe.ok && probe.path ? { name: probe.name, path: probe.path, version: probe.version ?? '' } : undefined

/** The first container engine on PATH that answers: docker, then podman. */
export async function findEngine(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS): Promise<Engine | undefined> {
  for (const probe of await probeEngines(timeoutMs)) {
    const engine = engineOf(probe)
    if (engine) return engine
  }
  return undefined
}
