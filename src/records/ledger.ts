/**
 * The host-wide record of the entries this action registered and which jobs use them. The kernel's
 * binfmt table is one per machine, shared by every runner service on it: a job's post step
 * removes an entry only when no other live job still holds it. A holder whose runner process is
 * gone, or who registered before the last boot, is stale and does not count (holder.ts).
 *
 * LedgerData holds the records and every operation on them; Ledger is the file they live in,
 * behind one lock file (lock.ts) held only while the records and the kernel's table are read and
 * written, never across a download or apt. A file that cannot be trusted is set aside, reported,
 * and written back sound from what the kernel's table shows (ledger-salvage.ts).
 */
import { constants } from 'node:fs'
import { lstat, mkdir, open, readFile, rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Entry, readTable, sameHandler, type Table } from '../kernel/binfmt.js'
import { trustedUids, untrustedProblem } from '../kernel/root-files.js'
import { type Holder, isLive, PERSIST_HOLDER, type ProcessInfo, procInfo, sameHolder } from './holder.js'
import { type Held, rebuild, salvage } from './ledger-salvage.js'
import { type Clock, LockFile, realClock } from './lock.js'

export type { Held } from './ledger-salvage.js'
export { LockRefused, LockTimeout, type Clock } from './lock.js'

/** Letting go of an entry: others still hold it, or this was the last holder and `last` is what to undo. */
export type Release = { kept: true } | { kept: false; last?: Held }

export class LedgerData {
  constructor(readonly entries: Record<string, Held> = {}) {}

  get(name: string): Held | undefined {
    return this.entries[name]
  }

  /** Whether the record of an entry lists this holder: only then may its post step undo the entry. */
  holds(name: string, holder: Holder): boolean {
    return this.entries[name]?.holders.some(h => sameHolder(h, holder)) ?? false
  }

  /** Adds a holder to an entry's record, when the entry has one. */
  claim(name: string, holder: Holder): void {
    const held = this.entries[name]
    if (held && !held.holders.some(h => sameHolder(h, holder))) held.holders.push(holder)
  }

  /**
   * Records the entry about to be registered under its name (or that a package registered there),
   * keeping the holders already there. A broken entry another job registered keeps its own original:
   * that is what must come back. Returns the record it replaces, for `putBack` when it is undone.
   */
  registering(entry: Entry, existing: Entry | undefined, holder: Holder): Held | undefined {
    const previous = this.entries[entry.name]
    const original = existing && previous ? previous.original : existing
    this.entries[entry.name] = { entry, original, holders: [...(previous?.holders ?? [])] }
    this.claim(entry.name, holder)
    return previous
  }

  /** Records that a package this job installed removed an entry; a record the name has already is held instead. */
  removing(entry: Entry, holder: Holder): void {
    this.entries[entry.name] ??= { entry, holders: [], removed: true }
    this.claim(entry.name, holder)
  }

  /** Undoes `registering`: the record as it was before (none when there was none). */
  putBack(name: string, previous: Held | undefined): void {
    if (previous) this.entries[name] = previous
    else delete this.entries[name]
  }

  /** Notes the /etc/binfmt.d file written for an entry, which then holds it for good. */
  persisted(name: string, path: string): void {
    const held = this.entries[name]
    if (!held) return
    held.persisted = path
    this.claim(name, PERSIST_HOLDER)
  }

  /** Drops records the kernel's table no longer bears out: the entry is gone or changed (a removal: the name is taken again). */
  forgetObsolete(table: Table): void {
    for (const [name, held] of Object.entries(this.entries)) {
      const current = table.get(name)
      const obsolete = held.removed ? !!current : !current || !sameHandler(current, held.entry)
      if (obsolete) delete this.entries[name]
    }
  }

  /** Lets go of an entry for one holder; the record is dropped with its last holder. */
  release(name: string, holder: Holder): Release {
    const held = this.entries[name]
    if (!held) return { kept: false }
    held.holders = held.holders.filter(h => !sameHolder(h, holder))
    if (held.holders.length > 0) return { kept: true }
    delete this.entries[name]
    return { kept: false, last: held }
  }

  /** Drops these holders from every record (uninstall: the command line's and persist's). */
  releaseEverywhere(holders: readonly Holder[]): void {
    for (const held of Object.values(this.entries)) held.holders = held.holders.filter(h => !holders.some(r => sameHolder(r, h)))
  }

  /** Removes and returns the records nobody holds: their jobs died without a post step. */
  takeAbandoned(): [name: string, held: Held][] {
    const abandoned = Object.entries(this.entries).filter(([, held]) => held.holders.length === 0)
    for (const [name] of abandoned) delete this.entries[name]
    return abandoned
  }

  /** Removes stale holders of every entry. */
  async prune(info: ProcessInfo): Promise<void> {
    for (const held of Object.values(this.entries)) {
      const live: Holder[] = []
      for (const holder of held.holders) if (await isLive(holder, info)) live.push(holder)
      held.holders = live
    }
  }

  toJSON(): { entries: Record<string, Held> } {
    return { entries: this.entries }
  }
}

/**
 * Where the ledger lives: /var/lib for root (it outlives a reboot, like entries kept with persist;
 * holders from an earlier boot are stale), else a folder of the user's. `env` is the caller's:
 * this layer reads no environment itself.
 */
