import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  assetFor,
  assetUrl,
  findReleases,
  isCacheVersion,
  knownVersions,
  MANIFEST,
  ManifestError,
  normalizeSha256,
  validateManifest,
  type Manifest,
  type ManifestRelease
} from '../../src/install/manifest.js'
import { entryDir, TOOL_NAME } from '../../src/install/download/index.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const HEX = (c: string) => c.repeat(64)

/** A manifest shaped like issue 8's: the action's own per-target assets first, tonistiigi as fallback. */
const sample: Manifest = {
  default: '10.0.3-1',
  releases: [
    {
      id: '10.0.3-1',
      qemu: '10.0.3',
      source: 'action',
      tag: 'qemu-v10.0.3-1',
      fallback: '10.2.3-68',
      assets: [
        {
          host: 'arm64',
          target: 'x86_64',
          file: 'qemu-x86_64-linux-arm64.xz',
          format: 'xz',
          sha256: HEX('a'),
          size: 1900000,
          digestSource: 'debian'
        },
        {
          host: 'arm64',
          target: 'i386',
          file: 'qemu-i386-linux-arm64.xz',
          format: 'xz',
          sha256: HEX('b'),
          size: 1800000,
          digestSource: 'debian'
        }
      ]
    },
    {
      id: '10.2.3-68',
      qemu: '10.2.3',
      source: 'tonistiigi/binfmt',
      tag: 'deploy/v10.2.3-68',
      assets: [
        { host: 'arm64', url: 'https://h.invalid/qemu_v10.2.3_linux-arm64.tar.gz', format: 'tar.gz', sha256: HEX('c') },
        { host: 'amd64', url: 'https://h.invalid/qemu_v10.2.3_linux-amd64.tar.gz', format: 'tar.gz', sha256: null }
      ]
    },
    {
      id: '9.2.2-58',
      qemu: '9.2.2',
      source: 'tonistiigi/binfmt',
      tag: 'deploy/v9.2.2-58',
      assets: [{ host: 'arm64', url: 'https://h.invalid/qemu_v9.2.2_linux-arm64.tar.gz', format: 'tar.gz', sha256: HEX('d') }]
    }
  ]
}

describe('the shipped manifest', () => {
  test('validates, and its default is a release', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'src/install/manifest.json'), 'utf8'))
    expect(validateManifest(raw)).toBe(raw)
    expect(MANIFEST).toEqual(raw)
    expect(MANIFEST.releases.map(r => r.id)).toContain(MANIFEST.default)
  })

  test('every release id is a tool-cache version, kept as its folder name unchanged (as @actions/tool-cache kept it)', () => {
    for (const r of MANIFEST.releases) {
      expect(isCacheVersion(r.id)).toBe(true)
      expect(entryDir('/cache', r.id, 'arm64')).toBe(`/cache/${TOOL_NAME}/${r.id}/arm64`)
    }
  })

  test('every asset has a digest or says why not, and names the QEMU version of its release', () => {
    for (const r of MANIFEST.releases) {
      for (const a of r.assets) {
        if (a.sha256 === null) expect(a.digestSource).toMatch(/^unknown/)
        else expect(a.sha256).toMatch(/^[0-9a-f]{64}$/)
        if (a.url) expect(decodeURIComponent(a.url)).toContain(r.qemu)
      }
    }
  })

  test('digests not taken from GitHub are marked as such', () => {
    const unverified = MANIFEST.releases
      .flatMap(r => r.assets)
      .filter(a => a.sha256 !== null && !/^(github-api|computed|debian)/.test(a.digestSource ?? ''))
    for (const a of unverified) expect(a.digestSource).toMatch(/^unverified/)
  })
})

