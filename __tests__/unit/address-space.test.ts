/**
 * How high this host's user addresses go, from /proc/self/maps: the top of [stack] tells, not the
 * highest mapping (x86_64's vsyscall page lies far above). The maps below are shaped like Node's
 * own on each kind of machine.
 */
import { describe, expect, test } from '@jest/globals'
import { beyondX86_64, readUserAddressBits, userAddressBits, x86_64GuestBase } from '../../src/kernel/address-space.js'

/** An arm64 kernel with 48-bit virtual addresses (GitHub's arm64 runners, most servers). */
const ARM64_48 = `aaaad3a40000-aaaad5e2c000 r-xp 00000000 103:01 1835109                   /usr/local/bin/node
aaaad5e3b000-aaaad5ec4000 r--p 023eb000 103:01 1835109                   /usr/local/bin/node
aaab0b5d1000-aaab0b8a4000 rw-p 00000000 00:00 0                          [heap]
ffff7c000000-ffff7c021000 rw-p 00000000 00:00 0
ffff8e4a0000-ffff8e628000 r-xp 00000000 103:01 2098731                   /usr/lib/aarch64-linux-gnu/libc.so.6
ffff8e660000-ffff8e661000 r--p 00000000 00:00 0                          [vvar]
ffff8e661000-ffff8e662000 r-xp 00000000 00:00 0                          [vdso]
ffffe2a1f000-ffffe2a40000 rw-p 00000000 00:00 0                          [stack]
`

/** A Raspberry Pi kernel: 39-bit virtual addresses. */
const ARM64_39 = `55822d0000-5584560000 r-xp 00000000 b3:02 262475                     /usr/bin/node
558c3a1000-558c6f2000 rw-p 00000000 00:00 0                              [heap]
7f8a2c0000-7f8a448000 r-xp 00000000 b3:02 131592                     /usr/lib/aarch64-linux-gnu/libc.so.6
7f8a480000-7f8a481000 r--p 00000000 00:00 0                              [vvar]
7f8a481000-7f8a482000 r-xp 00000000 00:00 0                              [vdso]
7fe1b6d000-7fe1b8e000 rw-p 00000000 00:00 0                              [stack]
`

/** x86_64: 47 bits, with the vsyscall page above them. */
const X86_64 = `55d4c8a00000-55d4cae75000 r-xp 00000000 08:01 1048612                    /usr/bin/node
55d4ce0c1000-55d4ce3d4000 rw-p 00000000 00:00 0                          [heap]
7f3b6c228000-7f3b6c3bd000 r-xp 00028000 08:01 1050104                    /usr/lib/x86_64-linux-gnu/libc.so.6
7ffd5f2b1000-7ffd5f2d2000 rw-p 00000000 00:00 0                          [stack]
7ffd5f3c6000-7ffd5f3ca000 r--p 00000000 00:00 0                          [vvar]
7ffd5f3ca000-7ffd5f3cc000 r-xp 00000000 00:00 0                          [vdso]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
`

describe('userAddressBits', () => {
  test.each([
    ['an arm64 kernel with 48-bit addresses', ARM64_48, 48, true],
    ["a Raspberry Pi's 39-bit kernel", ARM64_39, 39, false],
    ['x86_64, whose vsyscall page lies above its 47 bits', X86_64, 47, false]
  ])('%s', (_what, maps, bits, beyond) => {
    expect(userAddressBits(maps)).toBe(bits)
    expect(beyondX86_64(userAddressBits(maps))).toBe(beyond)
  })

  test('a stack ending exactly at 2^47 still takes 47 bits (the end is exclusive)', () => {
    expect(userAddressBits('7ffffffde000-800000000000 rw-p 00000000 00:00 0  [stack]\n')).toBe(47)
  })

  test.each([
    ['no [stack] line', X86_64.replace('[stack]', '')],
    ['a thread stack only', '7f3b6c228000-7f3b6c3bd000 rw-p 00000000 00:00 0  [stack:1234]\n'],
    ['a file whose name ends in [stack]', '7f3b6c228000-7f3b6c3bd000 rw-p 00000000 08:01 77 /tmp/a [stack]\n'],
    ['a line that is not a mapping', 'not-hex rw-p 00000000 00:00 0 [stack]\n'],
    ['empty text', '']
  ])('unknown for %s', (_what, maps) => {
    expect(userAddressBits(maps)).toBeUndefined()
    expect(beyondX86_64(userAddressBits(maps))).toBe(false)
  })

  test("this machine's own maps name a size", () => {
    expect(readUserAddressBits()).toBeGreaterThanOrEqual(32)
    expect(readUserAddressBits('/nonexistent/maps')).toBeUndefined()
  })
})

describe('x86_64GuestBase', () => {
  test('2^47 where the kernel hands out 48-bit addresses', () => {
    expect(x86_64GuestBase(48)).toBe('0x800000000000')
  })

  test.each([[39], [47], [undefined]])('none for %s bits: x86_64 programs get their addresses there anyway', bits => {
    expect(x86_64GuestBase(bits)).toBeUndefined()
  })
})
