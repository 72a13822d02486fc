/**
 * Undoing a job's changes on the fake kernel: exactly what was there comes back, what others
 * changed since is left alone, and a saved list that was damaged or edited is checked change by
 * change; with the host's ledger, only what its records say this job holds is undone.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Entry, readTable, register } from '../../src/kernel/binfmt.js'
import { CLI_HOLDER, type Holder, PERSIST_HOLDER, type ProcessInfo } from '../../src/records/holder.js'
import { type Change, changeProblem, Journal, Stopped } from '../../src/records/journal.js'
import { Ledger } from '../../src/records/ledger.js'
import { restore } from '../../src/core/restore.js'
import { entryFor, platformOf } from '../../src/kernel/platforms.js'
import { FakeKernel } from '../helpers/fake-kernel.js'

let kernel: FakeKernel
let ledgerDir: string
beforeEach(() => {
  kernel = new FakeKernel()
  ledgerDir = mkdtempSync(join(tmpdir(), 'restore-ledger-'))
})
afterEach(() => {
  kernel.dispose()
  rmSync(ledgerDir, { recursive: true, force: true })
})

const snapshot = () =>
  Object.fromEntries(
    readdirSync(kernel.dir)
      .filter(n => n !== 'register' && n !== 'status')
      .map(n => [n, readFileSync(join(kernel.dir, n), 'utf8')])
  )
const arm64 = (interpreter = '/usr/bin/qemu-aarch64-static', flags = 'F'): Entry => entryFor(platformOf('aarch64'), interpreter, flags)
const noWarnings = (message: string) => {
  throw new Error(`unexpected warning: ${message}`)
}

describe('restore', () => {
  test('removes what was added, nothing else', async () => {
    const other = { ...arm64(), name: 'someone-elses' }
    await register(kernel, other, kernel.dir)
    const before = snapshot()
    await register(kernel, arm64(), kernel.dir)
    const report = await restore([{ kind: 'added', entry: arm64() }], kernel, noWarnings, { dir: kernel.dir })
    expect(report.removed).toEqual(['qemu-aarch64'])
    expect(snapshot()).toEqual(before)
  })

  test('re-registers a replaced entry exactly, disabled state included', async () => {
    const original = { ...arm64('/usr/bin/old-qemu', ''), enabled: false }
    await register(kernel, original, kernel.dir)
    const before = snapshot()
    const [saved] = (await readTable(kernel.dir)).values()
    await kernel.write(join(kernel.dir, 'qemu-aarch64'), '-1')
    await register(kernel, arm64(), kernel.dir)
    await restore([{ kind: 'replaced', original: saved, entry: arm64() }], kernel, noWarnings, { dir: kernel.dir })
    expect(snapshot()).toEqual(before)
  })

  test('a main killed between removing the original and registering its own still restores', async () => {
    await register(kernel, arm64('/usr/bin/old-qemu', ''), kernel.dir)
    const before = snapshot()
    const [saved] = (await readTable(kernel.dir)).values()
    await kernel.write(join(kernel.dir, 'qemu-aarch64'), '-1') // killed here: no new entry yet
    await restore([{ kind: 'replaced', original: saved }], kernel, noWarnings, { dir: kernel.dir })
    expect(snapshot()).toEqual(before)
  })

  test('an added record whose entry never got written is a no-op', async () => {
    const report = await restore([{ kind: 'added', entry: arm64() }], kernel, noWarnings, { dir: kernel.dir })
    expect(report).toEqual({ removed: [], restored: [], unmounted: false, skipped: [], kept: [], invalid: [] })
  })

  test('an entry someone else changed since is left alone, with a warning', async () => {
    await register(kernel, arm64('/opt/their-qemu'), kernel.dir)
    const warnings: string[] = []
    const report = await restore([{ kind: 'added', entry: arm64() }], kernel, m => warnings.push(m), { dir: kernel.dir })
    expect(report.skipped).toEqual(['qemu-aarch64'])
    expect(warnings[0]).toMatch(/changed since/)
    expect(snapshot()['qemu-aarch64']).toContain('/opt/their-qemu')
  })

  test('unmounts only what it mounted, and only when the table is empty', async () => {
    await register(kernel, arm64(), kernel.dir)
    const changes: Change[] = [{ kind: 'mounted' }, { kind: 'added', entry: arm64() }]
    const report = await restore(changes, kernel, noWarnings, { dir: kernel.dir })
    expect(report.unmounted).toBe(true)
    expect(kernel.log.at(-1)).toBe(`umount ${kernel.dir}`)
  })

  test('does not unmount when others registered entries meanwhile', async () => {
    await register(kernel, { ...arm64(), name: 'theirs' }, kernel.dir)
    const report = await restore([{ kind: 'mounted' }], kernel, noWarnings, { dir: kernel.dir })
    expect(report.unmounted).toBe(false)
  })

  test('a main killed between recording the mount and mounting: nothing to unmount, nothing fails', async () => {
    await kernel.run('umount', [kernel.dir])
    const report = await restore([{ kind: 'mounted' }, { kind: 'added', entry: arm64() }], kernel, noWarnings, { dir: kernel.dir })
    expect(report.unmounted).toBe(false)
    expect(kernel.log.filter(l => l.startsWith('umount'))).toEqual([`umount ${kernel.dir}`]) // the test's own
  })
})

describe('a saved list that was damaged or edited', () => {
  const riscv = entryFor(platformOf('riscv64'), '/usr/bin/qemu-riscv64-static', 'F')

  test('each bad change is reported and skipped; the others are still undone', async () => {
    await register(kernel, arm64(), kernel.dir)
    await register(kernel, riscv, kernel.dir)
    const warnings: string[] = []
    const saved = [
      { kind: 'added', entry: arm64() },
      'garbage',
      { kind: 'added' },
      { kind: 'replaced', original: { ...riscv, interpreter: 'relative/evil' } },
      { kind: 'added', entry: { ...riscv, name: '../status' } },
      { kind: 'unmount-everything' },
      { kind: 'added', entry: riscv }
    ] as unknown as Change[]
    const report = await restore(saved, kernel, m => warnings.push(m), { dir: kernel.dir })
    expect(report.removed.sort()).toEqual(['qemu-aarch64', 'qemu-riscv64'])
    expect(report.invalid).toHaveLength(5)
    expect(warnings).toEqual(report.invalid)
    expect(report.invalid[0]).toBe('saved change 2 of 7 skipped: "garbage" is not an object')
    expect(report.invalid[1]).toMatch(/^saved change 3 of 7 skipped: its entry is not a binfmt entry \(not an object\)$/)
    expect(report.invalid[2]).toMatch(/^saved change 4 of 7 skipped: its original is not a binfmt entry \(invalid interpreter path/)
    expect(report.invalid[3]).toMatch(/invalid binfmt entry name: "..\/status"/)
    expect(report.invalid[4]).toMatch(/its kind "unmount-everything" is not mounted, added, replaced or shared/)
    expect(kernel.snapshot()).toEqual({})
  })

  test.each([
    ['a mount', { kind: 'mounted' }, undefined],
    ['a shared entry', { kind: 'shared', name: 'qemu-aarch64' }, undefined],
    ['a shared entry without a name', { kind: 'shared', name: 3 }, 'its name is not a string'],
    [
      'a replacement under another name',
      { kind: 'replaced', original: arm64(), entry: { ...arm64(), name: 'other' } },
      'it replaces qemu-aarch64 with other'
    ],
    [
      'an entry half enabled',
      { kind: 'added', entry: { ...arm64(), enabled: 'yes' } },
      'its entry is not a binfmt entry (its enabled is not true or false)'
    ]
  ])('%s: %p', (_what, change, problem) => {
    expect(changeProblem(change)).toBe(problem)
  })

  test('saved changes that are not JSON, or not a list, fail saying so', () => {
    expect(() => Journal.parse('[{"kind":')).toThrow(/^the saved changes are not JSON \(/)
    expect(() => Journal.parse('{"kind":"mounted"}')).toThrow('the saved changes are not a list')
  })
})

describe('with the host ledger', () => {
  class Alive implements ProcessInfo {
    async bootId() {
      return 'boot-1'
    }
    async startTime(pid: number) {
      return pid === 101 || pid === 202 ? `t${pid}` : undefined
    }
  }
  const jobA: Holder = { pid: 101, start: 't101', boot: 'boot-1', label: 'job A' }
  const jobB: Holder = { pid: 202, start: 't202', boot: 'boot-1', label: 'job B' }
  const ledger = () => new Ledger(ledgerDir, { info: new Alive() })
  const asJobA = () => ({ dir: kernel.dir, ledger: ledger(), holder: jobA })
  const repair = () => ({ binfmtDir: kernel.dir, warn: noWarnings })

  test("a change the ledger does not record for this job is left alone: another job's entry is never removed", async () => {
    await ledger().locked(async data => {
      data.registering(arm64(), undefined, jobB)
    }, repair())
    await register(kernel, arm64(), kernel.dir)
    const report = await restore([{ kind: 'added', entry: arm64() }], kernel, noWarnings, asJobA())
    expect(report).toMatchObject({ removed: [], kept: ['qemu-aarch64'] })
    expect(Object.keys(kernel.snapshot())).toEqual(['qemu-aarch64'])
  })

  test('an edited replaced change cannot register a handler the ledger never recorded', async () => {
    const warnings: string[] = []
    const evil = arm64('/tmp/evil', 'OC')
    const report = await restore([{ kind: 'replaced', original: evil }], kernel, m => warnings.push(m), asJobA())
    expect(report).toMatchObject({ restored: [], skipped: ['qemu-aarch64'] })
    expect(warnings).toEqual(["binfmt entry qemu-aarch64: the host's ledger does not say this job made that change; leaving it as it is"])
    expect(kernel.snapshot()).toEqual({})
  })

  test('an entry a package removed while this job installed it is registered again by its post step', async () => {
    const theirs = arm64('/usr/libexec/qemu-aarch64', '')
    await ledger().locked(async data => {
      data.removing(theirs, jobA)
    }, repair())
    const report = await restore([{ kind: 'replaced', original: theirs }], kernel, noWarnings, asJobA())
    expect(report.restored).toEqual(['qemu-aarch64'])
    expect((await readTable(kernel.dir)).get('qemu-aarch64')).toMatchObject({ interpreter: '/usr/libexec/qemu-aarch64' })
  })

  test.each([
    ['persist', PERSIST_HOLDER],
    ['command line', CLI_HOLDER]
  ])("a job's post step with the %s holder is refused before anything is undone", async (label, holder) => {
    await ledger().locked(async data => {
      data.registering(arm64(), undefined, jobA)
      data.persisted(arm64().name, join(ledgerDir, 'qemu-aarch64.conf'))
    }, repair())
    await register(kernel, arm64(), kernel.dir)
    const undo = restore([{ kind: 'added', entry: arm64() }], kernel, noWarnings, { dir: kernel.dir, ledger: ledger(), holder })
    const why = "only setup-x86-on-arm uninstall lets go of what it holds, never a job's post step"
    await expect(undo).rejects.toThrow(`holder "${label}" is not a job's: ${why}`)
    expect(Object.keys(kernel.snapshot())).toEqual(['qemu-aarch64'])
  })

  test('a holder of the wrong shape is refused, saying what is wrong', async () => {
    const holder = { pid: '101', start: 't101', boot: 'boot-1', label: 'job A' } as unknown as Holder
    await expect(restore([{ kind: 'mounted' }], kernel, noWarnings, { dir: kernel.dir, ledger: ledger(), holder })).rejects.toThrow(
      'holder is not valid: pid "101" is not a process id'
    )
  })
})

describe('journal', () => {
  test('persists the whole list after every change, and parses it back', async () => {
    const saved: string[] = []
    const journal = new Journal(changes => {
      saved.push(JSON.stringify(changes))
    })
    const change: Change = { kind: 'replaced', original: arm64('/old', '') }
    await journal.record({ kind: 'mounted' })
    await journal.record(change)
    await journal.update(change, { ...change, entry: arm64() })
    expect(saved).toHaveLength(3)
    expect(Journal.parse(saved[2])).toEqual([{ kind: 'mounted' }, { ...change, entry: arm64() }])
    await journal.update(journal.changes[1], undefined)
    expect(Journal.parse(saved[3])).toEqual([{ kind: 'mounted' }])
  })

  test('once stopped, it records nothing more: the change it would have begun is never made', async () => {
    const journal = new Journal()
    await journal.record({ kind: 'mounted' })
    journal.stop('stopped by SIGTERM')
    await expect(journal.record({ kind: 'added', entry: arm64() })).rejects.toThrow(Stopped)
    expect(journal.changes).toEqual([{ kind: 'mounted' }])
  })
})
