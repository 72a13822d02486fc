/**
 * Reading QEMU binaries out of downloaded archives without unpacking them: the archive is streamed
 * (through gzip, xz or zstd), tar headers are parsed here, and only the members named like the
 * wanted interpreters are written out, each to a file name this module chooses (never a path
 * taken from the archive). Accepted: .tar(.gz|.xz|.zst), .deb (an ar archive whose data.tar is
 * compressed or not), and a single binary (optionally .gz/.xz/.zst).
 *
 * gzip goes through node:zlib. Node has no xz decoder, so xz is the `xz` program (xz-utils) fed
 * through a pipe; zstd is node:zlib's where the running Node has it (22.15+/23.8+), else `zstd`.
 */
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { posix } from 'node:path'
import type { Readable } from 'node:stream'
import * as zlib from 'node:zlib'
import type { QemuTarget } from '../kernel/platforms.js'

export type Compression = 'gzip' | 'xz' | 'zstd' | 'none'
export type Container = 'tar' | 'deb' | 'binary'

/** An archive's layout; container undefined means "tell from the (decompressed) bytes". */
export interface ArchiveFormat {
  container?: Container
  compression: Compression
}

/** Raised for anything wrong with an archive's contents (not with its download). */
export class ArchiveError extends Error {}

/** Largest member written out: a static qemu is 10-30 MB; nothing legitimate comes near this. */
export const MAX_MEMBER_BYTES = 512 * 1024 * 1024
/** Longest pax or GNU long-name record honoured. */
const MAX_META_BYTES = 1024 * 1024

const FORMAT_NAMES: Record<string, ArchiveFormat> = {
  'tar.gz': { container: 'tar', compression: 'gzip' },
  tgz: { container: 'tar', compression: 'gzip' },
  'tar.xz': { container: 'tar', compression: 'xz' },
  txz: { container: 'tar', compression: 'xz' },
  'tar.zst': { container: 'tar', compression: 'zstd' },
  tzst: { container: 'tar', compression: 'zstd' },
  tar: { container: 'tar', compression: 'none' },
  deb: { container: 'deb', compression: 'none' },
  gz: { container: 'binary', compression: 'gzip' },
  xz: { container: 'binary', compression: 'xz' },
  zst: { container: 'binary', compression: 'zstd' },
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
  const ext = { gzip: 'gz', xz: 'xz', zstd: 'zst', none: '' }[compression]
  if (container === 'tar') return ext ? `tar.${ext}` : 'tar'
  if (container === 'binary') return ext || 'binary'
  return ext ? `?.${ext}` : '?'
}

/** The last path segment of a URL (or a plain file name), decoded, without query or fragment. */
export function fileNameOf(urlOrName: string): string {
  let path = urlOrName
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
  for (const ext of ['tar.gz', 'tar.xz', 'tar.zst', 'tgz', 'txz', 'tzst', 'tar', 'deb']) {
    if (name.endsWith(`.${ext}`)) return parseFormat(ext)
  }
  for (const ext of ['gz', 'xz', 'zst']) {
    if (name.endsWith(`.${ext}`)) return parseFormat(ext)
  }
  return undefined
}

/** The compression a file's first bytes show (gzip, xz, zstd), 'none' otherwise. */
export function compressionOf(head: Uint8Array): Compression | 'bzip2' | 'none' {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip'
  if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz'
  if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return 'zstd'
  if (b.length >= 3 && b.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2'
  return 'none'
}

const AR_MAGIC = '!<arch>\n'

/** What uncompressed bytes are: an ELF program, a tar archive, an ar archive (.deb), or unknown. */
export function containerOf(head: Uint8Array): Container | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  if (b.length >= 4 && b.readUInt32BE(0) === 0x7f454c46) return 'binary'
  if (b.length >= 8 && b.subarray(0, 8).toString('latin1') === AR_MAGIC) return 'deb'
  if (b.length >= 512 && typeof parseTarHeader(b.subarray(0, 512)) === 'object') return 'tar'
  return undefined
}

/**
 * Checks a file's raw first bytes against the format its name or manifest entry announced, and
 * fills in what the bytes tell. Throws ArchiveError on a contradiction.
 */
