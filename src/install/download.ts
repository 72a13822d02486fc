/**
 * install: download — static QEMU interpreters from a verified download, kept in the runner's
 * tool cache (@actions/tool-cache) so a machine downloads each version once.
 *
 * Cache layout: <RUNNER_TOOL_CACHE>/qemu-user-static/<version>/<hostArch>/qemu-<target>, plus
 * download.json recording, per binary, the sha256 of the file it came from and its version.
 * <version> is the manifest release id (10.2.3-68), or 0.0.0-sha256-<12 hex> for a qemu-url.
 *
 * Warm path: tool-cache find, one small JSON read and a stat per binary; nothing is downloaded,
 * read from an archive or run. Cold path: download (retries with backoff on 5xx and timeouts;
 * 404 and refused connections fail at once), sha256 of the whole file checked before anything
 * is read out of it, only the needed members extracted, each checked to be a static ELF program
 * for this host and run once with --version, then cached with mode 0755.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { chmod, copyFile, mkdir, mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { HttpClient } from '@actions/http-client'
import * as tc from '@actions/tool-cache'
import { readElf } from '../kernel/elf.js'
import { parseQemuVersion } from './interpreter.js'
import type { QemuTarget } from '../kernel/platforms.js'
import { runProgram } from '../kernel/process.js'
import { ArchiveError, confirmFormat, extractBinaries, fileNameOf, formatFromName, formatName, parseFormat, type ArchiveFormat } from './archive.js'
import { assetFor, assetUrl, findReleases, knownVersions, MANIFEST, ManifestError, normalizeSha256, type Manifest, type ManifestAsset, type ManifestRelease } from './manifest.js'

export interface DownloadRequest {
  targets: QemuTarget[]
  /** Docker-style host architecture: arm64, amd64, arm, riscv64, ... (hostArchOf). */
  hostArch: string
  /** '' = the manifest's default. */
  version: string
  /** '' = from the manifest; else the user's qemu-url. */
  url: string
  /** '' = from the manifest; required with url. */
  sha256: string
  /** Defaults to RUNNER_TOOL_CACHE. */
  toolCacheDir?: string
  log: (message: string) => void
}

export interface Downloaded {
  interpreters: Map<QemuTarget, { path: string; version?: string }>
  cacheHit: boolean
  version: string
  url?: string
}

export type DownloadFailure = 'not-found' | 'refused' | 'http' | 'checksum' | 'archive' | 'missing-binary' | 'unusable-binary' | 'no-build' | 'config'

export class DownloadError extends Error {
  /** What went wrong, for callers that fall back (a 'not-found' asset may exist elsewhere). */
  readonly reason: DownloadFailure
  readonly url?: string
  constructor(message: string, reason: DownloadFailure = 'config', url?: string) {
    super(message)
    this.name = 'DownloadError'
    this.reason = reason
    this.url = url
  }
}

/** Knobs the tests turn; the action uses the defaults. */
export interface DownloadOptions {
  manifest?: Manifest
  env?: NodeJS.ProcessEnv
  /** Waits before the 2nd, 3rd, ... attempt; the number of retries is its length. */
  retryDelaysMs?: number[]
  /** A request that neither answers nor sends body data for this long is a timeout (retried). */
  idleTimeoutMs?: number
  /** Largest download accepted. */
  maxBytes?: number
  /** Where the download and extracted members are kept until cached (default RUNNER_TEMP or the OS temp dir). */
  tempDir?: string
}

export const TOOL_NAME = 'qemu-user-static'
export const METADATA_FILE = 'download.json'
const DEFAULT_RETRY_DELAYS_MS = [1000, 3000, 9000]
const DEFAULT_IDLE_TIMEOUT_MS = 30_000
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
/** binfmt_misc takes interpreter paths of at most 127 characters. */
const MAX_INTERPRETER_PATH = 127

// ---------------------------------------------------------------------------------------------
// Host architecture

