/**
 * libraries: a sysroot made for real from this machine's Debian archive for arm64 (the mirror
 * direction of the mission), used by Debian's own arm64 `ls` and `python3.11` through
 * qemu-aarch64-static started directly with -L or QEMU_LD_PREFIX (no binfmt_misc entry is made
 * or needed). The programs are unpacked from their packages outside the sysroot, as a user's own
 * programs would be. The machine's dpkg database, /etc/apt and foreign architectures must be
 * unchanged afterwards, a warm run must reuse the cache, and each bad input must fail in one
 * line naming it, leaving nothing half-made in the cache.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runProgram } from '../../src/kernel/process.js'
import { privateSources } from '../../src/install/libraries/foreign-sources.js'
import { distributionOf, parseOsRelease } from '../../src/install/libraries/distribution.js'
import { checkSysroot, makeSysroot, parseLibraries, SYSROOT_CACHE_FOLDER, type SysrootRequest } from '../../src/install/libraries/index.js'
import { openPrivateApt } from '../../src/install/libraries/private-apt.js'
import { readAptSources } from '../../src/install/libraries/sources.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const QEMU = '/usr/bin/qemu-aarch64-static'
/** What Debian's arm64 ls and python3.11 (with hashlib, json and threads) need at run time. */
const PACKAGES = parseLibraries('base, libselinux1, libpcre2-8-0, python3.11-minimal, libpython3.11-stdlib')
/** _hashlib (OpenSSL's hashes) and _json are arm64 extension modules: only the sysroot has them. */
const SCRIPT = [
  'import _hashlib, _json, hashlib, json, platform, threading',
  'results = []',
  'def work(n): results.append(_hashlib.openssl_sha256(str(n).encode()).hexdigest()[:8])',
  'threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]',
  '[t.start() for t in threads]; [t.join() for t in threads]',
  "print(json.dumps({'machine': platform.machine(), 'digests': sorted(results), 'sha1': hashlib.sha1(b'abc').hexdigest()[:8]}))"
].join('\n')
const DIGESTS = [0, 1, 2, 3].map(n => createHash('sha256').update(String(n)).digest('hex').slice(0, 8)).sort()

/** Every file under a folder: path -> type, mode and content digest (or link target). */
function snapshot(dir: string, into: Record<string, string> = {}, prefix = ''): Record<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    const info = lstatSync(path)
    const key = `${prefix}${name}`
    if (info.isSymbolicLink()) into[key] = `link ${readlinkSync(path)}`
    else if (info.isDirectory()) snapshot(path, into, `${key}/`)
    else into[key] = `${info.mode.toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`
  }
  return into
}

function machineState(): { status: string; etcApt: Record<string, string> } {
  return { status: createHash('sha256').update(readFileSync('/var/lib/dpkg/status')).digest('hex'), etcApt: snapshot('/etc/apt') }
}

async function foreignArchitectures(): Promise<string> {
  return (await runProgram('dpkg', ['--print-foreign-architectures'])).stdout
}

const REQUIREMENTS = [root, command('/usr/bin/apt-get'), command('/usr/bin/dpkg-deb'), command(QEMU)]

