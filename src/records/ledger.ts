/**
 * The host-wide record of the entries this action registered and which jobs use them. The kernel's
 * binfmt table is one per machine, shared by every runner service on it: a job's post step
 * removes an entry only when no other live job still holds it. A holder whose runner process is
 * gone, or who registered before the last boot, is stale and does not count.
 *
 * One lock file serialises every reader and writer; a lock left by a dead process is broken.
 */
import { randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Entry } from '../kernel/binfmt.js'

/** A job (or the command line, which never goes stale) holding an entry. */
export interface Holder {
  /** The runner's process for a job; 0 for a holder that never goes stale (command line, persist). */
  pid: number
  /** That process's start time (clock ticks after boot), so a reused pid is not taken for it. */
  start: string
  boot: string
  label: string
}

export interface Held {
  /** The entry as the action (or a package it installed) registered it. */
  entry: Entry
  /** What had that name before the first holder registered; absent when the name was free. */
  original?: Entry
  holders: Holder[]
  /** The /etc/binfmt.d file written for it with `persist`, so the entry comes back at boot. */
  persisted?: string
}

export interface LedgerData {
  entries: Record<string, Held>
}

export interface ProcessInfo {
  bootId(): Promise<string>
  /** The start time of a process, undefined when it does not exist. */
  startTime(pid: number): Promise<string | undefined>
}

export const procInfo: ProcessInfo = {
  async bootId() {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim()
  },
  async startTime(pid) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      // Field 22; the command name (field 2) may hold spaces and parentheses, so count from its end.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
    } catch {
      return undefined
    }
  }
}

/** Whether a holder still counts: a never-stale holder, or a live process of this boot. */
export async function isLive(holder: Holder, info: ProcessInfo = procInfo): Promise<boolean> {
  if (holder.pid === 0) return true
  if (holder.boot !== (await info.bootId())) return false
  return (await info.startTime(holder.pid)) === holder.start
}

/** `persist: true` holds an entry for good: only `setup-x86-on-arm uninstall` lets it go. */
export const PERSIST_HOLDER: Holder = { pid: 0, start: '', boot: '', label: 'persist' }

export function sameHolder(a: Holder, b: Holder): boolean {
  return a.pid === b.pid && a.start === b.start && a.boot === b.boot && a.label === b.label
}

/** The holder for a process (a job's runner is the parent of its main and post steps). */
export async function holderFor(pid: number, label: string, info: ProcessInfo = procInfo): Promise<Holder> {
  return { pid, start: (await info.startTime(pid)) ?? '', boot: await info.bootId(), label }
}

/**
 * Where the ledger lives: /var/lib for root (it outlives a reboot, like entries kept with persist;
 * holders from an earlier boot are stale), else a folder of the user's.
 */
export function defaultLedgerDir(): string {
  if (process.env.SETUP_X86_ON_ARM_LEDGER_DIR) return process.env.SETUP_X86_ON_ARM_LEDGER_DIR
  const uid = process.getuid?.() ?? 0
  return uid === 0 ? '/var/lib/setup-x86-on-arm' : join(process.env.XDG_RUNTIME_DIR || tmpdir(), `setup-x86-on-arm-${uid}`)
}

export class LockTimeout extends Error {}

export class Ledger {
  constructor(
    readonly dir = defaultLedgerDir(),
    private readonly info: ProcessInfo = procInfo,
    private readonly waitMs = 600_000
  ) {}

  private get file(): string {
    return join(this.dir, 'ledger.json')
  }

  private get lockFile(): string {
    return join(this.dir, 'lock')
  }

  /** Runs `work` with the ledger locked; `save` writes `data` now (after each change), and it is saved at the end. */
  async locked<T>(work: (data: LedgerData, save: () => Promise<void>) => Promise<T>): Promise<T> {
    await this.prepareDir()
    await this.acquire()
    try {
      const data = await this.read()
      const save = () => this.write(data)
      try {
        return await work(data, save)
      } finally {
        await save()
      }
    } finally {
      await unlink(this.lockFile).catch(() => undefined)
    }
  }

  /** Removes stale holders of every entry. */
  async prune(data: LedgerData): Promise<void> {
    for (const held of Object.values(data.entries)) {
      const live: Holder[] = []
      for (const holder of held.holders) if (await isLive(holder, this.info)) live.push(holder)
      held.holders = live
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
      const data = JSON.parse(await readFile(this.file, 'utf8')) as LedgerData
      return data && typeof data.entries === 'object' ? data : { entries: {} }
    } catch {
      return { entries: {} }
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
