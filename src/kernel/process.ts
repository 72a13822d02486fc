/**
 * The one way this project runs a program: an argument array, never a shell string, with a
 * timeout and bounded output. Privileged (root or sudo) runs build on it.
 */
import { execFile } from 'node:child_process'

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a program and collects its output; never throws for a non-zero exit. */
export function runProgram(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}
): Promise<RunResult> {
  return new Promise(resolve => {
    const child = execFile(
      command,
      args,
      { env: options.env, timeout: options.timeoutMs ?? 120_000, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0
        const reason = error && typeof error.code !== 'number' ? `${error.message}\n` : ''
        resolve({ code, stdout: String(stdout), stderr: reason + String(stderr) })
      }
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}
