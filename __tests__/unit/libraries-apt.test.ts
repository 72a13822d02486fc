/**
 * The private apt: the options and configuration it runs with, and what its output means. The
 * outputs are apt 2.6's own words, as it printed them here for each case.
 */
import { describe, expect, test } from '@jest/globals'
import {
  acquireSettings,
  debFileName,
  packageId,
  parseSimulation,
  resolveFailure,
  updateFailure
} from '../../src/install/libraries/apt-words.js'
import { privateOptions, qualifiedNames } from '../../src/install/libraries/private-apt.js'

describe('the options the private apt runs with', () => {
  const options = privateOptions('/run/tmp/apt-x', ['amd64', 'i386'])
  const settings = options.filter((_, i) => i % 2 === 1)

  test('every -o is followed by one setting', () => {
    expect(options.filter((_, i) => i % 2 === 0).every(o => o === '-o')).toBe(true)
  })

  test('state, lists, cache, log, sources and preferences live in the private folder; the dpkg status is its own empty file', () => {
    const dirs = settings.filter(s => /^Dir::/.test(s) && !s.endsWith('='))
    expect(dirs).toEqual([
      'Dir::State=/run/tmp/apt-x/state',
      'Dir::State::Lists=/run/tmp/apt-x/state/lists',
      'Dir::State::status=/run/tmp/apt-x/state/status',
      'Dir::Cache=/run/tmp/apt-x/cache',
      'Dir::Etc::SourceList=/run/tmp/apt-x/sources.list',
      'Dir::Etc::SourceParts=/run/tmp/apt-x/sources.list.d',
      'Dir::Etc::Preferences=/run/tmp/apt-x/preferences',
      'Dir::Etc::PreferencesParts=/run/tmp/apt-x/preferences.d',
      'Dir::Log=/run/tmp/apt-x/log'
    ])
  })

  test('the architectures are set outright (no dpkg --add-architecture), and unsigned archives stay refused', () => {
    expect(settings).toEqual(expect.arrayContaining(['APT::Architecture=amd64', 'APT::Architectures=amd64,i386']))
    expect(settings).toEqual(expect.arrayContaining(['Acquire::AllowInsecureRepositories=false', 'APT::Get::AllowUnauthenticated=false']))
    expect(settings.join(' ')).not.toMatch(/=true|=1\b|trusted|Check-Signature/i)
  })

  test('names: plain for the native architecture, qualified for the others', () => {
    expect(qualifiedNames(['libc6', 'zlib1g'], ['amd64', 'i386'])).toEqual(['libc6', 'zlib1g', 'libc6:i386', 'zlib1g:i386'])
  })

  test("the machine's Acquire:: network settings are carried over; index targets and insecure switches are not", () => {
    const dump = [
      'APT::Architecture "amd64";',
      'Acquire::http::Proxy "http://proxy.example:3128/";',
      'Acquire::Check-Valid-Until "false";',
      'Acquire::IndexTargets::deb::DEP-11::MetaKey "$(COMPONENT)/dep11/Components-$(NATIVE_ARCHITECTURE).yml";',
      'Acquire::AllowInsecureRepositories "1";',
      'Acquire::https::Verify-Peer "true";',
      'Acquire::http::Proxy::odd "a"b";',
      'APT::Update::Post-Invoke-Success:: "appstreamcli refresh";',
      'DPkg::Post-Invoke:: "something";'
    ].join('\n')
    expect(acquireSettings(dump)).toEqual([
      'Acquire::http::Proxy "http://proxy.example:3128/";',
      'Acquire::Check-Valid-Until "false";',
      'Acquire::https::Verify-Peer "true";'
    ])
  })
})

