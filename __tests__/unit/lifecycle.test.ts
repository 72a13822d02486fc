/**
 * A job's whole life on the fake machine: setup, then the post step's restore, with other jobs on
 * the same host and mains killed half-way. The table must end as it began, except for what
 * another live job (or persist) still holds.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createContext, disposeContext, type SetupRequest } from '../../src/core/context.js'
import { restore } from '../../src/core/restore.js'
import { setup } from '../../src/core/setup.js'
import { entryFor, platformOf, type QemuTarget } from '../../src/kernel/platforms.js'
import { register } from '../../src/kernel/binfmt.js'
import type { Holder } from '../../src/records/holder.js'
import type { Change } from '../../src/records/journal.js'
import { fixture, type Fixture } from '../helpers/core-fixture.js'

const QEMU = (t: QemuTarget) => `/fake/bin/qemu-${t}-static`
const request = (targets: QemuTarget[]): SetupRequest => ({
  platforms: targets.map(platformOf),
  flags: 'F',
  install: { method: 'auto', qemuVersion: '', qemuUrl: '', qemuSha256: '' },
  prove: true,
  persist: false
})
const quiet = () => undefined

let f: Fixture
beforeEach(() => {
  f = fixture({ mounted: false })
  for (const t of ['riscv64', 'ppc64le'] as const) {
    f.prober.interpreters.set(QEMU(t), t)
    f.installer.served.set(t, { path: QEMU(t), source: 'download' })
  }
})
afterEach(() => f.dispose())

const post = (changes: readonly Change[], holder: Holder) =>
  restore(changes, f.kernel, quiet, { dir: f.kernel.dir, ledger: f.ctx.ledger, holder })

describe('main, then post', () => {
  test('post undoes a new registration and the mount: the table and the mount state are as before', async () => {
    await setup(request(['riscv64', 'ppc64le']), f.ctx)
    expect(f.kernel.mounted).toBe(true)
    const report = await post(f.ctx.journal.changes, f.ctx.holder)
    expect(report).toMatchObject({ removed: ['qemu-ppc64le', 'qemu-riscv64'], unmounted: true, kept: [] })
    expect(f.kernel.mounted).toBe(false)
    expect(f.kernel.snapshot()).toEqual({})
  })

  test('post puts a replaced broken entry back byte for byte', async () => {
    const g = fixture()
    try {
      g.prober.interpreters.set(QEMU('riscv64'), 'riscv64')
      g.installer.served.set('riscv64', { path: QEMU('riscv64'), source: 'download' })
      await register(g.kernel, { ...entryFor(platformOf('riscv64'), '/fake/old-qemu', ''), enabled: false }, g.kernel.dir)
      const before = g.kernel.snapshot()
      await setup(request(['riscv64']), g.ctx)
      expect(g.kernel.snapshot()).not.toEqual(before)
      const report = await restore(g.ctx.journal.changes, g.kernel, quiet, {
        dir: g.kernel.dir,
        ledger: g.ctx.ledger,
        holder: g.ctx.holder
      })
      expect(report.restored).toEqual(['qemu-riscv64'])
      expect(g.kernel.snapshot()).toEqual(before)
    } finally {
      g.dispose()
    }
  })
})

describe('several jobs on one host', () => {
  test.each([
    ['the registering job ends first', true],
    ['the sharing job ends first', false]
  ])('%s: the entry is kept while another live job holds it, removed with the last', async (_what, registrarFirst) => {
    const a = f.jobContext(f.procs.job(101))
    const b = f.jobContext(f.procs.job(202))
    await setup(request(['riscv64']), a)
    const shared = await setup(request(['riscv64']), b)
    expect(shared.platforms[0].status).toBe('existing')
    const [first, second] = registrarFirst ? [a, b] : [b, a]

    expect((await post(first.journal.changes, first.holder)).kept).toEqual(['qemu-riscv64'])
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-riscv64'])
    expect((await post(second.journal.changes, second.holder)).removed).toEqual(['qemu-riscv64'])
    expect(f.kernel.snapshot()).toEqual({})
  })

  test('an entry whose registering job died is removed by the next post step on the host', async () => {
    const dead = f.jobContext(f.procs.job(101))
    await setup(request(['riscv64']), dead)
    f.procs.alive.delete(101)
    const later = f.jobContext(f.procs.job(202))
    await setup(request(['ppc64le']), later)
    const report = await post(later.journal.changes, later.holder)
    expect(report.removed.sort()).toEqual(['qemu-ppc64le', 'qemu-riscv64'])
    expect(f.kernel.snapshot()).toEqual({})
  })
})

describe('a main killed half-way', () => {
  // Two platforms on an unmounted table make three recorded changes: mounted, added, added.
  test.each([1, 2, 3])('killed right after recording change %i: post restores the table completely', async n => {
    const ctx = f.jobContext(f.procs.job(303))
    const killed = new Error('SIGKILL')
    let recorded: readonly Change[] = []
    const journal = ctx.journal as { record(change: Change): Promise<void>; changes: Change[] }
    const record = journal.record.bind(journal)
    // What a kill leaves: the change saved, never made, and nothing after it.
    journal.record = async change => {
      await record(change)
      recorded = [...journal.changes]
      if (recorded.length === n) throw killed
    }
    await expect(setup(request(['riscv64', 'ppc64le']), ctx)).rejects.toBe(killed)
    expect(recorded).toHaveLength(n)
    await post(recorded, ctx.holder)
    expect(f.kernel.snapshot()).toEqual({})
    expect(f.kernel.mounted).toBe(false)
  })
})

describe('createContext', () => {
  test('builds the core from what it is given: places, holder, ledger folder, journal', async () => {
    const saved: number[] = []
    const holder = f.procs.job(55)
    mkdirSync(f.bootDir, { recursive: true })
    const ctx = await createContext({
      toolCache: join(f.bootDir, 'cache'),
      tempDir: f.bootDir,
      assetBase: 'https://example.invalid/me/setup-x86-on-arm',
      holder,
      ledgerDir: f.ledgerDir,
      persistJournal: changes => {
        saved.push(changes.length)
      },
      log: { info: quiet, warning: quiet }
    })
    expect(ctx.places).toEqual({
      toolCache: join(f.bootDir, 'cache'),
      tempDir: f.bootDir,
      assetBase: 'https://example.invalid/me/setup-x86-on-arm'
    })
    expect(ctx.holder).toBe(holder)
    expect(ctx.ledger.dir).toBe(f.ledgerDir)
    expect(ctx.workDir.startsWith(`${f.bootDir}/setup-x86-on-arm-`)).toBe(true)
    // made fresh, for this process's user alone
    expect(statSync(ctx.workDir).mode & 0o777).toBe(0o700)
    await disposeContext(ctx)
    await ctx.journal.record({ kind: 'mounted' })
    expect(saved).toEqual([1])
    expect(ctx.binfmtDir).toBe('/proc/sys/fs/binfmt_misc')
    expect(ctx.bootDir).toBe('/etc/binfmt.d')
  })

  test('disposeContext removes the scratch folder', async () => {
    const ctx = f.jobContext(f.ctx.holder)
    await f.kernel.run('mkdir', ['-p', ctx.workDir])
    expect(existsSync(ctx.workDir)).toBe(true)
    await disposeContext(ctx)
    expect(existsSync(ctx.workDir)).toBe(false)
  })
})
