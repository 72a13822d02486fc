/**
 * Jobs overlapping on one host while one of them downloads QEMU or installs packages: the ledger's
 * lock covers only reading and writing the ledger and the table, so the other jobs' main and post
 * steps go on meanwhile, and what they did is theirs. A signal stops a setup between two changes:
 * the change in progress finishes, no other begins, and the post step restores the table. Every
 * interleaving here is made with a gate the test opens: no timing is involved.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Context, SetupRequest } from '../../src/core/context.js'
import { restore } from '../../src/core/restore.js'
import { setup } from '../../src/core/setup.js'
import { register } from '../../src/kernel/binfmt.js'
import { entryFor, platformOf, type QemuTarget } from '../../src/kernel/platforms.js'
import type { Holder } from '../../src/records/holder.js'
import { Stopped } from '../../src/records/journal.js'
import { Ledger, LockRefused } from '../../src/records/ledger.js'
import { fixture, type Fixture } from '../helpers/core-fixture.js'

const QEMU = (t: QemuTarget) => `/fake/bin/qemu-${t}-static`
const request = (targets: QemuTarget[], method: SetupRequest['install']['method'] = 'download'): SetupRequest => ({
  platforms: targets.map(platformOf),
  flags: 'F',
  install: { method, qemuVersion: '', qemuUrl: '', qemuSha256: '' },
  prove: true,
  persist: false
})

let f: Fixture
beforeEach(() => {
  f = fixture()
  for (const t of ['riscv64', 'ppc64le', 's390x'] as const) {
    f.prober.interpreters.set(QEMU(t), t)
    f.installer.served.set(t, { path: QEMU(t), source: 'download' })
  }
})
afterEach(() => f.dispose())

const lockHeld = () => existsSync(join(f.ledgerDir, 'lock'))
/** A post step, run as its own process would: a ledger of its own. */
const post = (ctx: Context) => {
  const ledger = new Ledger(f.ledgerDir, { info: f.procs })
  return restore(ctx.journal.changes, f.kernel, m => f.warnings.push(m), { dir: f.kernel.dir, ledger, holder: ctx.holder })
}

/** A job whose install layer waits at a gate (a download from a stalling server) until the test opens it. */
function downloadingJob(holder: Holder) {
  let open!: () => void
  const gate = new Promise<void>(resolve => (open = resolve))
  let reached!: () => void
  const waiting = new Promise<void>(resolve => (reached = resolve))
  const seen = { lockHeld: true }
  const ctx: Context = {
    ...f.jobContext(holder),
    obtain: async (...args) => {
      seen.lockHeld = lockHeld()
      reached()
      await gate
      return f.installer.obtain(...args)
    }
  }
  return { ctx, open, waiting, seen }
}

describe('a job downloading while others run', () => {
  test("holds no lock: another job's main and post step complete meanwhile", async () => {
    const a = downloadingJob(f.procs.job(101))
    const aSetup = setup(request(['riscv64']), a.ctx)
    await a.waiting
    expect(a.seen.lockHeld).toBe(false)

    const b = f.jobContext(f.procs.job(202))
    expect((await setup(request(['ppc64le']), b)).platforms[0].status).toBe('registered')
    expect((await post(b)).removed).toEqual(['qemu-ppc64le'])

    a.open()
    expect((await aSetup).platforms[0].status).toBe('registered')
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-riscv64'])
    expect((await post(a.ctx)).removed).toEqual(['qemu-riscv64'])
    expect(f.kernel.snapshot()).toEqual({})
  })

  test('a platform another job registered meanwhile is shared, not replaced; the last post step removes it', async () => {
    const a = downloadingJob(f.procs.job(101))
    const aSetup = setup(request(['riscv64']), a.ctx)
    await a.waiting
    const b = f.jobContext(f.procs.job(202))
    await setup(request(['riscv64']), b)
    const before = f.kernel.snapshot()

    a.open()
    const report = await aSetup
    const detail = 'registered meanwhile by another job as qemu-riscv64; shared with it'
    expect(report.platforms[0]).toMatchObject({ status: 'existing', detail })
    expect(f.kernel.snapshot()).toEqual(before)
    expect(a.ctx.journal.changes).toEqual([{ kind: 'shared', name: 'qemu-riscv64' }])

    expect((await post(b)).kept).toEqual(['qemu-riscv64'])
    expect((await post(a.ctx)).removed).toEqual(['qemu-riscv64'])
    expect(f.kernel.snapshot()).toEqual({})
  })
})

