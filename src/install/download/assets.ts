/**
 * Getting a plan's assets: each distinct asset is downloaded once (an archive may serve several
 * targets), its size and sha256 checked before anything is read out of it, and only the wanted
 * members extracted. Each candidate must have the manifest's digest where it pins one, be a static
 * ELF program for this host, and say `qemu-<target> version` for the wanted target when run with
 * `--version`; the ones that pass are returned, still in the scratch folder, for the caches.
 */
import { chmod, mkdir, open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { QemuTarget } from '../../kernel/platforms.js'
import { runProgram } from '../../kernel/process.js'
import { ArchiveError, confirmFormat, extractBinaries, fileNameOf, formatName, type ExtractResult } from '../archive/index.js'
import { parseQemuVersion } from '../interpreter.js'
import { normalizeSha256 } from '../manifest.js'
import type { Verified } from './cache.js'
import { DownloadError } from './download-error.js'
import { binaryProblem } from './host-binary.js'
import { DEFAULT_MAX_BYTES, fetchToFile, type HttpOptions } from './fetch.js'
import type { Plan, PlannedAsset } from './plan.js'

export interface FetchContext {
  hostArch: string
  /** The scratch folder: downloads and extracted members live here until cached. */
  work: string
  log: (message: string) => void
  http: HttpOptions
}

/** Throws a DownloadError unless the digest of a download is the expected one. */
export function verifyDigest(actual: string, expected: string, url: string): void {
  const want = normalizeSha256(expected)
  if (!want) throw new DownloadError(`no valid sha256 is known for ${url}, so it cannot be verified; refusing it`, 'checksum', url)
  if (actual.toLowerCase() !== want) {
    throw new DownloadError(
      `sha256 mismatch for ${url}: expected ${want}, got ${actual.toLowerCase()}; refusing it (nothing was extracted, run or cached)`,
      'checksum',
      url
    )
  }
}

const seconds = (since: number, digits: number) => ((Date.now() - since) / 1000).toFixed(digits)

/** The targets' binaries from the plan's assets, verified; throws DownloadError naming the URL. */
export async function fetchAssets(plan: Plan, targets: readonly QemuTarget[], ctx: FetchContext): Promise<Verified[]> {
  const byAsset = new Map<PlannedAsset, QemuTarget[]>()
  for (const target of targets) {
    const asset = plan.assets.get(target) as PlannedAsset
    byAsset.set(asset, [...(byAsset.get(asset) ?? []), target])
  }
  const verified: Verified[] = []
  let n = 0
  for (const [asset, wanted] of byAsset) {
    const file = join(ctx.work, `download-${n}`)
    const extractDir = join(ctx.work, `extract-${n++}`)
    await download(asset, file, ctx)
    const versions = new Map<string, string | undefined>()
    let result: ExtractResult
    try {
      result = await extract(asset, file, extractDir, wanted, ctx, versions)
    } finally {
      await rm(file, { force: true })
    }
    for (const target of wanted) {
      const found = result.found.get(target)
      if (!found) throw missing(asset.url, target, result.rejected.get(target))
      // A binary the manifest pins by its sha256 is not run: its version is the manifest's.
      const version = versions.get(found.path) ?? (asset.binarySha256 ? plan.qemu : undefined)
      if (plan.qemu && version && version !== plan.qemu)
        ctx.log(`note: qemu-${target} reports version ${version}, the manifest says ${plan.qemu}`)
      ctx.log(`qemu-${target}${version ? ` ${version}` : ''} from ${found.member}`)
      verified.push({
        target,
        path: found.path,
        member: found.member,
        url: asset.url,
        sha256: asset.sha256,
        binarySha256: found.sha256,
        size: found.size,
        version
      })
    }
  }
  return verified
}

/** The asset to a file, its size and digest checked. */
async function download(asset: PlannedAsset, file: string, ctx: FetchContext): Promise<void> {
  if (asset.digestNote) ctx.log(`note: the manifest's sha256 for ${asset.url} is ${asset.digestNote}`)
  const started = Date.now()
  ctx.log(`downloading ${asset.url}`)
  const maxBytes = asset.size !== undefined ? Math.min(asset.size, ctx.http.maxBytes ?? DEFAULT_MAX_BYTES) : ctx.http.maxBytes
  const { sha256, bytes, attempts } = await fetchToFile(asset.url, file, ctx.log, { ...ctx.http, maxBytes })
  if (asset.size !== undefined && bytes !== asset.size) {
    throw new DownloadError(
      `${asset.url} is ${bytes} bytes, the manifest says ${asset.size}; refusing it (nothing was extracted, run or cached)`,
      'checksum',
      asset.url
    )
  }
  verifyDigest(sha256, asset.sha256, asset.url)
  ctx.log(
    `downloaded ${(bytes / 1048576).toFixed(1)} MB in ${seconds(started, 1)} s${attempts > 1 ? ` (${attempts} attempts)` : ''}; sha256 ${sha256} verified`
  )
}

async function firstBytes(file: string): Promise<Buffer> {
  const head = Buffer.alloc(512)
  const handle = await open(file, 'r')
  try {
    return head.subarray(0, (await handle.read(head, 0, 512, 0)).bytesRead)
  } finally {
    await handle.close()
  }
}

/** The wanted members of a verified file, each judged; versions gets what each one reported. */
async function extract(
  asset: PlannedAsset,
  file: string,
  destDir: string,
  targets: QemuTarget[],
  ctx: FetchContext,
  versions: Map<string, string | undefined>
): Promise<ExtractResult> {
  const name = fileNameOf(asset.url)
  await mkdir(destDir, { recursive: true })
  try {
    const format = confirmFormat(asset.format, await firstBytes(file))
    const started = Date.now()
    const result = await extractBinaries({
      file,
      format,
      targets,
      name,
      destDir,
      accept: async (target, path, _member, sha256) => {
        // The manifest's digest of the interpreter itself, where it pins one, before the file is run at all.
        if (asset.binarySha256 && sha256 !== asset.binarySha256) return `its sha256 is ${sha256}, the manifest says ${asset.binarySha256}`
        const problem = await binaryProblem(path, ctx.hostArch)
        if (problem) return problem
        await chmod(path, 0o755)
        // Byte for byte the file the manifest pins: package-qemu took it from Debian's signed
        // package (its /usr/bin/qemu-<target>-static, the package's QEMU version), so what it is
        // and its version are known without running it here (a process less on every cold run).
        if (asset.binarySha256) return undefined
        const run = await runProgram(path, ['--version'], { timeoutMs: 10_000 })
        if (run.code !== 0)
          return `does not run on this host (--version: exit ${run.code}${run.stderr.trim() ? `, ${run.stderr.trim().split('\n')[0]}` : ''})`
        const wrong = targetProblem(run.stdout, target)
        if (wrong) return wrong
        versions.set(path, parseQemuVersion(run.stdout))
        return undefined
      }
    })
    ctx.log(`read ${formatName(result.format)} ${name} in ${seconds(started, 2)} s`)
    return result
  } catch (err) {
    if (err instanceof ArchiveError) throw new DownloadError(`${asset.url}: ${err.message}`, 'archive', asset.url)
    throw err
  }
}

/**
 * Why a binary's `--version` shows it is not the target's interpreter: QEMU prints
 * "qemu-<target> version X" with the target it was built for, whatever the file is called, so a
 * right digest on the wrong build (qemu-riscv64 named qemu-aarch64) is caught before it is cached.
 */
export function targetProblem(versionOutput: string, target: QemuTarget): string | undefined {
  const said = /^qemu-(\S+) version /m.exec(versionOutput)
  if (!said)
    return `is not a QEMU user-mode interpreter (--version printed ${JSON.stringify(versionOutput.trim().split('\n')[0]?.slice(0, 80) ?? '')})`
  if (said[1] !== target) return `is qemu-${said[1]}, not qemu-${target} (its --version says so)`
  return undefined
}

function missing(url: string, target: QemuTarget, rejected: string[] | undefined): DownloadError {
  if (rejected?.length) return new DownloadError(`${url} holds no usable qemu-${target}: ${rejected.join('; ')}`, 'unusable-binary', url)
  return new DownloadError(
    `${url} does not hold qemu-${target} (looked for qemu-${target} and qemu-${target}-static anywhere in it)`,
    'missing-binary',
    url
  )
}
