/** Turning a setup report into outputs, log lines and the job summary's table. */
import type { Report } from './setup.js'

export interface Outputs {
  platforms: string
  native: string
  interpreter: string
  'qemu-version': string
  'install-method': string
  'cache-hit': string
  'x86-64-level': string
}

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))]

export function outputsOf(report: Report): Outputs {
  const working = report.platforms.filter(p => p.status !== 'failed')
  return {
    platforms: working.map(p => p.platform.docker).join(','),
    native: working.filter(p => p.status === 'native').map(p => p.platform.docker).join(','),
    interpreter: unique(working.map(p => p.interpreter)).join(','),
    'qemu-version': unique(working.map(p => p.qemuVersion)).join(','),
    'install-method': unique(working.map(p => (p.status === 'existing' ? 'existing' : p.source))).join(','),
    'cache-hit': report.cacheHit === undefined ? 'false' : String(report.cacheHit),
    'x86-64-level': report.x86Level ? `x86-64-v${report.x86Level}` : ''
  }
}

export function failuresOf(report: Report): string[] {
  return [
    ...report.platforms.filter(p => p.status === 'failed').map(p => `${p.platform.docker}: ${p.detail}`),
    ...report.platforms.filter(p => p.container?.result === 'failed').map(p => `${p.platform.docker}: container check failed: ${p.container!.detail}`)
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