describe('validateManifest', () => {
  const broken = (change: (m: Manifest) => void) => {
    const copy = JSON.parse(JSON.stringify(sample)) as Manifest
    change(copy)
    return () => validateManifest(copy)
  }

  test('the sample is valid', () => {
    expect(validateManifest(JSON.parse(JSON.stringify(sample)))).toEqual(sample)
  })

  test("brotli single binaries with the binary's own sha256 pinned (the project's own assets to come)", () => {
    const brotli = broken(
      m =>
        void (m.releases[0].assets[0] = {
          ...m.releases[0].assets[0],
          file: 'qemu-x86_64-linux-arm64.br',
          format: 'br',
          binarySha256: HEX('f')
        })
    )
    expect(brotli().releases[0].assets[0]).toMatchObject({ format: 'br', binarySha256: HEX('f') })
  })

  test.each([
    ['default not a release', (m: Manifest) => void (m.default = '1.2.3'), /default: 1.2.3 is not a release id/],
    ['duplicate ids', (m: Manifest) => void (m.releases[2].id = '10.2.3-68'), /appears twice/],
    ['id not semver', (m: Manifest) => void (m.releases[2].id = 'v9.2.2'), /not a semver version/],
    ['bad sha256', (m: Manifest) => void (m.releases[1].assets[0].sha256 = 'ABC'), /sha256/],
    ['upper-case sha256', (m: Manifest) => void (m.releases[1].assets[0].sha256 = HEX('C')), /sha256/],
    ['url and file', (m: Manifest) => void (m.releases[1].assets[0].file = 'x'), /exactly one of url and file/],
    [
      'file outside the action',
      (m: Manifest) => void (m.releases[1].assets[0] = { ...m.releases[1].assets[0], url: undefined, file: 'x' }),
      /only for source "action"/
    ],
    ['unknown format', (m: Manifest) => void (m.releases[1].assets[0].format = 'zip'), /not a known format/],
    ['unknown target', (m: Manifest) => void ((m.releases[0].assets[0] as { target: string }).target = 'vax'), /not a QEMU target/],
    ['unknown fallback', (m: Manifest) => void (m.releases[0].fallback = '1.0.0'), /fallback/],
    ['no tag for the action', (m: Manifest) => void delete m.releases[0].tag, /tag: is needed/],
    ['bad size', (m: Manifest) => void (m.releases[0].assets[0].size = -1), /size/],
    [
      'bad binary sha256',
      (m: Manifest) => void (m.releases[0].assets[0].binarySha256 = 'abc'),
      /assets\[0\]\.binarySha256: is not 64 lower-case hex digits/
    ],
    [
      'binary sha256 of an archive',
      (m: Manifest) => void (m.releases[1].assets[0].binarySha256 = HEX('e')),
      /binarySha256: is only for a single-interpreter asset/
    ]
  ])('%s', (_name, change, message) => {
    expect(broken(change)).toThrow(ManifestError)
    expect(broken(change)).toThrow(message)
  })
})

