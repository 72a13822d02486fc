/**
 * The command line without the kernel: its arguments (parseArgs, strict; a bad one exits 2 with
 * one line), the folders it defaults to outside Actions, and install/uninstall/status on the fake
 * machine through the context factory runCli is given; the process's variables are set per test and
 * what it prints is read from spies on stdout and stderr.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Context, Environment } from '../../src/core/context.js'
import type { RestoreContext } from '../../src/core/restore.js'
import { parseCommandLine, runCli, USAGE } from '../../src/faces/cli.js'
import { actionAssetBase, actionPlaces, commandLinePlaces, commandLineToolCache, INTERPRETER_STORE } from '../../src/faces/environment.js'
import type { SysrootRequest } from '../../src/install/libraries/index.js'
import { register } from '../../src/kernel/binfmt.js'
import { entryFor, platformOf } from '../../src/kernel/platforms.js'
import { CLI_HOLDER } from '../../src/records/holder.js'
import { Journal } from '../../src/records/journal.js'
import { fixture, type Fixture } from '../helpers/core-fixture.js'
import { jobVariables, restoreVariables, setVariables } from '../helpers/variables.js'

const QEMU = '/fake/bin/qemu-riscv64-static'
let f: Fixture
let given: Environment | undefined
let out: string
let err: string

beforeEach(() => {
  f = fixture()
  given = undefined
  out = ''
  err = ''
  jobVariables({ SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir })
  jest.spyOn(process.stdout, 'write').mockImplementation(text => (out += String(text)).length > 0)
  // Node's own warnings (the VM modules jest runs on) are not the command line's.
  jest
    .spyOn(process.stderr, 'write')
    .mockImplementation(text => (err += String(text).replace(/^\((node:\d+|Use `node)[^\n]*\n/gm, '')).length >= 0)
})
afterEach(() => {
  jest.restoreAllMocks()
  restoreVariables()
  f.dispose()
})

/** The context factory: the fake machine's context, with the journal and places the command line chose. */
const contextFor = async (env: Environment): Promise<Context> => {
  given = env
  return {
    ...f.jobContext(env.holder),
    journal: new Journal(env.persistJournal),
    places: { toolCache: env.toolCache, tempDir: env.tempDir, assetBase: env.assetBase }
  }
}
/** Uninstall's part of a context: the fake machine's kernel and the ledger folder the command line chose. */
const restoreFor = async (ledgerDir: string): Promise<RestoreContext> => {
  const { ledger, privileged, binfmtDir } = f.jobContext(CLI_HOLDER)
  expect(ledgerDir).toBe(f.ledgerDir)
  return { ledger, privileged, binfmtDir }
}
const cli = (args: string[]) => runCli(args, contextFor, restoreFor)
/** Standard input holding `text`, for diagnose without a FILE. */
function stdin(text: string): void {
  jest.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from(text)]) as unknown as typeof process.stdin)
}