/** Docker-style architecture name of a host from `uname -m`. */
export function hostArchOf(unameMachine: string): string {
  const m = unameMachine.trim().toLowerCase()
  if (m === 'x86_64' || m === 'amd64' || m === 'x64') return 'amd64'
  if (m === 'aarch64' || m === 'arm64' || m === 'armv8') return 'arm64'
  if (/^arm(v\d+[a-z]*)?$/.test(m)) return 'arm'
  if (/^i[3-6]86$/.test(m) || m === 'x86') return '386'
  if (m === 'loongarch64') return 'loong64'
  if (m === 'mips64' || m === 'mips64el') return 'mips64le'
  if (m === 'ppc64le' || m === 'riscv64' || m === 's390x') return m
  return m
}

/** The ELF identity of programs that run on a host: e_machine, class, byte order. */
export function hostElf(hostArch: string): { machine: number; bits: 32 | 64; littleEndian: boolean } | undefined {
  const table: Record<string, { machine: number; bits: 32 | 64; littleEndian: boolean }> = {
    amd64: { machine: 62, bits: 64, littleEndian: true },
    arm64: { machine: 183, bits: 64, littleEndian: true },
    arm: { machine: 40, bits: 32, littleEndian: true },
    '386': { machine: 3, bits: 32, littleEndian: true },
    riscv64: { machine: 243, bits: 64, littleEndian: true },
    ppc64le: { machine: 21, bits: 64, littleEndian: true },
    s390x: { machine: 22, bits: 64, littleEndian: false },
    loong64: { machine: 258, bits: 64, littleEndian: true },
    mips64le: { machine: 8, bits: 64, littleEndian: true }
  }
  return table[hostArch]
}

