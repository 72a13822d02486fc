/**
 * A file-system error while writing a cache, said so that the fix is plain: which folder, what
 * chose it (RUNNER_TOOL_CACHE, the command line's cache folder), and what ran out or was refused.
 */

const MEANINGS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EIO: 'an input/output error'
}

/**
 * One line for an error of writing under a folder: what went wrong, the folder and its label;
 * undefined when the error is not a file-system one (the caller rethrows it).
 */
export function fileSystemProblem(err: unknown, folder: string, label: string): string | undefined {
  const code = (err as NodeJS.ErrnoException)?.code
  if (!code || !/^E[A-Z]+$/.test(code)) return undefined
  const meaning = MEANINGS[code] ?? (err as Error).message
  const fix =
    code === 'ENOSPC' || code === 'EDQUOT' ? 'free space there or choose another folder' : 'make it writable or choose another folder'
  return `${meaning} (${code}) writing to ${folder}, which is ${label}: ${fix}`
}
