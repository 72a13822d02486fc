/**
 * The distro's static user-mode QEMU through apt: the classic recipe, made robust. Which packages
 * is decided from what apt says is available, not from a table of releases.
 */
import type { Privileged } from '../kernel/privileged.js'
import { runProgram } from '../kernel/process.js'

export class AptError extends Error {}

export interface Candidates {
  /** package name -> candidate version ('' when apt knows the name but has nothing to install) */
  [name: string]: string
}

/** Parses `apt-cache policy A B ...` into each package's candidate version. */
export function parseCandidates(text: string): Candidates {
  const candidates: Candidates = {}
  let current: string | undefined
  for (const line of text.split('\n')) {
    const name = /^(\S+):$/.exec(line)
    if (name) current = name[1]
    const candidate = /^\s+Candidate:\s*(\S+)/.exec(line)
    if (candidate && current) candidates[current] = candidate[1] === '(none)' ? '' : candidate[1]
  }
  return candidates
}

export const PACKAGE_NAMES = ['qemu-user-static', 'binfmt-support', 'qemu-user', 'qemu-user-binfmt']

/**
 * The packages to install: qemu-user-static + binfmt-support where they exist (Debian 12,
 * Ubuntu 22.04/24.04); else qemu-user + qemu-user-binfmt (Debian 13+, where qemu-user is static).
 * Undefined when apt offers neither.
 */
export function choosePackages(candidates: Candidates): string[] | undefined {
  const has = (name: string) => !!candidates[name]
  if (has('qemu-user-static')) return ['qemu-user-static', ...(has('binfmt-support') ? ['binfmt-support'] : [])]
  if (has('qemu-user')) return ['qemu-user', ...(has('qemu-user-binfmt') ? ['qemu-user-binfmt'] : [])]
  return undefined
}

/** Turns apt's own words into one line a person can act on. */
export function explainAptFailure(output: string): string {
  const lock = /Could not get lock ([^\s]+?)\.?(?:\s|$)/.exec(output)
  if (lock) {
    const holder = /held by process \d+(?: \([^)]*\))?/.exec(output)?.[0]
    return `apt could not get the dpkg lock ${lock[1]} within 120 s${holder ? ` (${holder})` : ''}: another apt run (often unattended-upgrades on a fresh runner) is still going; retry later or use install: download`
  }
  if (/Unable to locate package|has no installation candidate/.test(output))
    return "apt has no QEMU user-mode package in this machine's sources: use install: download"
  const last = output
    .trim()
    .split('\n')
    .filter(l => /^(E:|W:)/.test(l))
    .slice(-2)
    .join(' ')
  return last || output.trim().split('\n').slice(-2).join(' ')
}

const APT_OPTIONS = ['-o', 'DPkg::Lock::Timeout=120', '-o', 'Acquire::Retries=3', '-o', 'Dpkg::Use-Pty=0']

async function hasApt(): Promise<boolean> {
  return (await runProgram('apt-get', ['--version'], { timeoutMs: 10_000 })).code === 0
}

async function candidates(): Promise<Candidates> {
  const policy = await runProgram('apt-cache', ['policy', ...PACKAGE_NAMES], { timeoutMs: 60_000 })
  return parseCandidates(policy.stdout)
}

async function aptGet(sys: Privileged, args: string[]): Promise<void> {
  await sys.run('apt-get', [...APT_OPTIONS, ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 600_000 })
}

/**
 * Installs the packages, running `apt-get update` only when the lists lack them or are stale.
 * Returns the packages installed.
 */
export async function aptInstall(sys: Privileged, log: (message: string) => void): Promise<string[]> {
  if (!(await hasApt())) throw new AptError('install: apt needs apt-get, and this machine has none (not Debian or Ubuntu)')
  let packages = choosePackages(await candidates())
  let updated = false
  const update = async () => {
    log('apt-get update')
    await aptGet(sys, ['update', '-q']).catch(error => {
      throw new AptError(`apt-get update failed: ${explainAptFailure((error as Error).message)}`)
    })
    updated = true
  }
  if (!packages) {
    await update()
    packages = choosePackages(await candidates())
    if (!packages)
      throw new AptError(
        "apt has no QEMU user-mode package (qemu-user-static or qemu-user) in this machine's sources: use install: download"
      )
  }
  const install = () => aptGet(sys, ['install', '-y', '-q', '--no-install-recommends', ...packages])
  log(`apt-get install ${packages.join(' ')}`)
  try {
    await install()
  } catch (error) {
    const message = (error as Error).message
    if (updated || !/404|Unable to fetch|Failed to fetch|--fix-missing/.test(message))
      throw new AptError(`apt-get install ${packages.join(' ')} failed: ${explainAptFailure(message)}`)
    await update() // stale package lists: the mirror moved on
    await install().catch(again => {
      throw new AptError(`apt-get install ${packages.join(' ')} failed: ${explainAptFailure((again as Error).message)}`)
    })
  }
  return packages
}
