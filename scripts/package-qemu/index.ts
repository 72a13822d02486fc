/**
 * package-qemu: the action's own QEMU assets from Debian's signed archive, one static interpreter
 * per file, `qemu-<target>-linux-<host>.br` (brotli; older releases .xz), about 2 MB each,
 * reproducible by anyone with apt and the same Node (its brotli) or xz.
 *
 *   npm run package-qemu -- <debian-version-or-suite> [options]      (13, 13.2, trixie, bookworm, ...)
 *   npm run package-qemu -- --rebuild <release-id>                     (the manifest's release, exactly)
 *   npm run package-qemu -- --rebuild <release-id> --manifest          (the same, then written back)
 *
 * For each host architecture (HOSTS in hosts.ts) it fetches Debian's qemu-user package (Debian 13
 * and later, where it is static) or qemu-user-static (Debian 12 and older) with `apt-get download`
 * and a foreign architecture. apt runs on private state under --cache-dir (apt.ts), with the
 * machine's own sources and keyrings moved to the requested suite (sources.ts): no mirror is named
 * anywhere here. Each wanted usr/bin/qemu-<target> is read out of the package, checked to be a
 * statically linked ELF program for the host with the action's own ELF reader and platform table,
 * and compressed with fixed settings (compression.ts): brotli through node:zlib, which the action
 * decodes in-process, or xz (XZ_OPT/XZ_DEFAULTS are cleared); a round trip must give the binary back.
 *
 * Output (default .cache/qemu-assets/<tag>/): the .br (or .xz) files, SHA256SUMS, release.json (the
 * manifest release, release.ts: each asset's sha256, size and binarySha256, the interpreter's
 * own). --manifest writes the release into src/install/manifest.json (--default: as the default
 * release); --verify-manifest instead fails unless the files are the ones the manifest pins (what
 * the release workflow runs before it uploads anything).
 *
 * Options:
 *   --hosts amd64,arm64,armhf     host architectures, Debian or Docker names (default: all of HOSTS)
 *   --targets aarch64,riscv64     only these targets (each host keeps those of its row in HOSTS)
 *   --out DIR                     where the files go (default .cache/qemu-assets/<tag>)
 *   --cache-dir DIR               apt state and downloaded .debs, reused (default .cache/qemu-debian)
 *   --package NAME                the Debian package (default by release, see packageFor)
 *   --deb-version VERSION         that exact package version, for every host (default: the suite's candidate)
 *   --compression br|xz           br (brotli quality 11, 16 MiB window) or xz -9 (default: what the
 *                                 manifest's release of the same QEMU version has, else br;
 *                                 --rebuild always makes what the release records)
 *   --manifest                    add or update the release in the manifest
 *   --manifest-file PATH          the manifest to update or verify (default src/install/manifest.json)
 *   --default                     with --manifest: make the release the default
 *   --fallback ID                 the release tried when these assets are missing (default: the
 *                                 manifest's first release not published by the action)
 *   --verify-manifest             fail unless every file matches the manifest's entry for it
 *   --rebuild ID                  suite, package versions, hosts, targets and compression from the
 *                                 manifest's release ID; implies --verify-manifest; with --manifest
 *                                 the verified release is then written back (adding binarySha256)
 *   --allow-missing-index         go on when apt-get update could not fetch some indexes (a mirror
 *                                 mid-sync); the candidate may then be older than the newest
 *   --jobs N                      parallel extractions/compressions (default: the CPU count)
 *   --fetch-only                  stop once the .debs are downloaded and verified (CI warm-up)
 *   --apt-etc DIR                 read the sources from DIR instead of /etc/apt (tests)
 *
 * Needs apt-get, apt-cache, dpkg-deb, tar, and xz (xz-utils) for .xz releases. Started by scripts/package-qemu.mjs,
 * which loads these TypeScript modules (and the src/ ones they share with the action) through tsx.
 * This module is the script's public face: what the launcher runs and what the tests use.
 */
import { parseArgs } from './args.js'
import { packageQemu } from './package.js'

export { aptOptions } from './apt.js'
export { DEFAULT_CACHE_DIR, DEFAULT_OUT_ROOT, MANIFEST_PATH, parseArgs, ROOT, USAGE, type PackageArgs } from './args.js'
export {
  brotliParams,
  compress,
  compressionRecord,
  compressionSettings,
  COMPRESSIONS,
  DEFAULT_COMPRESSION,
  XZ_ARGS,
  type CompressionName
} from './compression.js'
export { assetName, binaryProblem, HOSTS, hostName, hostRow, targetsFor, type HostName, type HostRow } from './hosts.js'
export { packageQemu } from './package.js'
export {
  compareWithManifest,
  mergeRelease,
  rebuildPlan,
  recordedCompression,
  releaseOf,
  sha256sums,
  type BuiltAsset,
  type PackagedRelease,
  type Provenance
} from './release.js'
export {
  deriveSources,
  machineCodename,
  machineSources,
  parseDeb822,
  parseSources,
  parseStanza,
  renderSources,
  type Source
} from './sources.js'
export { DEBIAN_RELEASES, memberFor, packageFor, parseDebVersion, qemuVersionIn, suiteFor, upstreamQemu } from './suites.js'

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  await packageQemu(parseArgs(argv))
}