/** Why an extracted file cannot be this host's static interpreter; undefined when it can. */
export async function binaryProblem(path: string, hostArch: string): Promise<string | undefined> {
  const elf = await readElf(path)
  if (!elf) return 'not an ELF program'
  const want = hostElf(hostArch)
  if (want && (elf.machine !== want.machine || elf.bits !== want.bits || elf.littleEndian !== want.littleEndian)) {
    return `built for another machine (ELF e_machine ${elf.machine}, ${elf.bits}-bit), not this ${hostArch} host`
  }
  if (!elf.isStatic) return 'dynamically linked: the F flag needs a static interpreter, which works inside containers'
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Checksums and cache keys

/** The tool-cache version of a qemu-url download: semver-shaped, derived from its sha256. */
export function customCacheVersion(sha256: string): string {
  return `0.0.0-sha256-${sha256.slice(0, 12)}`
}

/** Throws a DownloadError unless the digest of a download is the expected one. */
export function verifyDigest(actual: string, expected: string, url: string): void {
  const want = normalizeSha256(expected)
  if (!want) throw new DownloadError(`no valid sha256 is known for ${url}, so it cannot be verified; refusing it`, 'checksum', url)
  if (actual.toLowerCase() !== want) {
    throw new DownloadError(`sha256 mismatch for ${url}: expected ${want}, got ${actual.toLowerCase()}; refusing it (nothing was extracted, run or cached)`, 'checksum', url)
  }
}

// ---------------------------------------------------------------------------------------------
// Plans: what to download for each target

interface PlannedAsset {
  url: string
  sha256: string
  format?: ArchiveFormat
  /** Shown with a warning when the manifest's digest is not from a trusted source. */
  digestNote?: string
  /** The manifest's size: a larger download is cut off, another size refused before its digest. */
  size?: number
}

interface Plan {
  label: string
  cacheVersion: string
  /** QEMU version from the manifest; undefined for a qemu-url. */
  qemu?: string
  assets: Map<QemuTarget, PlannedAsset>
}

/** The plans that can serve a request, in the order to try them, and why others could not. */
export function planDownload(req: Pick<DownloadRequest, 'targets' | 'hostArch' | 'version' | 'url' | 'sha256'>, manifest: Manifest, env: NodeJS.ProcessEnv = process.env) {
  if (req.url) {
    const sha256 = normalizeSha256(req.sha256)
    if (!sha256) throw new DownloadError(`qemu-url ${req.url} needs qemu-sha256 (64 hex digits) so the download can be verified before it runs`, 'config', req.url)
    const asset: PlannedAsset = { url: req.url, sha256, format: formatFromName(req.url) }
    return {
      plans: [{ label: `qemu-url ${req.url}`, cacheVersion: customCacheVersion(sha256), assets: new Map(req.targets.map(t => [t, asset])) }] as Plan[],
      problems: [] as string[]
    }
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
    const problem = planProblem(release, req, env)
    if (typeof problem === 'string') problems.push(`${release.id}: ${problem}`)
    else plans.push(problem)
  }
  return { plans, problems }
}

function planProblem(release: ManifestRelease, req: Pick<DownloadRequest, 'targets' | 'hostArch'>, env: NodeJS.ProcessEnv): Plan | string {
  const assets = new Map<QemuTarget, PlannedAsset>()
  // One planned asset per manifest asset: an archive serving several targets is downloaded once.
  const planned = new Map<ManifestAsset, PlannedAsset>()
  for (const target of req.targets) {
    const asset = assetFor(release, req.hostArch, target)
    if (!asset) return `no build for a ${req.hostArch} host${release.assets.some(a => a.host === req.hostArch) ? ` serving ${target}` : ''}`
    const known = planned.get(asset)
    if (known) {
      assets.set(target, known)
      continue
    }
    let url: string
    try {
      url = assetUrl(release, asset, env)
    } catch (err) {
      return (err as Error).message
    }
    if (!asset.sha256) return `no known sha256 for ${url}, so it cannot be verified (run npm run manifest -- ${release.id} where GitHub is reachable)`
    const trusted = !asset.digestSource || /^(github-api|computed|debian)\b/.test(asset.digestSource)
    const plannedAsset: PlannedAsset = { url, sha256: asset.sha256, format: parseFormat(asset.format), digestNote: trusted ? undefined : asset.digestSource, size: asset.size }
    planned.set(asset, plannedAsset)
    assets.set(target, plannedAsset)
  }
  return { label: `QEMU ${release.qemu} (${release.id} from ${release.source === 'action' ? "the action's releases" : release.source})`, cacheVersion: release.id, qemu: release.qemu, assets }
}

// ---------------------------------------------------------------------------------------------
// HTTP

class FetchFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly reason: DownloadFailure
  ) {
    super(message)
  }
}

const PERMANENT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ERR_INVALID_URL: 'invalid URL'
}

/** Is a failed request worth repeating? Refused connections, unknown hosts, TLS failures are not. */
export function classifyError(err: unknown): { transient: boolean; message: string; reason: DownloadFailure } {
  if (err instanceof FetchFailure) return { transient: err.transient, message: err.message, reason: err.reason }
  const e = err as NodeJS.ErrnoException
  const code = e?.code ?? ''
  if (PERMANENT_CODES[code]) return { transient: false, message: `${PERMANENT_CODES[code]} (${code})`, reason: code === 'ECONNREFUSED' ? 'refused' : 'http' }
  if (/^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code) || /redirect from https to http/i.test(e?.message ?? '')) {
    return { transient: false, message: e.message, reason: 'http' }
  }
  if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS') return { transient: false, message: e.message, reason: 'config' }
  const message = e?.message || String(err)
  return { transient: true, message: code && !message.includes(code) ? `${message} (${code})` : message, reason: 'http' }
}

/** What an HTTP status means for a download: 200 reads on; 408, 429 and 5xx are retried. */
export function classifyStatus(status: number): 'ok' | 'retry' | 'not-found' | 'fail' {
  if (status === 200) return 'ok'
  if (status === 404 || status === 410) return 'not-found'
  if (status === 408 || status === 429 || status >= 500) return 'retry'
  return 'fail'
}

