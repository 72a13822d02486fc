/**
 * The action's side of the Actions runner: inputs, outputs, saved state, exported variables, the
 * log (annotations and groups), the step's failure and the job summary. It behaves as the parts of
 * @actions/core the action used did, byte for byte on stdout and in the runner's files, so the
 * runner sees no difference, but for one thing: a log message the runner could take for a command
 * (a container's or another program's output quoted in it) is written with commands stopped around
 * it, where the toolkit let the runner act on it. It is ours because the toolkit's module graph
 * took most of the action's start-up. Everything here reads process.env and writes process.stdout
 * or the files the runner names, and nothing else: unit tests mock this module
 * (__tests__/__fixtures__/core.ts).
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'
import { commandLine, commandsStopped, holdsCommand, keyValueEntry } from './commands.js'
import { Summary } from './summary.js'

export { Summary, type SummaryCell, type SummaryRow } from './summary.js'

function issue(name: string, message = '', properties: Record<string, string> = {}): void {
  process.stdout.write(commandLine(name, properties, message) + EOL)
}

/**
 * `name=value` for the rest of the job through the runner's file command (GITHUB_<kind>), or
 * through the legacy workflow command when the runner names no file.
 */
function fileCommand(kind: 'OUTPUT' | 'STATE' | 'ENV', name: string, value: string, legacy: () => void): void {
  const file = process.env[`GITHUB_${kind}`]
  if (!file) return legacy()
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
  appendFileSync(file, keyValueEntry(name, value, `ghadelimiter_${randomUUID()}`, EOL) + EOL, { encoding: 'utf8' })
}

/** The input as the runner passes it (INPUT_<NAME>, spaces as _), trimmed; '' when not given. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim()
}

export function setOutput(name: string, value: string): void {
  fileCommand('OUTPUT', name, value, () => {
    process.stdout.write(EOL)
    issue('set-output', value, { name })
  })
}

/** Saved for this action's post step, which reads it with getState. */
export function saveState(name: string, value: string): void {
  fileCommand('STATE', name, value, () => issue('save-state', value, { name }))
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

/** A variable for this step (process.env) and the job's later steps. */
export function exportVariable(name: string, value: string): void {
  process.env[name] = value
  fileCommand('ENV', name, value, () => issue('set-env', value, { name }))
}

/** The message as it is, or with commands stopped around it when a line of it could parse as one. */
export function info(message: string): void {
  process.stdout.write((holdsCommand(message) ? commandsStopped(message, randomUUID, EOL) : message) + EOL)
}

/** Shown only when the run has step debug logging on (the runner filters it). */
export function debug(message: string): void {
  issue('debug', message)
}

/** A notice annotation: worth seeing, not a problem with the job. */
export function notice(message: string): void {
  issue('notice', message)
}

export function warning(message: string): void {
  issue('warning', message)
}

export function error(message: string): void {
  issue('error', message)
}

/** Fails the step: an error annotation, and exit code 1 when the process ends. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** The log lines of `fn` folded under `name`; the group is closed even when fn throws. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issue('group', name)
  try {
    return await fn()
  } finally {
    issue('endgroup')
  }
}

export const summary = new Summary()
