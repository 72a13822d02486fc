/** The bench's statistics: quantiles and the median-and-spread summary of a scenario's samples. Pure. */
import type { Summary } from './results.js'

/** The q-quantile (0..1) of sorted numbers, interpolating linearly between ranks (R's type 7). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo)
}

/** Milliseconds are as fine as the timing is. */
export const round3 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x)

/** Median and spread of samples (seconds); the samples are kept in run order. */
export function summarize(samples: number[]): Summary | undefined {
  const values = samples.filter(x => Number.isFinite(x))
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    median: round3(quantile(sorted, 0.5)),
    min: round3(sorted[0]),
    max: round3(sorted[sorted.length - 1]),
    q1: round3(quantile(sorted, 0.25)),
    q3: round3(quantile(sorted, 0.75)),
    mean: round3(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    samples: values.map(round3)
  }
}
