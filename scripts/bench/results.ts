/**
 * The shape of a bench run's results (bench/results.json): what the measuring modules fill in and
 * what the report and the chart read. Every field a reader needs is optional unless every run has
 * it, so a results file from a run that skipped parts still reads.
 */

/** Median and spread of samples, in seconds. */
export interface Summary {
  n: number
  median: number
  min: number
  max: number
  q1: number
  q3: number
  mean: number
  /** In run order. */
  samples: number[]
}

export interface Scenario {
  id: string
  label: string
  /** floor, apt, action or post: how the chart colours it and whether it is compared with apt. */
  group: string
  seconds?: Summary
  cpuSeconds?: Summary
  phases?: Record<string, Summary | undefined>
  /** Why it was not measured. */
  note?: string
  entriesRegistered?: number
  conditions?: string
  asset?: string
}

/** One target of issue 7 and whether this run met it (undefined: not measured). */
export interface Check {
  id: string
  text: string
  target: number
  actual?: number
  unit: string
  met?: boolean
}

export interface EmulationRow {
  workload: string
  runner: string
  native: boolean
  qemuVersion?: string
  seconds?: Summary
  cpuSeconds?: Summary
  /** Median CPU time over native's. */
  ratio?: number
  wallRatio?: number
  outputSha256?: string
  identicalToNative?: boolean
}

export interface Emulation {
  data?: { bytes?: number; label: string; sha256?: string }
  busybox?: { arm64?: string; x86_64?: string }
  qemu?: { version?: string; label: string; source: string }[]
  results?: EmulationRow[]
  note?: string
}

export interface Machine {
  cpu?: string
  cores?: number
  node?: string
  kernel?: string
  os?: string
  arch?: string
  loadavg?: { start: string; end?: string }
  /** Variables of this machine left out of the measured processes, and why. */
  envLeftOut?: string
}

export interface Bundle {
  file: string
  bytes: number
  gzipBytes: number
  sha256: string
}

export interface Results {
  version?: number
  date?: string
  machine?: Machine
  options?: Record<string, unknown>
  bundles?: Bundle[]
  distSource?: string
  fixtures?: Record<string, unknown>
  scenarios: Scenario[]
  emulation?: Emulation
  targets?: Check[]
  benchSeconds?: number
}
