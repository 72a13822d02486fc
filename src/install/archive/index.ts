/**
 * Reading QEMU binaries out of downloaded archives without unpacking them. Accepted:
 * .tar(.gz|.xz|.zst|.br), .deb (an ar archive whose data.tar is compressed or not), and a single
 * binary (optionally .gz/.xz/.zst/.br).
 *
 *   format.ts       what a file is, from its name and its first bytes
 *   decompress.ts   gzip, brotli and zstd through node:zlib, xz (and zstd on older Node) through a program
 *   tar.ts, ar.ts   the two containers; chunk-reader.ts feeds them exact byte counts
 *   members.ts      which member serves which target
 *   extract.ts      one streamed pass that writes out just the wanted members
 */
export { ArchiveError } from './error.js'
export {
  AR_MAGIC,
  compressionOf,
  confirmFormat,
  containerOf,
  describeContainer,
  fileNameOf,
  formatFromName,
  formatName,
  parseFormat,
  type ArchiveFormat,
  type Compression,
  type Container
} from './format.js'
export { normalizeMemberPath, resolveLink, targetOfBinaryName, targetOfMember } from './members.js'
export { ChunkReader } from './chunk-reader.js'
export {
  parsePax,
  parseTarHeader,
  tarNumber,
  walkTar,
  type EntrySink,
  type TarEntry,
  type TarEntryType,
  type TarHeader,
  type Visit
} from './tar.js'
export { debData, listAr, parseArHeader, type ArMember } from './ar.js'
export { decompress } from './decompress.js'
export { extractBinaries, MAX_MEMBER_BYTES, type ExtractRequest, type ExtractResult } from './extract.js'
