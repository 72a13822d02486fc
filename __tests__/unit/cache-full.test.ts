/**
 * A tool cache that runs out of space (a small tmpfs mounted for the test): the failure names the
 * folder and what chose it, and no half-written entry is left (no download.json without its
 * binary, no staged or temporary files). With the interpreter store the run goes on from the
 * store's copies, with a warning. Needs root (mount) and Debian's static QEMU of this machine.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { machine, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import * as zlib from 'node:zlib'
import {
  download,
  entryDir,
  hostArchOf,
  METADATA_FILE,
  type DownloadRequest,
  type InstallPlaces
} from '../../src/install/download/index.js'
import type { Manifest } from '../../src/install/manifest.js'
import { asRoot } from '../../src/kernel/privileged.js'
import { sha256 } from '../helpers/archives.js'
import { startServer, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen, file, root } from '../helpers/requirements.js'

const QEMU = { aarch64: '/usr/bin/qemu-aarch64-static', riscv64: '/usr/bin/qemu-riscv64-static' } as const
const hostArch = hostArchOf(machine())

describeWhen([root, command('/usr/bin/mount'), file(QEMU.aarch64), file(QEMU.riscv64)], 'a full tool cache (tmpfs)', () => {
  let dir: string
  let small: string
  let server: TestServer
  let logs: string[]
  const brotli = (data: Buffer) =>
    zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 } })
  const binaries = { aarch64: readFileSync(QEMU.aarch64), riscv64: readFileSync(QEMU.riscv64) }
  const assets = { aarch64: brotli(binaries.aarch64), riscv64: brotli(binaries.riscv64) }
  const manifest = (): Manifest => ({
    default: '7.2.22-1',
    releases: [
      {
        id: '7.2.22-1',
        qemu: '7.2.22',
        source: 'a/b',
        assets: (['aarch64', 'riscv64'] as const).map(t => ({
          host: hostArch,
          target: t,
          url: server.url(`/qemu-${t}-linux-${hostArch}.br`),
          format: 'br',
          sha256: sha256(assets[t])
        }))
      }
    ]
  })

  /** The tool cache on a tmpfs of this size. */
  // Root's like a runner's tool cache (tmpfs is 1777 by default: one another user could change is not written as root).
  const mountSmall = (size: string) => execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', small])
  const files = (): string[] => {
    const out: string[] = []
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        (e.isDirectory() ? walk : (p: string) => out.push(relative(small, p)))(join(d, e.name))
    }
    walk(small)
    return out.sort()
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cache-full-'))
    small = join(dir, 'tool-cache')
    await mkdir(small)
    server = await startServer()
    for (const t of ['aarch64', 'riscv64'] as const) server.serve(`/qemu-${t}-linux-${hostArch}.br`, { file: assets[t] })
    logs = []
  })
  afterEach(async () => {
    await server.close()
    execFileSync('umount', [small], { stdio: 'ignore' })
    await rm(dir, { recursive: true, force: true })
  })

  const request = (targets: DownloadRequest['targets']): DownloadRequest => ({
    targets,
    hostArch,
    version: '',
    url: '',
    sha256: '',
    log: m => void logs.push(m),
    sys: asRoot
  })
  const places = (over: Partial<InstallPlaces> = {}): InstallPlaces => ({
    toolCache: small,
    toolCacheLabel: 'RUNNER_TOOL_CACHE',
    tempDir: join(dir, 'temp'),
    ...over
  })

  test('no room for a new entry: the error names the folder and RUNNER_TOOL_CACHE; nothing is left in it', async () => {
    mountSmall('1m')
    await expect(download(request(['aarch64']), places(), { manifest: manifest() })).rejects.toThrow(
      `could not keep QEMU in the tool cache: no space left on the device (ENOSPC) writing to ${small}, which is RUNNER_TOOL_CACHE: free space there or choose another folder`
    )
    expect(files()).toEqual([])
  })

  test('no room to add a target to an entry: the entry stays as it was, with no temporary file beside it', async () => {
    mountSmall(`${Math.ceil((binaries.aarch64.length + binaries.riscv64.length / 2) / 1048576)}m`)
    await download(request(['aarch64']), places(), { manifest: manifest() })
    const entry = entryDir(small, '7.2.22-1', hostArch)
    const before = await readFile(join(entry, METADATA_FILE), 'utf8')
    await expect(download(request(['aarch64', 'riscv64']), places(), { manifest: manifest() })).rejects.toThrow(
      /no space left on the device \(ENOSPC\) writing to/
    )
    expect(files()).toEqual([
      `qemu-user-static/7.2.22-1/${hostArch}.complete`,
      `qemu-user-static/7.2.22-1/${hostArch}/${METADATA_FILE}`,
      `qemu-user-static/7.2.22-1/${hostArch}/qemu-aarch64`
    ])
    expect(await readFile(join(entry, METADATA_FILE), 'utf8')).toBe(before)
    expect(sha256(readFileSync(join(entry, 'qemu-aarch64')))).toBe(sha256(binaries.aarch64))
  })

  test('with the interpreter store, a full tool cache is a warning and the store copies serve', async () => {
    mountSmall('1m')
    const store = join(dir, 'interpreters')
    const got = await download(request(['aarch64']), places({ interpreterStore: store }), { manifest: manifest() })
    expect(got.interpreters.get('aarch64')?.path).toBe(join(store, sha256(binaries.aarch64), 'qemu-aarch64'))
    expect(logs).toContainEqual(
      `warning: could not keep QEMU in the tool cache (no space left on the device (ENOSPC) writing to ${small}, which is RUNNER_TOOL_CACHE: free space there or choose another folder); this run uses the copies in the interpreter store`
    )
    expect(files()).toEqual([])
  })
})
