/**
 * What this process creates, reads and runs, by one rule: the machine is shared, so nothing that a
 * user other than the trusted ones can change may steer it. Trusted: root, and the user this
 * process runs as (without root, its own files; as root under sudo, the admin who invoked it).
 * - Folders it works in are made fresh (mkdtemp, mode 0700) under a parent that only trusted users
 *   can change (a sticky folder such as /tmp counts: only an entry's owner may rename it).
 * - A file it reads, runs or hands to the kernel is a regular file that only trusted users can
 *   change, and so is every folder above it, as written and once links are resolved.
 * - Files a person names (an environment file) are opened without following links and without
 *   blocking on a FIFO. Node has no openat(2): a path is walked one folder at a time through
 *   /proc/self/fd, so a folder swapped for a link halfway is never followed, and a link is followed
 *   only where root made it (root's link in a folder only root can write).
 */
import { constants } from 'node:fs'
import { chmod, type FileHandle, lstat, mkdtemp, open, readlink, realpath } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'

const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants
const GROUP_OR_OTHER_WRITE = 0o022
const STICKY = 0o1000
/** Links followed before giving up, as the kernel's limit (ELOOP). */
const MAX_LINKS = 40

/** Root, this process's user, and (as root) the admin who ran it through sudo. */
export function trustedUids(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): number[] {
  const ids = new Set([0, uid])
  if (uid === 0 && /^[1-9]\d*$/.test(env.SUDO_UID ?? '')) ids.add(Number(env.SUDO_UID))
  return [...ids]
}

/** 'file': a regular file; 'folder': a folder no one else may write; 'parent': a folder, sticky and world-writable allowed. */
type Kind = 'file' | 'folder' | 'parent'

function ownersText(owners: readonly number[]): string {
  return owners.length === 1 ? 'root' : `root or uid ${owners.filter(id => id !== 0).join(' or uid ')}`
}

