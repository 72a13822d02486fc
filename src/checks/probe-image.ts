/**
 * The container check's own image, made here instead of pulled: a `docker load` archive holding
 * the platform's embedded probe program (probe-programs.ts) as the image's only file and
 * entrypoint. No registry, no network, a few kilobytes; docker (both image stores) and podman load
 * the same archive. The archive is a tar of `manifest.json`, the image config (architecture, os and
 * variant from the platform table) and one layer tar whose sha256 is the config's diff_id.
 *
 * The content is the same for every run (fixed times and owners), so concurrent jobs load the same
 * image ID; each loads it under a tag of its own (`<target>-<runId>`) and removing that tag never
 * touches another job's.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Platform } from '../kernel/platforms.js'
import { probeProgram } from './probe-programs.js'
import { tarArchive } from './tar-writer.js'

/** The repository every probe image is loaded under; `localhost/` so no engine ever looks for it in a registry. */
export const PROBE_REPOSITORY = 'localhost/setup-x86-on-arm-probe'

/** Where the probe sits in the image, and so the path engines name when it cannot be executed. */
export const PROBE_PATH = '/probe'

/** A run id: lower-case letters and digits, short enough for tags and container names. */
const RUN_ID = /^[a-z0-9]{4,32}$/

/** A fresh id for this run's images and containers: the process id and random bits. */
export function newRunId(): string {
  return `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`
}

export function validRunId(runId: string): boolean {
  return RUN_ID.test(runId)
}

/** The tag this run loads a platform's probe image under. */
export function probeImageRef(platform: Platform, runId: string): string {
  if (!validRunId(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)}`)
  return `${PROBE_REPOSITORY}:${platform.target}-${runId}`
}

/** The name this run gives its check container for a platform (removed by --rm, or by name). */
export function checkContainerName(platform: Platform, runId: string): string {
  return `setup-x86-on-arm-check-${platform.target}-${runId}`
}

export interface ImagePlatform {
  os: string
  architecture: string
  variant?: string
}

/**
 * The image config's platform fields for a docker platform: `linux/arm/v7` -> arm, v7. arm64 gets
 * variant v8, the name engines normalise `linux/arm64` to.
 */
export function imagePlatform(platform: Platform): ImagePlatform {
  const [os = '', architecture = '', variant] = platform.docker.split('/')
  if (variant) return { os, architecture, variant }
  return architecture === 'arm64' ? { os, architecture, variant: 'v8' } : { os, architecture }
}

const EPOCH = '1970-01-01T00:00:00Z'

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

/** The layer: the probe program alone, executable, at PROBE_PATH. */
export function probeLayer(platform: Platform): Buffer {
  return tarArchive([{ name: PROBE_PATH.slice(1), data: probeProgram(platform.target), mode: 0o755 }])
}

/** The image config (OCI/docker image config JSON) for a layer with the given diff_id. */
export function probeImageConfig(platform: Platform, diffId: string): Record<string, unknown> {
  return {
    ...imagePlatform(platform),
    created: EPOCH,
    config: { Entrypoint: [PROBE_PATH], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: EPOCH, created_by: `setup-x86-on-arm: probe program for ${platform.docker} (prints uname's machine)` }]
  }
}

/** The `docker load` / `podman load` archive of a platform's probe image, tagged `ref`. */
export function probeImageArchive(platform: Platform, ref: string): Buffer {
  const layer = probeLayer(platform)
  const layerId = sha256(layer)
  const config = Buffer.from(JSON.stringify(probeImageConfig(platform, `sha256:${layerId}`)))
  const configName = `${sha256(config)}.json`
  const manifest = [{ Config: configName, RepoTags: [ref], Layers: [`${layerId}/layer.tar`] }]
  return tarArchive([
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
    { name: configName, data: config },
    { name: `${layerId}/` },
    { name: `${layerId}/layer.tar`, data: layer }
  ])
}
