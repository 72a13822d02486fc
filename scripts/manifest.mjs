#!/usr/bin/env node
// Adds a tonistiigi/binfmt release to src/install/manifest.json, with the sha256 GitHub publishes
// for each per-host asset (the release API's `digest` field).
//
//   npm run manifest -- <version> [--default] [--repository owner/repo] [--hash-downloads] [--dry-run]
//
// <version> is a release id (10.2.3-68, tag deploy/v10.2.3-68) or a QEMU version (10.2.3: the
// newest deploy/v10.2.3-N). --default makes it the manifest's default. Assets GitHub published no
// digest for are refused, unless --hash-downloads: then they are downloaded and hashed here, and
// the entry says so. Needs GitHub (GITHUB_API_URL, default the public API; GITHUB_TOKEN is used
// when set); requests go through @actions/http-client, so https_proxy/no_proxy apply.
//
// sha256 digests and the manifest written are checked with the action's own src/install/manifest.ts
// (so the action accepts what is written), which `npm run manifest` loads through tsx
// (`node --import tsx scripts/manifest.mjs`).
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs as tokenize } from 'node:util'
import { normalizeSha256, validateManifest } from '../src/install/manifest.js'

export const DEFAULT_REPOSITORY = 'tonistiigi/binfmt'
export const MANIFEST_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'install', 'manifest.json')

/** tonistiigi's asset suffix -> the action's host architecture (Docker names). arm-v6 and big-endian mips64 are left out. */
export const HOST_OF_SUFFIX = {
  amd64: 'amd64',
  arm64: 'arm64',
  'arm-v7': 'arm',
  386: '386',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  loong64: 'loong64',
  mips64le: 'mips64le'
}

const ASSET = /^qemu_v(\d+\.\d+\.\d+)_linux-([a-z0-9-]+)\.tar\.gz$/
const TAG = /^deploy\/v(\d+\.\d+\.\d+)-(\d+)$/

/** "10.2.3-68" -> "deploy/v10.2.3-68"; undefined for a bare QEMU version (pickTag finds it). */
export function tagOf(version) {
  const m = /^v?(\d+\.\d+\.\d+)-(\d+)$/.exec(String(version).trim())
  return m ? `deploy/v${m[1]}-${m[2]}` : undefined
}

/** The newest published deploy/v<qemu>-<n> tag in a release list (GET /repos/:r/releases). */
export function pickTag(releases, qemu) {
  const candidates = []
  for (const r of Array.isArray(releases) ? releases : []) {
    const m = TAG.exec(r?.tag_name ?? '')
    if (m && m[1] === qemu && !r.draft) candidates.push({ tag: r.tag_name, build: Number(m[2]), prerelease: Boolean(r.prerelease) })
  }
  candidates.sort((a, b) => Number(a.prerelease) - Number(b.prerelease) || b.build - a.build)
  return candidates[0]?.tag
}

/** GitHub's "sha256:ABC" -> "abc"; undefined for anything else (no digest, or another algorithm). */
export function digestOf(value) {
  return typeof value === 'string' && value.trim().startsWith('sha256:') ? normalizeSha256(value) : undefined
}

/**
 * Turns one release of the GitHub API (GET /repos/:r/releases/tags/:tag) into a manifest release.
 * Returns { release, undigested } where undigested lists assets GitHub published no sha256 for
 * (they are in release.assets with sha256 null).
 */
export function parseRelease(json, { repository = DEFAULT_REPOSITORY } = {}) {
  const tag = json?.tag_name
  const m = TAG.exec(tag ?? '')
  if (!m) throw new Error(`release tag ${JSON.stringify(tag)} is not deploy/v<qemu>-<n>`)
  const [, qemu, build] = m
  const assets = []
  const undigested = []
  for (const a of Array.isArray(json.assets) ? json.assets : []) {
    const am = ASSET.exec(a?.name ?? '')
    if (!am) continue
    if (am[1] !== qemu) throw new Error(`asset ${a.name} names QEMU ${am[1]}, the tag ${qemu}`)
    const host = HOST_OF_SUFFIX[am[2]]
    if (!host) continue
    if (a.state !== undefined && a.state !== 'uploaded') continue
    if (typeof a.browser_download_url !== 'string' || !/^https:\/\//.test(a.browser_download_url))
      throw new Error(`asset ${a.name} has no https download URL`)
    const sha256 = digestOf(a.digest)
    if (!sha256) undigested.push(a.name)
    const asset = { host, url: a.browser_download_url, format: 'tar.gz', sha256: sha256 ?? null }
    if (Number.isInteger(a.size) && a.size > 0) asset.size = a.size
    asset.digestSource = sha256 ? 'github-api' : 'unknown: GitHub published no digest for this asset'
    assets.push(asset)
  }
  if (assets.length === 0) throw new Error(`release ${tag} has no qemu_v${qemu}_linux-<arch>.tar.gz assets`)
  const order = Object.values(HOST_OF_SUFFIX)
  assets.sort((a, b) => order.indexOf(a.host) - order.indexOf(b.host))
  return { release: { id: `${qemu}-${build}`, qemu, source: repository, tag, assets }, undigested }
}

function compareIds(a, b) {
  const pa = a.split(/[.-]/).map(Number)
  const pb = b.split(/[.-]/).map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1)
    if (d) return d
  }
  return 0
}

