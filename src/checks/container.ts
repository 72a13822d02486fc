/**
 * The container check (`verify: container`): runs the target platform's image through a container
 * engine with `uname -m` and compares what it prints with the platform's machine name. This is the
 * check users run themselves (`docker run --platform linux/amd64 ... uname -m`), so a pass means the
 * registered handler works inside containers too (F flag, static interpreter).
 *
 * Engines are run with argument arrays (never through a shell). A failure says at which step it
 * happened: `pull` (the image could not be found or fetched: the message names the image and carries
 * the engine's own words) or `run` (the image is there but the container did not print the expected
 * machine, e.g. `exec format error` when no handler is registered).
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { diagnose, type Diagnosis } from './diagnose.js'

export type EngineName = 'docker' | 'podman'

export interface Engine {
  name: EngineName
  /** Absolute path of the CLI found on PATH. */
  path: string
  /** What the engine reported as its version (docker: the server's; podman: its own). */
  version: string
  /** Environment added to the engine's commands (e.g. DOCKER_HOST, CONTAINERS_STORAGE_CONF). */
  env?: Record<string, string>
}

/** One engine looked for by findEngine: found and answering, or why not. */
export interface EngineProbe {
  name: EngineName
  path?: string
  ok: boolean
  version?: string
  error?: string
}

export type ContainerStep = 'pull' | 'run'

export interface ContainerCheckOptions {
  engine: Engine
  image: string
  /** Docker platform, e.g. `linux/amd64`. */
  platform: string
  /** What `uname -m` must print (the platform's machine name). */
  expectedMachine: RegExp
  /** Limit for each engine command (inspect, pull, run); default 120 s. */
  timeoutMs?: number
}

export interface ContainerResult {
  ok: boolean
  /** The container's standard output, trimmed (`uname -m`'s answer when the container ran). */
  output: string
  /** Wall time of the whole check, pull included, in seconds. */
  seconds: number
  /** The step the check reached: `pull` when it failed there, otherwise `run`. */
  step: ContainerStep
  /** Why the check failed; absent when ok. */
  error?: string
  /** The engine's standard error of the failing step. */
  stderr?: string
  /** The run command, as run (engine path first). */
  command: string[]
  /** Whether the image had to be pulled (false: a local image of the platform was used). */
  pulled: boolean
  /** What users can do about the failure, when it is one diagnose() recognises. */
  diagnosis?: Diagnosis
}

/**
 * The default `verify-image`: busybox is small and published for every platform the action
 * registers except loong64. Fully qualified, because podman without a TTY refuses short names when
 * more than one search registry is configured.
 */
export const DEFAULT_VERIFY_IMAGE = 'docker.io/library/busybox:stable'

const DEFAULT_TIMEOUT_MS = 120_000
const ENGINE_ANSWER_TIMEOUT_MS = 10_000
const MAX_IMAGE_REF = 512

// The image reference grammar of the distribution/reference package (docker, podman), without
// IPv6 literal hosts: [host[:port]/]path[:tag][@algorithm:hex].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const IMAGE_REF = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`)

/**
 * Is `ref` an image reference the action may hand to an engine? Tags and digests are accepted
 * (`busybox:stable`, `ghcr.io/o/i@sha256:...`, `localhost:5000/i:t@sha256:...`); anything with
 * whitespace, newlines, shell metacharacters, a leading `-` (it would read as an option), upper
 * case in the repository path, or more than 512 characters is not.
 */
export function validImageRef(ref: string): boolean {
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_IMAGE_REF) return false
  if (!IMAGE_REF.test(ref)) return false
  // The name part (before tag and digest) is limited to 255 characters by the reference grammar.
  const name = ref.replace(/@.*$/, '').replace(/:[^/:]*$/, '')
  return name.length <= 255
}

/** Is `platform` a docker platform string (`os/arch[/variant]`)? */
export function validPlatform(platform: string): boolean {
  return /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform)
}

/** `os/arch` of a platform string, with the names engines use for the architecture. */
export function platformKey(platform: string): string {
  const [os = '', arch = ''] = platform.toLowerCase().split('/')
  const aliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', i386: '386', armhf: 'arm', armel: 'arm' }
  return `${os}/${aliases[arch] ?? arch}`
}

/** Arguments that print a local image's `os/arch`. */
export function inspectArgs(image: string): string[] {
  return ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', image]
}

/** Arguments that pull one platform of an image. */
export function pullArgs(image: string, platform: string): string[] {
  return ['pull', '--platform', platform, image]
}

/** Arguments of the check itself: `run --rm --network none --platform P [--name N] IMAGE uname -m`. */
export function runArgs(image: string, platform: string, name?: string): string[] {
  return ['run', '--rm', '--network', 'none', '--platform', platform, ...(name ? ['--name', name] : []), image, 'uname', '-m']
}