async function fetchOnce(url: string, dest: string, o: Required<Pick<DownloadOptions, 'idleTimeoutMs' | 'maxBytes'>>): Promise<{ sha256: string; bytes: number }> {
  const client = new HttpClient('setup-x86-on-arm', [], { allowRetries: false, allowRedirects: true, maxRedirects: 10, socketTimeout: o.idleTimeoutMs })
  try {
    const response = await client.get(url)
    const message = response.message
    const status = message.statusCode ?? 0
    const kind = classifyStatus(status)
    if (kind !== 'ok') {
      message.resume()
      const text = `HTTP ${status}${message.statusMessage ? ` ${message.statusMessage}` : ''}`
      throw new FetchFailure(text, kind === 'retry', kind === 'not-found' ? 'not-found' : 'http')
    }
    const lengthHeader = message.headers['content-length']
    const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined
    if (expected !== undefined && expected > o.maxBytes) throw new FetchFailure(`the file is ${expected} bytes, more than the ${o.maxBytes} accepted`, false, 'http')
    const hash = createHash('sha256')
    const out = createWriteStream(dest, { flags: 'wx', mode: 0o600 })
    let bytes = 0
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(() => message.destroy(new FetchFailure(`no data for ${o.idleTimeoutMs / 1000} s (timeout)`, true, 'http')), o.idleTimeoutMs)
    }
    let writeError: Error | undefined
    out.on('error', err => {
      writeError ??= err
      message.destroy(err)
    })
    try {
      arm()
      for await (const chunk of message as AsyncIterable<Buffer>) {
        arm()
        bytes += chunk.length
        if (bytes > o.maxBytes) throw new FetchFailure(`the file is larger than the ${o.maxBytes} bytes accepted`, false, 'http')
        hash.update(chunk)
        if (!out.write(chunk)) {
          // Wait for whichever comes first; the other listener is removed, not left to pile up.
          const done = new AbortController()
          const wait = (event: string) => once(out, event, { signal: done.signal }).catch(() => undefined)
          await Promise.race([wait('drain'), wait('close')])
          done.abort()
        }
      }
      out.end()
      await finished(out)
    } catch (err) {
      if (writeError) throw writeError
      if (err instanceof FetchFailure) throw err
      const e = err as NodeJS.ErrnoException
      if (e?.code === 'ECONNRESET' || e?.message === 'aborted') {
        throw new FetchFailure(`the connection closed after ${bytes}${expected !== undefined ? ` of ${expected}` : ''} bytes`, true, 'http')
      }
      throw err
    } finally {
      clearTimeout(timer)
      if (!out.writableFinished) {
        out.destroy()
        await finished(out).catch(() => undefined)
      }
    }
    if (expected !== undefined && bytes !== expected) {
      throw new FetchFailure(`the download ended after ${bytes} of ${expected} bytes`, true, 'http')
    }
    return { sha256: hash.digest('hex'), bytes }
  } finally {
    client.dispose()
  }
}

/** Downloads a URL to a file, hashing it on the way; retries what classifyError calls transient. */
export async function fetchToFile(
  url: string,
  dest: string,
  log: (message: string) => void,
  options: DownloadOptions = {}
): Promise<{ sha256: string; bytes: number; attempts: number }> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const o = { idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES }
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await fetchOnce(url, dest, o)
      return { ...result, attempts: attempt + 1 }
    } catch (err) {
      await rm(dest, { force: true })
      const failure = classifyError(err)
      const tries = attempt + 1
      if (!failure.transient || attempt >= delays.length) {
        const after = tries > 1 ? ` (after ${tries} attempts)` : ''
        throw new DownloadError(`download of ${url} failed: ${failure.message}${after}`, failure.reason, url)
      }
      const wait = Math.round(delays[attempt] * (1 + Math.random() * 0.25))
      log(`download of ${url} failed (${failure.message}); attempt ${tries + 1} of ${delays.length + 1} in ${(wait / 1000).toFixed(1)} s`)
      await new Promise(resolve => setTimeout(resolve, wait))
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tool cache

interface CacheMetadata {
  id: string
  qemu?: string
  binaries: Partial<Record<QemuTarget, { url: string; sha256: string; member: string; version?: string }>>
}

/** @actions/tool-cache reads RUNNER_TOOL_CACHE itself; point it at the requested folder meanwhile. */
async function inToolCache<T>(dir: string, fn: () => T | Promise<T>): Promise<T> {
  const saved = process.env.RUNNER_TOOL_CACHE
  process.env.RUNNER_TOOL_CACHE = dir
  try {
    return await fn()
  } finally {
    if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE
    else process.env.RUNNER_TOOL_CACHE = saved
  }
}

async function readMetadata(dir: string): Promise<CacheMetadata | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, METADATA_FILE), 'utf8')) as CacheMetadata
    return parsed && typeof parsed === 'object' && parsed.binaries && typeof parsed.binaries === 'object' ? parsed : undefined
  } catch {
    return undefined
  }
}

