/**
 * scripts/package-qemu, its pure parts: suites and packages, the host/target table, the
 * machine's apt sources turned into another suite's, ELF checks, the compressions (brotli's fixed
 * settings, a file anyone can remake), the manifest release it writes (and merges, and verifies
 * against). The shipped manifest's own assets are checked here too.
 */
import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'
import { assetUrl, MANIFEST, validateManifest, type Manifest } from '../../src/install/manifest.js'
import { PLATFORMS, hostFamily } from '../../src/kernel/platforms.js'
import { probeProgram } from '../../src/checks/probe-programs.js'
import { readElf } from '../../src/kernel/elf.js'
import { actionAssetBase, type Variables } from '../../src/faces/environment.js'
import { fakeElf } from '../helpers/archives.js'
import { loadScript, ROOT, type BuiltAsset, type PackagedRelease } from '../helpers/package-qemu.js'

const s = await loadScript()
const HEX = (c: string) => c.repeat(64)
const MIRROR = 'http://mirror.invalid/debian'
const SECURITY = 'http://mirror.invalid/debian-security'
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'

describe('suites and packages', () => {
  test('a Debian version or a codename names the suite', () => {
    expect(s.suiteFor('13')).toEqual({ codename: 'trixie', number: 13 })
    expect(s.suiteFor('13.2')).toEqual({ codename: 'trixie', number: 13 })
    expect(s.suiteFor('12')).toEqual({ codename: 'bookworm', number: 12 })
    expect(s.suiteFor('Trixie')).toEqual({ codename: 'trixie', number: 13 })
    expect(s.suiteFor('forky')).toEqual({ codename: 'forky', number: 14 })
    expect(s.suiteFor('sid')).toEqual({ codename: 'sid' })
    expect(() => s.suiteFor('99')).toThrow(/Debian 99 is not a release this script knows/)
    expect(() => s.suiteFor('trixie;rm')).toThrow(/neither a Debian version/)
    expect(() => s.suiteFor('')).toThrow()
  })

  test('Debian 13 ships static binaries in qemu-user; Debian 12 in qemu-user-static, named -static', () => {
    expect(s.packageFor(s.suiteFor('13'))).toBe('qemu-user')
    expect(s.packageFor(s.suiteFor('sid'))).toBe('qemu-user')
    expect(s.packageFor(s.suiteFor('bookworm'))).toBe('qemu-user-static')
    expect(s.memberFor('qemu-user', 'x86_64')).toBe('usr/bin/qemu-x86_64')
    expect(s.memberFor('qemu-user-static', 'x86_64')).toBe('usr/bin/qemu-x86_64-static')
  })

  test('Debian versions and the QEMU version they package', () => {
    expect(s.parseDebVersion('1:10.0.13+ds-0+deb13u1')).toEqual({ epoch: '1', upstream: '10.0.13+ds', revision: '0+deb13u1' })
    expect(s.parseDebVersion('1.37.0')).toEqual({ epoch: '0', upstream: '1.37.0', revision: '' })
    expect(s.upstreamQemu('1:10.0.13+ds-0+deb13u1')).toBe('10.0.13')
    expect(s.upstreamQemu('1:7.2+dfsg-7+deb12u18+b3')).toBe('7.2')
    expect(() => s.parseDebVersion('not a version')).toThrow()
  })

  test('the version a binary reports is read from its bytes', () => {
    const bytes = Buffer.concat([
      Buffer.alloc(100),
      Buffer.from('\0qemu-x86_64 version %s\0'),
      Buffer.from('7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\0'),
      Buffer.alloc(10)
    ])
    expect(s.qemuVersionIn(bytes, '1:7.2+dfsg-7+deb12u18+b3')).toBe('7.2.22')
    expect(s.qemuVersionIn(Buffer.from('10.0.13 (Debian 1:10.0.13+ds-0+deb13u1)'), 'other')).toBe('10.0.13')
    expect(s.qemuVersionIn(Buffer.from('no version here'), 'x')).toBeUndefined()
  })
})

