/**
 * Reading tar archives as a stream: 512-byte ustar/GNU headers (octal or base-256 numbers, the
 * ustar path prefix), pax and GNU long-name records, and a walker that shows each member to a
 * visitor, which reads its bytes into a sink, skips it, or stops the walk.
 */
import { ArchiveError } from './archive-error.js'
import type { ChunkReader } from './chunk-reader.js'

/** Longest pax or GNU long-name record honoured. */
const MAX_META_BYTES = 1024 * 1024

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' | 'other'

export interface TarHeader {
  path: string
  type: TarEntryType
  size: number
  linkname: string
  mode: number
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length)
  const end = field.indexOf(0)
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8')
}

/** An octal field, or GNU's base-256 form (first byte with its high bit set). NaN when invalid. */
export function tarNumber(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length)
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]
    return value
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim()
  if (text === '') return 0
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '5': 'directory',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-longname',
  K: 'gnu-longlink'
}

/**
 * Parses one 512-byte tar header. Returns 'end' for an all-zero block (the end marker), undefined
 * when the block is not a valid header (bad checksum or fields).
 */
export function parseTarHeader(block: Buffer): TarHeader | 'end' | undefined {
  if (block.length < 512) return undefined
  if (block.every(b => b === 0)) return 'end'
  const stored = tarNumber(block, 148, 8)
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < 512; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  if (Number.isNaN(stored) || (stored !== unsigned && stored !== signed)) return undefined
  const size = tarNumber(block, 124, 12)
  const mode = tarNumber(block, 100, 8)
  if (Number.isNaN(size) || Number.isNaN(mode)) return undefined
  let path = cString(block, 0, 100)
  // POSIX ustar keeps a path prefix at 345; GNU's "ustar  " layout uses those bytes for times.
  if (block.subarray(257, 263).toString('latin1') === 'ustar\0') {
    const prefix = cString(block, 345, 155)
    if (prefix) path = `${prefix}/${path}`
  }
  const flag = String.fromCharCode(block[156])
  return { path, type: TYPES[flag] ?? 'other', size, linkname: cString(block, 157, 100), mode }
}

/** Parses a pax extended header body: "<len> key=value\n" records. */
export function parsePax(body: Buffer): Map<string, string> {
  const records = new Map<string, string>()
  let at = 0
  while (at < body.length) {
    const space = body.indexOf(0x20, at)
    if (space === -1) break
    const length = parseInt(body.subarray(at, space).toString('latin1'), 10)
    if (!Number.isFinite(length) || length <= space - at || at + length > body.length) break
    const record = body.subarray(space + 1, at + length - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1))
    at += length
  }
  return records
}

/** A member of a tar archive, with pax and GNU long names applied. */
export interface TarEntry {
  path: string
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other'
  size: number
  linkname: string
}

/** Receives a member's bytes when the visitor asked for them; end() says whether to read on. */
export interface EntrySink {
  write(chunk: Buffer): Promise<void> | void
  end(): Promise<'continue' | 'stop'> | 'continue' | 'stop'
}

/** What a visitor says after seeing a member: read its bytes into a sink, skip it, or stop reading. */
export type Visit = EntrySink | 'skip' | 'stop'

/**
 * Walks a tar stream, calling visit for every member (files, links, directories). Stops at the
 * end marker, at the end of the stream on a header boundary, or when visit says 'stop'. A stream
 * that ends inside a header or a member, or a bad header, is an ArchiveError.
 */
export async function walkTar(reader: ChunkReader, visit: (entry: TarEntry) => Promise<Visit> | Visit): Promise<void> {
  let longName: string | undefined
  let longLink: string | undefined
  let pax = new Map<string, string>()
  let first = true
  for (;;) {
    const block = await reader.read(512)
    if (block.length === 0) return
    if (block.length < 512) throw new ArchiveError('the tar archive is truncated (it ends inside a header)')
    const header = parseTarHeader(block)
    if (header === 'end') return
    if (!header)
      throw new ArchiveError(
        first ? 'not a tar archive (the first header is not valid)' : 'the tar archive is corrupt (a header has a bad checksum)'
      )
    first = false
    const padded = Math.ceil(header.size / 512) * 512
    if (header.type === 'pax' || header.type === 'gnu-longname' || header.type === 'gnu-longlink' || header.type === 'pax-global') {
      if (header.size > MAX_META_BYTES)
        throw new ArchiveError(`the tar archive has a ${header.size}-byte extended header, more than this reader accepts`)
      const body = await reader.read(padded)
      if (body.length < padded) throw new ArchiveError('the tar archive is truncated (it ends inside an extended header)')
      const data = body.subarray(0, header.size)
      if (header.type === 'pax') pax = parsePax(data)
      else if (header.type === 'gnu-longname') longName = cString(data, 0, data.length)
      else if (header.type === 'gnu-longlink') longLink = cString(data, 0, data.length)
      continue
    }
    const sizeText = pax.get('size')
    const size = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : header.size
    const entry: TarEntry = {
      path: pax.get('path') ?? longName ?? header.path,
      type:
        header.type === 'file' || header.type === 'directory' || header.type === 'symlink' || header.type === 'hardlink'
          ? header.type
          : 'other',
      size,
      linkname: pax.get('linkpath') ?? longLink ?? header.linkname
    }
    pax = new Map()
    longName = undefined
    longLink = undefined
    const action = await visit(entry)
    if (action === 'stop') return
    const bodyPadded = Math.ceil(size / 512) * 512
    if (action === 'skip') {
      const skipped = await reader.forward(bodyPadded)
      if (skipped < bodyPadded) throw new ArchiveError(`the tar archive is truncated (it ends inside ${entry.path})`)
    } else {
      const got = await reader.forward(size, chunk => action.write(chunk))
      if (got < size) throw new ArchiveError(`the tar archive is truncated (it ends inside ${entry.path} after ${got} of ${size} bytes)`)
      if ((await action.end()) === 'stop') return
      const pad = await reader.forward(bodyPadded - size)
      if (pad < bodyPadded - size) throw new ArchiveError(`the tar archive is truncated (it ends after ${entry.path})`)
    }
  }
}
