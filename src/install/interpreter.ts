/** Finding a QEMU user-mode interpreter already on the machine, and telling its version. */
import { access } from 'node:fs/promises'
import { delimiter } from 'node:path'
import { readElf } from '../kernel/elf.js'
import type { QemuTarget } from '../kernel/platforms.js'
import { runProgram } from '../kernel/process.js'
import { rootOnlyProblem } from '../kernel/root-files.js'

export interface Interpreter {
  path: string
  version?: string
}

export interface Search {
  found?: Interpreter
  /** Candidates that exist but cannot serve, each with the reason. */
  rejected: string[]
}

const SYSTEM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin']

/** The places distros and peer tools put qemu-<target>, in the order they are tried. */
export function candidatePaths(target: QemuTarget, pathEnv = process.env.PATH ?? ''): string[] {
  const dirs = [...pathEnv.split(delimiter).filter(d => d.startsWith('/')), ...SYSTEM_DIRS]
  const paths = dirs.flatMap(dir => [`${dir}/qemu-${target}-static`, `${dir}/qemu-${target}`])
  paths.push(`/usr/libexec/qemu-binfmt/${target}-binfmt-P`)
  return [...new Set(paths)]
}

/** Why a file cannot serve as the interpreter for these flags, or undefined when it can. */
export async function unsuitability(path: string, flags: string): Promise<string | undefined> {
  const elf = await readElf(path)
  if (!elf) return `${path} is not an ELF program`
  if (flags.includes('F') && !elf.isStatic) {
    return `${path} is dynamically linked: with the F flag the kernel uses it inside containers, where its libraries are missing`
  }
  if (path.endsWith('-binfmt-P') && !flags.includes('P')) {
    return `${path} expects the P flag (preserve argv[0]); add P to flags to use it`
  }
  return undefined
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

/** The first suitable interpreter on the machine for a target. */
export async function findInterpreter(target: QemuTarget, flags: string, pathEnv?: string): Promise<Search> {
  const rejected: string[] = []
  for (const path of candidatePaths(target, pathEnv)) {
    if (!(await exists(path))) continue
    // Registered, it runs for every user of the machine: only root may be able to change it.
    const untrusted = await rootOnlyProblem(path, 'file')
    const why = untrusted ? `${path} is not root's alone (${untrusted})` : await unsuitability(path, flags)
    if (why) {
      rejected.push(why)
      continue
    }
    return { found: { path, version: await qemuVersion(path) }, rejected }
  }
  return { rejected }
}

/** "qemu-x86_64 version 8.2.2 (Debian ...)" -> "8.2.2" */
export function parseQemuVersion(text: string): string | undefined {
  return /version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1]
}

export async function qemuVersion(path: string): Promise<string | undefined> {
  const result = await runProgram(path, ['--version'], { timeoutMs: 10_000 })
  return result.code === 0 ? parseQemuVersion(result.stdout) : undefined
}
