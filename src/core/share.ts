/**
 * Step 2 of setup, with the ledger locked: the working entries other jobs of this action
 * registered are held by this job too, so they stay until its post step. One that another job's
 * post step removed (or anything else changed) since step 1 needs a handler again.
 */
import { readTable, sameHandler } from '../kernel/binfmt.js'
import type { Platform } from '../kernel/platforms.js'
import type { Holder } from '../records/holder.js'
import type { Journal } from '../records/journal.js'
import type { LedgerData } from '../records/ledger.js'
import type { Assessment } from './assess.js'

/** What holding entries writes to: this run's journal, and the ledger's records while they are locked. */
export interface Holding {
  journal: Journal
  holder: Holder
  data: LedgerData
  save: () => Promise<void>
}

/** The working entries step 1 found, by platform. */
export function sharedEntries(assessment: Assessment): Map<Platform, string> {
  const shared = new Map<Platform, string>()
  for (const report of assessment.reports.values()) {
    if (report.status === 'existing' && report.entry) shared.set(report.platform, report.entry)
  }
  return shared
}

/** Holds what still works; returns every platform that needs a handler now (step 1's and the lost ones). */
export async function share(assessment: Assessment, holding: Holding, dir: string): Promise<Platform[]> {
  const { journal, holder, data, save } = holding
  const now = await readTable(dir)
  data.forgetObsolete(now)
  const lost: Platform[] = []
  for (const [platform, name] of sharedEntries(assessment)) {
    const entry = now.get(name)
    const found = assessment.before.get(name)
    if (!entry || !found || !sameHandler(entry, found)) {
      lost.push(platform)
      assessment.reports.delete(platform)
    } else if (data.get(name) && !data.holds(name, holder)) {
      // The action's own entry (another job's): hold it too. Anyone else's is never removed anyway.
      await journal.record({ kind: 'shared', name })
      data.claim(name, holder)
      await save()
    }
  }
  return [...assessment.needed, ...lost]
}