describe('hosts and targets', () => {
  test('every target is one the action knows; no host packages its own family', () => {
    const known = new Set(PLATFORMS.map(p => p.target))
    const machineOf: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', arm: 'armv7l' }
    for (const [host, row] of Object.entries(s.HOSTS)) {
      for (const t of row.targets) expect(known.has(t as never)).toBe(true)
      for (const own of hostFamily(machineOf[host])) expect(row.targets).not.toContain(own)
      expect(hostFamily(machineOf[host])).toContain(row.native) // binaries are checked against the native platform's magic
    }
    expect(s.HOSTS.arm64.targets).toEqual(expect.arrayContaining(['x86_64', 'i386']))
    expect(s.HOSTS.amd64.targets).toEqual(expect.arrayContaining(['aarch64', 'arm', 'riscv64']))
  })

  test('QEMU 10 builds no 64-bit guests on 32-bit hosts: armhf keeps i386 only', () => {
    expect(s.targetsFor('arm', 10, undefined)).toEqual(['i386'])
    expect(s.targetsFor('arm', 7, undefined)).toEqual(['i386', 'x86_64'])
    expect(s.targetsFor('arm64', 10, undefined)).toEqual(['x86_64', 'i386'])
    expect(s.targetsFor('amd64', 10, ['aarch64', 'riscv64', 'x86_64'])).toEqual(['aarch64', 'riscv64'])
  })

  test('host names: Debian or Docker', () => {
    expect(s.hostName('armhf')).toBe('arm')
    expect(s.hostName('arm')).toBe('arm')
    expect(s.hostName('aarch64')).toBe('arm64')
    expect(s.hostName('x86_64')).toBe('amd64')
    expect(() => s.hostName('sparc')).toThrow(/unknown host architecture sparc/)
    expect(s.assetName('x86_64', 'arm64', 'br')).toBe('qemu-x86_64-linux-arm64.br')
    expect(s.assetName('x86_64', 'arm64', 'xz')).toBe('qemu-x86_64-linux-arm64.xz')
  })
})

describe('ELF checks', () => {
  test('a static program for the host passes; others say why not', () => {
    expect(s.binaryProblem(probeProgram('x86_64'), 'amd64')).toBeUndefined()
    expect(s.binaryProblem(probeProgram('aarch64'), 'arm64')).toBeUndefined()
    expect(s.binaryProblem(probeProgram('arm'), 'arm')).toBeUndefined()
    expect(s.binaryProblem(probeProgram('aarch64'), 'amd64')).toMatch(/machine 183 \(64-bit\), not for a amd64 host/)
    expect(s.binaryProblem(probeProgram('i386'), 'amd64')).toMatch(/machine 3 \(32-bit\)/)
    expect(s.binaryProblem(Buffer.from('#!/bin/sh\n'), 'amd64')).toBe('not an ELF file')
  })

  test('a PT_INTERP program header makes it dynamic (/bin/ls here)', async () => {
    const ls = readFileSync('/bin/ls').subarray(0, 65536)
    expect(await readElf('/bin/ls')).toMatchObject({ isStatic: false })
    if (process.arch === 'x64') expect(s.binaryProblem(ls, 'amd64')).toMatch(/dynamically linked/)
  })

  test('an ELF file whose program headers are out of reach is not accepted', () => {
    const head = fakeElf('x', { machine: 62 })
    head.writeBigUInt64LE(1n << 40n, 32) // e_phoff far away
    head.writeUInt16LE(56, 54)
    head.writeUInt16LE(1, 56)
    expect(s.binaryProblem(head, 'amd64')).toMatch(/program headers/)
  })
})

