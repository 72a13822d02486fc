/**
 * Test archives for the download path.
 *
 * - tarBuffer / arBuffer / fakeElf: small archives built in memory (unit tests, no processes).
 * - buildArchives(): real archives made with tar, xz, gzip and dpkg-deb from Debian's static
 *   qemu-user binaries (/usr/bin/qemu-aarch64-static, /usr/bin/qemu-riscv64-static), renamed as
 *   each layout needs, under .cache/archives/ (rebuilt when the source binaries change).
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// ---------------------------------------------------------------------------------------------
// In memory

export interface TarSpec {
  path: string
  type?: 'file' | 'directory' | 'symlink' | 'hardlink'
  data?: Buffer | string
  linkname?: string
  /** How a path longer than 100 bytes is stored: a pax header (default), GNU 'L', or the ustar prefix. */
  longName?: 'pax' | 'gnu' | 'prefix'
  mode?: number
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0'
}

function header(
  name: string,
  flag: string,
  size: number,
  opts: { linkname?: string; mode?: number; prefix?: string; gnu?: boolean } = {}
): Buffer {
  const block = Buffer.alloc(512)
  block.write(name.slice(0, 100), 0, 'utf8')
  block.write(octal(opts.mode ?? 0o644, 8), 100, 'latin1')
  block.write(octal(0, 8), 108, 'latin1')
  block.write(octal(0, 8), 116, 'latin1')
  block.write(octal(size, 12), 124, 'latin1')
  block.write(octal(0, 12), 136, 'latin1')
  block.write(flag, 156, 'latin1')
  if (opts.linkname) block.write(opts.linkname.slice(0, 100), 157, 'utf8')
  if (opts.gnu) block.write('ustar  \0', 257, 'latin1')
  else {
    block.write('ustar\0', 257, 'latin1')
    block.write('00', 263, 'latin1')
  }
  if (opts.prefix) block.write(opts.prefix, 345, 'utf8')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const b of block) sum += b
  block.write(octal(sum, 7) + ' ', 148, 'latin1')
  return block
}

function padded(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512
  return Buffer.concat([data, Buffer.alloc(pad)])
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let length = body.length
  while (String(length).length + body.length !== length) length = String(length).length + body.length
  return `${length}${body}`
}

/** A tar archive (ustar, with pax or GNU long names when asked). */
export function tarBuffer(entries: TarSpec[], { endMarker = true } = {}): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const type = e.type ?? 'file'
    const data = type === 'file' ? Buffer.from(e.data ?? '') : Buffer.alloc(0)
    const flag = { file: '0', directory: '5', symlink: '2', hardlink: '1' }[type]
    let name = e.path
    let prefix: string | undefined
    const pax: string[] = []
    if (Buffer.byteLength(name) > 100 || (e.linkname && e.linkname.length > 100)) {
      const how = e.longName ?? 'pax'
      if (how === 'pax') {
        if (Buffer.byteLength(name) > 100) pax.push(paxRecord('path', name))
        if (e.linkname && e.linkname.length > 100) pax.push(paxRecord('linkpath', e.linkname))
        const body = Buffer.from(pax.join(''))
        parts.push(header('PaxHeader', 'x', body.length), padded(body))
      } else if (how === 'gnu') {
        const body = Buffer.from(`${name}\0`)
        parts.push(header('././@LongLink', 'L', body.length, { gnu: true }), padded(body))
      } else {
        const cut = name.lastIndexOf('/', name.length - 2)
        prefix = name.slice(0, cut)
        name = name.slice(cut + 1)
      }
    }
    parts.push(header(name, flag, data.length, { linkname: e.linkname, mode: e.mode, prefix, gnu: e.longName === 'gnu' }), padded(data))
  }
  if (endMarker) parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

/** An ar archive (the container of a .deb). */
export function arBuffer(members: { name: string; data: Buffer | string }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n', 'latin1')]
  for (const m of members) {
    const data = Buffer.from(m.data)
    const h = `${m.name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(data.length).padEnd(10)}\`\n`
    parts.push(Buffer.from(h, 'latin1'), data)
    if (data.length % 2) parts.push(Buffer.from('\n'))
  }
  return Buffer.concat(parts)
}

/** The first bytes of an ELF program (static, no program headers), padded with a marker. */
/**
 * The smallest ELF file the readers accept, followed by a marker (at byte 64 for a 64-bit one).
 * dynamic adds a PT_INTERP program header after the marker, as a dynamically linked program has.
 */
