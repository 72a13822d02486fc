/**
 * The root-only interpreter store and the tool cache as a mere download cache: what is registered
 * is the store's copy; a warm run takes it without reading the tool cache; a tool-cache file that
 * was changed (a script, a truncated copy, another program) is never run and is downloaded again;
 * a binary that is not the wanted target's is refused before it is cached. Runs Debian's static
 * qemu-aarch64/qemu-riscv64 of this machine (its own architecture), served from 127.0.0.1.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { machine, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import * as zlib from 'node:zlib'
import { download, entryDir, hostArchOf, type DownloadRequest, type InstallPlaces } from '../../src/install/download/index.js'
import { rootOnlyProblem } from '../../src/kernel/root-files.js'
import type { Manifest } from '../../src/install/manifest.js'
import { asRoot } from '../../src/kernel/privileged.js'
import { sha256 } from '../helpers/archives.js'
import { startServer, type TestServer } from '../helpers/http-server.js'
import { describeWhen, file, root } from '../helpers/requirements.js'

const QEMU = { aarch64: '/usr/bin/qemu-aarch64-static', riscv64: '/usr/bin/qemu-riscv64-static' }
const hostArch = hostArchOf(machine())

describeWhen([root], 'rootOnlyProblem', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'root-only-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('a root-owned file in root-owned folders passes; /tmp above it passes for its sticky bit', async () => {
    await writeFile(join(dir, 'f'), 'x', { mode: 0o755 })
    expect(await rootOnlyProblem(join(dir, 'f'), 'file')).toBeUndefined()
    expect(await rootOnlyProblem(dir, 'directory')).toBeUndefined()
  })

  test('another owner, a group- or world-writable file or folder anywhere above, a missing file', async () => {
    await mkdir(join(dir, 'a/b'), { recursive: true })
    await writeFile(join(dir, 'a/b/f'), 'x', { mode: 0o755 })
    await chown(join(dir, 'a'), 1000, 1000)
    expect(await rootOnlyProblem(join(dir, 'a/b/f'), 'file')).toBe(`${dir}/a is owned by uid 1000, not root`)
    await chown(join(dir, 'a'), 0, 0)
    await chmod(join(dir, 'a'), 0o775)
    expect(await rootOnlyProblem(join(dir, 'a/b/f'), 'file')).toBe(`${dir}/a is writable by its group (mode 775)`)
    await chmod(join(dir, 'a'), 0o755)
    await chmod(join(dir, 'a/b/f'), 0o757)
    expect(await rootOnlyProblem(join(dir, 'a/b/f'), 'file')).toBe(`${dir}/a/b/f is writable by every user (mode 757)`)
    // The sticky bit excuses a folder above, not the file's own.
    await chmod(join(dir, 'a/b'), 0o1777)
    await chmod(join(dir, 'a/b/f'), 0o755)
    expect(await rootOnlyProblem(join(dir, 'a/b/f'), 'file')).toBeUndefined()
    expect(await rootOnlyProblem(join(dir, 'a/b'), 'directory')).toBe(`${dir}/a/b is writable by every user (mode 1777)`)
    expect(await rootOnlyProblem(join(dir, 'a/missing'), 'file')).toBe(`${dir}/a/missing cannot be read (ENOENT)`)
  })

  test('a root-owned link is judged by where it leads', async () => {
    await mkdir(join(dir, 'open'), { mode: 0o777 })
    await chmod(join(dir, 'open'), 0o777)
    await writeFile(join(dir, 'open/f'), 'x', { mode: 0o755 })
    await symlink(join(dir, 'open/f'), join(dir, 'link'))
    expect(await rootOnlyProblem(join(dir, 'link'), 'file')).toBe(`${dir}/open is writable by every user (mode 777)`)
  })
})

describeWhen([root, file(QEMU.aarch64), file(QEMU.riscv64)], `the interpreter store (a ${hostArch} host, as root)`, () => {
  let server: TestServer
  let dir: string
  let places: InstallPlaces
  let logs: string[]
  let marker: string
  const binary = readFileSync(QEMU.aarch64)
  const binarySha = sha256(binary)
  // The project's own assets are brotli single binaries; quality 5 keeps the test quick, the window is theirs.
  const asset = zlib.brotliCompressSync(binary, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 }
  })
  const assetPath = `/releases/qemu-aarch64-linux-${hostArch}.br`

  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    await server.close()
  })
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'store-'))
    places = { toolCache: join(dir, 'tool-cache'), tempDir: join(dir, 'temp'), interpreterStore: join(dir, 'lib/interpreters') }
    marker = join(dir, 'MARKER')
    logs = []
    server.reset()
    server.serve(assetPath, { file: asset })
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const request = (over: Partial<DownloadRequest> = {}): DownloadRequest => ({
    targets: ['aarch64'],
    hostArch,
    version: '',
    url: server.url(assetPath),
    sha256: sha256(asset),
    log: m => void logs.push(m),
    sys: asRoot,
    ...over
  })
  const get = (over: Partial<DownloadRequest> = {}, options: Parameters<typeof download>[2] = {}) =>
    download(request(over), places, { retryDelaysMs: [], ...options })
  const storeCopy = () => join(places.interpreterStore!, binarySha, 'qemu-aarch64')
  const cachedCopy = () => join(entryDir(places.toolCache, `0.0.0-sha256-${sha256(asset).slice(0, 12)}`, hostArch), 'qemu-aarch64')
  const requests = () => server.requests(assetPath)

  test.each([
    // Through sudo: commands busybox has too (its install applet is often missing).
    ['through commands (sudo)', false, ['chmod', 'cp', 'mkdir', 'mv', 'sha256sum']],
    // As root itself: in-process, no command at all.
    ['in-process (root)', true, []]
  ])('cold, %s: the interpreter registered is the store copy, root-owned 0755, named by its sha256', async (_how, inProcess, expected) => {
    const commands: string[] = []
    const sys = {
      ...asRoot,
      inProcess,
      run: (command: string, args: string[], options?: object) => (commands.push(command), asRoot.run(command, args, options))
    }
    const got = await get({ sys })
    expect([...new Set(commands)].sort()).toEqual(expected)
    expect(got.cacheHit).toBe(false)
    expect(got.interpreters.get('aarch64')).toEqual({ path: storeCopy(), version: '7.2.22' })
    const s = statSync(storeCopy())
    expect([s.uid, s.mode & 0o7777]).toEqual([0, 0o755])
    expect(sha256(readFileSync(storeCopy()))).toBe(binarySha)
    expect(storeCopy().length).toBeLessThanOrEqual(127)
    const record = JSON.parse(await readFile(join(places.interpreterStore!, 'assets', sha256(asset), 'qemu-aarch64.json'), 'utf8'))
    expect(record).toMatchObject({ target: 'aarch64', sha256: binarySha, size: binary.length, asset: sha256(asset), version: '7.2.22' })
    expect(sha256(readFileSync(cachedCopy()))).toBe(binarySha) // the tool cache keeps the download too
    // As root the download never touches the caller's (runner-writable) scratch folder; through
    // sudo it is there until taken in. Neither leaves anything behind.
    expect(existsSync(places.tempDir)).toBe(!inProcess)
    if (!inProcess) expect(readdirSync(places.tempDir)).toEqual([])
    expect(readdirSync(join(places.interpreterStore!, '.incoming'))).toEqual([])
  })

  test("as root, a killed run's leftovers in the store's incoming folder are removed; a live run's are kept", async () => {
    const incoming = join(places.interpreterStore!, '.incoming')
    await mkdir(incoming, { recursive: true, mode: 0o700 })
    const dead = spawnSync('true').pid!
    const leftovers = [`qemu-download-${dead}-a1b2c3`, `.qemu-aarch64.${dead}.0123abcd.tmp`]
    await mkdir(join(incoming, leftovers[0]))
    await writeFile(join(incoming, leftovers[0], 'download-0'), 'half a download')
    await writeFile(join(incoming, leftovers[1]), 'half a copy')
    const live = `qemu-download-${process.ppid}-d4e5f6`
    await mkdir(join(incoming, live))
    expect((await get()).interpreters.get('aarch64')?.path).toBe(storeCopy())
    expect(readdirSync(incoming)).toEqual([live])
  })

  test('warm: the store copy is used without the tool cache (even gone, or rewritten as a script)', async () => {
    await get()
    await writeFile(cachedCopy(), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 })
    expect((await get()).interpreters.get('aarch64')?.path).toBe(storeCopy())
    expect(existsSync(marker)).toBe(false)
    await rm(places.toolCache, { recursive: true, force: true })
    logs = []
    const warm = await get()
    expect(warm).toMatchObject({ cacheHit: true, version: '7.2.22' })
    expect(warm.interpreters.get('aarch64')?.path).toBe(storeCopy())
    expect(requests()).toBe(1)
    expect(logs).toEqual([expect.stringMatching(/: cache hit in the interpreter store .* \(root's alone; the tool cache is not read\)$/)])
  })

  const tamperings: [string, (path: string) => Promise<void>][] = [
    [
      'a script that leaves a marker when run',
      async path => writeFile(path, `#!/bin/sh\ntouch ${marker}\necho qemu-aarch64 version 7.2.22\n`, { mode: 0o755 })
    ],
    ['a truncated copy', async path => truncate(path, 4096)],
    [
      'another (dynamically linked) program of the same size',
      async path => {
        const other = Buffer.alloc(binary.length)
        readFileSync('/bin/ls').copy(other)
        await writeFile(path, other, { mode: 0o755 })
      }
    ]
  ]
  test.each(tamperings)('a tool cache file changed into %s is never run and is downloaded again', async (_what, tamper) => {
    await get()
    await tamper(cachedCopy())
    // Without its store copy, the tool cache would be used: its record in the store says what it must be.
    await rm(dirname(storeCopy()), { recursive: true })
    logs = []
    const again = await get()
    expect(existsSync(marker)).toBe(false)
    expect(again.cacheHit).toBe(false)
    expect(again.interpreters.get('aarch64')?.path).toBe(storeCopy())
    expect(sha256(readFileSync(storeCopy()))).toBe(binarySha)
    expect(requests()).toBe(2)
    const said = logs.filter(l => /was changed after it was cached/.test(l))
    expect(said).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the tool cache's qemu-aarch64 \\(${cachedCopy()}\\) was changed after it was cached \\(.*\\): it is not run or registered; downloading it again$`
        )
      )
    ])
    expect(sha256(readFileSync(cachedCopy()))).toBe(binarySha) // the tool cache is mended too
  })

  test('an intact tool cache file fills a missing store copy without a download', async () => {
    await get()
    await rm(dirname(storeCopy()), { recursive: true })
    const again = await get()
    expect(again.cacheHit).toBe(true)
    expect(again.interpreters.get('aarch64')?.path).toBe(storeCopy())
    expect(statSync(storeCopy()).uid).toBe(0)
    expect(requests()).toBe(1)
  })

  test('with no record of it where only root writes, a tool cache file is not trusted', async () => {
    await get()
    await rm(places.interpreterStore!, { recursive: true })
    await get()
    expect(requests()).toBe(2)
    expect(logs.join('\n')).toMatch(/qemu-aarch64 .* is not used: no sha256 of it is kept where only root can write/)
  })

  test("the manifest's pin of the binary's own sha256 is enough to take a tool cache file in; a wrong pin refuses the download", async () => {
    const manifest = (binarySha256: string): Manifest => ({
      default: '7.2.22-1',
      releases: [
        {
          id: '7.2.22-1',
          qemu: '7.2.22',
          source: 'a/b',
          assets: [{ host: hostArch, target: 'aarch64', url: server.url(assetPath), format: 'br', sha256: sha256(asset), binarySha256 }]
        }
      ]
    })
    await get({ url: '', sha256: '' }, { manifest: manifest(binarySha) })
    await rm(places.interpreterStore!, { recursive: true })
    const pinned = await get({ url: '', sha256: '' }, { manifest: manifest(binarySha) })
    expect(pinned).toMatchObject({ cacheHit: true })
    expect(pinned.interpreters.get('aarch64')?.path).toBe(storeCopy())
    expect(requests()).toBe(1)
    await rm(places.interpreterStore!, { recursive: true })
    await rm(places.toolCache, { recursive: true })
    await expect(get({ url: '', sha256: '' }, { manifest: manifest('0'.repeat(64)) })).rejects.toThrow(
      new RegExp(`holds no usable qemu-aarch64: qemu-aarch64-linux-${hostArch}.br: its sha256 is ${binarySha}, the manifest says 0{64}`)
    )
  })

  test('a store someone else can change is refused, saying which folder and why', async () => {
    await mkdir(places.interpreterStore!, { recursive: true })
    await chmod(places.interpreterStore!, 0o777)
    await expect(get()).rejects.toThrow(
      `the interpreter store ${places.interpreterStore} is not safe to register interpreters from: ${places.interpreterStore} is writable by every user (mode 777); it and every folder above it must be root's and writable by root only`
    )
    await chmod(places.interpreterStore!, 0o755)
    await chown(dirname(places.interpreterStore!), 1000, 1000)
    await expect(get()).rejects.toThrow(`${dirname(places.interpreterStore!)} is owned by uid 1000, not root`)
    expect(requests()).toBe(0)
  })

  test('a store too deep for binfmt_misc paths is refused before anything is fetched', async () => {
    places.interpreterStore = join(dir, 'x'.repeat(60))
    await expect(get()).rejects.toThrow(/is too deep: paths in it reach \d+ characters, and binfmt_misc takes at most 127/)
    expect(requests()).toBe(0)
  })

  test('a right sha256 on the wrong build (qemu-riscv64 named qemu-aarch64) is refused before it is cached', async () => {
    const riscv = readFileSync(QEMU.riscv64)
    const url = server.serve('/wrong/qemu-aarch64', { file: riscv })
    await expect(get({ url, sha256: sha256(riscv) })).rejects.toThrow(
      `${url} holds no usable qemu-aarch64: qemu-aarch64: is qemu-riscv64, not qemu-aarch64 (its --version says so)`
    )
    expect(
      existsSync(places.toolCache) &&
        existsSync(join(places.toolCache, 'qemu-user-static', `0.0.0-sha256-${sha256(riscv).slice(0, 12)}`, hostArch))
    ).toBe(false)
    expect(existsSync(join(places.interpreterStore!, sha256(riscv)))).toBe(false)
  })
})
