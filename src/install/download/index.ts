/**
 * install: download — static QEMU interpreters from a verified download. The story: plan (which
 * release and asset serves each target, plan.ts) -> what is already here (reuse.ts: the root-only
 * interpreter store, then the tool cache, checked) -> fetch, verify and extract what is missing
 * (assets.ts over fetch.ts, through the proxy the job's variables name) -> into the interpreter store
 * and the tool cache -> the interpreters' paths.
 *
 * Warm path: the store's record and file for each target, each checked to be root's alone;
 * nothing is downloaded, read from the tool cache, or run. The versions, folders and addresses
 * come from the caller (InstallPlaces); the proxy variables are read by the HTTP client, as in
 * every action.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { MAX_INTERPRETER_PATH } from '../../kernel/binfmt.js'
import { PLATFORMS, type QemuTarget } from '../../kernel/platforms.js'
import type { Privileged } from '../../kernel/privileged.js'
import { trustedUids, untrustedProblem } from '../../kernel/root-files.js'
import { MANIFEST, type Manifest } from '../manifest.js'
import { fetchAssets } from './assets.js'
import { store as keepInToolCache, type Verified } from './cache.js'
import { DownloadError } from './download-error.js'
import { hostElf } from './host-binary.js'
import type { HttpOptions } from './fetch.js'
import { InterpreterStore, unsafe } from './interpreter-store.js'
import type { InstallPlaces } from './places.js'
import { planDownload, type Plan, type PlanRequest } from './plan.js'
import { fromStore, survey, type Ready, type Survey } from './reuse.js'
import { fileSystemProblem } from './write-problem.js'

export { binaryProblem, hostArchOf, hostElf } from './host-binary.js'
export { customCacheVersion, planDownload, planRelease, type Plan, type PlannedAsset, type PlanRequest, type ReleasePlan } from './plan.js'
export { classifyError, classifyStatus, fetchToFile, MAX_REDIRECTS, redirectTarget, type HttpOptions } from './fetch.js'
export { entryDir, findEntry, METADATA_FILE, TOOL_NAME, type CacheMetadata } from './cache.js'
export { targetProblem, verifyDigest } from './assets.js'
export { DownloadError, type DownloadFailure } from './download-error.js'
export { InterpreterStore, type StoreRecord } from './interpreter-store.js'
export type { InstallPlaces } from './places.js'

export interface DownloadRequest extends PlanRequest {
  /** Docker-style host architecture: arm64, amd64, arm, riscv64, ... (hostArchOf). */
  hostArch: string
  log: (message: string) => void
  /** Root or sudo: writes the interpreter store (needed when places name one). */
  sys?: Privileged
}

export interface Downloaded {
  interpreters: Map<QemuTarget, { path: string; version?: string }>
  cacheHit: boolean
  version: string
  url?: string
}

/** Knobs the tests turn; the action uses the defaults. */
export interface DownloadOptions extends HttpOptions {
  manifest?: Manifest
}

/** The store the places name, checked to be root's alone and shallow enough for binfmt_misc; undefined when none. */
async function openStore(places: InstallPlaces, sys: Privileged | undefined): Promise<InterpreterStore | undefined> {
  if (!places.interpreterStore) return undefined
  if (!sys) throw new DownloadError(`the interpreter store ${places.interpreterStore} needs root or sudo to be written`, 'config')
  const store = new InterpreterStore(places.interpreterStore, sys)
  const longest = Math.max(...PLATFORMS.map(p => store.pathOf('0'.repeat(64), p.target).length))
  if (longest > MAX_INTERPRETER_PATH) {
    throw new DownloadError(
      `the interpreter store ${store.root} is too deep: paths in it reach ${longest} characters, and binfmt_misc takes at most ${MAX_INTERPRETER_PATH}`,
      'config'
    )
  }
  const problem = await store.problem()
  if (problem) throw unsafe(store.root, problem)
  return store
}

