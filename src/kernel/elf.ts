/** Just enough ELF reading to tell what a file is for and whether it is statically linked. */
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'

export interface ElfInfo {
  bits: 32 | 64
  littleEndian: boolean
  /** e_machine */
  machine: number
  /** True when no program header asks for a dynamic loader (PT_INTERP). */
  isStatic: boolean
  /** The first bytes of the file, for magic/mask matching. */
  header: Buffer
}

const PT_INTERP = 3

/** Parses an ELF file's header and program headers; undefined when it is not ELF. */
export function parseElf(header: Buffer, programHeaders: (offset: number, length: number) => Buffer | undefined): ElfInfo | undefined {
  if (header.length < 52 || header.readUInt32BE(0) !== 0x7f454c46) return undefined
  const bits = header[4] === 2 ? 64 : header[4] === 1 ? 32 : undefined
  const littleEndian = header[5] === 1
  if (!bits || (bits === 64 && header.length < 64)) return undefined
  const u16 = (at: number) => (littleEndian ? header.readUInt16LE(at) : header.readUInt16BE(at))
  const u32 = (b: Buffer, at: number) => (littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at))
  const machine = u16(18)
  const phoff = bits === 64 ? Number(littleEndian ? header.readBigUInt64LE(32) : header.readBigUInt64BE(32)) : u32(header, 28)
  const phentsize = u16(bits === 64 ? 54 : 42)
  const phnum = u16(bits === 64 ? 56 : 44)
  const table = phnum ? programHeaders(phoff, phentsize * phnum) : Buffer.alloc(0)
  if (!table || table.length < phentsize * phnum) return undefined
  let isStatic = true
  for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === PT_INTERP) isStatic = false
  return { bits, littleEndian, machine, isStatic, header: header.subarray(0, 128) }
}

/**
 * Reads an ELF file's identity; undefined when the file is missing, not a regular file or not
 * ELF. Opened without blocking so a FIFO put where a program was expected cannot hang the
 * caller; followLinks false refuses a link in the last place (for paths already resolved).
 */
export async function readElf(path: string, { followLinks = true }: { followLinks?: boolean } = {}): Promise<ElfInfo | undefined> {
  let file
  try {
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW))
  } catch {
    return undefined
  }
  try {
    if (!(await file.stat()).isFile()) return undefined
    // Program headers sit right after the ELF header in every linker's output: 64 KiB holds them.
    const buffer = Buffer.alloc(65536)
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0)
    const data = buffer.subarray(0, bytesRead)
    return parseElf(data, (offset, length) => (offset + length <= data.length ? data.subarray(offset, offset + length) : undefined))
  } finally {
    await file.close()
  }
}
