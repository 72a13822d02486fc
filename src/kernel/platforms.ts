/**
 * The QEMU linux-user targets the action can register, one record each holding every fact the
 * layers above read about a platform: the names users, Docker and Debian give it, the ELF
 * magic/mask the kernel matches (QEMU's qemu-binfmt-conf.sh values), its dynamic loader. Tables
 * elsewhere are derived from these records (perTarget), so none can miss a platform. The probe
 * programs stay in checks/probe-programs.ts, keyed by target: machine code for the check, not a
 * fact the kernel layer needs.
 */
import type { Entry } from './binfmt.js'

export type QemuTarget = 'x86_64' | 'i386' | 'aarch64' | 'arm' | 'riscv64' | 'ppc64le' | 's390x' | 'mips64el' | 'loongarch64'

export interface Platform {
  /** QEMU's name: the binary is qemu-<target>. */
  target: QemuTarget
  /** Docker's platform name, as reported in outputs. */
  docker: string
  /** Every name accepted in the `platforms` input (lower case). */
  aliases: readonly string[]
  /** Hex of the bytes the kernel compares at offset 0 (after masking). */
  magic: string
  mask: string
  /** What uname(2) reports as the machine for a program of this target. */
  machine: RegExp
  /** 64-bit guest: needs a 64-bit userland on the host (QEMU 10 dropped 64-bit guests on 32-bit hosts). */
  bits: 32 | 64
  /** The dynamic loader glibc programs name (PT_INTERP), relative to the root. */
  loader: string
  /** Debian's architecture name: what apt, dpkg and the package file names say. */
  debian: string
}

const ELF = '7f454c46'
const PAD = '0000000000000000'
const MASK_A = 'ffffffffff' + 'fefe00' + 'ffffffffffffffff' + 'feffffff'
const MASK_B = 'ffffffffffffff00' + 'ffffffffffffffff' + 'feffffff'
const MASK_C = 'ffffffffffffff00' + 'ffffffffffffffff' + 'feffff00'
const MASK_D = 'ffffffffffffff00' + 'ffffffffffffffff' + 'fffeffff'
const MASK_E = 'fffffffffffffffc' + '00ffffffffffffff' + 'feffffff'
const MASK_F = 'ffffffffffffff00' + '00ffffffffffffff' + 'feffffff'
/** ELF class/data/version for 64-bit little endian, 32-bit little endian, 64-bit big endian. */
const LE64 = '02010100'
const LE32 = '01010100'
const BE64 = '02020100'

export const PLATFORMS: readonly Platform[] = [
  {
    target: 'x86_64',
    docker: 'linux/amd64',
    aliases: ['amd64', 'x86_64', 'x86-64', 'x64', 'linux/amd64'],
    magic: ELF + LE64 + PAD + '0200' + '3e00',
    mask: MASK_A,
    machine: /^x86_64$/,
    bits: 64,
    loader: 'lib64/ld-linux-x86-64.so.2',
    debian: 'amd64'
  },
  {
    target: 'i386',
    docker: 'linux/386',
    aliases: ['386', 'i386', 'i486', 'i586', 'i686', 'x86', 'linux/386'],
    magic: ELF + LE32 + PAD + '0200' + '0300',
    mask: MASK_A,
    machine: /^i[3-6]86$/,
    bits: 32,
    loader: 'lib/ld-linux.so.2',
    debian: 'i386'
  },
  {
    target: 'aarch64',
    docker: 'linux/arm64',
    aliases: ['arm64', 'aarch64', 'linux/arm64', 'linux/arm64/v8'],
    magic: ELF + LE64 + PAD + '0200' + 'b700',
    mask: MASK_B,
    machine: /^aarch64$/,
    bits: 64,
    loader: 'lib/ld-linux-aarch64.so.1',
    debian: 'arm64'
  },
  {
    target: 'arm',
    docker: 'linux/arm/v7',
    aliases: ['arm', 'armhf', 'armel', 'armv6', 'armv7', 'armv7l', 'linux/arm', 'linux/arm/v6', 'linux/arm/v7'],
    magic: ELF + LE32 + PAD + '0200' + '2800',
    mask: MASK_B,
    machine: /^armv\d+[a-z]*$/,
    bits: 32,
    loader: 'lib/ld-linux-armhf.so.3',
    debian: 'armhf'
  },
  {
    target: 'riscv64',
    docker: 'linux/riscv64',
    aliases: ['riscv64', 'linux/riscv64'],
    magic: ELF + LE64 + PAD + '0200' + 'f300',
    mask: MASK_B,
    machine: /^riscv64$/,
    bits: 64,
    loader: 'lib/ld-linux-riscv64-lp64d.so.1',
    debian: 'riscv64'
  },
  {
    target: 'ppc64le',
    docker: 'linux/ppc64le',
    aliases: ['ppc64le', 'ppc64el', 'linux/ppc64le'],
    magic: ELF + LE64 + PAD + '0200' + '1500',
    mask: MASK_C,
    machine: /^ppc64le$/,
    bits: 64,
    loader: 'lib64/ld64.so.2',
    debian: 'ppc64el'
  },
  {
    target: 's390x',
    docker: 'linux/s390x',
    aliases: ['s390x', 'linux/s390x'],
    magic: ELF + BE64 + PAD + '0002' + '0016',
    mask: MASK_D,
    machine: /^s390x$/,
    bits: 64,
    loader: 'lib/ld64.so.1',
    debian: 's390x'
  },
  {
    target: 'mips64el',
    docker: 'linux/mips64le',
    aliases: ['mips64le', 'mips64el', 'linux/mips64le'],
    magic: ELF + LE64 + PAD + '0200' + '0800',
    mask: MASK_F,
    machine: /^mips64$/,
    bits: 64,
    loader: 'lib64/ld.so.1',
    debian: 'mips64el'
  },
  {
    target: 'loongarch64',
    docker: 'linux/loong64',
    aliases: ['loong64', 'loongarch64', 'linux/loong64'],
    magic: ELF + LE64 + PAD + '0200' + '0201',
    mask: MASK_E,
    machine: /^loongarch64$/,
    bits: 64,
    loader: 'lib64/ld-linux-loongarch-lp64d.so.1',
    debian: 'loong64'
  }
]