/** Static QEMU interpreters for the targets: from the interpreter store, the tool cache, or a download. */
export async function download(req: DownloadRequest, places: InstallPlaces, options: DownloadOptions = {}): Promise<Downloaded> {
  const targets = [...new Set(req.targets)]
  if (targets.length === 0) throw new DownloadError('no targets to download QEMU for', 'config')
  if (!places.toolCache) throw new DownloadError('no tool cache folder was given, so there is nowhere to keep QEMU', 'config')
  if (!hostElf(req.hostArch))
    req.log(`note: host architecture ${req.hostArch} is not one this action knows; binaries are checked to be static only`)

  const { plans, problems } = planDownload({ ...req, targets }, options.manifest ?? MANIFEST, places.assetBase)
  if (plans.length === 0) {
    throw new DownloadError(
      `no verifiable QEMU download for a ${req.hostArch} host serving ${targets.join(', ')}: ${problems.join('; ')}`,
      'no-build'
    )
  }
  const store = await openStore(places, req.sys)

  // Warm: a plan whose every target is in the store; the tool cache is not read at all.
  if (store) {
    for (const plan of plans) {
      const ready = await fromStore(store, plan, targets)
      if (ready.size === targets.length) {
        req.log(`${plan.label}: cache hit in the interpreter store ${store.root} (root's alone; the tool cache is not read)`)
        return result(plan, ready, targets, true, req)
      }
    }
  }

  // What each plan finds in the tool cache (taken into the store once its digests check out).
  const surveys: Survey[] = []
  for (const plan of plans) {
    const found = await survey(plan, targets, { store, toolCache: places.toolCache, hostArch: req.hostArch, log: req.log })
    if (found.missing.length === 0) {
      req.log(
        `${plan.label}: tool cache hit (${found.state.dir})${store ? `, each binary checked by sha256 and kept in ${store.root}` : ''}`
      )
      return result(plan, found.ready, targets, true, req)
    }
    surveys.push(found)
  }

  // Cold: download what the first plan lacks; on a missing asset (HTTP 404), the next plan. As
  // root, in the store's own folder (the file and what comes out of it are root's alone, and are
  // taken in by a rename); else in the caller's scratch folder.
  const rootScratch = await store?.scratch()
  const work = rootScratch ?? (await scratchIn(places.tempDir))
  try {
    for (const [i, found] of surveys.entries()) {
      const { plan, ready, missing } = found
      const has = targets.filter(t => !missing.includes(t))
      if (found.state.dir || has.length) {
        req.log(`${plan.label}: the tool cache has ${has.join(', ') || 'none'} of ${targets.join(', ')}; downloading ${missing.join(', ')}`)
      } else req.log(`${plan.label}: not in the tool cache`)
      let verified: Verified[]
      try {
        verified = await fetchAssets(plan, missing, { hostArch: req.hostArch, work, log: req.log, http: options })
      } catch (err) {
        if (err instanceof DownloadError && err.reason === 'not-found' && i + 1 < surveys.length) {
          req.log(`${err.message}; falling back to ${surveys[i + 1].plan.label}`)
          continue
        }
        // Say why no fallback was tried (a release set aside while planning: no digest for this host).
        if (err instanceof DownloadError && err.reason === 'not-found' && problems.length) {
          throw new DownloadError(`${err.message}; no fallback download: ${problems.join('; ')}`, err.reason, err.url)
        }
        throw err
      }
      if (store) verified = await keepInStore(store, plan, verified, ready, work)
      const dir = await keepInCache(found, verified, req, places, !!store)
      if (!store && dir) {
        for (const v of verified) ready.set(v.target, { path: join(dir, `qemu-${v.target}`), version: v.version ?? plan.qemu, url: v.url })
      }
      return result(plan, ready, targets, false, req)
    }
    throw new DownloadError('no download source succeeded', 'no-build')
  } finally {
    if (rootScratch) await store?.release(rootScratch)
    else await rm(work, { recursive: true, force: true })
  }
}

