/**
 * The machine's own apt sources, read (one-line sources.list and deb822 .sources) and turned into
 * another Debian release's: the same URIs and Signed-By keyrings with the suites swapped, so no
 * mirror is ever named here. Pure functions, and machineSources, which reads /etc/apt.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'

export interface Source {
  uri: string
  suite: string
  components: string[]
  signedBy?: string
}

/** Suites that have no -updates/-security companions. */
const ROLLING = new Set(['sid', 'unstable', 'experimental'])

/** Fields of one apt-cache show / Packages stanza. */
export function parseStanza(text: string): Record<string, string> {
  const fields: Record<string, string> = {}
  let last: string | undefined
  for (const line of String(text).split('\n')) {
    if (/^[ \t]/.test(line)) {
      if (last) fields[last] += `\n${line.trim()}`
      continue
    }
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line)
    if (m) {
      last = m[1]
      fields[last] = m[2].trim()
    }
  }
  return fields
}

/** deb822 .sources text -> stanzas (field names lower-cased); comments skipped, continuation lines kept. */
export function parseDeb822(text: string): Record<string, string>[] {
  const stanzas: Record<string, string>[] = []
  let current: Record<string, string> | undefined
  let last: string | undefined
  for (const raw of String(text).split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (line.startsWith('#')) continue
    if (line.trim() === '') {
      if (current) stanzas.push(current)
      current = undefined
      last = undefined
      continue
    }
    if (/^[ \t]/.test(line)) {
      if (current && last) current[last] += `\n${line.trim() === '.' ? '' : line.trim()}`
      continue
    }
    const m = /^([^:\s]+):[ \t]*(.*)$/.exec(line)
    if (!m) throw new Error(`not a deb822 line: ${line}`)
    current ??= {}
    last = m[1].toLowerCase()
    current[last] = m[2].trim()
  }
  if (current) stanzas.push(current)
  return stanzas
}

const words = (value: string | undefined) => (value ?? '').split(/\s+/).filter(Boolean)

/**
 * The `deb` sources of a sources.list (one-line) or .sources (deb822) text. Disabled stanzas,
 * deb-src and flat repositories are left out; options other than signed-by (arch=, trusted=, ...)
 * are dropped: trust comes from the keyring.
 */
export function parseSources(text: string, format: 'deb822' | 'one-line'): Source[] {
  const out: Source[] = []
  if (format === 'deb822') {
    for (const s of parseDeb822(text)) {
      if ((s.enabled ?? 'yes').toLowerCase() === 'no') continue
      if (!words(s.types).includes('deb')) continue
      const components = words(s.components)
      for (const uri of words(s.uris)) {
        for (const suite of words(s.suites)) {
          if (suite.endsWith('/')) continue
          out.push({ uri, suite, components, signedBy: s['signed-by'] || undefined })
        }
      }
    }
    return out
  }
  for (const raw of String(text).split('\n')) {
    const line = raw.replace(/#.*$/, '').trim()
    if (!line) continue
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line)
    if (!m || m[1] !== 'deb' || m[4].endsWith('/')) continue
    const options = Object.fromEntries(
      words(m[2]).map(o => {
        const i = o.indexOf('=')
        return i < 0 ? [o.toLowerCase(), ''] : [o.slice(0, i).toLowerCase(), o.slice(i + 1)]
      })
    )
    out.push({ uri: m[3], suite: m[4], components: words(m[5]), signedBy: options['signed-by'] || undefined })
  }
  return out
}

/** The codename of the machine's suites: VERSION_CODENAME of os-release, else the most common base suite. */
export function machineCodename(osRelease: string | undefined, sources: Source[]): string | undefined {
  const m = /^VERSION_CODENAME=["']?([a-z]+)["']?\s*$/m.exec(osRelease ?? '')
  if (m) return m[1]
  const counts = new Map<string, number>()
  for (const s of sources) {
    const base = s.suite.split('-')[0]
    counts.set(base, (counts.get(base) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0]
}

/** Is a Signed-By value a keyring of Debian's archive (or inline, or unset: apt's trusted keys)? */
function debianKeyring(signedBy: string | undefined): boolean {
  if (!signedBy || signedBy.includes('\n') || signedBy.includes('BEGIN PGP')) return true
  return signedBy.split(/[\s,]+/).every(path => /^debian-archive-/.test(basename(path)))
}

/**
 * The machine's Debian sources with its suites swapped for another release's: the base suite and
 * its -updates and -security companions, component main (where qemu is), the same URIs and
 * Signed-By. Sources of other vendors (another keyring, no main component) are left out.
 */
export function deriveSources(sources: Source[], from: string, to: string): Source[] {
  const pattern = new RegExp(`^${from.replace(/[^a-z0-9]/g, '')}(-(updates|security))?$`)
  const seen = new Set<string>()
  const out: Source[] = []
  for (const s of sources) {
    const m = pattern.exec(s.suite)
    if (!m || !s.components.includes('main') || !debianKeyring(s.signedBy)) continue
    if (m[1] && ROLLING.has(to)) continue
    const suite = `${to}${m[1] ?? ''}`
    const key = `${s.uri.replace(/\/+$/, '')} ${suite}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ uri: s.uri, suite, components: ['main'], signedBy: s.signedBy })
  }
  return out
}

/** One-line sources.list text for derived sources; inline keys are referenced by the paths given. */
export function renderSources(sources: Source[], keyFiles = new Map<string, string>()): string {
  const lines = sources.map(s => {
    const key = s.signedBy ? (keyFiles.get(s.signedBy) ?? s.signedBy) : undefined
    if (key && /\s/.test(key.trim())) throw new Error(`Signed-By ${JSON.stringify(key.slice(0, 40))} must be written to a file first`)
    return `deb ${key ? `[signed-by=${key.trim()}] ` : ''}${s.uri} ${s.suite} ${s.components.join(' ')}`
  })
  return `${lines.join('\n')}\n`
}

/** The machine's apt sources (sources.list, sources.list.d/*.list and *.sources) and codename. */
export function machineSources(etc = '/etc/apt', osReleasePath = '/etc/os-release'): { sources: Source[]; codename: string | undefined } {
  const sources: Source[] = []
  const add = (path: string, format: 'deb822' | 'one-line') => {
    try {
      sources.push(...parseSources(readFileSync(path, 'utf8'), format))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path}: ${(err as Error).message}`, { cause: err })
    }
  }
  add(join(etc, 'sources.list'), 'one-line')
  const parts = join(etc, 'sources.list.d')
  const names = existsSync(parts) ? readdirSync(parts).sort() : []
  for (const name of names) {
    if (name.endsWith('.list')) add(join(parts, name), 'one-line')
    else if (name.endsWith('.sources')) add(join(parts, name), 'deb822')
  }
  let osRelease = ''
  try {
    osRelease = readFileSync(osReleasePath, 'utf8')
  } catch {
    // no os-release: the suites themselves tell the codename
  }
  return { sources, codename: machineCodename(osRelease, sources) }
}