/** One fact of every platform, keyed by target: the tables the other layers read. */
export function perTarget<T>(fact: (platform: Platform) => T): Readonly<Record<QemuTarget, T>> {
  return Object.fromEntries(PLATFORMS.map(p => [p.target, fact(p)])) as Record<QemuTarget, T>
}

export function platformOf(target: QemuTarget): Platform {
  const found = PLATFORMS.find(p => p.target === target)
  if (!found) throw new Error(`unknown QEMU target ${target}`)
  return found
}

/** Finds a platform by any of its names, ignoring case; undefined when unknown. */
export function lookupPlatform(name: string): Platform | undefined {
  const key = name.trim().toLowerCase()
  return PLATFORMS.find(p => p.aliases.includes(key))
}

/**
 * The targets a host kernel runs itself (its own family, including compat modes): registering a
 * handler for them would send the host's own programs through QEMU.
 */
export function hostFamily(machine: string): QemuTarget[] {
  if (machine === 'x86_64') return ['x86_64', 'i386']
  if (/^i[3-6]86$/.test(machine)) return ['i386']
  if (machine === 'aarch64' || machine === 'arm64') return ['aarch64']
  if (/^arm/.test(machine)) return ['arm']
  if (machine === 'riscv64') return ['riscv64']
  if (machine === 'ppc64le') return ['ppc64le']
  if (machine === 's390x') return ['s390x']
  if (machine === 'mips64') return ['mips64el']
  if (machine === 'loongarch64') return ['loongarch64']
  return []
}

/** Does a file header match a magic/mask pair at the given offset? The kernel's own test:
 * ((byte ^ magic) & mask) == 0 for every magic byte. */
export function headerMatches(header: Uint8Array, magicHex: string, maskHex: string, offset = 0): boolean {
  const magic = Buffer.from(magicHex, 'hex')
  const mask = maskHex ? Buffer.from(maskHex, 'hex') : Buffer.alloc(magic.length, 0xff)
  if (header.length < offset + magic.length) return false
  for (let i = 0; i < magic.length; i++) {
    if (((header[offset + i] ^ magic[i]) & mask[i]) !== 0) return false
  }
  return true
}

/** The platform whose magic/mask a header matches, if any. */
export function platformOfHeader(header: Uint8Array): Platform | undefined {
  return PLATFORMS.find(p => headerMatches(header, p.magic, p.mask))
}

/** The binfmt_misc entry the action registers for a platform. */
export function entryFor(platform: Platform, interpreter: string, flags: string): Entry {
  return {
    name: `qemu-${platform.target}`,
    enabled: true,
    type: 'M',
    offset: 0,
    magic: platform.magic,
    mask: platform.mask,
    interpreter,
    flags
  }
}
