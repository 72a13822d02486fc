/**
 * The kernel's binfmt_misc interface: parse entries, build register lines, read the table.
 * Pure functions first; the few that touch /proc take a Privileged writer for the writes.
 */
import { readdir, readFile } from 'node:fs/promises'
import { SYSTEM_PATH, systemProgram } from './find-on-path.js'
import type { Privileged } from './privileged.js'

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc'

/** The longest interpreter path the kernel takes in a register line. */
export const MAX_INTERPRETER_PATH = 127

export interface Entry {
  name: string
  enabled: boolean
  interpreter: string
  /** Flag letters as the kernel lists them (e.g. "F", "POCF"). */
  flags: string
  /** 'M' matches magic bytes at an offset, 'E' a file name extension. */
  type: 'M' | 'E'
  offset: number
  /** Hex (lower case) of the magic bytes, or the extension for type E. */
  magic: string
  mask: string
}

export type Table = Map<string, Entry>

/** Parses the text of /proc/sys/fs/binfmt_misc/<name>. */
export function parseEntry(name: string, text: string): Entry {
  const entry: Entry = { name, enabled: false, interpreter: '', flags: '', type: 'M', offset: 0, magic: '', mask: '' }
  for (const line of text.split('\n')) {
    const [key, ...rest] = line.trim().split(' ')
    const value = rest.join(' ')
    if (key === 'enabled') entry.enabled = true
    else if (key === 'disabled') entry.enabled = false
    else if (key === 'interpreter') entry.interpreter = value
    else if (key === 'flags:') entry.flags = value
    else if (key === 'offset') entry.offset = Number(value)
    else if (key === 'magic') entry.magic = value.toLowerCase()
    else if (key === 'mask') entry.mask = value.toLowerCase()
    else if (key === 'extension') {
      entry.type = 'E'
      entry.magic = value.replace(/^\./, '')
    }
  }
  return entry
}

const FIELD_FORBIDDEN = /[:\n\0]/

/** Escapes hex bytes as the \xHH form the kernel decodes in a register line. */
function escapeHex(hex: string): string {
  return hex.replace(/(..)/g, '\\x$1')
}

/**
 * The line written to /proc/sys/fs/binfmt_misc/register for an entry. Throws on anything the
 * kernel would misread: a field holding ':' or a newline, a '/' in the name, lengths past its limits.
 */
export function registerLine(entry: Omit<Entry, 'enabled'>): string {
  const { name, type, offset, magic, mask, interpreter, flags } = entry
  // 'register' and 'status' are the kernel's own control files in the same folder.
  if (!name || name.includes('/') || ['.', '..', 'register', 'status'].includes(name) || FIELD_FORBIDDEN.test(name)) {
    throw new Error(`invalid binfmt entry name: ${JSON.stringify(name)}`)
  }
  if (FIELD_FORBIDDEN.test(interpreter) || !interpreter.startsWith('/')) {
    throw new Error(`invalid interpreter path: ${JSON.stringify(interpreter)}`)
  }
  if (interpreter.length > MAX_INTERPRETER_PATH) {
    throw new Error(`interpreter path longer than ${MAX_INTERPRETER_PATH} characters: ${interpreter}`)
  }
  if (!/^[POCF]*$/.test(flags)) throw new Error(`invalid binfmt flags: ${JSON.stringify(flags)}`)
  let line: string
  if (type === 'E') {
    if (FIELD_FORBIDDEN.test(magic) || magic.includes('/')) throw new Error(`invalid extension: ${magic}`)
    line = `:${name}:E::${magic}::${interpreter}:${flags}`
  } else {
    if (!/^([0-9a-f]{2})+$/.test(magic) || (mask !== '' && !/^([0-9a-f]{2})+$/.test(mask))) {
      throw new Error('magic and mask must be hex bytes')
    }
    if (mask !== '' && mask.length !== magic.length) throw new Error('mask and magic differ in length')
    if (offset + magic.length / 2 > 128) throw new Error('magic must lie within the first 128 bytes')
    line = `:${name}:M:${offset || ''}:${escapeHex(magic)}:${escapeHex(mask)}:${interpreter}:${flags}`
  }
  if (line.length > 1920) throw new Error('register line longer than the kernel accepts')
  return line
}

/** Is binfmt_misc mounted (its status file present)? */
export async function isMounted(dir = BINFMT_DIR): Promise<boolean> {
  try {
    await readFile(`${dir}/status`, 'utf8')
    return true
  } catch {
    return false
  }
}

