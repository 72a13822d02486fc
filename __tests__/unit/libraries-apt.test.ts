/**
 * The private apt: the options and configuration it runs with, what its output means, and what it
 * does with it (apt-get and apt-cache played by a fake runProgram). The outputs are apt 2.6's own
 * words, as it printed them here for each case.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  acquireSettings,
  debFileName,
  namesWithCandidate,
  notResolvedByName,
  packageId,
  parsePrintUris,
  parseSimulation,
  patternNames,
  resolveFailure,
  updateFailure,
  type ResolvedPackage
} from '../../src/install/libraries/apt-words.js'
import type { Distribution } from '../../src/install/libraries/distribution.js'
import type { RunResult } from '../../src/kernel/process.js'

/** Every program the private apt runs, in order; `answer` plays it. */
const calls: { command: string; args: string[] }[] = []
let running = 0
let mostAtOnce = 0
let answer: (command: string, args: string[]) => RunResult = () => ({ code: 0, stdout: '', stderr: '' })
jest.unstable_mockModule('../../src/kernel/process.js', () => ({
  runProgram: async (command: string, args: string[]): Promise<RunResult> => {
    calls.push({ command, args })
    mostAtOnce = Math.max(mostAtOnce, ++running)
    await new Promise(resolve => setImmediate(resolve))
    running--
    return answer(command, args)
  }
}))
const { openPrivateApt, privateOptions, qualifiedNames } = await import('../../src/install/libraries/private-apt.js')

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
    const others = settings.filter(s => s !== 'APT::Cmd::Pattern-Only=true')
    expect(others.join(' ')).not.toMatch(/=true|=1\b|trusted|Check-Signature/i)
  })

  test('names are only names: apt is told not to take one no package has as a pattern', () => {
    expect(settings).toContain('APT::Cmd::Pattern-Only=true')
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

describe("reading apt's words for exact names and file: archives", () => {
  test.each([
    ["Note, selecting 'zlib1g-dev' for regex 'zlib1g.dev'", ['zlib1g.dev']],
    ["Note, selecting 'libfoo-dev:i386' for glob 'libfoo.dev:i386'", ['libfoo.dev']],
    ["Note, selecting 'mawk' instead of 'awk'", []],
    ['Inst zlib1g-dev (1:1.2.13.dfsg-1+deb12u1 Debian-Security:12/oldstable-security [amd64])', []]
  ])('patternNames(%j) is %j', (output, names) => {
    expect(patternNames(output)).toEqual(names)
  })

  const pkg = (id: string): ResolvedPackage => {
    const [, name, arch, version] = /^(.+):(.+)=(.+)$/.exec(id) ?? []
    return { name, arch, version }
  }
  test.each([
    [['zlib1g.dev'], ['amd64'], ['zlib1g-dev:amd64=1:1.2.13.dfsg-1'], ['zlib1g.dev']],
    [['libstdc++6', 'libgtk2.0-0'], ['amd64'], ['libstdc++6:amd64=12.2.0-14', 'libgtk2.0-0:amd64=2.24.33-2'], []],
    [['libstdc++6'], ['amd64', 'i386'], ['libstdc++6:amd64=12.2.0-14'], ['libstdc++6']],
    [['python3.11-doc'], ['amd64', 'i386'], ['python3.11-doc:all=3.11.2-6'], []],
    [['awk'], ['amd64'], ['mawk:amd64=1.3.4'], []]
  ])('notResolvedByName(%j, %j, %j) is %j', (names, arches, ids, unsure) => {
    expect(notResolvedByName(names, arches, ids.map(pkg))).toEqual(unsure)
  })

  test('namesWithCandidate: the names apt-cache policy shows a candidate for, by the name it shows', () => {
    const policy = [
      'libc6:',
      '  Installed: 2.36-9+deb12u14',
      '  Candidate: 2.36-9+deb12u14',
      '  Version table:',
      ' *** 2.36-9+deb12u14 500',
      '        500 http://deb.debian.org/debian bookworm/main amd64 Packages',
      'libstdc++6:i386:',
      '  Installed: (none)',
      '  Candidate: 12.2.0-14+deb12u1',
      '  Version table:',
      'zlib1g-dev:',
      '  Installed: 1:1.2.13.dfsg-1',
      '  Candidate: 1:1.2.13.dfsg-1+deb12u1',
      'awk:',
      '  Installed: (none)',
      '  Candidate: (none)',
      '  Version table:'
    ].join('\n')
    expect([...namesWithCandidate(policy)]).toEqual(['libc6', 'libstdc++6', 'zlib1g-dev'])
  })

  const hex = '99de052172986373ee8489feb360fc94aaccf800758884546236a90e70e8c12c'
  test.each([
    [
      `'http://deb.debian.org/debian-security/pool/updates/main/z/zlib/zlib1g-dev_1.2.13.dfsg-1%2bdeb12u1_amd64.deb' zlib1g-dev_1%3a1.2.13.dfsg-1+deb12u1_amd64.deb 916496 SHA256:${hex}`,
      [
        {
          uri: 'http://deb.debian.org/debian-security/pool/updates/main/z/zlib/zlib1g-dev_1.2.13.dfsg-1%2bdeb12u1_amd64.deb',
          file: 'zlib1g-dev_1%3a1.2.13.dfsg-1+deb12u1_amd64.deb',
          size: 916496,
          sha256: hex
        }
      ]
    ],
    [
      `'file:/srv/mirror/pool/libtest%2bx1.0_1.0-1%2bb1_amd64.deb' libtest+x1.0_2%3a1.0-1+b1_amd64.deb 656 SHA256:${hex.toUpperCase()}`,
      [
        {
          uri: 'file:/srv/mirror/pool/libtest%2bx1.0_1.0-1%2bb1_amd64.deb',
          file: 'libtest+x1.0_2%3a1.0-1+b1_amd64.deb',
          size: 656,
          sha256: hex
        }
      ]
    ],
    [
      "'file:/srv/mirror/pool/a_1_amd64.deb' a_1_amd64.deb 656 ",
      [{ uri: 'file:/srv/mirror/pool/a_1_amd64.deb', file: 'a_1_amd64.deb', size: 656 }]
    ],
    [
      `'file:/srv/mirror/pool/a_1_amd64.deb' a_1_amd64.deb 656 MD5Sum:1786e234d8245882ccac5a8defa5ff5f`,
      [{ uri: 'file:/srv/mirror/pool/a_1_amd64.deb', file: 'a_1_amd64.deb', size: 656 }]
    ],
    ['Need to get 0 B/656 B of archives.', []]
  ])('parsePrintUris(%j)', (output, uris) => {
    expect(parsePrintUris(output)).toEqual(uris)
  })
})

const debian: Distribution = { id: 'debian', family: 'debian', release: '12', codename: 'bookworm', name: 'Debian 12' }
const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '' })
/** The package names an apt-get command line asks for. */
const asked = (args: string[]) => args.slice(args.indexOf('--no-install-recommends') + 1)

