/**
 * Checks after setup: an emulated platform's container prints its machine name (verify:
 * container, or auto when an engine answers), and what x86-64 level the emulated CPU offers.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { containerCheck, findEngine } from './container.js'
import { formatDiagnosis } from './diagnose.js'
import type { Inputs, VerifyMode } from '../faces/inputs.js'
import { runProgram } from '../kernel/process.js'
import { parseX86Level, x86LevelProgram } from './probe-programs.js'
import type { PlatformReport, Report } from '../core/setup.js'

export interface ContainerOutcome {
  /** 'passed' | 'failed' | 'skipped', with the line for the log and summary. */
  result: 'passed' | 'failed' | 'skipped'
  detail: string
  seconds?: number
}

const emulated = (r: PlatformReport) => r.status === 'registered' || r.status === 'existing'

/**
 * Runs `image` for each emulated platform. In `auto`, no engine or an image that cannot be pulled
 * skips the check with a warning (the probe already proved emulation); in `container` both fail.
 * A container that runs and prints the wrong thing, or fails to execute, fails in both modes.
 */
export async function verifyContainers(
  reports: PlatformReport[],
  mode: VerifyMode,
  image: string,
  log: { info(m: string): void; warning(m: string): void }
): Promise<Map<PlatformReport, ContainerOutcome>> {
  const outcomes = new Map<PlatformReport, ContainerOutcome>()
  const targets = reports.filter(emulated)
  if ((mode !== 'auto' && mode !== 'container') || targets.length === 0) return outcomes
  const engine = await findEngine()
  if (!engine) {
    const detail = 'no container engine (docker, podman) answers'
    for (const r of targets) outcomes.set(r, { result: mode === 'container' ? 'failed' : 'skipped', detail })
    if (mode === 'auto') log.info(`container check skipped: ${detail}`)
    return outcomes
  }
  for (const report of targets) {
    const result = await containerCheck({ engine, image, platform: report.platform.docker, expectedMachine: report.platform.machine })
    let outcome: ContainerOutcome
    if (result.ok) {
      outcome = { result: 'passed', detail: `${engine.name} run --platform ${report.platform.docker} ${image} uname -m printed ${result.output}`, seconds: result.seconds }
    } else if (result.step === 'pull' && mode === 'auto') {
      outcome = { result: 'skipped', detail: `${result.error ?? 'the image could not be pulled'} (the probe already proved emulation)`, seconds: result.seconds }
      log.warning(`container check skipped for ${report.platform.docker}: ${outcome.detail}`)
    } else {
      const error = result.error ?? result.output
      const why = error.startsWith(engine.name) ? error : `${engine.name}: ${error}`
      outcome = { result: 'failed', detail: `${why}${result.diagnosis ? `. ${formatDiagnosis(result.diagnosis)}` : ''}`, seconds: result.seconds }
    }
    if (outcome.result !== 'skipped') log.info(`${report.platform.docker} container check ${outcome.result}: ${outcome.detail}`)
    outcomes.set(report, outcome)
  }
  return outcomes
}

/** The x86-64 micro-architecture level (1-4) the host or its emulator offers x86_64 programs. */
export async function x86Level(dir: string): Promise<number | undefined> {
  const path = join(dir, 'x86-level')
  await writeFile(path, x86LevelProgram(), { mode: 0o755 })
  const result = await runProgram(path, [], { timeoutMs: 20_000 })
  return result.code === 0 ? parseX86Level(result.stdout) : undefined
}

const runsX86 = (report: Report) => report.platforms.some(p => p.platform.target === 'x86_64' && p.status !== 'failed')

/** Is there anything for verify() to check: an emulated platform, or x86_64 to measure? */
export function hasChecks(report: Report, inputs: Inputs): boolean {
  return inputs.verify !== 'none' && (report.platforms.some(emulated) || runsX86(report))
}

/** The checks after setup, shared by the action and the command line; fills in the report. */
export async function verify(report: Report, inputs: Inputs, dir: string, log: { info(m: string): void; warning(m: string): void }): Promise<void> {
  if (!hasChecks(report, inputs)) return
  for (const [platform, outcome] of await verifyContainers(report.platforms, inputs.verify, inputs.verifyImage, log)) platform.container = outcome
  if (runsX86(report)) {
    report.x86Level = await x86Level(dir)
    if (report.x86Level === 1) {
      log.warning('x86_64 programs see an x86-64-v1 CPU: many current distributions need v2 (RHEL 10 and UBI 10 need v3); set qemu-version to a newer QEMU')
    } else if (report.x86Level) log.info(`x86_64 programs see an x86-64-v${report.x86Level} CPU`)
  }
}