describe('arguments', () => {
  test('install options become the action inputs; --persist and --json are switches', () => {
    expect(
      parseCommandLine([
        'install',
        '--platforms',
        'arm64,386',
        '--install=download',
        '--persist',
        '--json',
        '--asset-base',
        'http://127.0.0.1:8080/me/x'
      ])
    ).toEqual({
      command: 'install',
      options: { platforms: 'arm64,386', install: 'download', persist: 'true', 'asset-base': 'http://127.0.0.1:8080/me/x' },
      json: true
    })
  })

  test('the last of a repeated option wins; no arguments is help', () => {
    expect(parseCommandLine(['install', '--flags', 'F', '--flags', 'PF']).options).toEqual({ flags: 'PF' })
    expect(parseCommandLine([])).toEqual({ command: 'help', options: {}, json: false })
    expect(parseCommandLine(['--help']).command).toBe('help')
  })

  test.each([
    [['frobnicate'], `error: input 'command': unknown command "frobnicate"; use install, uninstall, status or diagnose`],
    [['diagnose', '--x86-64-level', 'v3'], `error: input 'x86-64-level': "v3" is not an x86-64 level`],
    [['diagnose', '--qemu-version', 'latest'], `error: input 'qemu-version': "latest" is not a QEMU version`],
    [['diagnose', 'a.txt', 'b.txt'], `error: input 'arguments': diagnose reads one file, not 2`],
    [['diagnose', '/nonexistent/err.txt'], `error: input 'FILE': cannot read /nonexistent/err.txt: ENOENT`],
    [['install', '--platform', 'arm64'], `error: input 'arguments': unknown argument "--platform"; ${USAGE.split('\n')[0]}`],
    [['uninstall', '--persist'], `error: input 'arguments': unknown argument "--persist"`],
    [['status', '--json=yes'], `error: input 'arguments': unknown argument "--json=yes"`],
    [['install', '--x=1'], `error: input 'arguments': unknown argument "--x=1"`],
    [['status', 'now'], `error: input 'arguments': unknown argument "now"`],
    [['install', '--platforms'], `error: input 'platforms': needs a value; write --platforms VALUE`],
    [['install', '--verify', '--json'], `error: input 'verify': needs a value; write --verify VALUE`],
    [['install', '--platforms', 'sparc'], `error: input 'platforms': unknown platform "sparc"`],
    [['install', '--asset-base', 'ftp://example.invalid/x'], `error: input 'asset-base': "ftp://example.invalid/x" is not an http(s) URL`]
  ])('%j exits 2 with one line', async (args, message) => {
    expect(await cli(args)).toBe(2)
    expect(err.startsWith(message)).toBe(true)
    expect(err.trim()).not.toContain('\n')
    expect(given).toBeUndefined()
  })

  test('diagnose: a v4 program under the most QEMU emulates is told to build for v3; stdin works; nothing known exits 1', async () => {
    stdin('c/simd-checksum-v4: CPU ISA level is lower than required\n')
    expect(await cli(['diagnose', '--x86-64-level', 'x86-64-v3'])).toBe(0)
    expect(out).toMatch(
      /^c\/simd-checksum-v4: CPU ISA level is lower than required\n {2}likely cause: the program needs a higher x86-64 level than the emulated CPU has \(the emulated CPU offers x86-64-v3\): no QEMU release emulates AVX-512/
    )
    expect(out).toMatch(/what helps: build the program for x86-64-v3 or lower/)
    out = ''
    stdin('qemu: uncaught target signal 4 (Illegal instruction) - core dumped')
    expect(await cli(['diagnose', '--json'])).toBe(0)
    expect(JSON.parse(out).diagnoses.map((d: { id: string }) => d.id)).toEqual(['illegal-instruction'])
    out = ''
    stdin('all fine\n')
    expect(await cli(['diagnose'])).toBe(1)
    expect(out).toBe('no failure this tool knows of in the text\n')
    expect(given).toBeUndefined() // nothing set up, nothing read from the machine
  })

  test('help prints the usage and exits 0', async () => {
    expect(await cli(['help'])).toBe(0)
    expect(out).toBe(`${USAGE}\n`)
  })
})

describe('defaults outside Actions', () => {
  test.each([
    ['root', 0, {}, '/var/cache/setup-x86-on-arm'],
    ['a user with XDG_CACHE_HOME', 1000, { XDG_CACHE_HOME: '/home/u/.xdg-cache' }, '/home/u/.xdg-cache/setup-x86-on-arm'],
    ['a user without it', 1000, {}, '/home/u/.cache/setup-x86-on-arm']
  ])('the tool cache of %s', (_who, uid, env, dir) => {
    expect(commandLineToolCache(uid, env, '/home/u')).toBe(dir)
  })

  test('the asset base: --asset-base, else SETUP_X86_ON_ARM_ASSET_BASE, else the Actions variables, else none', () => {
    const github = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_ACTION_REPOSITORY: 'me/setup-x86-on-arm' }
    const both = { ...github, SETUP_X86_ON_ARM_ASSET_BASE: 'https://mirror.invalid/ours/setup-x86-on-arm/' }
    expect(commandLinePlaces(both, 0, 'http://127.0.0.1:8080/me/x/').assetBase).toBe('http://127.0.0.1:8080/me/x')
    expect(commandLinePlaces(both, 0).assetBase).toBe('https://mirror.invalid/ours/setup-x86-on-arm')
    expect(commandLinePlaces(github, 0).assetBase).toBe('https://github.com/me/setup-x86-on-arm')
    expect(commandLinePlaces({}, 0).assetBase).toBeUndefined()
    expect(actionAssetBase({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'not a repository' })).toBeUndefined()
  })

  test('install --install download outside Actions gets a tool cache and the OS temp folder', async () => {
    setVariables({ HOME: '/x' })
    await cli(['install', '--platforms', 'riscv64', '--install', 'download', '--verify', 'probe'])
    expect(given).toMatchObject({ toolCache: '/var/cache/setup-x86-on-arm', tempDir: tmpdir(), assetBase: undefined })
    expect(f.installer.calls[0].request.method).toBe('download')
  })
})