export function ledgerDirFor(uid: number, env: { SETUP_X86_ON_ARM_LEDGER_DIR?: string; XDG_RUNTIME_DIR?: string } = {}): string {
  if (env.SETUP_X86_ON_ARM_LEDGER_DIR) return env.SETUP_X86_ON_ARM_LEDGER_DIR
  return uid === 0 ? '/var/lib/setup-x86-on-arm' : join(env.XDG_RUNTIME_DIR || tmpdir(), `setup-x86-on-arm-${uid}`)
}

export interface LedgerOptions {
  info?: ProcessInfo
  /** How long to wait for another job's lock (held only while it reads and writes; never across a download). */
  waitMs?: number
  /** How long a lock whose owner cannot be read is taken for one being written. */
  unreadableGraceMs?: number
  clock?: Clock
}

/** What a locked section needs to mend a damaged ledger: the kernel's table it is rebuilt from, and where to say so. */
export interface Repair {
  binfmtDir: string
  warn: (message: string) => void
}

export class Ledger {
  private readonly info: ProcessInfo
  private readonly clock: Clock
  private readonly lock: LockFile
  private running = 0
  private waiting: (() => void)[] = []

  constructor(
    readonly dir: string,
    options: LedgerOptions = {}
  ) {
    this.info = options.info ?? procInfo
    this.clock = options.clock ?? realClock
    this.lock = new LockFile(join(dir, 'lock'), {
      info: this.info,
      clock: this.clock,
      waitMs: options.waitMs ?? 600_000,
      unreadableGraceMs: options.unreadableGraceMs ?? 10_000
    })
  }

  private get file(): string {
    return join(this.dir, 'ledger.json')
  }

  /**
   * Runs `work` with the ledger locked and its stale holders pruned; `save` writes the records now
   * (after each change), and they are saved at the end. Keep `work` to reading and writing the
   * records and the kernel's table: every other job's main and post step waits for it.
   */
  async locked<T>(work: (data: LedgerData, save: () => Promise<void>) => Promise<T>, repair: Repair): Promise<T> {
    this.running++
    try {
      await this.prepareDir()
      await this.lock.acquire()
      try {
        const data = await this.read(repair)
        const save = () => this.write(data)
        try {
          await data.prune(this.info)
          return await work(data, save)
        } finally {
          await save()
        }
      } finally {
        await this.lock.release()
      }
    } finally {
      if (--this.running === 0) for (const wake of this.waiting.splice(0)) wake()
    }
  }

  /** Resolves once no locked section of this ledger runs (a signal handler waits for the one in progress). */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise(resolve => this.waiting.push(resolve))
  }

  /** Takes the lock no more (a signal): a section running goes on to its end, a wait for the lock ends. */
  stop(why: string): void {
    this.lock.refuse(why)
  }

  /** Removes the lock file at once when this process holds it: for a process exiting on a signal. */
  releaseNow(): void {
    this.lock.releaseNow()
  }

  /** The ledger's folder, made if missing, and checked by the project's one rule (kernel/root-files.ts): it and every folder above it. */
  private async prepareDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const problem = await untrustedProblem(this.dir, 'folder', trustedUids())
    if (problem) {
      const uid = process.getuid?.() ?? 0
      throw new Error(
        `${this.dir} must belong to uid ${uid} and not be writable by others: the post step acts on what it records (${problem})`
      )
    }
  }

  /** The records, checked; a damaged file is set aside and its sound parts kept, with the kernel's table held. */
  private async read(repair: Repair): Promise<LedgerData> {
    const found = await this.readFile()
    if (found === undefined) return new LedgerData()
    const { entries, problems } = 'unreadable' in found ? { entries: {}, problems: [found.unreadable] } : salvage(found.value)
    if (problems.length === 0) return new LedgerData(entries)
    const aside = `${this.file}.damaged-${new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-')}`
    await rename(this.file, aside)
    const table = await readTable(repair.binfmtDir)
    repair.warn(
      `the host's ledger ${this.file} could not be trusted (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; ...' : ''}); ` +
        `it was moved to ${aside} and written again from the kernel's binfmt table, and none of the ${table.size} entries there ` +
        'will be removed by a post step, as other jobs may still hold them. Nothing to do for this job; if it happens again, find what ' +
        `else writes to ${this.dir}. Remove unneeded entries by hand (echo -1 > ${repair.binfmtDir}/NAME) when no job runs, or reboot.`
    )
    return new LedgerData(rebuild(entries, table))
  }

  /** The parsed file; undefined when there is none yet; why not when it cannot be read as JSON. */
  private async readFile(): Promise<{ value: unknown } | { unreadable: string } | undefined> {
    let text: string
    try {
      const found = await lstat(this.file)
      if (found.isSymbolicLink()) return { unreadable: 'it is a symbolic link, not a file' }
      if (!found.isFile()) return { unreadable: 'it is not a regular file' }
      text = await readFile(this.file, { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      return { unreadable: `it cannot be read: ${(error as Error).message}` }
    }
    try {
      return { value: JSON.parse(text) }
    } catch (error) {
      return { unreadable: `it is not JSON: ${(error as Error).message}` }
    }
  }

  private async write(data: LedgerData): Promise<void> {
    const next = `${this.file}.${process.pid}`
    const handle = await open(next, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600)
    try {
      await handle.writeFile(JSON.stringify(data, null, 1))
    } finally {
      await handle.close()
    }
    await rename(next, this.file) // whole or nothing, even when killed mid-write
  }
}
