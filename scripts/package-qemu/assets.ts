/**
 * From a verified .deb to the asset files: the wanted interpreters read out of the package
 * (dpkg-deb | tar), and each compressed with fixed settings, so the same package gives the same
 * bytes on any machine with the same xz. A round trip through `xz -dc` must give the binary back.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { finish, runTool, toolEnv } from './tools.js'

/** Fixed compression: the same input gives the same bytes (single-threaded, no timestamps in .xz). */
export const XZ_ARGS = ['-9', '--check=crc64', '-T1']

/** Reads the members out of a .deb (dpkg-deb | tar) into `dir`; returns the paths of those found, by member. */
export async function extractMembers(deb: string, members: string[], dir: string): Promise<Map<string, string>> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const tarArgs = ['-x', '-f', '-', '-C', dir, '--no-same-owner', '--no-same-permissions', '--', ...members.map(m => `./${m}`)]
  const tar = spawn('tar', tarArgs, { env: toolEnv(), stdio: ['pipe', 'ignore', 'pipe'] })
  dpkg.stdout.pipe(tar.stdin)
  tar.stdin.on('error', () => undefined) // tar may stop reading once it has what it wants
  const [d, t] = await Promise.all([finish(dpkg, 'dpkg-deb'), finish(tar, 'tar')])
  const missing = new Set([...t.stderr.matchAll(/^tar: \.\/(\S+): Not found in archive$/gm)].map(m => m[1]))
  const expected = /Not found in archive|Exiting with failure status due to previous errors/
  const otherTarErrors = t.stderr.split('\n').filter(l => l && !expected.test(l))
  if (d.code !== 0) throw new Error(`dpkg-deb --fsys-tarfile ${deb} failed: ${d.stderr.trim()}`)
  if ((t.code !== 0 && missing.size === 0) || otherTarErrors.length) throw new Error(`tar failed reading ${deb}: ${t.stderr.trim()}`)
  return new Map(members.filter(m => !missing.has(m)).map(m => [m, join(dir, m)]))
}

/** The first bytes of a file (64 KiB hold every linker's program headers). */
export async function readHead(path: string, bytes = 65536): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** xz with XZ_ARGS into `dest` (whole, by rename); returns its sha256 and size after a round trip. */
export async function compress(source: string, dest: string, sourceSha256: string): Promise<{ sha256: string; size: number }> {
  const temp = `${dest}.${process.pid}.tmp`
  try {
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
    const sha256 = hash.digest('hex')
    // Round trip: what the action will decompress is this binary.
    const back = spawn('xz', ['-dc', '--', temp], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    const backHash = createHash('sha256')
    back.stdout.on('data', (chunk: Buffer) => backHash.update(chunk))
    const b = await finish(back, 'xz -dc')
    if (b.code !== 0 || backHash.digest('hex') !== sourceSha256) throw new Error(`${temp} does not decompress to ${source}`)
    await rename(temp, dest)
    return { sha256, size }
  } finally {
    await rm(temp, { force: true })
  }
}

/** The XZ Utils version, recorded in the release (another xz may compress differently). */
export async function xzVersion(): Promise<string | undefined> {
  const r = await runTool('xz', ['--version'])
  return /xz \(XZ Utils\) (\S+)/.exec(r.stdout ?? '')?.[1]
}
