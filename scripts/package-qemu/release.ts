/**
 * The manifest release package-qemu writes for the assets it built: the files with their sha256,
 * size and the sha256 of the interpreter inside, and where they came from (Debian suite, package
 * version per host, .deb sha256, the compression). Merging it into the manifest, comparing built files with what the manifest pins,
 * SHA256SUMS, and the plan a --rebuild takes from a release. Pure functions over the manifest
 * types of src/install/manifest.ts.
 */
import type { Manifest, ManifestAsset, ManifestRelease } from '../../src/install/manifest.js'
import { PLATFORMS, type QemuTarget } from '../../src/kernel/platforms.js'
import { compressionRecord, compressionSettings, isCompression, type CompressionName } from './compression.js'
import { assetName, hostOrder, hostRow } from './hosts.js'
import { memberFor } from './suites.js'

/** Where a release's files came from. */
export interface Provenance {
  suite: string
  package: string
  /** The Debian package version used for each host. */
  versions: Record<string, string>
  /** The settings and encoder version (compressionRecord); each asset's format says which compression. */
  compression: string
}

/** A release as this script writes it: the manifest's fields plus its Debian provenance. */
export type PackagedRelease = ManifestRelease & { debian: Provenance }

/** One compressed file as built. */
export interface BuiltAsset {
  host: string
  target: QemuTarget
  sha256: string
  size: number
  /** The sha256 of the interpreter itself, what decompressing the file gives. */
  binarySha256: string
}

const TARGET_ORDER: readonly string[] = PLATFORMS.map(p => p.target)

/** Hosts in table order, then targets in the action's platform order. */
function assetOrder(a: ManifestAsset, b: ManifestAsset): number {
  return hostOrder(a.host, b.host) || TARGET_ORDER.indexOf(a.target ?? '') - TARGET_ORDER.indexOf(b.target ?? '')
}

const byHost = (versions: Record<string, string>) =>
  Object.fromEntries(
    Object.keys(versions)
      .sort(hostOrder)
      .map(h => [h, versions[h]])
  )

/** The manifest release for built assets. */
export function releaseOf(o: {
  qemu: string
  suite: string
  pkg: string
  versions: Record<string, string>
  debs: Record<string, string>
  assets: BuiltAsset[]
  fallback?: string
  compression: CompressionName
  encoderVersion?: string
}): PackagedRelease {
  const settings = compressionSettings(o.compression)
  return {
    id: o.qemu,
    qemu: o.qemu,
    source: 'action',
    tag: `qemu-v${o.qemu}`,
    ...(o.fallback ? { fallback: o.fallback } : {}),
    debian: {
      suite: o.suite,
      package: o.pkg,
      versions: byHost(o.versions),
      compression: compressionRecord(o.compression, o.encoderVersion)
    },
    assets: [...o.assets]
      .map(a => ({
        host: a.host,
        target: a.target,
        file: assetName(a.target, a.host, o.compression),
        format: o.compression,
        sha256: a.sha256,
        binarySha256: a.binarySha256,
        size: a.size,
        digestSource:
          `debian: computed by npm run package-qemu from Debian's signed package ${o.pkg} ${o.versions[a.host]} ` +
          `(${hostRow(a.host).deb}, ${o.suite}; .deb sha256 ${o.debs[a.host]}), ` +
          `its ${memberFor(o.pkg, a.target)} compressed with ${settings}`
      }))
      .sort(assetOrder)
  }
}

/** Release ids as version numbers: 10.0.13 > 7.2.22, 10.2.3-68 > 10.2.3-9. */
function compareVersions(a: string, b: string): number {
  const pa = String(a).split(/[.-]/).map(Number)
  const pb = String(b).split(/[.-]/).map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1)
    if (d) return d
  }
  return 0
}

/** The compression a release's assets share (their format), when it is one this script makes. */
export function recordedCompression(release: Pick<ManifestRelease, 'assets'> | undefined): CompressionName | undefined {
  const formats = new Set((release?.assets ?? []).map(a => a.format))
  const [only] = formats
  return formats.size === 1 && isCompression(only) ? only : undefined
}

/**
 * The manifest with a release added: a release with the same id and tag keeps its assets for
 * host/target pairs not rebuilt now (a run for a subset of hosts adds to it) when they have the
 * same compression (a release is one compression, its debian.compression says which); the
 * action's own releases stay in front, newest first, then the others as they were.
 */