export function fakeElf(
  marker: string,
  {
    machine = 62,
    bits = 64,
    littleEndian = true,
    dynamic = false
  }: { machine?: number; bits?: 32 | 64; littleEndian?: boolean; dynamic?: boolean } = {}
): Buffer {
  const b = Buffer.alloc(bits === 64 ? 64 : 52)
  const u16 = (value: number, at: number, to = b) => (littleEndian ? to.writeUInt16LE(value, at) : to.writeUInt16BE(value, at))
  const u32 = (value: number, at: number, to = b) => (littleEndian ? to.writeUInt32LE(value, at) : to.writeUInt32BE(value, at))
  const u64 = (value: number, at: number) => (littleEndian ? b.writeBigUInt64LE(BigInt(value), at) : b.writeBigUInt64BE(BigInt(value), at))
  b.writeUInt32BE(0x7f454c46, 0)
  b[4] = bits === 64 ? 2 : 1
  b[5] = littleEndian ? 1 : 2
  b[6] = 1
  u16(2, 16)
  u16(machine, 18)
  const body = Buffer.from(marker)
  if (!dynamic) return Buffer.concat([b, body])
  const phoff = b.length + body.length
  const phentsize = bits === 64 ? 56 : 32
  if (bits === 64) u64(phoff, 32)
  else u32(phoff, 28)
  u16(phentsize, bits === 64 ? 54 : 42)
  u16(1, bits === 64 ? 56 : 44)
  const interp = Buffer.alloc(phentsize)
  u32(3, 0, interp) // PT_INTERP
  return Buffer.concat([b, body, interp])
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

// ---------------------------------------------------------------------------------------------
// Real archives from Debian's binaries

export const SOURCE_BINARIES = { aarch64: '/usr/bin/qemu-aarch64-static', riscv64: '/usr/bin/qemu-riscv64-static' } as const

export interface Fixture {
  path: string
  /** The file name to serve it under (what the URL ends with). */
  name: string
  sha256: string
  bytes: number
}

export interface Fixtures {
  /** qemu-aarch64, qemu-riscv64 flat at the root (tonistiigi's layout), gzip. */
  flatTarGz: Fixture
  /** ./qemu-7.2/bin/qemu-aarch64-static and .../qemu-riscv64-static, xz; with decoys and a symlink. */
  nestedTarXz: Fixture
  /** A Debian-13-style package: usr/bin/qemu-aarch64 real, binfmt-P symlinks, a -static symlink to a non-matching name (xz data). */
  debXz: Fixture
  /** The same package with zstd data, as Ubuntu builds them. */
  debZst: Fixture
  /** One binary: qemu-aarch64-linux-amd64.xz (issue 8's asset naming). */
  singleXz: Fixture
  /** Only qemu-aarch64 plus decoys named like other targets (qemu-riscv32, qemu-aarch64_be). */
  withoutRiscv: Fixture
  /** A gzip tarball whose qemu-aarch64 is a dynamically linked program. */
  dynamicTarGz: Fixture
  /** The flat tarball cut short (its sha256 is of the cut file). */
  truncatedTarGz: Fixture
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const ARCHIVE_DIR = join(ROOT, '.cache', 'archives')
const VERSION = 3 // bump when the layouts below change

function run(command: string, args: string[], cwd?: string): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

function fixture(path: string): Fixture {
  const data = readFileSync(path)
  return { path, name: path.split('/').pop() as string, sha256: sha256(data), bytes: data.length }
}

function sourceStamp(): string {
  const parts = Object.values(SOURCE_BINARIES).map(p => {
    const s = statSync(p)
    return `${p}:${s.size}:${s.mtimeMs}`
  })
  return `v${VERSION} ${parts.join(' ')}`
}

function tarDir(dir: string, out: string, compression: 'gz' | 'xz', entries: string[]): void {
  const flags = compression === 'gz' ? ['-z'] : ['-I', 'xz -0 -T1']
  run('tar', ['--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-c', ...flags, '-f', out, '-C', dir, ...entries])
}

function makeDeb(work: string, out: string, compression: 'xz' | 'zstd'): void {
  const pkg = join(work, `deb-${compression}`)
  rmSync(pkg, { recursive: true, force: true })
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true })
  mkdirSync(join(pkg, 'usr/bin'), { recursive: true })
  mkdirSync(join(pkg, 'usr/lib/qemu-user'), { recursive: true })
  mkdirSync(join(pkg, 'usr/libexec/qemu-binfmt'), { recursive: true })
  writeFileSync(
    join(pkg, 'DEBIAN/control'),
    'Package: qemu-user-test\nVersion: 1:7.2+test-1\nArchitecture: amd64\nMaintainer: Tests <tests@localhost>\nDescription: test package\n'
  )
  copyFileSync(SOURCE_BINARIES.aarch64, join(pkg, 'usr/bin/qemu-aarch64'))
  // qemu-riscv64-static is a symlink to a file whose name matches no target: followed in the archive.
  copyFileSync(SOURCE_BINARIES.riscv64, join(pkg, 'usr/lib/qemu-user/riscv64-emulator'))
  symlinkSync('../lib/qemu-user/riscv64-emulator', join(pkg, 'usr/bin/qemu-riscv64-static'))
  symlinkSync('../../bin/qemu-aarch64', join(pkg, 'usr/libexec/qemu-binfmt/aarch64-binfmt-P'))
  symlinkSync('../../bin/qemu-riscv64-static', join(pkg, 'usr/libexec/qemu-binfmt/riscv64-binfmt-P'))
  run('dpkg-deb', [`-Z${compression}`, '-z1', '--root-owner-group', '--build', pkg, out])
}

let built: Fixtures | undefined