/** Words of a container runtime failing to start or exec the program: the image was there. */
const RUNTIME_FAILURE = [
  /exec format error/i,
  /exec user process caused/i,
  /OCI runtime/i,
  /(?:runc|crun)(?: create)? failed/i,
  /starting container process/i,
  /exec container process/i,
  /executable file not found/i,
  /no such file or directory/i,
  /cannot execute binary file/i
]

/** Words of an image that could not be found locally or fetched from its registry. */
const PULL_FAILURE = [
  /unable to find image/i,
  /pull access denied/i,
  /manifest unknown/i,
  /manifest for \S+ not found/i,
  /no matching manifest/i,
  /no image found in (?:manifest list|image index)/i,
  /does not match the specified platform/i,
  /failed to resolve reference/i,
  /error pulling image/i,
  /initializing source/i,
  /reading manifest/i,
  /trying to pull/i,
  /short-name/i,
  /repository does not exist/i,
  /requested access to the resource is denied/i,
  /may require ['"]?(?:docker )?login/i,
  /toomanyrequests/i,
  /\bimage not known\b/i,
  /no such image/i,
  /pinging (?:container|docker) registry/i,
  /error response from daemon: (?:Get|Head) "?https?:/i
]

/**
 * Which step a failed `run` belongs to, from the engine's exit code and words: the engine could not
 * get the image (`pull`), or the container was created but its program failed (`run`).
 */
export function classifyFailure(stderr: string, exitCode: number | null): ContainerStep {
  if (RUNTIME_FAILURE.some(re => re.test(stderr))) return 'run'
  if (PULL_FAILURE.some(re => re.test(stderr))) return 'pull'
  // 125: the engine itself failed before the container ran (docker and podman alike).
  return exitCode === 125 && /\b(?:pull|registry|manifest|image)\b/i.test(stderr) ? 'pull' : 'run'
}

/** The lines of an engine's output worth quoting: without blanks and `docker run --help` hints. */
export function engineMessage(stderr: string, maxLines = 6): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^Run '.* --help' for more information$/.test(l) && !/^See '.* --help'\.?$/.test(l))
  return lines.slice(-maxLines).join('\n')
}

/** The message of a failure at the pull step: names the image and quotes the engine. */
export function pullFailureMessage(engine: EngineName, image: string, platform: string, stderr: string): string {
  const said = engineMessage(stderr)
  return `${engine} could not get image ${image} for ${platform}${said ? `: ${said}` : ' (the engine gave no reason)'}`
}

/** Judges the run step: the last line of standard output must be the expected machine. */
export function judgeRun(
  run: { code: number | null; stdout: string; stderr: string; timedOut: boolean },
  expectedMachine: RegExp,
  timeoutMs: number
): { ok: boolean; output: string; step: ContainerStep; error?: string } {
  const output = run.stdout.trim()
  const machine = output.split('\n').pop()?.trim() ?? ''
  if (run.timedOut) return { ok: false, output, step: 'run', error: `the container did not finish within ${secondsText(timeoutMs)} s` }
  if (run.code === 0 && expectedMachine.test(machine)) return { ok: true, output, step: 'run' }
  if (run.code === 0) {
    return { ok: false, output, step: 'run', error: `uname -m printed ${machine ? `'${machine}'` : 'nothing'}, expected ${expectedMachine}` }
  }
  const step = classifyFailure(run.stderr, run.code)
  const said = engineMessage(run.stderr) || `exit code ${run.code}`
  return { ok: false, output, step, error: step === 'pull' ? said : `the container failed (exit code ${run.code}): ${said}` }
}

interface Ran {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
  error?: string
}

/** Milliseconds as seconds for messages: 500 -> "0.5", 120000 -> "120". */
export function secondsText(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}

/** Runs a program with an argument array, collecting its output, killed after timeoutMs. */
export function runCommand(file: string, args: string[], timeoutMs: number, env?: Record<string, string>): Promise<Ran> {
  return new Promise(resolvePromise => {
    let stdout = ''
    let stderr = ''
    let timedOut = false
    let settled = false
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    const finish = (ran: Ran): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolvePromise(ran)
    }
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1 << 20) stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 1 << 20) stderr += d
    })
    child.on('error', error => finish({ code: null, stdout, stderr, timedOut, error: error.message }))
    child.on('close', code => finish({ code, stdout, stderr, timedOut }))
  })
}

