/**
 * Reading QEMU binaries out of downloaded archives without unpacking them. Accepted:
 * .tar(.gz|.xz|.zst|.br), .deb (an ar archive whose data.tar is compressed or not), and a single
 * binary (optionally .gz/.xz/.zst/.br).
 *
 * Our own readers, not @actions/tool-cache's extractors, for every one of these:
 * - a single binary, compressed or not (the project's own .br assets): tool-cache extracts
 *   archives only (tar, zip, 7z, xar), not a compressed file;
 * - a .deb: tool-cache has no ar reader (its extractXar is macOS's xar, and only on macOS);
 * - a tar (tonistiigi/binfmt's .tar.gz, a qemu-url's .tar.xz/.zst): extractTar runs `tar x` into a
 *   folder (printing the command on stdout). It writes out the whole archive (all of tonistiigi's
 *   interpreters, when one or two are wanted), with the links, device files and, as root, owners
 *   the archive names; our reader writes only the members named like a target, each to a name
 *   chosen here, hashes each as it is written (the digest the interpreter store keeps it under),
 *   follows a link only inside the archive, and stops once every target is found.
 *
 *   format.ts       what a file is, from its name and its first bytes
 *   decompress.ts   gzip, brotli and zstd through node:zlib, xz (and zstd on older Node) through a program
 *   tar.ts, ar.ts   the two containers; chunk-reader.ts feeds them exact byte counts
 *   members.ts      which member serves which target
 *   extract.ts      one streamed pass that writes out just the wanted members
 */
export { ArchiveError } from './archive-error.js'
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