describe('commands', () => {
  function serve(): void {
    f.prober.interpreters.set(QEMU, 'riscv64')
    f.installer.served.set('riscv64', { path: QEMU, version: '10.0.3', source: 'download' })
  }

  test('install --json prints the outputs, records its changes beside the ledger; uninstall undoes them', async () => {
    serve()
    expect(await cli(['install', '--platforms', 'riscv64', '--verify', 'probe', '--json'])).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ platforms: 'linux/riscv64', interpreter: QEMU, 'install-method': 'download', failures: [] })
    const journal = join(f.ledgerDir, 'cli-changes.json')
    expect(JSON.parse(readFileSync(journal, 'utf8'))).toEqual([{ kind: 'added', entry: expect.objectContaining({ name: 'qemu-riscv64' }) }])
    expect(given?.holder.label).toBe('command line')

    out = ''
    expect(await cli(['uninstall'])).toBe(0)
    expect(out).toBe('removed: qemu-riscv64; restored: nothing\n')
    expect(f.kernel.snapshot()).toEqual({})
    expect(existsSync(journal)).toBe(false)
  })

  test('install without --json prints the summary table; a failed platform exits 1 with its line', async () => {
    expect(await cli(['install', '--platforms', 'riscv64', '--verify', 'probe'])).toBe(1)
    expect(out).toMatch(/^Platform\s+Result\s+Interpreter\s+QEMU\s+Flags\s+Container\s+Time\nlinux\/riscv64\s+failed/)
    expect(err).toContain('error: linux/riscv64: no qemu-riscv64 on the machine; see the log above for what was tried\n')
  })

  test('a second install adds to the journal; uninstall undoes both', async () => {
    serve()
    f.prober.interpreters.set('/fake/bin/qemu-ppc64le-static', 'ppc64le')
    f.installer.served.set('ppc64le', { path: '/fake/bin/qemu-ppc64le-static', source: 'download' })
    await cli(['install', '--platforms', 'riscv64', '--verify', 'probe'])
    await cli(['install', '--platforms', 'ppc64le', '--verify', 'probe'])
    expect(JSON.parse(readFileSync(join(f.ledgerDir, 'cli-changes.json'), 'utf8'))).toHaveLength(2)
    out = ''
    await cli(['uninstall'])
    expect(out).toBe('removed: qemu-ppc64le, qemu-riscv64; restored: nothing\n')
  })

  test('status on an empty table, and an entry no platform matches (not probed)', async () => {
    expect(await cli(['status'])).toBe(0)
    expect(out).toBe('binfmt_misc: no entries\n')
    out = ''
    await register(
      f.kernel,
      { name: 'jar', enabled: true, type: 'E', offset: 0, magic: 'jar', mask: '', interpreter: '/usr/bin/jexec', flags: '' },
      f.kernel.dir
    )
    await register(f.kernel, { ...entryFor(platformOf('riscv64'), QEMU, 'F'), enabled: false }, f.kernel.dir)
    await cli(['status'])
    expect(out.split('\n')[1]).toMatch(/^jar\s+enabled\s+\/usr\/bin\/jexec$/)
    expect(out.split('\n')[2]).toMatch(/^qemu-riscv64\s+disabled\s+linux\/riscv64\s+\/fake\/bin\/qemu-riscv64-static\s+F$/)
  })
})

describe('places: the interpreter store, what chose the tool cache', () => {
  test("the action: RUNNER_TOOL_CACHE, the machine's root-only store", () => {
    const env = { RUNNER_TOOL_CACHE: '/runner/tc', RUNNER_TEMP: '/runner/tmp' }
    expect(actionPlaces(env, 1001)).toEqual({
      toolCache: '/runner/tc',
      toolCacheLabel: 'RUNNER_TOOL_CACHE',
      tempDir: '/runner/tmp',
      assetBase: undefined,
      interpreterStore: INTERPRETER_STORE
    })
    expect(INTERPRETER_STORE).toBe('/var/lib/setup-x86-on-arm/interpreters')
    expect(actionPlaces({}, 0)).toMatchObject({ toolCacheLabel: 'the default cache folder (RUNNER_TOOL_CACHE is not set)' })
    expect(actionPlaces({ SETUP_X86_ON_ARM_INTERPRETER_STORE: '/srv/test/interpreters' }, 0).interpreterStore).toBe(
      '/srv/test/interpreters'
    )
  })

  test('the command line: its cache folder, or the one --cache-dir names', () => {
    expect(commandLinePlaces({}, 0, undefined, '/home/u')).toMatchObject({
      toolCache: '/var/cache/setup-x86-on-arm',
      toolCacheLabel: "the command line's cache folder (--cache-dir chooses another)",
      interpreterStore: INTERPRETER_STORE
    })
    expect(commandLinePlaces({}, 0, undefined, '/home/u', '/srv/cache')).toMatchObject({
      toolCache: '/srv/cache',
      toolCacheLabel: 'the folder --cache-dir names'
    })
  })

  test('install --cache-dir puts the download there', async () => {
    await cli(['install', '--platforms', 'riscv64', '--verify', 'probe', '--cache-dir', join(f.ledgerDir, 'cache')])
    expect(given).toMatchObject({ toolCache: join(f.ledgerDir, 'cache'), toolCacheLabel: 'the folder --cache-dir names' })
  })
})