function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/** Is `name` on PATH, and does it answer (`docker version`, `podman info`) within timeoutMs? */
export async function probeEngine(name: EngineName, timeoutMs = ENGINE_ANSWER_TIMEOUT_MS, env?: Record<string, string>): Promise<EngineProbe> {
  const path = onPath(name)
  if (!path) return { name, ok: false, error: `${name} is not on PATH` }
  // docker version fails when the daemon does not answer; podman has no daemon, and info proves
  // its storage and runtime can be set up.
  const args = name === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : ['info', '--format', '{{.Version.Version}}']
  const ran = await runCommand(path, args, timeoutMs, env)
  if (ran.timedOut) return { name, path, ok: false, error: `${name} ${args[0]} did not answer within ${secondsText(timeoutMs)} s` }
  if (ran.code !== 0) {
    return { name, path, ok: false, error: `${name} ${args[0]} failed: ${engineMessage(ran.error ?? ran.stderr, 3) || `exit code ${ran.code}`}` }
  }
  return { name, path, ok: true, version: ran.stdout.trim().split('\n')[0] ?? '' }
}

/** Every engine looked for, in order (docker, then podman), with why it cannot be used. */
export async function probeEngines(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS): Promise<EngineProbe[]> {
  const probes: EngineProbe[] = []
  for (const name of ['docker', 'podman'] as const) {
    const probe = await probeEngine(name, timeoutMs)
    probes.push(probe)
    if (probe.ok) break
  }
  return probes
}

/** The first container engine on PATH that answers: docker, then podman. */
export async function findEngine(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS): Promise<Engine | undefined> {
  const found = (await probeEngines(timeoutMs)).find(p => p.ok)
  return found?.path ? { name: found.name, path: found.path, version: found.version ?? '' } : undefined
}

function elapsed(started: number): number {
  return Math.round((Date.now() - started) / 100) / 10
}

/**
 * Runs `uname -m` in `image` for `platform` through `engine`. A local image of the platform is
 * used as it is; otherwise that platform is pulled first (a failure there is step `pull`). Note that
 * with docker's classic image store a pull retags: the tag then names the pulled platform's image.
 */
export async function containerCheck(options: ContainerCheckOptions): Promise<ContainerResult> {
  const { engine, image, platform, expectedMachine } = options
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const started = Date.now()
  const name = `setup-x86-check-${process.pid}-${started.toString(36)}`
  const command = [engine.path, ...runArgs(image, platform, name)]
  const base = { output: '', command, pulled: false }

  if (!validImageRef(image)) {
    return { ...base, ok: false, seconds: 0, step: 'pull', error: `not a valid image reference: ${JSON.stringify(image.slice(0, 100))}` }
  }
  if (!validPlatform(platform)) {
    return { ...base, ok: false, seconds: 0, step: 'pull', error: `not a valid platform: ${JSON.stringify(platform.slice(0, 100))}` }
  }

  // A local image of the wanted platform needs no registry; any other is pulled for the platform.
  const inspected = await runCommand(engine.path, inspectArgs(image), timeoutMs, engine.env)
  const local = inspected.code === 0 && platformKey(inspected.stdout.trim()) === platformKey(platform)
  let pulled = false
  let pullFailed: string | undefined
  if (!local) {
    const pull = await runCommand(engine.path, pullArgs(image, platform), timeoutMs, engine.env)
    if (pull.code !== 0 || pull.timedOut) {
      pullFailed = pull.timedOut ? `timed out after ${secondsText(timeoutMs)} s` : (pull.error ?? pull.stderr)
      // An image that is there but reports another platform (an engine with a multi-platform store
      // shows the host's) may still hold the wanted one: without a registry, the run tells.
      if (inspected.code !== 0) {
        return {
          ...base,
          ok: false,
          seconds: elapsed(started),
          step: 'pull',
          error: pullFailureMessage(engine.name, image, platform, pullFailed),
          stderr: pull.stderr
        }
      }
    } else {
      pulled = true
    }
  }

  const ran = await runCommand(engine.path, runArgs(image, platform, name), timeoutMs, engine.env)
  if (ran.timedOut) {
    // The client is gone; the container may not be: remove it.
    await runCommand(engine.path, ['rm', '-f', name], 30_000, engine.env)
  }
  const judged = judgeRun(ran.error ? { ...ran, stderr: ran.error } : ran, expectedMachine, timeoutMs)
  const result: ContainerResult = { ...base, ...judged, seconds: elapsed(started), pulled }
  if (!judged.ok) {
    result.stderr = ran.stderr
    if (judged.step === 'pull') result.error = pullFailureMessage(engine.name, image, platform, pullFailed ?? ran.stderr)
    const diagnosis = diagnose(ran.stderr)
    if (diagnosis) result.diagnosis = diagnosis
  }
  return result
}
