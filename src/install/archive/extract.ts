/**
 * Reading the wanted interpreters out of a verified download without unpacking it: one streamed
 * pass over the (decompressed) archive writes only the members named like the targets, each to a
 * file name chosen here (never a path taken from the archive), and asks the caller to judge each
 * candidate. Links named like a target are followed inside the archive.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { posix } from 'node:path'
import type { Readable } from 'node:stream'
import type { QemuTarget } from '../../kernel/platforms.js'
import { debData } from './ar.js'
import { ChunkReader } from './chunk-reader.js'
import { decompress } from './decompress.js'
import { ArchiveError } from './archive-error.js'
import { containerOf, describeContainer, formatName, type ArchiveFormat, type Container } from './format.js'
import { normalizeMemberPath, resolveLink, targetOfBinaryName, targetOfMember } from './members.js'
import { walkTar, type EntrySink } from './tar.js'

/** Largest member written out: a static qemu is 10-30 MB; nothing legitimate comes near this. */
export const MAX_MEMBER_BYTES = 512 * 1024 * 1024

export interface ExtractRequest {
  /** The archive on disk, already verified. */
  file: string
  /** From confirmFormat: compression known, container known or to be told from the bytes. */
  format: ArchiveFormat
  targets: readonly QemuTarget[]
  /** The downloaded file's name: tells a single binary's target. */
  name: string
  /** Where candidates are written (as qemu-<target>.<n>); the caller owns the folder. */
  destDir: string
  /**
   * Judges an extracted candidate (given with the sha256 of what was written): undefined accepts
   * it for the target, a string says why not (the next candidate is tried).
   */
  accept: (target: QemuTarget, path: string, member: string, sha256: string) => Promise<string | undefined>
}

export interface ExtractResult {
  /** target -> the accepted file in destDir, with the sha256 and size of what was written to it */
  found: Map<QemuTarget, { path: string; member: string; sha256: string; size: number }>
  /** Why each candidate was turned down, per target. */
  rejected: Map<QemuTarget, string[]>
  /** What the archive turned out to be. */
  format: ArchiveFormat
}

/**
 * Reads the wanted interpreters out of an archive, writing each candidate member to
 * destDir/qemu-<target>.<n> and asking accept() about it. One pass over the stream picks regular
 * files named qemu-<t> or qemu-<t>-static, and files that a matching link points to when the
 * link comes first; reading stops as soon as every target has an accepted file. A matching link
 * whose destination came earlier in the stream (always so for tar hard links) costs one more pass
 * that reads just those paths.
 */
