/**
 * Where the distribution's archive for another architecture is, as apt sources for the private
 * apt: a pure function of the machine's sources, its distribution, the architectures and an
 * optional mirror. Only the distribution's own entries count (a PPA or a vendor's repository has
 * no business in a sysroot). Debian serves every architecture from the same archives, so its
 * entries are kept as they are. Ubuntu serves amd64 and i386 from the primary archive (with
 * security updates on their own host) and the other architectures from the ports archive, so an
 * entry on the wrong one is pointed at the right one's public address; both are signed with the
 * same keyring. A mirror replaces the addresses and keeps the keyrings, so signatures are still
 * checked against the distribution's keys. An entry that names no keyring (Signed-By) is given the
 * distribution's archive keyring: apt would otherwise accept a signature by any key in
 * trusted.gpg.d, a vendor's repository key among them.
 */
import type { Distribution } from './distribution.js'
import { LibrariesError } from './names.js'
import type { SourceEntry } from './sources.js'

export const UBUNTU_PRIMARY = 'http://archive.ubuntu.com/ubuntu'
export const UBUNTU_SECURITY = 'http://security.ubuntu.com/ubuntu'
export const UBUNTU_PORTS = 'http://ports.ubuntu.com/ubuntu-ports'

/** One deb822 stanza of the private sources file. */
export interface ArchiveStanza {
  uri: string
  suites: string[]
  components: string[]
  arches: string[]
  signedBy?: string
}

const COMPONENTS = {
  debian: ['main', 'contrib', 'non-free', 'non-free-firmware'],
  ubuntu: ['main', 'restricted', 'universe', 'multiverse']
}
/** Debian machines may name their suites by role instead of codename. */
const DEBIAN_SUITE_ALIASES = ['oldoldstable', 'oldstable', 'stable', 'testing', 'unstable', 'sid', 'experimental']
/** Ubuntu's primary archive serves these; the ports archive serves every other architecture. */
const UBUNTU_PRIMARY_ARCHES = ['amd64', 'i386']

function isSecuritySuite(suite: string): boolean {
  return /-security$|\/updates$/.test(suite)
}

function suiteBelongs(suite: string, distribution: Distribution): boolean {
  const release = suite.split(/[-/]/)[0]
  if (release !== '' && release === distribution.codename) return true
  return distribution.family === 'debian' && DEBIAN_SUITE_ALIASES.includes(release)
}

/** Addresses the distribution's archives live at (or apt's mirror lists, which GitHub's Ubuntu runners use). */
function uriLooksLikeDistribution(uri: string, distribution: Distribution): boolean {
  if (uri.startsWith('mirror+')) return true
  if (distribution.family === 'ubuntu') return /\/ubuntu(-ports)?\/?$/.test(uri) && !/launchpad/i.test(uri)
  return /\/debian(-security)?\/?$/.test(uri) || /\/debian(-security)?\/\d{8}T\d{6}Z\/?$/.test(uri)
}

/** The distribution's own entries: its suites and components, signed with its archive keyring (or, unsigned-by, at its archive's path). */
export function isDistributionEntry(entry: SourceEntry, distribution: Distribution): boolean {
  if (!entry.suites.every(suite => suiteBelongs(suite, distribution))) return false
  if (!entry.components.length || !entry.components.every(c => COMPONENTS[distribution.family].includes(c))) return false
  const keyring = entry.signedBy
  if (keyring && !keyring.includes('\n')) {
    return keyring.split(/\s+/).every(file => (file.split('/').pop() ?? '').startsWith(`${distribution.family}-archive`))
  }
  return entry.uris.every(uri => uriLooksLikeDistribution(uri, distribution))
}

function atLeast(release: string, major: number, minor: number): boolean {
  const [a, b] = release.split('.').map(Number)
  return a > major || (a === major && (b ?? 0) >= minor)
}

/** The Ubuntu archive that serves an architecture, given where the machine's entry points. */
export function ubuntuUriFor(uri: string, suite: string, arch: string, distribution: Distribution): string {
  const onPorts = /\/ubuntu-ports\/?$/.test(uri) || /^\w+:\/\/ports\./.test(uri)
  // Ubuntu 25.10 and later serve arm64 from the primary archive too.
  const primaryServes = UBUNTU_PRIMARY_ARCHES.includes(arch) || (arch === 'arm64' && atLeast(distribution.release, 25, 10))
  if (onPorts ? !UBUNTU_PRIMARY_ARCHES.includes(arch) : primaryServes) return uri
  if (!onPorts) return UBUNTU_PORTS
  return isSecuritySuite(suite) ? UBUNTU_SECURITY : UBUNTU_PRIMARY
}