describe("the machine's apt sources, swapped to another suite", () => {
  const deb822 = `Types: deb
# http://snapshot.invalid/archive/debian/20250520T000000Z
URIs: ${MIRROR}
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: ${KEYRING}

Types: deb deb-src
URIs: ${SECURITY}
Suites: bookworm-security
Components: main
Signed-By: ${KEYRING}

Types: deb
URIs: http://disabled.invalid/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb
URIs: http://vendor.invalid/debian
Suites: bookworm
Components: main
Signed-By: /etc/apt/keyrings/vendor.gpg

Types: deb
URIs: http://docker.invalid/linux/debian
Suites: bookworm
Components: stable
Signed-By: /etc/apt/keyrings/docker.asc

Types: deb
URIs: http://inline.invalid/debian
Suites: bookworm-backports
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gzyQZJD+w
 -----END PGP PUBLIC KEY BLOCK-----
`
  const oneLine = `# comment
deb [arch=amd64 trusted=yes] ${MIRROR} bookworm main
deb [ signed-by=${KEYRING} ] ${MIRROR} bookworm-updates main non-free-firmware # trailing
deb-src ${MIRROR} bookworm main
deb ${MIRROR}/flat ./
`

  test('deb822: comments inside a stanza, disabled stanzas, deb-src, inline keys', () => {
    const stanzas = s.parseDeb822(deb822)
    expect(stanzas).toHaveLength(6)
    expect(stanzas[5]['signed-by']).toMatch(/^\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINB.*\n-----END PGP PUBLIC KEY BLOCK-----$/)
    const sources = s.parseSources(deb822, 'deb822')
    expect(sources.map(x => `${x.uri} ${x.suite}`)).toEqual([
      `${MIRROR} bookworm`,
      `${MIRROR} bookworm-updates`,
      `${SECURITY} bookworm-security`,
      'http://vendor.invalid/debian bookworm',
      'http://docker.invalid/linux/debian bookworm',
      'http://inline.invalid/debian bookworm-backports'
    ])
    expect(sources[0]).toEqual({ uri: MIRROR, suite: 'bookworm', components: ['main', 'contrib'], signedBy: KEYRING })
  })

  test('one-line: signed-by kept, every other option (trusted=yes too) dropped, flat repositories left out', () => {
    expect(s.parseSources(oneLine, 'one-line')).toEqual([
      { uri: MIRROR, suite: 'bookworm', components: ['main'], signedBy: undefined },
      { uri: MIRROR, suite: 'bookworm-updates', components: ['main', 'non-free-firmware'], signedBy: KEYRING }
    ])
  })

  test('bookworm -> trixie: same URIs and keyrings, main only, backports and other vendors left out', () => {
    const sources = [...s.parseSources(deb822, 'deb822'), ...s.parseSources(oneLine, 'one-line')]
    const derived = s.deriveSources(sources, 'bookworm', 'trixie')
    expect(derived).toEqual([
      { uri: MIRROR, suite: 'trixie', components: ['main'], signedBy: KEYRING },
      { uri: MIRROR, suite: 'trixie-updates', components: ['main'], signedBy: KEYRING },
      { uri: SECURITY, suite: 'trixie-security', components: ['main'], signedBy: KEYRING }
    ])
    expect(s.renderSources(derived)).toBe(
      `deb [signed-by=${KEYRING}] ${MIRROR} trixie main\ndeb [signed-by=${KEYRING}] ${MIRROR} trixie-updates main\ndeb [signed-by=${KEYRING}] ${SECURITY} trixie-security main\n`
    )
    // No Signed-By: apt's trusted keys; never trusted=yes.
    expect(s.renderSources(s.deriveSources(s.parseSources(oneLine, 'one-line'), 'bookworm', 'trixie'))).toBe(
      `deb ${MIRROR} trixie main\ndeb [signed-by=${KEYRING}] ${MIRROR} trixie-updates main\n`
    )
    expect(s.deriveSources(sources, 'bookworm', 'sid').map(x => x.suite)).toEqual(['sid'])
    expect(s.deriveSources(sources, 'bullseye', 'trixie')).toEqual([])
  })

  test('an inline key is written to a file first', () => {
    const inline = {
      uri: MIRROR,
      suite: 'trixie',
      components: ['main'],
      signedBy: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n-----END PGP PUBLIC KEY BLOCK-----'
    }
    expect(() => s.renderSources([inline])).toThrow(/written to a file first/)
    expect(s.renderSources([inline], new Map([[inline.signedBy, '/tmp/k.asc']]))).toBe(`deb [signed-by=/tmp/k.asc] ${MIRROR} trixie main\n`)
  })

  test("the machine's codename: os-release, else the most common base suite", () => {
    expect(s.machineCodename('ID=debian\nVERSION_CODENAME=bookworm\n', [])).toBe('bookworm')
    expect(s.machineCodename('', s.parseSources(deb822, 'deb822'))).toBe('bookworm')
  })

  test("this machine's own sources give at least one Debian suite to derive from", () => {
    const { sources, codename } = s.machineSources()
    if (!codename || !sources.length) return // not a Debian machine: the integration suite says so
    expect(s.deriveSources(sources, codename, 'trixie').length).toBeGreaterThan(0)
  })

  test('apt runs on private state: lists, cache, sources, no preferences, signed indexes only', () => {
    const o = s.aptOptions({
      arch: 'arm64',
      lists: '/c/lists',
      cache: '/c/cache',
      sourceList: '/c/trixie.list',
      emptyDir: '/c/empty.d',
      preferences: '/c/preferences',
      sandboxRoot: true
    })
    const values = o.filter((_, i) => i % 2 === 1)
    expect(o.filter((_, i) => i % 2 === 0).every(x => x === '-o')).toBe(true)
    expect(values).toEqual(
      expect.arrayContaining([
        'APT::Architecture=arm64',
        'APT::Architectures=arm64',
        'Dir::State::Lists=/c/lists',
        'Dir::Cache=/c/cache',
        'Dir::Etc::SourceList=/c/trixie.list',
        'Dir::Etc::SourceParts=/c/empty.d',
        'Dir::Etc::Preferences=/c/preferences',
        'Dir::Etc::PreferencesParts=/c/empty.d',
        'Acquire::AllowInsecureRepositories=false',
        'APT::Get::AllowUnauthenticated=false',
        'APT::Sandbox::User=root'
      ])
    )
    expect(
      s.aptOptions({ arch: 'amd64', lists: 'l', cache: 'c', sourceList: 's', emptyDir: 'e', preferences: 'p', sandboxRoot: false })
    ).not.toContain('APT::Sandbox::User=root')
  })

  test('apt-cache show output is read field by field', () => {
    const record = s.parseStanza(
      'Package: qemu-user\nVersion: 1:10.0.13+ds-0+deb13u1\nArchitecture: arm64\nDescription: QEMU\n more text\nSHA256: ' +
        HEX('a') +
        '\nSize: 64178608\n'
    )
    expect(record).toMatchObject({
      Package: 'qemu-user',
      Version: '1:10.0.13+ds-0+deb13u1',
      Architecture: 'arm64',
      Description: 'QEMU\nmore text',
      SHA256: HEX('a'),
      Size: '64178608'
    })
  })
})

