/**
 * The sysroot cache in the tool cache. A sysroot's folder is named by what is in it: the
 * distribution and release, the architectures and the sorted list of resolved
 * package:arch=version, so a second job reuses it and a security update makes a new one.
 * A folder appears whole or not at all: it is built in a temporary sibling and renamed into
 * place. A request record (the asked-for names and the sources they came from -> the sysroot
 * they resolved to, and when) lets a warm run skip apt altogether while the record is recent.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dropScratch, holdScratch } from '../../kernel/scratch.js'
import { packageId, type ResolvedPackage } from './apt-words.js'
import type { Distribution } from './distribution.js'

/** The cache's folder under the tool cache. */
export const SYSROOT_CACHE_FOLDER = 'setup-x86-on-arm-sysroot'
/** Raised when the way a sysroot is made changes, so older trees are not taken for new ones (2: sanitized). */
const LAYOUT = 2
const TEMP_PREFIX = '.tmp-'
/** A temporary folder this old belongs to a run that died; removing it frees the space. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16)
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9.+-]/g, '_')
}

/** The folder name of a sysroot holding exactly these packages. */
export function sysrootKey(distribution: Distribution, arches: readonly string[], packages: readonly ResolvedPackage[]): string {
  const sortedArches = [...new Set(arches)].sort()
  const ids = [...new Set(packages.map(packageId))].sort()
  const hash = digest({ layout: LAYOUT, id: distribution.id, release: distribution.release, arches: sortedArches, packages: ids })
  return safe(`${distribution.id}-${distribution.release}-${sortedArches.join('+')}-${hash}`)
}

/** The key of a request: the same names from the same archive for the same architectures. */
export function requestKey(distribution: Distribution, arches: readonly string[], names: readonly string[], sources: string): string {
  const { id, release } = distribution
  return digest({ layout: LAYOUT, id, release, arches: [...new Set(arches)].sort(), names: [...new Set(names)].sort(), sources })
}

export interface RequestRecord {
  sysroot: string
  packages: string[]
  /** When apt last resolved the request (ms since the epoch). */
  resolvedAt: number
}

function recordPath(cacheDir: string, request: string): string {
  return join(cacheDir, 'requests', `${request}.json`)
}

export async function readRecord(cacheDir: string, request: string): Promise<RequestRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(recordPath(cacheDir, request), 'utf8')) as RequestRecord
    const whole = typeof record.sysroot === 'string' && Array.isArray(record.packages) && typeof record.resolvedAt === 'number'
    return whole ? record : undefined
  } catch {
    return undefined
  }
}

/** Writes the record whole (temporary file, then rename), so a reader never sees half of one. */
export async function writeRecord(cacheDir: string, request: string, record: RequestRecord): Promise<void> {
  const path = recordPath(cacheDir, request)
  await mkdir(join(cacheDir, 'requests'), { recursive: true })
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temporary, JSON.stringify(record) + '\n')
  await rename(temporary, path)
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/**
 * The sysroot folder for key: the one already there, or one build() makes in a temporary
 * sibling (root, with scratch space beside it), renamed into place when it is complete. When
 * build() throws, or another job finishes the same folder first, nothing of this run stays.
 */
export async function publishSysroot(
  cacheDir: string,
  key: string,
  build: (root: string, scratch: string) => Promise<void>
): Promise<{ path: string; made: boolean }> {
  const path = join(cacheDir, key)
  if (await exists(path)) return { path, made: false }
  await mkdir(cacheDir, { recursive: true })
  const work = await mkdtemp(join(cacheDir, `${TEMP_PREFIX}${key}-`))
  // A signal's way out removes it too (faces/signals.ts).
  holdScratch(work)
  try {
    const scratch = join(work, 'unpacked')
    await mkdir(scratch)
    await build(join(work, 'root'), scratch)
    try {
      await rename(join(work, 'root'), path)
      return { path, made: true }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(path))) return { path, made: false }
      throw error
    }
  } finally {
    await rm(work, { recursive: true, force: true })
    dropScratch(work)
  }
}

/** Removes temporary folders runs that died left behind (a live run's are younger). */
export async function removeAbandoned(cacheDir: string, now = Date.now()): Promise<void> {
  let names: string[]
  try {
    names = await readdir(cacheDir)
  } catch {
    return
  }
  for (const name of names.filter(n => n.startsWith(TEMP_PREFIX))) {
    const path = join(cacheDir, name)
    try {
      if (now - (await stat(path)).mtimeMs > ABANDONED_AFTER_MS) await rm(path, { recursive: true, force: true })
    } catch {
      // another run removed it first
    }
  }
}

/** Takes a sysroot out of the cache: renamed aside first, so no one finds it half removed. */
export async function discardSysroot(cacheDir: string, key: string): Promise<void> {
  const aside = join(cacheDir, `${TEMP_PREFIX}discarded-${key}-${process.pid}-${Date.now()}`)
  try {
    await rename(join(cacheDir, key), aside)
  } catch {
    return
  }
  await rm(aside, { recursive: true, force: true })
}
