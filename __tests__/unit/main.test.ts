/**
 * The action's main step with @actions/core mocked and the core's context built of fakes: what it
 * reads from the runner, what it saves for post, the outputs it sets and when it fails the step.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '../__fixtures__/core.js'
import type { Context, Environment } from '../../src/core/context.js'
import type { SysrootRequest } from '../../src/install/libraries/index.js'
import { Journal } from '../../src/records/journal.js'
import { fixture, type Fixture } from '../helpers/core-fixture.js'
import { jobVariables, restoreVariables } from '../helpers/variables.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/faces/main.js')

const QEMU = '/fake/bin/qemu-riscv64-static'
let f: Fixture
let given: Environment | undefined

/** The fake machine, with the journal and places main hands over. */
const fakeContext = (env: Environment): Context => {
  given = env
  return {
    ...f.jobContext(env.holder),
    journal: new Journal(env.persistJournal),
    places: { toolCache: env.toolCache, tempDir: env.tempDir, assetBase: env.assetBase }
  }
}
interface Runner {
  /** The runner's variables for this run (process.env), beside the fake machine's ledger folder. */
  env?: Record<string, string>
  /** The test's own context factory. */
  createContext?: (env: Environment) => Context
  /** What the context's makeSysroot does. */
  makeSysroot?: Context['makeSysroot']
  /** Told the number of changes main has saved for post, each time it saves them. */
  onSave?: (saved: number) => void
}
const runMain = ({ env, createContext = fakeContext, makeSysroot, onSave }: Runner = {}) => {
  jobVariables({ SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir, ...env })
  if (makeSysroot) f.sysroots.make = makeSysroot
  return run(async env => {
    const ctx = createContext(env)
    if (!onSave) return ctx
    return {
      ...ctx,
      journal: new Journal(changes => {
        env.persistJournal(changes)
        onSave(changes.length)
      })
    }
  })
}

beforeEach(() => {
  core.reset()
  f = fixture()
  given = undefined
  Object.assign(core.inputs, { platforms: 'riscv64', verify: 'probe' })
})
afterEach(() => {
  restoreVariables()
  f.dispose()
})

function serve(): void {
  f.prober.interpreters.set(QEMU, 'riscv64')
  f.installer.served.set('riscv64', { path: QEMU, version: '10.0.3', source: 'download' })
}

