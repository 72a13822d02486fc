/**
 * Reading what the private apt says (with LC_ALL=C, so in apt's English): the packages a
 * simulated install would fetch, names it took as patterns, where it would fetch each file from,
 * the machine's network settings to carry over, and which of the failures a person can act on
 * it was. Pure functions over apt's output, so each case is tested on the words apt really prints.
 */

export interface ResolvedPackage {
  name: string
  arch: string
  version: string
}

/** `name:arch=version`, the form resolved packages are keyed and reported in. */
export function packageId(pkg: ResolvedPackage): string {
  return `${pkg.name}:${pkg.arch}=${pkg.version}`
}

/** Parses `apt-get -s install`'s `Inst name[:arch] (version origins [arch])` lines. */
export function parseSimulation(output: string): ResolvedPackage[] {
  const packages: ResolvedPackage[] = []
  for (const line of output.split('\n')) {
    const match = /^Inst ([a-z0-9][a-z0-9+.-]+)(?::\S+)? (?:\[[^\]]*\] )?\((\S+) .*\[([a-z0-9-]+)\]\)/.exec(line)
    if (match) packages.push({ name: match[1], version: match[2], arch: match[3] })
  }
  return packages
}

/** apt's `Note, selecting 'X' for regex 'Y'` (or glob): the names Y it took as a pattern (it prints these at quiet level 0 only). */
export function patternNames(output: string): string[] {
  const notes = [...output.matchAll(/Note, selecting '[^']+' for (?:regex|glob) '([^']+)'/g)]
  return [...new Set(notes.map(m => m[1].replace(/:.*$/, '')))]
}

/**
 * The requested names apt could have taken as a pattern ('.' and '+' are regular-expression
 * characters) that the resolved packages do not hold by that exact name for every architecture:
 * apt chose other packages for them (by a pattern, or as the providers of a virtual package).
 */
export function notResolvedByName(names: readonly string[], arches: readonly string[], packages: readonly ResolvedPackage[]): string[] {
  const held = (name: string, arch: string) => packages.some(p => p.name === name && (p.arch === arch || p.arch === 'all'))
  return names.filter(name => /[.+]/.test(name) && !arches.every(arch => held(name, arch)))
}

/** The names `apt-cache policy` shows with a candidate version (a `name:` or `name:arch:` line, then `  Candidate: version`). */
export function namesWithCandidate(output: string): Set<string> {
  const names = new Set<string>()
  let current: string | undefined
  for (const line of output.split('\n')) {
    const header = /^([a-z0-9][a-z0-9+.-]+)(?::[a-z0-9-]+)?:$/.exec(line)
    if (header) current = header[1]
    const candidate = /^\s+Candidate: (\S+)$/.exec(line)
    if (candidate && current && candidate[1] !== '(none)') names.add(current)
    if (candidate) current = undefined
  }
  return names
}

/** One line of `apt-get --print-uris`: where apt would fetch a file from, the name it stores it under, and the signed index's SHA256. */
export interface PrintedUri {
  uri: string
  file: string
  size: number
  /** Lower-case hex; undefined when apt printed no SHA256 (run it with Acquire::ForceHash=SHA256). */
  sha256?: string
}

/** Parses `apt-get --print-uris`' `'URI' FILE SIZE TYPE:HASH` lines (the hash empty when the index has none of that type). */
export function parsePrintUris(output: string): PrintedUri[] {
  const uris: PrintedUri[] = []
  for (const line of output.split('\n')) {
    const match = /^'([^'\s]+)' (\S+) (\d+) ?(\S*)$/.exec(line)
    if (!match) continue
    const sha256 = /^SHA256:([0-9a-f]{64})$/i.exec(match[4])?.[1].toLowerCase()
    uris.push({ uri: match[1], file: match[2], size: Number(match[3]), ...(sha256 ? { sha256 } : {}) })
  }
  return uris
}

/** The .deb file name apt stores a package under (an epoch's colon written %3a). */
export function debFileName(pkg: ResolvedPackage): string {
  return `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_${pkg.arch}.deb`
}

