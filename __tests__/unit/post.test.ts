/**
 * The action's post step with @actions/core mocked, on the fake machine: it restores what main
 * saved, keeps what other jobs hold, leaves everything with cleanup: false, and fails the step
 * with a line that says restoring failed. With fake engines on PATH: it asks only the engines main
 * recorded loading probe images into, and main records that before the load.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../__fixtures__/core.js'
import type { Context, Environment } from '../../src/core/context.js'
import type { RestoreContext } from '../../src/core/restore.js'
import { setup } from '../../src/core/setup.js'
import { temporarySysrootRoot } from '../../src/faces/environment.js'
import { platformOf } from '../../src/kernel/platforms.js'
import { Journal } from '../../src/records/journal.js'
import { jobVariables, restoreVariables } from '../helpers/variables.js'
import { fixture, type Fixture } from '../helpers/core-fixture.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/faces/post.js')
const main = await import('../../src/faces/main.js')

const QEMU = '/fake/bin/qemu-riscv64-static'
let f: Fixture
beforeEach(() => {
  core.reset()
  f = fixture()
  f.prober.interpreters.set(QEMU, 'riscv64')
  f.installer.served.set('riscv64', { path: QEMU, source: 'download' })
})
afterEach(() => {
  restoreVariables()
  f.dispose()
})

/** The ledger folder post asked its context for. */
let ledgerAsked: string | undefined
/** Post's context: the fake machine's kernel and ledger. */
const postContext =
  (privileged?: Context['privileged']) =>
  async (ledgerDir: string): Promise<RestoreContext> => {
    ledgerAsked = ledgerDir
    return { ledger: f.ctx.ledger, privileged: privileged ?? f.ctx.privileged, binfmtDir: f.kernel.dir }
  }
const runPost = (env: Record<string, string> = {}, privileged?: Context['privileged']) => {
  jobVariables({ SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir, ...env })
  return run(postContext(privileged))
}

/** What main leaves in the state after registering riscv64 for a job. */
async function mainRan(ctx = f.ctx, cleanup = true): Promise<void> {
  await setup(
    {
      platforms: [platformOf('riscv64')],
      flags: 'F',
      install: { method: 'auto', qemuVersion: '', qemuUrl: '', qemuSha256: '' },
      prove: true,
      persist: false
    },
    ctx
  )
  core.state.set('changes', JSON.stringify(ctx.journal.changes))
  core.state.set('holder', JSON.stringify(ctx.holder))
  core.state.set('cleanup', String(cleanup))
}

describe('post', () => {
  test("restores what main registered, with the host's ledger of the job's variables", async () => {
    await mainRan()
    await runPost()
    expect(ledgerAsked).toBe(f.ledgerDir)
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.logged).toContain('binfmt_misc table restored: removed qemu-riscv64')
    expect(f.kernel.snapshot()).toEqual({})
  })

  test('keeps an entry another live job on the machine still holds', async () => {
    await mainRan(f.jobContext(f.procs.job(101)))
    const other = f.jobContext(f.procs.job(202))
    await setup(
      {
        platforms: [platformOf('riscv64')],
        flags: 'F',
        install: { method: 'auto', qemuVersion: '', qemuUrl: '', qemuSha256: '' },
        prove: true,
        persist: false
      },
      other
    )
    await runPost()
    expect(core.logged).toContain(
      'binfmt_misc table restored: kept qemu-riscv64 (still held by other jobs on this machine, or by persist: true)'
    )
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-riscv64'])
  })

  test('cleanup: false leaves the changes in place', async () => {
    await mainRan(f.ctx, false)
    await runPost()
    expect(core.logged).toContain('cleanup: false, leaving 1 change(s) to the binfmt_misc table in place')
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-riscv64'])
  })

  test('nothing saved: nothing to restore', async () => {
    await runPost()
    expect(core.logged).toEqual(['nothing to restore: the main step changed nothing'])
  })

  test('a failure to restore fails the step, saying so', async () => {
    await mainRan()
    await runPost({}, async () => Promise.reject(new Error('sudo: a password is required')))
    expect(core.setFailed).toHaveBeenCalledWith('restoring the binfmt_misc table failed: sudo: a password is required')
  })

  test("a sysroot main made in the job's temporary folder is removed; one in the tool cache stays for later jobs", async () => {
    const runner = mkdtempSync(join(tmpdir(), 'post-runner-'))
    try {
      const env = { RUNNER_TEMP: join(runner, 'temp'), RUNNER_TOOL_CACHE: join(runner, 'tool-cache') }
      const temporary = temporarySysrootRoot(env, process.ppid)
      const cached = join(env.RUNNER_TOOL_CACHE, 'setup-x86-on-arm-sysroot', 'debian-12-amd64-0123')
      for (const root of [join(temporary, 'setup-x86-on-arm-sysroot', 'debian-12-amd64-0123'), cached]) {
        mkdirSync(join(root, 'lib64'), { recursive: true })
        writeFileSync(join(root, 'lib64', 'ld-linux-x86-64.so.2'), 'loader')
      }
      await mainRan()
      await runPost(env)
      expect(existsSync(temporary)).toBe(false)
      expect(existsSync(join(cached, 'lib64', 'ld-linux-x86-64.so.2'))).toBe(true)
      expect(core.logged).toContain(`removed the temporary sysroot ${temporary}`)
      expect(core.logged).toContain('binfmt_misc table restored: removed qemu-riscv64')
    } finally {
      rmSync(runner, { recursive: true, force: true })
    }
  })
})

