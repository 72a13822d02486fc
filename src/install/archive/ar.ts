/**
 * The ar archive a .deb is: member headers parsed from the file on disk, and the data.tar member
 * located (offset, size, compression) so it can be streamed without copying it out first.
 */
import { open } from 'node:fs/promises'
import { ArchiveError } from './archive-error.js'
import { AR_MAGIC, compressionOf, type Compression } from './format.js'

export interface ArMember {
  name: string
  /** Byte offset of the member's data in the file. */
  offset: number
  size: number
}

/** Parses one 60-byte ar member header; undefined when it is not one. */
export function parseArHeader(header: Buffer): { name: string; size: number } | undefined {
  if (header.length < 60 || header[58] !== 0x60 || header[59] !== 0x0a) return undefined
  const name = header.subarray(0, 16).toString('latin1').trim().replace(/\/$/, '')
  const sizeText = header.subarray(48, 58).toString('latin1').trim()
  if (!/^\d+$/.test(sizeText)) return undefined
  return { name, size: Number(sizeText) }
}

/** Lists the members of an ar archive on disk. */
export async function listAr(file: string): Promise<ArMember[]> {
  const handle = await open(file, 'r')
  try {
    const { size: total } = await handle.stat()
    const magic = Buffer.alloc(8)
    await handle.read(magic, 0, 8, 0)
    if (magic.toString('latin1') !== AR_MAGIC) throw new ArchiveError('not a .deb (no ar archive header)')
    const members: ArMember[] = []
    let at = 8
    const header = Buffer.alloc(60)
    while (at < total) {
      const { bytesRead } = await handle.read(header, 0, 60, at)
      if (bytesRead === 0) break
      const parsed = bytesRead === 60 ? parseArHeader(header) : undefined
      if (!parsed) throw new ArchiveError(`the .deb is corrupt or truncated (bad ar member header at byte ${at})`)
      const offset = at + 60
      if (offset + parsed.size > total)
        throw new ArchiveError(`the .deb is truncated (${parsed.name} needs ${parsed.size} bytes, ${total - offset} remain)`)
      members.push({ name: parsed.name, offset, size: parsed.size })
      at = offset + parsed.size + (parsed.size % 2)
    }
    return members
  } finally {
    await handle.close()
  }
}

/** The data.tar member of a .deb and its compression (from its name, checked by its magic). */
export async function debData(file: string): Promise<{ member: ArMember; compression: Compression }> {
  const members = await listAr(file)
  if (members[0]?.name !== 'debian-binary') throw new ArchiveError('not a .deb (its first member is not debian-binary)')
  const member = members.find(m => m.name.startsWith('data.tar'))
  if (!member) throw new ArchiveError(`the .deb holds no data.tar member (it has: ${members.map(m => m.name).join(', ')})`)
  const byName: Record<string, Compression> = { 'data.tar': 'none', 'data.tar.gz': 'gzip', 'data.tar.xz': 'xz', 'data.tar.zst': 'zstd' }
  const compression = byName[member.name]
  if (!compression)
    throw new ArchiveError(`the .deb's ${member.name} uses a compression this action does not read (gzip, xz and zstd are read)`)
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(Math.min(8, member.size))
    await handle.read(head, 0, head.length, member.offset)
    const seen = compressionOf(head)
    if (seen !== compression) throw new ArchiveError(`the .deb's ${member.name} does not start like ${compression} data`)
  } finally {
    await handle.close()
  }
  return { member, compression }
}