async function isProgram(path: string): Promise<boolean> {
  try {
    const s = await stat(path)
    return s.isFile() && s.size > 0 && (s.mode & 0o111) !== 0
  } catch {
    return false
  }
}

interface CacheState {
  dir?: string
  metadata?: CacheMetadata
  /** Targets whose cached binary is there and came from the asset the plan names. */
  present: QemuTarget[]
  missing: QemuTarget[]
}

async function cacheState(plan: Plan, targets: QemuTarget[], hostArch: string, cacheRoot: string): Promise<CacheState> {
  const dir = await inToolCache(cacheRoot, () => tc.find(TOOL_NAME, plan.cacheVersion, hostArch))
  if (!dir) return { present: [], missing: [...targets] }
  const metadata = await readMetadata(dir)
  const present: QemuTarget[] = []
  const missing: QemuTarget[] = []
  for (const target of targets) {
    const record = metadata?.binaries[target]
    const ok = record?.sha256 === plan.assets.get(target)?.sha256 && (await isProgram(join(dir, `qemu-${target}`)))
    ;(ok ? present : missing).push(target)
  }
  return { dir, metadata, present, missing }
}

async function writeAtomically(path: string, data: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
  await writeFile(temp, data, { mode: 0o644 })
  await rename(temp, path)
}

// ---------------------------------------------------------------------------------------------
// The download

interface Fetched {
  target: QemuTarget
  path: string
  member: string
  url: string
  sha256: string
  version?: string
}

