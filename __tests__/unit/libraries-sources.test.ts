/**
 * Where the archive for a foreign architecture is: the machine's apt sources (deb822 and
 * one-line), its distribution, the architectures and an optional mirror in; the private apt's
 * sources text out. Debian addresses here are made-up mirrors: the real ones come from the
 * machine's own sources.
 */
import { describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  archiveStanzas,
  isDistributionEntry,
  privateSources,
  UBUNTU_PORTS,
  UBUNTU_PRIMARY,
  UBUNTU_SECURITY
} from '../../src/install/libraries/foreign-sources.js'
import { distributionOf, parseOsRelease, type Distribution } from '../../src/install/libraries/distribution.js'
import { parseDeb822Sources, parseOneLineSources, readAptSources } from '../../src/install/libraries/sources.js'

const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'
const UBUNTU_KEYRING = '/usr/share/keyrings/ubuntu-archive-keyring.gpg'

const distribution = (osRelease: string) => distributionOf(parseOsRelease(osRelease)) as Distribution
const bookworm = distribution('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
const noble = distribution('ID=ubuntu\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nUBUNTU_CODENAME=noble\nPRETTY_NAME="Ubuntu 24.04"\n')
const questing = distribution('ID=ubuntu\nVERSION_ID="25.10"\nVERSION_CODENAME=questing\n')
const source = (uri: string, suites: string[], components: string[], signedBy: string | undefined, file: string) => ({
  uris: [uri],
  suites,
  components,
  ...(signedBy ? { signedBy } : {}),
  file
})

/** This machine's layout: deb822, a comment inside a stanza, security on its own archive. */
const DEBIAN_SOURCES = `Types: deb
# a snapshot of the archive
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: ${DEBIAN_KEYRING}

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: ${DEBIAN_KEYRING}
`

/** Ubuntu 24.04 on amd64 (primary archive + security host). */
const UBUNTU_AMD64 = `Types: deb
URIs: http://ubuntu-mirror.example/ubuntu/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: ${UBUNTU_KEYRING}

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: ${UBUNTU_KEYRING}
`

/** Ubuntu 24.04 on arm64 (everything on the ports archive). */
const UBUNTU_ARM64 = `Types: deb
URIs: http://ports.ubuntu.com/ubuntu-ports/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: ${UBUNTU_KEYRING}

Types: deb
URIs: http://ports.ubuntu.com/ubuntu-ports/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: ${UBUNTU_KEYRING}
`

describe('reading apt sources', () => {
  test('deb822: deb stanzas with their URIs, suites, components and keyring; deb-src and disabled ones left out', () => {
    const text = `${DEBIAN_SOURCES}
Types: deb-src
URIs: http://mirror.example/debian
Suites: bookworm
Components: main

Types: deb
Enabled: no
URIs: http://mirror.example/debian
Suites: trixie
Components: main
`
    expect(parseDeb822Sources(text, 'debian.sources')).toEqual([
      source('http://mirror.example/debian', ['bookworm', 'bookworm-updates'], ['main'], DEBIAN_KEYRING, 'debian.sources'),
      source('http://mirror.example/debian-security', ['bookworm-security'], ['main'], DEBIAN_KEYRING, 'debian.sources')
    ])
  })

  test('deb822: an inline key keeps its lines (" ." is an empty one)', () => {
    const key = ' -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINBF\n -----END PGP PUBLIC KEY BLOCK-----\n'
    const text = `Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main\nSigned-By:\n${key}`
    const [entry] = parseDeb822Sources(text, 'inline.sources')
    expect(entry.signedBy).toBe('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----')
    const rendered = privateSources([entry], bookworm, ['arm64'])
    expect(rendered).toContain(`Signed-By:\n${key}`)
  })

  test('one-line: options, comments and deb-src', () => {
    const text = [
      '# the main archive',
      `deb [arch=amd64 signed-by=${DEBIAN_KEYRING}] http://mirror.example/debian bookworm main contrib # trailing`,
      'deb-src http://mirror.example/debian bookworm main',
      'deb http://mirror.example/debian-security bookworm-security main',
      '  deb [ trusted=yes ] http://local.example/debian bookworm main'
    ].join('\n')
    expect(parseOneLineSources(text, 'sources.list')).toEqual([
      source('http://mirror.example/debian', ['bookworm'], ['main', 'contrib'], DEBIAN_KEYRING, 'sources.list'),
      source('http://mirror.example/debian-security', ['bookworm-security'], ['main'], undefined, 'sources.list'),
      source('http://local.example/debian', ['bookworm'], ['main'], undefined, 'sources.list')
    ])
  })

  test("readAptSources reads sources.list and sources.list.d's .list and .sources files, in name order, and nothing else", async () => {
    const etc = mkdtempSync(join(tmpdir(), 'apt-etc-'))
    try {
      mkdirSync(join(etc, 'sources.list.d'))
      writeFileSync(join(etc, 'sources.list'), 'deb http://one.example/debian bookworm main\n')
      const stanza = 'Types: deb\nURIs: http://three.example/debian\nSuites: bookworm\nComponents: main\n'
      writeFileSync(join(etc, 'sources.list.d', 'b.sources'), stanza)
      writeFileSync(join(etc, 'sources.list.d', 'a.list'), 'deb http://two.example/debian bookworm main\n')
      writeFileSync(join(etc, 'sources.list.d', 'c.list.disabled'), 'deb http://never.example/debian bookworm main\n')
      writeFileSync(join(etc, 'sources.list.d', 'd.list.save'), 'deb http://never.example/debian bookworm main\n')
      const entries = await readAptSources(etc)
      expect(entries.map(e => e.uris[0])).toEqual(['http://one.example/debian', 'http://two.example/debian', 'http://three.example/debian'])
    } finally {
      rmSync(etc, { recursive: true, force: true })
    }
  })
})

describe("which entries are the distribution's own", () => {
  const entry = (uri: string, suite: string, components: string[], signedBy?: string) => source(uri, [suite], components, signedBy, 'x')
  const DEBIAN = 'http://mirror.example/debian'
  test.each([
    ['Debian with its keyring', entry(DEBIAN, 'bookworm', ['main'], DEBIAN_KEYRING), bookworm, true],
    ['Debian without Signed-By at the archive path', entry(DEBIAN, 'bookworm-updates', ['main', 'non-free-firmware']), bookworm, true],
    ['Debian named by role', entry(DEBIAN, 'stable-security', ['main']), bookworm, true],
    ["Docker's repository (stable)", entry('https://dl.example/debian', 'bookworm', ['stable'], '/k/docker.asc'), bookworm, false],
    ["a vendor's repository on the Debian suite", entry('https://php.example/debian', 'bookworm', ['main'], '/k/php.gpg'), bookworm, false],
    ['nodesource (suite nodistro)', entry('https://deb.example/node_20.x', 'nodistro', ['main'], '/k/nodesource.gpg'), bookworm, false],
    ['an older release', entry(DEBIAN, 'bullseye', ['main'], DEBIAN_KEYRING), bookworm, false],
    ['Ubuntu with its keyring', entry('http://ubuntu-mirror.example/ubuntu/', 'noble', ['main'], UBUNTU_KEYRING), noble, true],
    ["GitHub's apt mirror list", entry('mirror+file:/etc/apt/apt-mirrors.txt', 'noble-updates', ['main', 'restricted']), noble, true],
    ['a PPA', entry('https://ppa.launchpadcontent.net/someone/thing/ubuntu', 'noble', ['main']), noble, false],
    ["Microsoft's repository", entry('https://packages.example/ubuntu/24.04/prod', 'noble', ['main']), noble, false]
  ])('%s', (_name, candidate, machine, expected) => {
    expect(isDistributionEntry(candidate, machine)).toBe(expected)
  })
})

describe('the private sources', () => {
  test("an entry that names no keyring is given the distribution's archive keyring, never every key apt trusts", () => {
    const entries = parseOneLineSources('deb http://deb.example/debian bookworm main\n', 'sources.list')
    expect(privateSources(entries, bookworm, ['arm64'])).toContain(`Signed-By: ${DEBIAN_KEYRING}\n`)
    expect(privateSources(entries, bookworm, ['arm64'], [], '/usr/share/keyrings/debian-archive-keyring.pgp')).toContain(
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.pgp\n'
    )
    expect(privateSources(entries, bookworm, ['arm64'], ['http://127.0.0.1:9/debian'])).toContain(`Signed-By: ${DEBIAN_KEYRING}\n`)
  })

  test('Debian: the same URIs, suites and keyrings for any architecture', () => {
    const entries = parseDeb822Sources(DEBIAN_SOURCES, 'debian.sources')
    expect(privateSources(entries, bookworm, ['arm64'])).toBe(
      [
        'Types: deb',
        'URIs: http://mirror.example/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        'Architectures: arm64',
        `Signed-By: ${DEBIAN_KEYRING}`,
        '',
        'Types: deb',
        'URIs: http://mirror.example/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        'Architectures: arm64',
        `Signed-By: ${DEBIAN_KEYRING}`,
        ''
      ].join('\n')
    )
    expect(privateSources(entries, bookworm, ['amd64', 'i386'])).toContain('Architectures: amd64 i386\n')
  })

  test('Debian one-line sources give the same stanzas as deb822', () => {
    const oneLine = parseOneLineSources(
      [
        `deb [signed-by=${DEBIAN_KEYRING}] http://mirror.example/debian bookworm main`,
        `deb [signed-by=${DEBIAN_KEYRING}] http://mirror.example/debian bookworm-updates main`,
        `deb [signed-by=${DEBIAN_KEYRING}] http://mirror.example/debian-security bookworm-security main`
      ].join('\n'),
      'sources.list'
    )
    const deb822 = parseDeb822Sources(DEBIAN_SOURCES, 'debian.sources')
    expect(privateSources(oneLine, bookworm, ['riscv64'])).toBe(privateSources(deb822, bookworm, ['riscv64']))
  })

  test("third parties' entries stay out", () => {
    const entries = [
      ...parseDeb822Sources(DEBIAN_SOURCES, 'debian.sources'),
      ...parseOneLineSources('deb [signed-by=/usr/share/keyrings/vendor.gpg] https://vendor.example/apt bookworm main\n', 'vendor.list')
    ]
    expect(privateSources(entries, bookworm, ['arm64'])).not.toContain('vendor')
  })

  test('Ubuntu on amd64, emulating arm64: every suite from the ports archive, same keyring', () => {
    expect(archiveStanzas(parseDeb822Sources(UBUNTU_AMD64, 'ubuntu.sources'), noble, ['arm64'])).toEqual([
      {
        uri: UBUNTU_PORTS,
        suites: ['noble', 'noble-updates', 'noble-backports', 'noble-security'],
        components: ['main', 'universe', 'restricted', 'multiverse'],
        arches: ['arm64'],
        signedBy: UBUNTU_KEYRING
      }
    ])
  })

  test('Ubuntu on arm64, emulating amd64 and i386: the primary archive, security updates from their own host', () => {
    const components = ['main', 'universe', 'restricted', 'multiverse']
    const arches = ['amd64', 'i386']
    expect(archiveStanzas(parseDeb822Sources(UBUNTU_ARM64, 'ubuntu.sources'), noble, arches)).toEqual([
      { uri: UBUNTU_PRIMARY, suites: ['noble', 'noble-updates', 'noble-backports'], components, arches, signedBy: UBUNTU_KEYRING },
      { uri: UBUNTU_SECURITY, suites: ['noble-security'], components, arches, signedBy: UBUNTU_KEYRING }
    ])
  })

  test("Ubuntu: an archive that serves the architecture is kept (the machine's own mirror)", () => {
    // i386 is on the primary archive, where the amd64 machine's mirror points.
    expect(archiveStanzas(parseDeb822Sources(UBUNTU_AMD64, 'ubuntu.sources'), noble, ['i386'])?.map(s => s.uri)).toEqual([
      'http://ubuntu-mirror.example/ubuntu/',
      'http://security.ubuntu.com/ubuntu/'
    ])
    // riscv64 on an arm64 machine: the ports archive serves both.
    const riscv64 = archiveStanzas(parseDeb822Sources(UBUNTU_ARM64, 'ubuntu.sources'), noble, ['riscv64'])
    expect(riscv64?.map(s => s.uri)).toEqual(['http://ports.ubuntu.com/ubuntu-ports/'])
  })

  test('Ubuntu 25.10 and later serve arm64 from the primary archive too', () => {
    const sources = UBUNTU_AMD64.replace(/noble/g, 'questing')
    expect(archiveStanzas(parseDeb822Sources(sources, 'ubuntu.sources'), questing, ['arm64'])?.map(s => s.uri)).toEqual([
      'http://ubuntu-mirror.example/ubuntu/',
      'http://security.ubuntu.com/ubuntu/'
    ])
  })

  test('Ubuntu, two architectures on different archives: a stanza set for each', () => {
    const stanzas = archiveStanzas(parseDeb822Sources(UBUNTU_ARM64, 'ubuntu.sources'), noble, ['riscv64', 'amd64']) ?? []
    expect(stanzas.map(s => [s.uri, s.arches.join(' '), s.suites.join(' ')])).toEqual([
      ['http://ports.ubuntu.com/ubuntu-ports/', 'riscv64', 'noble noble-updates noble-backports noble-security'],
      [UBUNTU_PRIMARY, 'amd64', 'noble noble-updates noble-backports'],
      [UBUNTU_SECURITY, 'amd64', 'noble-security']
    ])
  })

  test("a mirror replaces the addresses and keeps the machine's keyrings; a second address serves -security", () => {
    const debian = parseDeb822Sources(DEBIAN_SOURCES, 'debian.sources')
    const suites = ['bookworm', 'bookworm-updates', 'bookworm-security']
    expect(archiveStanzas(debian, bookworm, ['arm64'], ['http://local.example/debian'])).toEqual([
      { uri: 'http://local.example/debian', suites, components: ['main'], arches: ['arm64'], signedBy: DEBIAN_KEYRING }
    ])
    const two = archiveStanzas(debian, bookworm, ['arm64'], ['http://local.example/debian', 'http://local.example/debian-security'])
    expect(two?.map(s => [s.uri, s.suites.join(' ')])).toEqual([
      ['http://local.example/debian', 'bookworm bookworm-updates'],
      ['http://local.example/debian-security', 'bookworm-security']
    ])
    // Ubuntu: the mirror wins over the ports mapping.
    const ubuntu = archiveStanzas(parseDeb822Sources(UBUNTU_AMD64, 'x'), noble, ['arm64'], ['http://local.example/ubuntu-ports'])
    expect(ubuntu?.map(s => s.uri)).toEqual(['http://local.example/ubuntu-ports'])
  })

  test("without the distribution's entries: a mirror gets the release's usual suites and keyring; else an error names the fix", () => {
    const suites = ['bookworm', 'bookworm-updates', 'bookworm-security']
    expect(archiveStanzas([], bookworm, ['arm64'], ['http://local.example/debian'])).toEqual([
      { uri: 'http://local.example/debian', suites, components: ['main'], arches: ['arm64'], signedBy: DEBIAN_KEYRING }
    ])
    expect(() => privateSources([], bookworm, ['arm64'])).toThrow(
      "input 'libraries': the machine's apt sources name no archive of Debian GNU/Linux 12 (bookworm) " +
        '(no entry for its suites bookworm with its archive keyring); ' +
        "set libraries-mirror to the address of the distribution's archive or a mirror of it"
    )
  })
})

describe('os-release', () => {
  test('quoted values, derivatives and releases without a number', () => {
    const name = 'Debian GNU/Linux 12 (bookworm)'
    expect(bookworm).toEqual({ id: 'debian', family: 'debian', release: '12', codename: 'bookworm', name })
    const mint = distribution('ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="22"\nVERSION_CODENAME=wilma\nUBUNTU_CODENAME=noble\n')
    expect(mint).toMatchObject({ id: 'linuxmint', family: 'ubuntu', release: '22', codename: 'noble' })
    const sid = distribution('PRETTY_NAME="Debian GNU/Linux trixie/sid"\nID=debian\nVERSION_CODENAME=trixie\n')
    expect(sid).toMatchObject({ release: 'trixie', codename: 'trixie' })
    expect(distributionOf(parseOsRelease('ID=fedora\nVERSION_ID=41\n'))).toBeUndefined()
  })
})
