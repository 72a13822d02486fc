/**
 * The container check: a container of the target platform, run through a container engine with
 * `--platform`, must print the platform's machine name. This is what users run themselves
 * (`docker run --platform linux/amd64 ... uname -m`), so a pass means the registered handler works
 * inside containers too (F flag, static interpreter).
 *
 * By default the image is the check's own (probe-image.ts): loaded from an archive made here, run
 * with `--pull never --network none`, and removed afterwards, so no registry is involved. A named
 * image is used as the engine holds it; only when the engine does not hold it is it pulled (a tag
 * the engine holds is never re-pointed), and what was pulled is removed after the run. Either way
 * the engine is left with the images and containers it had, also when the check fails or times out.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { machine, tmpdir } from 'node:os'
import { join } from 'node:path'
import { lookupPlatform, type Platform } from '../kernel/platforms.js'
import { type ContainerStep, judgeRun, loadFailureMessage, localTagMessage, pullFailureMessage } from './container-failure.js'
import { diagnose, type Diagnosis } from './diagnose.js'
import { type Engine, type EngineName, engineMessage, type EngineRun, runEngine, secondsText } from './engine.js'
import { BUILT_IN_IMAGE, validImageRef, validPlatform } from './image-ref.js'
import { checkContainerName, newRunId, probeImageArchive, probeImageRef } from './probe-image.js'

// Re-exported for the callers of the check's earlier single module.
export { classifyFailure, type ContainerStep, judgeRun, pullFailureMessage } from './container-failure.js'
export { validImageRef, validPlatform } from './image-ref.js'
export {
  type Engine,
  type EngineName,
  type EngineProbe,
  engineMessage,
  findEngine,
  probeEngine,
  probeEngines,
  secondsText
} from './engine.js'

export interface ContainerCheckOptions {
  engine: Engine
  /** A named image (tag or digest); empty: the check's own probe image for the platform. */
  image: string
  /** Docker platform, e.g. `linux/amd64`. */
  platform: string
  /** What the container must print (the platform's machine name). */
  expectedMachine: RegExp
  /** Limit for each engine command (inspect, load, pull, run); default 120 s. */
  timeoutMs?: number
  /** Where the probe image's archive is written for the engine to load (default: a temporary folder). */
  dir?: string
  /** This run's id: in the probe image's tag and the container's name, so concurrent jobs never collide. */
  runId?: string
}

export interface ContainerResult {
  ok: boolean
  /** The container's standard output, trimmed (the machine name when it ran). */
  output: string
  /** Wall time of the whole check, load or pull included, in seconds. */
  seconds: number
  /** The step the check reached: where it failed, otherwise `run`. */
  step: ContainerStep
  /** Why the check failed; absent when ok. */
  error?: string
  /** The engine's standard error of the failing step. */
  stderr?: string
  /** The run command, as run (engine path first). */
  command: string[]
  /** Whether the named image had to be pulled (and so was removed again). */
  pulled: boolean
  /** What users can do about the failure, when it is one diagnose() recognises. */
  diagnosis?: Diagnosis
  /** The container was stopped at the time limit. */
  timedOut?: boolean
  /** Set when the engine cannot run even a container of this host's own platform: not a fault of emulation. */
  engineFault?: string
  /** With engineFault: how that container of the host's own platform failed, in short. */
  hostFailure?: string
  /** Images and containers the check added and could not remove (the post step's removeProbeImages() tries again). */
  leftovers?: string[]
}

const DEFAULT_TIMEOUT_MS = 120_000
/** Extra time for the engine to end its client once the container is removed. */
const REMOVE_GRACE_MS = 30_000

/** Arguments that print a local image's id and `os/arch`; they fail when the engine does not hold it. */
export function inspectArgs(image: string): string[] {
  return ['image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}}', image]
}

/** Arguments that print a container's id; they fail when the engine holds no container of that name. */
export function containerInspectArgs(name: string): string[] {
  return ['container', 'inspect', '--format', '{{.Id}}', name]
}

/** Arguments that pull one platform of an image. */
export function pullArgs(image: string, platform: string): string[] {
  return ['pull', '--platform', platform, image]
}

/** Arguments that load a `docker load` archive. */
export function loadArgs(archive: string): string[] {
  return ['load', '--quiet', '--input', archive]
}

/** Arguments that remove one image reference (a tag held by other references too only loses this name). */
export function removeImageArgs(ref: string): string[] {
  return ['rmi', ref]
}