describe('lookups', () => {
  const ids = (releases: ManifestRelease[]) => releases.map(r => r.id)

  test('the default, an id, a QEMU version, a minor version', () => {
    expect(ids(findReleases(sample, ''))).toEqual(['10.0.3-1', '10.2.3-68'])
    expect(ids(findReleases(sample, 'default'))).toEqual(['10.0.3-1', '10.2.3-68'])
    expect(ids(findReleases(sample, '10.2.3-68'))).toEqual(['10.2.3-68'])
    expect(ids(findReleases(sample, '9.2.2'))).toEqual(['9.2.2-58'])
    expect(ids(findReleases(sample, '9.2'))).toEqual(['9.2.2-58'])
    expect(ids(findReleases(sample, '10.0.3'))).toEqual(['10.0.3-1', '10.2.3-68'])
    expect(findReleases(sample, '8.0.0')).toEqual([])
    expect(findReleases(sample, '9.2.2-1')).toEqual([])
  })

  test('a fallback cycle ends', () => {
    const cyclic = JSON.parse(JSON.stringify(sample)) as Manifest
    cyclic.releases[1].fallback = '10.0.3-1'
    expect(ids(findReleases(cyclic, ''))).toEqual(['10.0.3-1', '10.2.3-68'])
  })

  test('a per-target asset is preferred to an archive; other hosts get nothing', () => {
    const [own, tonistiigi] = sample.releases
    expect(assetFor(own, 'arm64', 'x86_64')?.file).toBe('qemu-x86_64-linux-arm64.xz')
    expect(assetFor(own, 'arm64', 'riscv64')).toBeUndefined()
    expect(assetFor(own, 'amd64', 'x86_64')).toBeUndefined()
    expect(assetFor(tonistiigi, 'arm64', 'riscv64')?.url).toMatch(/linux-arm64/)
    const mixed = {
      ...tonistiigi,
      assets: [
        ...tonistiigi.assets,
        { host: 'arm64', target: 'riscv64' as const, url: 'https://h.invalid/r.xz', format: 'xz', sha256: HEX('e') }
      ]
    }
    expect(assetFor(mixed, 'arm64', 'riscv64')?.url).toBe('https://h.invalid/r.xz')
    expect(assetFor(mixed, 'arm64', 'x86_64')?.url).toMatch(/tar.gz/)
  })

  test("asset URLs: absolute, or the action's own release download folder", () => {
    const [own, tonistiigi] = sample.releases
    expect(assetUrl(tonistiigi, tonistiigi.assets[0], undefined)).toBe('https://h.invalid/qemu_v10.2.3_linux-arm64.tar.gz')
    expect(assetUrl(own, own.assets[0], 'http://127.0.0.1:8080/someone/setup-x86-on-arm/')).toBe(
      'http://127.0.0.1:8080/someone/setup-x86-on-arm/releases/download/qemu-v10.0.3-1/qemu-x86_64-linux-arm64.xz'
    )
    const slashTag = { ...own, tag: 'qemu/v1' }
    expect(assetUrl(slashTag, own.assets[0], 'https://h.invalid/a/b')).toContain('/download/qemu%2Fv1/')
    expect(() => assetUrl(own, own.assets[0], undefined)).toThrow(/GITHUB_ACTION_REPOSITORY/)
    expect(() => assetUrl(own, own.assets[0], 'https://h.invalid')).toThrow(ManifestError)
    expect(() => assetUrl(own, own.assets[0], 'file:///srv/a/b')).toThrow(/"file:\/\/\/srv\/a\/b" is not an http\(s\) repository address/)
  })

  test('known versions for messages', () => {
    expect(knownVersions(sample)).toBe('10.0.3-1 (default), 10.2.3-68, 9.2.2-58')
  })
})

describe('checksum values', () => {
  test.each([
    [HEX('a'), HEX('a')],
    [`sha256:${HEX('A')}`, HEX('a')],
    [`  ${HEX('b')}\n`, HEX('b')],
    ['abc', undefined],
    [`sha512:${HEX('a')}`, undefined],
    [HEX('g'), undefined],
    [null, undefined],
    [42, undefined]
  ])('%s', (value, normal) => {
    expect(normalizeSha256(value)).toBe(normal)
  })

  test('cache versions', () => {
    expect(isCacheVersion('10.2.3-68')).toBe(true)
    expect(isCacheVersion('0.0.0-sha256-0123456789ab')).toBe(true)
    expect(isCacheVersion('0.0.0-0123')).toBe(false)
    expect(isCacheVersion('10.2')).toBe(false)
  })
})

// ---------------------------------------------------------------------------------------------
// scripts/manifest.mjs, with a release as GitHub's API shows it (written by hand: no GitHub here)

interface Script {
  tagOf(version: string): string | undefined
  pickTag(releases: unknown, qemu: string): string | undefined
  digestOf(value: unknown): string | undefined
  parseRelease(json: unknown, options?: { repository?: string }): { release: ManifestRelease; undigested: string[] }
  addRelease(manifest: Manifest, release: ManifestRelease, options?: { setDefault?: boolean }): Manifest
  formatManifest(manifest: Manifest): string
  parseArgs(argv: string[]): { version: string; setDefault: boolean; repository: string; hashDownloads: boolean; dryRun: boolean }
}

