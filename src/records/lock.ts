/**
 * The ledger's lock: a file created exclusively, holding its owner ("pid start-time boot-id"). A
 * lock whose owner is gone (dead, a reused pid, an earlier boot) is broken at once; one whose
 * owner cannot be read (its process died between creating the file and writing it) is broken
 * after a short grace; one older than the boot is stale whatever it says. Breaking renames the file
 * aside first and checks it is still the one judged, so a fresh lock another waiter just took is
 * never removed. The clock is injected, so tests wait no real time.
 */
import { randomBytes } from 'node:crypto'
import { lstat, link, open, readFile, rename, rm, unlink } from 'node:fs/promises'
import { unlinkSync } from 'node:fs'
import { isLive, type ProcessInfo } from './holder.js'

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
}

export class LockTimeout extends Error {}

/** The run is stopping (a signal): no lock is taken any more. */
export class LockRefused extends Error {}

export interface LockOptions {
  info: ProcessInfo
  /** How long to wait for a live owner before giving up. */
  waitMs: number
  /** How long a lock whose owner cannot be read counts as being written by a live process. */
  unreadableGraceMs: number
  clock: Clock
}

/** Which file a verdict was about: a lock replaced since has another inode or time. */
interface Identity {
  ino: number
  mtimeMs: number
}

type Verdict = { state: 'gone' } | { state: 'live'; owner: string } | { state: 'stale'; file: Identity }

export class LockFile {
  private mine?: string
  private refused?: string

  constructor(
    readonly path: string,
    private readonly options: LockOptions
  ) {}

  /** Whether this process holds the lock now. */
  get held(): boolean {
    return this.mine !== undefined
  }

  /** Takes no lock from now on (a signal); a wait in progress ends with LockRefused. */
  refuse(why: string): void {
    this.refused ??= why
  }

  async acquire(): Promise<void> {
    const { info, clock, waitMs } = this.options
    const me = `${process.pid} ${(await info.startTime(process.pid)) ?? ''} ${await info.bootId()}`
    const deadline = clock.now() + waitMs
    for (;;) {
      if (this.refused) throw new LockRefused(this.refused)
      if (await this.create(me)) return
      const verdict = await this.judge()
      if (verdict.state === 'stale') await this.breakStale(verdict.file)
      else if (verdict.state === 'live' && clock.now() > deadline) {
        const who = verdict.owner ? `process ${verdict.owner.split(' ')[0]}` : 'owner not written yet'
        throw new LockTimeout(`another job has held ${this.path} for over ${Math.round(waitMs / 1000)} s (${who})`)
      } else if (verdict.state === 'live') await clock.sleep(25 + Math.random() * 50)
    }
  }

  async release(): Promise<void> {
    if (!this.mine) return
    this.mine = undefined
    await unlink(this.path).catch(() => undefined)
  }

  /** Removes the lock at once, without waiting on anything: for a process about to exit on a signal. */
  releaseNow(): void {
    if (!this.mine) return
    this.mine = undefined
    try {
      unlinkSync(this.path)
    } catch {
      // gone already
    }
  }

  /** Creates the lock with this process as its owner; false when it exists. */
  private async create(me: string): Promise<boolean> {
    let handle
    try {
      handle = await open(this.path, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error
    }
    this.mine = me // from its creation: releaseNow removes it even before its owner is written
    try {
      await handle.writeFile(me)
      await handle.close()
    } catch (error) {
      // A lock whose owner was never written would make every other job wait out the grace.
      await handle.close().catch(() => undefined)
      await this.release()
      throw error
    }
    return true
  }

  private async judge(): Promise<Verdict> {
    const { info, clock, unreadableGraceMs } = this.options
    const found = await lstat(this.path).catch(() => undefined)
    if (!found) return { state: 'gone' }
    const file = { ino: found.ino, mtimeMs: found.mtimeMs }
    const owner = (await readFile(this.path, 'utf8').catch(() => '')).trim()
    const fields = /^(\d+) (\S*) (\S+)$/.exec(owner)
    if (!fields) {
      // Its process died before writing it, or is writing it right now: the grace tells them apart.
      // A readable owner's boot id says more than the file's time, which a clock set at boot can move.
      const bootTime = await info.bootTime?.()
      const beforeBoot = bootTime !== undefined && found.mtimeMs < bootTime
      return beforeBoot || clock.now() - found.mtimeMs > unreadableGraceMs ? { state: 'stale', file } : { state: 'live', owner: '' }
    }
    const alive = await isLive({ pid: Number(fields[1]), start: fields[2], boot: fields[3], label: '' }, info)
    return alive ? { state: 'live', owner } : { state: 'stale', file }
  }

  /** Breaks the lock judged stale, unless it was replaced since: then the new one is put back. */
  private async breakStale(judged: Identity): Promise<void> {
    const aside = `${this.path}.stale.${randomBytes(6).toString('hex')}`
    try {
      await rename(this.path, aside)
    } catch {
      return // someone else broke it first
    }
    const moved = await lstat(aside).catch(() => undefined)
    const replaced = moved && (moved.ino !== judged.ino || moved.mtimeMs !== judged.mtimeMs)
    if (replaced) await link(aside, this.path).catch(() => undefined) // a fresh lock: put it back
    await rm(aside, { recursive: true, force: true })
  }
}
