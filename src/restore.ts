/**
 * Undoing a run's changes: remove what it added, re-register what it replaced exactly as it was,
 * unmount binfmt_misc when this run mounted it and the table is empty again. An entry changed by
 * someone else since is left alone, with a warning.
 */
import { BINFMT_DIR, type Entry, readTable, register, remove, sameHandler, unmount } from './binfmt.js'
import type { Change } from './journal.js'
import type { Privileged } from './privileged.js'

export interface RestoreReport {
  removed: string[]
  restored: string[]
  unmounted: boolean
  /** Entries left alone because they changed since this run touched them. */
  skipped: string[]
}

export async function restore(changes: readonly Change[], sys: Privileged, warn: (message: string) => void, dir = BINFMT_DIR): Promise<RestoreReport> {
  const report: RestoreReport = { removed: [], restored: [], unmounted: false, skipped: [] }
  if (changes.length === 0) return report
  for (const change of [...changes].reverse()) {
    if (change.kind === 'mounted') {
      if ((await readTable(dir)).size === 0) {
        await unmount(sys, dir)
        report.unmounted = true
      }
      continue
    }
    const ours: Entry | undefined = change.kind === 'added' ? change.entry : change.entry
    const name = change.kind === 'added' ? change.entry.name : change.original.name
    const current = (await readTable(dir)).get(name)
    if (current && ours && !sameHandler(current, ours)) {
      warn(`binfmt entry ${name} changed since this job registered it; leaving it as it is`)
      report.skipped.push(name)
      continue
    }
    if (current) {
      await remove(sys, name, dir)
      if (change.kind === 'added') report.removed.push(name)
    }
    if (change.kind === 'replaced') {
      await register(sys, change.original, dir)
      report.restored.push(name)
    }
  }
  return report
}