const loadScript = async (): Promise<Script> => (await import(pathToFileURL(join(ROOT, 'scripts/manifest.mjs')).href)) as Script

const asset = (name: string, digest: string | null, extra: Record<string, unknown> = {}) => ({
  url: `https://api.github.invalid/repos/tonistiigi/binfmt/releases/assets/${name.length}`,
  id: 100 + name.length,
  name,
  label: '',
  content_type: 'application/gzip',
  state: 'uploaded',
  size: 28_000_000 + name.length,
  digest,
  download_count: 1234,
  created_at: '2026-05-01T10:00:00Z',
  updated_at: '2026-05-01T10:00:00Z',
  browser_download_url: `https://github.invalid/tonistiigi/binfmt/releases/download/deploy%2Fv10.2.3-68/${name}`,
  ...extra
})

const releaseJson = {
  url: 'https://api.github.invalid/repos/tonistiigi/binfmt/releases/1',
  id: 1,
  tag_name: 'deploy/v10.2.3-68',
  name: 'v10.2.3-68',
  draft: false,
  prerelease: false,
  assets: [
    asset('binfmt_linux-amd64.tar.gz', `sha256:${HEX('0')}`),
    asset('qemu_v10.2.3_linux-amd64.tar.gz', `sha256:${HEX('1')}`),
    asset('qemu_v10.2.3_linux-arm64.tar.gz', `sha256:${HEX('2').toUpperCase()}`),
    asset('qemu_v10.2.3_linux-arm-v7.tar.gz', `sha256:${HEX('3')}`),
    asset('qemu_v10.2.3_linux-arm-v6.tar.gz', `sha256:${HEX('4')}`),
    asset('qemu_v10.2.3_linux-riscv64.tar.gz', null),
    asset('qemu_v10.2.3_linux-s390x.tar.gz', `sha256:${HEX('5')}`, { state: 'starter' }),
    asset('buildkit-qemu_v10.2.3_linux-amd64.tar.gz', `sha256:${HEX('6')}`)
  ]
}

