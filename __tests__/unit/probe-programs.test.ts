import { describe, test, expect } from '@jest/globals'
import { PLATFORMS, headerMatches, platformOf, platformOfHeader } from '../../src/kernel/platforms.js'
import {
  LOAD_ADDRESS,
  PROBE_MAX_BYTES,
  PROBES,
  buildElf,
  parseX86Level,
  probeProgram,
  x86LevelProgram
} from '../../src/checks/probe-programs.js'

/** Reads the ELF header fields these tests check, in the file's own byte order (an independent
 * reader, not buildElf's writer). */
function readElf(elf: Buffer) {
  const is64 = elf[4] === 2
  const le = elf[5] === 1
  const u16 = (at: number): number => (le ? elf.readUInt16LE(at) : elf.readUInt16BE(at))
  const u32 = (at: number): number => (le ? elf.readUInt32LE(at) : elf.readUInt32BE(at))
  const u64 = (at: number): number => Number(le ? elf.readBigUInt64LE(at) : elf.readBigUInt64BE(at))
  const word = is64 ? u64 : u32
  const w = is64 ? 8 : 4
  const phoff = word(24 + w)
  const flagsAt = 24 + 3 * w
  const ph = phoff
  return {
    bits: is64 ? 64 : 32,
    littleEndian: le,
    type: u16(16),
    machine: u16(18),
    version: u32(20),
    entry: word(24),
    phoff,
    shoff: word(24 + 2 * w),
    flags: u32(flagsAt),
    ehsize: u16(flagsAt + 4),
    phentsize: u16(flagsAt + 6),
    phnum: u16(flagsAt + 8),
    shnum: u16(flagsAt + 12),
    segment: is64
      ? {
          type: u32(ph),
          flags: u32(ph + 4),
          offset: u64(ph + 8),
          vaddr: u64(ph + 16),
          filesz: u64(ph + 32),
          memsz: u64(ph + 40),
          align: u64(ph + 48)
        }
      : {
          type: u32(ph),
          offset: u32(ph + 4),
          vaddr: u32(ph + 8),
          filesz: u32(ph + 16),
          memsz: u32(ph + 20),
          flags: u32(ph + 24),
          align: u32(ph + 28)
        }
  }
}

const ET_EXEC = 2
const PT_LOAD = 1
const PF_X = 1
const PF_W = 2
const PF_R = 4

describe.each(PLATFORMS.map(p => p.target))('probeProgram(%s)', target => {
  const elf = probeProgram(target)
  const header = readElf(elf)
  const platform = platformOf(target)

  test('is a small, complete ELF executable', () => {
    expect(elf.length).toBeLessThan(PROBE_MAX_BYTES)
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF')
    expect(header.type).toBe(ET_EXEC)
    expect(header.version).toBe(1)
    expect(header.bits).toBe(platform.bits)
    expect(header.ehsize).toBe(header.bits === 64 ? 64 : 52)
    expect(header.phentsize).toBe(header.bits === 64 ? 56 : 32)
    expect(header.phnum).toBe(1)
    expect(header.shoff).toBe(0)
    expect(header.shnum).toBe(0)
  })

  test('one read+execute PT_LOAD segment maps the whole file; the entry is the code', () => {
    const seg = header.segment
    expect(seg.type).toBe(PT_LOAD)
    expect(seg.flags).toBe(PF_R | PF_X)
    expect(seg.flags & PF_W).toBe(0)
    expect(seg.offset).toBe(0)
    expect(seg.vaddr).toBe(LOAD_ADDRESS)
    expect(seg.filesz).toBe(elf.length)
    expect(seg.memsz).toBe(elf.length)
    expect(seg.vaddr % seg.align).toBe(0)
    const codeStart = header.phoff + header.phentsize
    expect(header.entry).toBe(LOAD_ADDRESS + codeStart)
    expect(elf.length - codeStart).toBe(PROBES[target].code.length)
    expect(elf.subarray(codeStart).equals(Buffer.from(PROBES[target].code))).toBe(true)
  })

  test("matches its own platform's magic/mask and no other platform's", () => {
    expect(platformOfHeader(elf)?.target).toBe(target)
    const matching = PLATFORMS.filter(p => headerMatches(elf, p.magic, p.mask)).map(p => p.target)
    expect(matching).toEqual([target])
  })
})

describe('per-ABI header details', () => {
  test('arm is EABI version 5', () => {
    expect(readElf(probeProgram('arm')).flags).toBe(0x05000000)
  })
  test('ppc64le uses the ELFv2 ABI (the entry point is code, not a function descriptor)', () => {
    expect(readElf(probeProgram('ppc64le')).flags & 3).toBe(2)
  })
  test('mips64el is n64 (EF_MIPS_ABI2 clear) and not R6', () => {
    const flags = readElf(probeProgram('mips64el')).flags
    expect(flags & 0x20).toBe(0)
    expect((flags & 0xf0000000) >>> 0).toBe(0x80000000) // EF_MIPS_ARCH_64R2
  })
  test('s390x is big-endian throughout the header', () => {
    const elf = probeProgram('s390x')
    expect(elf[5]).toBe(2)
    expect(elf.subarray(16, 20).toString('hex')).toBe('00020016')
    expect(readElf(elf).entry).toBe(LOAD_ADDRESS + 64 + 56)
  })
  test('little-endian targets store e_machine little-endian', () => {
    expect(probeProgram('loongarch64').subarray(18, 20).toString('hex')).toBe('0201')
    expect(probeProgram('aarch64').subarray(18, 20).toString('hex')).toBe('b700')
  })
})

describe('buildElf', () => {
  test('writes a 32-bit big-endian header as asked', () => {
    const code = Buffer.from('0000000c', 'hex')
    const elf = buildElf({ bits: 32, littleEndian: false, machine: 8, flags: 0x70001007, code })
    expect(elf.length).toBe(52 + 32 + 4)
    expect(readElf(elf)).toMatchObject({
      bits: 32,
      littleEndian: false,
      type: ET_EXEC,
      machine: 8,
      flags: 0x70001007,
      entry: LOAD_ADDRESS + 84
    })
    expect(elf.subarray(84).toString('hex')).toBe('0000000c')
  })
  test('every probe builds to the same bytes each time', () => {
    expect(probeProgram('riscv64').equals(probeProgram('riscv64'))).toBe(true)
  })
})

describe('x86LevelProgram', () => {
  test('is a small x86_64 ELF executable', () => {
    const elf = x86LevelProgram()
    expect(elf.length).toBeLessThan(PROBE_MAX_BYTES)
    expect(readElf(elf).type).toBe(ET_EXEC)
    expect(platformOfHeader(elf)?.target).toBe('x86_64')
  })
})

describe('parseX86Level', () => {
  test.each([
    ['x86-64-v1\n', 1],
    ['x86-64-v2\n', 2],
    ['x86-64-v3\n', 3],
    ['x86-64-v4', 4],
    ['  x86-64-v3\r\n', 3]
  ])('%j -> %p', (out, level) => {
    expect(parseX86Level(out)).toBe(level)
  })
  test.each([
    '',
    '\n',
    'x86-64-v0\n',
    'x86-64-v5\n',
    'x86-64\n',
    'x86-64-v3\nx86-64-v2\n',
    'qemu: uncaught target signal 4\n',
    'x86-64-v33\n'
  ])('%j -> undefined', out => {
    expect(parseX86Level(out)).toBeUndefined()
  })
})
