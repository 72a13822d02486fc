import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import {
  ArchiveError,
  ChunkReader,
  compressionOf,
  confirmFormat,
  containerOf,
  decompress,
  extractBinaries,
  fileNameOf,
  formatFromName,
  formatName,
  normalizeMemberPath,
  parseArHeader,
  parseFormat,
  parsePax,
  parseTarHeader,
  resolveLink,
  targetOfBinaryName,
  targetOfMember,
  tarNumber,
  walkTar,
  type ArchiveFormat,
  type TarEntry
} from '../../src/install/archive/index.js'
import type { QemuTarget } from '../../src/kernel/platforms.js'
import { arBuffer, fakeElf, tarBuffer, type TarSpec } from '../helpers/archives.js'
import { command, describeWhen } from '../helpers/requirements.js'

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0])
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])

describe('format names', () => {
  test.each([
    ['tar.gz', { container: 'tar', compression: 'gzip' }, 'tar.gz'],
    ['TGZ', { container: 'tar', compression: 'gzip' }, 'tar.gz'],
    ['tar.xz', { container: 'tar', compression: 'xz' }, 'tar.xz'],
    ['tar.zst', { container: 'tar', compression: 'zstd' }, 'tar.zst'],
    ['tar', { container: 'tar', compression: 'none' }, 'tar'],
    ['deb', { container: 'deb', compression: 'none' }, 'deb'],
    ['xz', { container: 'binary', compression: 'xz' }, 'xz'],
    ['gz', { container: 'binary', compression: 'gzip' }, 'gz'],
    ['br', { container: 'binary', compression: 'brotli' }, 'br'],
    ['tar.br', { container: 'tar', compression: 'brotli' }, 'tar.br'],
    ['binary', { container: 'binary', compression: 'none' }, 'binary']
  ])('%s', (name, format, canonical) => {
    expect(parseFormat(name)).toEqual(format)
    expect(formatName(format as ArchiveFormat)).toBe(canonical)
  })

  test('unknown names', () => {
    expect(parseFormat('zip')).toBeUndefined()
    expect(parseFormat('tar.bz2')).toBeUndefined()
  })

  test.each([
    ['https://github.com/tonistiigi/binfmt/releases/download/deploy%2Fv10.2.3-68/qemu_v10.2.3_linux-arm64.tar.gz', 'tar.gz'],
    ['https://example.invalid/a/qemu.tar.xz?token=1#frag', 'tar.xz'],
    ['http://127.0.0.1:1/pool/q/qemu-user_10.0_arm64.deb', 'deb'],
    ['http://127.0.0.1:1/qemu-x86_64-linux-arm64.xz', 'xz'],
    ['http://127.0.0.1:1/qemu-x86_64.gz', 'gz'],
    ['http://127.0.0.1:1/x.tgz', 'tar.gz'],
    ['http://127.0.0.1:1/Q.TAR.ZST', 'tar.zst']
  ])('format of %s', (url, name) => {
    expect(formatName(formatFromName(url) as ArchiveFormat)).toBe(name)
  })

  test('a name without a known ending gives no format', () => {
    expect(formatFromName('http://127.0.0.1:1/qemu-x86_64')).toBeUndefined()
    expect(formatFromName('http://127.0.0.1:1/blob/5f2a')).toBeUndefined()
  })

  test('file names come from the URL path, decoded', () => {
    expect(fileNameOf('https://h.invalid/releases/download/deploy%2Fv1-2/qemu_v1_linux-amd64.tar.gz?x=1')).toBe(
      'qemu_v1_linux-amd64.tar.gz'
    )
    expect(fileNameOf('https://h.invalid/a/qemu%2Dx86_64.xz')).toBe('qemu-x86_64.xz')
    expect(fileNameOf('qemu-x86_64')).toBe('qemu-x86_64')
  })
})

