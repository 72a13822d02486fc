/**
 * Checks after setup: an emulated platform's container prints its machine name (verify:
 * container, or auto when an engine answers), and what x86-64 level the emulated CPU offers.
 * The callers hand in plain targets and settings; nothing here knows the report or the inputs.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readElf } from '../kernel/elf.js'
import type { Platform } from '../kernel/platforms.js'
import { runProgram } from '../kernel/process.js'
import { containerCheck } from './container.js'
import { type ContainerOutcome, type Handler, outcomeOf } from './container-outcome.js'
import { type Engine, findEngine } from './engine.js'
import { newRunId } from './probe-image.js'
import { parseX86Level, x86LevelProgram } from './probe-programs.js'

export type { ContainerOutcome, Handler } from './container-outcome.js'

export type VerifyMode = 'auto' | 'probe' | 'container' | 'none'

export interface ContainerTarget {
  platform: Platform
  /** Served by a binfmt_misc handler (registered by this run or found working): the check applies. */
  emulated: boolean
  /** That handler, when known: its flags and interpreter explain a failure inside containers. */
  handler?: Handler
}

export interface ContainerSettings {
  mode: VerifyMode
  /** The `verify-image` input: empty for the check's own probe image (no registry). */
  image: string
  /** This run's id, in the probe images' tags; the post step hands the same to removeProbeImages(). */
  runId?: string
  /**
   * The engine to use, when the caller looked for it first (to record where images may be left
   * before any is loaded); null: none answers. Left out, the first of docker and podman that answers.
   */
  engine?: Engine | null
  /** With engine null: why the engine found was passed over (a record that it cannot run containers here), said in place of the check. */
  passedOver?: string
  /** Limit for each engine command. */
  timeoutMs?: number
}

export interface Log {
  info(message: string): void
  /** Worth seeing but nothing to fix in the workflow; info where the log has no notices. */
  notice?(message: string): void
  warning(message: string): void
}

/** A notice where the log has them, else an info line. */
function notice(log: Log, message: string): void {
  if (log.notice) log.notice(message)
  else log.info(message)
}

async function isStatic(path: string | undefined): Promise<boolean | undefined> {
  return path ? (await readElf(path))?.isStatic : undefined
}

/** What a check that got as far as running a container showed of its engine. */
export interface EngineFinding {
  engine: Engine
  /** Why it cannot run any container, not even one of this host's own platform; absent: it was not found so. */
  unusable?: string
}

export interface ContainersChecked {
  outcomes: Map<Platform, ContainerOutcome>
  /** What the check added and could not remove, by engine (the post step removes it). */
  leftovers: string[]
  /** Absent when no container was run, or none got as far as its run (the image could not be had). */
  engineFinding?: EngineFinding
}

/**
 * Runs the container check for each emulated target. No engine: skipped (quietly, with the reason
 * one was passed over when the caller gives it) under auto, failed under container. An engine that
 * cannot run even a container of this host's own platform is said once, in a notice under auto,
 * and the platforms after the one that found it are not tried: they would fail the same way; the
 * result's engineFinding tells the caller, who may keep it for later jobs. `dir` receives the probe
 * images' archives while they are loaded.
 */
export async function verifyContainers(
  targets: readonly ContainerTarget[],
  settings: ContainerSettings,
  dir: string,
  log: Log
): Promise<ContainersChecked> {
  const checked: ContainersChecked = { outcomes: new Map(), leftovers: [] }
  const { outcomes } = checked
  const { mode, image } = settings
  const emulated = targets.filter(t => t.emulated)
  if ((mode !== 'auto' && mode !== 'container') || emulated.length === 0) return checked
  const engine = settings.engine === undefined ? await findEngine() : settings.engine
  if (!engine) {
    const detail = settings.passedOver ?? 'no container engine (docker, podman) answers'
    for (const t of emulated) outcomes.set(t.platform, { result: mode === 'container' ? 'failed' : 'skipped', detail })
    if (mode === 'auto') log.info(`container check skipped: ${detail}`)
    return checked
  }
  const runId = settings.runId ?? newRunId()
  for (const [i, { platform, handler }] of emulated.entries()) {
    const { timeoutMs } = settings
    const check = { engine, image, platform: platform.docker, expectedMachine: platform.machine, dir, runId, timeoutMs }
    const result = await containerCheck(check)
    if (result.engineFault)
      checked.engineFinding = { engine, unusable: `a container of this host's own platform failed (${result.hostFailure})` }
    else if (result.step === 'run') checked.engineFinding ??= { engine }
    const interpreterStatic = result.ok ? undefined : await isStatic(handler?.interpreter)
    const outcome = outcomeOf(result, { engine: engine.name, platform, image, mode, handler, interpreterStatic })
    // An engine that cannot run containers at all fails the platforms not yet tried alike: not run, said with this one.
    const alike = result.engineFault ? emulated.slice(i).map(t => t.platform) : [platform]
    for (const p of alike) outcomes.set(p, p === platform ? outcome : { result: outcome.result, detail: outcome.detail })
    const which = alike.map(p => p.docker).join(', ')
    const skipped = `container check skipped for ${which}: ${outcome.detail}`
    if (outcome.result !== 'skipped') log.info(`${which} container check ${outcome.result}: ${outcome.detail}`)
    else if (result.engineFault) notice(log, skipped)
    else log.warning(skipped)
    if (result.leftovers) {
      log.warning(`${engine.name} still holds ${result.leftovers.join(', ')} from the container check; the post step removes it`)
      checked.leftovers.push(...result.leftovers.map(left => `${engine.name} ${left}`))
    }
    if (result.engineFault) break
  }
  return checked
}

