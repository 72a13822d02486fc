/**
 * Proving a target runs: a tiny embedded program for the target prints uname's machine. Run
 * directly it proves a handler (or the host) runs it; run in an empty chroot it proves the handler
 * works where its interpreter's path does not exist, as inside containers (the F flag).
 */
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { platformOf, type QemuTarget } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import { type RunResult, runProgram } from '../kernel/process.js'
import { SYSTEM_PATH, systemProgram } from '../kernel/find-on-path.js'
import { probeProgram } from './probe-programs.js'

export interface ProbeResult {
  ok: boolean
  /** What the program printed (its machine name) or why it did not run. */
  output: string
  /** Why it failed, in the kernel's words where there are some. */
  failure?: 'exec-format' | 'not-found' | 'wrong-machine' | 'other'
}

/**
 * Judges a probe run: the target's machine name on stdout, or the reason it did not run. A program
 * of the host's own family run natively prints the kernel's machine instead (i386 on x86_64 says
 * x86_64), which `nativeMachine` accepts.
 */
export function judgeProbe(target: QemuTarget, result: RunResult, program = '', nativeMachine?: string): ProbeResult {
  const output = result.stdout.trim()
  if (result.code === 0 && (platformOf(target).machine.test(output) || output === nativeMachine)) return { ok: true, output }
  const said = `${result.stderr} ${output}`.trim()
  if (result.code === 0) return { ok: false, output: `printed ${JSON.stringify(output)}`, failure: 'wrong-machine' }
  if (/ENOEXEC|exec format error/i.test(said)) return { ok: false, output: 'Exec format error', failure: 'exec-format' }
  if (/ENOENT|No such file or directory/i.test(said)) return { ok: false, output: 'No such file or directory', failure: 'not-found' }
  // Without a handler, exec(3) falls back to /bin/sh, which then fails on the ELF bytes.
  if (program && said.includes(program)) return { ok: false, output: 'Exec format error', failure: 'exec-format' }
  return { ok: false, output: said.split('\n').slice(-2).join(' ') || `exit ${result.code}`, failure: 'other' }
}

export class Prober {
  private readonly written = new Map<QemuTarget, string>()

  /** `nativeMachine`: uname's machine on this host, printed by programs of its own family run natively. */
  constructor(
    readonly dir: string,
    private readonly nativeMachine?: string
  ) {}

  /** The probe program's path, written on first use. */
  async program(target: QemuTarget): Promise<string> {
    let path = this.written.get(target)
    if (!path) {
      await mkdir(this.dir, { recursive: true })
      path = join(this.dir, `probe-${target}`)
      await writeFile(path, probeProgram(target), { mode: 0o755 })
      await chmod(path, 0o755)
      this.written.set(target, path)
    }
    return path
  }

  /** Runs the probe in place. */
  async run(target: QemuTarget): Promise<ProbeResult> {
    const program = await this.program(target)
    return judgeProbe(target, await runProgram(program, [], { timeoutMs: 20_000 }), program, this.nativeMachine)
  }

  /** Runs the probe in a chroot holding nothing but the probe: only an F handler can serve it there. */
  async runIsolated(target: QemuTarget, sys: Privileged): Promise<ProbeResult> {
    const root = join(this.dir, `root-${target}`)
    await mkdir(root, { recursive: true })
    await copyFile(await this.program(target), join(root, 'probe'))
    const chroot = systemProgram('chroot')
    if (!chroot) return { ok: false, output: `no chroot program in ${SYSTEM_PATH} (coreutils has it)`, failure: 'other' }
    try {
      const stdout = await sys.run(chroot, [root, '/probe'], { timeoutMs: 20_000 })
      return judgeProbe(target, { code: 0, stdout, stderr: '' }, '', this.nativeMachine)
    } catch (error) {
      return judgeProbe(target, { code: 1, stdout: '', stderr: (error as Error).message }, '/probe')
    }
  }
}
