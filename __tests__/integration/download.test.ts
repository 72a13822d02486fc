/**
 * install: download against a real HTTP server on 127.0.0.1, with real archives made from
 * Debian's qemu-user-static binaries (x86_64 host programs for the aarch64 and riscv64 targets),
 * and a real tool cache in a temporary folder. This machine is the amd64 host.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import * as zlib from 'node:zlib'
import {
  download as downloadTo,
  DownloadError,
  METADATA_FILE,
  TOOL_NAME,
  type DownloadOptions,
  type DownloadRequest,
  type Downloaded
} from '../../src/install/download/index.js'
import type { Manifest } from '../../src/install/manifest.js'
import { buildArchives, SOURCE_BINARIES, type Fixture, type Fixtures } from '../helpers/archives.js'
import { closedPort, startServer, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen } from '../helpers/requirements.js'

/** Node 22.15+ reads zstd itself; older Node (20 here) uses the zstd program. */
const nativeZstd = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function'
const FAST = { retryDelaysMs: [20, 20, 20] }

/** The download into a request's own tool cache; assetBase is where the action's own assets are. */
type Request = DownloadRequest & { toolCacheDir: string }
const download = (req: Request, options: DownloadOptions & { assetBase?: string } = {}) =>
  downloadTo(req, { toolCache: req.toolCacheDir, tempDir: tmpdir(), assetBase: options.assetBase }, options)
const downloadWith = download

