/**
 * Debian packages through apt on private state: a generated sources list (the machine's Debian
 * sources, another suite), private lists and cache, no preferences, one foreign architecture, so
 * the machine's apt setup is read and never changed. `apt-get update` verifies each suite's
 * InRelease signature with the configured keyring and the Packages index against it; a .deb is
 * then checked here against its index entry (sha256, size, control fields).
 */
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { setTimeout } from 'node:timers/promises'
import { normalizeSha256 } from '../../src/install/manifest.js'
import type { RunResult } from '../../src/kernel/process.js'
import { deriveSources, machineSources, parseStanza, renderSources } from './sources.js'
import { mustRun, runTool, sha256File } from './tools.js'

type Log = (message: string) => void

/** The apt options that keep apt on private state, one architecture, signed indexes only. */
export function aptOptions(o: {
  arch: string
  lists: string
  cache: string
  sourceList: string
  emptyDir: string
  preferences: string
  sandboxRoot: boolean
}): string[] {
  const options = [
    `APT::Architecture=${o.arch}`,
    `APT::Architectures=${o.arch}`,
    `Dir::State::Lists=${o.lists}`,
    `Dir::Cache=${o.cache}`,
    `Dir::Etc::SourceList=${o.sourceList}`,
    `Dir::Etc::SourceParts=${o.emptyDir}`,
    // the machine's pins and default release do not choose the version
    `Dir::Etc::Preferences=${o.preferences}`,
    `Dir::Etc::PreferencesParts=${o.emptyDir}`,
    'APT::Default-Release=',
    'Acquire::AllowInsecureRepositories=false',
    'Acquire::AllowDowngradeToInsecureRepositories=false',
    'APT::Get::AllowUnauthenticated=false',
    'Acquire::Languages=none',
    'Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false'
  ]
  // As root apt downloads as _apt, which cannot write to a root-owned private cache.
  if (o.sandboxRoot) options.push('APT::Sandbox::User=root')
  return options.flatMap(x => ['-o', x])
}

/** The private apt configuration of one suite (under <cache>/apt). */
export interface PrivateApt {
  base: string
  emptyDir: string
  preferences: string
  sourceList: string
  suite: string
}

/** Writes the private apt configuration for a suite from the machine's sources. */
export async function prepareApt(cacheDir: string, suite: string, log: Log, aptEtc = '/etc/apt'): Promise<PrivateApt> {
  const { sources, codename } = machineSources(aptEtc)
  if (!codename) throw new Error("cannot tell the machine's Debian suite (no VERSION_CODENAME in /etc/os-release, no apt sources)")
  const derived = deriveSources(sources, codename, suite)
  if (derived.length === 0) {
    throw new Error(
      `the machine's apt sources have no Debian suite ${codename} (component main) to derive ${suite} from; ` +
        "this script uses the machine's own Debian mirror and keyring"
    )
  }
  const base = join(cacheDir, 'apt')
  const emptyDir = join(base, 'empty.d')
  await mkdir(emptyDir, { recursive: true })
  const preferences = join(base, 'preferences')
  await writeFile(preferences, '')
  const keyFiles = new Map<string, string>()
  for (const s of derived) {
    if (s.signedBy && /\s/.test(s.signedBy.trim()) && !keyFiles.has(s.signedBy)) {
      const path = join(base, `inline-key-${keyFiles.size + 1}.asc`)
      await writeFile(path, `${s.signedBy.trim()}\n`)
      keyFiles.set(s.signedBy, path)
    }
  }
  const sourceList = join(base, `${suite}.list`)
  await writeFile(sourceList, renderSources(derived, keyFiles))
  const suites = [...new Set(derived.map(s => s.suite))].join(', ')
  const entries = `${derived.length} entr${derived.length === 1 ? 'y' : 'ies'}`
  log(`apt sources: the machine's ${codename} suites as ${suites} (${entries}, same URIs and keyrings)`)
  return { base, emptyDir, preferences, sourceList, suite }
}

function aptFor(apt: PrivateApt, arch: string): { state: string; options: string[] } {
  const state = join(apt.base, `${apt.suite}-${arch}`)
  const options = aptOptions({
    arch,
    lists: join(state, 'lists'),
    cache: join(state, 'cache'),
    sourceList: apt.sourceList,
    emptyDir: apt.emptyDir,
    preferences: apt.preferences,
    sandboxRoot: process.getuid?.() === 0
  })
  return { state, options }
}