export async function extractBinaries(req: ExtractRequest): Promise<ExtractResult> {
  const result: ExtractResult = { found: new Map(), rejected: new Map(), format: req.format }
  let serial = 0
  const pending = () => req.targets.filter(t => !result.found.has(t))
  const reject = (target: QemuTarget, why: string) => {
    const list = result.rejected.get(target) ?? []
    list.push(why)
    result.rejected.set(target, list)
  }
  const openFiles = new Set<FileHandle>()

  /** A sink writing one candidate; on end it is judged, and reading stops once nothing is pending. */
  const candidate = async (target: QemuTarget, member: string): Promise<EntrySink> => {
    const path = posix.join(req.destDir, `qemu-${target}.${serial++}`)
    const handle = await open(path, 'wx', 0o700)
    openFiles.add(handle)
    // Hashed as it is written: the digest the interpreter store keeps it under, without reading it again.
    const hash = createHash('sha256')
    let written = 0
    return {
      async write(chunk) {
        written += chunk.length
        if (written > MAX_MEMBER_BYTES) throw new ArchiveError(`${member} is larger than ${MAX_MEMBER_BYTES} bytes: not a QEMU binary`)
        hash.update(chunk)
        await handle.write(chunk)
      },
      async end() {
        openFiles.delete(handle)
        await handle.close()
        const sha256 = hash.digest('hex')
        const why = await req.accept(target, path, member, sha256)
        if (why) reject(target, `${member}: ${why}`)
        else result.found.set(target, { path, member, sha256, size: written })
        return pending().length === 0 ? 'stop' : 'continue'
      }
    }
  }

  const start = async (): Promise<{ reader: ChunkReader; container: Container }> => {
    let source: Readable
    let compression = req.format.compression
    if (req.format.container === 'deb') {
      const data = await debData(req.file)
      if (data.member.size === 0) throw new ArchiveError("the .deb's data member is empty")
      source = createReadStream(req.file, { start: data.member.offset, end: data.member.offset + data.member.size - 1 })
      compression = data.compression
    } else {
      source = createReadStream(req.file)
    }
    const reader = new ChunkReader(decompress(source, compression))
    let head: Buffer
    try {
      head = await reader.peek(512)
    } catch (err) {
      await reader.close()
      throw err
    }
    const seen = containerOf(head)
    const declared = req.format.container === 'deb' ? 'tar' : req.format.container
    const what = req.format.container === 'deb' ? "the .deb's data member" : `the ${formatName(req.format)} file`
    let problem: string | undefined
    if (head.length === 0) problem = `${what} is empty${compression === 'none' ? '' : ' once decompressed'}`
    else if (declared && seen !== declared)
      problem = `expected ${describeContainer(declared)} in ${what}, found ${seen ? describeContainer(seen) : 'neither ELF nor tar data'}`
    else if (!declared && seen !== 'tar' && seen !== 'binary')
      problem = `the ${compression} data holds neither a tar archive nor an ELF program`
    if (problem) {
      await reader.close()
      throw new ArchiveError(problem)
    }
    const container = declared ?? (seen as Container)
    result.format = { container: req.format.container === 'deb' ? 'deb' : container, compression: req.format.compression }
    return { reader, container }
  }

  const closeAll = async () => {
    for (const handle of openFiles) await handle.close().catch(() => undefined)
    openFiles.clear()
  }

  const first = await start()
  const container = first.container
  let reader = first.reader
  if (container === 'binary') {
    const target = targetOfBinaryName(req.name, req.targets)
    try {
      if (!target) {
        const wanted = req.targets.map(t => `qemu-${t}`).join(', ')
        throw new ArchiveError(
          `the file is a single program whose name ${JSON.stringify(req.name)} does not say which target it serves (expected ${wanted}, optionally with -static or -linux-<host>, and .gz/.xz/.zst/.br)`
        )
      }
      const sink = await candidate(target, req.name)
      await reader.forward(Number.MAX_SAFE_INTEGER, chunk => sink.write(chunk))
      await sink.end()
    } finally {
      await closeAll()
      await reader.close()
    }
    return result
  }

  // A tar stream (or a .deb's data.tar).
  let wanted = new Map<string, QemuTarget>() // archive path -> target, from links seen in an earlier pass
  const captured = new Set<string>()
  for (let pass = 0; ; pass++) {
    const links = new Map<string, string>() // link path -> where it points, for every link this pass
    const files = new Set<string>() // regular files passed this pass
    const later = new Map<string, QemuTarget>() // destinations that went by before their link did
    try {
      await walkTar(reader, async entry => {
        const path = normalizeMemberPath(entry.path)
        if (entry.type === 'file') files.add(path)
        if (entry.type === 'symlink' || entry.type === 'hardlink') links.set(path, resolveLink(path, entry.linkname, entry.type))
        const viaLink = wanted.get(path)
        const target = viaLink && !result.found.has(viaLink) ? viaLink : targetOfMember(path, pending())
        if (!target) return 'skip'
        if (entry.type === 'file') {
          if (captured.has(path)) return 'skip'
          captured.add(path)
          return candidate(target, path)
        }
        if (entry.type === 'symlink' || entry.type === 'hardlink') {
          // Follow the link through links already seen; its end point is read when it comes by,
          // or in another pass when it went by already.
          let to = links.get(path) as string
          for (let hops = 0; links.has(to) && hops < 16; hops++) to = links.get(to) as string
          if (captured.has(to)) return 'skip'
          if (files.has(to) || links.has(to)) later.set(to, target)
          else wanted.set(to, target)
        }
        return 'skip'
      })
    } finally {
      await closeAll()
      await reader.close()
    }
    // Destinations named by links but never seen in the archive are reported, not chased.
    for (const [to, target] of wanted) {
      if (!result.found.has(target) && !files.has(to) && !links.has(to) && !captured.has(to)) {
        reject(target, `a link named like qemu-${target} points to ${to}, which the archive does not hold`)
      }
    }
    const next = new Map([...later].filter(([to, target]) => !result.found.has(target) && !captured.has(to)))
    if (pending().length === 0 || next.size === 0 || pass >= 3) break
    wanted = next
    ;({ reader } = await start())
  }
  return result
}