describeWhen(
  [
    command(SOURCE_BINARIES.aarch64),
    command(SOURCE_BINARIES.riscv64),
    command('/usr/bin/xz'),
    command('/usr/bin/dpkg-deb'),
    ...(nativeZstd ? [] : [command('/usr/bin/zstd')])
  ],
  'install: download (HTTP on 127.0.0.1, archives from Debian qemu-user-static)',
  () => {
    let fx: Fixtures
    let server: TestServer
    let cache: string
    let logs: string[]
    const timings: string[] = []
    const sourceSha = Object.fromEntries(
      Object.entries(SOURCE_BINARIES).map(([t, p]) => [t, createHash('sha256').update(readFileSync(p)).digest('hex')])
    )

    beforeAll(async () => {
      fx = buildArchives()
      server = await startServer()
    }, 120_000)

    afterAll(async () => {
      await server?.close()
      if (timings.length) console.log(`download timings on this machine:\n${timings.join('\n')}`)
    })

    beforeEach(async () => {
      if (cache) await rm(cache, { recursive: true, force: true })
      cache = await mkdtemp(join(tmpdir(), 'toolcache-'))
      logs = []
      server.reset()
    })

    afterAll(async () => {
      if (cache) await rm(cache, { recursive: true, force: true })
    })

    const serveFixture = (f: Fixture, path = `/files/${f.name}`) => server.serve(path, { file: readFileSync(f.path) })
    const request = (over: Partial<Request>): Request => ({
      targets: ['aarch64', 'riscv64'],
      hostArch: 'amd64',
      version: '',
      url: '',
      sha256: '',
      toolCacheDir: cache,
      log: m => void logs.push(m),
      ...over
    })

    /** Every file in the tool cache, relative to it. */
    const cached = (): string[] => {
      const out: string[] = []
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, e.name)
          if (e.isDirectory()) walk(p)
          else out.push(relative(cache, p))
        }
      }
      walk(cache)
      return out.sort()
    }

    const expectInterpreters = (got: Downloaded, targets: ('aarch64' | 'riscv64')[]) => {
      expect([...got.interpreters.keys()].sort()).toEqual([...targets].sort())
      for (const t of targets) {
        const { path } = got.interpreters.get(t)!
        expect(path.startsWith(cache)).toBe(true)
        expect(path.endsWith(`/qemu-${t}`)).toBe(true)
        expect(statSync(path).mode & 0o777).toBe(0o755)
        expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(sourceSha[t])
      }
    }

    const unexpected = (got: Downloaded): never => {
      throw new Error(`expected a DownloadError, got ${JSON.stringify(got)}`)
    }

    const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const start = process.hrtime.bigint()
      const value = await fn()
      return [value, Number(process.hrtime.bigint() - start) / 1e6]
    }

    /** Cold, then warm: the second run makes no request and reports a cache hit. */
    async function coldThenWarm(label: string, f: Fixture, targets: ('aarch64' | 'riscv64')[]) {
      const url = serveFixture(f)
      const [cold, coldMs] = await timed(() => download(request({ url, sha256: f.sha256, targets })))
      expect(cold.cacheHit).toBe(false)
      expect(cold.version).toBe('7.2.22')
      expect(cold.url).toBe(url)
      expectInterpreters(cold, targets)
      for (const t of targets) expect(cold.interpreters.get(t)?.version).toBe('7.2.22')
      expect(server.requests(`/files/${f.name}`)).toBe(1)
      const dir = cold.interpreters.get(targets[0])!.path.replace(/\/[^/]+$/, '')
      expect(relative(cache, dir)).toBe(`${TOOL_NAME}/0.0.0-sha256-${f.sha256.slice(0, 12)}/amd64`)
      expect(existsSync(`${dir}.complete`)).toBe(true)

      logs = []
      const [warm, warmMs] = await timed(() => download(request({ url, sha256: f.sha256, targets })))
      expect(warm.cacheHit).toBe(true)
      expect(server.requests(`/files/${f.name}`)).toBe(1)
      expect(warm.version).toBe('7.2.22')
      expect(warm.interpreters).toEqual(cold.interpreters)
      expect(logs.join('\n')).toMatch(/tool cache hit/)
      expect(logs.join('\n')).not.toMatch(/downloading/)
      timings.push(
        `  ${label.padEnd(34)} ${(f.bytes / 1048576).toFixed(1).padStart(5)} MB  cold ${coldMs.toFixed(0).padStart(5)} ms  warm ${warmMs.toFixed(1).padStart(6)} ms`
      )
      return { cold, warm, dir }
    }

    test('flat tar.gz (tonistiigi layout): cold, then warm without a request', async () => {
      await coldThenWarm('flat tar.gz (2 targets)', fx.flatTarGz, ['aarch64', 'riscv64'])
    })

    test('nested tar.xz with ./ prefixes, a link and decoys', async () => {
      const { dir } = await coldThenWarm('nested tar.xz (2 targets)', fx.nestedTarXz, ['aarch64', 'riscv64'])
      const meta = JSON.parse(await readFile(join(dir, METADATA_FILE), 'utf8'))
      expect(meta.binaries.aarch64.member).toBe('qemu-7.2/bin/qemu-aarch64-static')
      expect(meta.binaries.riscv64.member).toBe('qemu-7.2/bin/qemu-riscv64-static')
    })

    test('.deb (data.tar.xz): a real file, and a -static link to another name, followed', async () => {
      const { dir } = await coldThenWarm('.deb, data.tar.xz (2 targets)', fx.debXz, ['aarch64', 'riscv64'])
      const meta = JSON.parse(await readFile(join(dir, METADATA_FILE), 'utf8'))
      expect(meta.binaries.aarch64.member).toBe('usr/bin/qemu-aarch64')
      expect(meta.binaries.riscv64.member).toBe('usr/lib/qemu-user/riscv64-emulator')
    })

    test('.deb with data.tar.zst (Ubuntu builds)', async () => {
      await coldThenWarm('.deb, data.tar.zst (2 targets)', fx.debZst, ['aarch64', 'riscv64'])
    })

    test('a single .xz binary', async () => {
      await coldThenWarm('single .xz binary (1 target)', fx.singleXz, ['aarch64'])
      const url = serveFixture(fx.singleXz)
      await expect(download(request({ url, sha256: fx.singleXz.sha256, targets: ['riscv64'] }))).rejects.toThrow(
        /does not say which target it serves/
      )
    })

    test('the manifest path: version and cache folder from the manifest; a missing target is added to the entry', async () => {
      const url = serveFixture(fx.flatTarGz)
      const manifest: Manifest = {
        default: '7.2.22-1',
        releases: [
          {
            id: '7.2.22-1',
            qemu: '7.2.22',
            source: 'tonistiigi/binfmt',
            tag: 'deploy/v7.2.22-1',
            assets: [{ host: 'amd64', url, format: 'tar.gz', sha256: fx.flatTarGz.sha256, digestSource: 'github-api' }]
          }
        ]
      }
      const first = await downloadWith(request({ targets: ['aarch64'] }), { manifest })
      expect(first).toMatchObject({ cacheHit: false, version: '7.2.22', url })
      const aarch64 = first.interpreters.get('aarch64')!.path
      expect(relative(cache, aarch64)).toBe(`${TOOL_NAME}/7.2.22-1/amd64/qemu-aarch64`)
      expect(cached()).toEqual([
        `${TOOL_NAME}/7.2.22-1/amd64.complete`,
        `${TOOL_NAME}/7.2.22-1/amd64/${METADATA_FILE}`,
        `${TOOL_NAME}/7.2.22-1/amd64/qemu-aarch64`
      ])
      const inode = statSync(aarch64).ino

      // riscv64 too: the entry lacks it, so the archive is fetched again and riscv64 added in place.
      logs = []
      const second = await downloadWith(request({ targets: ['aarch64', 'riscv64'] }), { manifest })
      expect(second.cacheHit).toBe(false)
      expect(server.requests(`/files/${fx.flatTarGz.name}`)).toBe(2)
      expect(logs.join('\n')).toMatch(/the tool cache has aarch64 of aarch64, riscv64; downloading riscv64/)
      expectInterpreters(second, ['aarch64', 'riscv64'])
      expect(statSync(aarch64).ino).toBe(inode) // the binary in use was left alone
      const meta = JSON.parse(await readFile(join(cache, TOOL_NAME, '7.2.22-1', 'amd64', METADATA_FILE), 'utf8'))
      expect(Object.keys(meta.binaries).sort()).toEqual(['aarch64', 'riscv64'])

      const third = await downloadWith(request({ targets: ['riscv64', 'aarch64'] }), { manifest })
      expect(third.cacheHit).toBe(true)
      expect(third.version).toBe('7.2.22')
      expect(server.requests(`/files/${fx.flatTarGz.name}`)).toBe(2)
    })

    test("issue 8's layout: the action's per-target .xz assets, and the fallback when they are missing (404)", async () => {
      const single = readFileSync(fx.singleXz.path)
      server.serve('/me/setup-x86-on-arm/releases/download/qemu-v7.2.22-1/qemu-aarch64-linux-amd64.xz', { file: single })
      const archiveUrl = serveFixture(fx.flatTarGz)
      const manifest: Manifest = {
        default: '7.2.22-1',
        releases: [
          {
            id: '7.2.22-1',
            qemu: '7.2.22',
            source: 'action',
            tag: 'qemu-v7.2.22-1',
            fallback: '7.2.22-100',
            assets: [
              {
                host: 'amd64',
                target: 'aarch64',
                file: 'qemu-aarch64-linux-amd64.xz',
                format: 'xz',
                sha256: fx.singleXz.sha256,
                size: single.length,
                digestSource: 'debian'
              }
            ]
          },
          {
            id: '7.2.22-100',
            qemu: '7.2.22',
            source: 'tonistiigi/binfmt',
            assets: [{ host: 'amd64', url: archiveUrl, format: 'tar.gz', sha256: fx.flatTarGz.sha256 }]
          }
        ]
      }
      const assetBase = `${server.base}/me/setup-x86-on-arm`
      const own = await downloadWith(request({ targets: ['aarch64'] }), { manifest, assetBase })
      expect(own.cacheHit).toBe(false)
      expect(own.url).toMatch(/\/me\/setup-x86-on-arm\/releases\/download\/qemu-v7.2.22-1\/qemu-aarch64-linux-amd64.xz$/)
      expect(relative(cache, own.interpreters.get('aarch64')!.path)).toBe(`${TOOL_NAME}/7.2.22-1/amd64/qemu-aarch64`)
      expect(server.requests(`/files/${fx.flatTarGz.name}`)).toBe(0)

      // A fork that published nothing: 404, one line, then the fallback release.
      logs = []
      const forked = await downloadWith(request({ targets: ['aarch64'] }), {
        manifest,
        assetBase: `${server.base}/fork/setup-x86-on-arm`,
        ...FAST
      })
      expect(forked.cacheHit).toBe(true) // the first release's entry is already cached: no request at all
      expect(server.totalRequests()).toBe(1)
      await rm(join(cache, TOOL_NAME), { recursive: true, force: true })
      const fallback = await downloadWith(request({ targets: ['aarch64'] }), {
        manifest,
        assetBase: `${server.base}/fork/setup-x86-on-arm`,
        ...FAST
      })
      expect(fallback.cacheHit).toBe(false)
      expect(fallback.url).toBe(archiveUrl)
      expect(server.requests('/fork/setup-x86-on-arm/releases/download/qemu-v7.2.22-1/qemu-aarch64-linux-amd64.xz')).toBe(1)
      expect(logs.join('\n')).toMatch(/HTTP 404.*; falling back to QEMU 7.2.22 \(7.2.22-100 from tonistiigi\/binfmt\)/)

      // A fallback with no digest for this host is set aside while planning: the 404 says so.
      await rm(join(cache, TOOL_NAME), { recursive: true, force: true })
      const undigested = {
        ...manifest,
        releases: [manifest.releases[0], { ...manifest.releases[1], assets: [{ ...manifest.releases[1].assets[0], sha256: null }] }]
      }
      const refused = await downloadWith(request({ targets: ['aarch64'] }), {
        manifest: undigested as Manifest,
        assetBase: `${server.base}/fork/setup-x86-on-arm`,
        ...FAST
      }).then(unexpected, e => e as DownloadError)
      expect(refused.message).toMatch(/HTTP 404 Not Found; no fallback download: .*7\.2\.22-100.*sha256/)
    })

    test('a wrong checksum is refused, nothing is extracted or cached, and it is not retried', async () => {
      const url = serveFixture(fx.flatTarGz)
      const wrong = 'f'.repeat(64)
      const attempt = download(request({ url, sha256: wrong }))
      await expect(attempt).rejects.toThrow(DownloadError)
      await expect(download(request({ url, sha256: wrong }))).rejects.toThrow(
        new RegExp(`sha256 mismatch for ${url}: expected f{64}, got ${fx.flatTarGz.sha256}; refusing it`)
      )
      expect(server.requests(`/files/${fx.flatTarGz.name}`)).toBe(2) // one per call: no retry
      expect(cached()).toEqual([])
      expect(logs.join('\n')).not.toMatch(/qemu-aarch64 7/)
    })

    test('404 fails at once, naming the URL', async () => {
      const url = server.url('/missing/qemu.tar.gz')
      const error = await download(request({ url, sha256: fx.flatTarGz.sha256 })).then(unexpected, e => e as DownloadError)
      expect(error).toBeInstanceOf(DownloadError)
      expect(error.message).toBe(`download of ${url} failed: HTTP 404 Not Found`)
      expect(error.reason).toBe('not-found')
      expect(server.requests('/missing/qemu.tar.gz')).toBe(1) // no retry
      expect(logs.join('\n')).not.toMatch(/attempt 2/)
      expect(cached()).toEqual([])
    })

    test('a refused connection fails at once, naming the URL', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/qemu.tar.gz`
      const error = await download(request({ url, sha256: fx.flatTarGz.sha256 })).then(unexpected, e => e as DownloadError)
      expect(error.message).toBe(`download of ${url} failed: connection refused (ECONNREFUSED)`)
      expect(error.reason).toBe('refused')
      expect(logs.join('\n')).not.toMatch(/attempt 2/) // no retry
    })

    test('a 500 is retried with backoff, then the download succeeds', async () => {
      const path = `/flaky/${fx.flatTarGz.name}`
      server.serve(path, [{ status: 500 }, { file: readFileSync(fx.flatTarGz.path) }])
      const got = await download(request({ url: server.url(path), sha256: fx.flatTarGz.sha256 }))
      expect(got.cacheHit).toBe(false)
      expectInterpreters(got, ['aarch64', 'riscv64'])
      expect(server.requests(path)).toBe(2)
      // the default first backoff, as scheduled
      expect(logs.join('\n')).toMatch(/failed \(HTTP 500 Internal Server Error\); attempt 2 of 4 in 1\.\d s/)
    })

    test('5xx and timeouts: retried up to the limit, then a clear failure', async () => {
      const path = '/down/qemu.tar.gz'
      server.serve(path, [{ status: 502 }, { status: 503 }, { status: 500 }, { status: 504 }])
      const error = await downloadWith(request({ url: server.url(path), sha256: fx.flatTarGz.sha256 }), FAST).then(
        unexpected,
        e => e as DownloadError
      )
      expect(error.message).toBe(`download of ${server.url(path)} failed: HTTP 504 Gateway Timeout (after 4 attempts)`)
      expect(server.requests(path)).toBe(4)

      const slow = `/slow/${fx.flatTarGz.name}`
      const data = readFileSync(fx.flatTarGz.path)
      server.serve(slow, [{ slow: data, stallMs: Infinity }, { file: data }])
      const got = await downloadWith(request({ url: server.url(slow), sha256: fx.flatTarGz.sha256 }), { ...FAST, idleTimeoutMs: 300 })
      expect(got.cacheHit).toBe(false)
      expect(server.requests(slow)).toBe(2)
      expect(logs.join('\n')).toMatch(/no data for 0.3 s \(timeout\)|Request timeout/)
    })

    test('a transfer cut short is retried, then fails saying how much arrived; nothing is cached', async () => {
      const path = `/cut/${fx.flatTarGz.name}`
      const data = readFileSync(fx.flatTarGz.path)
      server.serve(path, { truncate: data, after: 1_000_000 })
      const error = await downloadWith(request({ url: server.url(path), sha256: fx.flatTarGz.sha256 }), FAST).then(
        unexpected,
        e => e as DownloadError
      )
      expect(error).toBeInstanceOf(DownloadError)
      // How much the client had taken in when the close reached it depends on the machine: the shape, and less than all.
      const said = new RegExp(
        `^download of ${server.url(path)} failed: the connection closed after (\\d+) of ${data.length} bytes \\(after 4 attempts\\)$`
      )
      expect(error.message).toMatch(said)
      expect(Number(said.exec(error.message)?.[1])).toBeLessThanOrEqual(1_000_000)
      expect(cached()).toEqual([])
    })

    test('a truncated archive (whose sha256 the user gave) fails clearly; nothing is cached', async () => {
      const url = serveFixture(fx.truncatedTarGz)
      const error = await download(request({ url, sha256: fx.truncatedTarGz.sha256 })).then(unexpected, e => e as DownloadError)
      expect(error).toBeInstanceOf(DownloadError)
      expect(error.reason).toBe('archive')
      expect(error.message).toMatch(new RegExp(`^${url}: the gzip data is corrupt or truncated|^${url}: the tar archive is truncated`))
      expect(cached()).toEqual([])
    })

    test('an archive without a needed binary fails naming the target; nothing is cached', async () => {
      const url = serveFixture(fx.withoutRiscv)
      const error = await download(request({ url, sha256: fx.withoutRiscv.sha256 })).then(unexpected, e => e as DownloadError)
      expect(error.message).toBe(`${url} does not hold qemu-riscv64 (looked for qemu-riscv64 and qemu-riscv64-static anywhere in it)`)
      expect(error.reason).toBe('missing-binary')
      expect(cached()).toEqual([])
    })

    test('a dynamically linked binary, or one for another host, is refused', async () => {
      const url = serveFixture(fx.dynamicTarGz)
      await expect(download(request({ url, sha256: fx.dynamicTarGz.sha256, targets: ['aarch64'] }))).rejects.toThrow(
        `${url} holds no usable qemu-aarch64: qemu-aarch64: dynamically linked: the F flag needs a static interpreter`
      )
      const flat = serveFixture(fx.flatTarGz)
      await expect(download(request({ url: flat, sha256: fx.flatTarGz.sha256, hostArch: 'arm64', targets: ['riscv64'] }))).rejects.toThrow(
        /holds no usable qemu-riscv64: qemu-riscv64: built for another machine \(ELF e_machine 62, 64-bit\), not this arm64 host/
      )
      expect(cached()).toEqual([])
    })

    test('redirects are followed; a file that is not what its name says is refused', async () => {
      const target = serveFixture(fx.flatTarGz)
      server.serve('/redirect/q.tar.gz', { redirect: target })
      expect((await download(request({ url: server.url('/redirect/q.tar.gz'), sha256: fx.flatTarGz.sha256 }))).cacheHit).toBe(false)
      const misnamed = server.serve('/misnamed/qemu.tar.xz', { file: readFileSync(fx.flatTarGz.path) })
      await expect(download(request({ url: misnamed, sha256: fx.flatTarGz.sha256, toolCacheDir: join(cache, 'other') }))).rejects.toThrow(
        `${misnamed}: expected a tar.xz file, but its first bytes show it is gzip-compressed`
      )
    })

    test('without the xz program, an .xz download fails saying what to install; nothing is cached', async () => {
      const url = serveFixture(fx.singleXz)
      const path = process.env.PATH
      process.env.PATH = '/nonexistent'
      try {
        const error = await download(request({ url, sha256: fx.singleXz.sha256, targets: ['aarch64'] })).then(
          unexpected,
          e => e as DownloadError
        )
        expect(error.reason).toBe('archive')
        expect(error.message).toMatch(/needs the xz program, which is not on this machine \(Debian\/Ubuntu: apt-get install xz-utils\)/)
      } finally {
        process.env.PATH = path
      }
      expect(cached()).toEqual([])
    })

    test('a mirror URL without a file extension: the format is told from the bytes', async () => {
      const url = server.serve('/blob/5f2a9c', { file: readFileSync(fx.nestedTarXz.path) })
      const got = await download(request({ url, sha256: fx.nestedTarXz.sha256 }))
      expectInterpreters(got, ['aarch64', 'riscv64'])
      expect(logs.join('\n')).toMatch(/read tar.xz 5f2a9c/)
    })
  }
)