/**
 * The machine's Acquire:: settings from `apt-config dump` (proxies, timeouts, a mirror's
 * Check-Valid-Until), without index targets other tools add (DEP-11 icons, command-not-found
 * databases) and without anything that would let an unsigned archive through.
 */
export function acquireSettings(dump: string): string[] {
  return dump
    .split('\n')
    .filter(line => /^Acquire::\S+ "[^"]*";$/.test(line))
    .filter(line => !/^Acquire::(IndexTargets|Allow\w*(Insecure|Weak)\w*)\b/i.test(line))
}

/** Why `apt-get update` failed, as apt said it; undefined when every index came. */
export type UpdateFailure =
  | { kind: 'signature'; where: string; detail: string }
  | { kind: 'unreachable'; where: string; detail: string }
  | { kind: 'other'; detail: string }

function lastErrors(output: string): string {
  const lines = output.split('\n').filter(line => /^(E|W|Err):/.test(line.trim()))
  return (lines.length ? lines : output.trim().split('\n')).slice(-2).join(' ').trim()
}

export function updateFailure(output: string, code: number): UpdateFailure | undefined {
  const gpg = /GPG error: (\S+) (\S+) \S+: (.*)/.exec(output)
  const unsigned = /The repository '(\S+) (\S+) \S+' is not signed/.exec(output)
  if (gpg || unsigned || /NO_PUBKEY|BADSIG|EXPKEYSIG|signatures were invalid|signature verification failed/.test(output)) {
    const where = gpg ? `${gpg[1]} ${gpg[2]}` : unsigned ? `${unsigned[1]} ${unsigned[2]}` : 'the archive'
    const said = gpg?.[3] ?? (unsigned ? 'it is not signed with a key the sources name' : lastErrors(output))
    const detail = said.replace(/^The following signatures couldn't be verified because /, '')
    return { kind: 'signature', where, detail }
  }
  const fetch = /Failed to fetch (\S+)\s+(.*)/.exec(output)
  if (fetch) return { kind: 'unreachable', where: fetch[1].replace(/\/dists\/.*$/, ''), detail: fetch[2].trim() }
  const noRelease = /The repository '(\S+) (\S+) \S+' does not have a Release file/.exec(output)
  if (noRelease) return { kind: 'unreachable', where: `${noRelease[1]} ${noRelease[2]}`, detail: 'it has no Release file for this suite' }
  if (/Some index files failed to download/.test(output)) return { kind: 'unreachable', where: 'the archive', detail: lastErrors(output) }
  if (code !== 0) return { kind: 'other', detail: lastErrors(output) }
  return undefined
}

/** Why resolving the packages failed: names apt has no package for, or something else. */
export type ResolveFailure = { kind: 'missing'; names: string[] } | { kind: 'broken'; detail: string } | { kind: 'other'; detail: string }

export function resolveFailure(output: string): ResolveFailure {
  const missing = [
    ...[...output.matchAll(/Unable to locate package (\S+)/g)].map(m => m[1]),
    ...[...output.matchAll(/Package '([^']+)' has no installation candidate/g)].map(m => m[1])
  ].map(name => name.replace(/:.*$/, ''))
  if (missing.length) return { kind: 'missing', names: [...new Set(missing)] }
  const depends = /^\s*(\S+) : (?:Pre-)?Depends: (.*)$/m.exec(output)
  if (depends || /unmet dependencies|held broken packages/.test(output)) {
    return { kind: 'broken', detail: depends ? `${depends[1]} depends on ${depends[2].trim()}` : lastErrors(output) }
  }
  return { kind: 'other', detail: lastErrors(output) }
}

/** The failure of a download: the archive not answering (or changing under us), or something else. */
export function downloadFailure(output: string): string {
  const fetch = /Failed to fetch (\S+)\s+(.*)/.exec(output)
  return fetch ? `${fetch[1]}: ${fetch[2].trim()}` : lastErrors(output)
}
