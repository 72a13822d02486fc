/**
 * Every change one setup makes to the kernel's table, each recorded before it is made: in the
 * job's journal (so its post step can undo it, even when main is killed half-way) and in the
 * host's ledger (so a job sharing the entry keeps it until the last one is done). Each is made with
 * the ledger locked: inside the section `locked` opens, or in a short one of its own. A package's
 * install (watch) runs unlocked, between two short sections: before it, the table and the ledger
 * are read; after it, what the package changed is told apart from what other jobs did meanwhile.
 */
import {
  diffTables,
  type Entry,
  isMounted,
  mount,
  readTable,
  register,
  registerLine,
  remove,
  sameHandler,
  type Table
} from '../kernel/binfmt.js'
import type { Privileged } from '../kernel/privileged.js'
import type { Holder } from '../records/holder.js'
import type { Change, Journal } from '../records/journal.js'
import type { Held, Ledger, LedgerData, Repair } from '../records/ledger.js'
import type { Log } from './context.js'
import { restore } from './restore.js'

/** A registration made, with what undoes it. */
export interface Registration {
  entry: Entry
  change: Change
  /** The ledger's record of the name before, put back when the registration is undone. */
  previous?: Held
}

/** Where the changes are recorded: this run's journal, the host's ledger, and who this run is in it. */
export interface Books {
  journal: Journal
  ledger: Ledger
  holder: Holder
}

/** The ledger's records while it is locked, and how to write them now. */
interface Section {
  data: LedgerData
  save: () => Promise<void>
}

export class Changes {
  private open?: Section

  constructor(
    private readonly sys: Privileged,
    private readonly books: Books,
    private readonly dir: string,
    private readonly log: Log
  ) {}

  private get repair(): Repair {
    return { binfmtDir: this.dir, warn: this.log.warning }
  }

  /** Runs `work` with the ledger locked: every change it makes is made in this one section. */
  async locked<T>(work: () => Promise<T>): Promise<T> {
    return this.books.ledger.locked(async (data, save) => {
      this.open = { data, save }
      try {
        return await work()
      } finally {
        this.open = undefined
      }
    }, this.repair)
  }

  /** The open section, or a short one of its own for a change made outside any. */
  private section<T>(work: (section: Section) => Promise<T>): Promise<T> {
    const open = this.open
    return open ? work(open) : this.locked(() => work(this.open!))
  }

  /** Mounts binfmt_misc, when it is not mounted yet. */
  async mount(): Promise<void> {
    await this.section(async () => {
      if (await isMounted(this.dir)) return
      await this.books.journal.record({ kind: 'mounted' })
      await mount(this.sys, this.dir)
      this.log.info(`mounted binfmt_misc on ${this.dir}`)
    })
  }

  /** Registers an entry, replacing what has its name (a broken entry: the caller proved it does not work). */
  async register(entry: Entry): Promise<Registration> {
    const { journal, holder } = this.books
    return this.section(async ({ data, save }) => {
      const existing = (await readTable(this.dir)).get(entry.name)
      const change: Change = existing ? { kind: 'replaced', original: existing, entry } : { kind: 'added', entry }
      // The journal first: once the run is stopping it refuses, and then nothing else is touched.
      await journal.record(change)
      const previous = data.registering(entry, existing, holder)
      await save()
      if (existing) {
        await remove(this.sys, entry.name, this.dir)
        this.log.info(`replacing ${entry.name} (interpreter ${existing.interpreter}, flags ${existing.flags || 'none'}): it did not work`)
      }
      await register(this.sys, entry, this.dir)
      return { entry, change, previous }
    })
  }

  /** Undoes a registration: the table, the journal and the ledger as they were before it. */
  async undo(registration: Registration): Promise<void> {
    await this.section(async ({ data, save }) => {
      await restore([registration.change], this.sys, this.log.warning, { dir: this.dir })
      await this.books.journal.update(registration.change, undefined)
      data.putBack(registration.entry.name, registration.previous)
      await save()
    })
  }

  /** Holds an entry of the action's that another job registered; false when the entry is not the action's. */
  async share(entry: Entry): Promise<boolean> {
    return this.section(async ({ data, save }) => {
      const held = data.get(entry.name)
      if (!held || held.removed || !sameHandler(held.entry, entry)) return false
      if (!data.holds(entry.name, this.books.holder)) {
        await this.books.journal.record({ kind: 'shared', name: entry.name })
        data.claim(entry.name, this.books.holder)
        await save()
      }
      return true
    })
  }

  /**
   * Runs a step that may change the table behind our back (a package's postinst) and records what
   * it did. The step runs unlocked (apt takes minutes); what other jobs of this action did to the
   * table meanwhile is theirs and left out: an entry another job registered, one another job's post
   * step removed.
   */
  async watch<T>(step: () => Promise<T>): Promise<T> {
    const before = await this.section(async ({ data }) => ({
      table: await readTable(this.dir),
      recorded: new Set(Object.keys(data.entries))
    }))
    try {
      return await step()
    } finally {
      await this.section(section => this.recordWatched(before.table, before.recorded, section))
    }
  }

  private async recordWatched(before: Table, recordedBefore: Set<string>, { data, save }: Section): Promise<void> {
    const { journal, holder } = this.books
    const diff = diffTables(before, await readTable(this.dir))
    // The ledger records this very entry: another job registered it meanwhile (or its package did).
    const recorded = (entry: Entry) => {
      const held = data.get(entry.name)
      return !!held && !held.removed && sameHandler(held.entry, entry)
    }
    // Left out: step 4 holds the one a platform of this run needs (Changes.share).
    const theirs = new Set([...diff.added, ...diff.changed.map(c => c.after)].filter(recorded).map(e => e.name))
    for (const entry of diff.added.filter(e => !theirs.has(e.name))) {
      await journal.record({ kind: 'added', entry })
      data.registering(entry, undefined, holder)
    }
    for (const { before: original, after } of diff.changed.filter(c => !theirs.has(c.after.name))) {
      await journal.record({ kind: 'replaced', original, entry: after })
      data.registering(after, original, holder)
    }
    for (const original of diff.removed) {
      // Recorded before the step and gone from the ledger since: another job's post step removed it.
      if (recordedBefore.has(original.name) && !data.get(original.name)) continue
      await journal.record({ kind: 'replaced', original })
      data.removing(original, holder)
    }
    await save()
  }

  /**
   * Writes the entry where systemd-binfmt registers it at boot, and holds it for good. (No restart
   * of systemd-binfmt: its start flushes the whole table, other jobs' entries included; the entry
   * is registered already.)
   */
  async persist(entry: Entry, bootDir: string): Promise<string> {
    return this.section(async ({ data, save }) => {
      const path = `${bootDir}/${entry.name}.conf`
      await this.sys.run('mkdir', ['-p', bootDir])
      const header = '# written by setup-x86-on-arm (persist: true); undo: setup-x86-on-arm uninstall'
      await this.sys.write(path, `${header}\n${registerLine(entry)}\n`)
      data.persisted(entry.name, path)
      await save()
      return path
    })
  }
}
