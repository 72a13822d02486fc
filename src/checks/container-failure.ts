/**
 * Judging what a container engine said, without running anything: at which step a failed check
 * stopped (`load`: the check's own image could not be loaded; `pull`: a named image could not be
 * had; `run`: the image is there but its program did not print the platform's machine), and the
 * messages that name the engine, the image and the platform and quote the engine's own words.
 */
import type { EngineName } from './engine.js'
import { engineMessage, secondsText } from './engine.js'

export type ContainerStep = 'load' | 'pull' | 'run'

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

const quoted = (stderr: string): string => {
  const said = engineMessage(stderr)
  return said ? `: ${said}` : ' (the engine gave no reason)'
}

/** A failure at the pull step: names the image and quotes the engine. */
export function pullFailureMessage(engine: EngineName, image: string, platform: string, stderr: string): string {
  return `${engine} could not get image ${image} for ${platform}${quoted(stderr)}`
}

/** A failure at the load step of the check's own image. */
export function loadFailureMessage(engine: EngineName, platform: string, stderr: string): string {
  return `${engine} could not load the check's own image for ${platform}${quoted(stderr)}`
}

/**
 * A named image held here, but not for the platform: the check does not pull over a local tag
 * (docker's classic store would re-point the tag to the pulled platform).
 */
export function localTagMessage(engine: EngineName, image: string, platform: string, localPlatform: string, stderr: string): string {
  const held = localPlatform ? ` only for ${localPlatform}` : ''
  return (
    `${engine} holds image ${image}${held}, not for ${platform}, and the check does not pull over a local tag ` +
    `(that would re-point it): name the image by digest, use a tag this engine does not hold, or leave verify-image empty${quoted(stderr)}`
  )
}

export interface RunJudgment {
  ok: boolean
  /** The container's standard output, trimmed. */
  output: string
  step: ContainerStep
  error?: string
}

/** Judges the run step: the last line of standard output must be the expected machine. */
export function judgeRun(
  run: { code: number | null; stdout: string; stderr: string; timedOut: boolean },
  expectedMachine: RegExp,
  timeoutMs: number
): RunJudgment {
  const output = run.stdout.trim()
  const machine = output.split('\n').pop()?.trim() ?? ''
  if (run.timedOut) return { ok: false, output, step: 'run', error: `the container did not finish within ${secondsText(timeoutMs)} s` }
  if (run.code === 0 && expectedMachine.test(machine)) return { ok: true, output, step: 'run' }
  if (run.code === 0) {
    return { ok: false, output, step: 'run', error: `it printed ${machine ? `'${machine}'` : 'nothing'}, expected ${expectedMachine}` }
  }
  const step = classifyFailure(run.stderr, run.code)
  const said = engineMessage(run.stderr) || `exit code ${run.code}`
  return { ok: false, output, step, error: step === 'pull' ? said : `the container failed (exit code ${run.code}): ${said}` }
}