/** Arguments that kill and remove a container by name at once (podman otherwise waits 10 s for SIGTERM). */
export function removeContainerArgs(engine: EngineName, name: string): string[] {
  return engine === 'podman' ? ['rm', '--force', '--time', '0', name] : ['rm', '-f', name]
}

/**
 * Arguments of the check itself: never a pull (the image is there by now), no network, removed on
 * exit. `command` is empty for the probe image, whose entrypoint is the probe.
 */
export function runArgs(image: string, platform: string, name: string, command: readonly string[]): string[] {
  return ['run', '--rm', '--pull', 'never', '--network', 'none', '--platform', platform, '--name', name, image, ...command]
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10
}

/**
 * Runs the check's container. A client stopped by a signal can leave the container running (docker
 * passes SIGTERM on to it, and a probe that hangs under emulation ignores it), so at the time limit
 * the container is removed by name, which ends the client.
 */
async function runContainer(engine: Engine, args: string[], name: string, timeoutMs: number): Promise<EngineRun> {
  let removal: Promise<EngineRun> | undefined
  const watchdog = setTimeout(() => {
    removal = runEngine(engine, removeContainerArgs(engine.name, name), REMOVE_GRACE_MS)
  }, timeoutMs)
  try {
    const ran = await runEngine(engine, args, timeoutMs + REMOVE_GRACE_MS)
    return { ...ran, timedOut: ran.timedOut || removal !== undefined }
  } finally {
    clearTimeout(watchdog)
    await removal
  }
}

/** Removes an image reference the check added; returns it when it is still there afterwards. */
async function removeAdded(engine: Engine, ref: string, timeoutMs: number): Promise<string | undefined> {
  const removed = await runEngine(engine, removeImageArgs(ref), timeoutMs)
  if (removed.code === 0) return undefined
  return (await runEngine(engine, inspectArgs(ref), timeoutMs)).code === 0 ? ref : undefined
}

interface Attempt {
  engine: Engine
  platform: string
  expectedMachine: RegExp
  timeoutMs: number
  name: string
  started: number
}

/** Runs the container and judges it; the parts of a result every image shares. */
async function runAndJudge(attempt: Attempt, image: string, command: readonly string[]): Promise<ContainerResult> {
  const { engine, platform, expectedMachine, timeoutMs, name } = attempt
  const args = runArgs(image, platform, name, command)
  const ran = await runContainer(engine, args, name, timeoutMs)
  const judged = judgeRun(ran, expectedMachine, timeoutMs)
  const result: ContainerResult = { ...judged, seconds: 0, command: [engine.path, ...args], pulled: false }
  if (ran.timedOut) {
    result.timedOut = true
    // Stopped at the limit, the container was removed by name: if it is still there, the post step removes it.
    if ((await runEngine(engine, containerInspectArgs(name), timeoutMs)).code === 0) result.leftovers = [name]
  }
  if (!judged.ok) {
    result.stderr = ran.stderr
    const diagnosis = diagnose(ran.stderr)
    if (diagnosis) result.diagnosis = diagnosis
  }
  return result
}

function failed(attempt: Attempt, step: ContainerStep, error: string, stderr?: string): ContainerResult {
  return { ok: false, output: '', seconds: elapsed(attempt.started), step, error, stderr, command: [], pulled: false }
}

/** The check with its own image: load, run, remove (also on failure). */
async function withProbeImage(attempt: Attempt, target: Platform, runId: string, dir: string | undefined): Promise<ContainerResult> {
  const { engine, platform, timeoutMs } = attempt
  const ref = probeImageRef(target, runId)
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'setup-x86-on-arm-image-')))
  await mkdir(folder, { recursive: true })
  const archive = join(folder, `probe-image-${target.target}-${runId}.tar`)
  await writeFile(archive, probeImageArchive(target, ref))
  let result: ContainerResult
  let leftover: string | undefined
  try {
    const load = await runEngine(engine, loadArgs(archive), timeoutMs)
    result =
      load.code === 0
        ? await runAndJudge(attempt, ref, [])
        : failed(attempt, 'load', loadFailureMessage(engine.name, platform, load.stderr), load.stderr)
  } finally {
    await rm(dir ? archive : folder, { recursive: true, force: true })
    leftover = await removeAdded(engine, ref, timeoutMs)
  }
  if (leftover) result.leftovers = [...(result.leftovers ?? []), leftover]
  // The engine loaded the image but does not run it for the platform: a fault of the load step.
  if (!result.ok && result.step === 'pull') {
    Object.assign(result, { step: 'load', error: loadFailureMessage(engine.name, platform, result.stderr ?? '') })
  }
  return result
}

