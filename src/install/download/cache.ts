/**
 * The tool cache: verified interpreters kept so a machine downloads each version once, in the
 * layout of @actions/tool-cache (find, cacheDir), so entries either wrote are found by both:
 *
 *   <toolCache>/qemu-user-static/<version>/<hostArch>/qemu-<target>   (mode 0755)
 *   <toolCache>/qemu-user-static/<version>/<hostArch>/download.json   (per binary: url, sha256, member, version)
 *   <toolCache>/qemu-user-static/<version>/<hostArch>.complete        (empty; written last)
 *
 * An entry counts only with its .complete marker. A new entry is staged next to its final folder
 * and renamed into place; binaries added to an entry in use appear whole, each by rename. What is
 * found here is a download cache only: reuse.ts checks each binary's sha256 against one only root
 * wrote down before the interpreter store takes it in.
 *
 * Not tool-cache's own functions, because:
 * - every one of them logs through @actions/core's debug, which prints `::debug::` workflow
 *   commands on stdout: the command line's output (its --json too) would carry them;
 * - they take the folder from RUNNER_TOOL_CACHE only, and the command line keeps its own;
 * - cacheDir and cacheFile first delete the entry, then copy into it in place: adding a target
 *   would copy the entry again, and a failure (a full disk) would lose the entry there was and
 *   leave a folder without its marker, where ours leaves it as it was (cache-full.test.ts).
 */
import { randomUUID } from 'node:crypto'
import { chmod, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { QemuTarget } from '../../kernel/platforms.js'
import { servesFrom, type Plan } from './plan.js'

export const TOOL_NAME = 'qemu-user-static'
export const METADATA_FILE = 'download.json'

export interface CacheMetadata {
  id: string
  qemu?: string
  /** Per binary; sha256 is the asset's it came from. */
  binaries: Partial<Record<QemuTarget, { url: string; sha256: string; member: string; version?: string }>>
}

/** What a cache entry holds for a plan. */
export interface CacheState {
  /** The complete entry's folder; undefined when there is none. */
  dir?: string
  metadata?: CacheMetadata
  /** Targets whose cached binary is there and came from the asset the plan names. */
  present: QemuTarget[]
  missing: QemuTarget[]
}

/** A verified binary ready to be cached. */
export interface Verified {
  target: QemuTarget
  /** The extracted file, in the scratch folder. */
  path: string
  member: string
  url: string
  /** The asset's sha256 (what the download was verified against). */
  sha256: string
  /** The interpreter's own sha256 and size, as it was extracted. */
  binarySha256: string
  size: number
  version?: string
}

/** The folder of an entry (as @actions/tool-cache named it; our versions are already clean semver). */
export function entryDir(toolCache: string, version: string, hostArch: string): string {
  return join(toolCache, TOOL_NAME, version, hostArch)
}

const markerOf = (dir: string) => `${dir}.complete`

async function exists(path: string, kind: 'file' | 'directory'): Promise<boolean> {
  try {
    const s = await stat(path)
    return kind === 'file' ? s.isFile() : s.isDirectory()
  } catch {
    return false
  }
}

/** The folder of a complete entry, or undefined (no folder, or no .complete marker). */
export async function findEntry(toolCache: string, version: string, hostArch: string): Promise<string | undefined> {
  const dir = entryDir(toolCache, version, hostArch)
  return (await exists(dir, 'directory')) && (await exists(markerOf(dir), 'file')) ? dir : undefined
}

export async function readMetadata(dir: string): Promise<CacheMetadata | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, METADATA_FILE), 'utf8')) as CacheMetadata
    return parsed && typeof parsed === 'object' && parsed.binaries && typeof parsed.binaries === 'object' ? parsed : undefined
  } catch {
    return undefined
  }
}

async function isProgram(path: string): Promise<boolean> {
  try {
    const s = await stat(path)
    return s.isFile() && s.size > 0 && (s.mode & 0o111) !== 0
  } catch {
    return false
  }
}

