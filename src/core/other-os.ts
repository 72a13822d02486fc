/**
 * The step on macOS and Windows runners, so one workflow serves a matrix across operating systems
 * without `if:`. Nothing is registered there: the platforms are taken as that system's own programs
 * (darwin/amd64, windows/386, ...), which the system runs natively or through its own emulation
 * (Rosetta 2, Windows' x86 and x64 emulation); Linux programs there need a Linux VM. The step says
 * which, sets every output to what is true of this host, and fails only where Rosetta 2 is missing.
 */
import { release } from 'node:os'
import type { Platform, QemuTarget } from '../kernel/platforms.js'
import { type RunResult, runProgram } from '../kernel/process.js'
import { failuresOf, type Outputs, outputsOf, type PlatformReport } from './report.js'

export interface OtherHost {
  os: NodeJS.Platform
  /** Node's own architecture (process.arch): x64 on Apple silicon when Node itself runs under Rosetta 2. */
  arch: string
  /** os.release(): on Windows, its build decides whether x64 programs are emulated. */
  release: string
}

export type RunProgram = (command: string, args: string[], options?: { timeoutMs?: number }) => Promise<RunResult>

export interface OtherOsResult {
  /** What this system runs and how, for the log. */
  lines: string[]
  outputs: Outputs
  /** The one line that fails the step (Apple silicon without Rosetta 2), or undefined. */
  failure?: string
}

export function isOtherOs(os: NodeJS.Platform): boolean {
  return os === 'darwin' || os === 'win32'
}

export function otherHost(): OtherHost {
  return { os: process.platform, arch: process.arch, release: release() }
}

/** System paths, never PATH: the step trusts only what the system itself ships. */
const ARCH = '/usr/bin/arch'
const SYSCTL = '/usr/sbin/sysctl'
const ROSETTA_CHECK = [ARCH, '-x86_64', '/usr/bin/true']
const ROSETTA_FIX = 'softwareupdate --install-rosetta --agree-to-license'
/** Windows 11's first build: Windows 10 on Arm emulates 32-bit x86 programs only. */
const WINDOWS_11 = 22000

type Way = { runs: 'native' } | { runs: 'rosetta' } | { runs: 'emulated'; detail: string } | { runs: 'no'; why: string }

const NATIVE: Way = { runs: 'native' }

function macWay(target: QemuTarget, appleSilicon: boolean): Way {
  if (target === (appleSilicon ? 'aarch64' : 'x86_64')) return NATIVE
  if (target === 'x86_64') return { runs: 'rosetta' }
  if (target === 'aarch64') return { runs: 'no', why: 'an Intel Mac runs no arm64 programs' }
  if (target === 'i386' || target === 'arm') return { runs: 'no', why: 'macOS runs no 32-bit programs since 10.15' }
  return { runs: 'no', why: 'macOS runs arm64 and amd64 programs only' }
}

function windowsWay(target: QemuTarget, cpu: string, build: number): Way {
  const own: Partial<Record<string, QemuTarget[]>> = { arm64: ['aarch64'], x64: ['x86_64', 'i386'], ia32: ['i386'] }
  if (own[cpu]?.includes(target)) return NATIVE
  if (cpu === 'arm64' && target === 'i386') return { runs: 'emulated', detail: "x86 Windows programs run through Windows' own emulation" }
  if (cpu === 'arm64' && target === 'x86_64') {
    if (build < WINDOWS_11)
      return { runs: 'no', why: `Windows 10 on Arm (build ${build}) emulates x86 programs only: x64 ones need Windows 11` }
    return { runs: 'emulated', detail: "x64 Windows programs run through Windows' own emulation" }
  }
  if (target === 'aarch64') return { runs: 'no', why: `Windows on ${cpu} runs no arm64 programs` }
  if (target === 'arm') return { runs: 'no', why: 'Windows 11 24H2 and later run no 32-bit Arm programs' }
  return { runs: 'no', why: 'Windows runs arm64, x64 and x86 programs only' }
}

/** Is this Mac's CPU Apple silicon? An x64 Node says so only through sysctl.proc_translated (1 under Rosetta 2). */
async function translated(host: OtherHost, run: RunProgram): Promise<boolean> {
  if (host.os !== 'darwin' || host.arch !== 'x64') return false
  const said = await run(SYSCTL, ['-n', 'sysctl.proc_translated'])
  // Intel Macs say 0, or (before macOS 11) do not know the name.
  return said.code === 0 && said.stdout.trim() === '1'
}

/** The first line a failed program wrote, or its exit code. */
function firstLine(result: RunResult): string {
  const line = result.stderr.trim().split('\n')[0].trim().slice(0, 200)
  return line || `exit code ${result.code}`
}

async function rosetta(underIt: boolean, run: RunProgram): Promise<Pick<PlatformReport, 'status' | 'detail'>> {
  if (underIt) return { status: 'existing', detail: 'x86_64 macOS programs run through Rosetta 2 (this step itself runs under it)' }
  const check = ROSETTA_CHECK.join(' ')
  const result = await run(ROSETTA_CHECK[0], ROSETTA_CHECK.slice(1), { timeoutMs: 60_000 })
  if (result.code === 0) return { status: 'existing', detail: `x86_64 macOS programs run through Rosetta 2 (checked: ${check})` }
  const detail = `x86_64 macOS programs need Rosetta 2, and ${check} failed (${firstLine(result)}): install it with ${ROSETTA_FIX}`
  return { status: 'failed', detail }
}

/**
 * What this macOS or Windows host runs of the requested platforms. Runs sysctl only for an x64
 * Node on a Mac, and the Rosetta check only when amd64 is requested on Apple silicon.
 */
export async function otherOs(platforms: readonly Platform[], host = otherHost(), run: RunProgram = runProgram): Promise<OtherOsResult> {
  const mac = host.os === 'darwin'
  const underRosetta = await translated(host, run)
  const cpu = underRosetta ? 'arm64' : host.arch
  const system = mac ? 'macOS' : 'Windows'
  const build = Number(host.release.split('.')[2]) || WINDOWS_11
  const label = mac ? (cpu === 'arm64' ? 'Apple silicon' : 'Intel') : cpu
  const vm = mac ? 'a Linux VM (Docker Desktop, Colima)' : 'WSL or a Linux VM'
  const lines = [
    `this is a ${system} runner (${label}): the platforms are taken as ${system} programs; Linux programs run only in ${vm}: nothing is registered here`
  ]
  const served: PlatformReport[] = []
  for (const platform of platforms) {
    const named = { ...platform, docker: `${mac ? 'darwin' : 'windows'}/${platform.docker.replace(/^linux\//, '')}` }
    const way = mac ? macWay(platform.target, cpu === 'arm64') : windowsWay(platform.target, cpu, build)
    if (way.runs === 'no') {
      lines.push(`${named.docker}: not served: ${way.why}`)
      continue
    }
    const found =
      way.runs === 'native'
        ? { status: 'native' as const, detail: 'runs natively' }
        : way.runs === 'rosetta'
          ? await rosetta(underRosetta, run)
          : { status: 'existing' as const, detail: way.detail }
    served.push({ platform: named, ...found, seconds: 0 })
    lines.push(`${named.docker}: ${found.detail}`)
  }
  const report = { platforms: served }
  const failures = failuresOf(report)
  return { lines, outputs: outputsOf(report), failure: failures.length > 0 ? failures.join('\n') : undefined }
}
