/**
 * From a container check's result to what the run reports: passed, failed or skipped, with one
 * line that says which step failed and why. Under `verify: auto` a check that could not get as far
 * as running the platform's container (no image to be had, an engine that cannot run containers at
 * all) is skipped with a warning, since the probe already proved emulation; under `verify:
 * container` it fails. A container that ran and failed fails in both, with the likely cause: a
 * handler without the F flag, a dynamically linked interpreter, or no handler at all.
 */
import type { Platform } from '../kernel/platforms.js'
import type { ContainerResult } from './container.js'
import { formatDiagnosis, type DiagnosisId } from './diagnose.js'
import type { EngineName } from './engine.js'

export interface ContainerOutcome {
  /** 'passed' | 'failed' | 'skipped', with the line for the log and summary. */
  result: 'passed' | 'failed' | 'skipped'
  detail: string
  seconds?: number
}

/** The binfmt_misc handler serving a platform, as setup reported it. */
export interface Handler {
  entry?: string
  interpreter?: string
  flags?: string
}

export interface OutcomeContext {
  engine: EngineName
  platform: Platform
  /** The named image, or empty for the check's own probe image. */
  image: string
  mode: 'auto' | 'container'
  handler?: Handler
  /** Whether the handler's interpreter is statically linked, when known. */
  interpreterStatic?: boolean
}

/** What the check ran, for the log: `docker run --platform linux/arm64 busybox uname -m`. */
export function runLabel(engine: EngineName, platform: Platform, image: string): string {
  return `${engine} run --platform ${platform.docker} ${image ? `${image} uname -m` : "(the action's own probe image)"}`
}

/**
 * The handler's part in a container failure, when its flags or interpreter explain it: the kernel
 * found the handler but could not open its interpreter inside the container.
 */
export function handlerCause(
  diagnosis: DiagnosisId | undefined,
  handler: Handler | undefined,
  interpreterStatic?: boolean
): string | undefined {
  if (diagnosis !== 'interpreter-not-found' || !handler?.interpreter) return undefined
  const entry = handler.entry ? `handler ${handler.entry}` : 'handler'
  if (handler.flags !== undefined && !handler.flags.includes('F')) {
    return (
      `the ${entry} is registered without the F flag (flags '${handler.flags}'), ` +
      `so inside the container the kernel looks for ${handler.interpreter} among the container's files`
    )
  }
  if (interpreterStatic === false) {
    return (
      `the ${entry}'s interpreter ${handler.interpreter} is dynamically linked: ` +
      'with the F flag the kernel starts it inside the container, which lacks its libraries'
    )
  }
  return undefined
}

const PROVED = '(the probe already proved emulation)'

/** The outcome of one platform's check. */
export function outcomeOf(result: ContainerResult, context: OutcomeContext): ContainerOutcome {
  const { engine, platform, image, mode } = context
  const { seconds } = result
  if (result.ok) return { result: 'passed', detail: `${runLabel(engine, platform, image)} printed ${result.output}`, seconds }
  if (result.engineFault) {
    const detail = `${result.engineFault}; not a fault of emulation`
    return mode === 'auto' ? { result: 'skipped', detail: `${detail} ${PROVED}`, seconds } : { result: 'failed', detail, seconds }
  }
  const error = result.error ?? (result.output || 'it failed')
  if (result.step !== 'run' && mode === 'auto') return { result: 'skipped', detail: `${error} ${PROVED}`, seconds }
  const said = result.step === 'run' ? `${runLabel(engine, platform, image)}: ${error}` : error
  const cause = handlerCause(result.diagnosis?.id, context.handler, context.interpreterStatic)
  const parts = [said, cause && `Cause: ${cause}`, result.diagnosis && formatDiagnosis(result.diagnosis)].filter(Boolean)
  return { result: 'failed', detail: parts.join('. '), seconds }
}