let temp: string
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'libraries-apt-'))
  calls.length = 0
  running = 0
  mostAtOnce = 0
})
afterEach(() => rm(temp, { recursive: true, force: true }))

async function withApt<T>(arches: string[], work: (apt: Awaited<ReturnType<typeof openPrivateApt>>) => Promise<T>): Promise<T> {
  const apt = await openPrivateApt({ tempDir: temp, sources: '', arches, distribution: debian })
  try {
    return await work(apt)
  } finally {
    await apt.remove()
  }
}

describe('resolving', () => {
  test('510 names apt has no package for: the machine is asked about them a hundred at a time, one apt-cache after another', async () => {
    const names = Array.from({ length: 510 }, (_, i) => `nosuch${i}`)
    const onMachine = new Set(['nosuch7', 'nosuch300'])
    answer = (command, args) => {
      if (command === 'apt-get')
        return {
          code: 100,
          stdout: '',
          stderr: asked(args)
            .map(n => `E: Unable to locate package ${n}`)
            .join('\n')
        }
      if (command === 'apt-cache')
        return ok(
          args
            .filter(a => onMachine.has(a))
            .map(n => `${n}:\n  Installed: (none)\n  Candidate: 1.0\n`)
            .join('')
        )
      return ok()
    }
    await expect(withApt(['amd64'], apt => apt.resolve(names))).rejects.toThrow(
      "input 'libraries': nosuch7, nosuch300 are not built for amd64 in Debian 12's archive (the machine's own lists have it); "
    )
    const lookups = calls.filter(c => c.command === 'apt-cache')
    expect(lookups).toHaveLength(6)
    expect(lookups.flatMap(c => c.args.filter(a => a.startsWith('nosuch')))).toEqual(names)
    expect(lookups.every(c => c.args.includes('APT::Cmd::Pattern-Only=true'))).toBe(true)
    expect(mostAtOnce).toBe(1)
  })

  test('a name apt took as a pattern (an apt that ignores Pattern-Only) is refused as no package', async () => {
    answer = (command, args) => {
      if (command !== 'apt-get') return ok()
      const inst = 'Inst zlib1g-dev (1:1.2.13.dfsg-1+deb12u1 Debian-Security:12/stable-security [amd64])'
      const note = args.includes('quiet=0') ? "Note, selecting 'zlib1g-dev' for regex 'zlib1g.dev'\n" : ''
      return ok(`${note}${inst}\n`)
    }
    await expect(withApt(['amd64'], apt => apt.resolve(['libc6', 'zlib1g.dev']))).rejects.toThrow(
      "input 'libraries': no package zlib1g.dev in Debian 12's archive for amd64; check the spelling"
    )
  })

  test('a virtual package with a dot in its name still resolves to its provider', async () => {
    answer = (command, args) => {
      if (command !== 'apt-get') return ok()
      const inst = 'Inst liballegro4-dev (2:4.4.3.1-4 Debian:12.12/stable [amd64])'
      const note = args.includes('quiet=0') ? "Note, selecting 'liballegro4-dev' instead of 'liballegro4.2-dev'\n" : ''
      return ok(`${note}${inst}\n`)
    }
    const packages = await withApt(['amd64'], apt => apt.resolve(['liballegro4.2-dev']))
    expect(packages.map(packageId)).toEqual(['liballegro4-dev:amd64=2:4.4.3.1-4'])
  })
})