/**
 * A fake engine that logs every call to <script>.d/calls: it answers, loads once <script>.d/go is
 * there (so a test can look at main's state while the load is under way), runs the riscv64 probe,
 * and lists this run's riscv64 probe image while <script>.d/held is there.
 */
const FAKE = `#!/bin/sh
d="$0.d"
printf '%s\\n' "$*" >> "$d/calls"
case "$1" in
  version|info) [ -f "$d/down" ] && { echo 'Cannot connect to the Docker daemon. Is the docker daemon running?' >&2; exit 1; }; echo 28.0.4 ;;
  load) while [ ! -f "$d/go" ]; do /bin/sleep 0.02; done; echo 'Loaded image' ;;
  run) echo riscv64 ;;
  images) r=\${3#reference=}; [ -f "$d/held" ] && printf '%sriscv64%s\\n' "\${r%%\\**}" "\${r#*\\*}" ;;
esac
exit 0
`

describe("the container check's leftovers", () => {
  let bin: string
  const saved = { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST }
  const fake = (name: 'docker' | 'podman', files: Record<string, string> = { go: '' }) => {
    writeFileSync(join(bin, name), FAKE)
    chmodSync(join(bin, name), 0o755)
    rmSync(join(bin, `${name}.d`), { recursive: true, force: true })
    mkdirSync(join(bin, `${name}.d`))
    for (const [file, text] of Object.entries(files)) writeFileSync(join(bin, `${name}.d`, file), text)
  }
  const calls = (name: 'docker' | 'podman'): string[] => {
    const file = join(bin, `${name}.d`, 'calls')
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []
  }
  const verbs = (name: 'docker' | 'podman') => calls(name).map(c => c.split(' ')[0])
  const recorded = () => JSON.parse(core.state.get('probe-run') ?? 'null')

  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'post-engines-'))
    writeFileSync(join(bin, 'docker.sock'), '')
    process.env.DOCKER_HOST = `unix://${join(bin, 'docker.sock')}`
  })
  beforeEach(() => {
    fake('docker')
    fake('podman')
    process.env.PATH = bin
  })
  afterAll(() => {
    rmSync(bin, { recursive: true, force: true })
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  test('no engine recorded, or main saw its check remove all it added: post starts no engine program', async () => {
    await mainRan()
    await runPost()
    core.state.set('probe-run', JSON.stringify({ runId: 'run1', engines: [] }))
    await runPost()
    expect([calls('docker'), calls('podman')]).toEqual([[], []])
    expect(core.logged).not.toContainEqual(expect.stringMatching(/^warning/))
  })

  test('docker recorded: post asks docker alone, and removes what the run left there', async () => {
    fake('docker', { held: '' })
    core.state.set('probe-run', JSON.stringify({ runId: 'run1', engines: ['docker'] }))
    await runPost()
    expect(calls('podman')).toEqual([])
    expect(calls('docker')).toEqual([
      'version --format {{.Server.Version}}',
      'ps --all --filter name=setup-x86-on-arm-check- --format {{.Names}}',
      'images --filter reference=localhost/setup-x86-on-arm-probe:*-run1 --format {{.Repository}}:{{.Tag}}',
      'rmi localhost/setup-x86-on-arm-probe:riscv64-run1'
    ])
    expect(core.logged).toContain('removed what the container check left: docker image localhost/setup-x86-on-arm-probe:riscv64-run1')
  })

  test('a recorded engine that no longer answers is said in a warning', async () => {
    fake('docker', { down: '' })
    core.state.set('probe-run', JSON.stringify({ runId: 'run1', engines: ['docker'] }))
    await runPost()
    expect(verbs('docker')).toEqual(['version'])
    expect(core.logged).toContain(
      'warning: could not look for what the container check left in docker: docker version failed: ' +
        'Cannot connect to the Docker daemon. Is the docker daemon running?'
    )
  })

  test.each([
    ['a run id that is not one', { runId: 'x;rm -rf', engines: ['docker'] }, '"x;rm -rf" is not a run id'],
    ['an engine that is not one', { runId: 'run1', engines: ['/tmp/evil'] }, 'its engines ["/tmp/evil"] are not a list of docker, podman']
  ])('%s in the record only warns; no engine is asked and the table is still restored', async (_what, record, problem) => {
    await mainRan()
    core.state.set('probe-run', JSON.stringify(record))
    await runPost()
    expect(core.logged).toContain(
      `warning: could not remove the container check's probe images: state "probe-run" is not a probe run: ${problem}`
    )
    expect(core.logged).toContain('binfmt_misc table restored: removed qemu-riscv64')
    expect([calls('docker'), calls('podman')]).toEqual([[], []])
  })

  describe('what main records', () => {
    const QEMU = '/fake/bin/qemu-riscv64-static'
    const runMain = (verify: string) => {
      Object.assign(core.inputs, { platforms: 'riscv64', verify })
      f.prober.interpreters.set(QEMU, 'riscv64')
      f.installer.served.set('riscv64', { path: QEMU, version: '10.0.3', source: 'download' })
      const createContext = (env: Environment): Context => ({
        ...f.jobContext(env.holder),
        journal: new Journal(env.persistJournal),
        places: { toolCache: env.toolCache, tempDir: env.tempDir, assetBase: env.assetBase }
      })
      jobVariables({ SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir })
      return main.run(async env => createContext(env))
    }

    test('the engine is recorded before the probe image is loaded: a check cut short there leaves it for post', async () => {
      fake('docker', {})
      const running = runMain('auto')
      let atLoad: Map<string, string>
      try {
        for (let waited = 0; !verbs('docker').includes('load'); waited += 20) {
          if (waited > 10_000) throw new Error(`main never loaded the probe image: ${calls('docker').join('; ')}`)
          await new Promise(resolve => setTimeout(resolve, 20))
        }
        atLoad = new Map(core.state)
      } finally {
        writeFileSync(join(bin, 'docker.d', 'go'), '')
        await running
      }
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(verbs('podman')).toEqual([])
      const record = JSON.parse(atLoad.get('probe-run') ?? 'null')
      expect(record).toEqual({ runId: expect.stringMatching(/^[a-z0-9]+$/), engines: ['docker'] })
      const { runId } = record

      // main cut short at the load: post finds the image it loaded, in docker alone
      core.state.clear()
      for (const [key, value] of atLoad) core.state.set(key, value)
      fake('docker', { held: '' })
      await runPost()
      expect(calls('docker')).toContain(`rmi localhost/setup-x86-on-arm-probe:riscv64-${runId}`)
      expect(calls('podman')).toEqual([])
    })

    test('a check that removed all it loaded leaves post no engine to ask', async () => {
      await runMain('auto')
      expect(f.logs).toContainEqual(expect.stringMatching(/^linux\/riscv64 container check passed/))
      expect(verbs('docker')).toEqual(['version', 'load', 'run', 'rmi'])
      expect(recorded()).toEqual({ runId: expect.any(String), engines: [] })
      fake('docker')
      await runPost()
      expect([calls('docker'), calls('podman')]).toEqual([[], []])
    })

    test('verify: probe runs no container: nothing recorded and no engine asked', async () => {
      await runMain('probe')
      expect(core.state.has('probe-run')).toBe(false)
      expect([calls('docker'), calls('podman')]).toEqual([[], []])
    })
  })
})
