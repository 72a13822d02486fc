/**
 * scripts/package-qemu.mjs for real: Debian's signed qemu-user packages through the machine's own
 * apt sources (apt downloads cached under .cache/qemu-debian/, reused between runs), the amd64 host
 * (aarch64, riscv64) and the arm64 host (x86_64, i386) into temporary folders, twice, as brotli
 * (the default for a new release), and one of them once more as xz; then the action's download
 * code fetching an asset from a server on 127.0.0.1 laid out like a GitHub release
 * (/<owner>/<repo>/releases/download/<tag>/<file>).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { readElf } from '../../src/kernel/elf.js'
import { download, DownloadError, TOOL_NAME, type DownloadOptions, type DownloadRequest } from '../../src/install/download/index.js'
import { MANIFEST, validateManifest, type Manifest } from '../../src/install/manifest.js'
import { probeProgram } from '../../src/checks/probe-programs.js'
import { platformOf, platformOfHeader, type QemuTarget } from '../../src/kernel/platforms.js'
import { buildArchives, SOURCE_BINARIES } from '../helpers/archives.js'
import { startServer, type TestServer } from '../helpers/http-server.js'
import { debianMirror, loadScript, ROOT, runScript, type PackagedRelease, type ScriptRun } from '../helpers/package-qemu.js'
import { command, describeWhen } from '../helpers/requirements.js'

const script = await loadScript()

/** The suite of the shipped default release when this script made it (so its pins can be compared), else Debian 13. */
const shipped = MANIFEST.releases.find(r => r.id === MANIFEST.default) as PackagedRelease | undefined
const SUITE = shipped?.source === 'action' && shipped.debian?.suite ? shipped.debian.suite : 'trixie'
const PLAN: Record<string, QemuTarget[]> = { amd64: ['aarch64', 'riscv64'], arm64: ['x86_64', 'i386'] }
const ARGS = ['--hosts', Object.keys(PLAN).join(','), '--targets', Object.values(PLAN).flat().join(',')]
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

