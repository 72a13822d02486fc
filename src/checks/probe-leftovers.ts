/**
 * What a run's container check may leave in an engine when it is cut short (the step cancelled,
 * the process killed between loading the probe image and removing it): the probe image under this
 * run's tag and the check container under this run's name. The post step calls removeProbeImages()
 * with the run id main used; only names carrying that id are touched, never another job's or the
 * user's.
 */
import { type Engine, engineMessage, runEngine } from './engine.js'
import { PROBE_REPOSITORY, validRunId } from './probe-image.js'
import { removeContainerArgs, removeImageArgs } from './container.js'

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