/** What apt says when a suite's signature does not verify: never gone on from, even with --allow-missing-index. */
const UNVERIFIED = /NO_PUBKEY|not signed|EXPKEYSIG|BADSIG|The following signatures|is not signed|InRelease.*(invalid|couldn't be verified)/i

/** `apt-get update` for one architecture, tried twice; a missing index is fatal unless allowed, a bad signature always. */
export async function aptUpdate(apt: PrivateApt, arch: string, allowMissingIndex: boolean, log: Log): Promise<void> {
  const { state, options } = aptFor(apt, arch)
  await mkdir(join(state, 'lists', 'partial'), { recursive: true })
  await mkdir(join(state, 'cache', 'archives', 'partial'), { recursive: true })
  const update = () => runTool('apt-get', [...options, '-q', 'update'])
  const updated = (result: RunResult) => result.code === 0 && !/^E: /m.test(result.stderr)
  let r = await update()
  if (!updated(r)) {
    await setTimeout(2000) // a mirror mid-sync often answers a moment later
    r = await update()
  }
  if (updated(r)) {
    const warnings = r.stderr.split('\n').filter(l => l.startsWith('W: '))
    if (warnings.length) log(`apt-get update (${arch}): ${warnings.join('; ')}`)
    return
  }
  const problems = (r.stderr || r.stdout).trim()
  const unverified = UNVERIFIED.test(problems)
  if (r.code !== 0 && (unverified || !allowMissingIndex)) {
    const hint = unverified
      ? "the suite's InRelease could not be verified with the configured keyring (a newer debian-archive-keyring may be needed)"
      : 'rerun with --allow-missing-index to go on with the indexes apt verified (the candidate may then be older than the newest)'
    throw new Error(`apt-get update for ${apt.suite} (${arch}) failed:\n${problems}\n${hint}`)
  }
  log(`warning: apt-get update for ${apt.suite} (${arch}) reported problems; going on with the indexes apt verified:\n${problems}`)
}

/** The Packages entry of the package to use: the candidate, or the exact version asked for. */
export async function packageRecord(apt: PrivateApt, arch: string, pkg: string, version?: string): Promise<Record<string, string>> {
  const { options } = aptFor(apt, arch)
  const r = await runTool('apt-cache', [...options, 'show', '--no-all-versions', version ? `${pkg}:${arch}=${version}` : `${pkg}:${arch}`])
  const record = parseStanza((r.stdout ?? '').split(/\n\n/)[0])
  if (r.code !== 0 || !record.Version) {
    const superseded = version ? ' (a superseded version leaves the archive; rebuild it from the version the suite has now)' : ''
    const what = `${pkg}${version ? ` ${version}` : ''} for ${arch}`
    throw new Error(`Debian ${apt.suite} has no ${what} in the indexes apt verified${superseded}:\n${(r.stderr || '').trim()}`)
  }
  if (record.Package !== pkg || record.Architecture !== arch) {
    throw new Error(`apt-cache show ${pkg}:${arch} gave ${record.Package} for ${record.Architecture}`)
  }
  if (!record.SHA256 || normalizeSha256(record.SHA256) !== record.SHA256 || !/^\d+$/.test(record.Size ?? '')) {
    throw new Error(`the index entry of ${pkg} ${record.Version} (${arch}) has no SHA256/Size`)
  }
  return record
}

/** The .deb of an index entry, downloaded once into debs/ and checked against the entry every time. */
export async function fetchDeb(apt: PrivateApt, arch: string, record: Record<string, string>, cacheDir: string, log: Log): Promise<string> {
  const debs = join(cacheDir, 'debs')
  await mkdir(debs, { recursive: true })
  const path = join(debs, basename(record.Filename ?? `${record.Package}_${record.Version.replace(/^\d+:/, '')}_${arch}.deb`))
  const check = async (file: string) => {
    const s = await stat(file)
    if (s.size !== Number(record.Size)) return `${s.size} bytes, the index says ${record.Size}`
    const sha = await sha256File(file)
    if (sha !== record.SHA256) return `sha256 ${sha}, the index says ${record.SHA256}`
    return undefined
  }
  if (existsSync(path)) {
    const problem = await check(path)
    if (!problem) {
      log(`${basename(path)}: cached, sha256 matches the signed index`)
      return path
    }
    log(`${basename(path)}: cached copy does not match the index (${problem}); downloading again`)
    await rm(path, { force: true })
  }
  const { options } = aptFor(apt, arch)
  const temp = join(debs, `.download-${process.pid}-${arch}`)
  await rm(temp, { recursive: true, force: true })
  await mkdir(temp, { recursive: true })
  try {
    const started = Date.now()
    await mustRun('apt-get', [...options, '-q', 'download', `${record.Package}:${arch}=${record.Version}`], { cwd: temp })
    const files = readdirSync(temp).filter(f => f.endsWith('.deb'))
    if (files.length !== 1) throw new Error(`apt-get download left ${files.length} .deb files`)
    const problem = await check(join(temp, files[0]))
    if (problem) throw new Error(`the downloaded ${files[0]} does not match Debian's signed index: ${problem}`)
    await rename(join(temp, files[0]), path)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    log(`${basename(path)}: downloaded ${(Number(record.Size) / 1048576).toFixed(1)} MiB in ${seconds} s, sha256 matches the signed index`)
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
  const control = parseStanza(await mustRun('dpkg-deb', ['-f', path, 'Package', 'Version', 'Architecture']))
  if (control.Package !== record.Package || control.Version !== record.Version || control.Architecture !== record.Architecture) {
    const says = (f: Record<string, string>) => `${f.Package} ${f.Version} ${f.Architecture}`
    throw new Error(`${path}: its control file says ${says(control)}, the index ${says(record)}`)
  }
  return path
}