/** A new download folder in the caller's scratch folder. */
async function scratchIn(tempDir: string): Promise<string> {
  await mkdir(tempDir, { recursive: true })
  return mkdtemp(join(tempDir, 'qemu-download-'))
}

/**
 * Verified downloads into the store, each with its record, before anything registers them; the
 * same downloads at their places in the store (where the tool cache copies them from).
 */
async function keepInStore(
  store: InterpreterStore,
  plan: Plan,
  verified: readonly Verified[],
  ready: Map<QemuTarget, Ready>,
  work: string
): Promise<Verified[]> {
  await store.ensure()
  const kept: Verified[] = []
  for (const v of verified) {
    const put = await store.put(v.path, v.binarySha256, v.target)
    if ('problem' in put) {
      throw new DownloadError(
        `qemu-${v.target} from ${v.url} changed between its checks and the interpreter store (${put.problem}); refusing it`,
        'checksum',
        v.url
      )
    }
    const record = {
      target: v.target,
      sha256: v.binarySha256,
      size: v.size,
      asset: v.sha256,
      url: v.url,
      member: v.member,
      version: v.version
    }
    await store.remember(record, work)
    ready.set(v.target, { path: put.path, version: v.version ?? plan.qemu, url: v.url })
    kept.push({ ...v, path: put.path })
  }
  return kept
}

/**
 * Verified downloads into the tool cache; its folder, or undefined when it could not be written and
 * the store serves (then a warning says why, in one line). Without a store that is an error.
 */
async function keepInCache(
  found: Survey,
  verified: readonly Verified[],
  req: DownloadRequest,
  places: InstallPlaces,
  stored: boolean
): Promise<string | undefined> {
  if (stored) {
    // Root writes the tool cache only where no other user could have put a link in its way; the store serves either way.
    const problem = await othersCanChange(places.toolCache)
    if (problem) {
      req.log(`not kept in the tool cache, which another user could change (${problem}); this run uses the copies in the interpreter store`)
      return undefined
    }
  }
  try {
    const dir = await keepInToolCache(found.plan, found.state, verified, req.hostArch, places.toolCache)
    req.log(`cached in ${dir}`)
    return dir
  } catch (err) {
    const problem = fileSystemProblem(err, places.toolCache, places.toolCacheLabel ?? 'the tool cache')
    if (!problem) throw err
    if (!stored) throw new DownloadError(`could not keep QEMU in the tool cache: ${problem}`, 'config')
    req.log(`warning: could not keep QEMU in the tool cache (${problem}); this run uses the copies in the interpreter store`)
    return undefined
  }
}

/** Why users other than the trusted ones could change `dir`, or the nearest folder above it that exists; undefined when they cannot. */
async function othersCanChange(dir: string): Promise<string | undefined> {
  let at = resolve(dir)
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at)
  return untrustedProblem(at, at === resolve(dir) ? 'folder' : 'parent', trustedUids())
}

/** The interpreters for the targets, with the version and address they came with. */
function result(plan: Plan, ready: Map<QemuTarget, Ready>, targets: QemuTarget[], cacheHit: boolean, req: DownloadRequest): Downloaded {
  const interpreters = new Map<QemuTarget, { path: string; version?: string }>()
  for (const target of targets) {
    const { path, version } = ready.get(target) as Ready
    if (path.length > MAX_INTERPRETER_PATH)
      req.log(`warning: ${path} is longer than the ${MAX_INTERPRETER_PATH} characters binfmt_misc accepts for an interpreter`)
    interpreters.set(target, { path, version: version ?? plan.qemu })
  }
  const version = plan.qemu ?? (targets.map(t => ready.get(t)?.version).find(Boolean) || req.version || 'unknown')
  const url = targets.map(t => ready.get(t)?.url).find(Boolean) ?? plan.assets.get(targets[0])?.url
  return { interpreters, cacheHit, version, url }
}