describe('magic bytes', () => {
  test('compression', () => {
    expect(compressionOf(gzipSync('x'))).toBe('gzip')
    expect(compressionOf(XZ_MAGIC)).toBe('xz')
    expect(compressionOf(ZSTD_MAGIC)).toBe('zstd')
    expect(compressionOf(Buffer.from('BZh91AY'))).toBe('bzip2')
    expect(compressionOf(fakeElf('x'))).toBe('none')
    expect(compressionOf(Buffer.alloc(0))).toBe('none')
  })

  test('container', () => {
    expect(containerOf(fakeElf('x'))).toBe('binary')
    expect(containerOf(arBuffer([{ name: 'debian-binary', data: '2.0\n' }]))).toBe('deb')
    expect(containerOf(tarBuffer([{ path: 'a', data: 'b' }]))).toBe('tar')
    expect(containerOf(Buffer.alloc(1024))).toBeUndefined()
    expect(containerOf(Buffer.from('#!/bin/sh\n'))).toBeUndefined()
  })

  test('the declared format is confirmed by the bytes', () => {
    expect(confirmFormat(parseFormat('tar.gz'), gzipSync('x'))).toEqual({ container: 'tar', compression: 'gzip' })
    expect(confirmFormat(parseFormat('deb'), arBuffer([{ name: 'debian-binary', data: '2.0\n' }]))).toEqual({
      container: 'deb',
      compression: 'none'
    })
    expect(confirmFormat(undefined, fakeElf('x'))).toEqual({ container: 'binary', compression: 'none' })
    expect(confirmFormat(undefined, XZ_MAGIC)).toEqual({ container: undefined, compression: 'xz' })
    expect(confirmFormat(undefined, tarBuffer([{ path: 'a' }]))).toEqual({ container: 'tar', compression: 'none' })
  })

  test('a contradiction is refused', () => {
    expect(() => confirmFormat(parseFormat('tar.gz'), XZ_MAGIC)).toThrow(
      /expected a tar.gz file, but its first bytes show it is xz-compressed/
    )
    expect(() => confirmFormat(parseFormat('tar.xz'), fakeElf('x'))).toThrow(/not xz-compressed/)
    expect(() => confirmFormat(parseFormat('deb'), fakeElf('x'))).toThrow(/show an ELF program/)
    expect(() => confirmFormat(undefined, Buffer.from('<html>404</html>'))).toThrow(ArchiveError)
    expect(() => confirmFormat(undefined, Buffer.from('BZh91AY'))).toThrow(/bzip2/)
  })
})

describe('member names', () => {
  const targets: QemuTarget[] = ['aarch64', 'riscv64', 'arm', 'x86_64']
  test.each([
    ['qemu-aarch64', 'aarch64'],
    ['./qemu-aarch64', 'aarch64'],
    ['/usr/bin/qemu-aarch64-static', 'aarch64'],
    ['./usr/bin/qemu-riscv64', 'riscv64'],
    ['qemu-7.2/bin/qemu-arm-static', 'arm'],
    ['a/b/../qemu-x86_64', 'x86_64'],
    ['qemu-aarch64_be', undefined],
    ['qemu-aarch64_be-static', undefined],
    ['qemu-armeb', undefined],
    ['qemu-riscv32', undefined],
    ['qemu-aarch64.sh', undefined],
    ['qemu-aarch64/', 'aarch64'],
    ['usr/libexec/qemu-binfmt/aarch64-binfmt-P', undefined],
    ['usr/share/man/man1/qemu-aarch64.1.gz', undefined],
    ['qemu-i386', undefined]
  ])('%s -> %s', (path, target) => {
    expect(targetOfMember(path, targets)).toBe(target)
  })

  test.each([
    ['http://h.invalid/qemu-x86_64-linux-arm64.xz', 'x86_64'],
    ['http://h.invalid/qemu-x86_64', 'x86_64'],
    ['http://h.invalid/qemu-x86_64-static.gz', 'x86_64'],
    ['http://h.invalid/qemu-arm-linux-arm64.xz', 'arm'],
    ['http://h.invalid/qemu-armeb-linux-arm64.xz', undefined],
    ['http://h.invalid/blob/5f2a', undefined],
    ['http://h.invalid/qemu-riscv64.xz', undefined]
  ])('single binary %s -> %s', (url, target) => {
    expect(targetOfBinaryName(url, ['x86_64', 'arm'])).toBe(target)
  })

  test('paths and links are normalized inside the archive', () => {
    expect(normalizeMemberPath('./usr/bin/')).toBe('usr/bin')
    expect(normalizeMemberPath('/../../etc/passwd')).toBe('etc/passwd')
    expect(resolveLink('./usr/libexec/qemu-binfmt/aarch64-binfmt-P', '../../bin/qemu-aarch64', 'symlink')).toBe('usr/bin/qemu-aarch64')
    expect(resolveLink('usr/bin/qemu-arm-static', '/usr/bin/qemu-arm', 'symlink')).toBe('usr/bin/qemu-arm')
    expect(resolveLink('usr/bin/qemu-arm-static', './usr/bin/qemu-arm', 'hardlink')).toBe('usr/bin/qemu-arm')
    expect(resolveLink('qemu-arm', '../../../../x', 'symlink')).toBe('x')
  })
})