describe('install --libraries', () => {
  let asked: SysrootRequest[]
  const makeSysroot = async (request: SysrootRequest) => {
    asked.push(request)
    return {
      path: join(request.cacheDir, 'debian-12-riscv64-0123'),
      cacheHit: false,
      packages: ['libc6:riscv64=2.36-9']
    }
  }
  const cacheDir = () => join(f.ledgerDir, 'cache')
  // As root (uid 0 here) sysroots are kept in root's store beside the interpreter store, not the cache folder.
  const store = () => join(f.ledgerDir, 'state/sysroots')
  const sysroot = () => join(store(), 'debian-12-riscv64-0123')
  const withLibraries = (...more: string[]) =>
    cli(['install', '--platforms', 'riscv64', '--verify', 'probe', '--cache-dir', cacheDir(), '--libraries', 'base', ...more])
  beforeEach(() => {
    asked = []
    f.sysroots.make = makeSysroot
    setVariables({ SETUP_X86_ON_ARM_INTERPRETER_STORE: join(f.ledgerDir, 'state/interpreters') })
    f.prober.interpreters.set(QEMU, 'riscv64')
    f.installer.served.set('riscv64', { path: QEMU, version: '10.0.3', source: 'download' })
  })

  test("makes the sysroot in root's store and prints the variable a runner service needs", async () => {
    expect(await withLibraries()).toBe(0)
    expect(asked[0]).toMatchObject({
      targets: ['riscv64'],
      packages: ['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g'],
      cacheDir: store()
    })
    expect(out.split('\n').at(-2)).toBe(`QEMU_LD_PREFIX=${sysroot()}`)
    expect(err).toContain(`give the runner service QEMU_LD_PREFIX=${sysroot()} (for example with --env-file`)
  })

  test('--json gives the sysroot with the outputs', async () => {
    expect(await withLibraries('--json')).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ platforms: 'linux/riscv64', sysroot: sysroot(), failures: [] })
  })

  test("--env-file writes the line into the runner's .env beside its other lines; a second install replaces it; uninstall takes it out", async () => {
    const envFile = join(f.ledgerDir, 'runner', '.env')
    mkdirSync(join(f.ledgerDir, 'runner'))
    writeFileSync(envFile, 'LANG=C.UTF-8\nPATH=/usr/bin:/bin')
    expect(await withLibraries('--env-file', envFile)).toBe(0)
    expect(readFileSync(envFile, 'utf8')).toBe(`LANG=C.UTF-8\nPATH=/usr/bin:/bin\nQEMU_LD_PREFIX=${sysroot()}\n`)
    expect(err).toContain(`QEMU_LD_PREFIX written to ${envFile}: restart the runner service so its jobs see it`)

    expect(await withLibraries('--env-file', envFile)).toBe(0)
    expect(readFileSync(envFile, 'utf8')).toBe(`LANG=C.UTF-8\nPATH=/usr/bin:/bin\nQEMU_LD_PREFIX=${sysroot()}\n`)

    out = ''
    expect(await cli(['uninstall'])).toBe(0)
    expect(out).toBe(`removed: qemu-riscv64; restored: nothing\nQEMU_LD_PREFIX taken out of ${envFile}\n`)
    expect(readFileSync(envFile, 'utf8')).toBe('LANG=C.UTF-8\nPATH=/usr/bin:/bin\n')
  })

  test.each([
    [
      ['--env-file', '/tmp/x.env'],
      "error: input 'env-file': is used only with --libraries or --sysroot; add one of them, or leave --env-file out"
    ],
    [['--libraries', 'Foo_Bar'], `error: input 'libraries': "Foo_Bar" is not a package name;`],
    [['--libraries', 'base', '--sysroot', '/srv/root'], "error: input 'sysroot': is given together with libraries;"]
  ])('%j exits 2 with one line, before anything changes', async (args, message) => {
    expect(await cli(['install', '--platforms', 'riscv64', '--verify', 'probe', ...args])).toBe(2)
    expect(err.startsWith(message)).toBe(true)
    expect(err.trim()).not.toContain('\n')
    expect(given).toBeUndefined()
  })

  test("an --env-file that already holds someone else's QEMU_LD_PREFIX: exit 2, the file unchanged", async () => {
    const envFile = join(f.ledgerDir, '.env')
    writeFileSync(envFile, 'QEMU_LD_PREFIX=/opt/their-root\n')
    expect(await withLibraries('--env-file', envFile)).toBe(2)
    expect(err).toBe(
      `error: input 'env-file': ${envFile} already sets QEMU_LD_PREFIX=/opt/their-root, and two prefixes cannot both apply; remove that line, or leave --env-file out\n`
    )
    expect(readFileSync(envFile, 'utf8')).toBe('QEMU_LD_PREFIX=/opt/their-root\n')
    expect(asked).toEqual([])
    expect(given).toBeUndefined()
  })
})