/** The x86-64 micro-architecture level (1-4) the host or its emulator offers x86_64 programs. */
export async function x86Level(dir: string): Promise<number | undefined> {
  const path = join(dir, 'x86-level')
  await writeFile(path, x86LevelProgram(), { mode: 0o755 })
  const result = await runProgram(path, [], { timeoutMs: 20_000 })
  return result.code === 0 ? parseX86Level(result.stdout) : undefined
}

export interface CheckRequest extends ContainerSettings {
  /** Where the checks write their programs and archives (removed by the caller). */
  dir: string
}

export interface Checked {
  containers: Map<Platform, ContainerOutcome>
  /** What the container check added and could not remove, by engine (the post step removes it). */
  leftovers: string[]
  /** What the container check showed of its engine, when it showed anything. */
  engineFinding?: EngineFinding
  /** Measured when x86_64 runs. */
  x86Level?: number
}

/**
 * Every check after setup, for the platforms that run (failed ones left out): the container check
 * for the emulated ones, and the x86-64 level when x86_64 runs, warned about when it is v1.
 */
export async function verifyTargets(targets: readonly ContainerTarget[], request: CheckRequest, log: Log): Promise<Checked> {
  if (request.mode === 'none') return { containers: new Map(), leftovers: [] }
  const { outcomes: containers, leftovers, engineFinding } = await verifyContainers(targets, request, request.dir, log)
  const checked: Checked = { containers, leftovers, ...(engineFinding && { engineFinding }) }
  if (!targets.some(t => t.platform.target === 'x86_64')) return checked
  const level = await x86Level(request.dir)
  if (level === 1) {
    log.warning(
      'x86_64 programs see an x86-64-v1 CPU: many current distributions need v2 (RHEL 10 and UBI 10 need v3); set qemu-version to a newer QEMU'
    )
  } else if (level) log.info(`x86_64 programs see an x86-64-v${level} CPU`)
  return { ...checked, x86Level: level }
}

// What verify() and hasChecks() read of setup's report and the inputs, by shape. They serve the
// core until it calls verifyTargets() itself.
interface CheckedPlatform {
  platform: Platform
  status: string
  interpreter?: string
  flags?: string
  entry?: string
  container?: ContainerOutcome
}
interface CheckedReport {
  platforms: CheckedPlatform[]
  x86Level?: number
}
interface CheckInputs {
  verify: VerifyMode
  verifyImage: string
}

const isEmulated = (p: CheckedPlatform) => p.status === 'registered' || p.status === 'existing'
const runsX86 = (report: CheckedReport) => report.platforms.some(p => p.platform.target === 'x86_64' && p.status !== 'failed')

/** Is there anything for verify() to check: an emulated platform, or x86_64 to measure? */
export function hasChecks(report: CheckedReport, inputs: CheckInputs): boolean {
  return inputs.verify !== 'none' && (report.platforms.some(isEmulated) || runsX86(report))
}

/** verifyTargets() over setup's report, filling it in. */
export async function verify(report: CheckedReport, inputs: CheckInputs, dir: string, log: Log, runId?: string): Promise<void> {
  if (!hasChecks(report, inputs)) return
  const targets = report.platforms
    .filter(p => p.status !== 'failed')
    .map(p => {
      const handler = { entry: p.entry, interpreter: p.interpreter, flags: p.flags }
      return { platform: p.platform, emulated: isEmulated(p), handler }
    })
  const checked = await verifyTargets(targets, { mode: inputs.verify, image: inputs.verifyImage, runId, dir }, log)
  for (const p of report.platforms) {
    const outcome = checked.containers.get(p.platform)
    if (outcome) p.container = outcome
  }
  if (checked.x86Level !== undefined) report.x86Level = checked.x86Level
}