export function confirmFormat(declared: ArchiveFormat | undefined, head: Uint8Array): ArchiveFormat {
  const compression = compressionOf(head)
  if (compression === 'bzip2') throw new ArchiveError('the file is bzip2-compressed, which is not supported (use gzip, xz or zstd)')
  if (declared && declared.compression !== compression) {
    const shown = compression === 'none' ? `not ${declared.compression}-compressed` : `${compression}-compressed`
    throw new ArchiveError(`expected a ${formatName(declared)} file, but its first bytes show it is ${shown}`)
  }
  let container = declared?.container
  if (compression === 'none') {
    const seen = containerOf(head)
    if (container && seen && seen !== container) {
      throw new ArchiveError(`expected a ${formatName(declared as ArchiveFormat)} file, but its first bytes show ${describe(seen)}`)
    }
    if (container && !seen) throw new ArchiveError(`expected a ${formatName(declared as ArchiveFormat)} file, but its first bytes show neither ELF, tar nor ar`)
    container = seen
    if (!container) throw new ArchiveError('the file is not a known archive (gzip, xz, zstd, tar, .deb) nor an ELF program')
  }
  if (container === 'deb' && compression !== 'none') throw new ArchiveError('a .deb is an uncompressed ar archive; this file is compressed')
  return { container, compression }
}

function describe(container: Container): string {
  return { tar: 'a tar archive', deb: 'an ar archive (.deb)', binary: 'an ELF program' }[container]
}

// ---------------------------------------------------------------------------------------------
// Member names

/** Archive paths compare without ./ or / prefixes and with . and .. resolved. */
export function normalizeMemberPath(path: string): string {
  const normal = posix.normalize(`/${path}`)
  return normal.replace(/^\/+/, '').replace(/\/+$/, '')
}

/** The target a member's base name says it serves: qemu-<t> or qemu-<t>-static. */
export function targetOfMember(path: string, targets: readonly QemuTarget[]): QemuTarget | undefined {
  const base = posix.basename(normalizeMemberPath(path))
  return targets.find(t => base === `qemu-${t}` || base === `qemu-${t}-static`)
}

/**
 * The target a single downloaded binary's file name says it is: qemu-<t>, qemu-<t>-static, or
 * the per-host asset name qemu-<t>-linux-<hostarch>, each optionally .gz/.xz/.zst.
 */
export function targetOfBinaryName(urlOrName: string, targets: readonly QemuTarget[]): QemuTarget | undefined {
  const name = fileNameOf(urlOrName).replace(/\.(gz|xz|zst)$/i, '')
  return targets.find(t => name === `qemu-${t}` || name === `qemu-${t}-static` || new RegExp(`^qemu-${t}(-static)?-linux-[a-z0-9_-]+$`).test(name))
}

/** Where a symbolic or hard link inside an archive points, as a normalized archive path. */
export function resolveLink(memberPath: string, linkname: string, kind: 'symlink' | 'hardlink'): string {
  if (kind === 'hardlink' || linkname.startsWith('/')) return normalizeMemberPath(linkname)
  return normalizeMemberPath(posix.join(posix.dirname(normalizeMemberPath(memberPath)), linkname))
}

// ---------------------------------------------------------------------------------------------
// tar

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

