/**
 * The post step reads what main saved from a file any step of the job can write: each saved change
 * is checked on its own (a bad one is reported and skipped, the rest restored), only what the
 * host's ledger records for this job is undone, and a holder that is not a job's is refused.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '../__fixtures__/core.js'
import { setup } from '../../src/core/setup.js'
import { entryFor, platformOf } from '../../src/kernel/platforms.js'
import { CLI_HOLDER, PERSIST_HOLDER } from '../../src/records/holder.js'
import { jobVariables, restoreVariables } from '../helpers/variables.js'
import { fixture, type Fixture } from '../helpers/core-fixture.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/faces/post.js')

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

const runPost = () => {
  jobVariables({ SETUP_X86_ON_ARM_LEDGER_DIR: f.ledgerDir })
  return run(async () => ({ ledger: f.ctx.ledger, privileged: f.ctx.privileged, binfmtDir: f.kernel.dir }))
}

/** Main registered riscv64 for this job; the state is then edited by `tamper`. */
async function mainRan(tamper: (changes: unknown[]) => unknown[] = c => c): Promise<void> {
  const install = { method: 'auto', qemuVersion: '', qemuUrl: '', qemuSha256: '' } as const
  await setup({ platforms: [platformOf('riscv64')], flags: 'F', install, prove: true, persist: false }, f.ctx)
  core.state.set('changes', JSON.stringify(tamper([...f.ctx.journal.changes])))
  core.state.set('holder', JSON.stringify(f.ctx.holder))
  core.state.set('cleanup', 'true')
}

describe('post with an edited state', () => {
  test('each bad change is reported and skipped; the rest is restored; a handler the ledger never recorded is not registered', async () => {
    const evil = { ...entryFor(platformOf('aarch64'), '/tmp/evil', 'OC'), name: 'qemu-aarch64' }
    await mainRan(changes => ['garbage', { kind: 'added', entry: { name: 'x' } }, ...changes, { kind: 'replaced', original: evil }])
    await runPost()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.logged).toContain('warning: saved change 1 of 4 skipped: "garbage" is not an object')
    expect(core.logged.some(l => /^warning: saved change 2 of 4 skipped: its entry is not a binfmt entry/.test(l))).toBe(true)
    expect(core.logged).toContain('binfmt_misc table restored: removed qemu-riscv64')
    expect(f.kernel.snapshot()).toEqual({})
  })

  test.each([
    ['persist', PERSIST_HOLDER],
    ['command line', CLI_HOLDER]
  ])('a %s holder in the state is refused: nothing held for good is let go of', async (label, holder) => {
    await mainRan()
    core.state.set('holder', JSON.stringify(holder))
    await runPost()
    const why = "only setup-x86-on-arm uninstall lets go of what it holds, never a job's post step"
    expect(core.setFailed).toHaveBeenCalledWith(`restoring the binfmt_misc table failed: holder "${label}" is not a job's: ${why}`)
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-riscv64'])
  })

  test("a holder of the wrong shape fails naming the state's holder and what is wrong", async () => {
    await mainRan()
    core.state.set('holder', JSON.stringify({ pid: -1, start: '', boot: '', label: 'x' }))
    await runPost()
    expect(core.setFailed).toHaveBeenCalledWith(
      'restoring the binfmt_misc table failed: state "holder" is not a holder: pid -1 is not a process id'
    )
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-riscv64'])
  })
})
