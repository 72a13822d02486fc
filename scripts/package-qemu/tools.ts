/**
 * How package-qemu runs the tools it needs (apt-get, apt-cache, dpkg-deb, tar, xz): in the C locale
 * with none of the caller's settings that would change their output, through the project's one
 * process runner for commands that run to completion, and as streams where bytes flow between
 * them. Also the helpers around them: a file's sha256, a job limiter, the cache folder's lock.
 */
import type { ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runProgram, type RunResult } from '../../src/kernel/process.js'

/** Environment for the tools: C locale, no settings from the caller's XZ_OPT/XZ_DEFAULTS/TAR_OPTIONS/APT_CONFIG. */
export function toolEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANGUAGE: '' }
  for (const k of ['XZ_OPT', 'XZ_DEFAULTS', 'TAR_OPTIONS', 'APT_CONFIG']) delete env[k]
  return env
}

/** A download of a 64 MB package on a slow mirror takes minutes; nothing here should take longer. */
const TOOL_TIMEOUT_MS = 30 * 60_000

/** Runs a tool to completion; throws only when it is not installed. */
export async function runTool(command: string, args: string[], options: { cwd?: string } = {}): Promise<RunResult> {
  const r = await runProgram(command, args, { env: toolEnv(), timeoutMs: TOOL_TIMEOUT_MS, cwd: options.cwd })
  if (r.code === 127 && /ENOENT/.test(r.stderr)) throw new Error(`${command}: not installed (needs apt, dpkg, tar and xz-utils)`)
  return r
}

/** Runs a tool and returns its output; throws with what it said when it fails (apt's private -o settings left out). */
export async function mustRun(command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  const r = await runTool(command, args, options)
  if (r.code !== 0) {
    const shown = args.filter(a => !a.startsWith('Dir::') && a !== '-o').join(' ')
    throw new Error(`${command} ${shown} failed (exit ${r.code}):\n${(r.stderr || r.stdout).trim()}`)
  }
  return r.stdout
}

/** Waits for a streaming child (spawned with stderr piped) and collects what it said. */
export function finish(child: ChildProcess, name: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stderr = ''
    child.stderr?.on('data', d => (stderr += d))
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(`${name}: ${err.code === 'ENOENT' ? 'not installed' : err.message}`))
    })
    child.on('close', (code, signal) => resolve({ code, signal, stderr }))
  })
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk)
  return hash.digest('hex')
}

/** Runs async jobs with at most `limit` at a time. */
export function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0
  const queue: (() => void)[] = []
  const next = () => {
    if (active >= limit || queue.length === 0) return
    active++
    queue.shift()!()
  }
  return <T>(fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        fn()
          .then(resolve, reject)
          .finally(() => {
            active--
            next()
          })
      })
      next()
    })
}

/** One holder at a time per cache folder (apt's own lock would fail a second caller at once). */
export async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock')
  await mkdir(dir, { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      await mkdir(lock)
      await writeFile(join(lock, 'pid'), String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'))
      let alive = pid > 0
      try {
        if (alive) process.kill(pid, 0)
      } catch {
        alive = false
      }
      if (!alive && (pid > 0 || Date.now() - started > 5000)) {
        await rm(lock, { recursive: true, force: true })
        continue
      }
      if (Date.now() - started > 15 * 60_000) throw new Error(`${lock} is held by process ${pid}; waited 15 minutes`, { cause: err })
      await new Promise(r => setTimeout(r, 500))
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}
