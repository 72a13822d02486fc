/**
 * The hosts package-qemu makes assets for, the targets each gets, and what a binary must be to
 * serve one: a static program the host runs itself. Targets, their word size and their ELF
 * magic/mask are the action's own table (src/kernel/platforms.ts), and ELF files are read by the
 * action's own parser (src/kernel/elf.ts), so the two cannot disagree about a binary.
 */
import { parseElf } from '../../src/kernel/elf.js'
import { headerMatches, platformOf, type QemuTarget } from '../../src/kernel/platforms.js'
import type { CompressionName } from './compression.js'

export interface HostRow {
  /** Debian's architecture name. */
  deb: string
  /** The target whose programs the host runs natively: what its interpreters are built for. */
  native: QemuTarget
  /** The targets packaged for it. */
  targets: readonly QemuTarget[]
}

/**
 * The hosts assets are made for, keyed by the action's host name (Docker style, what the manifest's
 * `host` says and the file name ends with). The host's own family is never a target (it runs
 * natively); arm64 and armhf hosts get the x86 targets this action exists for.
 */
export const HOSTS = {
  amd64: { deb: 'amd64', native: 'x86_64', targets: ['aarch64', 'arm', 'riscv64', 'ppc64le', 's390x', 'mips64el', 'loongarch64'] },
  arm64: { deb: 'arm64', native: 'aarch64', targets: ['x86_64', 'i386'] },
  arm: { deb: 'armhf', native: 'arm', targets: ['i386', 'x86_64'] }
} as const satisfies Record<string, HostRow>

export type HostName = keyof typeof HOSTS

const HOST_NAMES = Object.keys(HOSTS) as HostName[]

export function hostRow(host: string): HostRow {
  if (!(host in HOSTS)) throw new Error(`unknown host ${host} (known: ${HOST_NAMES.join(', ')})`)
  return HOSTS[host as HostName]
}

/** Hosts in table order (amd64, arm64, arm): the order releases list them in. */
export function hostOrder(a: string, b: string): number {
  return HOST_NAMES.indexOf(a as HostName) - HOST_NAMES.indexOf(b as HostName)
}

/** The action's host name for a Debian, Docker or uname name: armhf -> arm, aarch64 -> arm64. */
export function hostName(name: string): HostName {
  const n = String(name).trim().toLowerCase()
  const found = HOST_NAMES.find(h => h === n || HOSTS[h].deb === n || HOSTS[h].native === n)
  if (found) return found
  const known = HOST_NAMES.map(h => (h === HOSTS[h].deb ? h : `${h}/${HOSTS[h].deb}`)).join(', ')
  throw new Error(`unknown host architecture ${name} (known: ${known})`)
}

/** The file name of an asset: qemu-<target>-linux-<host>.br (or .xz, the compression's own extension). */
export function assetName(target: string, host: string, compression: CompressionName): string {
  return `qemu-${target}-linux-${host}.${compression}`
}

/** A 64-bit guest on a 32-bit host: QEMU 10 builds none of those. */
export function wideGuestOnNarrowHost(host: string, target: QemuTarget): boolean {
  return platformOf(hostRow(host).native).bits === 32 && platformOf(target).bits === 64
}

/**
 * The targets to package for a host: its row of HOSTS, without 64-bit guests on a 32-bit host
 * from QEMU 10 on, narrowed to `only` when given.
 */
export function targetsFor(host: string, qemuMajor: number, only?: readonly string[]): QemuTarget[] {
  let targets = hostRow(host).targets.filter(t => !(qemuMajor >= 10 && wideGuestOnNarrowHost(host, t)))
  if (only) targets = targets.filter(t => only.includes(t))
  return targets
}

const ET_EXEC = 2
const ET_DYN = 3

/** Why a file's first bytes (64 KiB hold every linker's program headers) are not a static program for a host; undefined when they are. */
export function binaryProblem(head: Buffer, host: string): string | undefined {
  let outOfReach = false
  const elf = parseElf(head, (offset, length) => {
    if (offset + length <= head.length) return head.subarray(offset, offset + length)
    outOfReach = true
    return undefined
  })
  if (!elf) return outOfReach ? 'its program headers are not where they can be read' : 'not an ELF file'
  const type = elf.littleEndian ? elf.header.readUInt16LE(16) : elf.header.readUInt16BE(16)
  if (type !== ET_EXEC && type !== ET_DYN) return `ELF type ${type} is not a program`
  // The host's own magic/mask: class, byte order and machine of the programs it runs natively.
  const native = platformOf(hostRow(host).native)
  if (!headerMatches(elf.header, native.magic, native.mask)) {
    return `an ELF file for machine ${elf.machine} (${elf.bits}-bit), not for a ${host} host`
  }
  if (!elf.isStatic) return 'dynamically linked (a PT_INTERP program header): binfmt_misc with F needs a static interpreter'
  return undefined
}
