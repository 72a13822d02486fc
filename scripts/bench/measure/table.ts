/**
 * The kernel's binfmt_misc table around each measured phase, through the action's own kernel
 * interface (src/kernel/binfmt.ts, platforms.ts): a phase runs holding the host-wide lock; a
 * qemu-aarch64 entry someone else left is set aside for it and registered again exactly as it
 * was; every entry the phase left behind is removed.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BINFMT_DIR, readTable, register, remove } from '../../../src/kernel/binfmt.js'
import { entryFor, platformOf } from '../../../src/kernel/platforms.js'
import { asRoot } from '../../../src/kernel/privileged.js'
import { say, takeLock } from './processes.js'

const AARCH64 = platformOf('aarch64')

/** The entry every scenario needs free: the action's own name for the arm64 handler. */
export const ENTRY = entryFor(AARCH64, '', '').name

export async function tableNames(): Promise<string[]> {
  return [...(await readTable()).keys()].sort()
}

/** Cheap enough to sit inside a timed phase: one stat. */
export function isRegistered(name: string): boolean {
  return existsSync(join(BINFMT_DIR, name))
}

/** Registers the arm64 handler as a user would have before the job: QEMU's magic and mask, flag F. */
export async function registerAarch64(interpreter: string): Promise<void> {
  await register(asRoot, entryFor(AARCH64, interpreter, 'F'))
}

export async function removeEntry(name: string): Promise<void> {
  if (isRegistered(name)) await remove(asRoot, name)
}

/**
 * Removes entries that appeared since the snapshot, taken holding the lock: the phase made them
 * (binfmt-support registers every format in /usr/share/binfmts, jar and python3.11 included, and
 * purging it leaves them all registered).
 */
export async function restoreTable(snapshot: string[], why: string): Promise<string[]> {
  const extra = (await tableNames()).filter(n => !snapshot.includes(n))
  for (const name of extra) await remove(asRoot, name)
  if (extra.length) say(`removed ${extra.length} binfmt entr${extra.length === 1 ? 'y' : 'ies'} left by ${why}: ${extra.join(' ')}`)
  return extra
}

/**
 * Holds the binfmt lock for a phase. A qemu-aarch64 entry found at the start (left by someone
 * else) is set aside for the phase, since every scenario needs the name free, and registered
 * again exactly as it was at the end; entries the phase left are removed.
 */
export async function lockedPhase<T>(why: string, work: (snapshot: string[]) => Promise<T>): Promise<T> {
  const release = await takeLock()
  const aside = (await readTable()).get(ENTRY)
  try {
    if (aside) {
      const what = `interpreter ${aside.interpreter}, flags ${aside.flags || 'none'}`
      say(`${ENTRY} is registered already (${what}): set aside for ${why}, registered again after`)
      await remove(asRoot, ENTRY)
    }
    const snapshot = await tableNames()
    try {
      return await work(snapshot)
    } finally {
      await restoreTable(snapshot, why)
    }
  } finally {
    try {
      if (aside && !isRegistered(ENTRY)) await register(asRoot, aside)
    } finally {
      await release()
    }
  }
}