export function mergeRelease(manifest: Manifest, release: PackagedRelease, { setDefault = false } = {}): Manifest {
  const old = (manifest.releases ?? []).find(r => r.id === release.id) as Partial<PackagedRelease> | undefined
  let merged: ManifestRelease = release
  if (old && old.tag === release.tag && old.source === release.source) {
    const key = (a: ManifestAsset) => `${a.host}/${a.target ?? ''}`
    const fresh = new Set(release.assets.map(key))
    const format = release.assets[0]?.format
    const kept = (old.assets ?? []).filter(a => !fresh.has(key(a)) && a.format === format)
    const keptHosts = new Set(kept.map(a => a.host))
    const versions = { ...(old.debian?.versions ?? {}), ...release.debian.versions }
    for (const h of Object.keys(versions)) if (!keptHosts.has(h) && !(h in release.debian.versions)) delete versions[h]
    const debian = { ...release.debian, versions: byHost(versions) }
    merged = { ...release, debian, assets: [...kept, ...release.assets].sort(assetOrder) } as PackagedRelease
  }
  const others = (manifest.releases ?? []).filter(r => r.id !== release.id)
  const own = [...others.filter(r => r.source === 'action'), merged].sort((a, b) => compareVersions(b.id, a.id))
  const next: Manifest = { ...manifest, releases: [...own, ...others.filter(r => r.source !== 'action')] }
  if (setDefault || !manifest.default) next.default = release.id
  return next
}

/** Differences between built assets and the manifest's release of the same id; [] when they match. */
export function compareWithManifest(manifest: Manifest, release: PackagedRelease): string[] {
  const pinned = (manifest.releases ?? []).find(r => r.id === release.id)
  if (!pinned) return [`the manifest has no release ${release.id}: run with --manifest first, commit, then publish`]
  const problems: string[] = []
  if (pinned.tag !== release.tag) problems.push(`release ${release.id}: the manifest's tag is ${pinned.tag}, not ${release.tag}`)
  for (const a of release.assets) {
    const p = pinned.assets.find(x => x.host === a.host && x.target === a.target)
    if (!p) problems.push(`${a.file}: not in the manifest's release ${release.id}`)
    else if (p.file !== a.file) problems.push(`${a.file}: the manifest names it ${p.file}`)
    else if (p.sha256 !== a.sha256 || p.size !== a.size) {
      problems.push(`${a.file}: built sha256 ${a.sha256} (${a.size} bytes), the manifest pins ${p.sha256} (${p.size} bytes)`)
    } else if (p.binarySha256 !== undefined && p.binarySha256 !== a.binarySha256) {
      problems.push(`${a.file}: its interpreter's sha256 is ${a.binarySha256}, the manifest pins ${p.binarySha256}`)
    }
  }
  // Another encoder version is the likely reason bytes differ from the same package.
  const recorded = (pinned as Partial<PackagedRelease>).debian?.compression
  if (problems.length && recorded && recorded !== release.debian.compression) {
    problems.push(`the manifest's files were compressed with ${recorded}, these with ${release.debian.compression}`)
  }
  return problems
}

/** sha256sum-style lines, sorted by file name. */
export function sha256sums(assets: BuiltAsset[], compression: CompressionName): string {
  const lines = assets
    .map(a => `${a.sha256}  ${assetName(a.target, a.host, compression)}`)
    .sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1))
  return `${lines.join('\n')}\n`
}

/** What a --rebuild run takes from the manifest's release. */
export interface RebuildPlan {
  suite: string
  package: string
  hosts: string[]
  targets: Record<string, QemuTarget[]>
  versions: Record<string, string>
  fallback?: string
  compression: CompressionName
}

export function rebuildPlan(manifest: Manifest, id: string): RebuildPlan {
  const release = (manifest.releases ?? []).find(r => r.id === id || r.tag === id) as Partial<PackagedRelease> | undefined
  if (!release) throw new Error(`the manifest has no release ${id}`)
  if (release.source !== 'action' || !release.debian?.suite || !release.debian?.package || !release.debian?.versions) {
    throw new Error(`release ${release.id} was not made by this script (no debian provenance)`)
  }
  const assets = release.assets ?? []
  const hosts = [...new Set(assets.map(a => a.host))]
  const versions = release.debian.versions
  for (const h of hosts) if (!versions[h]) throw new Error(`release ${release.id} records no Debian version for host ${h}`)
  const compression = recordedCompression({ assets })
  if (!compression) {
    const formats = [...new Set(assets.map(a => a.format))].join(', ')
    throw new Error(`release ${release.id}'s assets are not all of one compression this script makes (${formats})`)
  }
  const targetsOf = (h: string) => assets.filter(a => a.host === h).flatMap(a => (a.target ? [a.target] : []))
  return {
    suite: release.debian.suite,
    package: release.debian.package,
    hosts,
    targets: Object.fromEntries(hosts.map(h => [h, targetsOf(h)])),
    versions,
    fallback: release.fallback,
    compression
  }
}