/** The check with a named image: used as held, else pulled for the platform and removed afterwards. */
async function withNamedImage(attempt: Attempt, image: string): Promise<ContainerResult> {
  const { engine, platform, timeoutMs } = attempt
  const inspected = await runEngine(engine, inspectArgs(image), timeoutMs)
  const held = inspected.code === 0
  if (!held) {
    const pull = await runEngine(engine, pullArgs(image, platform), timeoutMs)
    if (pull.code !== 0) {
      const why = pull.timedOut ? `timed out after ${secondsText(timeoutMs)} s` : pull.stderr
      return failed(attempt, 'pull', pullFailureMessage(engine.name, image, platform, why), pull.stderr)
    }
  }
  let result: ContainerResult
  let leftover: string | undefined
  try {
    result = { ...(await runAndJudge(attempt, image, ['uname', '-m'])), pulled: !held }
  } finally {
    leftover = held ? undefined : await removeAdded(engine, image, timeoutMs)
  }
  if (leftover) result.leftovers = [...(result.leftovers ?? []), leftover]
  if (!result.ok && result.step === 'pull') {
    const localPlatform = inspected.stdout.trim().split(' ')[1] ?? ''
    result.error = held
      ? localTagMessage(engine.name, image, platform, localPlatform, result.stderr ?? '')
      : pullFailureMessage(engine.name, image, platform, result.stderr ?? '')
  }
  return result
}

/** The platform of this host's own programs, for telling a broken engine from broken emulation. */
function hostPlatform(): Platform | undefined {
  return lookupPlatform(machine())
}

/**
 * A run that failed without any sign of emulation in the engine's words may be the engine's own
 * fault (e.g. podman unable to set the container's limits): a container of the host's own platform
 * tells. Returns that check's result when it fails too.
 */
async function engineFault(attempt: Attempt, result: ContainerResult, runId: string, dir?: string): Promise<ContainerResult | undefined> {
  const host = hostPlatform()
  // A diagnosis, output or a hang points at emulation; only a bare start failure may be the engine's.
  const emulationSaid = result.diagnosis || result.output || result.timedOut
  if (result.ok || result.step !== 'run' || emulationSaid || !result.stderr || !host || host.docker === attempt.platform) return undefined
  const control: Attempt = { ...attempt, platform: host.docker, expectedMachine: host.machine, name: checkContainerName(host, runId) }
  const ran = await withProbeImage(control, host, runId, dir)
  if (ran.leftovers) result.leftovers = [...(result.leftovers ?? []), ...ran.leftovers]
  return ran.ok ? undefined : ran
}

/**
 * Runs the check for `platform` through `engine`: the probe image when `image` is empty, else the
 * named image with `uname -m`. Never throws for an engine's failure; the result says which step
 * failed and why.
 */
export async function containerCheck(options: ContainerCheckOptions): Promise<ContainerResult> {
  const { engine, image, platform, expectedMachine } = options
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const runId = options.runId ?? newRunId()
  const started = performance.now()
  const target = lookupPlatform(platform)
  const name = target ? checkContainerName(target, runId) : `setup-x86-on-arm-check-${runId}`
  const attempt: Attempt = { engine, platform, expectedMachine, timeoutMs, name, started }
  const builtIn = image === BUILT_IN_IMAGE

  const shown = (text: string) => JSON.stringify(text.slice(0, 100))
  if (!builtIn && !validImageRef(image)) return failed(attempt, 'pull', `not a valid image reference: ${shown(image)}`)
  if (!validPlatform(platform)) return failed(attempt, builtIn ? 'load' : 'pull', `not a valid platform: ${shown(platform)}`)
  if (builtIn && !target) return failed(attempt, 'load', `no probe program for ${platform}`)

  const result = builtIn && target ? await withProbeImage(attempt, target, runId, options.dir) : await withNamedImage(attempt, image)
  const fault = await engineFault(attempt, result, runId, options.dir)
  if (fault) {
    result.hostFailure = engineMessage(fault.error ?? 'it failed', 2)
    result.engineFault = `${engine.name} cannot run containers here: a container of this host's own platform failed too (${result.hostFailure})`
  }
  return { ...result, seconds: elapsed(started) }
}
