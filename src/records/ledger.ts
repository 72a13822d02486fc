/**
 * The host-wide record of the entries this action registered and which jobs use them. The kernel's
 * binfmt table is one per machine, shared by every runner service on it: a job's post step
 * removes an entry only when no other live job still holds it. A holder whose runner process is
 * gone, or who registered before the last boot, is stale and does not count (holder.ts).
 *
 * LedgerData holds the records and every operation on them; Ledger is the file they live in,
 * behind one lock file that serialises every reader and writer (a lock left by a dead process is broken).
 */
import { randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Entry, sameHandler, type Table } from '../kernel/binfmt.js'
import { type Holder, isLive, PERSIST_HOLDER, type ProcessInfo, procInfo, sameHolder } from './holder.js'

export interface Held {
  /** The entry as the action (or a package it installed) registered it. */
  entry: Entry
  /** What had that name before the first holder registered; absent when the name was free. */
  original?: Entry
  holders: Holder[]
  /** The /etc/binfmt.d file written for it with `persist`, so the entry comes back at boot. */
  persisted?: string
}

/** Letting go of an entry: others still hold it, or this was the last holder and `last` is what to undo. */
export type Release = { kept: true } | { kept: false; last?: Held }

export class LedgerData {
  constructor(readonly entries: Record<string, Held> = {}) {}

  get(name: string): Held | undefined {
    return this.entries[name]
  }

  /** Adds a holder to an entry's record, when the entry has one. */
  claim(name: string, holder: Holder): void {
    const held = this.entries[name]
    if (held && !held.holders.some(h => sameHolder(h, holder))) held.holders.push(holder)
  }

  /** Holds an entry something else put in the table while this job watched (a package's postinst). */
  track(entry: Entry, original: Entry | undefined, holder: Holder): void {
    this.entries[entry.name] ??= { entry, original, holders: [] }
    this.claim(entry.name, holder)
  }

  /**
   * Records the entry about to be registered under its name, keeping the holders already there.
   * A broken entry another job registered keeps its own original: that is what must come back.
   * Returns the record it replaces, for `putBack` when the registration is undone.
   */
  registering(entry: Entry, existing: Entry | undefined, holder: Holder): Held | undefined {
    const previous = this.entries[entry.name]
    const original = existing && previous ? previous.original : existing
    this.entries[entry.name] = { entry, original, holders: [...(previous?.holders ?? [])] }
    this.claim(entry.name, holder)
    return previous
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

  /** Drops records whose entry is no longer what the kernel has under that name. */
  forgetObsolete(table: Table): void {
    for (const [name, held] of Object.entries(this.entries)) {
      const current = table.get(name)
      if (!current || !sameHandler(current, held.entry)) delete this.entries[name]
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

export class LockTimeout extends Error {}

export class Ledger {
  constructor(
    readonly dir: string,
    private readonly info: ProcessInfo = procInfo,
    private readonly waitMs = 600_000
  ) {}

  private get file(): string {
    return join(this.dir, 'ledger.json')
  }

  private get lockFile(): string {
    return join(this.dir, 'lock')
  }

  /**
   * Runs `work` with the ledger locked and its stale holders pruned; `save` writes the records now
   * (after each change), and they are saved at the end.
   */
  async locked<T>(work: (data: LedgerData, save: () => Promise<void>) => Promise<T>): Promise<T> {
    await this.prepareDir()
    await this.acquire()
    try {
      const data = await this.read()
      const save = () => this.write(data)
      try {
        await data.prune(this.info)
        return await work(data, save)
      } finally {
        await save()
      }
    } finally {
      await unlink(this.lockFile).catch(() => undefined)
    }
  }

  private async prepareDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const info = await stat(this.dir)
    const uid = process.getuid?.() ?? 0
    if (info.uid !== uid || (info.mode & 0o022) !== 0) {
      throw new Error(`${this.dir} must belong to uid ${uid} and not be writable by others: the post step acts on what it records`)
    }
  }

  private async read(): Promise<LedgerData> {
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as { entries?: Record<string, Held> }
      return new LedgerData(data && typeof data.entries === 'object' && data.entries ? data.entries : {})
    } catch {
      return new LedgerData()
    }
  }

  private async write(data: LedgerData): Promise<void> {
    const next = `${this.file}.${process.pid}`
    await writeFile(next, JSON.stringify(data, null, 1))
    await rename(next, this.file) // whole or nothing, even when killed mid-write
  }

  private async acquire(): Promise<void> {
    const me = `${process.pid} ${(await this.info.startTime(process.pid)) ?? ''} ${await this.info.bootId()}`
    const deadline = Date.now() + this.waitMs
    for (;;) {
      try {
        const handle = await open(this.lockFile, 'wx', 0o600)
        await handle.writeFile(me)
        await handle.close()
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const owner = await readFile(this.lockFile, 'utf8').catch(() => '')
      if (owner && !(await this.ownerLives(owner))) await this.breakLock(owner)
      else if (Date.now() > deadline) {
        throw new LockTimeout(`another job has held ${this.lockFile} for over ${Math.round(this.waitMs / 1000)} s (process ${owner.split(' ')[0]})`)
      } else await new Promise(resolve => setTimeout(resolve, 25 + Math.random() * 50))
    }
  }

  private async ownerLives(owner: string): Promise<boolean> {
    const [pid, start, boot] = owner.split(' ')
    return isLive({ pid: Number(pid) || -1, start, boot, label: '' }, this.info)
  }

  /** Breaks a dead process's lock without ever removing a live one another waiter just took. */
  private async breakLock(owner: string): Promise<void> {
    const aside = `${this.lockFile}.stale.${randomBytes(6).toString('hex')}`
    try {
      await rename(this.lockFile, aside)
    } catch {
      return // someone else broke it first
    }
    if ((await readFile(aside, 'utf8').catch(() => owner)) !== owner) {
      await link(aside, this.lockFile).catch(() => undefined) // it was a fresh, live lock: put it back
    }
    await rm(aside, { force: true })
  }
}
