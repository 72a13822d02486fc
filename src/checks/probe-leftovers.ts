/**
 * What a run's container check may leave in an engine when it is cut short (the step cancelled,
 * the process killed between loading the probe image and removing it): the probe image under this
 * run's tag and the check container under this run's name. Main records a ProbeRun (the run id and
 * the engine) before the check loads anything, and records it again with no engine once the check
 * has removed all it added; the post step calls removeProbeImages() with the engines and run id
 * recorded. Only names carrying that id are touched, never another job's or the user's.
 */
import { type Engine, ENGINE_NAMES, engineMessage, type EngineName, runEngine } from './engine.js'
import { PROBE_REPOSITORY, validRunId } from './probe-image.js'
import { removeContainerArgs, removeImageArgs } from './container.js'

/** Where a run's container check may have left something: its run id and the engines it loaded images into. */
export interface ProbeRun {
  runId: string
  engines: EngineName[]
}

/** The ProbeRun saved as JSON; a malformed one fails naming `source` and what is wrong. */
export function parseProbeRun(text: string | undefined, source: string): ProbeRun | undefined {
  if (!text) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`${source} is not a probe run: not JSON (${(error as Error).message})`, { cause: error })
  }
  const { runId, engines } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  if (typeof runId !== 'string' || !validRunId(runId)) {
    throw new Error(`${source} is not a probe run: ${JSON.stringify(runId)} is not a run id`)
  }
  if (!Array.isArray(engines) || !engines.every(e => ENGINE_NAMES.includes(e as EngineName))) {
    throw new Error(`${source} is not a probe run: its engines ${JSON.stringify(engines)} are not a list of ${ENGINE_NAMES.join(', ')}`)
  }
  return { runId, engines: [...new Set(engines as EngineName[])] }
}

const CONTAINER_PREFIX = 'setup-x86-on-arm-check-'
const TIMEOUT_MS = 30_000

/** Arguments listing the probe images of a run, as `repository:tag` lines. */
export function leftoverImagesArgs(runId: string): string[] {
  return ['images', '--filter', `reference=${PROBE_REPOSITORY}:*-${runId}`, '--format', '{{.Repository}}:{{.Tag}}']
}

/** Arguments listing the check containers (any run's: the engines' name filter is a pattern), by name. */
export function leftoverContainersArgs(): string[] {
  return ['ps', '--all', '--filter', `name=${CONTAINER_PREFIX}`, '--format', '{{.Names}}']
}

/** The listed names that belong to this run: the probe repository or container prefix, and the run id at the end. */
export function ownedByRun(listing: string, runId: string, kind: 'image' | 'container'): string[] {
  const ours = kind === 'image' ? (n: string) => n.startsWith(`${PROBE_REPOSITORY}:`) : (n: string) => n.startsWith(CONTAINER_PREFIX)
  return listing
    .split('\n')
    .map(line => line.trim())
    .filter(name => ours(name) && name.endsWith(`-${runId}`))
}

/**
 * Removes this run's check containers and probe images from each engine; returns what was removed.
 * An engine that cannot list or remove is reported as a warning and does not stop the others.
 */
export async function removeProbeImages(
  engines: readonly Engine[],
  runId: string,
  log: { info(m: string): void; warning(m: string): void }
): Promise<string[]> {
  if (!validRunId(runId)) {
    log.warning(`not removing probe images: ${JSON.stringify(runId)} is not a run id`)
    return []
  }
  const removed: string[] = []
  for (const engine of engines) {
    const containers = await runEngine(engine, leftoverContainersArgs(), TIMEOUT_MS)
    const images = await runEngine(engine, leftoverImagesArgs(runId), TIMEOUT_MS)
    for (const [listed, kind] of [
      [containers, 'container'],
      [images, 'image']
    ] as const) {
      if (listed.code !== 0) {
        const said = engineMessage(listed.stderr, 2) || `exit code ${listed.code}`
        log.warning(`${engine.name} could not list this run's probe ${kind}s: ${said}`)
        continue
      }
      for (const name of ownedByRun(listed.stdout, runId, kind)) {
        const args = kind === 'image' ? removeImageArgs(name) : removeContainerArgs(engine.name, name)
        const done = await runEngine(engine, args, TIMEOUT_MS)
        if (done.code === 0) removed.push(`${engine.name} ${kind} ${name}`)
        else log.warning(`${engine.name} could not remove ${kind} ${name}: ${engineMessage(done.stderr, 2) || `exit code ${done.code}`}`)
      }
    }
  }
  if (removed.length > 0) log.info(`removed what the container check left: ${removed.join(', ')}`)
  return removed
}