describe('compression', () => {
  const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

  test('brotli: the highest quality, a 16 MiB window, generic mode, the input length as size hint; new releases use it', () => {
    expect(s.brotliParams(10624760)).toEqual({
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_SIZE_HINT]: 10624760
    })
    expect(s.DEFAULT_COMPRESSION).toBe('br')
    expect(s.compressionRecord('br', '1.1.0')).toBe(`${s.compressionSettings('br')} (brotli 1.1.0)`)
    expect(s.compressionSettings('br')).toBe('node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length')
  })

  test('xz: single-threaded, crc64, a fixed preset', () => {
    expect(s.XZ_ARGS).toContain('-T1')
    expect(s.XZ_ARGS.some(a => /^--check=crc64$/.test(a))).toBe(true)
    expect(s.XZ_ARGS.some(a => /^-[0-9]e?$/.test(a))).toBe(true)
    expect(s.compressionRecord('xz', '5.4.1')).toBe(`xz ${s.XZ_ARGS.join(' ')} (XZ Utils 5.4.1)`)
  })

  test('a .br file is exactly what brotliCompressSync makes with the recorded settings, and decodes to the binary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'package-qemu-br-'))
    try {
      const binary = Buffer.concat([
        probeProgram('aarch64'),
        Buffer.from('qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n'.repeat(50))
      ])
      writeFileSync(join(dir, 'qemu-aarch64'), binary)
      const made = await s.compress('br', join(dir, 'qemu-aarch64'), join(dir, 'a.br'), sha256(binary))
      const again = await s.compress('br', join(dir, 'qemu-aarch64'), join(dir, 'b.br'), sha256(binary))
      const file = readFileSync(join(dir, 'a.br'))
      expect(made).toEqual({ sha256: sha256(file), size: file.length })
      expect(again).toEqual(made)
      expect(file.equals(brotliCompressSync(binary, { params: s.brotliParams(binary.length) }))).toBe(true)
      expect(brotliDecompressSync(file).equals(binary)).toBe(true)
      expect(file.length).toBeLessThan(binary.length / 4)
      // a binary that is not what the caller read (its sha256 differs) is never written
      await expect(s.compress('br', join(dir, 'qemu-aarch64'), join(dir, 'c.br'), HEX('0'))).rejects.toThrow(/does not decompress to/)
      expect(() => readFileSync(join(dir, 'c.br'))).toThrow(/ENOENT/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the manifest release', () => {
  const assets: BuiltAsset[] = [
    { host: 'arm64', target: 'i386', sha256: HEX('2'), size: 1900000, binarySha256: HEX('b') },
    { host: 'amd64', target: 'riscv64', sha256: HEX('4'), size: 2100000, binarySha256: HEX('d') },
    { host: 'arm64', target: 'x86_64', sha256: HEX('1'), size: 1930000, binarySha256: HEX('a') },
    { host: 'amd64', target: 'aarch64', sha256: HEX('3'), size: 2500000, binarySha256: HEX('c') }
  ]
  const made = (over: Partial<Parameters<typeof s.releaseOf>[0]> = {}) =>
    s.releaseOf({
      qemu: '10.0.13',
      suite: 'trixie',
      pkg: 'qemu-user',
      versions: { arm64: '1:10.0.13+ds-0+deb13u1', amd64: '1:10.0.13+ds-0+deb13u1' },
      debs: { arm64: HEX('c'), amd64: HEX('d') },
      assets,
      fallback: '10.2.3-68',
      compression: 'br',
      encoderVersion: '1.1.0',
      ...over
    })
  const base = (): Manifest => JSON.parse(readFileSync(join(ROOT, 'src/install/manifest.json'), 'utf8'))
  const tonistiigi = (): Manifest => ({ ...base(), default: '10.2.3-68', releases: base().releases.filter(r => r.source !== 'action') })

  test("source action, tag qemu-v<version>, one .br file per host and target with the binary's sha256, Debian provenance", () => {
    const r = made()
    expect(r).toMatchObject({ id: '10.0.13', qemu: '10.0.13', source: 'action', tag: 'qemu-v10.0.13', fallback: '10.2.3-68' })
    expect(r.debian).toEqual({
      suite: 'trixie',
      package: 'qemu-user',
      versions: { amd64: '1:10.0.13+ds-0+deb13u1', arm64: '1:10.0.13+ds-0+deb13u1' },
      compression: s.compressionRecord('br', '1.1.0')
    })
    expect(r.assets.map(a => a.file)).toEqual([
      'qemu-aarch64-linux-amd64.br',
      'qemu-riscv64-linux-amd64.br',
      'qemu-x86_64-linux-arm64.br',
      'qemu-i386-linux-arm64.br'
    ])
    expect(r.assets[2]).toEqual({
      host: 'arm64',
      target: 'x86_64',
      file: 'qemu-x86_64-linux-arm64.br',
      format: 'br',
      sha256: HEX('1'),
      binarySha256: HEX('a'),
      size: 1930000,
      digestSource: `debian: computed by npm run package-qemu from Debian's signed package qemu-user 1:10.0.13+ds-0+deb13u1 (arm64, trixie; .deb sha256 ${HEX('c')}), its usr/bin/qemu-x86_64 compressed with ${s.compressionSettings('br')}`
    })
    expect(() => validateManifest(s.mergeRelease(tonistiigi(), r, { setDefault: true }))).not.toThrow()
  })

  test('with --compression xz: .xz files in format xz, recording the xz settings and version', () => {
    const r = made({ compression: 'xz', encoderVersion: '5.4.1' })
    expect(r.debian.compression).toBe(`xz ${s.XZ_ARGS.join(' ')} (XZ Utils 5.4.1)`)
    expect(r.assets[2]).toMatchObject({ file: 'qemu-x86_64-linux-arm64.xz', format: 'xz', binarySha256: HEX('a') })
    expect(r.assets[2].digestSource).toMatch(new RegExp(`compressed with xz ${s.XZ_ARGS.join(' ')}$`))
    expect(s.recordedCompression(r)).toBe('xz')
    expect(s.recordedCompression(made())).toBe('br')
    expect(s.recordedCompression(tonistiigi().releases[0])).toBeUndefined()
  })

  test('merged into the manifest: in front, the default when asked; a subset run keeps the other assets', () => {
    const first = s.mergeRelease(tonistiigi(), made(), { setDefault: true })
    expect(first.default).toBe('10.0.13')
    expect(first.releases.map(r => r.id)).toEqual(['10.0.13', '10.2.3-68'])
    const notDefault = s.mergeRelease(tonistiigi(), made())
    expect(notDefault.default).toBe('10.2.3-68')

    // Only the amd64 host again, with a new riscv64 build: arm64's assets stay.
    const subset = made({
      versions: { amd64: '1:10.0.13+ds-0+deb13u1' },
      debs: { amd64: HEX('e') },
      assets: [{ host: 'amd64', target: 'riscv64', sha256: HEX('5'), size: 2100001, binarySha256: HEX('d') }]
    })
    const merged = s.mergeRelease(first, subset)
    const release = merged.releases[0] as PackagedRelease
    expect(release.assets.map(a => `${a.file} ${a.sha256?.[0]}`)).toEqual([
      'qemu-aarch64-linux-amd64.br 3',
      'qemu-riscv64-linux-amd64.br 5',
      'qemu-x86_64-linux-arm64.br 1',
      'qemu-i386-linux-arm64.br 2'
    ])
    expect(Object.keys(release.debian.versions)).toEqual(['amd64', 'arm64'])
    expect(merged.default).toBe('10.0.13')

    // Newer releases of the action's own come first; others keep their order after them.
    const older = s.mergeRelease(merged, made({ qemu: '7.2.22', fallback: undefined }))
    expect(older.releases.map(r => r.id)).toEqual(['10.0.13', '7.2.22', '10.2.3-68'])
  })

  test('a release packaged again in another compression is that compression only: no .xz kept beside the .br', () => {
    const xz = s.mergeRelease(tonistiigi(), made({ compression: 'xz', encoderVersion: '5.4.1' }), { setDefault: true })
    const onlyArm64 = made({
      versions: { arm64: '1:10.0.13+ds-0+deb13u1' },
      debs: { arm64: HEX('c') },
      assets: assets.filter(a => a.host === 'arm64')
    })
    const release = s.mergeRelease(xz, onlyArm64).releases[0] as PackagedRelease
    expect(release.assets.map(a => a.file)).toEqual(['qemu-x86_64-linux-arm64.br', 'qemu-i386-linux-arm64.br'])
    expect(release.debian.versions).toEqual({ arm64: '1:10.0.13+ds-0+deb13u1' })
    expect(() => validateManifest(s.mergeRelease(xz, onlyArm64))).not.toThrow()
  })

  test('verification against the manifest names each difference', () => {
    const manifest = s.mergeRelease(tonistiigi(), made(), { setDefault: true })
    expect(s.compareWithManifest(manifest, made())).toEqual([])
    const changed = made({
      assets: [
        { ...assets[2], sha256: HEX('9') },
        { host: 'arm', target: 'i386', sha256: HEX('8'), size: 1, binarySha256: HEX('7') }
      ]
    })
    expect(s.compareWithManifest(manifest, changed)).toEqual([
      `qemu-x86_64-linux-arm64.br: built sha256 ${HEX('9')} (1930000 bytes), the manifest pins ${HEX('1')} (1930000 bytes)`,
      "qemu-i386-linux-arm.br: not in the manifest's release 10.0.13"
    ])
    expect(s.compareWithManifest(tonistiigi(), made())).toEqual([
      'the manifest has no release 10.0.13: run with --manifest first, commit, then publish'
    ])
  })

  test('verification: another interpreter inside is named, and another brotli is given as the likely cause', () => {
    const manifest = s.mergeRelease(tonistiigi(), made(), { setDefault: true })
    const otherBinary = made({ assets: [{ ...assets[2], binarySha256: HEX('6') }] })
    expect(s.compareWithManifest(manifest, otherBinary)).toEqual([
      `qemu-x86_64-linux-arm64.br: its interpreter's sha256 is ${HEX('6')}, the manifest pins ${HEX('a')}`
    ])
    const otherEncoder = made({ encoderVersion: '1.2.0', assets: [{ ...assets[2], sha256: HEX('9') }] })
    expect(s.compareWithManifest(manifest, otherEncoder)).toEqual([
      `qemu-x86_64-linux-arm64.br: built sha256 ${HEX('9')} (1930000 bytes), the manifest pins ${HEX('1')} (1930000 bytes)`,
      `the manifest's files were compressed with ${s.compressionRecord('br', '1.1.0')}, these with ${s.compressionRecord('br', '1.2.0')}`
    ])
    // the same bytes from another encoder version are still the pinned bytes
    expect(s.compareWithManifest(manifest, made({ encoderVersion: '1.2.0' }))).toEqual([])
  })

  test('--rebuild takes suite, exact package versions, hosts, targets and compression from the manifest', () => {
    const manifest = s.mergeRelease(tonistiigi(), made(), { setDefault: true })
    expect(s.rebuildPlan(manifest, 'qemu-v10.0.13')).toEqual({
      suite: 'trixie',
      package: 'qemu-user',
      hosts: ['amd64', 'arm64'],
      targets: { amd64: ['aarch64', 'riscv64'], arm64: ['x86_64', 'i386'] },
      versions: { amd64: '1:10.0.13+ds-0+deb13u1', arm64: '1:10.0.13+ds-0+deb13u1' },
      fallback: '10.2.3-68',
      compression: 'br'
    })
    const xz = s.mergeRelease(tonistiigi(), made({ compression: 'xz' }))
    expect(s.rebuildPlan(xz, '10.0.13').compression).toBe('xz')
    const mixed = JSON.parse(JSON.stringify(manifest)) as Manifest
    mixed.releases[0].assets[0].format = 'xz'
    expect(() => s.rebuildPlan(mixed, '10.0.13')).toThrow(/not all of one compression this script makes \(xz, br\)/)
    expect(() => s.rebuildPlan(manifest, '10.2.3-68')).toThrow(/not made by this script/)
    expect(() => s.rebuildPlan(manifest, '1.2.3')).toThrow(/no release 1.2.3/)
  })

  test('SHA256SUMS lines, sorted by file name', () => {
    expect(s.sha256sums(assets, 'br')).toBe(
      `${HEX('3')}  qemu-aarch64-linux-amd64.br\n${HEX('2')}  qemu-i386-linux-arm64.br\n${HEX('4')}  qemu-riscv64-linux-amd64.br\n${HEX('1')}  qemu-x86_64-linux-arm64.br\n`
    )
    expect(s.sha256sums(assets.slice(0, 1), 'xz')).toBe(`${HEX('2')}  qemu-i386-linux-arm64.xz\n`)
  })
})

describe('command line', () => {
  test('a suite with a subset of hosts and targets', () => {
    expect(s.parseArgs(['13', '--hosts', 'amd64,armhf', '--targets=aarch64,riscv64', '--manifest', '--default'])).toMatchObject({
      suite: '13',
      hosts: ['amd64', 'arm'],
      targets: ['aarch64', 'riscv64'],
      manifest: true,
      setDefault: true,
      verify: false,
      compression: undefined
    })
    expect(s.parseArgs(['--rebuild', '10.0.13'])).toMatchObject({ rebuild: '10.0.13', verify: true, suite: undefined, manifest: false })
  })

  test('--compression br or xz; --rebuild --manifest verifies, then writes the release back', () => {
    expect(s.parseArgs(['12', '--compression', 'xz'])).toMatchObject({ compression: 'xz' })
    expect(s.parseArgs(['12', '--compression=br', '--manifest'])).toMatchObject({ compression: 'br', manifest: true })
    expect(s.parseArgs(['--rebuild', '10.0.13', '--manifest', '--default'])).toMatchObject({
      rebuild: '10.0.13',
      verify: true,
      manifest: true,
      setDefault: true
    })
    expect(() => s.parseArgs(['12', '--compression', 'zstd'])).toThrow(/--compression zstd is not one of br, xz/)
    expect(() => s.parseArgs(['--rebuild', '7.2.22', '--compression', 'br'])).toThrow(/--rebuild makes the compression the release records/)
  })

  test('mistakes are named', () => {
    expect(() => s.parseArgs([])).toThrow(/usage: npm run package-qemu/)
    expect(() => s.parseArgs(['13', '--targets', 'sparc'])).toThrow(/unknown target sparc/)
    expect(() => s.parseArgs(['13', '--hosts', 'mips'])).toThrow(/unknown host architecture mips/)
    expect(() => s.parseArgs(['13', '--default'])).toThrow(/--default goes with --manifest/)
    expect(() => s.parseArgs(['13', '--manifest', '--verify-manifest'])).toThrow(/pick one/)
    expect(() => s.parseArgs(['--rebuild', '10.0.13', '--manifest', '--verify-manifest'])).toThrow(/pick one/)
    expect(() => s.parseArgs(['13', '--rebuild', '10.0.13'])).toThrow(/--rebuild takes the suite from the manifest/)
    expect(() => s.parseArgs(['13', '--frobnicate'])).toThrow(/unknown option --frobnicate/)
    expect(() => s.parseArgs(['13', '--jobs', '0'])).toThrow(/--jobs/)
    expect(() => s.parseArgs(['13', '--out'])).toThrow(/--out needs a value/)
    expect(() => s.parseArgs(['13', '--compression'])).toThrow(/--compression needs a value/)
  })
})

describe("the shipped manifest's own assets", () => {
  const own = MANIFEST.releases.filter(r => r.source === 'action') as PackagedRelease[]
  const def = MANIFEST.releases.find(r => r.id === MANIFEST.default) as PackagedRelease

  test("the default release is the action's own: arm64 (x86_64, i386) and amd64 hosts, each pinned with sha256 and size, falling back to a release published elsewhere", () => {
    expect(def.source).toBe('action')
    expect(def.tag).toBe(`qemu-v${def.qemu}`)
    const fallback = MANIFEST.releases.find(r => r.id === def.fallback)
    expect(fallback?.source).not.toBe('action')
    const pairs = def.assets.map(a => `${a.host}/${a.target}`)
    expect(pairs).toEqual(expect.arrayContaining(['arm64/x86_64', 'arm64/i386', 'amd64/aarch64', 'amd64/riscv64']))
  })

  test("the default release is brotli (decoded in-process, no xz program on the runner), with the interpreter's own sha256", () => {
    expect(s.recordedCompression(def)).toBe('br')
    expect(def.debian.compression).toBe(s.compressionRecord('br', def.debian.compression.match(/\(brotli (\S+)\)$/)?.[1]))
    for (const a of def.assets) expect(a).toMatchObject({ format: 'br', binarySha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
  })

  test("their URLs: the release of the repository the action runs from; a local action (uses: ./) is the workflow's own repository", () => {
    const asset = def.assets.find(a => a.host === 'arm64' && a.target === 'x86_64')!
    const server = 'https://git.invalid'
    // The runner's variables say where the action comes from (src/faces/environment.ts); the manifest builds the URL under it.
    const urlFrom = (env: Variables) => assetUrl(def, asset, actionAssetBase(env))
    expect(urlFrom({ GITHUB_SERVER_URL: server, GITHUB_ACTION_REPOSITORY: 'me/setup-x86-on-arm', GITHUB_REPOSITORY: 'user/app' })).toBe(
      `${server}/me/setup-x86-on-arm/releases/download/qemu-v${def.qemu}/qemu-x86_64-linux-arm64.br`
    )
    expect(urlFrom({ GITHUB_SERVER_URL: server, GITHUB_ACTION_REPOSITORY: '', GITHUB_REPOSITORY: 'me/setup-x86-on-arm' })).toBe(
      `${server}/me/setup-x86-on-arm/releases/download/qemu-v${def.qemu}/qemu-x86_64-linux-arm64.br`
    )
    expect(() => urlFrom({ GITHUB_SERVER_URL: server })).toThrow(/GITHUB_ACTION_REPOSITORY/)
  })

  test.each(own.map(r => [r.id, r] as const))(
    'release %s: files named by host, target and compression, digests from Debian, provenance recorded',
    (_id, r) => {
      const compression = s.recordedCompression(r)!
      expect(s.COMPRESSIONS).toContain(compression)
      expect(r.debian.suite).toMatch(/^[a-z]+$/)
      expect(r.debian.compression).toContain(s.compressionSettings(compression))
      for (const a of r.assets) {
        expect(a).toMatchObject({
          file: s.assetName(a.target as string, a.host, compression),
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          size: expect.any(Number)
        })
        if (a.binarySha256 !== undefined) expect(a.binarySha256).toMatch(/^[0-9a-f]{64}$/)
        expect(a.url).toBeUndefined()
        expect(a.digestSource).toMatch(
          new RegExp(
            `^debian: computed by npm run package-qemu from Debian's signed package ${r.debian.package} ${r.debian.versions[a.host].replace(/[+.]/g, '\\$&')} \\(`
          )
        )
        expect(a.digestSource).toMatch(new RegExp(`compressed with ${s.compressionSettings(compression).replace(/[()+.]/g, '\\$&')}$`))
        expect(s.targetsFor(a.host, Number(r.qemu.split('.')[0]), undefined)).toContain(a.target)
      }
    }
  )
})
