/**
 * Self-hosted runners: several jobs on one kernel, jobs that die, steps that are killed half-way.
 * Each "job" is a local-run process playing the runner (the parent of main and post), as several
 * runner services on one host do, on the real kernel with arm64 as the foreign target.
 */
import { afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION_NODE, kernelExec, removeEntries, ROOT, runStep, tableText, workdir } from '../helpers/action.js'
import { command, describeWhen, root } from '../helpers/requirements.js'
import { dyingJobRoot } from '../helpers/test-build.js'

interface Job {
  child: ChildProcess
  dir: string
  done: Promise<number>
  output: () => string
}

const started: Job[] = []

/** Starts a job that runs main, then waits for release() before its post step. */
function startJob(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Job {
  const dir = workdir()
  const args = [join(ROOT, 'scripts', 'local-run.mjs'), 'all', '--workdir', dir, '--hold', join(dir, 'release')]
  for (const [name, value] of Object.entries(inputs)) args.push('--input', `${name}=${value}`)
  const child = spawn(ACTION_NODE, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', d => (output += d))
  child.stderr!.on('data', d => (output += d))
  const done = new Promise<number>(resolve => child.on('exit', code => resolve(code ?? -1)))
  const job = { child, dir, done, output: () => output }
  started.push(job)
  return job
}

async function mainDone(job: Job): Promise<string> {
  const ready = join(job.dir, 'release.ready')
  for (let i = 0; i < 1500 && !existsSync(ready); i++) await new Promise(r => setTimeout(r, 20))
  expect(existsSync(ready)).toBe(true)
  return readFileSync(ready, 'utf8')
}

function release(job: Job): Promise<number> {
  writeFileSync(join(job.dir, 'release'), '')
  return job.done
}

describeWhen([root, command('/usr/bin/qemu-aarch64-static')], 'several jobs on one host', () => {
  let initial: Record<string, string>
  let dir: string
  beforeAll(() => {
    initial = tableText()
  })
  beforeEach(() => {
    dir = workdir()
  })
  afterEach(async () => {
    // A failed expectation must not leave a job waiting for its release.
    for (const job of started.splice(0)) {
      if (job.child.exitCode === null) {
        writeFileSync(join(job.dir, 'release'), '')
        await job.done
      }
      rmSync(job.dir, { recursive: true, force: true })
    }
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    rmSync(dir, { recursive: true, force: true })
  })

  test.each([
    ['the registering job ends first', true],
    ['the sharing job ends first', false]
  ])('two overlapping jobs (%s): arm64 keeps working until the last one ends', async (_what, registrarFirst) => {
    const a = startJob({ platforms: 'arm64' })
    expect(await mainDone(a)).toBe('0')
    const b = startJob({ platforms: 'arm64' })
    expect(await mainDone(b)).toBe('0')
    expect(b.output()).toMatch(/install-method=existing/)

    const [first, second] = registrarFirst ? [a, b] : [b, a]
    expect(await release(first)).toBe(0)
    expect(first.output()).toMatch(/kept qemu-aarch64 \(still held by other jobs on this machine/)
    expect(kernelExec('aarch64', dir)).toBe('aarch64')

    expect(await release(second)).toBe(0)
    expect(kernelExec('aarch64', dir)).toBe('error: Exec format error')
    expect(tableText()).toEqual(initial)
  })

  test('a job whose runner was killed (no post step) does not hold the entry forever', async () => {
    const dead = startJob({ platforms: 'arm64' })
    expect(await mainDone(dead)).toBe('0')
    dead.child.kill('SIGKILL')
    await dead.done

    const next = runStep('all', dir, { platforms: 'arm64' })
    expect(next.code).toBe(0)
    expect(next.stdout).toMatch(/removed qemu-aarch64/)
    expect(tableText()).toEqual(initial)
  })

  // Two platforms make at least two recorded changes (three when binfmt_misc has to be mounted).
  // The main that kills itself is a test build (test-build.ts): dist/ holds no fault injector.
  test.each([1, 2])('main killed right after recording change %i: post restores the table completely', n => {
    const job = runStep('all', dir, { platforms: 'arm64,riscv64' }, { SETUP_X86_ON_ARM_DIE_AT: String(n) }, { root: dyingJobRoot() })
    expect(job.code).not.toBe(0)
    expect(tableText()).toEqual(initial)
    expect(kernelExec('aarch64', dir)).toBe('error: Exec format error')
  })
})
