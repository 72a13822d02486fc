/**
 * The checks after setup (checks/verify): a container for each emulated platform, and the x86-64
 * level x86_64 programs see. The checks are handed only what they need, the platforms that run,
 * whether each is emulated and by which handler; their findings are written back into the report.
 */
import { mkdir } from 'node:fs/promises'
import { type Engine, findEngine } from '../checks/engine.js'
import { type ContainerTarget, verifyTargets, type VerifyMode } from '../checks/verify.js'
import type { Context } from './context.js'
import type { Report } from './report.js'

export type { VerifyMode } from '../checks/verify.js'

export interface CheckRequest {
  mode: VerifyMode
  /** The image the container check runs; empty for the check's own probe image. */
  image: string
  /** This run's id in the probe images' names, saved for the post step to remove what is left. */
  runId?: string
  /** The engine checkEngine() found (null: none answers); left out, the check looks for one itself. */
  engine?: Engine | null
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
 * loaded; null when none answers, undefined when no container is to run.
 */
export async function checkEngine(report: Report, check: CheckRequest): Promise<Engine | null | undefined> {
  if (!runsContainers(report, check)) return undefined
  return (await findEngine()) ?? null
}

/** Runs the checks, writing their findings into the report; returns what the container check could not remove. */
export async function checkSetup(
  report: Report,
  check: CheckRequest,
  ctx: Pick<Context, 'workDir' | 'log'>
): Promise<{ leftovers: string[] }> {
  if (!needsChecks(report, check)) return { leftovers: [] }
  await mkdir(ctx.workDir, { recursive: true })
  const checked = await verifyTargets(targetsOf(report), { ...check, dir: ctx.workDir }, ctx.log)
  for (const p of report.platforms) {
    const outcome = checked.containers.get(p.platform)
    if (outcome) p.container = outcome
  }
  if (checked.x86Level !== undefined) report.x86Level = checked.x86Level
  return { leftovers: checked.leftovers }
}