async function fetchAndExtract(
  plan: Plan,
  targets: QemuTarget[],
  req: DownloadRequest,
  work: string,
  options: DownloadOptions
): Promise<Fetched[]> {
  // One download per distinct asset (an archive serves several targets).
  const byAsset = new Map<PlannedAsset, QemuTarget[]>()
  for (const target of targets) {
    const asset = plan.assets.get(target) as PlannedAsset
    byAsset.set(asset, [...(byAsset.get(asset) ?? []), target])
  }
  const fetched: Fetched[] = []
  let n = 0
  for (const [asset, wanted] of byAsset) {
    if (asset.digestNote) req.log(`note: the manifest's sha256 for ${asset.url} is ${asset.digestNote}`)
    const file = join(work, `download-${n++}`)
    const started = Date.now()
    req.log(`downloading ${asset.url}`)
    const limited = asset.size !== undefined ? { ...options, maxBytes: Math.min(asset.size, options.maxBytes ?? DEFAULT_MAX_BYTES) } : options
    const { sha256, bytes, attempts } = await fetchToFile(asset.url, file, req.log, limited)
    if (asset.size !== undefined && bytes !== asset.size) {
      throw new DownloadError(`${asset.url} is ${bytes} bytes, the manifest says ${asset.size}; refusing it (nothing was extracted, run or cached)`, 'checksum', asset.url)
    }
    verifyDigest(sha256, asset.sha256, asset.url)
    req.log(`downloaded ${(bytes / 1048576).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s${attempts > 1 ? ` (${attempts} attempts)` : ''}; sha256 ${sha256} verified`)

    const extractDir = join(work, `extract-${n}`)
    await mkdir(extractDir, { recursive: true })
    const name = fileNameOf(asset.url)
    const versions = new Map<string, string | undefined>()
    let result
    try {
      const head = Buffer.alloc(512)
      const handle = await open(file, 'r')
      let headBytes: number
      try {
        headBytes = (await handle.read(head, 0, 512, 0)).bytesRead
      } finally {
        await handle.close()
      }
      const format = confirmFormat(asset.format, head.subarray(0, headBytes))
      const extractStarted = Date.now()
      result = await extractBinaries({
        file,
        format,
        targets: wanted,
        name,
        destDir: extractDir,
        accept: async (_target, path) => {
          const problem = await binaryProblem(path, req.hostArch)
          if (problem) return problem
          await chmod(path, 0o755)
          const run = await runProgram(path, ['--version'], { timeoutMs: 10_000 })
          if (run.code !== 0) return `does not run on this host (--version: exit ${run.code}${run.stderr.trim() ? `, ${run.stderr.trim().split('\n')[0]}` : ''})`
          versions.set(path, parseQemuVersion(run.stdout))
          return undefined
        }
      })
      req.log(`read ${formatName(result.format)} ${name} in ${((Date.now() - extractStarted) / 1000).toFixed(2)} s`)
    } catch (err) {
      if (err instanceof ArchiveError) throw new DownloadError(`${asset.url}: ${err.message}`, 'archive', asset.url)
      throw err
    } finally {
      await rm(file, { force: true })
    }
    for (const target of wanted) {
      const found = result.found.get(target)
      if (!found) {
        const rejected = result.rejected.get(target)
        throw new DownloadError(
          rejected?.length
            ? `${asset.url} holds no usable qemu-${target}: ${rejected.join('; ')}`
            : `${asset.url} does not hold qemu-${target} (looked for qemu-${target} and qemu-${target}-static anywhere in it)`,
          rejected?.length ? 'unusable-binary' : 'missing-binary',
          asset.url
        )
      }
      const version = versions.get(found.path)
      if (plan.qemu && version && version !== plan.qemu) req.log(`note: qemu-${target} reports version ${version}, the manifest says ${plan.qemu}`)
      req.log(`qemu-${target}${version ? ` ${version}` : ''} from ${found.member}`)
      fetched.push({ target, path: found.path, member: found.member, url: asset.url, sha256: asset.sha256, version })
    }
  }
  return fetched
}

