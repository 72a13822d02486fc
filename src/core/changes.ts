/**
 * Every change one setup makes to the kernel's table, each recorded before it is made: in the
 * job's journal (so its post step can undo it, even when main is killed half-way) and in the
 * host's ledger (so a job sharing the entry keeps it until the last one is done). Made only while
 * the ledger is locked. (Holding an entry another job registered changes no table: share.ts.)
 */
import { diffTables, type Entry, isMounted, mount, readTable, register, registerLine, remove } from '../kernel/binfmt.js'
import type { Privileged } from '../kernel/privileged.js'
import type { Holder } from '../records/holder.js'
import type { Change, Journal } from '../records/journal.js'
import type { Held, LedgerData } from '../records/ledger.js'
import type { Log } from './context.js'
import { restore } from './restore.js'

/** A registration made, with what undoes it. */
export interface Registration {
  entry: Entry
  change: Change
  /** The ledger's record of the name before, put back when the registration is undone. */
  previous?: Held
}

export interface Books {
  journal: Journal
  /** The ledger's records, locked for this run, and how to write them now. */
  ledger: LedgerData
  save: () => Promise<void>
  holder: Holder
}

export class Changes {
  constructor(
    private readonly sys: Privileged,
    private readonly books: Books,
    private readonly dir: string,
    private readonly log: Log
  ) {}

  /** Mounts binfmt_misc, when it is not mounted yet. */
  async mount(): Promise<void> {
    if (await isMounted(this.dir)) return
    await this.books.journal.record({ kind: 'mounted' })
    await mount(this.sys, this.dir)
    this.log.info(`mounted binfmt_misc on ${this.dir}`)
  }

  /** Registers an entry, replacing what has its name (a broken entry: the caller proved it does not work). */
  async register(entry: Entry): Promise<Registration> {
    const { journal, ledger, save, holder } = this.books
    const existing = (await readTable(this.dir)).get(entry.name)
    const change: Change = existing ? { kind: 'replaced', original: existing, entry } : { kind: 'added', entry }
    const previous = ledger.registering(entry, existing, holder)
    await journal.record(change)
    await save()
    if (existing) {
      await remove(this.sys, entry.name, this.dir)
      this.log.info(`replacing ${entry.name} (interpreter ${existing.interpreter}, flags ${existing.flags || 'none'}): it did not work`)
    }
    await register(this.sys, entry, this.dir)
    return { entry, change, previous }
  }

  /** Undoes a registration: the table, the journal and the ledger as they were before it. */
  async undo(registration: Registration): Promise<void> {
    const { journal, ledger, save } = this.books
    await restore([registration.change], this.sys, this.log.warning, { dir: this.dir })
    await journal.update(registration.change, undefined)
    ledger.putBack(registration.entry.name, registration.previous)
    await save()
  }

  /** Runs a step that may change the table behind our back (a package's postinst) and records what it did. */
  async watch<T>(step: () => Promise<T>): Promise<T> {
    const { journal, ledger, save, holder } = this.books
    const before = await readTable(this.dir)
    try {
      return await step()
    } finally {
      const diff = diffTables(before, await readTable(this.dir))
      for (const entry of diff.added) {
        await journal.record({ kind: 'added', entry })
        ledger.track(entry, undefined, holder)
      }
      for (const { before: original, after } of diff.changed) {
        await journal.record({ kind: 'replaced', original, entry: after })
        ledger.track(after, original, holder)
      }
      for (const original of diff.removed) await journal.record({ kind: 'replaced', original })
      await save()
    }
  }

  /**
   * Writes the entry where systemd-binfmt registers it at boot, and holds it for good. (No restart
   * of systemd-binfmt: its start flushes the whole table, other jobs' entries included; the entry
   * is registered already.)
   */
  async persist(entry: Entry, bootDir: string): Promise<string> {
    const path = `${bootDir}/${entry.name}.conf`
    await this.sys.run('mkdir', ['-p', bootDir])
    await this.sys.write(path, `# written by setup-x86-on-arm (persist: true); undo: setup-x86-on-arm uninstall\n${registerLine(entry)}\n`)
    this.books.ledger.persisted(entry.name, path)
    await this.books.save()
    return path
  }
}