describe("reading apt's output", () => {
  test('a simulated install lists each package with its version and architecture', () => {
    const output = [
      'Reading package lists...',
      'The following NEW packages will be installed:',
      '  gcc-12-base libc6 libgcc-s1 zlib1g',
      'Inst gcc-12-base (12.2.0-14+deb12u1 Debian:12.12/stable [arm64])',
      'Inst libc6 (2.36-9+deb12u14 Debian:12.12/stable, Debian-Security:12/stable-security [arm64])',
      'Inst libc6:i386 (2.36-9+deb12u14 Debian:12.12/stable [i386])',
      'Inst zlib1g (1:1.2.13.dfsg-1+deb12u1 Debian-Security:12/stable-security [arm64])',
      'Inst media-types (10.0.0 Debian:12.12/stable [all])',
      'Conf libc6 (2.36-9+deb12u14 Debian:12.12/stable [arm64])'
    ].join('\n')
    const packages = parseSimulation(output)
    expect(packages.map(packageId)).toEqual([
      'gcc-12-base:arm64=12.2.0-14+deb12u1',
      'libc6:arm64=2.36-9+deb12u14',
      'libc6:i386=2.36-9+deb12u14',
      'zlib1g:arm64=1:1.2.13.dfsg-1+deb12u1',
      'media-types:all=10.0.0'
    ])
    expect(debFileName(packages[3])).toBe('zlib1g_1%3a1.2.13.dfsg-1+deb12u1_arm64.deb')
  })

  test('update: an archive that does not answer (apt exits 0 and only warns)', () => {
    const why = 'Could not connect to 127.0.0.1:9 (127.0.0.1). - connect (111: Connection refused)'
    const refused = [
      'Err:1 http://127.0.0.1:9/debian bookworm InRelease',
      `  ${why}`,
      `W: Failed to fetch http://127.0.0.1:9/debian/dists/bookworm/InRelease  ${why}`,
      'W: Some index files failed to download. They have been ignored, or old ones used instead.'
    ].join('\n')
    expect(updateFailure(refused, 0)).toEqual({ kind: 'unreachable', where: 'http://127.0.0.1:9/debian', detail: why })
    const noName = "W: Failed to fetch http://nonexistent.invalid/debian/dists/bookworm/InRelease  Could not resolve 'nonexistent.invalid'"
    expect(updateFailure(noName, 0)).toMatchObject({ kind: 'unreachable', detail: "Could not resolve 'nonexistent.invalid'" })
    const noSuite = "E: The repository 'http://mirror.example/debian nosuchsuite Release' does not have a Release file."
    expect(updateFailure(noSuite, 100)).toMatchObject({ kind: 'unreachable', where: 'http://mirror.example/debian nosuchsuite' })
  })

  test('update: a signature that does not verify', () => {
    const output = [
      'Err:1 http://mirror.example/debian bookworm InRelease',
      'W: GPG error: http://mirror.example/debian bookworm InRelease: ' +
        "The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 6ED0E7B82643E131",
      "E: The repository 'http://mirror.example/debian bookworm InRelease' is not signed."
    ].join('\n')
    expect(updateFailure(output, 100)).toEqual({
      kind: 'signature',
      where: 'http://mirror.example/debian bookworm',
      detail: 'the public key is not available: NO_PUBKEY 6ED0E7B82643E131'
    })
  })

  test('update: success, and any other failure', () => {
    expect(updateFailure('Get:1 http://mirror.example/debian bookworm InRelease [151 kB]\nReading package lists...\n', 0)).toBeUndefined()
    const malformed = 'E: Malformed entry 1 in sources file /x/archive.sources (URI)'
    expect(updateFailure(`${malformed}\n`, 100)).toEqual({ kind: 'other', detail: malformed })
  })

  test('resolve: names apt has no package for, and packages that do not fit together', () => {
    const unknown = 'E: Unable to locate package nosuchpkg-xyz\nE: Unable to locate package libfoo:i386\n'
    expect(resolveFailure(unknown)).toEqual({ kind: 'missing', names: ['nosuchpkg-xyz', 'libfoo'] })
    const unavailable = [
      'Package libc6 is not available, but is referred to by another package.',
      "E: Package 'libc6' has no installation candidate"
    ]
    expect(resolveFailure(unavailable.join('\n'))).toEqual({ kind: 'missing', names: ['libc6'] })
    const broken = [
      'The following packages have unmet dependencies:',
      ' libfoo1 : Depends: libbar2 (>= 3) but it is not installable',
      'E: Unable to correct problems, you have held broken packages.'
    ].join('\n')
    expect(resolveFailure(broken)).toEqual({ kind: 'broken', detail: 'libfoo1 depends on libbar2 (>= 3) but it is not installable' })
  })
})