describe('main', () => {
  test('sets the outputs and the summary, and saves for post: cleanup, this job, every change', async () => {
    serve()
    await runMain()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(Object.fromEntries(core.outputs)).toEqual({
      platforms: 'linux/riscv64',
      native: '',
      interpreter: QEMU,
      'qemu-version': '10.0.3',
      'install-method': 'download',
      'cache-hit': 'false',
      'x86-64-level': '',
      sysroot: ''
    })
    expect(core.exportVariable).not.toHaveBeenCalled()
    expect(core.state.get('cleanup')).toBe('true')
    expect(JSON.parse(core.state.get('holder')!)).toMatchObject({ pid: process.ppid, label: `process ${process.ppid}` })
    expect(JSON.parse(core.state.get('changes')!)).toEqual([
      { kind: 'added', entry: expect.objectContaining({ name: 'qemu-riscv64', interpreter: QEMU }) }
    ])
    expect(core.summary.addTable).toHaveBeenCalledTimes(1)
    expect(core.group.mock.calls.map(c => c[0])).toEqual(['Set up emulation', 'Verify'])
  })

  test('verify: probe runs no container, so no probe run is saved for post', async () => {
    serve()
    await runMain()
    expect(core.state.has('probe-run')).toBe(false)
  })

  test('verify: none registers without proving and skips the checks', async () => {
    serve()
    core.inputs.verify = 'none'
    await runMain()
    expect(core.group.mock.calls.map(c => c[0])).toEqual(['Set up emulation'])
    expect(f.prober.runs).toBe(1) // assess only
    expect(core.outputs.get('platforms')).toBe('linux/riscv64')
  })

  test('cleanup: false is saved for post', async () => {
    serve()
    core.inputs.cleanup = 'false'
    await runMain()
    expect(core.state.get('cleanup')).toBe('false')
  })

  test('a platform that could not be set up fails the step with its line', async () => {
    await runMain()
    expect(core.setFailed).toHaveBeenCalledWith('linux/riscv64: no qemu-riscv64 on the machine; see the log above for what was tried')
    expect(core.outputs.get('platforms')).toBe('')
  })

  test('bad input fails the step with the one line, before anything is built or changed', async () => {
    core.inputs.platforms = 'riscv64;reboot'
    await runMain()
    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(/^input 'platforms': unknown platform "riscv64;reboot"; use one or more of/)
    )
    expect(given).toBeUndefined()
    expect(core.state.has('changes')).toBe(false)
  })

  test('input warnings are logged as warnings', async () => {
    serve()
    core.inputs.flags = 'P'
    await runMain()
    expect(core.warning).toHaveBeenCalledWith(expect.stringMatching(/^flags without F/))
  })

  test("a command line in another program's output that the core logs reaches the runner with commands stopped", async () => {
    serve()
    await runMain()
    given!.log.info('verify-image: uname -m said\n::save-state name=cleanup::false')
    expect(core.logged.at(-1)).toMatch(/^::stop-commands::(\S+)\nverify-image: uname -m said\n::save-state name=cleanup::false\n::\1::$/)
  })

  test('a setup that throws fails the step with its message and removes the scratch folder', async () => {
    f.installer.failure = new Error('download: qemu-riscv64 sha256 mismatch')
    let workDir = ''
    await runMain({
      createContext: env => {
        const ctx = fakeContext(env)
        workDir = ctx.workDir
        mkdirSync(workDir, { recursive: true })
        return ctx
      }
    })
    expect(core.setFailed).toHaveBeenCalledWith('download: qemu-riscv64 sha256 mismatch')
    expect(workDir).not.toBe('')
    expect(existsSync(workDir)).toBe(false)
  })

  test('each change is saved for post before it is made', async () => {
    serve()
    f.prober.interpreters.set('/fake/bin/qemu-ppc64le-static', 'ppc64le')
    f.installer.served.set('ppc64le', { path: '/fake/bin/qemu-ppc64le-static', source: 'download' })
    core.inputs.platforms = 'riscv64,ppc64le'
    const seen: string[] = []
    await runMain({ onSave: n => seen.push(`${n}: ${Object.keys(f.kernel.snapshot()).join(',')}`) })
    expect(seen).toEqual(['1: ', '2: qemu-riscv64'])
  })

  test("the context is built from the runner's variables", async () => {
    serve()
    const env = {
      RUNNER_TOOL_CACHE: '/runner/tool-cache',
      RUNNER_TEMP: '/runner/temp',
      GITHUB_SERVER_URL: 'https://github.example/',
      GITHUB_ACTION_REPOSITORY: 'someone/setup-x86-on-arm',
      GITHUB_REPOSITORY: 'user/app',
      GITHUB_RUN_ID: '77',
      GITHUB_JOB: 'build',
      SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir
    }
    await runMain({ env })
    expect(given).toMatchObject({
      toolCache: '/runner/tool-cache',
      tempDir: '/runner/temp',
      assetBase: 'https://github.example/someone/setup-x86-on-arm',
      ledgerDir: f.ledgerDir,
      holder: { pid: process.ppid, label: 'user/app/77/build' }
    })
  })

  test('a local action (`uses: ./`) takes its assets from the workflow repository', async () => {
    serve()
    await runMain({
      env: {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_ACTION_REPOSITORY: '',
        GITHUB_REPOSITORY: 'me/setup-x86-on-arm',
        SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir
      }
    })
    expect(given?.assetBase).toBe('https://github.com/me/setup-x86-on-arm')
  })

  describe('libraries', () => {
    let asked: SysrootRequest[]
    const makeSysroot = async (request: SysrootRequest) => {
      asked.push(request)
      return {
        path: join(request.cacheDir, 'debian-12-riscv64-0123'),
        cacheHit: false,
        packages: ['libc6:riscv64=2.36-9']
      }
    }
    beforeEach(() => {
      asked = []
    })
    /** The runner's folders, in the test's own place. */
    const runner = (over: Record<string, string> = {}) => ({
      env: {
        SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir,
        RUNNER_TOOL_CACHE: join(f.ledgerDir, 'tool-cache'),
        RUNNER_TEMP: join(f.ledgerDir, 'temp'),
        SETUP_X86_ON_ARM_INTERPRETER_STORE: join(f.ledgerDir, 'state/interpreters'),
        ...over
      }
    })

    test('after setup: the sysroot for the emulated platforms, exported as QEMU_LD_PREFIX and set as the output sysroot', async () => {
      serve()
      core.inputs.libraries = 'base, libssl3'
      await runMain({ makeSysroot, ...runner() })
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(asked).toHaveLength(1)
      expect(asked[0]).toMatchObject({
        targets: ['riscv64'],
        packages: ['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g', 'libssl3'],
        mirror: []
      })
      // root keeps sysroots in its store beside the interpreter store; another user in the tool cache
      const kept = process.getuid?.() === 0 ? 'state/sysroots' : 'tool-cache/setup-x86-on-arm-sysroot'
      const path = join(f.ledgerDir, kept, 'debian-12-riscv64-0123')
      expect(Object.fromEntries(core.exported)).toEqual({ QEMU_LD_PREFIX: path })
      expect(core.outputs.get('sysroot')).toBe(path)
      expect(core.group.mock.calls.map(c => c[0])).toEqual(['Set up emulation', 'Verify', 'Libraries'])
    })

    test('the job already sets QEMU_LD_PREFIX: one line, before anything is built or changed', async () => {
      serve()
      core.inputs.libraries = 'base'
      await runMain({ makeSysroot, ...runner({ QEMU_LD_PREFIX: '/opt/amd64' }) })
      expect(core.setFailed).toHaveBeenCalledTimes(1)
      expect(core.setFailed).toHaveBeenCalledWith(
        'input \'libraries\': the job already sets QEMU_LD_PREFIX ("/opt/amd64"), and two prefixes cannot both apply; unset QEMU_LD_PREFIX in the job, or leave libraries empty'
      )
      expect(given).toBeUndefined()
      expect(asked).toEqual([])
      expect(core.state.has('changes')).toBe(false)
    })

    test('a setup that failed makes no sysroot', async () => {
      core.inputs.libraries = 'base'
      await runMain({ makeSysroot, ...runner() })
      expect(core.setFailed).toHaveBeenCalledWith(expect.stringMatching(/^linux\/riscv64: no qemu-riscv64/))
      expect(asked).toEqual([])
      expect(core.exportVariable).not.toHaveBeenCalled()
    })

    test('a package the archive does not have fails the step with its one line; nothing is exported', async () => {
      serve()
      core.inputs.libraries = 'nosuchpackage'
      const { LibrariesError } = await import('../../src/install/libraries/index.js')
      const failing = async () => {
        throw new LibrariesError(
          'libraries',
          "no package nosuchpackage in Debian GNU/Linux 12 (bookworm)'s archive for riscv64",
          'check the spelling'
        )
      }
      await runMain({ makeSysroot: failing, ...runner() })
      expect(core.setFailed).toHaveBeenCalledWith(
        "input 'libraries': no package nosuchpackage in Debian GNU/Linux 12 (bookworm)'s archive for riscv64; check the spelling"
      )
      expect(core.exportVariable).not.toHaveBeenCalled()
      // What setup registered is in the state, for the post step to undo as usual.
      expect(JSON.parse(core.state.get('changes')!)).toEqual([{ kind: 'added', entry: expect.objectContaining({ name: 'qemu-riscv64' }) }])
    })

    test('every platform native: nothing exported, the output is empty', async () => {
      core.inputs.platforms = 'amd64'
      core.inputs.libraries = 'base'
      await runMain({ makeSysroot, ...runner() })
      expect(asked).toEqual([])
      expect(core.exportVariable).not.toHaveBeenCalled()
      expect(core.outputs.get('sysroot')).toBe('')
      expect(f.logs).toContain('libraries: linux/amd64 runs natively here; no sysroot is needed and QEMU_LD_PREFIX is not set')
    })
  })
})
