/**
 * How high the kernel hands out user addresses on this host. The top of the main thread's stack
 * tells: the kernel puts it at the top of the user address space (just below 2^47 on x86_64,
 * 2^48 on most arm64 kernels, 2^39 on Raspberry Pi's). The highest mapping of all does not:
 * x86_64's vsyscall page sits far above the user address space.
 */
import { readFileSync } from 'node:fs'

/** The bits an x86_64 program's user addresses may take. */
export const X86_64_ADDRESS_BITS = 47

/** The bits the user address space takes, from /proc/<pid>/maps text; undefined without a [stack] line. */
export function userAddressBits(maps: string): number | undefined {
  for (const line of maps.split('\n')) {
    const fields = line.trim().split(/\s+/)
    // exactly: a file's path is absolute, so one whose name ends in " [stack]" has more fields
    if (fields.length !== 6 || fields[5] !== '[stack]') continue
    const end = /^[0-9a-f]+-([0-9a-f]{1,16})$/i.exec(fields[0])?.[1]
    const top = end ? BigInt(`0x${end}`) : 0n
    // the end is exclusive: the stack's last byte is the highest user address
    return top > 0n ? (top - 1n).toString(2).length : undefined
  }
  return undefined
}

/** Does the user address space reach past what x86_64 programs may have (2^47)? */
export function beyondX86_64(bits: number | undefined): boolean {
  return bits !== undefined && bits > X86_64_ADDRESS_BITS
}

/**
 * QEMU's guest base (-B, QEMU_GUEST_BASE) that puts the addresses this host's kernel hands out
 * where x86_64 programs may have them, or undefined when none is needed or none would do: with 48
 * bits, guest address = host address - 2^47 turns the kernel's [2^47, 2^48) into [0, 2^47); with 47
 * bits or fewer nothing is needed (and that base would put the memory out of the guest's reach).
 */
export function x86_64GuestBase(bits: number | undefined): string | undefined {
  return bits === X86_64_ADDRESS_BITS + 1 ? `0x${(1n << BigInt(X86_64_ADDRESS_BITS)).toString(16)}` : undefined
}

/** userAddressBits of this process; undefined where /proc cannot be read. */
export function readUserAddressBits(path = '/proc/self/maps'): number | undefined {
  try {
    return userAddressBits(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
}