describe('scripts/manifest.mjs', () => {
  test('tags from versions', async () => {
    const s = await loadScript()
    expect(s.tagOf('10.2.3-68')).toBe('deploy/v10.2.3-68')
    expect(s.tagOf('v9.2.2-58')).toBe('deploy/v9.2.2-58')
    expect(s.tagOf('10.2.3')).toBeUndefined()
    const list = [
      { tag_name: 'deploy/v10.2.3-66', draft: false, prerelease: false },
      { tag_name: 'deploy/v10.2.3-68', draft: false, prerelease: false },
      { tag_name: 'deploy/v10.2.3-70', draft: true, prerelease: false },
      { tag_name: 'deploy/v10.2.3-69', draft: false, prerelease: true },
      { tag_name: 'deploy/v9.2.2-58', draft: false, prerelease: false },
      { tag_name: 'buildkit/v10.2.3-68', draft: false, prerelease: false }
    ]
    expect(s.pickTag(list, '10.2.3')).toBe('deploy/v10.2.3-68')
    expect(s.pickTag(list, '8.0.0')).toBeUndefined()
  })

  test('digests', async () => {
    const s = await loadScript()
    expect(s.digestOf(`sha256:${HEX('A')}`)).toBe(HEX('a'))
    expect(s.digestOf(null)).toBeUndefined()
    expect(s.digestOf(`sha512:${HEX('a')}`)).toBeUndefined()
  })

  test('a release becomes a manifest entry, with GitHub digests and no digest where none was published', async () => {
    const s = await loadScript()
    const { release, undigested } = s.parseRelease(releaseJson)
    expect(release).toMatchObject({ id: '10.2.3-68', qemu: '10.2.3', source: 'tonistiigi/binfmt', tag: 'deploy/v10.2.3-68' })
    expect(release.assets.map(a => [a.host, a.sha256])).toEqual([
      ['amd64', HEX('1')],
      ['arm64', HEX('2')],
      ['arm', HEX('3')],
      ['riscv64', null]
    ])
    expect(release.assets[0]).toEqual({
      host: 'amd64',
      url: 'https://github.invalid/tonistiigi/binfmt/releases/download/deploy%2Fv10.2.3-68/qemu_v10.2.3_linux-amd64.tar.gz',
      format: 'tar.gz',
      sha256: HEX('1'),
      size: 28_000_000 + 'qemu_v10.2.3_linux-amd64.tar.gz'.length,
      digestSource: 'github-api'
    })
    expect(undigested).toEqual(['qemu_v10.2.3_linux-riscv64.tar.gz'])
  })

  test('malformed releases are refused', async () => {
    const s = await loadScript()
    expect(() => s.parseRelease({ ...releaseJson, tag_name: 'v10.2.3' })).toThrow(/not deploy\/v<qemu>-<n>/)
    expect(() => s.parseRelease({ ...releaseJson, assets: [] })).toThrow(/has no qemu_v10.2.3_linux-<arch>.tar.gz assets/)
    expect(() => s.parseRelease({ ...releaseJson, assets: [asset('qemu_v9.0.0_linux-amd64.tar.gz', null)] })).toThrow(/names QEMU 9.0.0/)
    expect(() =>
      s.parseRelease({ ...releaseJson, assets: [asset('qemu_v10.2.3_linux-amd64.tar.gz', null, { browser_download_url: 'http://x/y' })] })
    ).toThrow(/https/)
  })

  test('the entry is added to the manifest, which still validates', async () => {
    const s = await loadScript()
    const { release } = s.parseRelease(releaseJson)
    const withDigests = { ...release, assets: release.assets.filter(a => a.sha256) }
    const shipped = JSON.parse(readFileSync(join(ROOT, 'src/install/manifest.json'), 'utf8')) as Manifest
    const next = s.addRelease(shipped, withDigests, { setDefault: true })
    expect(validateManifest(JSON.parse(s.formatManifest(next)))).toEqual(next)
    expect(next.default).toBe('10.2.3-68')
    expect(next.releases.filter(r => r.id === '10.2.3-68')).toHaveLength(1)
    expect(next.releases.find(r => r.id === '10.2.3-68')?.assets.every(a => a.digestSource === 'github-api')).toBe(true)
    // Another release: ordered newest first, the default kept unless asked.
    const older = { ...withDigests, id: '9.2.2-58', qemu: '9.2.2', tag: 'deploy/v9.2.2-58' }
    const both = s.addRelease(next, older)
    expect(both.default).toBe('10.2.3-68')
    expect(both.releases.map(r => r.id).slice(-2)).toEqual(['10.2.3-68', '9.2.2-58'])
    expect(s.addRelease({ ...sample }, older).releases.map(r => r.id)).toEqual(['10.0.3-1', '10.2.3-68', '9.2.2-58'])
    expect(s.formatManifest(both).endsWith('}\n')).toBe(true)
  })

  test('arguments', async () => {
    const s = await loadScript()
    expect(s.parseArgs(['10.2.3-68', '--default'])).toMatchObject({
      version: '10.2.3-68',
      setDefault: true,
      repository: 'tonistiigi/binfmt'
    })
    expect(s.parseArgs(['10.2.3', '--repository=loong64/binfmt', '--hash-downloads'])).toMatchObject({
      repository: 'loong64/binfmt',
      hashDownloads: true
    })
    expect(() => s.parseArgs([])).toThrow(/usage/)
    expect(() => s.parseArgs(['latest'])).toThrow(/usage/)
    expect(() => s.parseArgs(['10.2.3', '--what'])).toThrow(/unknown option/)
  })
})