/** The distribution's archive keyring as its keyring package installs it (Debian 13 also ships it as .pgp). */
export function archiveKeyring(distribution: Distribution, extension: 'gpg' | 'pgp' = 'gpg'): string {
  return `/usr/share/keyrings/${distribution.family}-archive-keyring.${extension}`
}

/** What a mirror stands in for when the machine's sources name no archive of the distribution. */
function defaultEntry(distribution: Distribution, keyring: string): SourceEntry | undefined {
  const codename = distribution.codename
  if (!codename) return undefined
  return {
    uris: [''],
    suites: [codename, `${codename}-updates`, `${codename}-security`],
    components: ['main'],
    signedBy: keyring,
    file: 'the distribution default'
  }
}

/**
 * The stanzas for the private apt: every (address, suite) the architectures need, merged back
 * into as few stanzas as the input had. Undefined when the machine's sources name no archive of
 * the distribution and no mirror is given.
 */
export function archiveStanzas(
  entries: readonly SourceEntry[],
  distribution: Distribution,
  arches: readonly string[],
  mirror: readonly string[] = [],
  keyring = archiveKeyring(distribution)
): ArchiveStanza[] | undefined {
  let own: SourceEntry[] = entries
    .filter(entry => isDistributionEntry(entry, distribution))
    .map(entry => ({ ...entry, signedBy: entry.signedBy ?? keyring }))
  if (own.length === 0) {
    const fallback = mirror.length ? defaultEntry(distribution, keyring) : undefined
    if (!fallback) return undefined
    own = [fallback]
  }
  type Item = { uri: string; suite: string; signedBy?: string; components: Set<string>; arches: Set<string> }
  const bySuite = new Map<string, Item>()
  for (const arch of arches) {
    for (const entry of own) {
      for (const uri of entry.uris) {
        for (const suite of entry.suites) {
          const chosen = mirror.length
            ? (isSecuritySuite(suite) && mirror[1]) || mirror[0]
            : distribution.family === 'ubuntu'
              ? ubuntuUriFor(uri, suite, arch, distribution)
              : uri
          const key = JSON.stringify([chosen, suite, entry.signedBy ?? ''])
          const item: Item = bySuite.get(key) ?? { uri: chosen, suite, signedBy: entry.signedBy, components: new Set(), arches: new Set() }
          entry.components.forEach(c => item.components.add(c))
          item.arches.add(arch)
          bySuite.set(key, item)
        }
      }
    }
  }
  const stanzas = new Map<string, ArchiveStanza>()
  for (const item of bySuite.values()) {
    const components = [...item.components]
    const itemArches = [...item.arches]
    const key = JSON.stringify([item.uri, item.signedBy ?? '', components, itemArches])
    const keyring = item.signedBy ? { signedBy: item.signedBy } : {}
    const stanza = stanzas.get(key) ?? { uri: item.uri, suites: [], components, arches: itemArches, ...keyring }
    stanza.suites.push(item.suite)
    stanzas.set(key, stanza)
  }
  return [...stanzas.values()]
}

/** deb822 text of the stanzas (an inline key keeps its lines, an empty one written as " ."). */
export function renderSources(stanzas: readonly ArchiveStanza[]): string {
  return stanzas
    .map(stanza => {
      const lines = [
        'Types: deb',
        `URIs: ${stanza.uri}`,
        `Suites: ${stanza.suites.join(' ')}`,
        `Components: ${stanza.components.join(' ')}`,
        `Architectures: ${stanza.arches.join(' ')}`
      ]
      if (stanza.signedBy?.includes('\n')) lines.push('Signed-By:', ...stanza.signedBy.split('\n').map(line => ` ${line || '.'}`))
      else if (stanza.signedBy) lines.push(`Signed-By: ${stanza.signedBy}`)
      return lines.join('\n') + '\n'
    })
    .join('\n')
}

/** The private apt's sources text; throws when there is no archive to take the packages from. */
export function privateSources(
  entries: readonly SourceEntry[],
  distribution: Distribution,
  arches: readonly string[],
  mirror: readonly string[] = [],
  keyring = archiveKeyring(distribution)
): string {
  const stanzas = archiveStanzas(entries, distribution, arches, mirror, keyring)
  if (!stanzas) {
    throw new LibrariesError(
      'libraries',
      `the machine's apt sources name no archive of ${distribution.name} ` +
        `(no entry for its suites ${distribution.codename || '(none)'} with its archive keyring)`,
      "set libraries-mirror to the address of the distribution's archive or a mirror of it"
    )
  }
  return renderSources(stanzas)
}