describe('a package install while others run', () => {
  test("runs unlocked; what other jobs registered or removed meanwhile is theirs, what the package registered is this job's", async () => {
    const c = f.jobContext(f.procs.job(303))
    await setup(request(['s390x']), c) // registered before; its post step runs during the install
    const a = f.jobContext(f.procs.job(101))
    const b = f.jobContext(f.procs.job(202))
    const byPackage = entryFor(platformOf('riscv64'), '/fake/libexec/qemu-binfmt/riscv64-binfmt-P', 'POF')
    f.prober.interpreters.set(byPackage.interpreter, 'riscv64')
    f.installer.served.set('riscv64', { path: '/fake/usr/qemu-riscv64', source: 'apt' })
    let lockDuringInstall = true
    f.installer.during = async () => {
      f.installer.during = undefined // job B's install (download) runs no package
      lockDuringInstall = lockHeld()
      expect((await post(c)).removed).toEqual(['qemu-s390x'])
      await setup(request(['ppc64le']), b)
      await register(f.kernel, byPackage, f.kernel.dir)
    }
    const report = await setup(request(['riscv64'], 'apt'), a)
    expect(lockDuringInstall).toBe(false)
    expect(report.platforms[0]).toMatchObject({ status: 'registered', detail: 'registered by the distro package' })
    expect(a.journal.changes).toEqual([{ kind: 'added', entry: byPackage }])

    expect((await post(a)).removed).toEqual(['qemu-riscv64'])
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-ppc64le'])
    expect((await post(b)).removed).toEqual(['qemu-ppc64le'])
    expect(f.kernel.snapshot()).toEqual({})
  })
})

describe('a signal', () => {
  test('during a download: no change begins after it, the lock is free, the post step lets go of what was held', async () => {
    const b = f.jobContext(f.procs.job(202))
    await setup(request(['ppc64le']), b)
    const a = downloadingJob(f.procs.job(101))
    const aSetup = setup(request(['ppc64le', 'riscv64']), a.ctx)
    await a.waiting
    // What the signal handler does (faces/signals.ts), then the stalled download goes on.
    a.ctx.journal.stop('stopped by SIGTERM')
    a.ctx.ledger.stop('stopped by SIGTERM')
    a.open()
    await expect(aSetup).rejects.toThrow(LockRefused)
    expect(lockHeld()).toBe(false)
    expect(Object.keys(f.kernel.snapshot())).toEqual(['qemu-ppc64le'])
    expect(a.ctx.journal.changes).toEqual([{ kind: 'shared', name: 'qemu-ppc64le' }])
    expect((await post(a.ctx)).kept).toEqual(['qemu-ppc64le'])
    expect((await post(b)).removed).toEqual(['qemu-ppc64le'])
  })

  test('during registering: the change in progress finishes, the next never begins, post restores the table', async () => {
    const g = fixture({ mounted: false })
    try {
      for (const t of ['riscv64', 'ppc64le'] as const) {
        g.prober.interpreters.set(QEMU(t), t)
        g.installer.served.set(t, { path: QEMU(t), source: 'download' })
      }
      const ctx = g.jobContext(g.procs.job(101))
      const record = ctx.journal.record.bind(ctx.journal)
      ctx.journal.record = async change => {
        await record(change)
        if (change.kind === 'added') {
          ctx.journal.stop('stopped by SIGINT') // the signal arrives while the first entry is registered
          ctx.ledger.stop('stopped by SIGINT')
        }
      }
      await expect(setup(request(['riscv64', 'ppc64le']), ctx)).rejects.toThrow(Stopped)
      expect(Object.keys(g.kernel.snapshot())).toEqual(['qemu-riscv64'])
      expect(existsSync(join(g.ledgerDir, 'lock'))).toBe(false)
      await ctx.ledger.idle()
      const report = await restore(ctx.journal.changes, g.kernel, () => undefined, {
        dir: g.kernel.dir,
        ledger: new Ledger(g.ledgerDir, { info: g.procs }),
        holder: ctx.holder
      })
      expect(report).toMatchObject({ removed: ['qemu-riscv64'], unmounted: true })
      expect(g.kernel.snapshot()).toEqual({})
      expect(g.kernel.mounted).toBe(false)
    } finally {
      g.dispose()
    }
  })
})