/** Pulls exact byte counts out of a stream of chunks. */
export class ChunkReader {
  private chunks: Buffer[] = []
  private buffered = 0
  private ended = false
  private readonly iterator: AsyncIterator<Buffer>

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    const inner = source[Symbol.asyncIterator]()
    this.iterator = {
      next: async () => {
        const r = await inner.next()
        if (r.done) return { done: true, value: undefined }
        const v = r.value
        return { done: false, value: typeof v === 'string' ? Buffer.from(v) : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength) }
      },
      return: async () => {
        await inner.return?.()
        return { done: true, value: undefined }
      }
    }
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const next = await this.iterator.next()
      if (next.done) {
        this.ended = true
      } else if (next.value.length) {
        this.chunks.push(next.value)
        this.buffered += next.value.length
      }
    }
  }

  /** Up to n bytes without consuming them (fewer only at the end of the stream). */
  async peek(n: number): Promise<Buffer> {
    await this.fill(n)
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    this.chunks = all.length ? [all] : []
    return all.subarray(0, n)
  }

  /** Exactly n bytes, or fewer when the stream ends first. */
  async read(n: number): Promise<Buffer> {
    const head = await this.peek(n)
    this.consume(head.length)
    return Buffer.from(head)
  }

  private consume(n: number): void {
    let left = n
    while (left > 0 && this.chunks.length) {
      const first = this.chunks[0]
      const take = Math.min(first.length, left)
      if (take === first.length) this.chunks.shift()
      else this.chunks[0] = first.subarray(take)
      this.buffered -= take
      left -= take
    }
  }

  /** Passes the next n bytes to fn piece by piece; returns how many there were (< n at the end). */
  async forward(n: number, fn?: (chunk: Buffer) => Promise<void> | void): Promise<number> {
    let done = 0
    while (done < n) {
      if (this.chunks.length === 0) {
        await this.fill(1)
        if (this.chunks.length === 0) break
      }
      const first = this.chunks[0]
      const take = Math.min(first.length, n - done)
      const piece = first.subarray(0, take)
      if (take === first.length) this.chunks.shift()
      else this.chunks[0] = first.subarray(take)
      this.buffered -= take
      done += take
      if (fn) await fn(piece)
    }
    return done
  }

  /** Stops the source early (closing decompressors and files behind it). */
  async close(): Promise<void> {
    this.ended = true
    this.chunks = []
    await this.iterator.return?.()
  }
}

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
    if (!header) throw new ArchiveError(first ? 'not a tar archive (the first header is not valid)' : 'the tar archive is corrupt (a header has a bad checksum)')
    first = false
    const padded = Math.ceil(header.size / 512) * 512
    if (header.type === 'pax' || header.type === 'gnu-longname' || header.type === 'gnu-longlink' || header.type === 'pax-global') {
      if (header.size > MAX_META_BYTES) throw new ArchiveError(`the tar archive has a ${header.size}-byte extended header, more than this reader accepts`)
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
      type: header.type === 'file' || header.type === 'directory' || header.type === 'symlink' || header.type === 'hardlink' ? header.type : 'other',
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

// ---------------------------------------------------------------------------------------------
// ar (.deb)

export interface ArMember {
  name: string
  /** Byte offset of the member's data in the file. */
  offset: number
  size: number
}

/** Parses one 60-byte ar member header; undefined when it is not one. */
export function parseArHeader(header: Buffer): { name: string; size: number } | undefined {
  if (header.length < 60 || header[58] !== 0x60 || header[59] !== 0x0a) return undefined
  const name = header.subarray(0, 16).toString('latin1').trim().replace(/\/$/, '')
  const sizeText = header.subarray(48, 58).toString('latin1').trim()
  if (!/^\d+$/.test(sizeText)) return undefined
  return { name, size: Number(sizeText) }
}

/** Lists the members of an ar archive on disk. */
export async function listAr(file: string): Promise<ArMember[]> {
  const handle = await open(file, 'r')
  try {
    const { size: total } = await handle.stat()
    const magic = Buffer.alloc(8)
    await handle.read(magic, 0, 8, 0)
    if (magic.toString('latin1') !== AR_MAGIC) throw new ArchiveError('not a .deb (no ar archive header)')
    const members: ArMember[] = []
    let at = 8
    const header = Buffer.alloc(60)
    while (at < total) {
      const { bytesRead } = await handle.read(header, 0, 60, at)
      if (bytesRead === 0) break
      const parsed = bytesRead === 60 ? parseArHeader(header) : undefined
      if (!parsed) throw new ArchiveError(`the .deb is corrupt or truncated (bad ar member header at byte ${at})`)
      const offset = at + 60
      if (offset + parsed.size > total) throw new ArchiveError(`the .deb is truncated (${parsed.name} needs ${parsed.size} bytes, ${total - offset} remain)`)
      members.push({ name: parsed.name, offset, size: parsed.size })
      at = offset + parsed.size + (parsed.size % 2)
    }
    return members
  } finally {
    await handle.close()
  }
}

/** The data.tar member of a .deb and its compression (from its name, checked by its magic). */
export async function debData(file: string): Promise<{ member: ArMember; compression: Compression }> {
  const members = await listAr(file)
  if (members[0]?.name !== 'debian-binary') throw new ArchiveError('not a .deb (its first member is not debian-binary)')
  const member = members.find(m => m.name.startsWith('data.tar'))
  if (!member) throw new ArchiveError(`the .deb holds no data.tar member (it has: ${members.map(m => m.name).join(', ')})`)
  const byName: Record<string, Compression> = { 'data.tar': 'none', 'data.tar.gz': 'gzip', 'data.tar.xz': 'xz', 'data.tar.zst': 'zstd' }
  const compression = byName[member.name]
  if (!compression) throw new ArchiveError(`the .deb's ${member.name} uses a compression this action does not read (gzip, xz and zstd are read)`)
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(Math.min(8, member.size))
    await handle.read(head, 0, head.length, member.offset)
    const seen = compressionOf(head)
    if (seen !== compression) throw new ArchiveError(`the .deb's ${member.name} does not start like ${compression} data`)
  } finally {
    await handle.close()
  }
  return { member, compression }
}

