import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Entry, readTable, register } from '../../src/kernel/binfmt.js'
import { type Change, Journal } from '../../src/records/journal.js'
import { restore } from '../../src/core/restore.js'
import { entryFor, platformOf } from '../../src/kernel/platforms.js'
import { FakeKernel } from '../helpers/fake-kernel.js'

let kernel: FakeKernel
beforeEach(() => {
  kernel = new FakeKernel()
})
afterEach(() => kernel.dispose())

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
    expect(report).toEqual({ removed: [], restored: [], unmounted: false, skipped: [], kept: [] })
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
})
