/**
 * `libraries` through the whole action on the real kernel (issue 14, the mirror direction): with
 * platforms arm64 and libraries naming what Debian's arm64 `ls` needs, the main step registers
 * qemu-aarch64, makes a sysroot of the machine's Debian archive in root's sysroot store, exports
 * QEMU_LD_PREFIX through GITHUB_ENV and sets the output `sysroot` to the same folder. The `ls` is
 * unpacked by the test outside the sysroot, as a user's own program would be, and started by the
 * kernel through the entry. Before: the missing-loader failure; after post: no entry, the cached
 * sysroot kept; a second job: a cache hit. Bad input: one ::error:: line, nothing changed (or, for
 * a package the archive lacks, what was registered undone by post and nothing half-made in the cache).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { privateSources } from '../../src/install/libraries/foreign-sources.js'
import { distributionOf, parseOsRelease } from '../../src/install/libraries/distribution.js'
import { SYSROOT_CACHE_FOLDER } from '../../src/install/libraries/index.js'
import { openPrivateApt } from '../../src/install/libraries/private-apt.js'
import { readAptSources } from '../../src/install/libraries/sources.js'
import { runProgram } from '../../src/kernel/process.js'
import { rootOnlyProblem } from '../../src/kernel/root-files.js'
import { parseFileCommands } from '../../scripts/local-run.mjs'
import { ACTION_NODE, removeEntries, ROOT, runStepAsync, tableText, workdir, type StepResult } from '../helpers/action.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const QEMU = '/usr/bin/qemu-aarch64-static'
/** What Debian's arm64 ls needs besides the C runtime. */
const LIBRARIES = 'base, libselinux1, libpcre2-8-0'
const MISSING_LOADER = "Could not open '/lib/ld-linux-aarch64.so.1'"
const REQUIREMENTS = [root, command(QEMU), command('/usr/bin/apt-get'), command('/usr/bin/dpkg-deb'), command('/usr/bin/setpriv')]

/** The step process local-run started (its child). */
function childOf(pid: number): number | undefined {
  for (const name of readdirSync('/proc').filter(n => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(name)
    } catch {
      // gone meanwhile
    }
  }
  return undefined
}

const inputArgs = (libraries: string) => ['--input', 'platforms=arm64', '--input', `libraries=${libraries}`, '--input', 'verify=probe']

