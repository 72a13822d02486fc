/**
 * How an interpreter becomes an asset file: brotli through node:zlib (the default, which the action
 * decodes in-process, no program needed) or xz through the `xz` program (older releases), each
 * with fixed settings so the same binary gives the same bytes on any machine with the same
 * encoder, and each checked by a round trip before the file is kept. What a release records about
 * its compression (the settings and the encoder's version) is written here too.
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm, stat, writeFile } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import { spawn } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import { brotliDecompressSync, constants } from 'node:zlib'
import { finish, runTool, toolEnv } from './tools.js'

/** The compressions an asset can have; each is also its manifest format and its file extension. */
export const COMPRESSIONS = ['br', 'xz'] as const
export type CompressionName = (typeof COMPRESSIONS)[number]

/** What a new release is made with: brotli decodes in Node's zlib, with no program on the runner. */
export const DEFAULT_COMPRESSION: CompressionName = 'br'

export function isCompression(value: unknown): value is CompressionName {
  return COMPRESSIONS.includes(value as CompressionName)
}

/** Fixed xz: the same input gives the same bytes (single-threaded, no timestamps in .xz). */
export const XZ_ARGS = ['-9', '--check=crc64', '-T1']

/**
 * Fixed brotli: the highest quality, a 16 MiB window (a whole interpreter fits), generic mode,
 * and the input's length as the size hint, which the encoder uses to choose its block layout.
 */
export function brotliParams(inputLength: number): Record<number, number> {
  return {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_LGWIN]: 24,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_GENERIC,
    [constants.BROTLI_PARAM_SIZE_HINT]: inputLength
  }
}

/** The settings as a release records them (in each asset's digestSource and the release's debian.compression). */
export function compressionSettings(name: CompressionName): string {
  if (name === 'xz') return `xz ${XZ_ARGS.join(' ')}`
  return 'node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length'
}

/** The settings and the encoder's version: another encoder version may compress differently. */
export function compressionRecord(name: CompressionName, encoderVersion?: string): string {
  const settings = compressionSettings(name)
  if (!encoderVersion) return settings
  return name === 'xz' ? `${settings} (XZ Utils ${encoderVersion})` : `${settings} (brotli ${encoderVersion})`
}

/** The encoder's version: the xz program's, or the brotli library Node was built with. */
export async function encoderVersion(name: CompressionName): Promise<string | undefined> {
  if (name === 'br') return process.versions.brotli
  const r = await runTool('xz', ['--version'])
  return /xz \(XZ Utils\) (\S+)/.exec(r.stdout ?? '')?.[1]
}

export interface Compressed {
  sha256: string
  size: number
}

/** Compresses `source` into `dest` (whole, by rename) after checking that it decompresses to the binary. */
export async function compress(name: CompressionName, source: string, dest: string, sourceSha256: string): Promise<Compressed> {
  const temp = `${dest}.${process.pid}.tmp`
  try {
    const made = name === 'br' ? await brotliFile(source, temp, sourceSha256) : await xzFile(source, temp, sourceSha256)
    await rename(temp, dest)
    return made
  } finally {
    await rm(temp, { force: true })
  }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

/**
 * brotliCompressSync in a worker thread: the call itself is what the settings describe (one
 * shot, all input at once), and a worker per file keeps --jobs compressions running side by
 * side (quality 11 takes tens of seconds for a 10 MB interpreter).
 */
const BROTLI_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { readFileSync } = require('node:fs')
const { brotliCompressSync } = require('node:zlib')
parentPort.postMessage(brotliCompressSync(readFileSync(workerData.source), { params: workerData.params }))
`

export function brotliCompressFile(source: string, inputLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BROTLI_WORKER, { eval: true, workerData: { source, params: brotliParams(inputLength) } })
    let result: Buffer | undefined
    worker.once('message', (data: Uint8Array) => (result = Buffer.from(data.buffer, data.byteOffset, data.byteLength)))
    worker.once('error', reject)
    worker.once('exit', code => {
      if (result && code === 0) resolve(result)
      else reject(new Error(`brotli compression of ${source} stopped (exit ${code})`))
    })
  })
}

async function brotliFile(source: string, temp: string, sourceSha256: string): Promise<Compressed> {
  const data = await brotliCompressFile(source, (await stat(source)).size)
  // Round trip with the decoder the action uses (node:zlib): what it will write is this binary.
  if (sha256(brotliDecompressSync(data)) !== sourceSha256) throw new Error(`brotli output for ${source} does not decompress to it`)
  await writeFile(temp, data, { mode: 0o644 })
  return { sha256: sha256(data), size: data.length }
}

async function xzFile(source: string, temp: string, sourceSha256: string): Promise<Compressed> {
  const xz = spawn('xz', [...XZ_ARGS, '--stdout', '--', source], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const out = createWriteStream(temp, { mode: 0o644 })
  const hash = createHash('sha256')
  let size = 0
  xz.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk)
    size += chunk.length
  })
  xz.stdout.pipe(out)
  const [r] = await Promise.all([finish(xz, 'xz'), finished(out)])
  if (r.code !== 0) throw new Error(`xz ${XZ_ARGS.join(' ')} ${source} failed: ${r.stderr.trim()}`)
  // Round trip: what the action will decompress is this binary.
  const back = spawn('xz', ['-dc', '--', temp], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const backHash = createHash('sha256')
  back.stdout.on('data', (chunk: Buffer) => backHash.update(chunk))
  const b = await finish(back, 'xz -dc')
  if (b.code !== 0 || backHash.digest('hex') !== sourceSha256) throw new Error(`${temp} does not decompress to ${source}`)
  return { sha256: hash.digest('hex'), size }
}