/** Why one path (not its folders) could be changed by an untrusted user; undefined when it cannot. */
async function entryProblem(path: string, kind: Kind, owners: readonly number[]): Promise<string | undefined> {
  let s
  try {
    s = await lstat(path)
  } catch (err) {
    return `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  if (!owners.includes(s.uid)) return `${path} is owned by uid ${s.uid}, not ${ownersText(owners)}`
  // A link's own mode means nothing; where it leads is checked through the resolved path.
  if (s.isSymbolicLink()) return undefined
  if (kind === 'file' && !s.isFile()) return `${path} is not a regular file`
  if (kind !== 'file' && !s.isDirectory()) return `${path} is not a folder`
  if (s.mode & GROUP_OR_OTHER_WRITE && !(kind === 'parent' && s.mode & STICKY)) {
    return `${path} is writable by ${s.mode & 0o002 ? 'every user' : 'its group'} (mode ${(s.mode & 0o7777).toString(8)})`
  }
  return undefined
}

/** The path and each folder above it, checked; the first problem found. */
async function chainProblem(
  path: string,
  kind: Kind,
  owners: readonly number[],
  seen: Map<string, string | undefined>
): Promise<string | undefined> {
  const own = await entryProblem(path, kind, owners)
  if (own) return own
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (!seen.has(dir)) seen.set(dir, await entryProblem(dir, 'parent', owners))
    const problem = seen.get(dir)
    if (problem) return problem
    if (dir === dirname(dir)) return undefined
  }
}

/**
 * Why a file or folder could be changed by a user not among `owners` (root alone by default):
 * undefined when it cannot. `seen` remembers folders already checked, so many files walk each once.
 */
export async function untrustedProblem(
  path: string,
  kind: Kind,
  owners: readonly number[] = [0],
  seen: Map<string, string | undefined> = new Map()
): Promise<string | undefined> {
  const absolute = resolve(path)
  const written = await chainProblem(absolute, kind, owners, seen)
  if (written) return written
  let real: string
  try {
    real = await realpath(absolute)
  } catch (err) {
    return `${absolute} cannot be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  return real === absolute ? undefined : chainProblem(real, kind, owners, seen)
}

/** Why a file or folder is not root's alone (the interpreter and sysroot stores); undefined when it is. */
export function rootOnlyProblem(
  path: string,
  kind: 'file' | 'directory',
  seen?: Map<string, string | undefined>
): Promise<string | undefined> {
  return untrustedProblem(path, kind === 'directory' ? 'folder' : 'file', [0], seen)
}

/**
 * A new folder for this run (mkdtemp: a name no one can guess, made only if it did not exist,
 * mode 0700) under the first of `parents` that only trusted users can change; `mode` widens it
 * where another of root's own users must enter (apt's _apt). Throws one line naming every parent
 * and why it was passed over.
 */
export async function freshFolder(parents: readonly string[], prefix: string, mode = 0o700, owners = trustedUids()): Promise<string> {
  const problems: string[] = []
  // A parent is never made here: making a path as root would follow whatever links are on it.
  for (const parent of [...new Set(parents.filter(Boolean).map(p => resolve(p)))]) {
    const problem = await untrustedProblem(parent, 'parent', owners)
    if (problem) {
      problems.push(problem)
      continue
    }
    const dir = await mkdtemp(join(parent, prefix))
    if (mode !== 0o700) await chmod(dir, mode)
    return dir
  }
  throw new Error(
    `no folder to work in that only ${ownersText(owners)} can change: ${problems.join('; ')}; ` +
      'point RUNNER_TEMP or TMPDIR at a folder of your own that others cannot write'
  )
}

const proc = (folder: FileHandle, name: string) => `/proc/self/fd/${folder.fd}/${name}`

/**
 * Opens a folder by walking its path one name at a time, never following a link that someone other
 * than root could have made. The caller closes the handle.
 */
export async function openFolder(path: string): Promise<FileHandle> {
  let folder = await open('/', O_RDONLY | O_DIRECTORY)
  const pending = resolve(path).split('/').filter(Boolean)
  let links = 0
  try {
    while (pending.length) {
      const name = pending.shift() as string
      if (name === '.') continue
      let next: FileHandle
      try {
        next = await open(proc(folder, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        const info = code === 'ELOOP' || code === 'ENOTDIR' ? await lstat(proc(folder, name)) : undefined
        if (!info?.isSymbolicLink()) throw error
        const here = await folder.stat()
        const rootMade = info.uid === 0 && here.uid === 0 && (!(here.mode & GROUP_OR_OTHER_WRITE) || here.mode & STICKY)
        if (!rootMade) {
          throw new Error(`${path}: ${name} is a link someone other than root may have made; give the path without links`, { cause: error })
        }
        if (++links > MAX_LINKS) throw new Error(`${path} goes through more than ${MAX_LINKS} links`, { cause: error })
        const target = await readlink(proc(folder, name))
        if (target.startsWith('/')) {
          await folder.close()
          folder = await open('/', O_RDONLY | O_DIRECTORY)
        }
        pending.unshift(...target.split('/').filter(Boolean))
        continue
      }
      await folder.close()
      folder = next
    }
    return folder
  } catch (error) {
    await folder.close()
    throw error
  }
}

/**
 * Rewrites a text file a person named (`update` gets its text, '' when it does not exist yet)
 * without following a link at any step. An existing file must be a regular file with one name,
 * owned by root or by the owner of its folder; a new one is made there (never through a link) and
 * given to the folder's owner, as if that user had made it (or, with create false, nothing happens).
 * Unchanged text writes nothing.
 */
export async function updateTextFile(path: string, update: (text: string) => string, create = true): Promise<void> {
  const folder = await openFolder(dirname(resolve(path))).catch(error => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    throw new Error(`the folder of ${path} does not exist`, { cause: error })
  })
  let file: FileHandle | undefined
  try {
    const at = proc(folder, basename(path))
    const owner = await folder.stat()
    try {
      file = await open(at, O_RDWR | O_NOFOLLOW | O_NONBLOCK)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ELOOP') throw new Error(`${path} is a link: give the file itself`, { cause: error })
      if (code !== 'ENOENT') throw error
      if (!create) return
      file = await open(at, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
      if (process.getuid?.() === 0) await file.chown(owner.uid, owner.gid)
    }
    const info = await file.stat()
    if (!info.isFile()) throw new Error(`${path} is not a regular file`)
    if (info.nlink > 1) throw new Error(`${path} has ${info.nlink} names (hard links): give a file of its own`)
    if (info.uid !== 0 && info.uid !== owner.uid) {
      throw new Error(`${path} is owned by uid ${info.uid}, neither root nor the owner of its folder (uid ${owner.uid})`)
    }
    const text = (await file.readFile()).toString('utf8')
    const next = update(text)
    if (next === text) return
    await file.truncate(0)
    await file.write(next, 0, 'utf8')
  } finally {
    await file?.close()
    await folder.close()
  }
}

/** A regular file's text, read without following a link or blocking on a FIFO; undefined when it does not exist. */
export async function readRegularText(path: string): Promise<string | undefined> {
  let file: FileHandle
  try {
    file = await open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    if (code === 'ELOOP') throw new Error(`${path} is a link: give the file itself`, { cause: error })
    throw error
  }
  try {
    if (!(await file.stat()).isFile()) throw new Error(`${path} is not a regular file`)
    return (await file.readFile()).toString('utf8')
  } finally {
    await file.close()
  }
}
