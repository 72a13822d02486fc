/**
 * What to download for a request: one plan per manifest release that can serve every target on
 * this host (the release, then its fallbacks), or the user's qemu-url. Each plan names, per
 * target, the asset's URL, the sha256 it must have and its tool-cache version. Pure: nothing is
 * fetched or read here.
 */
import type { QemuTarget } from '../../kernel/platforms.js'
import { formatFromName, parseFormat, type ArchiveFormat } from '../archive/index.js'
import {
  assetFor,
  assetUrl,
  findReleases,
  knownVersions,
  normalizeSha256,
  type Manifest,
  type ManifestAsset,
  type ManifestRelease
} from '../manifest.js'
import { DownloadError } from './download-error.js'

export interface PlannedAsset {
  url: string
  sha256: string
  format?: ArchiveFormat
  /** Shown with a warning when the manifest's digest is not from a trusted source. */
  digestNote?: string
  /** The manifest's size: a larger download is cut off, another size refused before its digest. */
  size?: number
  /** The manifest's sha256 of the interpreter inside a single-interpreter asset, when it pins one. */
  binarySha256?: string
}

export interface Plan {
  label: string
  /** The tool-cache version the plan's binaries are kept under. */
  cacheVersion: string
  /** QEMU version from the manifest; undefined for a qemu-url. */
  qemu?: string
  assets: Map<QemuTarget, PlannedAsset>
}

/** What planDownload needs to know of a request. */
export interface PlanRequest {
  targets: readonly QemuTarget[]
  hostArch: string
  /** '' = the manifest's default. */
  version: string
  /** '' = from the manifest; else the user's qemu-url. */
  url: string
  sha256: string
}

/** A release's plan, or why it cannot serve the request. */
export type ReleasePlan = { ok: true; plan: Plan } | { ok: false; problem: string }

/**
 * Whether a copy of the plan's asset fetched from `url` serves the plan. The manifest's assets are
 * pinned in our code, so a fork's or a mirror's copy is the same file. A qemu-url's digest is the
 * workflow's own pin: a copy from another address does not serve it, so a qemu-url changed while
 * qemu-sha256 was not is downloaded and refused, here as on a machine that never had the old file.
 */
export function servesFrom(plan: Plan, asset: PlannedAsset, url: string | undefined): boolean {
  return plan.qemu !== undefined || url === asset.url
}

/** The tool-cache version of a qemu-url download: semver-shaped, derived from its sha256. */
export function customCacheVersion(sha256: string): string {
  return `0.0.0-sha256-${sha256.slice(0, 12)}`
}

/**
 * The plans that can serve a request, in the order to try them, and why others could not.
 * assetBase is where the action's own release assets are (undefined: not known, so such a
 * release is passed over). Throws DownloadError for a qemu-url without a digest or an unknown
 * qemu-version.
 */
export function planDownload(req: PlanRequest, manifest: Manifest, assetBase?: string): { plans: Plan[]; problems: string[] } {
  if (req.url) {
    const sha256 = normalizeSha256(req.sha256)
    if (!sha256)
      throw new DownloadError(
        `qemu-url ${req.url} needs qemu-sha256 (64 hex digits) so the download can be verified before it runs`,
        'config',
        req.url
      )
    const asset: PlannedAsset = { url: req.url, sha256, format: formatFromName(req.url) }
    const assets = new Map(req.targets.map(t => [t, asset]))
    return { plans: [{ label: `qemu-url ${req.url}`, cacheVersion: customCacheVersion(sha256), assets }], problems: [] }
  }
  const releases = findReleases(manifest, req.version)
  if (releases.length === 0) {
    throw new DownloadError(
      `qemu-version ${req.version} is not in this action's manifest (known: ${knownVersions(manifest)}); give qemu-url and qemu-sha256 to use another build`,
      'no-build'
    )
  }
  const plans: Plan[] = []
  const problems: string[] = []
  for (const release of releases) {
    const planned = planRelease(release, req, assetBase)
    if (planned.ok) plans.push(planned.plan)
    else problems.push(`${release.id}: ${planned.problem}`)
  }
  return { plans, problems }
}

/** One release's plan: every target needs an asset for this host with a known digest. */
export function planRelease(release: ManifestRelease, req: Pick<PlanRequest, 'targets' | 'hostArch'>, assetBase?: string): ReleasePlan {
  const assets = new Map<QemuTarget, PlannedAsset>()
  // One planned asset per manifest asset: an archive serving several targets is downloaded once.
  const planned = new Map<ManifestAsset, PlannedAsset>()
  for (const target of req.targets) {
    const asset = assetFor(release, req.hostArch, target)
    if (!asset)
      return {
        ok: false,
        problem: `no build for a ${req.hostArch} host${release.assets.some(a => a.host === req.hostArch) ? ` serving ${target}` : ''}`
      }
    const known = planned.get(asset)
    if (known) {
      assets.set(target, known)
      continue
    }
    let url: string
    try {
      url = assetUrl(release, asset, assetBase)
    } catch (err) {
      return { ok: false, problem: (err as Error).message }
    }
    if (!asset.sha256)
      return {
        ok: false,
        problem: `no known sha256 for ${url}, so it cannot be verified (run npm run manifest -- ${release.id} where GitHub is reachable)`
      }
    const trusted = !asset.digestSource || /^(github-api|computed|debian)\b/.test(asset.digestSource)
    const plannedAsset: PlannedAsset = {
      url,
      sha256: asset.sha256,
      format: parseFormat(asset.format),
      digestNote: trusted ? undefined : asset.digestSource,
      size: asset.size,
      ...(asset.binarySha256 ? { binarySha256: asset.binarySha256 } : {})
    }
    planned.set(asset, plannedAsset)
    assets.set(target, plannedAsset)
  }
  const from = release.source === 'action' ? "the action's releases" : release.source
  const label = `QEMU ${release.qemu} (${release.id} from ${from})`
  return { ok: true, plan: { label, cacheVersion: release.id, qemu: release.qemu, assets } }
}
