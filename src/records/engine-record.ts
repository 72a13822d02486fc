/**
 * The machine's record of container engines found unable to run any container, not even one of
 * the host's own platform (podman without the rights to set a container's limits, say). Finding
 * that costs every job a probe image load, two runs and removals; the record lets later jobs skip
 * the container check at once while nothing that decides it has changed: the same engine install
 * (its CLI's path, size and mtime, as the caller's stamp tells it), the same boot, under 24 h ago.
 *
 * One small JSON file per engine beside the host's ledger, in a folder only trusted users can
 * change (the project's one rule, kernel/root-files.ts). It is written whole (a new file renamed over it, so a link there is
 * replaced, never followed) and read without following a link; one that cannot be read, does not
 * parse or does not match is ignored, and replaced by the next finding.
 */
import { randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, open, rename, rm, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { readRegularText, trustedUids, untrustedProblem } from '../kernel/root-files.js'
import { procInfo } from './holder.js'

/** What tells one install of an engine from another without starting it (checks/engine.ts engineStamp). */
export type EngineStamp = Readonly<Record<string, string | number>>

export interface UnusableEngine {
  engine: string
  stamp: EngineStamp
  /** The kernel's boot id when it was found: a reboot may bring other rights or modules. */
  boot: string
  /** When it was found, ISO 8601. */
  checked: string
  /** Why, in one line. */
  reason: string
}

/** How long a record holds: an engine's configuration may change without an update or a reboot. */
export const RECORD_HOLDS_MS = 24 * 3600_000

const UNKNOWN_BOOT = 'unknown'

export function recordPath(dir: string, engine: string): string {
  if (!/^[a-z]+$/.test(engine)) throw new Error(`not an engine name: ${JSON.stringify(engine)}`)
  return join(dir, `unusable-engine-${engine}.json`)
}

/** Is `dir` a folder that only trusted users can change, it and every folder above it (kernel/root-files.ts)? */
async function ownFolder(dir: string): Promise<boolean> {
  return (await untrustedProblem(dir, 'folder', trustedUids())) === undefined
}

function sameStamp(a: EngineStamp, b: EngineStamp): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every(k => a[k] === b[k])
}

/** A record read back, checked field by field; undefined when it is not one. */
export function parseRecord(text: string): UnusableEngine | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const r = value as Partial<UnusableEngine> | null
  if (!r || typeof r !== 'object') return undefined
  const { engine, stamp, boot, checked, reason } = r
  if (typeof engine !== 'string' || typeof boot !== 'string' || typeof checked !== 'string' || typeof reason !== 'string') return undefined
  if (!stamp || typeof stamp !== 'object' || Array.isArray(stamp)) return undefined
  if (!Object.values(stamp).every(v => typeof v === 'string' || typeof v === 'number')) return undefined
  if (Number.isNaN(Date.parse(checked))) return undefined
  return { engine, stamp, boot, checked, reason }
}

/**
 * The record that `engine` could not run containers here, when it still holds: the same install
 * (`stamp`), the same boot and under 24 h old; undefined otherwise (or when there is none).
 */
export async function findUnusable(dir: string, engine: string, stamp: EngineStamp): Promise<UnusableEngine | undefined> {
  const text = await readRegularText(recordPath(dir, engine)).catch(() => undefined)
  const record = text === undefined ? undefined : parseRecord(text)
  if (!record || record.engine !== engine || !sameStamp(record.stamp, stamp)) return undefined
  const age = Date.now() - Date.parse(record.checked)
  if (age < 0 || age >= RECORD_HOLDS_MS) return undefined
  const boot = await procInfo.bootId()
  if (boot === UNKNOWN_BOOT || record.boot !== boot) return undefined
  return (await ownFolder(dir)) ? record : undefined
}

/** Records that `engine` (as `stamp` tells it) cannot run containers here, replacing any record of it. */
export async function recordUnusable(dir: string, engine: string, stamp: EngineStamp, reason: string): Promise<void> {
  const boot = await procInfo.bootId()
  // Without a boot id a reboot could not be told: a record would outlive what it says.
  if (boot === UNKNOWN_BOOT) return
  const file = recordPath(dir, engine)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const problem = await untrustedProblem(dir, 'folder', trustedUids())
  if (problem) throw new Error(`${dir} must belong to uid ${process.getuid?.() ?? 0} and not be writable by others (${problem})`)
  const checked = new Date(Date.now()).toISOString()
  const record: UnusableEngine = { engine, stamp, boot, checked, reason: reason.replace(/\s*\n\s*/g, '; ') }
  const next = `${file}.${randomUUID()}`
  const handle = await open(next, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
  try {
    try {
      await handle.writeFile(`${JSON.stringify(record, null, 1)}\n`)
    } finally {
      await handle.close()
    }
    await rename(next, file)
  } catch (error) {
    await rm(next, { force: true })
    throw error
  }
}

/** Drops the record of `engine` (it ran a container after all); nothing when there is none. */
export async function forgetUnusable(dir: string, engine: string): Promise<void> {
  const file = recordPath(dir, engine)
  if (!(await ownFolder(dir))) return
  await unlink(file).catch(error => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  })
}

/** What a job says in place of the check: the record, and what makes the engine checked again. */
export function unusableText(record: UnusableEngine): string {
  const checked = record.checked.replace(/\.\d+Z$/, 'Z')
  return (
    `${record.engine} could not run containers on this machine (checked ${checked}: ${record.reason}); ` +
    'it is checked again after a reboot, an engine update or 24 h'
  )
}
