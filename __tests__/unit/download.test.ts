import { describe, expect, test } from '@jest/globals'
import * as tc from '@actions/tool-cache'
import {
  binaryProblem,
  classifyError,
  classifyStatus,
  customCacheVersion,
  DownloadError,
  downloadWith,
  hostArchOf,
  hostElf,
  planDownload,
  verifyDigest
} from '../../src/install/download.js'
import { MANIFEST, type Manifest } from '../../src/install/manifest.js'
import { PLATFORMS } from '../../src/kernel/platforms.js'
import { file } from '../helpers/requirements.js'

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
  test('a qemu-url cache version is semver that tool-cache takes as explicit', () => {
    for (const sha of [HEX('0'), HEX('a'), '0123456789' + HEX('f').slice(10)]) {
      const version = customCacheVersion(sha)
      expect(version).toBe(`0.0.0-sha256-${sha.slice(0, 12)}`)
      expect(tc.isExplicitVersion(version)).toBe(true)
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

  test('the toolkit timeout and a refused https->http redirect', () => {
    expect(classifyError(new Error('Request timeout: /x.tar.gz')).transient).toBe(true)
    expect(classifyError(new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed')).transient).toBe(false)
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
          { host: 'riscv64', url: 'https://h.invalid/riscv64.tar.gz', format: 'tar.gz', sha256: HEX('d'), digestSource: 'unverified: typed in' }
        ]
      }
    ]
  }
  const env = { GITHUB_SERVER_URL: 'http://127.0.0.1:9', GITHUB_ACTION_REPOSITORY: 'me/setup-x86-on-arm' }
  const base = { hostArch: 'arm64', version: '', url: '', sha256: '' }

  test("the action's own per-target assets first, the fallback release next", () => {
    const { plans } = planDownload({ ...base, targets: ['x86_64', 'i386'] }, manifest, env)
    expect(plans.map(p => p.cacheVersion)).toEqual(['10.0.3-1', '10.2.3-68'])
    expect(plans[0].assets.get('x86_64')?.url).toBe('http://127.0.0.1:9/me/setup-x86-on-arm/releases/download/qemu-v10.0.3-1/qemu-x86_64-linux-arm64.xz')
    expect(plans[0].assets.get('i386')?.sha256).toBe(HEX('b'))
    expect(plans[1].assets.get('x86_64')).toBe(plans[1].assets.get('i386')) // one archive serves both
  })

  test('a release that cannot serve every target, or outside an action, is passed over with the reason', () => {
    const partial = planDownload({ ...base, targets: ['x86_64', 'riscv64'] }, manifest, env)
    expect(partial.plans.map(p => p.cacheVersion)).toEqual(['10.2.3-68'])
    expect(partial.problems).toEqual(['10.0.3-1: no build for a arm64 host serving riscv64'])
    const local = planDownload({ ...base, targets: ['x86_64'] }, manifest, {})
    expect(local.plans.map(p => p.cacheVersion)).toEqual(['10.2.3-68'])
    expect(local.problems[0]).toMatch(/GITHUB_ACTION_REPOSITORY/)
  })

  test('an asset without a digest is not planned; an unverified digest is planned with a note', () => {
    const amd64 = planDownload({ ...base, hostArch: 'amd64', version: '10.2.3-68', targets: ['aarch64'] }, manifest, env)
    expect(amd64.plans).toEqual([])
    expect(amd64.problems[0]).toMatch(/no known sha256 for https:\/\/h.invalid\/amd64.tar.gz.*npm run manifest -- 10.2.3-68/)
    const riscv = planDownload({ ...base, hostArch: 'riscv64', version: '10.2.3', targets: ['x86_64'] }, manifest, env)
    expect(riscv.plans[0].assets.get('x86_64')?.digestNote).toMatch(/^unverified/)
    expect(planDownload({ ...base, targets: ['x86_64'] }, manifest, env).plans[0].assets.get('x86_64')?.digestNote).toBeUndefined()
  })

  test('a version the manifest does not know is an error listing the known ones', () => {
    expect(() => planDownload({ ...base, version: '8.0.0', targets: ['x86_64'] }, manifest, env)).toThrow(
      /qemu-version 8.0.0 is not in this action's manifest \(known: 10.0.3-1 \(default\), 10.2.3-68\); give qemu-url and qemu-sha256/
    )
  })

  test('qemu-url: one asset for every target, cache version from its sha256, format from its name', () => {
    const { plans } = planDownload({ ...base, url: 'http://127.0.0.1:9/q.tar.xz', sha256: `sha256:${HEX('E')}`, targets: ['x86_64', 'i386'] }, manifest, env)
    expect(plans).toHaveLength(1)
    expect(plans[0].cacheVersion).toBe(`0.0.0-sha256-${'e'.repeat(12)}`)
    expect(plans[0].assets.get('i386')).toEqual({ url: 'http://127.0.0.1:9/q.tar.xz', sha256: HEX('e'), format: { container: 'tar', compression: 'xz' } })
    expect(() => planDownload({ ...base, url: 'http://127.0.0.1:9/q.tar.xz', targets: ['x86_64'] }, manifest, env)).toThrow(/needs qemu-sha256/)
  })

  test('the shipped manifest: the default release, and what it can serve without GitHub digests', () => {
    const amd64 = planDownload({ ...base, hostArch: 'amd64', targets: ['aarch64'] }, MANIFEST, env)
    expect(amd64.plans[0]?.cacheVersion).toBe(MANIFEST.default)
    const arm64 = () => planDownload({ ...base, targets: ['x86_64'] }, MANIFEST, env)
    // Until `npm run manifest` fills in GitHub's digest, the arm64 asset is refused, saying why.
    if (MANIFEST.releases.find(r => r.id === MANIFEST.default)?.assets.find(a => a.host === 'arm64')?.sha256 === null) {
      expect(arm64().plans).toEqual([])
      expect(arm64().problems[0]).toMatch(/no known sha256/)
    } else {
      expect(arm64().plans).toHaveLength(1)
    }
  })
})

describe('downloadWith refusals before any request', () => {
  const log = () => undefined
  test('no tool cache', async () => {
    await expect(downloadWith({ targets: ['x86_64'], hostArch: 'arm64', version: '', url: 'http://127.0.0.1:9/q', sha256: HEX('a'), log }, { env: {} })).rejects.toThrow(
      /RUNNER_TOOL_CACHE is not set/
    )
  })
  test('no targets', async () => {
    await expect(downloadWith({ targets: [], hostArch: 'arm64', version: '', url: '', sha256: '', toolCacheDir: '/nonexistent', log })).rejects.toThrow(/no targets/)
  })
  test('nothing verifiable', async () => {
    const manifest: Manifest = {
      default: '1.0.0',
      releases: [{ id: '1.0.0', qemu: '1.0.0', source: 'a/b', assets: [{ host: 'arm64', url: 'http://127.0.0.1:9/x.tar.gz', format: 'tar.gz', sha256: null }] }]
    }
    const attempt = downloadWith({ targets: ['x86_64'], hostArch: 'arm64', version: '', url: '', sha256: '', toolCacheDir: '/nonexistent', log }, { manifest })
    await expect(attempt).rejects.toThrow(/no verifiable QEMU download for a arm64 host serving x86_64: 1.0.0: no known sha256/)
  })
})

const qemu = '/usr/bin/qemu-aarch64-static'
const describeIfQemu = file(qemu).met() ? describe : describe.skip
describeIfQemu('binaryProblem (Debian qemu-user-static)', () => {
  test('a static amd64 program is fine for an amd64 host', async () => {
    expect(await binaryProblem(qemu, 'amd64')).toBeUndefined()
  })
  test('the wrong host, a dynamic program, not ELF', async () => {
    expect(await binaryProblem(qemu, 'arm64')).toMatch(/built for another machine \(ELF e_machine 62, 64-bit\), not this arm64 host/)
    expect(await binaryProblem('/bin/ls', 'amd64')).toMatch(/dynamically linked/)
    expect(await binaryProblem('/etc/hostname', 'amd64')).toBe('not an ELF program')
  })
})