async function commit(plan: Plan, state: CacheState, fetched: Fetched[], req: DownloadRequest, cacheRoot: string, work: string): Promise<string> {
  const metadata: CacheMetadata = state.metadata ?? { id: plan.cacheVersion, qemu: plan.qemu, binaries: {} }
  for (const f of fetched) metadata.binaries[f.target] = { url: f.url, sha256: f.sha256, member: f.member, version: f.version }
  if (!state.dir) {
    // A new cache entry: staged, then copied in by tool-cache, which writes its .complete marker last.
    const stage = join(work, 'stage')
    await mkdir(stage, { recursive: true })
    for (const f of fetched) {
      await rename(f.path, join(stage, `qemu-${f.target}`))
      await chmod(join(stage, `qemu-${f.target}`), 0o755)
    }
    await writeFile(join(stage, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`, { mode: 0o644 })
    return inToolCache(cacheRoot, () => tc.cacheDir(stage, TOOL_NAME, plan.cacheVersion, req.hostArch))
  }
  // Adding to an entry others may be using: each binary appears whole, by rename.
  for (const f of fetched) {
    const final = join(state.dir, `qemu-${f.target}`)
    const temp = `${join(state.dir, `.qemu-${f.target}`)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
    await copyFile(f.path, temp)
    await chmod(temp, 0o755)
    await rename(temp, final)
  }
  await writeAtomically(join(state.dir, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`)
  return state.dir
}

function result(plan: Plan, dir: string, targets: QemuTarget[], metadata: CacheMetadata | undefined, cacheHit: boolean, req: DownloadRequest): Downloaded {
  const interpreters = new Map<QemuTarget, { path: string; version?: string }>()
  for (const target of targets) {
    const path = join(dir, `qemu-${target}`)
    if (path.length > MAX_INTERPRETER_PATH) req.log(`warning: ${path} is longer than the ${MAX_INTERPRETER_PATH} characters binfmt_misc accepts for an interpreter`)
    interpreters.set(target, { path, version: metadata?.binaries[target]?.version ?? plan.qemu })
  }
  const version = plan.qemu ?? (targets.map(t => metadata?.binaries[t]?.version).find(Boolean) || req.version || 'unknown')
  const url = targets.map(t => metadata?.binaries[t]?.url).find(Boolean) ?? plan.assets.get(targets[0])?.url
  return { interpreters, cacheHit, version, url }
}

/** Static QEMU interpreters for the targets from the tool cache, downloading what is missing. */
export async function download(req: DownloadRequest): Promise<Downloaded> {
  return downloadWith(req)
}

/** download() with the manifest, environment and timing given (tests). */
export async function downloadWith(req: DownloadRequest, options: DownloadOptions = {}): Promise<Downloaded> {
  const env = options.env ?? process.env
  const targets = [...new Set(req.targets)]
  if (targets.length === 0) throw new DownloadError('no targets to download QEMU for', 'config')
  const cacheRoot = req.toolCacheDir ?? env.RUNNER_TOOL_CACHE ?? ''
  if (!cacheRoot) throw new DownloadError('RUNNER_TOOL_CACHE is not set, so there is no tool cache to keep QEMU in', 'config')
  if (!hostElf(req.hostArch)) req.log(`note: host architecture ${req.hostArch} is not one this action knows; binaries are checked to be static only`)

  let planned: ReturnType<typeof planDownload>
  try {
    planned = planDownload(req, options.manifest ?? MANIFEST, env)
  } catch (err) {
    if (err instanceof ManifestError) throw new DownloadError(err.message, 'config')
    throw err
  }
  const { plans, problems } = planned
  if (plans.length === 0) {
    throw new DownloadError(`no verifiable QEMU download for a ${req.hostArch} host serving ${targets.join(', ')}: ${problems.join('; ')}`, 'no-build')
  }

  // Warm: any plan whose cache entry holds every target.
  const states: CacheState[] = []
  for (const plan of plans) {
    const state = await cacheState(plan, targets, req.hostArch, cacheRoot)
    if (state.dir && state.missing.length === 0) {
      req.log(`${plan.label}: tool cache hit (${state.dir})`)
      return result(plan, state.dir, targets, state.metadata, true, req)
    }
    states.push(state)
  }

  // Cold: download what the first plan lacks; on a missing asset, the next plan.
  const tempRoot = options.tempDir ?? env.RUNNER_TEMP ?? tmpdir()
  await mkdir(tempRoot, { recursive: true })
  const work = await mkdtemp(join(tempRoot, 'qemu-download-'))
  try {
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i]
      const state = states[i]
      if (state.dir) req.log(`${plan.label}: the tool cache has ${state.present.join(', ') || 'none'} of ${targets.join(', ')}; downloading ${state.missing.join(', ')}`)
      else req.log(`${plan.label}: not in the tool cache`)
      let fetched: Fetched[]
      try {
        fetched = await fetchAndExtract(plan, state.missing, req, work, options)
      } catch (err) {
        if (err instanceof DownloadError && err.reason === 'not-found' && i + 1 < plans.length) {
          req.log(`${err.message}; falling back to ${plans[i + 1].label}`)
          continue
        }
        throw err
      }
      const dir = await commit(plan, state, fetched, req, cacheRoot, work)
      req.log(`cached in ${dir}`)
      return result(plan, dir, targets, await readMetadata(dir), false, req)
    }
    throw new DownloadError('no download source succeeded', 'no-build')
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
