/**
 * Undoing a job's changes: remove what it added, re-register what it replaced exactly as it was,
 * unmount binfmt_misc when this job mounted it and the table is empty again. With the host's
 * ledger, an entry another live job still holds is kept, and the last holder restores what was
 * there before the first one. An entry someone else changed meanwhile is left alone, with a warning.
 *
 * The saved changes come from a file a job can write, so each is checked and applied on its own
 * (a damaged one is reported and skipped), and with a ledger only its records decide what is
 * removed or registered: a change counts only when the ledger says this job holds that entry.
 */
import { BINFMT_DIR, type Entry, isMounted, readTable, register, remove, sameHandler, unmount } from '../kernel/binfmt.js'
import { type Privileged, privileged } from '../kernel/privileged.js'
import { type Holder, holderProblem, neverStale, sameHolder } from '../records/holder.js'
import { type Change, changeProblem } from '../records/journal.js'
import type { Context } from './context.js'
import { type Held, Ledger, type LedgerData } from '../records/ledger.js'

/**
 * The part of a Context that undoing a job's changes needs: no scratch folder and no prober, so a
 * post step restores the table on a full disk too.
 */
export type RestoreContext = Pick<Context, 'ledger' | 'privileged' | 'binfmtDir'>

/** How the post step gets its RestoreContext for the host's ledger folder (restoreContext; a unit test's fakes). */
export type RestoreContextFactory = (ledgerDir: string) => Promise<RestoreContext>

export async function restoreContext(ledgerDir: string): Promise<RestoreContext> {
  return { ledger: new Ledger(ledgerDir), privileged, binfmtDir: BINFMT_DIR }
}

export interface RestoreReport {
  removed: string[]
  restored: string[]
  unmounted: boolean
  /** Entries left alone because they changed since this job touched them, or the ledger does not say this job made them. */
  skipped: string[]
  /** Entries kept because other live jobs still hold them. */
  kept: string[]
  /** Saved changes that are not changes this action records (a damaged or edited state), each with what is wrong. */
  invalid: string[]
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

type EntryChange = Exclude<Change, { kind: 'mounted' }>

function undoOf(change: EntryChange): Undo | undefined {
  if (change.kind === 'added') return { name: change.entry.name, ours: change.entry }
  if (change.kind === 'replaced') return { name: change.original.name, ours: change.entry, original: change.original }
  return undefined // a shared entry: only its ledger record can say what to undo
}

/** The undo a ledger record asks for once its last holder is gone. */
function undoOfHeld(name: string, held: Held): Undo {
  if (held.removed) return { name, original: held.entry }
  return { name, ours: held.entry, original: held.original, persisted: held.persisted }
}

function nameOf(change: EntryChange): string {
  return change.kind === 'shared' ? change.name : change.kind === 'added' ? change.entry.name : change.original.name
}

type Warn = (message: string) => void

/** Whether the table already shows what undoing would leave: nothing to do then. */
function settled(step: Undo, current: Entry | undefined): boolean {
  if (!step.original) return !current
  return !!current && sameHandler(current, step.original) && current.enabled === step.original.enabled
}

async function undo(step: Undo, sys: Privileged, warn: Warn, dir: string, report: RestoreReport): Promise<void> {
  const current = (await readTable(dir)).get(step.name)
  if (settled(step, current)) {
    if (step.persisted) await sys.run('rm', ['-f', step.persisted])
    return // never made, or already back
  }
  if (current && (!step.ours || !sameHandler(current, step.ours))) {
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

/** A job's holder, or one uninstall lets go of: anything else may not undo entries held in the ledger. */
function checkHolder(holder: Holder | undefined, releaseAll: readonly Holder[] = []): void {
  if (holder === undefined) return
  const problem = holderProblem(holder)
  if (problem) throw new Error(`holder is not valid: ${problem}`)
  if (neverStale(holder) && !releaseAll.some(h => sameHolder(h, holder))) {
    const why = "only setup-x86-on-arm uninstall lets go of what it holds, never a job's post step"
    throw new Error(`holder "${holder.label}" is not a job's: ${why}`)
  }
}

export async function restore(
  changes: readonly Change[],
  sys: Privileged,
  warn: Warn,
  options: RestoreOptions = {}
): Promise<RestoreReport> {
  const dir = options.dir ?? BINFMT_DIR
  const report: RestoreReport = { removed: [], restored: [], unmounted: false, skipped: [], kept: [], invalid: [] }
  if (changes.length === 0 && !options.releaseAll) return report
  const { holder, releaseAll } = options
  checkHolder(holder, releaseAll)

  const valid: Change[] = []
  for (const [at, change] of changes.entries()) {
    const problem = changeProblem(change)
    if (!problem) valid.push(change)
    else {
      const line = `saved change ${at + 1} of ${changes.length} skipped: ${problem}`
      warn(line)
      report.invalid.push(line)
    }
  }

  /** Undoes one change; with a ledger, only when its record says this job holds that entry. */
  const undoChange = async (change: EntryChange, ledger: LedgerData | undefined, heldBefore: Set<string>) => {
    if (!ledger) {
      const step = undoOf(change)
      if (step) await undo(step, sys, warn, dir, report)
      return
    }
    const name = nameOf(change)
    if (!holder || !heldBefore.has(name)) {
      // Others hold it (or a rebuilt ledger does, for them): whatever this job did, the entry stays.
      if (ledger.get(name)?.holders.length) return void report.kept.push(name)
      const step = undoOf(change)
      if (step && !settled(step, (await readTable(dir)).get(name))) {
        warn(`binfmt entry ${name}: the host's ledger does not say this job made that change; leaving it as it is`)
        report.skipped.push(name)
      }
      return
    }
    const released = ledger.release(name, holder)
    if (released.kept) report.kept.push(name)
    else if (released.last) await undo(undoOfHeld(name, released.last), sys, warn, dir, report)
  }

  const run = async (ledger?: LedgerData) => {
    // Which records list this job, before uninstall lets go of its holders everywhere.
    const heldBefore = new Set(holder && ledger ? Object.keys(ledger.entries).filter(name => ledger.holds(name, holder)) : [])
    if (ledger && releaseAll) ledger.releaseEverywhere(releaseAll)
    // With a ledger, a name's record covers every change this job made to it: the latest one undoes them all.
    const done = new Set<string>()
    for (const change of [...valid].reverse()) {
      if (change.kind === 'mounted') continue
      if (ledger && done.has(nameOf(change))) continue
      done.add(nameOf(change))
      await undoChange(change, ledger, heldBefore)
    }
    // Entries whose every holder died without a post step: nobody else will ever undo them.
    for (const [name, held] of ledger?.takeAbandoned() ?? []) await undo(undoOfHeld(name, held), sys, warn, dir, report)
    // Last, once every entry that goes is gone. (Not mounted: a main killed between recording the mount and making it.)
    if (valid.some(c => c.kind === 'mounted') && (await isMounted(dir)) && (await readTable(dir)).size === 0) {
      await unmount(sys, dir)
      report.unmounted = true
    }
  }
  if (options.ledger) await options.ledger.locked(data => run(data), { binfmtDir: dir, warn })
  else await run()
  return report
}
