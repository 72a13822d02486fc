/**
 * install/download without the network or a real QEMU: host identities, plans, checksums, HTTP
 * against a server on 127.0.0.1 (redirects, timeouts, retries with the waits recorded, not slept),
 * and the tool cache's layout. Nothing here depends on the architecture of the machine it runs on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as toolkit from '@actions/tool-cache'
import { once } from 'node:events'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { machine, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  binaryProblem,
  classifyError,
  classifyStatus,
  customCacheVersion,
  download,
  DownloadError,
  entryDir,
  fetchToFile,
  findEntry,
  hostArchOf,
  hostElf,
  METADATA_FILE,
  planDownload,
  redirectTarget,
  targetProblem,
  TOOL_NAME,
  verifyDigest,
  type InstallPlaces,
  type Plan
} from '../../src/install/download/index.js'
import { cacheState, store } from '../../src/install/download/cache.js'
import { fileSystemProblem } from '../../src/install/download/write-problem.js'
import { isCacheVersion, MANIFEST, type Manifest } from '../../src/install/manifest.js'
import { PLATFORMS } from '../../src/kernel/platforms.js'
import { fakeElf, sha256 } from '../helpers/archives.js'
import { closedPort, selfSignedCertificate, startServer, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen, file } from '../helpers/requirements.js'

const HEX = (c: string) => c.repeat(64)

describe('host architecture', () => {
  test.each([
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['arm64', 'arm64'],
    ['armv7l', 'arm'],
    ['armv6l', 'arm'],
    ['armv8l', 'arm'],
    ['i686', '386'],
    ['riscv64', 'riscv64'],
    ['ppc64le', 'ppc64le'],
    ['s390x', 's390x'],
    ['loongarch64', 'loong64'],
    ['mips64', 'mips64le'],
    [' X86_64\n', 'amd64'],
    ['sparc64', 'sparc64']
  ])('uname -m %j is %s', (machine, arch) => {
    expect(hostArchOf(machine)).toBe(arch)
  })

  test('every platform the action knows has its ELF identity as a host', () => {
    for (const p of PLATFORMS) {
      const arch = p.docker.split('/')[1]
      const elf = hostElf(arch === 'mips64le' ? 'mips64le' : arch)
      expect(elf).toBeDefined()
      // The platform's magic holds the same e_machine (bytes 18-19) and class (byte 4).
      const magic = Buffer.from(p.magic, 'hex')
      const machine = elf!.littleEndian ? magic.readUInt16LE(18) : magic.readUInt16BE(18)
      expect(machine).toBe(elf!.machine)
      expect(magic[4]).toBe(elf!.bits === 64 ? 2 : 1)
    }
  })
})

describe('checksums and cache keys', () => {
  test('a qemu-url cache version is a tool-cache version (semver, its own folder name)', () => {
    for (const sha of [HEX('0'), HEX('a'), '0123456789' + HEX('f').slice(10)]) {
      const version = customCacheVersion(sha)
      expect(version).toBe(`0.0.0-sha256-${sha.slice(0, 12)}`)
      expect(isCacheVersion(version)).toBe(true)
      expect(entryDir('/cache', version, 'arm64')).toBe(`/cache/${TOOL_NAME}/${version}/arm64`)
    }
  })

  test('a matching digest passes, in any case', () => {
    expect(() => verifyDigest(HEX('A'), HEX('a'), 'http://127.0.0.1/x')).not.toThrow()
    expect(() => verifyDigest(HEX('a'), `sha256:${HEX('A')}`, 'http://127.0.0.1/x')).not.toThrow()
  })

  test('a mismatch names both digests and the URL', () => {
    let error: unknown
    try {
      verifyDigest(HEX('b'), HEX('a'), 'http://127.0.0.1/x.tar.gz')
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as DownloadError).reason).toBe('checksum')
    expect((error as Error).message).toMatch(/sha256 mismatch for http:\/\/127.0.0.1\/x.tar.gz: expected a{64}, got b{64}; refusing it/)
  })

  test('no valid expected digest is a refusal too', () => {
    expect(() => verifyDigest(HEX('b'), '', 'http://127.0.0.1/x')).toThrow(/no valid sha256 is known for http:\/\/127.0.0.1\/x/)
    expect(() => verifyDigest(HEX('b'), 'abc', 'http://127.0.0.1/x')).toThrow(DownloadError)
  })
})

describe('HTTP outcomes', () => {
  test.each([
    [200, 'ok'],
    [404, 'not-found'],
    [410, 'not-found'],
    [403, 'fail'],
    [401, 'fail'],
    [400, 'fail'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [304, 'fail']
  ])('status %d: %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind)
  })

  const errno = (code: string, message = `connect ${code}`) => Object.assign(new Error(message), { code })
  test.each([
    ['ECONNREFUSED', false, 'refused'],
    ['ENOTFOUND', false, 'http'],
    ['CERT_HAS_EXPIRED', false, 'http'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', false, 'http'],
    ['ENOSPC', false, 'config'],
    ['ECONNRESET', true, 'http'],
    ['ETIMEDOUT', true, 'http'],
    ['EAI_AGAIN', true, 'http'],
    ['EPIPE', true, 'http']
  ])('%s: transient %s', (code, transient, reason) => {
    expect(classifyError(errno(code))).toMatchObject({ transient, reason })
  })

  test('a timeout is retried; a refused https->http redirect is not', () => {
    expect(classifyError(new Error('Request timeout: /x.tar.gz')).transient).toBe(true)
    let refusal: unknown
    try {
      redirectTarget(new URL('https://h.invalid/a'), 'http://h.invalid/b', 1)
    } catch (err) {
      refusal = err
    }
    expect(classifyError(refusal)).toEqual({
      transient: false,
      reason: 'http',
      message: expect.stringMatching(/^refused a redirect from https to http/)
    })
  })
})

describe('planDownload', () => {
  const manifest: Manifest = {
    default: '10.0.3-1',
    releases: [
      {
        id: '10.0.3-1',
        qemu: '10.0.3',
        source: 'action',
        tag: 'qemu-v10.0.3-1',
        fallback: '10.2.3-68',
        assets: [
          { host: 'arm64', target: 'x86_64', file: 'qemu-x86_64-linux-arm64.xz', format: 'xz', sha256: HEX('a'), digestSource: 'debian' },
          { host: 'arm64', target: 'i386', file: 'qemu-i386-linux-arm64.xz', format: 'xz', sha256: HEX('b'), digestSource: 'debian' }
        ]
      },
      {
        id: '10.2.3-68',
        qemu: '10.2.3',
        source: 'tonistiigi/binfmt',
        tag: 'deploy/v10.2.3-68',
        assets: [
          { host: 'arm64', url: 'https://h.invalid/arm64.tar.gz', format: 'tar.gz', sha256: HEX('c'), digestSource: 'github-api' },
          { host: 'amd64', url: 'https://h.invalid/amd64.tar.gz', format: 'tar.gz', sha256: null, digestSource: 'unknown' },
          {
            host: 'riscv64',
            url: 'https://h.invalid/riscv64.tar.gz',
            format: 'tar.gz',
            sha256: HEX('d'),
            digestSource: 'unverified: typed in'
          }
        ]
      }
    ]
  }
  const assetBase = 'http://127.0.0.1:9/me/setup-x86-on-arm'
  const base = { hostArch: 'arm64', version: '', url: '', sha256: '' }

  test("the action's own per-target assets first, the fallback release next", () => {
    const { plans } = planDownload({ ...base, targets: ['x86_64', 'i386'] }, manifest, assetBase)
    expect(plans.map(p => p.cacheVersion)).toEqual(['10.0.3-1', '10.2.3-68'])
    expect(plans[0].assets.get('x86_64')?.url).toBe(
      'http://127.0.0.1:9/me/setup-x86-on-arm/releases/download/qemu-v10.0.3-1/qemu-x86_64-linux-arm64.xz'
    )
    expect(plans[0].assets.get('i386')?.sha256).toBe(HEX('b'))
    expect(plans[1].assets.get('x86_64')).toBe(plans[1].assets.get('i386')) // one archive serves both
  })

  test('a release that cannot serve every target, or outside an action, is passed over with the reason', () => {
    const partial = planDownload({ ...base, targets: ['x86_64', 'riscv64'] }, manifest, assetBase)
    expect(partial.plans.map(p => p.cacheVersion)).toEqual(['10.2.3-68'])
    expect(partial.problems).toEqual(['10.0.3-1: no build for a arm64 host serving riscv64'])
    const local = planDownload({ ...base, targets: ['x86_64'] }, manifest, undefined)
    expect(local.plans.map(p => p.cacheVersion)).toEqual(['10.2.3-68'])
    expect(local.problems[0]).toMatch(/GITHUB_ACTION_REPOSITORY/)
  })

  test('an asset without a digest is not planned; an unverified digest is planned with a note', () => {
    const amd64 = planDownload({ ...base, hostArch: 'amd64', version: '10.2.3-68', targets: ['aarch64'] }, manifest, assetBase)
    expect(amd64.plans).toEqual([])
    expect(amd64.problems[0]).toMatch(/no known sha256 for https:\/\/h.invalid\/amd64.tar.gz.*npm run manifest -- 10.2.3-68/)
    const riscv = planDownload({ ...base, hostArch: 'riscv64', version: '10.2.3', targets: ['x86_64'] }, manifest, assetBase)
    expect(riscv.plans[0].assets.get('x86_64')?.digestNote).toMatch(/^unverified/)
    expect(planDownload({ ...base, targets: ['x86_64'] }, manifest, assetBase).plans[0].assets.get('x86_64')?.digestNote).toBeUndefined()
  })

  test('a version the manifest does not know is an error listing the known ones', () => {
    expect(() => planDownload({ ...base, version: '8.0.0', targets: ['x86_64'] }, manifest, assetBase)).toThrow(
      /qemu-version 8.0.0 is not in this action's manifest \(known: 10.0.3-1 \(default\), 10.2.3-68\); give qemu-url and qemu-sha256/
    )
  })

  test('qemu-url: one asset for every target, cache version from its sha256, format from its name', () => {
    const { plans } = planDownload(
      { ...base, url: 'http://127.0.0.1:9/q.tar.xz', sha256: `sha256:${HEX('E')}`, targets: ['x86_64', 'i386'] },
      manifest,
      assetBase
    )
    expect(plans).toHaveLength(1)
    expect(plans[0].cacheVersion).toBe(`0.0.0-sha256-${'e'.repeat(12)}`)
    expect(plans[0].assets.get('i386')).toEqual({
      url: 'http://127.0.0.1:9/q.tar.xz',
      sha256: HEX('e'),
      format: { container: 'tar', compression: 'xz' }
    })
    expect(() => planDownload({ ...base, url: 'http://127.0.0.1:9/q.tar.xz', targets: ['x86_64'] }, manifest, assetBase)).toThrow(
      /needs qemu-sha256/
    )
  })

  test('the shipped manifest: the default release, and what it can serve without GitHub digests', () => {
    const amd64 = planDownload({ ...base, hostArch: 'amd64', targets: ['aarch64'] }, MANIFEST, assetBase)
    expect(amd64.plans[0]?.cacheVersion).toBe(MANIFEST.default)
    const arm64 = () => planDownload({ ...base, targets: ['x86_64'] }, MANIFEST, assetBase)
    // Until `npm run manifest` fills in GitHub's digest, the arm64 asset is refused, saying why.
    if (MANIFEST.releases.find(r => r.id === MANIFEST.default)?.assets.find(a => a.host === 'arm64')?.sha256 === null) {
      expect(arm64().plans).toEqual([])
      expect(arm64().problems[0]).toMatch(/no known sha256/)
    } else {
      expect(arm64().plans).toHaveLength(1)
    }
  })
})

describe('download refusals before any request', () => {
  const log = () => undefined
  const places: InstallPlaces = { toolCache: '/nonexistent', tempDir: tmpdir() }
  test('no tool cache', async () => {
    await expect(
      download(
        { targets: ['x86_64'], hostArch: 'arm64', version: '', url: 'http://127.0.0.1:9/q', sha256: HEX('a'), log },
        { ...places, toolCache: '' }
      )
    ).rejects.toThrow(/no tool cache folder was given/)
  })
  test('no targets', async () => {
    await expect(download({ targets: [], hostArch: 'arm64', version: '', url: '', sha256: '', log }, places)).rejects.toThrow(/no targets/)
  })
  test('nothing verifiable', async () => {
    const manifest: Manifest = {
      default: '1.0.0',
      releases: [
        {
          id: '1.0.0',
          qemu: '1.0.0',
          source: 'a/b',
          assets: [{ host: 'arm64', url: 'http://127.0.0.1:9/x.tar.gz', format: 'tar.gz', sha256: null }]
        }
      ]
    }
    const attempt = download({ targets: ['x86_64'], hostArch: 'arm64', version: '', url: '', sha256: '', log }, places, { manifest })
    await expect(attempt).rejects.toThrow(/no verifiable QEMU download for a arm64 host serving x86_64: 1.0.0: no known sha256/)
  })
})

describe('binaryProblem', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'binary-problem-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const write = async (name: string, data: Buffer) => {
    const path = join(dir, name)
    await writeFile(path, data)
    return path
  }

  test('a static program for the host is fine, for every host the action knows', async () => {
    for (const arch of ['amd64', 'arm64', 'arm', '386', 'riscv64', 'ppc64le', 's390x', 'loong64', 'mips64le']) {
      const elf = hostElf(arch)!
      const path = await write(`static-${arch}`, fakeElf('x', elf))
      expect({ arch, problem: await binaryProblem(path, arch) }).toEqual({ arch, problem: undefined })
    }
  })

  test('another host, another byte order, a dynamic program, not ELF', async () => {
    const amd64 = await write('amd64', fakeElf('x', hostElf('amd64')!))
    expect(await binaryProblem(amd64, 'arm64')).toBe('built for another machine (ELF e_machine 62, 64-bit), not this arm64 host')
    const bigEndian = await write('s390x-le', fakeElf('x', { ...hostElf('s390x')!, littleEndian: true }))
    expect(await binaryProblem(bigEndian, 's390x')).toBe('built for another machine (ELF e_machine 22, 64-bit), not this s390x host')
    const dynamic = await write('dynamic', fakeElf('x', { ...hostElf('arm64')!, dynamic: true }))
    expect(await binaryProblem(dynamic, 'arm64')).toMatch(/^dynamically linked: the F flag needs a static interpreter/)
    expect(await binaryProblem(await write('text', Buffer.from('#!/bin/sh\n')), 'arm64')).toBe('not an ELF program')
  })
})

/** This machine's own programs: a static qemu from Debian's qemu-user-static, a dynamic /bin/ls. */
const hostArch = hostArchOf(machine())
const staticQemu = '/usr/bin/qemu-aarch64-static'
describeWhen([file(staticQemu), file('/bin/ls')], `binaryProblem on this ${hostArch} machine's programs`, () => {
  const other = hostArch === 'arm64' ? 'amd64' : 'arm64'
  test('a static program of this host is fine for it', async () => {
    expect(await binaryProblem(staticQemu, hostArch)).toBeUndefined()
  })
  test('the wrong host, a dynamic program, not ELF', async () => {
    const own = hostElf(hostArch)!
    expect(await binaryProblem(staticQemu, other)).toBe(
      `built for another machine (ELF e_machine ${own.machine}, ${own.bits}-bit), not this ${other} host`
    )
    expect(await binaryProblem('/bin/ls', hostArch)).toMatch(/dynamically linked/)
    expect(await binaryProblem(fileURLToPath(import.meta.url), hostArch)).toBe('not an ELF program')
  })
})