describe('tar headers', () => {
  test('a valid header, the end marker, a corrupt header', () => {
    const block = tarBuffer([{ path: 'usr/bin/qemu-arm', data: 'abc', mode: 0o755 }]).subarray(0, 512)
    expect(parseTarHeader(block)).toEqual({ path: 'usr/bin/qemu-arm', type: 'file', size: 3, linkname: '', mode: 0o755 })
    expect(parseTarHeader(Buffer.alloc(512))).toBe('end')
    const bad = Buffer.from(block)
    bad[0] ^= 1
    expect(parseTarHeader(bad)).toBeUndefined()
    expect(parseTarHeader(block.subarray(0, 100))).toBeUndefined()
  })

  test('numbers: octal and base-256', () => {
    const b = Buffer.alloc(12)
    b.write('00000001750\0', 0, 'latin1')
    expect(tarNumber(b, 0, 12)).toBe(0o1750)
    const big = Buffer.alloc(12)
    big[0] = 0x80
    big.writeUInt32BE(0x12345678, 8)
    expect(tarNumber(big, 0, 12)).toBe(0x12345678)
    expect(tarNumber(Buffer.from('12x\0'), 0, 4)).toBeNaN()
  })

  test('pax records', () => {
    const body = Buffer.from('30 path=a/very/long/name/here\n16 linkpath=b/c\n')
    expect(parsePax(body)).toEqual(
      new Map([
        ['path', 'a/very/long/name/here'],
        ['linkpath', 'b/c']
      ])
    )
    expect(parsePax(Buffer.from('99 path=x\n')).size).toBe(0)
  })

  test('an ar member header', () => {
    const ar = arBuffer([{ name: 'data.tar.xz', data: 'abc' }])
    expect(parseArHeader(ar.subarray(8, 68))).toEqual({ name: 'data.tar.xz', size: 3 })
    expect(parseArHeader(Buffer.alloc(60))).toBeUndefined()
  })
})

async function entriesOf(archive: Buffer): Promise<TarEntry[]> {
  const seen: TarEntry[] = []
  await walkTar(new ChunkReader(Readable.from([archive])), e => {
    seen.push(e)
    return 'skip'
  })
  return seen
}