describeWhen(
  [
    command('/usr/bin/apt-get'),
    command('/usr/bin/dpkg-deb'),
    command('/usr/bin/tar'),
    command('/usr/bin/xz'),
    command('/usr/lib/apt/apt-helper'),
    debianMirror(script, SUITE)
  ],
  `package-qemu: Debian ${SUITE}'s signed packages -> single-binary .br assets (and .xz)`,
  () => {
    let dir: string
    let manifestFile: string
    let first: ScriptRun
    let release: PackagedRelease
    let manifest: Manifest
    const timings: string[] = []
    const out = (run: 'first' | 'second') => join(dir, run)
    const files = (run: 'first' | 'second') =>
      readdirSync(out(run))
        .filter(f => /\.(br|xz)$/.test(f))
        .sort()
    const expectedFiles = Object.entries(PLAN)
      .flatMap(([host, targets]) => targets.map(t => script.assetName(t, host, 'br')))
      .sort()
    const decompressed = (file: string) => brotliDecompressSync(readFileSync(file))

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'package-qemu-'))
      // The shipped manifest as it was before any release of the action's own was packaged.
      manifestFile = join(dir, 'manifest.json')
      const before = JSON.parse(readFileSync(join(ROOT, 'src/install/manifest.json'), 'utf8')) as Manifest
      const others = before.releases.filter(r => r.source !== 'action')
      writeFileSync(manifestFile, `${JSON.stringify({ ...before, default: others[0]?.id ?? before.default, releases: others }, null, 2)}\n`)
    })

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true })
      if (timings.length) console.log(`package-qemu timings on this machine:\n${timings.join('\n')}`)
    })

    const expectOk = (run: ScriptRun) =>
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' })

    test('packages the amd64 host (aarch64, riscv64) and the arm64 host (x86_64, i386), and writes the release into the manifest', async () => {
      first = await runScript([SUITE, ...ARGS, '--out', out('first'), '--manifest', '--default', '--manifest-file', manifestFile])
      expectOk(first)
      timings.push(
        `  first run (apt indexes refreshed, .debs ${/downloaded/.test(first.stdout) ? 'downloaded' : 'from the cache'}): ${(first.ms / 1000).toFixed(1)} s`
      )
      expect(files('first')).toEqual(expectedFiles)
      expect(first.stdout).toMatch(/sha256 matches the signed index/)
      expect(first.stdout).toMatch(new RegExp(`as ${SUITE}\\b`))
      const sums = readFileSync(join(out('first'), 'SHA256SUMS'), 'utf8')
      expect(
        sums
          .trim()
          .split('\n')
          .map(l => l.slice(66))
      ).toEqual(expectedFiles)
      for (const f of expectedFiles) expect(sums).toContain(`${sha256(readFileSync(join(out('first'), f)))}  ${f}`)
      manifest = validateManifest(JSON.parse(readFileSync(manifestFile, 'utf8')))
      release = JSON.parse(readFileSync(join(out('first'), 'release.json'), 'utf8')) as PackagedRelease
    }, 1_800_000)

    test('a second run reproduces the same bytes (and --verify-manifest agrees)', async () => {
      expect(first?.code).toBe(0)
      const second = await runScript([SUITE, ...ARGS, '--out', out('second'), '--verify-manifest', '--manifest-file', manifestFile])
      expectOk(second)
      timings.push(`  second run (cached .debs; extracts and compresses again): ${(second.ms / 1000).toFixed(1)} s`)
      expect(second.stdout).toMatch(/cached, sha256 matches the signed index/)
      expect(second.stdout).toMatch(/every file matches manifest.json's release/)
      expect(files('second')).toEqual(expectedFiles)
      for (const f of expectedFiles) {
        expect({ f, sha256: sha256(readFileSync(join(out('second'), f))) }).toEqual({
          f,
          sha256: sha256(readFileSync(join(out('first'), f)))
        })
      }
    }, 1_800_000)

    test("the manifest's release matches the files: source action, tag qemu-v<version>, sha256, size, Debian provenance", () => {
      expect(release).toBeDefined()
      const written = manifest.releases.find(r => r.id === release.id) as PackagedRelease
      expect(manifest.default).toBe(release.id)
      expect(manifest.releases[0]).toBe(written) // the action's own assets come first
      expect(written).toMatchObject({ id: release.qemu, source: 'action', tag: `qemu-v${release.qemu}` })
      expect(release.qemu).toMatch(/^\d+\.\d+\.\d+$/)
      const fallback = MANIFEST.releases.find(r => r.source !== 'action')
      expect(written.fallback).toBe(fallback?.id)
      expect(written.debian).toMatchObject({
        suite: SUITE,
        package: script.packageFor(script.suiteFor(SUITE)),
        compression: script.compressionRecord('br', process.versions.brotli)
      })
      expect(Object.keys(written.debian.versions).sort()).toEqual(Object.keys(PLAN).sort())
      expect(written.assets.map(a => a.file).sort()).toEqual(expectedFiles)
      for (const a of written.assets) {
        const data = readFileSync(join(out('first'), a.file as string))
        expect({ file: a.file, sha256: a.sha256, size: a.size, format: a.format, binarySha256: a.binarySha256 }).toEqual({
          file: script.assetName(a.target as string, a.host, 'br'),
          sha256: sha256(data),
          size: data.length,
          format: 'br',
          binarySha256: sha256(decompressed(join(out('first'), a.file as string)))
        })
        expect(a.digestSource).toMatch(
          new RegExp(
            `^debian: computed by npm run package-qemu from Debian's signed package ${written.debian.package} \\S+ \\(${script.hostRow(a.host).deb}, ${SUITE}; .deb sha256 [0-9a-f]{64}\\)`
          )
        )
        expect(a.url).toBeUndefined()
      }
      // The shipped manifest pins these bytes when it was made from the same Debian packages.
      if (
        shipped?.source === 'action' &&
        shipped.id === release.id &&
        JSON.stringify(shipped.debian?.versions) === JSON.stringify({ ...shipped.debian.versions, ...release.debian.versions })
      ) {
        for (const a of written.assets) {
          const pinned = shipped.assets.find(s => s.host === a.host && s.target === a.target)
          const got = (x: typeof pinned) => ({ file: x?.file, sha256: x?.sha256, size: x?.size, binarySha256: x?.binarySha256 })
          expect(got(pinned)).toEqual(got(a))
        }
      } else {
        console.log(
          `note: Debian ${SUITE} now has ${JSON.stringify(release.debian.versions)}; the shipped manifest pins ${shipped?.id} from ${JSON.stringify(shipped?.debian?.versions)}`
        )
      }
    })

    test('each file is a static program for its host; the amd64-host ones run foreign programs here', async () => {
      expect(release).toBeDefined()
      const bin = join(dir, 'bin')
      mkdirSync(bin, { recursive: true })
      for (const a of release.assets) {
        const path = join(bin, `${a.target}-on-${a.host}`)
        writeFileSync(path, decompressed(join(out('first'), a.file as string)), { mode: 0o755 })
        const elf = await readElf(path)
        const host = platformOf(script.hostRow(a.host).native)
        expect({ path, platform: elf && platformOfHeader(elf.header)?.target, bits: elf?.bits, isStatic: elf?.isStatic }).toEqual({
          path,
          platform: host.target,
          bits: host.bits,
          isStatic: true
        })
      }
      for (const target of PLAN.amd64) {
        const qemu = join(bin, `${target}-on-amd64`)
        expect(execFileSync(qemu, ['--version'], { encoding: 'utf8' })).toMatch(
          new RegExp(`^qemu-${target} version ${release.qemu.replace(/\./g, '\\.')} \\(Debian `)
        )
        const probe = join(bin, `probe-${target}`)
        writeFileSync(probe, probeProgram(target), { mode: 0o755 })
        const run = spawnSync(qemu, [probe], { encoding: 'utf8', timeout: 30_000 })
        expect({ target, status: run.status, stdout: run.stdout }).toEqual({ target, status: 0, stdout: `${target}\n` })
      }
    })

    test('--compression xz: the same interpreter as a .xz file (format xz), and --manifest then makes the release xz only', async () => {
      expect(release).toBeDefined()
      const xzOut = join(dir, 'xz')
      const xzManifest = join(dir, 'manifest-xz.json')
      writeFileSync(xzManifest, readFileSync(manifestFile))
      const run = await runScript([
        SUITE,
        '--hosts',
        'arm64',
        '--targets',
        'x86_64',
        '--compression',
        'xz',
        '--out',
        xzOut,
        '--manifest',
        '--manifest-file',
        xzManifest
      ])
      expectOk(run)
      const name = script.assetName('x86_64', 'arm64', 'xz')
      expect(readdirSync(xzOut).filter(f => /\.(br|xz)$/.test(f))).toEqual([name])
      const binary = execFileSync('xz', ['-dc', join(xzOut, name)], { maxBuffer: 256 * 1024 * 1024 })
      const brotli = release.assets.find(a => a.host === 'arm64' && a.target === 'x86_64')!
      expect(sha256(binary)).toBe(brotli.binarySha256)
      const written = validateManifest(JSON.parse(readFileSync(xzManifest, 'utf8'))).releases.find(
        r => r.id === release.id
      ) as PackagedRelease
      expect(written.assets.map(a => `${a.file} ${a.format}`)).toEqual([`${name} xz`])
      expect(written.assets[0]).toMatchObject({ sha256: sha256(readFileSync(join(xzOut, name))), binarySha256: brotli.binarySha256 })
      expect(written.debian.compression).toMatch(new RegExp(`^xz ${script.XZ_ARGS.join(' ')} \\(XZ Utils `))
    }, 1_800_000)

    test('a suite whose InRelease the keyring cannot verify is refused (same mirror, a keyring without its keys)', async () => {
      // The machine's own Debian sources, pointed at an empty keyring named like Debian's.
      const etc = join(dir, 'etc-apt')
      mkdirSync(join(etc, 'sources.list.d'), { recursive: true })
      const keyring = join(dir, 'debian-archive-empty.gpg')
      writeFileSync(keyring, '')
      const { sources } = script.machineSources()
      writeFileSync(
        join(etc, 'sources.list'),
        sources.map(x => `deb [signed-by=${keyring}] ${x.uri} ${x.suite} ${x.components.join(' ')}\n`).join('')
      )
      const run = await runScript([
        SUITE,
        '--hosts',
        'amd64',
        '--targets',
        'aarch64',
        '--apt-etc',
        etc,
        '--cache-dir',
        join(dir, 'unverified-cache'),
        '--out',
        join(dir, 'unverified'),
        '--allow-missing-index'
      ])
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(
        /package-qemu: apt-get update for \S+ \(amd64\) failed:[\s\S]*NO_PUBKEY[\s\S]*could not be verified with the configured keyring/
      )
      expect(existsSync(join(dir, 'unverified'))).toBe(false)
      expect(existsSync(join(dir, 'unverified-cache', 'debs'))).toBe(false)
    }, 120_000)

    describeWhen(
      [command(SOURCE_BINARIES.aarch64), command(SOURCE_BINARIES.riscv64)],
      "the action's download of an asset from a local release server",
      () => {
        let server: TestServer
        let cache: string
        let logs: string[]
        const REPO = 'me/setup-x86-on-arm'
        const ASSET = script.assetName('aarch64', 'amd64', 'br')
        const releasePath = () => `/${REPO}/releases/download/${release.tag}/${ASSET}`
        const assetBase = () => `${server.base}/${REPO}`
        const request = (over: Partial<DownloadRequest> = {}): DownloadRequest => ({
          targets: ['aarch64'],
          hostArch: 'amd64',
          version: '',
          url: '',
          sha256: '',
          log: m => void logs.push(m),
          ...over
        })
        const downloadWith = (req: DownloadRequest, options: DownloadOptions & { assetBase?: string }) =>
          download(req, { toolCache: cache, tempDir: tmpdir(), assetBase: options.assetBase }, options)
        const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
          const started = process.hrtime.bigint()
          const value = await fn()
          return [value, Number(process.hrtime.bigint() - started) / 1e6]
        }
        const freshCache = () => {
          if (cache) rmSync(cache, { recursive: true, force: true })
          cache = mkdtempSync(join(tmpdir(), 'toolcache-'))
          logs = []
        }

        beforeAll(async () => {
          server = await startServer()
        })
        afterAll(async () => {
          await server?.close()
          if (cache) rmSync(cache, { recursive: true, force: true })
        })

        test('cold: one small request, the binary in the tool cache; warm: no request', async () => {
          expect(release).toBeDefined()
          freshCache()
          const data = readFileSync(join(out('first'), ASSET))
          server.serve(releasePath(), { file: data })
          const [cold, coldMs] = await timed(() => downloadWith(request(), { manifest, assetBase: assetBase() }))
          expect(cold).toMatchObject({ cacheHit: false, version: release.qemu, url: server.url(releasePath()) })
          expect(server.totalRequests()).toBe(1)
          expect(server.requests(releasePath())).toBe(1)
          const path = cold.interpreters.get('aarch64')!.path
          expect(relative(cache, path)).toBe(`${TOOL_NAME}/${release.id}/amd64/qemu-aarch64`)
          expect(sha256(readFileSync(path))).toBe(sha256(decompressed(join(out('first'), ASSET))))
          expect(logs.join('\n')).toMatch(new RegExp(`QEMU ${release.qemu} \\(${release.id} from the action's releases\\)`))

          logs = []
          const [warm, warmMs] = await timed(() => downloadWith(request(), { manifest, assetBase: assetBase() }))
          expect(warm.cacheHit).toBe(true)
          expect(warm.interpreters).toEqual(cold.interpreters)
          expect(server.totalRequests()).toBe(1)
          expect(logs.join('\n')).toMatch(/tool cache hit/)
          timings.push(
            `  download ${ASSET} (${(data.length / 1048576).toFixed(2)} MiB): cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(1)} ms`
          )
        })

        test('a tampered file is refused: nothing cached, no fallback', async () => {
          expect(release).toBeDefined()
          freshCache()
          const data = Buffer.from(readFileSync(join(out('first'), ASSET)))
          data[data.length >> 1] ^= 0x01
          server.serve(releasePath(), { file: data })
          const error = await downloadWith(request(), { manifest, assetBase: assetBase(), retryDelaysMs: [20] }).then(
            got => {
              throw new Error(`expected a refusal, got ${JSON.stringify(got)}`)
            },
            e => e as DownloadError
          )
          expect(error).toBeInstanceOf(DownloadError)
          expect(error.reason).toBe('checksum')
          expect(error.message).toMatch(/sha256 mismatch .*refusing it/)
          expect(server.requests(releasePath())).toBe(1)
          expect(existsSync(join(cache, TOOL_NAME)) ? readdirSync(join(cache, TOOL_NAME)) : []).toEqual([])
          expect(logs.join('\n')).not.toMatch(/falling back/)
        })

        test("a file of another size than the manifest's is refused before its digest (a larger one is cut off)", async () => {
          expect(release).toBeDefined()
          const data = readFileSync(join(out('first'), ASSET))
          for (const [label, file, pattern] of [
            ['larger', Buffer.concat([data, Buffer.alloc(4096)]), new RegExp(`more than the ${data.length} (bytes )?accepted`)],
            [
              'shorter',
              data.subarray(0, data.length - 1),
              new RegExp(`is ${data.length - 1} bytes, the manifest says ${data.length}; refusing it`)
            ]
          ] as const) {
            freshCache()
            server.serve(releasePath(), { file })
            const error = await downloadWith(request(), { manifest, assetBase: assetBase(), retryDelaysMs: [20] }).then(
              () => undefined,
              e => e as DownloadError
            )
            expect({ label, message: error?.message }).toEqual({ label, message: expect.stringMatching(pattern) })
            expect(server.requests(releasePath())).toBe(1)
            expect(existsSync(join(cache, TOOL_NAME)) ? readdirSync(join(cache, TOOL_NAME)) : []).toEqual([])
          }
        })

        test('for comparison: the tarball path (a tonistiigi-style flat tar.gz of two static qemu binaries), cold', async () => {
          expect(release).toBeDefined()
          const fx = buildArchives().flatTarGz
          freshCache()
          const url = server.serve(`/files/${fx.name}`, { file: readFileSync(fx.path) })
          const [got, ms] = await timed(() => downloadWith(request({ url, sha256: fx.sha256 }), {}))
          expect(got.cacheHit).toBe(false)
          timings.push(`  download ${fx.name} (${(fx.bytes / 1048576).toFixed(2)} MiB, the tarball path): cold ${ms.toFixed(0)} ms`)
        })
      }
    )
  }
)
