/**
 * The checks after setup (checks/verify): a container for each emulated platform, and the x86-64
 * level x86_64 programs see. The checks are handed only what they need, the platforms that run,
 * whether each is emulated and by which handler; their findings are written back into the report.
 *
 * An engine the check found unable to run any container is recorded beside the host's ledger
 * (records/engine-record.ts, in the ledger's folder, which the Context already names), so that
 * later jobs under verify: auto pass it over without starting it; verify: container always runs it.
 */
import { mkdir } from 'node:fs/promises'
import { type Engine, engineOf, engineStamp, type PassOver, probeEngines } from '../checks/engine.js'
import { type ContainerTarget, type EngineFinding, verifyTargets, type VerifyMode } from '../checks/verify.js'
import { findUnusable, forgetUnusable, recordUnusable, unusableText } from '../records/engine-record.js'
import type { Context, Log } from './context.js'
import type { Report } from './report.js'

export type { VerifyMode } from '../checks/verify.js'

export interface CheckRequest {
  mode: VerifyMode
  /** The image the container check runs; empty for the check's own probe image. */
  image: string
  /** This run's id in the probe images' names, saved for the post step to remove what is left. */
  runId?: string
  /** The engine checkEngine() found (null: none answers); left out, checkSetup() looks for one itself. */
  engine?: Engine | null
  /** With engine null: why checkEngine() passed over the engine it found (its record), said in place of the check. */
  passedOver?: string
}

/** The platforms that run after setup, as the checks take them. */
export function targetsOf(report: Report): ContainerTarget[] {
  return report.platforms
    .filter(p => p.status !== 'failed')
    .map(p => ({
      platform: p.platform,
      emulated: p.status !== 'native',
      handler: { entry: p.entry, interpreter: p.interpreter, flags: p.flags }
    }))
}

/** Is there anything to check: an emulated platform, or x86_64 to measure? */
export function needsChecks(report: Report, check: CheckRequest): boolean {
  return check.mode !== 'none' && targetsOf(report).some(t => t.emulated || t.platform.target === 'x86_64')
}

/** Will a container be run (and may a probe image be left behind for the post step to remove)? */
export function runsContainers(report: Report, check: CheckRequest): boolean {
  return (check.mode === 'auto' || check.mode === 'container') && targetsOf(report).some(t => t.emulated)
}

/**
 * The engine the container check will load its images into (docker, then podman, the first that
 * answers), looked for before the check so that the caller can record it before anything is
 * loaded: null when none answers, or (verify: auto) when the one found is recorded as unable to
 * run containers here, with why in passedOver; nothing when no container is to run.
 */
export async function checkEngine(
  report: Report,
  check: CheckRequest,
  ctx: Pick<Context, 'ledger'>
): Promise<Pick<CheckRequest, 'engine' | 'passedOver'>> {
  if (!runsContainers(report, check)) return {}
  const passOver: PassOver = async (name, stamp) => {
    const record = await findUnusable(ctx.ledger.dir, name, stamp)
    return record && unusableText(record)
  }
  // Under verify: container the check is the job's own demand: always run, never answered from a record.
  const probes = await probeEngines(undefined, check.mode === 'auto' ? passOver : undefined)
  const passedOver = probes.find(p => p.passedOver)?.passedOver
  if (passedOver) return { engine: null, passedOver }
  return { engine: probes.map(engineOf).find(Boolean) ?? null }
}

/** Keeps what the check showed of its engine: recorded when it cannot run containers, the record dropped when it can. */
async function keepFinding(dir: string, { engine, unusable }: EngineFinding, log: Log): Promise<void> {
  try {
    if (!unusable) return await forgetUnusable(dir, engine.name)
    const stamp = await engineStamp(engine.name, engine.path, engine.env)
    if (stamp) await recordUnusable(dir, engine.name, stamp, unusable)
  } catch (error) {
    // Only later jobs' time is at stake: the check runs again for them.
    log.info(`the record of whether ${engine.name} can run containers was not updated: ${(error as Error).message}`)
  }
}

/** Runs the checks, writing their findings into the report; returns what the container check could not remove. */
export async function checkSetup(
  report: Report,
  check: CheckRequest,
  ctx: Pick<Context, 'workDir' | 'log' | 'ledger'>
): Promise<{ leftovers: string[] }> {
  if (!needsChecks(report, check)) return { leftovers: [] }
  await mkdir(ctx.workDir, { recursive: true })
  // The command line leaves the engine to be found here.
  const found = check.engine === undefined ? await checkEngine(report, check, ctx) : {}
  const checked = await verifyTargets(targetsOf(report), { ...check, ...found, dir: ctx.workDir }, ctx.log)
  if (checked.engineFinding) await keepFinding(ctx.ledger.dir, checked.engineFinding, ctx.log)
  for (const p of report.platforms) {
    const outcome = checked.containers.get(p.platform)
    if (outcome) p.container = outcome
  }
  if (checked.x86Level !== undefined) report.x86Level = checked.x86Level
  return { leftovers: checked.leftovers }
}