describe('walkTar', () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/qemu-aarch64-static`

  test('pax, GNU and ustar-prefix long names', async () => {
    for (const how of ['pax', 'gnu', 'prefix'] as const) {
      const entries = await entriesOf(tarBuffer([{ path: long, data: 'x', longName: how }, { path: 'short' }]))
      expect(entries.map(e => e.path)).toEqual([long, 'short'])
    }
  })

  test('links and directories', async () => {
    const entries = await entriesOf(
      tarBuffer([
        { path: 'usr/', type: 'directory' },
        { path: 'usr/bin/qemu-arm', data: 'x' },
        { path: 'usr/bin/qemu-arm-static', type: 'symlink', linkname: 'qemu-arm' },
        { path: 'usr/bin/qemu-arm-copy', type: 'hardlink', linkname: 'usr/bin/qemu-arm' }
      ])
    )
    expect(entries.map(e => [e.type, e.path, e.linkname])).toEqual([
      ['directory', 'usr/', ''],
      ['file', 'usr/bin/qemu-arm', ''],
      ['symlink', 'usr/bin/qemu-arm-static', 'qemu-arm'],
      ['hardlink', 'usr/bin/qemu-arm-copy', 'usr/bin/qemu-arm']
    ])
  })

  test('a stream that ends at a header boundary without the end marker is accepted', async () => {
    expect((await entriesOf(tarBuffer([{ path: 'a', data: 'b' }], { endMarker: false }))).map(e => e.path)).toEqual(['a'])
  })

  test('truncation and corruption are errors', async () => {
    const whole = tarBuffer([{ path: 'qemu-arm', data: Buffer.alloc(2000, 1) }])
    await expect(entriesOf(whole.subarray(0, 1000))).rejects.toThrow(/truncated \(it ends inside qemu-arm\)/)
    await expect(entriesOf(whole.subarray(0, 300))).rejects.toThrow(/truncated \(it ends inside a header\)/)
    await expect(entriesOf(Buffer.alloc(512, 7))).rejects.toThrow(/not a tar archive/)
    const corrupt = Buffer.concat([tarBuffer([{ path: 'a', data: 'b' }], { endMarker: false }), Buffer.alloc(512, 7)])
    await expect(entriesOf(corrupt)).rejects.toThrow(/corrupt/)
  })

  test('ChunkReader reads exact counts across chunks', async () => {
    const reader = new ChunkReader(Readable.from([Buffer.from('ab'), Buffer.from('cdef'), Buffer.from('g')]))
    expect((await reader.peek(3)).toString()).toBe('abc')
    expect((await reader.read(5)).toString()).toBe('abcde')
    const got: string[] = []
    expect(await reader.forward(10, c => void got.push(c.toString()))).toBe(2)
    expect(got.join('')).toBe('fg')
    expect((await reader.read(1)).length).toBe(0)
  })
})

describe('extractBinaries', () => {
  let dir: string
  let n = 0
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archive-test-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** Writes an archive, extracts from it, returns what was found (as marker strings) and visited candidates. */
  async function extract(
    archive: Buffer,
    targets: QemuTarget[],
    opts: { name?: string; format?: ArchiveFormat; accept?: (member: string, data: Buffer) => string | undefined } = {}
  ) {
    const file = join(dir, `archive-${n}`)
    const dest = join(dir, `dest-${n++}`)
    await writeFile(file, archive)
    await rm(dest, { recursive: true, force: true })
    await import('node:fs/promises').then(fs => fs.mkdir(dest))
    const candidates: string[] = []
    const format = opts.format ?? confirmFormat(undefined, archive.subarray(0, 512))
    const result = await extractBinaries({
      file,
      format,
      targets,
      name: opts.name ?? 'archive',
      destDir: dest,
      accept: async (_t, path, member) => {
        candidates.push(member)
        return opts.accept?.(member, await readFile(path))
      }
    })
    const found: Record<string, string> = {}
    for (const [t, f] of result.found) found[t] = `${f.member}=${(await readFile(f.path)).subarray(64).toString()}`
    return { found, candidates, rejected: Object.fromEntries(result.rejected), format: result.format }
  }

  const elf = (marker: string) => fakeElf(marker)

  test('a flat gzip tarball: only the wanted members are read', async () => {
    const archive = gzipSync(
      tarBuffer([
        { path: 'qemu-aarch64', data: elf('A') },
        { path: 'qemu-arm', data: elf('ARM') },
        { path: 'qemu-riscv64', data: elf('R') },
        { path: 'qemu-x86_64', data: elf('X') }
      ])
    )
    const r = await extract(archive, ['riscv64', 'aarch64'])
    expect(r.found).toEqual({ aarch64: 'qemu-aarch64=A', riscv64: 'qemu-riscv64=R' })
    expect(r.candidates).toEqual(['qemu-aarch64', 'qemu-riscv64'])
    expect(r.format).toEqual({ container: 'tar', compression: 'gzip' })
  })

  test('reading stops once every target is found (a corrupt tail is never reached)', async () => {
    const good = tarBuffer([{ path: 'bin/qemu-aarch64-static', data: elf('A') }], { endMarker: false })
    const archive = gzipSync(Buffer.concat([good, Buffer.alloc(4096, 0x55)]))
    expect((await extract(archive, ['aarch64'])).found).toEqual({ aarch64: 'bin/qemu-aarch64-static=A' })
  })

  test('a rejected candidate is reported and a later one tried', async () => {
    const archive = tarBuffer([
      { path: 'dynamic/qemu-aarch64', data: elf('dyn') },
      { path: 'static/qemu-aarch64-static', data: elf('static') }
    ])
    const r = await extract(archive, ['aarch64'], { accept: (_m, data) => (data.includes('dyn') ? 'dynamically linked' : undefined) })
    expect(r.found).toEqual({ aarch64: 'static/qemu-aarch64-static=static' })
    expect(r.rejected).toEqual({ aarch64: ['dynamic/qemu-aarch64: dynamically linked'] })
  })

  test('a link that comes before its destination is followed in one pass', async () => {
    const archive = tarBuffer([
      { path: './usr/bin/qemu-riscv64-static', type: 'symlink', linkname: '../lib/qemu/riscv64-real' },
      { path: './usr/lib/qemu/riscv64-real', data: elf('R') }
    ])
    const r = await extract(archive, ['riscv64'])
    expect(r.found).toEqual({ riscv64: 'usr/lib/qemu/riscv64-real=R' })
  })

  test('a link whose destination came earlier takes a second pass', async () => {
    const archive = gzipSync(
      tarBuffer([
        { path: 'usr/lib/qemu/riscv64-real', data: elf('R') },
        { path: 'usr/lib/qemu/other', data: elf('O') },
        { path: 'usr/bin/qemu-riscv64', type: 'symlink', linkname: '/usr/lib/qemu/riscv64-real' }
      ])
    )
    expect((await extract(archive, ['riscv64'])).found).toEqual({ riscv64: 'usr/lib/qemu/riscv64-real=R' })
  })

  test('hard links and chains of links', async () => {
    const hard = tarBuffer([
      { path: 'opt/q/real-arm', data: elf('H') },
      { path: 'opt/q/qemu-arm', type: 'hardlink', linkname: 'opt/q/real-arm' }
    ])
    expect((await extract(hard, ['arm'])).found).toEqual({ arm: 'opt/q/real-arm=H' })
    const chain = tarBuffer([
      { path: 'b/real', data: elf('C') },
      { path: 'b/middle', type: 'symlink', linkname: 'real' },
      { path: 'b/qemu-arm-static', type: 'symlink', linkname: 'middle' }
    ])
    expect((await extract(chain, ['arm'])).found).toEqual({ arm: 'b/real=C' })
  })

  test('a real file is preferred to a Debian binfmt-P link (which is never matched by name)', async () => {
    const archive = tarBuffer([
      { path: './usr/libexec/qemu-binfmt/aarch64-binfmt-P', type: 'symlink', linkname: '../../bin/qemu-aarch64' },
      { path: './usr/bin/qemu-aarch64', data: elf('A') }
    ])
    const r = await extract(archive, ['aarch64'])
    expect(r.found).toEqual({ aarch64: 'usr/bin/qemu-aarch64=A' })
    expect(r.candidates).toEqual(['usr/bin/qemu-aarch64'])
  })

  test('a dangling link and a missing target are reported, not found', async () => {
    const archive = tarBuffer([
      { path: 'qemu-aarch64-static', type: 'symlink', linkname: 'qemu-aarch64-elsewhere' },
      { path: 'qemu-riscv32', data: elf('no') }
    ])
    const r = await extract(archive, ['aarch64', 'riscv64'])
    expect(r.found).toEqual({})
    expect(r.rejected.aarch64?.[0]).toMatch(/points to qemu-aarch64-elsewhere, which the archive does not hold/)
    expect(r.rejected.riscv64).toBeUndefined()
  })

  const specs: TarSpec[] = [
    { path: './usr/', type: 'directory' },
    { path: './usr/bin/qemu-aarch64', data: elf('A') }
  ]

  test('a .deb with gzip or uncompressed data', async () => {
    const data = tarBuffer(specs)
    for (const [member, body] of [
      ['data.tar.gz', gzipSync(data)],
      ['data.tar', data]
    ] as const) {
      const deb = arBuffer([
        { name: 'debian-binary', data: '2.0\n' },
        { name: 'control.tar.gz', data: gzipSync(tarBuffer([{ path: './control', data: 'Package: x\n' }])) },
        { name: member, data: body }
      ])
      const r = await extract(deb, ['aarch64'], { format: parseFormat('deb') })
      expect(r.found).toEqual({ aarch64: 'usr/bin/qemu-aarch64=A' })
      expect(r.format).toEqual({ container: 'deb', compression: 'none' })
    }
  })

  test('broken .deb files', async () => {
    const deb = (members: { name: string; data: Buffer | string }[]) =>
      extract(arBuffer(members), ['aarch64'], { format: parseFormat('deb') })
    await expect(deb([{ name: 'debian-binary', data: '2.0\n' }])).rejects.toThrow(/holds no data.tar member/)
    await expect(deb([{ name: 'hello', data: 'x' }])).rejects.toThrow(/first member is not debian-binary/)
    await expect(
      deb([
        { name: 'debian-binary', data: '2.0\n' },
        { name: 'data.tar.bz2', data: 'BZh9' }
      ])
    ).rejects.toThrow(/compression this action does not read/)
    await expect(
      deb([
        { name: 'debian-binary', data: '2.0\n' },
        { name: 'data.tar.xz', data: gzipSync('x') }
      ])
    ).rejects.toThrow(/does not start like xz/)
    const whole = arBuffer([
      { name: 'debian-binary', data: '2.0\n' },
      { name: 'data.tar.gz', data: gzipSync(tarBuffer(specs)) }
    ])
    await expect(extract(whole.subarray(0, whole.length - 10), ['aarch64'], { format: parseFormat('deb') })).rejects.toThrow(
      /\.deb is truncated/
    )
  })

  test('a single binary, named for its target, gzip or not', async () => {
    const r = await extract(gzipSync(elf('S')), ['x86_64'], { name: 'qemu-x86_64-linux-arm64.gz', format: parseFormat('gz') })
    expect(r.found).toEqual({ x86_64: 'qemu-x86_64-linux-arm64.gz=S' })
    const plain = await extract(elf('P'), ['x86_64'], { name: 'qemu-x86_64-static' })
    expect(plain.found).toEqual({ x86_64: 'qemu-x86_64-static=P' })
    expect(plain.format).toEqual({ container: 'binary', compression: 'none' })
  })

  test('a single binary whose name does not tell its target is refused', async () => {
    await expect(extract(elf('S'), ['x86_64'], { name: '5f2a' })).rejects.toThrow(/does not say which target it serves/)
  })

  test('compressed data that is not what was declared', async () => {
    await expect(extract(gzipSync(Buffer.from('<html>not found</html>')), ['x86_64'], { name: 'qemu-x86_64.gz' })).rejects.toThrow(
      /neither a tar archive nor an ELF program/
    )
    await expect(extract(gzipSync(elf('S')), ['x86_64'], { format: parseFormat('tar.gz') })).rejects.toThrow(
      /expected a tar archive in the tar.gz file, found an ELF program/
    )
    await expect(extract(gzipSync(Buffer.alloc(0)), ['x86_64'], { format: parseFormat('tar.gz') })).rejects.toThrow(
      /empty once decompressed/
    )
  })

  test('truncated gzip data is an archive error', async () => {
    const archive = gzipSync(tarBuffer([{ path: 'qemu-aarch64', data: Buffer.alloc(100_000, 3) }]))
    await expect(extract(archive.subarray(0, archive.length - 20), ['aarch64'])).rejects.toThrow(/corrupt or truncated/)
  })
})

describe('brotli: the format a name (or the manifest) says, since its bytes have no magic', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brotli-test-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  /** As the project's assets are made: quality 11, window 24. */
  const br = (data: Buffer) =>
    brotliCompressSync(data, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_LGWIN]: 24 } })
  const program = fakeElf(`brotli ${'x'.repeat(3000)}`)

  test('.br and .tar.br names; the target of a .br single binary', () => {
    expect(formatFromName('https://h.invalid/releases/download/v1/qemu-x86_64-linux-arm64.br')).toEqual({
      container: 'binary',
      compression: 'brotli'
    })
    expect(formatFromName('qemu.tar.br')).toEqual({ container: 'tar', compression: 'brotli' })
    expect(targetOfBinaryName('qemu-x86_64-linux-arm64.br', ['i386', 'x86_64'])).toBe('x86_64')
  })

  test('declared brotli is trusted unless the first bytes plainly show something else', () => {
    const declared = parseFormat('br')
    expect(confirmFormat(declared, br(program).subarray(0, 512))).toEqual({ container: 'binary', compression: 'brotli' })
    expect(() => confirmFormat(declared, gzipSync(program).subarray(0, 512))).toThrow(
      'expected a br file, but its first bytes show it is gzip-compressed'
    )
    expect(() => confirmFormat(declared, program.subarray(0, 512))).toThrow(
      'expected a br file, but its first bytes show it is an ELF program, not compressed'
    )
  })

  const extract = async (data: Buffer, name: string) => {
    const file = join(dir, name)
    const destDir = await mkdtemp(join(dir, 'dest-'))
    await writeFile(file, data)
    const format = confirmFormat(formatFromName(name), data.subarray(0, 512))
    return extractBinaries({ file, format, targets: ['x86_64'], name, destDir, accept: async () => undefined })
  }

  test('a .br single binary is decoded in-process, its sha256 taken as it is written', async () => {
    const result = await extract(br(program), 'qemu-x86_64-linux-arm64.br')
    const found = result.found.get('x86_64')!
    expect(await readFile(found.path)).toEqual(program)
    expect(found.sha256).toBe(createHash('sha256').update(program).digest('hex'))
    expect(found.size).toBe(program.length)
  })

  test('a .tar.br archive', async () => {
    const result = await extract(br(tarBuffer([{ path: 'bin/qemu-x86_64', data: program }])), 'qemu.tar.br')
    expect(await readFile(result.found.get('x86_64')!.path)).toEqual(program)
  })

  test('data that is not brotli, or cut short, is said to be corrupt', async () => {
    await expect(extract(Buffer.from('<html>not found</html>'), 'qemu-x86_64.br')).rejects.toThrow(
      /the brotli data is corrupt or truncated/
    )
    const whole = br(program)
    await expect(extract(whole.subarray(0, whole.length - 8), 'qemu-x86_64.br')).rejects.toThrow(/the brotli data is corrupt or truncated/)
  })
})

describe('decompress', () => {
  test('gzip streams', async () => {
    const chunks: Buffer[] = []
    for await (const c of decompress(Readable.from([gzipSync('hello world')]), 'gzip')) chunks.push(c)
    expect(Buffer.concat(chunks).toString()).toBe('hello world')
  })
})

/** 'the text' when a decompressed stream is the test text, else its size or the error it ends with. */
async function drain(source: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  try {
    for await (const c of source) chunks.push(c)
  } catch (err) {
    return `error: ${(err as Error).message}`
  }
  const out = Buffer.concat(chunks).toString()
  return out === text ? 'the text' : `${out.length} other bytes`
}

const text = 'qemu '.repeat(200_000)

describeWhen([command('/usr/bin/xz')], 'decompress through the xz program (the process runner streaming)', () => {
  const xz = execFileSync('xz', ['-c'], { input: text })

  test('xz data comes out whole, in large pieces', async () => {
    const sizes: number[] = []
    const out: Buffer[] = []
    for await (const c of decompress(Readable.from([xz.subarray(0, 100), xz.subarray(100)]), 'xz')) {
      sizes.push(c.length)
      out.push(c)
    }
    expect(Buffer.concat(out).toString()).toBe(text)
    expect(sizes.slice(0, -1).every(n => n >= 256 * 1024)).toBe(true)
  })

  test('corrupt or truncated xz data says so, with what xz said', async () => {
    expect(await drain(decompress(Readable.from([xz.subarray(0, xz.length - 20)]), 'xz'))).toMatch(
      /^error: the xz data is corrupt or truncated \(xz exit 1: (Unexpected end of input|File format not recognized|Compressed data is corrupt)\)$/
    )
    expect(await drain(decompress(Readable.from([Buffer.from('not xz at all')]), 'xz'))).toBe(
      'error: the xz data is corrupt or truncated (xz exit 1: File format not recognized)'
    )
  })

  test('a reader that stops early is not kept waiting, and the next read starts afresh', async () => {
    for await (const c of decompress(Readable.from([xz]), 'xz')) {
      expect(c.length).toBeGreaterThan(0)
      break
    }
    expect(await drain(decompress(Readable.from([xz]), 'xz'))).toBe('the text')
  })

  test('an input that fails is reported as such', async () => {
    const failing = Readable.from(
      (async function* () {
        yield xz.subarray(0, 100)
        throw new Error('disk went away')
      })()
    )
    expect(await drain(decompress(failing, 'xz'))).toBe('error: xz: disk went away')
  })

  test('without the xz program: what to install', async () => {
    const path = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      expect(await drain(decompress(Readable.from([xz]), 'xz'))).toBe(
        'error: reading xz data needs the xz program, which is not on this machine (Debian/Ubuntu: apt-get install xz-utils), or use a .tar.gz'
      )
    } finally {
      process.env.PATH = path
    }
  })
})
