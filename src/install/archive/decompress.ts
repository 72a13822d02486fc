/**
 * Decompressed bytes of a stream. gzip and brotli go through node:zlib (the project's own assets
 * are brotli, so reading them needs no program). Node has no xz decoder, so xz is the `xz` program
 * (xz-utils) run through the project's process runner; zstd is node:zlib's where the running Node
 * has it (22.15+/23.8+), else the `zstd` program. Failures of either kind become ArchiveErrors that
 * say what to install or that the data is corrupt.
 */
import type { Readable } from 'node:stream'
import * as zlib from 'node:zlib'
import { ProgramError, streamProgram } from '../../kernel/process.js'
import { ArchiveError } from './archive-error.js'
import type { Compression } from './format.js'

function zstdFromZlib(): (() => NodeJS.ReadWriteStream) | undefined {
  const create = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress
  return typeof create === 'function' ? () => create() : undefined
}

/** The Debian/Ubuntu package that has a program. */
const PACKAGE_OF: Record<string, string> = { xz: 'xz-utils', zstd: 'zstd' }

/** A decompressing program (argument array, no shell) from stdin to stdout, its failures explained. */
async function* throughProgram(source: Readable, program: string, args: string[], label: string): AsyncGenerator<Buffer> {
  try {
    yield* streamProgram(program, args, source)
  } catch (err) {
    if (!(err instanceof ProgramError)) throw err
    const pkg = PACKAGE_OF[program] ?? program
    if (err.failure === 'missing') {
      throw new ArchiveError(
        `reading ${label} data needs the ${program} program, which is not on this machine (Debian/Ubuntu: apt-get install ${pkg}), or use a .tar.gz`
      )
    }
    if (err.failure === 'failed') throw new ArchiveError(`${program}: ${err.detail}`)
    if (/unrecognized option|invalid option|Usage:/i.test(err.stderr)) {
      throw new ArchiveError(`this machine's ${program} does not take the usual options (a busybox build?): install ${pkg}`)
    }
    const said =
      err.stderr
        .trim()
        .split('\n')
        .pop()
        ?.replace(/^[^:]+: \(stdin\): /, '') ?? ''
    throw new ArchiveError(`the ${label} data is corrupt or truncated (${program} exit ${err.exitCode}${said ? `: ${said}` : ''})`)
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

/**
 * Output chunks of 1 MiB instead of zlib's 16 KiB: a 13 MB interpreter comes out in 13 turns of
 * the event loop instead of 800 (brotli decoding of the default asset: about 140 -> 70 ms here).
 */
const CHUNK = { chunkSize: 1 << 20 }

/** The decompressed bytes of a stream; decompressors are closed when the consumer stops early. */
export function decompress(source: Readable, compression: Compression): AsyncIterable<Buffer> {
  switch (compression) {
    case 'none':
      return raw(source)
    case 'gzip':
      return throughStream(source, zlib.createGunzip(CHUNK), 'gzip')
    case 'brotli':
      // Window up to 24 bits (quality 11, lgwin 24) is the decoder's default range; no large-window mode.
      return throughStream(source, zlib.createBrotliDecompress(CHUNK), 'brotli')
    case 'xz':
      // Short options: busybox's xz takes -dcq but not the long forms.
      return throughProgram(source, 'xz', ['-dcq'], 'xz')
    case 'zstd': {
      const native = zstdFromZlib()
      return native
        ? throughStream(source, native(), 'zstd')
        : throughProgram(source, 'zstd', ['--decompress', '--stdout', '--quiet'], 'zstd')
    }
  }
}
