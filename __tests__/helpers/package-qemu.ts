/**
 * scripts/package-qemu.mjs as the tests see it: its pure functions (typed here, the script is plain
 * Node), how to run it as `npm run package-qemu` does, and whether the machine's Debian mirror
 * answers (the integration suite's requirement; the mirror comes from the machine's apt sources).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Manifest, ManifestRelease } from '../../src/install/manifest.js'
import type { Requirement } from './requirements.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const SCRIPT = join(ROOT, 'scripts', 'package-qemu.mjs')

export interface Source {
  uri: string
  suite: string
  components: string[]
  signedBy?: string
}

export interface BuiltAsset {
  host: string
  target: string
  sha256: string
  size: number
}

/** A release as the script writes it: the manifest's fields plus its Debian provenance. */
export type PackagedRelease = ManifestRelease & {
  debian: { suite: string; package: string; versions: Record<string, string>; compression: string }
}

export interface PackageScript {
  XZ_ARGS: string[]
  DEBIAN_RELEASES: Record<number, string>
  HOSTS: Record<string, { deb: string; elf: { machine: number; bits: 32 | 64 }; targets: string[] }>
  TARGET_BITS: Record<string, 32 | 64>
  suiteFor(arg: string): { codename: string; number?: number }
  packageFor(suite: { codename: string; number?: number }): string
  memberFor(pkg: string, target: string): string
  hostName(name: string): string
  assetName(target: string, host: string): string
  targetsFor(host: string, qemuMajor: number, only?: string[]): string[]
  parseDebVersion(version: string): { epoch: string; upstream: string; revision: string }
  upstreamQemu(version: string): string
  qemuVersionIn(bytes: Buffer | string, debVersion: string): string | undefined
  elfInfo(head: Buffer): { bits: 32 | 64; le: boolean; type: number; machine: number; isStatic: boolean | undefined } | undefined
  binaryProblem(head: Buffer, host: string): string | undefined
  parseStanza(text: string): Record<string, string>
  parseDeb822(text: string): Record<string, string>[]
  parseSources(text: string, format: 'deb822' | 'one-line'): Source[]
  machineCodename(osRelease: string, sources: Source[]): string | undefined
  deriveSources(sources: Source[], from: string, to: string): Source[]
  renderSources(sources: Source[], keyFiles?: Map<string, string>): string
  aptOptions(o: { arch: string; lists: string; cache: string; sourceList: string; emptyDir: string; preferences: string; sandboxRoot: boolean }): string[]
  releaseOf(o: {
    qemu: string
    suite: string
    pkg: string
    versions: Record<string, string>
    debs: Record<string, string>
    assets: BuiltAsset[]
    fallback?: string
    xzVersion?: string
  }): PackagedRelease
  mergeRelease(manifest: Manifest, release: PackagedRelease, options?: { setDefault?: boolean }): Manifest
  compareWithManifest(manifest: Manifest, release: PackagedRelease): string[]
  sha256sums(assets: BuiltAsset[]): string
  parseArgs(argv: string[]): Record<string, unknown>
  rebuildPlan(manifest: Manifest, id: string): { suite: string; package: string; hosts: string[]; targets: Record<string, string[]>; versions: Record<string, string>; fallback?: string }
  machineSources(etc?: string, osReleasePath?: string): { sources: Source[]; codename: string | undefined }
}

export const loadScript = async (): Promise<PackageScript> => (await import(pathToFileURL(SCRIPT).href)) as PackageScript

export interface ScriptRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs the script as `npm run package-qemu -- ...args` would (without npm's own start-up). */
export function runScript(args: string[], { timeoutMs = 15 * 60_000 } = {}): Promise<ScriptRun> {
  const started = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 })
    })
  })
}

/**
 * The machine's Debian mirror answers for a suite: apt's own downloader (so apt's proxy settings
 * apply) fetches the suite's small Release.gpg from the first URI the script would use.
 */
export function debianMirror(script: PackageScript, suite: string): Requirement {
  return {
    what: `the Debian mirror of the machine's apt sources, serving ${suite}`,
    met: () => {
      let uri: string | undefined
      try {
        const { sources, codename } = script.machineSources()
        uri = codename ? script.deriveSources(sources, codename, suite)[0]?.uri : undefined
      } catch {
        return false
      }
      if (!uri) return false
      const dir = mkdtempSync(join(tmpdir(), 'mirror-check-'))
      try {
        const r = spawnSync(
          '/usr/lib/apt/apt-helper',
          ['-o', 'Acquire::Retries=0', '-o', 'Acquire::http::Timeout=10', ...(process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : []), 'download-file', `${uri.replace(/\/+$/, '')}/dists/${suite}/Release.gpg`, join(dir, 'Release.gpg')],
          { stdio: 'ignore', timeout: 30_000 }
        )
        return r.status === 0
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