describe('downloading from a file: archive (apt leaves its packages where they lie)', () => {
  const wanted: ResolvedPackage = { name: 'libtest+x1.0', arch: 'amd64', version: '2:1.0-1+b1' }
  const deb = Buffer.from('!<arch>\ndebian-binary   a package\n')
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

  /** The pool file (`content`, or a link to it) and an apt that names it with the signed index's size and `hash` of `deb`. */
  async function archive(content: Buffer, hash: string, link = false): Promise<void> {
    const pool = join(temp, 'mirror/pool')
    await mkdir(pool, { recursive: true })
    const path = join(pool, 'libtest+x1.0_1.0-1+b1_amd64.deb')
    await writeFile(link ? `${path}.real` : path, content)
    if (link) await symlink(`${path}.real`, path)
    const uri = `file:${path.replace(/\+/g, '%2b')}`
    answer = (command, args) =>
      command === 'apt-get' && args.includes('--print-uris')
        ? ok(`Need to get 0 B/${deb.length} B of archives.\n'${uri}' ${debFileName(wanted)} ${deb.length} ${hash}\n`)
        : ok()
  }

  test('the package is copied into the cache once its SHA256 matches the signed index', async () => {
    await archive(deb, `SHA256:${sha256(deb)}`)
    await withApt(['amd64'], async apt => {
      const paths = await apt.download([wanted])
      expect(paths).toEqual([join(apt.dir, 'cache/archives/libtest+x1.0_2%3a1.0-1+b1_amd64.deb')])
      expect(await readFile(paths[0])).toEqual(deb)
    })
    const listing = calls.find(c => c.args.includes('--print-uris'))
    expect(listing?.args).toEqual(expect.arrayContaining(['Acquire::ForceHash=SHA256', packageId(wanted)]))
  })

  test.each([
    ['a changed file', Buffer.from('!<arch>\ndebian-binary   A PACKAGE\n'), false, /does not match the archive's signed index/],
    ['a link', deb, true, /libtest\+x1\.0_1\.0-1\+b1_amd64\.deb in the file: archive is a link; /],
    ['a longer file', Buffer.concat([deb, deb]), false, /bytes; the archive's signed index says /]
  ])('%s is refused, and nothing is left in the cache', async (_, content, link, message) => {
    await archive(content, `SHA256:${sha256(deb)}`, link)
    await withApt(['amd64'], async apt => {
      await expect(apt.download([wanted])).rejects.toThrow(message)
      expect((await readdir(join(apt.dir, 'cache/archives'))).filter(f => f.endsWith('.deb'))).toEqual([])
    })
  })

  test('a package the index gives no SHA256 for is refused', async () => {
    await archive(deb, '')
    await withApt(['amd64'], async apt => {
      await expect(apt.download([wanted])).rejects.toThrow(
        /^input 'libraries': the archive's index gives no SHA256 for libtest\+x1\.0_2%3a1\.0-1\+b1_amd64\.deb/
      )
    })
  })

  test('a package apt did not store and does not name in a file: archive is still an error', async () => {
    const line = `'http://deb.example/pool/a.deb' ${debFileName(wanted)} ${deb.length} SHA256:${sha256(deb)}\n`
    answer = (_, args) => (args.includes('--print-uris') ? ok(line) : ok())
    await withApt(['amd64'], async apt => {
      await expect(apt.download([wanted])).rejects.toThrow(`apt-get reported success but did not store ${debFileName(wanted)}`)
    })
  })
})