/** Reads every entry of the table (empty when binfmt_misc is not mounted). */
export async function readTable(dir = BINFMT_DIR): Promise<Table> {
  const table: Table = new Map()
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return table
  }
  await Promise.all(
    names
      .filter(name => name !== 'register' && name !== 'status')
      .map(async name => {
        try {
          table.set(name, parseEntry(name, await readFile(`${dir}/${name}`, 'utf8')))
        } catch {
          // removed between readdir and read: not part of the table
        }
      })
  )
  return table
}

/** Do two entries register the same handler (everything but the enabled state)? */
export function sameHandler(a: Entry, b: Entry): boolean {
  return (
    a.type === b.type &&
    a.offset === b.offset &&
    a.magic === b.magic &&
    a.mask === b.mask &&
    a.interpreter === b.interpreter &&
    [...a.flags].sort().join('') === [...b.flags].sort().join('')
  )
}

export interface TableDiff {
  added: Entry[]
  removed: Entry[]
  changed: { before: Entry; after: Entry }[]
}

export function diffTables(before: Table, after: Table): TableDiff {
  const diff: TableDiff = { added: [], removed: [], changed: [] }
  for (const [name, entry] of after) {
    const old = before.get(name)
    if (!old) diff.added.push(entry)
    else if (!sameHandler(old, entry) || old.enabled !== entry.enabled) diff.changed.push({ before: old, after: entry })
  }
  for (const [name, entry] of before) if (!after.has(name)) diff.removed.push(entry)
  return diff
}

/** A change the kernel refused, explained in one line with what to do. */
export class BinfmtError extends Error {}

const UNPRIVILEGED =
  "this job may not change the kernel's binfmt_misc table (an unprivileged container job, or a user namespace): run the step on the host, or in a container started with --privileged"

/** Turns what the kernel or mount(8) said into the cause and the fix. */
export function explainKernelError(doing: string, error: unknown): BinfmtError {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const text = `${code} ${(error as Error).message ?? error}`
  let why: string
  if (/EROFS|read-only/i.test(text)) {
    why =
      "binfmt_misc is read-only here (a container's /proc/sys, or a runner service with ProtectKernelTunables=yes): run the step on the host, or give the container --privileged"
  } else if (/EPERM|EACCES|not permitted|permission denied/i.test(text)) why = `operation not permitted: ${UNPRIVILEGED}`
  else if (/unknown filesystem type|mount point does not exist|ENOENT|No such file/i.test(text)) {
    why = 'this kernel has no binfmt_misc (CONFIG_BINFMT_MISC): use a kernel built with it, as every mainstream distribution is'
  } else if (/EEXIST|File exists/i.test(text)) why = 'another process registered the same name at the same moment: run the step again'
  else why = text.trim()
  return new BinfmtError(`cannot ${doing}: ${why}`)
}

/** Registers an entry (and disables it again when it was recorded disabled). */
export async function register(sys: Privileged, entry: Entry, dir = BINFMT_DIR): Promise<void> {
  const line = registerLine(entry)
  await sys.write(`${dir}/register`, line).catch(error => {
    throw explainKernelError(`register ${entry.name} in binfmt_misc`, error)
  })
  if (!entry.enabled) await sys.write(`${dir}/${entry.name}`, '0')
}

/** Removes one entry by name. Never writes to `status` (that would remove every entry). */
export async function remove(sys: Privileged, name: string, dir = BINFMT_DIR): Promise<void> {
  if (!name || name.includes('/') || name === 'status' || name === 'register') {
    throw new Error(`refusing to remove binfmt entry ${JSON.stringify(name)}`)
  }
  await sys.write(`${dir}/${name}`, '-1')
}

/** Mounts binfmt_misc, loading the module first when the kernel needs it. */
export async function mount(sys: Privileged, dir = BINFMT_DIR): Promise<void> {
  if (await isMounted(dir)) return
  // Built in, or already loaded: then modprobe has nothing to do (or is not there).
  const modprobe = systemProgram('modprobe')
  if (modprobe) await sys.run(modprobe, ['binfmt_misc']).catch(() => undefined)
  const mounter = systemProgram('mount')
  if (!mounter)
    throw new BinfmtError(`cannot mount binfmt_misc: this machine has no mount program in ${SYSTEM_PATH} (util-linux's mount package)`)
  await sys.run(mounter, ['-t', 'binfmt_misc', 'binfmt_misc', dir]).catch(error => {
    throw explainKernelError('mount binfmt_misc', error)
  })
}

export async function unmount(sys: Privileged, dir = BINFMT_DIR): Promise<void> {
  await sys.run(systemProgram('umount') ?? 'umount', [dir])
}
