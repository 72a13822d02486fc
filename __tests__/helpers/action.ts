/**
 * Runs the bundled action through scripts/local-run.mjs (the way the Actions runner does) and
 * reads the kernel's binfmt table, for integration tests on the real kernel.
 */
import { afterAll } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { probeProgram } from '../../src/checks/probe-programs.js'
import type { QemuTarget } from '../../src/kernel/platforms.js'
import { command, type Requirement } from './requirements.js'

export const ROOT = resolve(import.meta.dirname ?? '.', '..', '..')
export const BINFMT = '/proc/sys/fs/binfmt_misc'

/**
 * The node that runs the bundle (local-run.mjs, so dist/main and dist/post, and dist/cli): the
 * runtime action.yml declares when SETUP_X86_ACTION_NODE names it (.ci/run takes it from
 * scripts/ci/node24.sh), else the tests' own node. Every test that starts the bundle uses it.
 */
export const ACTION_NODE = process.env.SETUP_X86_ACTION_NODE || process.execPath

const namedNode = process.env.SETUP_X86_ACTION_NODE
/** For tests about the runtime itself: without the variable they would prove the tests' own node. */
export const actionNode: Requirement = {
  what: namedNode
    ? `SETUP_X86_ACTION_NODE (${namedNode}) to be an executable`
    : 'SETUP_X86_ACTION_NODE naming the node action.yml declares (bash scripts/ci/node24.sh prints it)',
  met: () => !!namedNode && command(namedNode).met()
}

export interface StepResult {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
}

/** The job folders this test file made: removed after its last test, whatever the test did with them. */
const workdirs: string[] = []
afterAll(() => {
  for (const dir of workdirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A job's folder (the local runner's --workdir), fresh for each call. */
export function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sxoa-test-'))
  workdirs.push(dir)
  return dir
}

/** Which build runs: the repository's dist/ (default), or a test build laid out like it (test-build.ts). */
export interface Build {
  root?: string
}

function stepArgs(step: string, dir: string, inputs: Record<string, string>, build: Build): string[] {
  const args = [join(build.root ?? ROOT, 'scripts', 'local-run.mjs'), step, '--workdir', dir]
  for (const [name, value] of Object.entries(inputs)) args.push('--input', `${name}=${value}`)
  return args
}

function result(step: string, code: number | null, stdout: string, stderr: string): StepResult {
  const outputs: Record<string, string> = {}
  if (step !== 'post') {
    for (const line of stdout.split('\n')) {
      const m = /^([a-z0-9-]+)=(.*)$/.exec(line)
      if (m) outputs[m[1]] = m[2]
    }
  }
  return { code: code ?? -1, stdout, stderr, outputs }
}

/** Runs `main`, `post` or `all` with the given inputs in a work folder (state kept between steps). */
export function runStep(
  step: 'main' | 'post' | 'all',
  dir: string,
  inputs: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
  build: Build = {}
): StepResult {
  const ran = spawnSync(ACTION_NODE, stepArgs(step, dir, inputs, build), {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 300_000
  })
  return result(step, ran.status, ran.stdout, ran.stderr)
}

/** runStep without blocking this process (which may be serving the step's downloads). */
export function runStepAsync(
  step: 'main' | 'post' | 'all',
  dir: string,
  inputs: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
  build: Build = {}
): Promise<StepResult> {
  return new Promise(resolve => {
    const child = spawn(ACTION_NODE, stepArgs(step, dir, inputs, build), { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('close', code => resolve(result(step, code, stdout, stderr)))
  })
}

/** The table as the kernel prints it, entry by entry, for byte-for-byte comparison. */
export function tableText(): Record<string, string> {
  if (!existsSync(join(BINFMT, 'status'))) return {}
  const table: Record<string, string> = {}
  for (const name of readdirSync(BINFMT).sort()) {
    if (name !== 'register' && name !== 'status') table[name] = readFileSync(join(BINFMT, name), 'utf8')
  }
  return table
}

export function mounted(): boolean {
  return existsSync(join(BINFMT, 'status'))
}

/** Writes a probe program for a target and runs it; returns what it printed or the error. */
export function runProbe(target: QemuTarget, dir: string): { ok: boolean; text: string } {
  const path = join(dir, `probe-${target}`)
  writeFileSync(path, probeProgram(target), { mode: 0o755 })
  const result = spawnSync(path, [], { encoding: 'utf8' })
  if (result.error) return { ok: false, text: String((result.error as NodeJS.ErrnoException).code) }
  return { ok: result.status === 0, text: result.stdout.trim() || result.stderr.trim() }
}

/**
 * exec(2)s a probe program: what it printed (its machine name), or 'error: ' and the kernel's errno text.
 * Node's and coreutils' exec fall back to /bin/sh on ENOEXEC, which hides the kernel's word; a
 * plain execv does not.
 */
export function kernelExec(target: QemuTarget, dir: string): string {
  const path = join(dir, `probe-${target}`)
  writeFileSync(path, probeProgram(target), { mode: 0o755 })
  const script = "import os,sys\ntry:\n os.execv(sys.argv[1],[sys.argv[1]])\nexcept OSError as e:\n print('error: ' + e.strerror)"
  return spawnSync('python3', ['-c', script, path], { encoding: 'utf8' }).stdout.trim()
}

/** Runs a probe inside a chroot that holds only the probe (no interpreter path): needs the F flag. */
export function runProbeInChroot(target: QemuTarget, dir: string): { ok: boolean; text: string } {
  const root = mkdtempSync(join(dir, 'chroot-'))
  writeFileSync(join(root, 'probe'), probeProgram(target), { mode: 0o755 })
  const result = spawnSync('chroot', [root, '/probe'], { encoding: 'utf8' })
  return { ok: result.status === 0, text: result.stdout.trim() || result.stderr.trim() }
}

/** Registers a raw line (test setup of "what was there before"), mounting binfmt_misc if needed. */
export function registerRaw(line: string): void {
  if (!mounted()) spawnSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT])
  writeFileSync(join(BINFMT, 'register'), line)
}

/** Puts the table back to a snapshot's names: removes extras (never touches `status`). */
export function removeEntries(names: string[]): void {
  for (const name of names) {
    if (existsSync(join(BINFMT, name))) writeFileSync(join(BINFMT, name), '-1')
  }
}
