/**
 * scripts/package-qemu as the tests see it: its module (scripts/package-qemu/index.ts), how to run
 * it as `npm run package-qemu` does (through its launcher, scripts/package-qemu.mjs), and whether
 * the machine's Debian mirror answers (the integration suite's requirement; the mirror comes from
 * the machine's apt sources).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Requirement } from './requirements.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const SCRIPT = join(ROOT, 'scripts', 'package-qemu.mjs')

export type { BuiltAsset, PackagedRelease, Source } from '../../scripts/package-qemu/index.js'

/** The script's module (its pure functions and its run), as the tests use it. */
export type PackageScript = typeof import('../../scripts/package-qemu/index.js')

export const loadScript = async (): Promise<PackageScript> => import('../../scripts/package-qemu/index.js')

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
          [
            '-o',
            'Acquire::Retries=0',
            '-o',
            'Acquire::http::Timeout=10',
            ...(process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : []),
            'download-file',
            `${uri.replace(/\/+$/, '')}/dists/${suite}/Release.gpg`,
            join(dir, 'Release.gpg')
          ],
          { stdio: 'ignore', timeout: 30_000 }
        )
        return r.status === 0
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