/** Which of the targets a plan's entry already serves: present only when from the plan's asset (and a qemu-url's, from that URL). */
export async function cacheState(plan: Plan, targets: readonly QemuTarget[], hostArch: string, toolCache: string): Promise<CacheState> {
  const dir = await findEntry(toolCache, plan.cacheVersion, hostArch)
  if (!dir) return { present: [], missing: [...targets] }
  const metadata = await readMetadata(dir)
  const present: QemuTarget[] = []
  const missing: QemuTarget[] = []
  for (const target of targets) {
    const record = metadata?.binaries[target]
    const asset = plan.assets.get(target)
    const sameSource = !!asset && record?.sha256 === asset.sha256 && servesFrom(plan, asset, record.url)
    const ok = sameSource && (await isProgram(join(dir, `qemu-${target}`)))
    ;(ok ? present : missing).push(target)
  }
  return { dir, metadata, present, missing }
}

const temporaryName = (path: string) => `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`

/** Runs a step that writes `temp`; when it fails (a full disk), the half-written file goes with it. */
async function orRemove<T>(temp: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    await rm(temp, { recursive: true, force: true })
    throw err
  }
}

async function writeAtomically(path: string, data: string): Promise<void> {
  const temp = temporaryName(path)
  await orRemove(temp, async () => {
    await writeFile(temp, data, { mode: 0o644 })
    await rename(temp, path)
  })
}

/** Puts verified binaries in the plan's entry (a new one, or the one state found); returns its folder. */
export async function store(
  plan: Plan,
  state: CacheState,
  verified: readonly Verified[],
  hostArch: string,
  toolCache: string
): Promise<string> {
  const metadata: CacheMetadata = state.metadata ?? { id: plan.cacheVersion, qemu: plan.qemu, binaries: {} }
  for (const v of verified) metadata.binaries[v.target] = { url: v.url, sha256: v.sha256, member: v.member, version: v.version }
  const json = `${JSON.stringify(metadata, null, 2)}\n`
  if (state.dir) {
    await addToEntry(state.dir, verified, json)
    return state.dir
  }
  return createEntry(entryDir(toolCache, plan.cacheVersion, hostArch), verified, json)
}

/**
 * Adding to an entry others may be using: each binary appears whole, by rename, and download.json
 * (rewritten last) names only binaries that are there.
 */
async function addToEntry(dir: string, verified: readonly Verified[], json: string): Promise<void> {
  for (const v of verified) {
    const temp = temporaryName(join(dir, `.qemu-${v.target}`))
    await orRemove(temp, async () => {
      await copyFile(v.path, temp)
      await chmod(temp, 0o755)
      await rename(temp, join(dir, `qemu-${v.target}`))
    })
  }
  await writeAtomically(join(dir, METADATA_FILE), json)
}

/** A new entry, staged beside its folder (the same file system) and renamed in; the marker last. */
async function createEntry(dir: string, verified: readonly Verified[], json: string): Promise<string> {
  await mkdir(dirname(dir), { recursive: true })
  const stage = temporaryName(join(dirname(dir), `.stage-${TOOL_NAME}`))
  await mkdir(stage, { mode: 0o755 })
  try {
    for (const v of verified) {
      await copyFile(v.path, join(stage, `qemu-${v.target}`))
      await chmod(join(stage, `qemu-${v.target}`), 0o755)
    }
    await writeFile(join(stage, METADATA_FILE), json, { mode: 0o644 })
    // What an interrupted run left (a folder without its marker) is replaced, as tool-cache did.
    await rm(markerOf(dir), { force: true })
    await rm(dir, { recursive: true, force: true })
    await rename(stage, dir)
  } catch (err) {
    await rm(stage, { recursive: true, force: true })
    throw err
  }
  // Without its marker the folder is no entry; one that cannot be marked is not left behind. Made
  // new (wx: O_CREAT|O_EXCL), so a link put where it goes is never followed.
  await orRemove(dir, () => writeFile(markerOf(dir), '', { flag: 'wx' }))
  return dir
}
