/**
 * The action's post step with the Actions layer mocked, on the fake machine: it restores what main
 * saved, keeps what other jobs hold, leaves everything with cleanup: false, and fails the step
 * with a line that says restoring failed.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../__fixtures__/core.js'
import { setup } from '../../src/core/setup.js'
import { temporarySysrootRoot } from '../../src/faces/environment.js'
import { platformOf } from '../../src/kernel/platforms.js'
import { fixture, type Fixture } from '../helpers/core-fixture.js'

jest.unstable_mockModule('../../src/faces/actions/index.js', () => core)
const { run } = await import('../../src/faces/post.js')

const QEMU = '/fake/bin/qemu-riscv64-static'
let f: Fixture
beforeEach(() => {
  core.reset()
  f = fixture()
  f.prober.interpreters.set(QEMU, 'riscv64')
  f.installer.served.set('riscv64', { path: QEMU, source: 'download' })
})
afterEach(() => f.dispose())

const runPost = (runnerPid = f.ctx.holder.pid) =>
  run({ ledger: f.ctx.ledger, privileged: async () => f.kernel, binfmtDir: f.kernel.dir, runnerPid })

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
  test('restores what main registered', async () => {
    await mainRan()
    await runPost()
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
    await runPost(101)
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

  test("main's container check run: post looks for its leftovers; a run id that is not one only warns", async () => {
    await mainRan()
    core.state.set('probe-run', 'x;rm -rf')
    let asked = 0
    await run({
      ledger: f.ctx.ledger,
      privileged: async () => f.kernel,
      binfmtDir: f.kernel.dir,
      runnerPid: f.ctx.holder.pid,
      engines: async () => (asked++, [])
    })
    expect(asked).toBe(1)
    expect(core.logged).toContain('warning: not removing probe images: "x;rm -rf" is not a run id')
    expect(core.logged).toContain('binfmt_misc table restored: removed qemu-riscv64')
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  test('no container check ran: post asks no engine', async () => {
    await mainRan()
    let asked = 0
    await run({
      ledger: f.ctx.ledger,
      privileged: async () => f.kernel,
      binfmtDir: f.kernel.dir,
      runnerPid: f.ctx.holder.pid,
      engines: async () => (asked++, [])
    })
    expect(asked).toBe(0)
  })

  test('a failure to restore fails the step, saying so', async () => {
    await mainRan()
    await run({
      ledger: f.ctx.ledger,
      privileged: async () => Promise.reject(new Error('sudo: a password is required')),
      binfmtDir: f.kernel.dir,
      runnerPid: f.ctx.holder.pid
    })
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
      await run({ env, ledger: f.ctx.ledger, privileged: async () => f.kernel, binfmtDir: f.kernel.dir, runnerPid: f.ctx.holder.pid })
      expect(existsSync(temporary)).toBe(false)
      expect(existsSync(join(cached, 'lib64', 'ld-linux-x86-64.so.2'))).toBe(true)
      expect(core.logged).toContain(`removed the temporary sysroot ${temporary}`)
      expect(core.logged).toContain('binfmt_misc table restored: removed qemu-riscv64')
    } finally {
      rmSync(runner, { recursive: true, force: true })
    }
  })
})
