/**
 * From a verified .deb to the binaries: the wanted interpreters read out of the package
 * (dpkg-deb | tar) into a work folder, and the first bytes of a file for the ELF checks. How
 * each binary is then compressed into its asset file is compression.ts.
 */
import { spawn } from 'node:child_process'
import { mkdir, open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { finish, toolEnv } from './tools.js'

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