/** The manifest with a release added (replacing one with the same id), newest first. */
export function addRelease(manifest, release, { setDefault = false } = {}) {
  const releases = (manifest.releases ?? []).filter(r => r.id !== release.id)
  releases.push(release)
  // Releases of the action's own assets stay in front; the rest newest first.
  releases.sort((a, b) => Number(b.source === 'action') - Number(a.source === 'action') || compareIds(b.id, a.id))
  return { ...manifest, default: setDefault || !manifest.default ? release.id : manifest.default, releases }
}

export function formatManifest(manifest) {
  return `${JSON.stringify(manifest, null, 2)}\n`
}

const USAGE =
  'usage: npm run manifest -- <version> [--default] [--repository owner/repo] [--hash-downloads] [--dry-run]   (version: 10.2.3-68 or 10.2.3)'

const OPTIONS = {
  default: { type: 'boolean' },
  'hash-downloads': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  repository: { type: 'string' }
}

export function parseArgs(argv) {
  // Not strict: an unknown option is named here.
  const { values, positionals, tokens } = tokenize({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true })
  const unknown = tokens.find(t => t.kind === 'option' && !(t.name in OPTIONS))
  if (unknown) throw new Error(`unknown option ${unknown.rawName}`)
  if (positionals.length > 1) throw new Error(`unexpected argument ${positionals[1]}`)
  if (values.repository === true) throw new Error('--repository needs a value (owner/repo)')
  const args = {
    version: positionals[0],
    setDefault: Boolean(values.default),
    repository: typeof values.repository === 'string' ? values.repository : DEFAULT_REPOSITORY,
    hashDownloads: Boolean(values['hash-downloads']),
    dryRun: Boolean(values['dry-run'])
  }
  if (!args.version || !/^v?\d+\.\d+\.\d+(-\d+)?$/.test(args.version)) throw new Error(USAGE)
  if (!/^[\w.-]+\/[\w.-]+$/.test(args.repository)) throw new Error(`--repository ${values.repository} is not owner/repo`)
  return args
}

async function client() {
  const { HttpClient } = await import('@actions/http-client')
  return new HttpClient('setup-x86-on-arm-manifest', [], { allowRetries: true, maxRetries: 3 })
}

async function getJson(http, url) {
  const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }
  if (process.env.GITHUB_TOKEN) headers.authorization = `Bearer ${process.env.GITHUB_TOKEN}`
  const response = await http.get(url, headers)
  const body = await response.readBody()
  if (response.message.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.message.statusCode}: ${body.slice(0, 200)}`)
  return JSON.parse(body)
}

async function hashDownload(http, url) {
  const response = await http.get(url)
  if (response.message.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.message.statusCode}`)
  const hash = createHash('sha256')
  for await (const chunk of response.message) hash.update(chunk)
  return hash.digest('hex')
}

export async function main(argv = process.argv.slice(2)) {
  const args = parseArgs(argv)
  const api = (process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  const http = await client()
  let tag = tagOf(args.version)
  if (!tag) {
    const qemu = args.version.replace(/^v/, '')
    const list = await getJson(http, `${api}/repos/${args.repository}/releases?per_page=100`)
    tag = pickTag(list, qemu)
    if (!tag) throw new Error(`${args.repository} has no deploy/v${qemu}-<n> release among its latest 100`)
  }
  const json = await getJson(http, `${api}/repos/${args.repository}/releases/tags/${encodeURIComponent(tag)}`)
  const { release, undigested } = parseRelease(json, { repository: args.repository })
  if (undigested.length) {
    if (!args.hashDownloads) {
      throw new Error(
        `GitHub published no sha256 for ${undigested.join(', ')}; rerun with --hash-downloads to hash them here (trust on first use)`
      )
    }
    for (const asset of release.assets.filter(a => a.sha256 === null)) {
      asset.sha256 = await hashDownload(http, asset.url)
      asset.digestSource = `computed: downloaded and hashed by npm run manifest on ${new Date().toISOString().slice(0, 10)} (GitHub published no digest)`
      console.log(`hashed ${asset.url}`)
    }
  }
  const manifest = validateManifest(JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')))
  // What the action will load: a release it would refuse is not written.
  const next = validateManifest(addRelease(manifest, release, { setDefault: args.setDefault }))
  for (const a of release.assets) console.log(`${release.id} ${a.host.padEnd(8)} ${a.sha256} ${a.url}`)
  if (args.dryRun) console.log(formatManifest(next))
  else {
    writeFileSync(MANIFEST_PATH, formatManifest(next))
    console.log(`wrote ${MANIFEST_PATH}${next.default === release.id ? ` (default ${release.id})` : ''}`)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(err => {
    console.error(`manifest: ${err.message}`)
    process.exitCode = 1
  })
}