/** Builds (or reuses) the real test archives. */
export function buildArchives(): Fixtures {
  if (built) return built
  mkdirSync(ARCHIVE_DIR, { recursive: true })
  const names = {
    flatTarGz: 'qemu_v7.2.0_linux-amd64.tar.gz',
    nestedTarXz: 'qemu-user-static-7.2-amd64.tar.xz',
    debXz: 'qemu-user-test_7.2_amd64.deb',
    debZst: 'qemu-user-test-zst_7.2_amd64.deb',
    singleXz: 'qemu-aarch64-linux-amd64.xz',
    withoutRiscv: 'qemu-partial-amd64.tar.gz',
    dynamicTarGz: 'qemu-dynamic-amd64.tar.gz',
    truncatedTarGz: 'qemu-truncated-amd64.tar.gz'
  } satisfies Record<keyof Fixtures, string>
  const stampFile = join(ARCHIVE_DIR, 'stamp')
  const fresh =
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === sourceStamp() &&
    Object.values(names).every(n => existsSync(join(ARCHIVE_DIR, n)))
  if (!fresh) {
    const work = join(ARCHIVE_DIR, 'work')
    rmSync(work, { recursive: true, force: true })
    for (const n of Object.values(names)) rmSync(join(ARCHIVE_DIR, n), { force: true })

    // Flat, like tonistiigi/binfmt's per-host tarballs.
    const flat = join(work, 'flat')
    mkdirSync(flat, { recursive: true })
    copyFileSync(SOURCE_BINARIES.aarch64, join(flat, 'qemu-aarch64'))
    copyFileSync(SOURCE_BINARIES.riscv64, join(flat, 'qemu-riscv64'))
    tarDir(flat, join(ARCHIVE_DIR, names.flatTarGz), 'gz', ['qemu-aarch64', 'qemu-riscv64'])

    // Nested with ./ prefixes, decoys and a symlink named like a target.
    const nested = join(work, 'nested')
    mkdirSync(join(nested, 'qemu-7.2/bin'), { recursive: true })
    mkdirSync(join(nested, 'qemu-7.2/share/doc'), { recursive: true })
    writeFileSync(join(nested, 'qemu-7.2/share/doc/README'), 'test archive\n')
    writeFileSync(join(nested, 'qemu-7.2/bin/qemu-aarch64.sh'), '#!/bin/sh\n')
    copyFileSync(SOURCE_BINARIES.aarch64, join(nested, 'qemu-7.2/bin/qemu-aarch64-static'))
    copyFileSync(SOURCE_BINARIES.riscv64, join(nested, 'qemu-7.2/bin/qemu-riscv64-static'))
    symlinkSync('qemu-aarch64-static', join(nested, 'qemu-7.2/bin/qemu-aarch64'))
    tarDir(nested, join(ARCHIVE_DIR, names.nestedTarXz), 'xz', ['./qemu-7.2'])

    makeDeb(work, join(ARCHIVE_DIR, names.debXz), 'xz')
    makeDeb(work, join(ARCHIVE_DIR, names.debZst), 'zstd')

    // A single binary, xz.
    const single = join(work, 'single')
    mkdirSync(single, { recursive: true })
    copyFileSync(SOURCE_BINARIES.aarch64, join(single, 'qemu-aarch64-linux-amd64'))
    run('xz', ['-0', '-T1', '-k', join(single, 'qemu-aarch64-linux-amd64')])
    copyFileSync(join(single, 'qemu-aarch64-linux-amd64.xz'), join(ARCHIVE_DIR, names.singleXz))

    // Without the riscv64 interpreter, with look-alikes.
    const partial = join(work, 'partial')
    mkdirSync(partial, { recursive: true })
    copyFileSync(SOURCE_BINARIES.aarch64, join(partial, 'qemu-aarch64'))
    writeFileSync(join(partial, 'qemu-riscv32'), 'not this one\n')
    writeFileSync(join(partial, 'qemu-aarch64_be'), 'not this one either\n')
    tarDir(partial, join(ARCHIVE_DIR, names.withoutRiscv), 'gz', ['qemu-aarch64', 'qemu-aarch64_be', 'qemu-riscv32'])

    // A dynamically linked program where qemu-aarch64 should be.
    const dynamic = join(work, 'dynamic')
    mkdirSync(dynamic, { recursive: true })
    copyFileSync('/bin/ls', join(dynamic, 'qemu-aarch64'))
    tarDir(dynamic, join(ARCHIVE_DIR, names.dynamicTarGz), 'gz', ['qemu-aarch64'])

    // Cut short: the first 40% of the flat tarball.
    const whole = readFileSync(join(ARCHIVE_DIR, names.flatTarGz))
    writeFileSync(join(ARCHIVE_DIR, names.truncatedTarGz), whole.subarray(0, Math.floor(whole.length * 0.4)))

    rmSync(work, { recursive: true, force: true })
    writeFileSync(stampFile, sourceStamp())
  }
  built = Object.fromEntries(Object.entries(names).map(([key, name]) => [key, fixture(join(ARCHIVE_DIR, name))])) as unknown as Fixtures
  return built
}