describeWhen(REQUIREMENTS, 'libraries through the action: a sysroot for arm64 exported as QEMU_LD_PREFIX', () => {
  let suite: string
  let ls: string
  let listed: string
  let initial: Record<string, string>
  let dir: string
  let githubEnv: string

  /** The runner's folders for a job: its own work folder and GITHUB_ENV file, the tool cache shared by every job. */
  const jobEnv = (over: Record<string, string> = {}) => ({
    GITHUB_ENV: githubEnv,
    RUNNER_TOOL_CACHE: join(suite, 'tool-cache'),
    // root's stores (interpreters, and sysroots beside them) in the suite's own folder
    SETUP_X86_ON_ARM_INTERPRETER_STORE: join(suite, 'state/interpreters'),
    ...over
  })
  const main = (inputs: Record<string, string>, over?: Record<string, string>) => runStepAsync('main', dir, inputs, jobEnv(over))
  const post = () => runStepAsync('post', dir, {}, jobEnv())
  const exported = () => parseFileCommands(readFileSync(githubEnv, 'utf8'))
  const errors = (step: StepResult) => step.stdout.split('\n').filter(line => line.startsWith('::error::'))
  /** Root keeps sysroots in its store beside the interpreter store, never in the tool cache. */
  const store = () => join(suite, 'state/sysroots')
  const cached = () => (existsSync(store()) ? readdirSync(store()).sort() : [])
  /** The arm64 ls, started by the kernel through the binfmt_misc entry (no QEMU on the command line). */
  const runLs = (prefix?: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.QEMU_LD_PREFIX
    if (prefix) env.QEMU_LD_PREFIX = prefix
    const result = spawnSync(ls, [listed], { encoding: 'utf8', env })
    return {
      code: result.status,
      stdout: result.stdout ?? '',
      stderr: result.stderr ?? '',
      error: (result.error as NodeJS.ErrnoException)?.code
    }
  }

  beforeAll(async () => {
    initial = tableText()
    expect(Object.keys(initial).filter(name => /aarch64/.test(name))).toEqual([])
    suite = workdir()
    // apt fetches as _apt, which must reach the private state under the job folders.
    chmodSync(suite, 0o755)
    mkdirSync(join(suite, 'tool-cache'))
    listed = join(suite, 'listed')
    mkdirSync(listed)
    writeFileSync(join(listed, 'alpha.txt'), 'a')
    writeFileSync(join(listed, 'beta.txt'), 'b')
    // The user's program: Debian's arm64 ls from the coreutils package, outside any sysroot.
    const programs = join(suite, 'programs')
    const distribution = distributionOf(parseOsRelease(readFileSync('/etc/os-release', 'utf8')))
    if (!distribution) throw new Error('this machine is not Debian')
    mkdirSync(join(suite, 'apt'))
    const sources = privateSources(await readAptSources(), distribution, ['arm64'])
    const apt = await openPrivateApt({ tempDir: join(suite, 'apt'), sources, arches: ['arm64'], distribution })
    try {
      await apt.update()
      const coreutils = (await apt.resolve(['coreutils'])).filter(p => p.name === 'coreutils')
      for (const deb of await apt.download(coreutils)) {
        const result = await runProgram('dpkg-deb', ['-x', deb, programs])
        if (result.code !== 0) throw new Error(result.stderr)
      }
    } finally {
      await apt.remove()
    }
    ls = join(programs, 'bin/ls')
  }, 300_000)

  beforeEach(() => {
    dir = workdir()
    chmodSync(dir, 0o755)
    githubEnv = join(dir, 'github-env')
    writeFileSync(githubEnv, '')
  })

  afterEach(() => {
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    rmSync(dir, { recursive: true, force: true })
  })

  afterAll(() => {
    if (suite) rmSync(suite, { recursive: true, force: true })
  })

  test('main makes the sysroot and exports it; ls lists a folder with it and fails for its loader without it; post removes the entry', async () => {
    // Before: no entry, so the kernel cannot start the program at all.
    expect(runLs().stdout).not.toContain('alpha.txt')

    const first = await main({ platforms: 'arm64', libraries: LIBRARIES, verify: 'probe' })
    expect(errors(first)).toEqual([])
    expect(first.code).toBe(0)
    const sysroot = first.outputs.sysroot
    expect(sysroot.startsWith(join(store(), 'debian-'))).toBe(true)
    expect(existsSync(join(suite, 'tool-cache', SYSROOT_CACHE_FOLDER))).toBe(false)
    expect(exported()).toEqual({ QEMU_LD_PREFIX: sysroot })

    // The entry alone runs the program's QEMU, which cannot find the arm64 loader on this machine.
    const without = runLs()
    expect(without.code).not.toBe(0)
    expect(without.stderr).toContain(MISSING_LOADER)
    // With the variable the step exported, as the job's later steps get it.
    expect(runLs(exported().QEMU_LD_PREFIX)).toMatchObject({ code: 0, stdout: 'alpha.txt\nbeta.txt\n' })

    expect((await post()).code).toBe(0)
    expect(tableText()).toEqual(initial)
    expect(runLs(sysroot).stdout).not.toContain('alpha.txt')
    // The cached sysroot stays for the next job.
    expect(existsSync(join(sysroot, 'lib/ld-linux-aarch64.so.1'))).toBe(true)
  }, 600_000)

  test('another user who can write the runner temp folder and the tool cache steers nothing (private apt, sysroot, warm path)', async () => {
    // Both shared as on a self-hosted machine whose _temp and tool cache every runner service writes.
    const shared = join(dir, 'shared')
    for (const folder of ['temp', 'tool-cache']) {
      mkdirSync(join(shared, folder), { recursive: true })
      chmodSync(join(shared, folder), 0o777)
    }
    chmodSync(shared, 0o755)
    const spy = join(dir, 'spy')
    mkdirSync(spy)
    chmodSync(spy, 0o777)
    // nobody watches both folders all through the step, plants an apt hook in any apt folder it sees
    // there, and swaps any sysroot work folder it sees for a link to a folder of its own.
    const watch = [
      `while [ ! -e ${spy}/stop ]; do`,
      `  ls -a ${shared}/temp ${shared}/tool-cache ${shared}/tool-cache/* >> ${spy}/seen 2>/dev/null`,
      `  for a in ${shared}/temp/setup-x86-on-arm-apt-*; do [ -d "$a" ] && mkdir -p "$a/apt.conf.d" &&`,
      `    echo 'APT::Update::Pre-Invoke {"touch ${spy}/hook-ran";};' > "$a/apt.conf.d/99spy"; done 2>/dev/null`,
      `  for w in ${shared}/tool-cache/*/.tmp-*; do [ -d "$w" ] && mv "$w" "$w.gone" && mkdir -p ${spy}/mine && ln -s ${spy}/mine "$w"; done 2>/dev/null`,
      '  sleep 0.02',
      'done'
    ].join('\n')
    const watcher = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', watch], { stdio: 'ignore' })
    try {
      // A package set no earlier test made: the private apt and the store's work folder run for real.
      const step = await main(
        { platforms: 'arm64', libraries: `${LIBRARIES}, libacl1`, verify: 'probe' },
        { RUNNER_TEMP: join(shared, 'temp'), RUNNER_TOOL_CACHE: join(shared, 'tool-cache') }
      )
      expect(errors(step)).toEqual([])
      expect(step.code).toBe(0)
      const sysroot = step.outputs.sysroot
      // The sysroot is in root's store, root's alone; nothing of the run was in the shared folders.
      expect(sysroot.startsWith(join(store(), 'debian-'))).toBe(true)
      expect(await rootOnlyProblem(sysroot, 'directory')).toBeUndefined()
      const libc = join(sysroot, 'usr/lib/aarch64-linux-gnu/libc.so.6')
      const write = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', `echo x >> ${libc}`])
      expect(write.status).not.toBe(0)
      expect(readdirSync(join(shared, 'temp'))).toEqual([])
      expect(readdirSync(join(shared, 'tool-cache'))).toEqual([])
      writeFileSync(join(spy, 'stop'), '')
      await new Promise(resolve => watcher.once('exit', resolve))
      const seen = readFileSync(join(spy, 'seen'), 'utf8')
      expect(seen).not.toMatch(/setup-x86-on-arm-apt-|\.tmp-|setup-x86-on-arm-sysroot/)
      expect(existsSync(join(spy, 'hook-ran'))).toBe(false)
      expect(existsSync(join(spy, 'mine'))).toBe(false)
      expect(runLs(sysroot)).toMatchObject({ code: 0, stdout: 'alpha.txt\nbeta.txt\n' })
    } finally {
      writeFileSync(join(spy, 'stop'), '')
      watcher.kill()
    }
    expect((await post()).code).toBe(0)
    expect(tableText()).toEqual(initial)
  }, 600_000)

  test('SIGTERM while the sysroot is made: apt and dpkg-deb end, their folders go, nothing half-made is left', async () => {
    // A package set no earlier test made, so the store has to build it.
    const job = spawn(ACTION_NODE, [join(ROOT, 'scripts/local-run.mjs'), 'main', '--workdir', dir, ...inputArgs('base, libattr1')], {
      env: { ...process.env, ...jobEnv() },
      stdio: 'ignore'
    })
    const exited = new Promise<number | null>(resolve => job.once('exit', code => resolve(code)))
    const working = () => cached().filter(name => name.startsWith('.tmp-'))
    let step: number | undefined
    for (let i = 0; i < 12_000 && !step; i++) {
      await new Promise(resolve => setTimeout(resolve, 20))
      if (working().length) step = childOf(job.pid ?? 0)
    }
    expect(step).toBeDefined()
    process.kill(step as number, 'SIGTERM')
    expect(await exited).toBe(143)
    expect(working()).toEqual([])
    expect(readdirSync(join(dir, 'temp')).filter(name => name.startsWith('setup-x86-on-arm-'))).toEqual([])
    expect(spawnSync('pgrep', ['-f', `${dir}|setup-x86-on-arm-apt-`]).stdout.toString()).toBe('')
    expect((await post()).code).toBe(0)
    expect(tableText()).toEqual(initial)
  }, 600_000)

  test('a second job reuses the cached sysroot', async () => {
    const first = await main({ platforms: 'arm64', libraries: LIBRARIES, verify: 'probe' })
    expect(first.code).toBe(0)
    await post()
    const entries = cached()
    writeFileSync(githubEnv, '')

    const second = await main({ platforms: 'arm64', libraries: LIBRARIES, verify: 'probe' })
    expect(second.code).toBe(0)
    expect(second.outputs.sysroot).toBe(first.outputs.sysroot)
    expect(exported()).toEqual({ QEMU_LD_PREFIX: first.outputs.sysroot })
    expect(second.stdout).toContain(`libraries: reusing ${first.outputs.sysroot}`)
    expect(second.stdout).toMatch(/\(cached\)/)
    expect(cached()).toEqual(entries)
    expect(runLs(second.outputs.sysroot)).toMatchObject({ code: 0, stdout: 'alpha.txt\nbeta.txt\n' })
    await post()
    expect(tableText()).toEqual(initial)
  }, 600_000)

  test('a bad package name fails with one ::error:: line naming libraries, and changes nothing', async () => {
    const before = cached()
    const step = await main({ platforms: 'arm64', libraries: 'base, Foo_Bar', verify: 'probe' })
    expect(step.code).toBe(1)
    expect(errors(step)).toEqual([expect.stringMatching(/^::error::input 'libraries': "Foo_Bar" is not a package name; /)])
    expect(tableText()).toEqual(initial)
    expect(readFileSync(githubEnv, 'utf8')).toBe('')
    expect(cached()).toEqual(before)
    expect((await post()).code).toBe(0)
    expect(tableText()).toEqual(initial)
  }, 120_000)

  test('a package the archive does not have: one ::error:: line; post undoes the registration; nothing half-made in the cache', async () => {
    const before = cached()
    const step = await main({ platforms: 'arm64', libraries: 'base, nosuchpackage-xyz', verify: 'probe' })
    expect(step.code).toBe(1)
    expect(errors(step)).toEqual([
      expect.stringMatching(/^::error::input 'libraries': no package nosuchpackage-xyz in .*archive for arm64; /)
    ])
    expect(readFileSync(githubEnv, 'utf8')).toBe('')
    expect(cached()).toEqual(before)
    expect((await post()).code).toBe(0)
    expect(tableText()).toEqual(initial)
  }, 600_000)

  test('QEMU_LD_PREFIX already set in the job: one ::error:: line, nothing changed', async () => {
    const step = await main({ platforms: 'arm64', libraries: LIBRARIES, verify: 'probe' }, { QEMU_LD_PREFIX: '/opt/arm64-root' })
    expect(step.code).toBe(1)
    expect(errors(step)).toEqual([
      '::error::input \'libraries\': the job already sets QEMU_LD_PREFIX ("/opt/arm64-root"), and two prefixes cannot both apply; ' +
        'unset QEMU_LD_PREFIX in the job, or leave libraries empty'
    ])
    expect(tableText()).toEqual(initial)
    expect(readFileSync(githubEnv, 'utf8')).toBe('')
  }, 120_000)
})