// ---------------------------------------------------------------------------------------------
// Decompression

function zstdFromZlib(): (() => NodeJS.ReadWriteStream) | undefined {
  const create = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress
  return typeof create === 'function' ? () => create() : undefined
}

/** Runs a decompressing program (argument array, no shell) from stdin to stdout. */
async function* throughProgram(source: Readable, program: string, args: string[], label: string): AsyncGenerator<Buffer> {
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: process.env })
  let stderr = ''
  let spawnError: Error | undefined
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString()
  })
  const exited = new Promise<number | null>(resolve => {
    child.on('error', err => {
      spawnError = err
      resolve(null)
    })
    child.on('close', code => resolve(code))
  })
  // A consumer that stops early closes the pipe: EPIPE on stdin is then expected.
  child.stdin.on('error', () => {})
  source.on('error', err => {
    spawnError ??= err
    child.stdin.destroy()
  })
  source.pipe(child.stdin)
  let finished = false
  try {
    // xz writes 8 KiB at a time; handing on larger pieces saves most of the per-chunk overhead.
    let batch: Buffer[] = []
    let batched = 0
    for await (const chunk of child.stdout) {
      batch.push(chunk as Buffer)
      batched += (chunk as Buffer).length
      if (batched >= 256 * 1024) {
        yield batch.length === 1 ? batch[0] : Buffer.concat(batch, batched)
        batch = []
        batched = 0
      }
    }
    if (batched) yield Buffer.concat(batch, batched)
    const code = await exited
    finished = true
    if (spawnError) {
      if ((spawnError as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ArchiveError(`reading ${label} data needs the ${program} program, which is not on this machine (Debian/Ubuntu: apt-get install ${program === 'xz' ? 'xz-utils' : program}), or use a .tar.gz`)
      }
      throw new ArchiveError(`${program}: ${spawnError.message}`)
    }
    if (code !== 0) {
      if (/unrecognized option|invalid option|Usage:/i.test(stderr)) {
        throw new ArchiveError(`this machine's ${program} does not take the usual options (a busybox build?): install ${program === 'xz' ? 'xz-utils' : program}`)
      }
      const said = stderr.trim().split('\n').pop()?.replace(/^[^:]+: \(stdin\): /, '') ?? ''
      throw new ArchiveError(`the ${label} data is corrupt or truncated (${program} exit ${code}${said ? `: ${said}` : ''})`)
    }
  } finally {
    if (!finished) {
      source.unpipe(child.stdin)
      source.destroy()
      child.stdin.destroy()
      child.stdout.destroy()
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

async function* throughStream(source: Readable, transform: NodeJS.ReadWriteStream, label: string): AsyncGenerator<Buffer> {
  const t = transform as unknown as Readable & NodeJS.WritableStream
  source.on('error', err => t.destroy(err))
  source.pipe(t)
  let finished = false
  try {
    for await (const chunk of t) yield chunk as Buffer
    finished = true
  } catch (err) {
    finished = true
    if (err instanceof ArchiveError) throw err
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw err
    throw new ArchiveError(`the ${label} data is corrupt or truncated (${(err as Error).message})`)
  } finally {
    if (!finished) {
      source.unpipe(t)
      source.destroy()
      t.destroy()
    }
  }
}

async function* raw(source: Readable): AsyncGenerator<Buffer> {
  let finished = false
  try {
    for await (const chunk of source) yield chunk as Buffer
    finished = true
  } finally {
    if (!finished) source.destroy()
  }
}

/** The decompressed bytes of a stream; decompressors are closed when the consumer stops early. */
export function decompress(source: Readable, compression: Compression): AsyncIterable<Buffer> {
  switch (compression) {
    case 'none':
      return raw(source)
    case 'gzip':
      return throughStream(source, zlib.createGunzip(), 'gzip')
    case 'xz':
      // Short options: busybox's xz takes -dcq but not the long forms.
      return throughProgram(source, 'xz', ['-dcq'], 'xz')
    case 'zstd': {
      const native = zstdFromZlib()
      return native ? throughStream(source, native(), 'zstd') : throughProgram(source, 'zstd', ['--decompress', '--stdout', '--quiet'], 'zstd')
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Extraction

export interface ExtractRequest {
  /** The archive on disk, already verified. */
  file: string
  /** From confirmFormat: compression known, container known or to be told from the bytes. */
  format: ArchiveFormat
  targets: readonly QemuTarget[]
  /** The downloaded file's name: tells a single binary's target. */
  name: string
  /** Where candidates are written (as qemu-<target>.<n>); the caller owns the folder. */
  destDir: string
  /**
   * Judges an extracted candidate: undefined accepts it for the target, a string says why not
   * (the next candidate is tried).
   */
  accept: (target: QemuTarget, path: string, member: string) => Promise<string | undefined>
}

export interface ExtractResult {
  /** target -> path of the accepted file in destDir */
  found: Map<QemuTarget, { path: string; member: string }>
  /** Why each candidate was turned down, per target. */
  rejected: Map<QemuTarget, string[]>
  /** What the archive turned out to be. */
  format: ArchiveFormat
}

/**
 * Reads the wanted interpreters out of an archive, writing each candidate member to
 * destDir/qemu-<target>.<n> and asking accept() about it. One pass over the stream picks regular
 * files named qemu-<t> or qemu-<t>-static, and files that a matching link points to when the
 * link comes first; reading stops as soon as every target has an accepted file. A matching link
 * whose destination came earlier in the stream (always so for tar hard links) costs one more pass
 * that reads just those paths.
 */
export async function extractBinaries(req: ExtractRequest): Promise<ExtractResult> {
  const result: ExtractResult = { found: new Map(), rejected: new Map(), format: req.format }
  let serial = 0
  const pending = () => req.targets.filter(t => !result.found.has(t))
  const reject = (target: QemuTarget, why: string) => {
    const list = result.rejected.get(target) ?? []
    list.push(why)
    result.rejected.set(target, list)
  }
  const openFiles = new Set<FileHandle>()

  /** A sink writing one candidate; on end it is judged, and reading stops once nothing is pending. */
  const candidate = async (target: QemuTarget, member: string): Promise<EntrySink> => {
    const path = posix.join(req.destDir, `qemu-${target}.${serial++}`)
    const handle = await open(path, 'wx', 0o700)
    openFiles.add(handle)
    let written = 0
    return {
      async write(chunk) {
        written += chunk.length
        if (written > MAX_MEMBER_BYTES) throw new ArchiveError(`${member} is larger than ${MAX_MEMBER_BYTES} bytes: not a QEMU binary`)
        await handle.write(chunk)
      },
      async end() {
        openFiles.delete(handle)
        await handle.close()
        const why = await req.accept(target, path, member)
        if (why) reject(target, `${member}: ${why}`)
        else result.found.set(target, { path, member })
        return pending().length === 0 ? 'stop' : 'continue'
      }
    }
  }

  const start = async (): Promise<{ reader: ChunkReader; container: Container }> => {
    let source: Readable
    let compression = req.format.compression
    if (req.format.container === 'deb') {
      const data = await debData(req.file)
      if (data.member.size === 0) throw new ArchiveError("the .deb's data member is empty")
      source = createReadStream(req.file, { start: data.member.offset, end: data.member.offset + data.member.size - 1 })
      compression = data.compression
    } else {
      source = createReadStream(req.file)
    }
    const reader = new ChunkReader(decompress(source, compression))
    let head: Buffer
    try {
      head = await reader.peek(512)
    } catch (err) {
      await reader.close()
      throw err
    }
    const seen = containerOf(head)
    const declared = req.format.container === 'deb' ? 'tar' : req.format.container
    const what = req.format.container === 'deb' ? "the .deb's data member" : `the ${formatName(req.format)} file`
    let problem: string | undefined
    if (head.length === 0) problem = `${what} is empty${compression === 'none' ? '' : ' once decompressed'}`
    else if (declared && seen !== declared) problem = `expected ${describe(declared)} in ${what}, found ${seen ? describe(seen) : 'neither ELF nor tar data'}`
    else if (!declared && seen !== 'tar' && seen !== 'binary') problem = `the ${compression} data holds neither a tar archive nor an ELF program`
    if (problem) {
      await reader.close()
      throw new ArchiveError(problem)
    }
    const container = declared ?? (seen as Container)
    result.format = { container: req.format.container === 'deb' ? 'deb' : container, compression: req.format.compression }
    return { reader, container }
  }

  const closeAll = async () => {
    for (const handle of openFiles) await handle.close().catch(() => undefined)
    openFiles.clear()
  }

  let { reader, container } = await start()
  if (container === 'binary') {
    const target = targetOfBinaryName(req.name, req.targets)
    try {
      if (!target) {
        const wanted = req.targets.map(t => `qemu-${t}`).join(', ')
        throw new ArchiveError(
          `the file is a single program whose name ${JSON.stringify(req.name)} does not say which target it serves (expected ${wanted}, optionally with -static or -linux-<host>, and .gz/.xz/.zst)`
        )
      }
      const sink = await candidate(target, req.name)
      await reader.forward(Number.MAX_SAFE_INTEGER, chunk => sink.write(chunk))
      await sink.end()
    } finally {
      await closeAll()
      await reader.close()
    }
    return result
  }

  // A tar stream (or a .deb's data.tar).
  let wanted = new Map<string, QemuTarget>() // archive path -> target, from links seen in an earlier pass
  const captured = new Set<string>()
  for (let pass = 0; ; pass++) {
    const links = new Map<string, string>() // link path -> where it points, for every link this pass
    const files = new Set<string>() // regular files passed this pass
    const later = new Map<string, QemuTarget>() // destinations that went by before their link did
    try {
      await walkTar(reader, async entry => {
        const path = normalizeMemberPath(entry.path)
        if (entry.type === 'file') files.add(path)
        if (entry.type === 'symlink' || entry.type === 'hardlink') links.set(path, resolveLink(path, entry.linkname, entry.type))
        const viaLink = wanted.get(path)
        const target = viaLink && !result.found.has(viaLink) ? viaLink : targetOfMember(path, pending())
        if (!target) return 'skip'
        if (entry.type === 'file') {
          if (captured.has(path)) return 'skip'
          captured.add(path)
          return candidate(target, path)
        }
        if (entry.type === 'symlink' || entry.type === 'hardlink') {
          // Follow the link through links already seen; its end point is read when it comes by,
          // or in another pass when it went by already.
          let to = links.get(path) as string
          for (let hops = 0; links.has(to) && hops < 16; hops++) to = links.get(to) as string
          if (captured.has(to)) return 'skip'
          if (files.has(to) || links.has(to)) later.set(to, target)
          else wanted.set(to, target)
        }
        return 'skip'
      })
    } finally {
      await closeAll()
      await reader.close()
    }
    // Destinations named by links but never seen in the archive are reported, not chased.
    for (const [to, target] of wanted) {
      if (!result.found.has(target) && !files.has(to) && !links.has(to) && !captured.has(to)) {
        reject(target, `a link named like qemu-${target} points to ${to}, which the archive does not hold`)
      }
    }
    const next = new Map([...later].filter(([to, target]) => !result.found.has(target) && !captured.has(to)))
    if (pending().length === 0 || next.size === 0 || pass >= 3) break
    wanted = next
    ;({ reader } = await start())
  }
  return result
}
