/**
 * Is a path something only root can change? The file, and every folder above it up to /, must be
 * owned by root and writable by no group or other user, as it is written and once its links are
 * resolved: otherwise someone else could swap what the kernel is told to run. A folder with the
 * sticky bit (/tmp) may be writable by all: its entries can only be renamed or removed by their
 * owners, and each entry below it is checked in turn.
 */
import { lstat, realpath } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

const GROUP_OR_OTHER_WRITE = 0o022
const STICKY = 0o1000

/** Why one path (not its folders) could be changed by someone other than root; undefined when it cannot. */
async function entryProblem(path: string, kind: 'file' | 'directory' | 'any'): Promise<string | undefined> {
  let s
  try {
    s = await lstat(path)
  } catch (err) {
    return `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  if (s.uid !== 0) return `${path} is owned by uid ${s.uid}, not root`
  // A link's own mode means nothing; where it leads is checked through the resolved path.
  if (s.isSymbolicLink()) return undefined
  if (kind === 'file' && !s.isFile()) return `${path} is not a regular file`
  if (kind === 'directory' && !s.isDirectory()) return `${path} is not a folder`
  if (s.mode & GROUP_OR_OTHER_WRITE && !(s.isDirectory() && s.mode & STICKY && kind === 'any')) {
    return `${path} is writable by ${s.mode & 0o002 ? 'every user' : 'its group'} (mode ${(s.mode & 0o7777).toString(8)})`
  }
  return undefined
}

/** The path and each folder above it, checked; the first problem found. */
async function chainProblem(path: string, kind: 'file' | 'directory', seen: Map<string, string | undefined>): Promise<string | undefined> {
  const own = await entryProblem(path, kind)
  if (own) return own
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (!seen.has(dir)) seen.set(dir, await entryProblem(dir, 'any'))
    const problem = seen.get(dir)
    if (problem) return problem
    if (dir === dirname(dir)) return undefined
  }
}

/**
 * Why a file or folder could be changed by a user other than root: undefined when only root can.
 * `seen` remembers the folders already checked, so a run that checks many files walks each once.
 */
export async function rootOnlyProblem(
  path: string,
  kind: 'file' | 'directory',
  seen: Map<string, string | undefined> = new Map()
): Promise<string | undefined> {
  const absolute = resolve(path)
  const written = await chainProblem(absolute, kind, seen)
  if (written) return written
  let real: string
  try {
    real = await realpath(absolute)
  } catch (err) {
    return `${absolute} cannot be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  return real === absolute ? undefined : chainProblem(real, kind, seen)
}
