/**
 * How the bench runs programs and cleans up after itself: every program through the project's
 * one process runner (src/kernel/process.ts), timed in wall seconds and in the CPU seconds of
 * this process's children; clean-ups registered as they become needed and run at the end or on
 * a signal; and the host-wide binfmt lock every test that touches the kernel's table takes.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { runProgram, type RunResult } from '../../../src/kernel/process.js'

export function say(message: string): void {
  process.stderr.write(`bench: ${message}\n`)
}

/** The CPU seconds of this process's waited-for children (cutime + cstime of /proc/self/stat). */
export function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[13]) + Number(fields[14])) / 100 // clock ticks (USER_HZ = 100)
}

/** A finished program with its wall time and the CPU time of it and its children. */
export interface Timed extends RunResult {
  seconds: number
  cpu: number
}

/** An apt-get install from a slow mirror can take minutes; nothing the bench runs takes an hour. */
const TIMEOUT_MS = 60 * 60_000

/** Runs a program asynchronously (this process's HTTP server keeps answering meanwhile) and times it. */
export async function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Timed> {
  const cpuBefore = childrenCpu()
  const started = performance.now()
  const r = await runProgram(command, args, { ...options, timeoutMs: TIMEOUT_MS })
  return { ...r, seconds: (performance.now() - started) / 1000, cpu: childrenCpu() - cpuBefore }
}

/** run(), failing with the last lines the program said when it exits non-zero. */
export async function must(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Timed> {
  const r = await run(command, args, options)
  if (r.code !== 0) {
    const said = (r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')
    throw new Error(`${command} ${args.join(' ')} failed (exit ${r.code}): ${said}`)
  }
  return r
}

/** Fails a scenario, with the end of the step's output when there is one. */
export function ensure(condition: unknown, what: string, r?: RunResult): void {
  if (condition) return
  const tail = (text: string, lines: number) => text.trim().split('\n').slice(-lines).join('\n')
  const log = r ? `\n--- stdout\n${tail(r.stdout, 15)}\n--- stderr\n${tail(r.stderr, 10)}` : ''
  throw new Error(`${what}${log}`)
}

const cleanups: (() => unknown)[] = []

/** Registers something to undo when the bench ends, however it ends; the last registered runs first. */
export function atExit(fn: () => unknown): void {
  cleanups.push(fn)
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const fn = cleanups.pop()!
    try {
      await fn()
    } catch (error) {
      say(`cleanup failed: ${(error as Error).message}`)
    }
  }
}

const LOCK_FILE = '/tmp/setup-x86-binfmt.lock'

/** Holds /tmp/setup-x86-binfmt.lock (the lock every test that touches binfmt_misc takes) until release(). */
export async function takeLock(): Promise<() => Promise<void>> {
  // flock holds the lock for as long as its child lives; closing its stdin ends it.
  const child = spawn('flock', [LOCK_FILE, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = setTimeout(() => say(`waiting for ${LOCK_FILE} (another test holds it)`), 1000)
  try {
    await new Promise((resolve, reject) => {
      child.stdout.once('data', resolve)
      child.once('exit', code => reject(new Error(`flock exited ${code}`)))
      child.once('error', reject)
    })
  } finally {
    clearTimeout(waiting)
  }
  let released = false
  const release = async () => {
    if (released) return
    released = true
    child.stdin.end()
    if (child.exitCode === null) await once(child, 'exit')
  }
  atExit(release)
  return release
}
