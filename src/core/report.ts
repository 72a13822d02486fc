/**
 * What setup found and did, platform by platform, and turning that report into outputs, log
 * lines and the job summary's table. Also the one error a setup throws before it changes anything.
 */
import type { ContainerOutcome } from '../checks/verify.js'
import type { Source } from '../install/index.js'
import type { Platform } from '../kernel/platforms.js'

/** native: the host runs it; existing: a handler was there and works; registered: this run made it work. */
export type Status = 'native' | 'existing' | 'registered' | 'failed'

export interface PlatformReport {
  platform: Platform
  status: Status
  /** One line for the log and summary: what happened and, on failure, what to do. */
  detail: string
  interpreter?: string
  qemuVersion?: string
  flags?: string
  source?: Source
  /** The binfmt entry serving it. */
  entry?: string
  seconds: number
  /** The container check's outcome, when one ran. */
  container?: ContainerOutcome
}

export interface Report {
  platforms: PlatformReport[]
  cacheHit?: boolean
  /** x86-64 micro-architecture level (1-4) offered to x86_64 programs, when measured. */
  x86Level?: number
  /**
   * Variables to export for the later steps: binfmt_misc passes QEMU no arguments, but QEMU reads
   * the environment of the process that runs the program (QEMU_GUEST_BASE, obtain.ts).
   */
  environment?: Record<string, string>
}

/** This host cannot serve the request, or a registration would break it: nothing was changed for it. */
export class SetupError extends Error {}

export interface Outputs {
  platforms: string
  native: string
  interpreter: string
  'qemu-version': string
  'install-method': string
  'cache-hit': string
  'x86-64-level': string
  /** The QEMU_LD_PREFIX the step exported for `libraries` or `sysroot`, else ''. */
  sysroot: string
}

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))]

export function outputsOf(report: Report, sysroot = ''): Outputs {
  const working = report.platforms.filter(p => p.status !== 'failed')
  return {
    platforms: working.map(p => p.platform.docker).join(','),
    native: working
      .filter(p => p.status === 'native')
      .map(p => p.platform.docker)
      .join(','),
    interpreter: unique(working.map(p => p.interpreter)).join(','),
    'qemu-version': unique(working.map(p => p.qemuVersion)).join(','),
    'install-method': unique(working.map(p => (p.status === 'existing' ? 'existing' : p.source))).join(','),
    'cache-hit': report.cacheHit === undefined ? 'false' : String(report.cacheHit),
    'x86-64-level': report.x86Level ? `x86-64-v${report.x86Level}` : '',
    sysroot
  }
}

export function failuresOf(report: Report): string[] {
  return [
    ...report.platforms.filter(p => p.status === 'failed').map(p => `${p.platform.docker}: ${p.detail}`),
    ...report.platforms
      .filter(p => p.container?.result === 'failed')
      .map(p => `${p.platform.docker}: container check failed: ${p.container!.detail}`)
  ]
}

const RESULT: Record<string, string> = {
  native: 'native',
  existing: 'already set up',
  registered: 'registered',
  failed: 'failed'
}

/** Rows for the summary table: platform, result, interpreter, QEMU version, flags, time. */
export function summaryRows(report: Report): string[][] {
  return report.platforms.map(p => [
    p.platform.docker,
    RESULT[p.status],
    p.interpreter ?? '',
    p.qemuVersion ?? '',
    p.flags ?? '',
    p.container ? `${p.container.result}${p.container.seconds !== undefined ? ` (${p.container.seconds.toFixed(1)} s)` : ''}` : '',
    `${p.seconds.toFixed(2)} s`
  ])
}

export const SUMMARY_HEADER = ['Platform', 'Result', 'Interpreter', 'QEMU', 'Flags', 'Container', 'Time']
