/**
 * What a downloaded file is: its compression (gzip, xz, zstd, brotli or none) and its container (a
 * tar archive, a .deb, or a single program), told from a manifest's format name, from the file's
 * name, and checked against its first bytes before anything is read out of it. Brotli has no magic
 * number: only a name (.br) or a manifest says it, and its decoder is the judge of its bytes.
 */
import { ArchiveError } from './archive-error.js'
import { parseTarHeader } from './tar.js'

/** The first bytes of an ar archive, which a .deb is. */
export const AR_MAGIC = '!<arch>\n'

export type Compression = 'gzip' | 'xz' | 'zstd' | 'brotli' | 'none'
export type Container = 'tar' | 'deb' | 'binary'

/** An archive's layout; container undefined means "tell from the (decompressed) bytes". */
export interface ArchiveFormat {
  container?: Container
  compression: Compression
}

const FORMAT_NAMES: Record<string, ArchiveFormat> = {
  'tar.gz': { container: 'tar', compression: 'gzip' },
  tgz: { container: 'tar', compression: 'gzip' },
  'tar.xz': { container: 'tar', compression: 'xz' },
  txz: { container: 'tar', compression: 'xz' },
  'tar.zst': { container: 'tar', compression: 'zstd' },
  tzst: { container: 'tar', compression: 'zstd' },
  'tar.br': { container: 'tar', compression: 'brotli' },
  tar: { container: 'tar', compression: 'none' },
  deb: { container: 'deb', compression: 'none' },
  gz: { container: 'binary', compression: 'gzip' },
  xz: { container: 'binary', compression: 'xz' },
  zst: { container: 'binary', compression: 'zstd' },
  br: { container: 'binary', compression: 'brotli' },
  binary: { container: 'binary', compression: 'none' }
}

/** A manifest's `format` value ("tar.gz", "deb", "xz", "binary", ...); undefined when unknown. */
export function parseFormat(name: string): ArchiveFormat | undefined {
  const format = FORMAT_NAMES[name.trim().toLowerCase()]
  return format ? { ...format } : undefined
}

/** The canonical name of a format, as manifests write it. */
export function formatName(format: ArchiveFormat): string {
  const { container, compression } = format
  if (container === 'deb') return 'deb'
  const ext = { gzip: 'gz', xz: 'xz', zstd: 'zst', brotli: 'br', none: '' }[compression]
  if (container === 'tar') return ext ? `tar.${ext}` : 'tar'
  if (container === 'binary') return ext || 'binary'
  return ext ? `?.${ext}` : '?'
}

/** The last path segment of a URL (or a plain file name), decoded, without query or fragment. */
export function fileNameOf(urlOrName: string): string {
  let path: string
  try {
    path = new URL(urlOrName).pathname
  } catch {
    path = urlOrName.replace(/[?#].*$/, '')
  }
  const last = path.split('/').filter(Boolean).pop() ?? ''
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}

/**
 * The format a file name announces: foo.tar.gz, foo.tgz, foo.deb, qemu-x86_64.xz, ...
 * A name that ends in none of these (qemu-x86_64, a mirror's opaque name) gives undefined.
 */
export function formatFromName(urlOrName: string): ArchiveFormat | undefined {
  const name = fileNameOf(urlOrName).toLowerCase()
  for (const ext of ['tar.gz', 'tar.xz', 'tar.zst', 'tar.br', 'tgz', 'txz', 'tzst', 'tar', 'deb']) {
    if (name.endsWith(`.${ext}`)) return parseFormat(ext)
  }
  for (const ext of ['gz', 'xz', 'zst', 'br']) {
    if (name.endsWith(`.${ext}`)) return parseFormat(ext)
  }
  return undefined
}

/** The compression a file's first bytes show (gzip, xz, zstd; brotli cannot be seen), 'none' otherwise. */
export function compressionOf(head: Uint8Array): Exclude<Compression, 'brotli'> | 'bzip2' {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip'
  if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz'
  if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return 'zstd'
  if (b.length >= 3 && b.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2'
  return 'none'
}

/** What uncompressed bytes are: an ELF program, a tar archive, an ar archive (.deb), or unknown. */
export function containerOf(head: Uint8Array): Container | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  if (b.length >= 4 && b.readUInt32BE(0) === 0x7f454c46) return 'binary'
  if (b.length >= 8 && b.subarray(0, 8).toString('latin1') === AR_MAGIC) return 'deb'
  if (b.length >= 512 && typeof parseTarHeader(b.subarray(0, 512)) === 'object') return 'tar'
  return undefined
}

/** A container in words, for messages. */
export function describeContainer(container: Container): string {
  return { tar: 'a tar archive', deb: 'an ar archive (.deb)', binary: 'an ELF program' }[container]
}

/**
 * Checks a file's raw first bytes against the format its name or manifest entry announced, and
 * fills in what the bytes tell. Throws ArchiveError on a contradiction.
 */
export function confirmFormat(declared: ArchiveFormat | undefined, head: Uint8Array): ArchiveFormat {
  const compression = compressionOf(head)
  if (compression === 'bzip2') throw new ArchiveError('the file is bzip2-compressed, which is not supported (use gzip, xz, zstd or brotli)')
  if (declared?.compression === 'brotli') {
    // No magic number to compare: refuse only what the bytes plainly show to be something else.
    const seen =
      compression !== 'none'
        ? `${compression}-compressed`
        : containerOf(head)
          ? `${describeContainer(containerOf(head) as Container)}, not compressed`
          : undefined
    if (seen) throw new ArchiveError(`expected a ${formatName(declared)} file, but its first bytes show it is ${seen}`)
    return { ...declared }
  }
  if (declared && declared.compression !== compression) {
    const shown = compression === 'none' ? `not ${declared.compression}-compressed` : `${compression}-compressed`
    throw new ArchiveError(`expected a ${formatName(declared)} file, but its first bytes show it is ${shown}`)
  }
  let container = declared?.container
  if (compression === 'none') {
    const seen = containerOf(head)
    if (declared && container && seen && seen !== container) {
      throw new ArchiveError(`expected a ${formatName(declared)} file, but its first bytes show ${describeContainer(seen)}`)
    }
    if (declared && container && !seen)
      throw new ArchiveError(`expected a ${formatName(declared)} file, but its first bytes show neither ELF, tar nor ar`)
    container = seen
    if (!container)
      throw new ArchiveError(
        'the file is not a known archive (gzip, xz, zstd, tar, .deb; brotli is known by a .br name) nor an ELF program'
      )
  }
  if (container === 'deb' && compression !== 'none') throw new ArchiveError('a .deb is an uncompressed ar archive; this file is compressed')
  return { container, compression }
}
