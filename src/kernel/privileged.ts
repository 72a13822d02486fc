/**
 * Changes that need root: directly when the process is root, through `sudo -n` otherwise.
 * Every command is an argument array; nothing goes through a shell.
 */
import { runProgram, type RunResult } from './process.js'
import { writeFile } from 'node:fs/promises'

export interface Privileged {
  /** Writes data to a file in one write(2) (binfmt_misc reads each write as one command). */
  write(path: string, data: string): Promise<void>
  run(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string>
  /** True when this process is root itself: a file operation can then be made in-process instead of by a command. */
  readonly inProcess?: boolean
}

export class PrivilegeError extends Error {}

function failure(command: string, args: string[], result: RunResult): Error {
  const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')
  return new Error(`${[command, ...args].join(' ')} failed (exit ${result.code}): ${said}`)
}

export const asRoot: Privileged = {
  inProcess: true,
  async write(path, data) {
    await writeFile(path, data)
  },
  async run(command, args, options = {}) {
    const result = await runProgram(command, args, options)
    if (result.code !== 0) throw failure(command, args, result)
    return result.stdout
  }
}

export const throughSudo: Privileged = {
  async write(path, data) {
    const result = await runProgram('sudo', ['-n', 'tee', path], { input: data })
    if (result.code !== 0) throw failure('sudo -n tee', [path], result)
  },
  async run(command, args, options = {}) {
    const env = options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v ?? ''}`) : []
    const prefix = env.length ? ['-n', 'env', ...env] : ['-n']
    const result = await runProgram('sudo', [...prefix, command, ...args], { timeoutMs: options.timeoutMs })
    if (result.code !== 0) throw failure(command, args, result)
    return result.stdout
  }
}

let found: Promise<Privileged> | undefined

/** Root, or passwordless sudo, or a PrivilegeError that says what is needed (asked once a process). */
export function privileged(): Promise<Privileged> {
  found ??= findPrivileged()
  return found
}

async function findPrivileged(): Promise<Privileged> {
  if (process.getuid?.() === 0) return asRoot
  const sudo = await runProgram('sudo', ['-n', 'true'], { timeoutMs: 10_000 })
  if (sudo.code === 0) return throughSudo
  throw new PrivilegeError(
    'registering binfmt_misc handlers needs root: run the job as root or allow passwordless sudo ' +
      '(an unprivileged container job cannot do this; run it on the host or in a --privileged container)'
  )
}