describeWhen(REQUIREMENTS, 'libraries: a sysroot for arm64 from the Debian archive', () => {
  let work: string
  let programs: string
  let machineSources: string
  const timings: string[] = []
  const before = { state: { status: '', etcApt: {} } as ReturnType<typeof machineState>, foreign: '' }
  const request = (over: Partial<SysrootRequest> = {}): SysrootRequest => ({
    targets: ['aarch64'],
    packages: PACKAGES,
    cacheDir: join(work, 'toolcache', SYSROOT_CACHE_FOLDER),
    tempDir: join(work, 'temp'),
    log: message => timings.push(`  ${message}`),
    ...over
  })
  const timed = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    const result = await run()
    timings.push(`${what}: ${((performance.now() - started) / 1000).toFixed(2)} s`)
    return result
  }
  const cacheEntries = () => readdirSync(join(work, 'toolcache', SYSROOT_CACHE_FOLDER)).sort()

  beforeAll(async () => {
    before.state = machineState()
    before.foreign = await foreignArchitectures()
    work = await mkdtemp(join(tmpdir(), 'libraries-'))
    // apt fetches as _apt, which must reach the test's keyrings and folders.
    await chmod(work, 0o755)
    await mkdir(join(work, 'temp'))
    await mkdir(join(work, 'empty'))
    // The user's programs: Debian's arm64 ls and python3.11, from their packages, outside any sysroot.
    programs = join(work, 'programs')
    const distribution = distributionOf(parseOsRelease(readFileSync('/etc/os-release', 'utf8')))
    if (!distribution) throw new Error('this machine is not Debian')
    machineSources = privateSources(await readAptSources(), distribution, ['arm64'])
    const apt = await openPrivateApt({ tempDir: join(work, 'temp'), sources: machineSources, arches: ['arm64'], distribution })
    try {
      await apt.update()
      const names = ['coreutils', 'python3.11-minimal']
      const wanted = (await apt.resolve(names)).filter(p => names.includes(p.name))
      for (const deb of await apt.download(wanted)) {
        const result = await runProgram('dpkg-deb', ['-x', deb, programs])
        if (result.code !== 0) throw new Error(result.stderr)
      }
    } finally {
      await apt.remove()
    }
  }, 300_000)

  afterAll(async () => {
    if (timings.length) console.log(`libraries timings on this machine:\n${timings.join('\n')}`)
    if (work) await rm(work, { recursive: true, force: true })
  })

  const ls = () => join(programs, 'bin/ls')
  const python = () => join(programs, 'usr/bin/python3.11')

  test('before: arm64 ls cannot start for want of its loader, and an empty folder is no sysroot', async () => {
    const result = await runProgram(QEMU, [ls(), '/'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain("Could not open '/lib/ld-linux-aarch64.so.1'")
    await expect(checkSysroot(join(work, 'empty'), ['aarch64'])).rejects.toThrow(
      /^input 'sysroot': \S+empty holds no dynamic loader for aarch64: lib\/ld-linux-aarch64.so.1 is missing \(no lib\); give a root/
    )
  })

  test('cold: resolves, downloads and unpacks the packages into a cached sysroot', async () => {
    const made = await timed('ls + python3.11 set, cold', () => makeSysroot(request()))
    expect(made.cacheHit).toBe(false)
    expect(made.path.startsWith(join(work, 'toolcache', SYSROOT_CACHE_FOLDER, 'debian-12-arm64-'))).toBe(true)
    expect(made.packages).toEqual(
      expect.arrayContaining([expect.stringMatching(/^libc6:arm64=2\./), expect.stringMatching(/^libpython3\.11-stdlib:arm64=/)])
    )
    await checkSysroot(made.path, ['aarch64'])
    // Only what a loader needs: no etc/, no documentation; the merged-/usr links are there.
    expect(readdirSync(made.path).sort()).toEqual(['lib', 'usr'])
    expect(readdirSync(join(made.path, 'usr'))).toEqual(['lib'])
    expect(readlinkSync(join(made.path, 'lib'))).toBe('usr/lib')
    // The private apt state is gone again.
    expect(readdirSync(join(work, 'temp'))).toEqual([])
  }, 600_000)

  test('arm64 ls lists a folder with -L and with QEMU_LD_PREFIX', async () => {
    const sysroot = (await makeSysroot(request())).path
    const folder = join(work, 'listed')
    await mkdir(folder)
    writeFileSync(join(folder, 'alpha.txt'), 'a')
    writeFileSync(join(folder, 'beta.txt'), 'b')
    const withL = await runProgram(QEMU, ['-L', sysroot, ls(), folder])
    expect(withL).toMatchObject({ code: 0, stdout: 'alpha.txt\nbeta.txt\n' })
    const withEnv = await runProgram(QEMU, [ls(), folder], { env: { ...process.env, QEMU_LD_PREFIX: sysroot } })
    expect(withEnv).toMatchObject({ code: 0, stdout: 'alpha.txt\nbeta.txt\n' })
  })

  test('arm64 python3.11 runs a script with hashlib, json and threads, with -L and with QEMU_LD_PREFIX', async () => {
    const sysroot = (await makeSysroot(request())).path
    const script = join(work, 'script.py')
    writeFileSync(script, SCRIPT)
    const expected = { machine: 'aarch64', digests: DIGESTS, sha1: createHash('sha1').update('abc').digest('hex').slice(0, 8) }
    const withL = await runProgram(QEMU, ['-L', sysroot, python(), script])
    expect(withL).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(withL.stdout)).toEqual(expected)
    const withEnv = await runProgram(QEMU, [python(), script], { env: { ...process.env, QEMU_LD_PREFIX: sysroot } })
    expect(withEnv).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(withEnv.stdout)).toEqual(expected)
  }, 120_000)

  test('warm: a second run reuses the cached sysroot; resolving again finds the same versions in the cache', async () => {
    const first = await makeSysroot(request())
    const warm = await timed('ls + python3.11 set, warm', () => makeSysroot(request()))
    expect(warm).toEqual({ ...first, cacheHit: true })
    const resolvedAgain = await timed('ls + python3.11 set, resolved again (lists fetched, no download)', () =>
      makeSysroot(request({ reuseForMs: 0 }))
    )
    expect(resolvedAgain).toEqual({ ...first, cacheHit: true })
  }, 300_000)

  test('base alone: cold, then warm', async () => {
    const cacheDir = join(work, 'base-cache')
    const cold = await timed('base, cold', () => makeSysroot(request({ packages: parseLibraries('base'), cacheDir })))
    expect(cold.cacheHit).toBe(false)
    const names = cold.packages.map(p => p.replace(/=.*/, ''))
    expect(names).toEqual(expect.arrayContaining(['libc6:arm64', 'libgcc-s1:arm64', 'libstdc++6:arm64', 'zlib1g:arm64']))
    const warm = await timed('base, warm', () => makeSysroot(request({ packages: parseLibraries('base'), cacheDir })))
    expect(warm).toEqual({ ...cold, cacheHit: true })
  }, 300_000)

  test('a file:// mirror of the archive serves the same packages; a changed package file there is refused', async () => {
    // The mirror: the archive's own signed indexes and the pool files of `base`, laid out as the archive is.
    const mirror = join(work, 'file-mirror')
    const distribution = distributionOf(parseOsRelease(readFileSync('/etc/os-release', 'utf8')))
    if (!distribution) throw new Error('this machine is not Debian')
    const apt = await openPrivateApt({ tempDir: join(work, 'temp'), sources: machineSources, arches: ['arm64'], distribution })
    let expected: string[]
    const pool: string[] = []
    try {
      await apt.update()
      const resolved = await apt.resolve(parseLibraries('base'))
      expected = resolved.map(p => `${p.name}:${p.arch}=${p.version}`).sort()
      const debs = await apt.download(resolved)
      const lists = join(apt.dir, 'state/lists')
      // Each suite's address, as the machine's sources give it.
      const archiveUris = new Map<string, string>()
      for (const stanza of machineSources.split('\n\n')) {
        const uri = /^URIs: (\S+)$/m.exec(stanza)?.[1]
        for (const suite of /^Suites: (.+)$/m.exec(stanza)?.[1].split(' ') ?? []) if (uri) archiveUris.set(suite, uri.replace(/\/+$/, ''))
      }
      const packagesText: string[] = []
      for (const name of readdirSync(lists)) {
        const at = /^(.+)_dists_([^_]+)_(.+)$/.exec(name)
        if (!at) continue
        // debian and debian-security become two archives under one folder
        const archive = at[1].endsWith('-security') ? 'security' : 'main'
        // apt may keep its lists compressed (.lz4, .gz): the archive's uncompressed file, which the Release lists
        const file = at[3].replace(/\.(lz4|gz|xz|zst)$/, '')
        const target = join(mirror, archive, 'dists', at[2], ...file.split('_'))
        await mkdir(join(target, '..'), { recursive: true })
        const text = spawnSync('/usr/lib/apt/apt-helper', ['cat-file', join(lists, name)], { maxBuffer: 512 * 1024 * 1024 }).stdout
        writeFileSync(target, text)
        if (file.endsWith('Packages')) {
          packagesText.push(text.toString('utf8'))
          // apt takes the compressed index the Release lists first: the archive's own Packages.xz, as signed.
          const inRelease = readFileSync(join(lists, name.replace(/_main_binary-.*$/, '_InRelease')), 'utf8')
          const path = `${file.split('_').join('/')}.xz`
          const sha256 = new RegExp(`^ ([0-9a-f]{64}) +\\d+ ${path}$`, 'm').exec(inRelease.slice(inRelease.indexOf('SHA256:')))?.[1]
          const uri = archiveUris.get(at[2])
          if (!sha256 || !uri) throw new Error(`no SHA256 or address for ${at[2]} ${path}`)
          const fetched = spawnSync('/usr/lib/apt/apt-helper', [
            'download-file',
            `${uri}/dists/${at[2]}/${path}`,
            `${target}.xz`,
            `SHA256:${sha256}`
          ])
          if (fetched.status !== 0) throw new Error(`apt-helper download-file: ${fetched.stderr}`)
          // apt asks by hash first where the Release says so
          await mkdir(join(target, '..', 'by-hash', 'SHA256'), { recursive: true })
          copyFileSync(`${target}.xz`, join(target, '..', 'by-hash', 'SHA256', sha256))
        }
      }
      for (const [i, p] of resolved.entries()) {
        const stanza = packagesText
          .flatMap(text => text.split('\n\n'))
          .find(st => st.includes(`Package: ${p.name}\n`) && st.includes(`\nVersion: ${p.version}\n`))
        const filename = /^Filename: (.+)$/m.exec(stanza ?? '')?.[1]
        if (!filename) throw new Error(`no Filename for ${p.name} ${p.version}`)
        for (const archive of ['main', 'security']) {
          await mkdir(join(mirror, archive, filename, '..'), { recursive: true })
          copyFileSync(debs[i], join(mirror, archive, filename))
        }
        pool.push(filename)
      }
    } finally {
      await apt.remove()
    }
    const fromMirror = (cacheDir: string) =>
      makeSysroot(
        request({
          packages: parseLibraries('base'),
          mirror: [`file://${mirror}/main`, `file://${mirror}/security`],
          cacheDir,
          reuseForMs: 0
        })
      )
    const made = await fromMirror(join(work, 'file-mirror-cache'))
    expect(made.packages).toEqual(expected)
    await checkSysroot(made.path, ['aarch64'])

    // One byte of libc6's file changed: refused against the signed index, nothing half-made.
    const libc = pool.find(path => /\/libc6_/.test(path)) as string
    for (const archive of ['main', 'security']) {
      const bytes = readFileSync(join(mirror, archive, libc))
      bytes[bytes.length - 1] ^= 0xff
      writeFileSync(join(mirror, archive, libc), bytes)
    }
    await expect(fromMirror(join(work, 'file-mirror-cache-2'))).rejects.toThrow(
      /^input 'libraries': (downloading the packages failed \(\S+libc6_\S+: Hash Sum mismatch\)|\S+libc6_\S+ does not match the archive's signed index)/
    )
    expect(readdirSync(join(work, 'file-mirror-cache-2')).filter(name => name !== 'requests')).toEqual([])
  }, 600_000)

  test('bad inputs fail in one line naming the input and leave nothing half-made in the cache', async () => {
    const cached = cacheEntries()
    const fails = (over: Partial<SysrootRequest>) => makeSysroot(request({ reuseForMs: 0, ...over }))
    expect(() => parseLibraries('libc6, Foo_Bar')).toThrow(/^input 'libraries': "Foo_Bar" is not a package name; use package names/)
    await expect(fails({ packages: ['nosuchpackage-xyz'] })).rejects.toThrow(
      /^input 'libraries': no package nosuchpackage-xyz in Debian GNU\/Linux 12 \(bookworm\)'s archive for arm64; check the spelling/
    )
    // libc6-i386 is the amd64 machine's 32-bit compatibility library: there is no arm64 build.
    const notForArm64 = /^input 'libraries': libc6-i386 is not built for arm64 in .*; leave it out/
    await expect(fails({ packages: ['libc6-i386'] })).rejects.toThrow(notForArm64)
    await expect(fails({ targets: ['loongarch64'], packages: ['libc6'] })).rejects.toThrow(
      /^input 'libraries': Debian GNU\/Linux 12 \(bookworm\)'s archive has no packages for loong64; leave that platform out/
    )
    // A name is a name, never a pattern: apt would take zlib1g.dev as a regular expression for zlib1g-dev.
    await expect(fails({ packages: ['libc6', 'zlib1g.dev'] })).rejects.toThrow(/^input 'libraries': no package zlib1g\.dev in /)
    // Many unknown names: one line naming them, from a few apt-cache runs (not one each).
    const unknown = Array.from({ length: 150 }, (_, i) => `nosuchpackage-${i}`)
    await expect(fails({ packages: unknown })).rejects.toThrow(
      /^input 'libraries': no package nosuchpackage-0, nosuchpackage-1, .*nosuchpackage-149 in /
    )
    await expect(fails({ mirror: ['http://127.0.0.1:9/debian'] })).rejects.toThrow(
      /^input 'libraries': the archive http:\/\/127\.0\.0\.1:9\/debian does not answer \(.*\); check the network/
    )

    // Sources naming a keyring that does not hold the archive's keys.
    const etc = join(work, 'apt-wrong-key')
    const wrongKeyring = join(work, 'debian-archive-wrong.gpg')
    await mkdir(join(etc, 'sources.list.d'), { recursive: true })
    copyFileSync('/usr/share/keyrings/debian-archive-removed-keys.gpg', wrongKeyring)
    writeFileSync(join(etc, 'sources.list.d/debian.sources'), machineSources.replace(/^Signed-By: .*$/gm, `Signed-By: ${wrongKeyring}`))
    await expect(fails({ aptEtc: etc })).rejects.toThrow(
      /^input 'libraries': the Release signature of \S+ \S+ does not verify \(.*NO_PUBKEY.*\); install the distribution's archive keyring/
    )

    const path = process.env.PATH
    process.env.PATH = join(work, 'empty')
    try {
      await expect(fails({})).rejects.toThrow(/^input 'libraries': this machine \(.*\) has no apt-get, which fetches the distribution's /)
    } finally {
      process.env.PATH = path
    }
    await expect(checkSysroot(join(work, 'nowhere'), ['aarch64'])).rejects.toThrow(/^input 'sysroot': \S+nowhere does not exist; /)
    expect(cacheEntries()).toEqual(cached)
    expect(readdirSync(join(work, 'temp'))).toEqual([])
  }, 300_000)

  test("the machine's dpkg database, /etc/apt and foreign architectures are unchanged", async () => {
    expect(machineState()).toEqual(before.state)
    expect(await foreignArchitectures()).toBe(before.foreign)
  })
})
