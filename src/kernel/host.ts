/** What machine the action runs on, read from the kernel and the running Node. */
import { machine } from 'node:os'
import { readUserAddressBits } from './address-space.js'
import { hostFamily, type Platform, type QemuTarget } from './platforms.js'

export interface Host {
  os: NodeJS.Platform
  /** uname -m */
  machine: string
  /** Bits of the userland the runner itself runs in (a 64-bit ARM kernel can run a 32-bit one). */
  userlandBits: 32 | 64
  /** Targets the host runs itself: never registered. */
  family: QemuTarget[]
  /** Bits the kernel's user addresses take (address-space.ts): 48 on most arm64 kernels; undefined when unknown. */
  addressBits?: number
}

const BITS_32 = new Set(['arm', 'ia32', 'x32', 'mips', 'mipsel', 'ppc'])

export function currentHost(): Host {
  const kernelMachine = process.platform === 'linux' ? machine() : process.arch
  return {
    os: process.platform,
    machine: kernelMachine,
    userlandBits: BITS_32.has(process.arch) ? 32 : 64,
    family: hostFamily(kernelMachine),
    addressBits: process.platform === 'linux' ? readUserAddressBits() : undefined
  }
}

/** A reason the action cannot serve these platforms on this host, or undefined. */
export function hostProblem(host: Host, platforms: readonly Platform[]): string | undefined {
  if (host.os !== 'linux') {
    const how =
      host.os === 'darwin'
        ? 'macOS runs x86_64 programs through Rosetta 2'
        : host.os === 'win32'
          ? 'Windows on ARM emulates x64 programs itself'
          : 'it has no binfmt_misc'
    return `setup-x86-on-arm works on Linux runners only; this one runs ${host.os} (${how}): run this step only where runner.os == 'Linux'`
  }
  const wide = platforms.filter(p => p.bits === 64 && !host.family.includes(p.target))
  if (host.userlandBits === 32 && wide.length > 0) {
    return (
      `this ${host.machine} kernel runs a 32-bit userland, and 64-bit guests (${wide.map(p => p.docker).join(', ')}) ` +
      'need a 64-bit one (QEMU 10 dropped 64-bit guests on 32-bit hosts): use a 64-bit OS image (e.g. 64-bit Raspberry Pi OS) or request only 32-bit platforms such as 386'
    )
  }
  return undefined
}
