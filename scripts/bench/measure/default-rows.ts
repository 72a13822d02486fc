/**
 * The default path's rows (issue 24), as on a hosted runner, where Docker and Podman are both
 * installed: main with `verify: auto` over an entry already set up, then post in the same work
 * folder; once with Docker answering, once with docker passed over (DOCKER_HOST naming a socket
 * that is not there, so the check decides without starting docker's CLI) and Podman used. Which
 * rows run and with what, and whether a step's log says what the row expects. Pure; extras.ts
 * measures them.
 */

export type RowEngine = 'docker' | 'podman'

export interface DefaultRow {
  /** default-docker or default-podman; its rows are `<id>-main` and `<id>-post`. */
  id: string
  engine: RowEngine
  inputs: Record<string, string>
  /** Added to both steps' environment. */
  env: Record<string, string>
}

/** A socket no daemon listens on (checked absent before the rows run): docker does not answer. */
export const NO_DOCKER_SOCKET = '/run/setup-x86-no-docker.sock'

export const DEFAULT_ROW_IDS = ['default-docker-main', 'default-docker-post', 'default-podman-main', 'default-podman-post']

/** The rows to measure, or none and why: they need both engines, as a hosted runner has them. */
export function defaultRows(found: { dockerAnswers: boolean; podmanOnPath: boolean }): { rows: DefaultRow[]; skipped?: string } {
  const missing = [found.dockerAnswers ? '' : 'docker version failed', found.podmanOnPath ? '' : 'podman is not on PATH'].filter(Boolean)
  if (missing.length) return { rows: [], skipped: `needs a Docker engine answering and podman on PATH, as on a hosted runner: ${missing.join('; ')}` }
  const inputs = { verify: 'auto' }
  return {
    rows: [
      { id: 'default-docker', engine: 'docker', inputs, env: {} },
      { id: 'default-podman', engine: 'podman', inputs, env: { DOCKER_HOST: `unix://${NO_DOCKER_SOCKET}` } }
    ]
  }
}

/**
 * What is wrong with a default main's log, or undefined: no warning, and one line about the
 * container check, by the row's engine: passed, or (podman, which cannot run containers in some
 * sandboxes) skipped in a notice because the engine cannot run even a container of the host's own
 * platform.
 */
export function mainProblem(engine: RowEngine, stdout: string): string | undefined {
  const lines = stdout.split('\n').map(line => line.trimEnd())
  const warning = lines.find(line => line.startsWith('::warning'))
  if (warning) return `main warned: ${warning}`
  const said = lines.filter(line => line.includes('container check'))
  if (said.length !== 1) return `expected one line about the container check, got ${said.length}${said.length ? `: ${said.join(' | ')}` : ''}`
  const line = said[0]
  if (new RegExp(`^\\w+/\\S+ container check passed: ${engine} run `).test(line)) return undefined
  if (engine === 'podman' && /^::notice::container check skipped for \S+: podman cannot run containers here\b/.test(line)) return undefined
  // Later jobs on the machine: the record of that finding, said in one line without starting podman.
  if (engine === 'podman' && /^container check skipped: podman could not run containers on this machine \(checked /.test(line)) return undefined
  const expected =
    engine === 'podman'
      ? 'pass with podman, or be skipped (in a notice, or from the record of one) because podman cannot run containers here'
      : 'pass with docker'
  return `expected the container check to ${expected}, got: ${line}`
}

/** What is wrong with the post step's log after a default main, or undefined: no engine asked, nothing to restore. */
export function postProblem(stdout: string): string | undefined {
  const engine = stdout.split('\n').find(line => /container|probe image|docker|podman/i.test(line))
  if (engine) return `post asked an engine: ${engine.trimEnd()}`
  if (!stdout.includes('nothing to restore')) return 'post did not say it had nothing to restore'
  return undefined
}
