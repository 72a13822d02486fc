/**
 * Undoing a job's changes: remove what it added, re-register what it replaced exactly as it was,
 * unmount binfmt_misc when this job mounted it and the table is empty again. With the host's
 * ledger, an entry another live job still holds is kept, and the last holder restores what was
 * there before the first one. An entry someone else changed meanwhile is left alone, with a warning.
 */
import { BINFMT_DIR, type Entry, readTable, register, remove, sameHandler, unmount } from '../kernel/binfmt.js'
import type { Privileged } from '../kernel/privileged.js'
import type { Holder } from '../records/holder.js'
import type { Change } from '../records/journal.js'
import type { Held, Ledger, LedgerData } from '../records/ledger.js'

export interface RestoreReport {
  removed: string[]
  restored: string[]
  unmounted: boolean
  /** Entries left alone because they changed since this job touched them. */
  skipped: string[]
  /** Entries kept because other live jobs still hold them. */
  kept: string[]
}

export interface RestoreOptions {
  dir?: string
  /** With a ledger, the holder whose changes these are. */
  ledger?: Ledger
  holder?: Holder
  /** Holders to drop from every ledger entry (uninstall: the command line's and persist's). */
  releaseAll?: Holder[]
}

/** What to undo for one name: what we put there (if anything) and what was there before (if anything). */
interface Undo {
  name: string
  ours?: Entry
  original?: Entry
  /** An /etc/binfmt.d file to remove with it. */
  persisted?: string
}

function undoOf(change: Exclude<Change, { kind: 'mounted' }>): Undo | undefined {
  if (change.kind === 'added') return { name: change.entry.name, ours: change.entry }
  if (change.kind === 'replaced') return { name: change.original.name, ours: change.entry, original: change.original }
  return undefined // a shared entry: only its ledger record can say what to undo
}

/** The undo a ledger record asks for once its last holder is gone. */
function undoOfHeld(name: string, held: Held): Undo {
  return { name, ours: held.entry, original: held.original, persisted: held.persisted }
}

function nameOf(change: Exclude<Change, { kind: 'mounted' }>): string {
  return change.kind === 'shared' ? change.name : change.kind === 'added' ? change.entry.name : change.original.name
}

type Warn = (message: string) => void

async function undo(step: Undo, sys: Privileged, warn: Warn, dir: string, report: RestoreReport): Promise<void> {
  const current = (await readTable(dir)).get(step.name)
  if (current && step.original && sameHandler(current, step.original) && current.enabled === step.original.enabled) return // never replaced, or already back
  if (current && step.ours && !sameHandler(current, step.ours)) {
    warn(`binfmt entry ${step.name} changed since this job registered it; leaving it as it is`)
    report.skipped.push(step.name)
    return
  }
  if (current) {
    await remove(sys, step.name, dir)
    if (!step.original) report.removed.push(step.name)
  }
  if (step.original) {
    await register(sys, step.original, dir)
    report.restored.push(step.name)
  }
  if (step.persisted) await sys.run('rm', ['-f', step.persisted])
}

export async function restore(
  changes: readonly Change[],
  sys: Privileged,
  warn: Warn,
  options: RestoreOptions = {}
): Promise<RestoreReport> {
  const dir = options.dir ?? BINFMT_DIR
  const report: RestoreReport = { removed: [], restored: [], unmounted: false, skipped: [], kept: [] }
  if (changes.length === 0 && !options.releaseAll) return report

  const run = async (ledger?: LedgerData) => {
    if (ledger && options.releaseAll) ledger.releaseEverywhere(options.releaseAll)
    for (const change of [...changes].reverse()) {
      if (change.kind === 'mounted') {
        if ((await readTable(dir)).size === 0) {
          await unmount(sys, dir)
          report.unmounted = true
        }
        continue
      }
      const name = nameOf(change)
      let step = undoOf(change)
      if (ledger && options.holder && ledger.get(name)) {
        const released = ledger.release(name, options.holder)
        if (released.kept) {
          report.kept.push(name)
          continue
        }
        step = released.last && undoOfHeld(name, released.last)
      }
      if (step) await undo(step, sys, warn, dir, report)
    }
    // Entries whose every holder died without a post step: nobody else will ever undo them.
    for (const [name, held] of ledger?.takeAbandoned() ?? []) await undo(undoOfHeld(name, held), sys, warn, dir, report)
  }
  if (options.ledger) await options.ledger.locked(data => run(data))
  else await run()
  return report
}