describe('what --version says', () => {
  test('the target QEMU was built for is the one wanted, whatever the file is called', () => {
    expect(
      targetProblem('qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7)\nCopyright (c) 2003-2022 Fabrice Bellard\n', 'aarch64')
    ).toBeUndefined()
    expect(targetProblem('qemu-riscv64 version 7.2.22\n', 'aarch64')).toBe('is qemu-riscv64, not qemu-aarch64 (its --version says so)')
    expect(targetProblem('qemu-x86_64 version 10.0.3\n', 'i386')).toBe('is qemu-x86_64, not qemu-i386 (its --version says so)')
    expect(targetProblem('BusyBox v1.36.1 multi-call binary\n', 'x86_64')).toBe(
      'is not a QEMU user-mode interpreter (--version printed "BusyBox v1.36.1 multi-call binary")'
    )
  })
})

describe('file-system errors while caching', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: something, write`), { code })
  test('name the folder, what chose it, and the fix', () => {
    expect(fileSystemProblem(errno('ENOSPC'), '/runner/_work/_tool', 'RUNNER_TOOL_CACHE')).toBe(
      'no space left on the device (ENOSPC) writing to /runner/_work/_tool, which is RUNNER_TOOL_CACHE: free space there or choose another folder'
    )
    expect(fileSystemProblem(errno('EROFS'), '/c', "the command line's cache folder")).toBe(
      "the file system is read-only (EROFS) writing to /c, which is the command line's cache folder: make it writable or choose another folder"
    )
    expect(fileSystemProblem(new Error('not a file-system error'), '/c', 'x')).toBeUndefined()
  })
})

describe('redirect targets', () => {
  const from = new URL('https://h.invalid/releases/download/v1/q.xz')
  const refusal = (location: string | undefined, redirects = 1): string => {
    try {
      return `followed to ${redirectTarget(from, location, redirects).href}`
    } catch (err) {
      return (err as Error).message
    }
  }

  test('relative and absolute Locations resolve against the current URL', () => {
    expect(redirectTarget(from, '../v2/q.xz', 1).href).toBe('https://h.invalid/releases/download/v2/q.xz')
    expect(redirectTarget(from, '/objects/1?sig=2', 1).href).toBe('https://h.invalid/objects/1?sig=2')
    expect(redirectTarget(from, '//cdn.invalid/q.xz', 1).href).toBe('https://cdn.invalid/q.xz')
    expect(redirectTarget(from, 'https://cdn.invalid/q.xz', 5).href).toBe('https://cdn.invalid/q.xz')
    expect(redirectTarget(new URL('http://127.0.0.1:1/a'), 'https://cdn.invalid/q.xz', 1).href).toBe('https://cdn.invalid/q.xz')
  })

  test('only http(s), never https -> http, at most 5', () => {
    expect(refusal('http://h.invalid/q.xz')).toBe(
      'refused a redirect from https to http (http://h.invalid/q.xz): a download that starts on https stays on it'
    )
    expect(refusal('file:///etc/passwd')).toBe('refused a redirect to file:///etc/passwd: only http and https addresses are followed')
    expect(refusal('ftp://h.invalid/q.xz')).toBe('refused a redirect to ftp://h.invalid/q.xz: only http and https addresses are followed')
    expect(refusal('data:text/plain,hi')).toMatch(/^refused a redirect to data:/)
    expect(refusal(undefined)).toBe('a redirect without a Location header')
    expect(refusal('https://h.invalid/q.xz', 6)).toBe('too many redirects (6; at most 5 are followed)')
  })
})

describe('fetchToFile (HTTP on 127.0.0.1)', () => {
  let server: TestServer
  let dir: string
  let logs: string[]
  let waits: number[]
  let n = 0
  const data = Buffer.from('qemu '.repeat(1000))
  /** No real sleeps: each wait is recorded and returns at once. */
  const sleep = async (ms: number) => void waits.push(ms)
  const get = (url: string, options: Parameters<typeof fetchToFile>[3] = {}) => {
    const dest = join(dir, `file-${n++}`)
    return fetchToFile(url, dest, m => void logs.push(m), { sleep, ...options }).then(r => ({ ...r, dest }))
  }
  const failure = (url: string, options: Parameters<typeof fetchToFile>[3] = {}) =>
    get(url, options).then(
      got => {
        throw new Error(`expected a failure, got ${JSON.stringify(got)}`)
      },
      e => e as DownloadError
    )

  beforeAll(async () => {
    server = await startServer()
    dir = await mkdtemp(join(tmpdir(), 'fetch-'))
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })
  beforeEach(() => {
    server.reset()
    logs = []
    waits = []
  })

  test('a file arrives whole, with its sha256', async () => {
    const got = await get(server.serve('/q.xz', { file: data }))
    expect(got).toMatchObject({ sha256: sha256(data), bytes: data.length, attempts: 1 })
    expect(readFileSync(got.dest)).toEqual(data)
  })

  test('relative and absolute redirects are followed', async () => {
    server.serve('/files/q.xz', { file: data })
    server.serve('/a/one', { redirect: '../b/two' })
    server.serve('/b/two', { redirect: '/files/q.xz' })
    server.serve('/abs', { redirect: server.url('/a/one') })
    const got = await get(server.url('/abs'))
    expect(got.sha256).toBe(sha256(data))
    expect([server.requests('/abs'), server.requests('/a/one'), server.requests('/b/two'), server.requests('/files/q.xz')]).toEqual([
      1, 1, 1, 1
    ])
  })

  test('five redirects are followed, a sixth is too many; a loop ends the same way, not retried', async () => {
    server.serve('/files/q.xz', { file: data })
    for (let i = 1; i <= 5; i++) server.serve(`/hop/${i}`, { redirect: i === 5 ? '/files/q.xz' : `/hop/${i + 1}` })
    expect((await get(server.url('/hop/1'))).sha256).toBe(sha256(data))
    server.serve('/loop', { redirect: '/loop' })
    const error = await failure(server.url('/loop'))
    expect(error.message).toBe(`download of ${server.url('/loop')} failed: too many redirects (6; at most 5 are followed)`)
    expect(error.reason).toBe('http')
    expect(server.requests('/loop')).toBe(6)
    expect(waits).toEqual([])
  })

  test('a redirect to file: or ftp: is refused at once', async () => {
    server.serve('/to-file', { redirect: 'file:///etc/passwd' })
    server.serve('/to-ftp', { redirect: 'ftp://127.0.0.1/q.xz' })
    expect((await failure(server.url('/to-file'))).message).toBe(
      `download of ${server.url('/to-file')} failed: refused a redirect to file:///etc/passwd: only http and https addresses are followed`
    )
    expect((await failure(server.url('/to-ftp'))).message).toMatch(/refused a redirect to ftp:\/\/127.0.0.1\/q.xz: only http and https/)
    expect(server.requests('/to-file') + server.requests('/to-ftp')).toBe(2)
    expect(waits).toEqual([])
  })

  test('a URL that is not http(s) is not fetched', async () => {
    expect((await failure('file:///etc/passwd')).message).toBe(
      'download of file:///etc/passwd failed: file: addresses are not downloaded (only http and https)'
    )
  })

  test('5xx, 408 and 429 are retried after the default waits (1, 3, 9 s, up to a quarter more)', async () => {
    const path = '/flaky/q.xz'
    server.serve(path, [{ status: 503 }, { status: 429 }, { status: 500 }, { file: data }])
    const got = await get(server.url(path))
    expect(got).toMatchObject({ sha256: sha256(data), attempts: 4 })
    expect(waits).toHaveLength(3)
    ;[1000, 3000, 9000].forEach((delay, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(delay)
      expect(waits[i]).toBeLessThanOrEqual(delay * 1.25)
    })
    expect(logs[0]).toMatch(
      new RegExp(`^download of ${server.url(path)} failed \\(HTTP 503 Service Unavailable\\); attempt 2 of 4 in 1\\.\\d s$`)
    )
  })

  test('the last failure is reported with the number of attempts; 404 and refused connections are not retried', async () => {
    server.serve('/down', [{ status: 502 }, { status: 408 }])
    const down = await failure(server.url('/down'), { retryDelaysMs: [5, 5] })
    expect(down.message).toBe(`download of ${server.url('/down')} failed: HTTP 408 Request Timeout (after 3 attempts)`)
    expect(waits).toHaveLength(2)
    waits = []
    const missing = await failure(server.url('/missing'))
    expect([missing.message, missing.reason]).toEqual([`download of ${server.url('/missing')} failed: HTTP 404 Not Found`, 'not-found'])
    const refused = await failure(`http://127.0.0.1:${await closedPort()}/q.xz`)
    expect(refused.reason).toBe('refused')
    expect(refused.message).toMatch(/failed: connection refused \(ECONNREFUSED\)$/)
    expect(waits).toEqual([])
  })

  test('no data for the idle timeout: a timeout, named as such, then retried', async () => {
    const path = '/stall/q.xz'
    server.serve(path, [{ slow: data, stallMs: Infinity }, { file: data }])
    const got = await get(server.url(path), { idleTimeoutMs: 200 })
    expect(got.attempts).toBe(2)
    expect(logs[0]).toMatch(/failed \(no data for 0.2 s \(timeout\)\); attempt 2 of 4/)
  })

  test('no answer at all for the idle timeout: a timeout too, and each request is ended, not left open', async () => {
    const closed: Promise<unknown>[] = []
    const silent = createNetServer(socket => {
      closed.push(once(socket, 'close'))
      socket.resume() // reads on, so that the client's end is seen
    })
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/q.xz`
    try {
      const error = await failure(url, { idleTimeoutMs: 200, retryDelaysMs: [0] })
      expect(error.message).toBe(`download of ${url} failed: no data for 0.2 s (timeout) (after 2 attempts)`)
      expect(closed).toHaveLength(2)
      await Promise.all(closed)
    } finally {
      silent.close()
    }
  })

  test('data that keeps coming too slowly meets the deadline, named as such', async () => {
    const path = '/trickle/q.xz'
    server.serve(path, { trickle: data, everyMs: 10 })
    const error = await failure(server.url(path), { idleTimeoutMs: 5_000, deadlineMs: 300, retryDelaysMs: [0] })
    expect(error.message).toBe(`download of ${server.url(path)} failed: the download took longer than 0.3 s (deadline) (after 2 attempts)`)
    expect(logs[0]).toMatch(/failed \(the download took longer than 0.3 s \(deadline\)\); attempt 2 of 2/)
    expect(server.requests(path)).toBe(2)
  })

  test('a transfer cut short is retried and reported with how much arrived; a file over the limit is refused', async () => {
    const path = '/cut/q.xz'
    server.serve(path, { truncate: data, after: 1000 })
    const cut = await failure(server.url(path), { retryDelaysMs: [0] })
    expect(cut.message).toMatch(new RegExp(`failed: .*1000 of ${data.length} bytes.*\\(after 2 attempts\\)$`))
    const big = await failure(server.serve('/big', { file: data }), { maxBytes: 100 })
    expect(big.message).toBe(`download of ${server.url('/big')} failed: the file is ${data.length} bytes, more than the 100 accepted`)
    expect(existsSync(join(dir, `file-${n - 1}`))).toBe(false)
  })
})

describeWhen([command('/usr/bin/openssl')], 'https downloads (a certificate made with openssl)', () => {
  let dir: string
  let tls: TestServer
  let plain: TestServer
  let cert: Buffer
  const data = Buffer.from('over tls '.repeat(800))
  let n = 0
  const get = (url: string, options: Parameters<typeof fetchToFile>[3] = {}) =>
    fetchToFile(url, join(dir, `file-${n++}`), () => undefined, { retryDelaysMs: [], ...options })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fetch-tls-'))
    const pair = selfSignedCertificate(dir, 'localhost')
    cert = pair.cert
    tls = await startServer(pair)
    plain = await startServer()
  }, 30_000)
  afterAll(async () => {
    await tls?.close()
    await plain?.close()
    await rm(dir, { recursive: true, force: true })
  })
  const onTls = (path: string) => tls.url(path).replace('127.0.0.1', 'localhost')

  test('an http address that redirects to https is followed, the certificate checked', async () => {
    tls.serve('/q.br', { file: data })
    plain.serve('/q.br', { redirect: onTls('/q.br') })
    expect((await get(plain.url('/q.br'), { ca: cert })).sha256).toBe(sha256(data))
    const untrusted = (await get(plain.url('/q.br')).catch(e => e)) as DownloadError
    expect(untrusted.message).toMatch(/self[- ]signed certificate/i)
  })

  test('https that redirects to http is refused before the http address is asked', async () => {
    plain.serve('/down.br', { file: data })
    tls.serve('/down.br', { redirect: plain.url('/down.br') })
    const error = (await get(onTls('/down.br'), { ca: cert, retryDelaysMs: [0] }).catch(e => e)) as DownloadError
    expect(error.message).toBe(
      `download of ${onTls('/down.br')} failed: refused a redirect from https to http (${plain.url('/down.br')}): a download that starts on https stays on it`
    )
    expect(plain.requests('/down.br')).toBe(0)
  })
})

describe('the tool cache layout', () => {
  /** @actions/tool-cache on a folder: it reads RUNNER_TOOL_CACHE, and prints ::debug:: lines on stdout (kept out of the test's output). */
  const withToolkit = async <T>(folder: string, work: () => Promise<T>): Promise<T> => {
    const before = process.env.RUNNER_TOOL_CACHE
    const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    process.env.RUNNER_TOOL_CACHE = folder
    try {
      return await work()
    } finally {
      quiet.mockRestore()
      if (before === undefined) delete process.env.RUNNER_TOOL_CACHE
      else process.env.RUNNER_TOOL_CACHE = before
    }
  }
  let root: string
  let scratch: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'toolcache-'))
    scratch = await mkdtemp(join(tmpdir(), 'scratch-'))
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
    await rm(scratch, { recursive: true, force: true })
  })
  const plan = (sha: string): Plan => ({
    label: 'QEMU 7.2.22 (7.2.22-1 from a/b)',
    cacheVersion: '7.2.22-1',
    qemu: '7.2.22',
    assets: new Map([
      ['aarch64', { url: 'http://127.0.0.1:9/q.tar.gz', sha256: sha }],
      ['riscv64', { url: 'http://127.0.0.1:9/q.tar.gz', sha256: sha }]
    ])
  })
  const extracted = async (name: string, content: string) => {
    const path = join(scratch, name)
    await writeFile(path, content)
    return path
  }
  const manifest = (sha: string): Manifest => ({
    default: '7.2.22-1',
    releases: [
      {
        id: '7.2.22-1',
        qemu: '7.2.22',
        source: 'a/b',
        assets: [{ host: 'arm64', url: 'http://127.0.0.1:9/q.tar.gz', format: 'tar.gz', sha256: sha }]
      }
    ]
  })

  test("an entry written here is tool-cache's layout, and found", async () => {
    const p = plan(HEX('c'))
    const state = await cacheState(p, ['aarch64'], 'arm64', root)
    expect(state).toEqual({ present: [], missing: ['aarch64'] })
    const dir = await store(
      p,
      state,
      [
        {
          target: 'aarch64',
          path: await extracted('a', 'A'),
          member: 'qemu-aarch64',
          url: 'http://127.0.0.1:9/q.tar.gz',
          sha256: HEX('c'),
          binarySha256: HEX('1'),
          size: 1,
          version: '7.2.22'
        }
      ],
      'arm64',
      root
    )
    expect(dir).toBe(join(root, TOOL_NAME, '7.2.22-1', 'arm64'))
    expect(readFileSync(`${dir}.complete`, 'utf8')).toBe('')
    expect(statSync(join(dir, 'qemu-aarch64')).mode & 0o777).toBe(0o755)
    expect(JSON.parse(await readFile(join(dir, METADATA_FILE), 'utf8'))).toEqual({
      id: '7.2.22-1',
      qemu: '7.2.22',
      binaries: { aarch64: { url: 'http://127.0.0.1:9/q.tar.gz', sha256: HEX('c'), member: 'qemu-aarch64', version: '7.2.22' } }
    })
    expect(await findEntry(root, '7.2.22-1', 'arm64')).toBe(dir)
    expect(await withToolkit(root, async () => toolkit.find(TOOL_NAME, '7.2.22-1', 'arm64'))).toBe(dir)
    expect(await cacheState(p, ['aarch64', 'riscv64'], 'arm64', root)).toMatchObject({ dir, present: ['aarch64'], missing: ['riscv64'] })
    // A binary from another asset (another sha256) does not count.
    expect(await cacheState(plan(HEX('d')), ['aarch64'], 'arm64', root)).toMatchObject({ dir, present: [], missing: ['aarch64'] })
    // The manifest's asset from another address (a fork's releases, a mirror) is the same file: it counts.
    const mirrored: Plan = { ...p, assets: new Map([['aarch64', { url: 'http://127.0.0.1:9/fork/q.tar.gz', sha256: HEX('c') }]]) }
    expect(await cacheState(mirrored, ['aarch64'], 'arm64', root)).toMatchObject({ present: ['aarch64'] })
  })

  test("a qemu-url's entry serves that URL only: another URL with the same qemu-sha256 is downloaded and checked", async () => {
    const custom = (url: string): Plan => ({
      label: `qemu-url ${url}`,
      cacheVersion: customCacheVersion(HEX('e')),
      assets: new Map([['aarch64', { url, sha256: HEX('e') }]])
    })
    const first = custom('http://127.0.0.1:9/a/qemu-aarch64.xz')
    const verified = {
      target: 'aarch64' as const,
      path: await extracted('a', 'A'),
      member: 'qemu-aarch64',
      url: 'http://127.0.0.1:9/a/qemu-aarch64.xz',
      sha256: HEX('e'),
      binarySha256: HEX('1'),
      size: 1
    }
    await store(first, await cacheState(first, ['aarch64'], 'arm64', root), [verified], 'arm64', root)
    expect(await cacheState(first, ['aarch64'], 'arm64', root)).toMatchObject({ present: ['aarch64'], missing: [] })
    const moved = custom('http://127.0.0.1:9/b/qemu-aarch64.xz')
    expect(await cacheState(moved, ['aarch64'], 'arm64', root)).toMatchObject({ present: [], missing: ['aarch64'] })
  })

  test('adding a target to an entry leaves the binary in use alone', async () => {
    const p = plan(HEX('c'))
    const record = (target: 'aarch64' | 'riscv64', path: string) => ({
      target,
      path,
      member: `qemu-${target}`,
      url: 'http://127.0.0.1:9/q.tar.gz',
      sha256: HEX('c'),
      binarySha256: HEX('1'),
      size: 1
    })
    const dir = await store(
      p,
      await cacheState(p, ['aarch64'], 'arm64', root),
      [record('aarch64', await extracted('a', 'A'))],
      'arm64',
      root
    )
    const inode = statSync(join(dir, 'qemu-aarch64')).ino
    const state = await cacheState(p, ['aarch64', 'riscv64'], 'arm64', root)
    expect(await store(p, state, [record('riscv64', await extracted('r', 'R'))], 'arm64', root)).toBe(dir)
    expect(statSync(join(dir, 'qemu-aarch64')).ino).toBe(inode)
    expect(await cacheState(p, ['aarch64', 'riscv64'], 'arm64', root)).toMatchObject({ present: ['aarch64', 'riscv64'], missing: [] })
  })

  test('an entry cached by @actions/tool-cache (cacheDir) is a cache hit, with no request made', async () => {
    const source = join(scratch, 'entry')
    await mkdir(source)
    await writeFile(join(source, 'qemu-aarch64'), 'A', { mode: 0o755 })
    await writeFile(
      join(source, METADATA_FILE),
      JSON.stringify({
        id: '7.2.22-1',
        qemu: '7.2.22',
        binaries: { aarch64: { url: 'http://127.0.0.1:9/q.tar.gz', sha256: HEX('c'), member: 'qemu-aarch64', version: '7.2.22' } }
      })
    )
    const dir = await withToolkit(root, () => toolkit.cacheDir(source, TOOL_NAME, '7.2.22-1', 'arm64'))
    expect(dir).toBe(join(root, TOOL_NAME, '7.2.22-1', 'arm64'))
    const logs: string[] = []
    const got = await download(
      { targets: ['aarch64'], hostArch: 'arm64', version: '', url: '', sha256: '', log: m => void logs.push(m) },
      { toolCache: root, tempDir: scratch },
      { manifest: manifest(HEX('c')) }
    )
    expect(got).toEqual({
      interpreters: new Map([['aarch64', { path: join(dir, 'qemu-aarch64'), version: '7.2.22' }]]),
      cacheHit: true,
      version: '7.2.22',
      url: 'http://127.0.0.1:9/q.tar.gz'
    })
    expect(logs).toEqual([`QEMU 7.2.22 (7.2.22-1 from a/b): tool cache hit (${dir})`])
  })

  test('a folder without its .complete marker (an interrupted copy) is not an entry', async () => {
    const dir = join(root, TOOL_NAME, '7.2.22-1', 'arm64')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'qemu-aarch64'), 'A', { mode: 0o755 })
    expect(await findEntry(root, '7.2.22-1', 'arm64')).toBeUndefined()
    const logs: string[] = []
    const attempt = download(
      { targets: ['aarch64'], hostArch: 'arm64', version: '', url: '', sha256: '', log: m => void logs.push(m) },
      { toolCache: root, tempDir: scratch },
      { manifest: manifest(HEX('c')), retryDelaysMs: [] }
    )
    await expect(attempt).rejects.toThrow(/^download of http:\/\/127.0.0.1:9\/q.tar.gz failed: connection refused/)
    expect(logs[0]).toBe('QEMU 7.2.22 (7.2.22-1 from a/b): not in the tool cache')
    expect(existsSync(`${dir}.complete`)).toBe(false)
  })
})
