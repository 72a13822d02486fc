/**
 * The repository's list of known QEMU builds (manifest.json): which file to download for a QEMU
 * version and host architecture, in which format, and the sha256 it must have. Lookups here are
 * pure functions; manifest.json is checked by validateManifest when loaded.
 */
import { PLATFORMS, type QemuTarget } from '../kernel/platforms.js'
import data from './manifest.json' with { type: 'json' }
import { parseFormat } from './archive/format.js'

export interface ManifestAsset {
  /** Docker-style host architecture the binaries run on: amd64, arm64, arm, riscv64, ... */
  host: string
  /** Set for a single-interpreter asset (qemu-<target>-linux-<host>.xz); absent for an archive of several. */
  target?: QemuTarget
  /** Absolute http(s) URL; or file, relative to the release's download folder (source "action"). */
  url?: string
  file?: string
  /** tar.gz, tar.xz, tar.zst, tar.br, tar, deb, gz, xz, zst, br, binary (archive/format.ts parseFormat). */
  format: string
  /** Lower-case hex, or null when no digest is known (then the asset is refused). */
  sha256: string | null
  /**
   * For a single-interpreter asset: the sha256 of the interpreter itself once decompressed, so a
   * copy in the tool cache or the interpreter store can be checked without any record of its own.
   */
  binarySha256?: string
  size?: number
  /** Where the sha256 came from: github-api, computed, debian, or a sentence for anything else. */
  digestSource?: string
}

export interface ManifestRelease {
  /** What `qemu-version` names (10.2.3-68) and the tool-cache version: unique, semver-shaped. */
  id: string
  /** The QEMU version the binaries report. */
  qemu: string
  /** A GitHub owner/repo the assets come from, or "action" for the action's own repository. */
  source: string
  tag?: string
  /** The release id to use instead when this one's assets are missing (HTTP 404). */
  fallback?: string
  assets: ManifestAsset[]
}

export interface Manifest {
  default: string
  releases: ManifestRelease[]
}

export class ManifestError extends Error {}

const TARGETS = new Set<string>(PLATFORMS.map(p => p.target))
/** Semver without build metadata, the tool cache's version folders: 1.2.3 or 1.2.3-pre.4 */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?$/

/** "sha256:ABC..." or "abc..." -> "abc..."; undefined unless 64 hex digits. */
export function normalizeSha256(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const hex = value
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined
}

/**
 * Is a version string a tool-cache version folder name? The same strings @actions/tool-cache
 * took as explicit versions and kept unchanged, so caches it wrote are still found.
 */
export function isCacheVersion(version: string): boolean {
  return SEMVER.test(version)
}

/** Checks the shape of parsed manifest JSON; throws ManifestError naming the first problem. */
export function validateManifest(json: unknown): Manifest {
  const fail = (where: string, problem: string): never => {
    throw new ManifestError(`manifest ${where}: ${problem}`)
  }
  if (!json || typeof json !== 'object') fail('', 'is not an object')
  const m = json as Record<string, unknown>
  if (typeof m.default !== 'string') fail('default', 'is not a string')
  if (!Array.isArray(m.releases)) fail('releases', 'is not a list')
  const ids = new Set<string>()
  const releases = m.releases as unknown[]
  releases.forEach((r, i) => {
    const where = `releases[${i}]`
    if (!r || typeof r !== 'object') fail(where, 'is not an object')
    const rel = r as Record<string, unknown>
    if (typeof rel.id !== 'string' || !isCacheVersion(rel.id))
      fail(`${where}.id`, `${JSON.stringify(rel.id)} is not a semver version (1.2.3 or 1.2.3-4)`)
    if (ids.has(rel.id as string)) fail(`${where}.id`, `${rel.id} appears twice`)
    ids.add(rel.id as string)
    if (typeof rel.qemu !== 'string' || !/^\d+\.\d+(\.\d+)?$/.test(rel.qemu)) fail(`${where}.qemu`, 'is not a QEMU version')
    if (typeof rel.source !== 'string' || !(rel.source === 'action' || /^[\w.-]+\/[\w.-]+$/.test(rel.source)))
      fail(`${where}.source`, 'is neither "action" nor owner/repo')
    if (rel.tag !== undefined && typeof rel.tag !== 'string') fail(`${where}.tag`, 'is not a string')
    if (rel.source === 'action' && typeof rel.tag !== 'string') fail(`${where}.tag`, 'is needed for source "action"')
    if (rel.fallback !== undefined && typeof rel.fallback !== 'string') fail(`${where}.fallback`, 'is not a string')
    if (!Array.isArray(rel.assets)) fail(`${where}.assets`, 'is not a list')
    ;(rel.assets as unknown[]).forEach((a, j) => {
      const at = `${where}.assets[${j}]`
      if (!a || typeof a !== 'object') fail(at, 'is not an object')
      const asset = a as Record<string, unknown>
      if (typeof asset.host !== 'string' || !/^[a-z0-9-]+$/.test(asset.host)) fail(`${at}.host`, 'is not a host architecture name')
      if (asset.target !== undefined && !TARGETS.has(asset.target as string))
        fail(`${at}.target`, `${JSON.stringify(asset.target)} is not a QEMU target`)
      if (typeof asset.format !== 'string' || !parseFormat(asset.format))
        fail(`${at}.format`, `${JSON.stringify(asset.format)} is not a known format`)
      if (asset.sha256 !== null && normalizeSha256(asset.sha256) !== asset.sha256)
        fail(`${at}.sha256`, 'is neither null nor 64 lower-case hex digits')
      if (asset.size !== undefined && !(Number.isInteger(asset.size) && (asset.size as number) > 0))
        fail(`${at}.size`, 'is not a positive integer')
      if (asset.binarySha256 !== undefined && normalizeSha256(asset.binarySha256) !== asset.binarySha256)
        fail(`${at}.binarySha256`, 'is not 64 lower-case hex digits')
      if (asset.binarySha256 !== undefined && asset.target === undefined)
        fail(`${at}.binarySha256`, 'is only for a single-interpreter asset (one with a target)')
      const hasUrl = typeof asset.url === 'string'
      const hasFile = typeof asset.file === 'string'
      if (hasUrl === hasFile) fail(at, 'needs exactly one of url and file')
      if (hasUrl && !/^https?:\/\/[^\s]+$/.test(asset.url as string)) fail(`${at}.url`, 'is not an http(s) URL')
      if (hasFile && (rel.source !== 'action' || /[/\\]/.test(asset.file as string)))
        fail(`${at}.file`, 'is only for source "action", as a plain file name')
    })
  })
  for (const r of releases as ManifestRelease[]) {
    if (r.fallback !== undefined && !ids.has(r.fallback))
      fail(`release ${r.id}.fallback`, `names ${r.fallback}, which is not in the manifest`)
  }
  if (!ids.has(m.default as string)) fail('default', `${m.default} is not a release id`)
  return json as Manifest
}

