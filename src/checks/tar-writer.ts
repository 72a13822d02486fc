/**
 * Writes small POSIX (ustar) tar archives in memory: regular files and directories with fixed
 * owner (0:0) and time (the epoch), so the same members always give the same bytes. That is all
 * the container check's own image needs (a `docker load` archive and its one layer); names longer
 * than ustar's 100 characters are refused rather than split into a prefix.
 */

export interface TarMember {
  /** Path inside the archive, without a leading `/`; a directory's ends with `/`. */
  name: string
  /** File bytes; absent for a directory. */
  data?: Uint8Array
  /** Permission bits; default 0o644 for files, 0o755 for directories. */
  mode?: number
}

const BLOCK = 512

/** An octal field of `length` bytes: digits padded with zeros, ended by NUL. */
function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0'
}

/** One 512-byte ustar header. */
export function tarHeader(member: TarMember): Buffer {
  const isDir = member.data === undefined
  if (member.name.length === 0 || member.name.length > 100 || member.name.startsWith('/') || member.name.split('/').includes('..')) {
    throw new Error(`tar member name not accepted: ${JSON.stringify(member.name)}`)
  }
  const header = Buffer.alloc(BLOCK)
  const put = (text: string, at: number): void => {
    header.write(text, at, 'latin1')
  }
  put(member.name, 0)
  put(octal(member.mode ?? (isDir ? 0o755 : 0o644), 8), 100)
  put(octal(0, 8), 108) // uid
  put(octal(0, 8), 116) // gid
  put(octal(member.data?.length ?? 0, 12), 124)
  put(octal(0, 12), 136) // mtime
  put(isDir ? '5' : '0', 156)
  put('ustar\0', 257)
  put('00', 263)
  put('root', 265)
  put('root', 297)
  // The checksum is summed with its own field as spaces, then written as 6 digits, NUL, space.
  header.fill(0x20, 148, 156)
  const sum = header.reduce((total, byte) => total + byte, 0)
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return header
}

/** A whole archive: each member's header and its data padded to 512 bytes, then two zero blocks. */
export function tarArchive(members: readonly TarMember[]): Buffer {
  const parts: Buffer[] = []
  for (const member of members) {
    parts.push(tarHeader(member))
    if (member.data && member.data.length > 0) {
      parts.push(Buffer.from(member.data))
      const padding = (BLOCK - (member.data.length % BLOCK)) % BLOCK
      if (padding) parts.push(Buffer.alloc(padding))
    }
  }
  parts.push(Buffer.alloc(2 * BLOCK))
  return Buffer.concat(parts)
}
