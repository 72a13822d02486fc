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
import { createHash } from 'node:crypto'
import { copyFileSync, lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runProgram } from '../../src/kernel/process.js'
import { privateSources } from '../../src/install/libraries/archive.js'
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