/** The manifest shipped with the action. */
export const MANIFEST: Manifest = validateManifest(data)

/**
 * The releases that can serve a requested qemu-version, in the order to try them: '' is the
 * default; 10.2.3-68 is that release; 10.2.3 or 10.2 is the first release (manifest order, newest
 * first) whose QEMU version matches. Each is followed by its fallback chain. Empty when none match.
 */
export function findReleases(manifest: Manifest, version: string): ManifestRelease[] {
  const wanted = version.trim() === '' || version.trim() === 'default' ? manifest.default : version.trim()
  const first =
    manifest.releases.find(r => r.id === wanted) ??
    manifest.releases.find(r => r.qemu === wanted) ??
    (/^\d+\.\d+$/.test(wanted) ? manifest.releases.find(r => r.qemu.startsWith(`${wanted}.`)) : undefined)
  const chain: ManifestRelease[] = []
  for (let r = first; r && !chain.includes(r); r = r.fallback ? manifest.releases.find(x => x.id === r!.fallback) : undefined) chain.push(r)
  return chain
}

/** The asset of a release that serves a target on a host: its own single binary first, else an archive. */
export function assetFor(release: ManifestRelease, hostArch: string, target: QemuTarget): ManifestAsset | undefined {
  const forHost = release.assets.filter(a => a.host === hostArch)
  return forHost.find(a => a.target === target) ?? forHost.find(a => a.target === undefined)
}

/**
 * The URL of an asset: its own url, or for source "action" the release download folder under
 * assetBase, the address of the repository the action runs from (so forks that publish their own
 * assets work unchanged): <assetBase>/releases/download/<tag>/<file>.
 * Throws ManifestError when such an asset is asked for and assetBase is not known.
 */
export function assetUrl(release: ManifestRelease, asset: ManifestAsset, assetBase?: string): string {
  if (asset.url) return asset.url
  const base = (assetBase ?? '').replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s/]+\/\S+$/.test(base)) {
    const given = assetBase ? ` (${JSON.stringify(assetBase)} is not an http(s) repository address)` : ''
    throw new ManifestError(
      `release ${release.id} is published with the action itself, and where the action comes from is not known${given}; in a workflow, GITHUB_SERVER_URL and GITHUB_ACTION_REPOSITORY say it`
    )
  }
  return `${base}/releases/download/${encodeURIComponent(release.tag ?? '')}/${encodeURIComponent(asset.file ?? '')}`
}

/** The release ids a user can name, for error messages. */
export function knownVersions(manifest: Manifest): string {
  return manifest.releases.map(r => (r.id === manifest.default ? `${r.id} (default)` : r.id)).join(', ')
}
