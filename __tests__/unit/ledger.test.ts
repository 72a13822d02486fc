/**
 * Several jobs on one host share the kernel's table: the ledger keeps an entry until its last live
 * holder's post step, and ignores holders whose runner died or whose boot is over. Process
 * liveness is faked here; the integration tests use real overlapping jobs.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { register, type Table } from '../../src/kernel/binfmt.js'
import type { Change } from '../../src/records/journal.js'
import { type Holder, isLive, PERSIST_HOLDER, type ProcessInfo } from '../../src/records/holder.js'
import { Ledger, LedgerData, ledgerDirFor } from '../../src/records/ledger.js'
import { entryFor, platformOf } from '../../src/kernel/platforms.js'
import { restore } from '../../src/core/restore.js'
import { FakeKernel } from '../helpers/fake-kernel.js'

class FakeProcesses implements ProcessInfo {
  boot = 'boot-1'
  alive = new Map<number, string>([[process.pid, 'self']])
  async bootId() {
    return this.boot
  }
  async startTime(pid: number) {
    return this.alive.get(pid)
  }
}

let kernel: FakeKernel
let dir: string
let procs: FakeProcesses
beforeEach(() => {
  kernel = new FakeKernel()
  dir = mkdtempSync(join(tmpdir(), 'ledger-'))
  procs = new FakeProcesses()
})
afterEach(() => {
  kernel.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const job = (pid: number): Holder => {
  procs.alive.set(pid, `t${pid}`)
  return { pid, start: `t${pid}`, boot: 'boot-1', label: `job ${pid}` }
}
const arm64 = entryFor(platformOf('aarch64'), '/usr/bin/qemu-aarch64-static', 'F')
const entries = () => readdirSync(kernel.dir).filter(n => n !== 'register' && n !== 'status')
const quiet = () => undefined

/** Job A registers arm64 (as setup does: ledger record + holder + kernel write). */
async function registerAs(ledger: Ledger, holder: Holder): Promise<Change[]> {
  await ledger.locked(async data => {
    data.registering(arm64, undefined, holder)
  })
  await register(kernel, arm64, kernel.dir)
  return [{ kind: 'added', entry: arm64 }]
}

/** Job B finds arm64 working and holds it too (setup's 'shared' record). */
async function shareAs(ledger: Ledger, holder: Holder): Promise<Change[]> {
  await ledger.locked(async data => {
    data.claim(arm64.name, holder)
  })
  return [{ kind: 'shared', name: arm64.name }]
}

describe('ledger', () => {
  test.each([
    ['the registering job finishes first', true],
    ['the sharing job finishes first', false]
  ])('two overlapping jobs: %s; the entry stays until the last one is done', async (_what, registrarFirst) => {
    const ledger = new Ledger(dir, procs)
    const a = job(101)
    const b = job(202)
    const aChanges = await registerAs(ledger, a)
    const bChanges = await shareAs(ledger, b)
    const [first, second] = registrarFirst ? [[aChanges, a], [bChanges, b]] as const : [[bChanges, b], [aChanges, a]] as const

    const one = await restore(first[0], kernel, quiet, { dir: kernel.dir, ledger, holder: first[1] })
    expect(one.kept).toEqual(['qemu-aarch64'])
    expect(entries()).toEqual(['qemu-aarch64'])

    const two = await restore(second[0], kernel, quiet, { dir: kernel.dir, ledger, holder: second[1] })
    expect(two.removed).toEqual(['qemu-aarch64'])
    expect(entries()).toEqual([])
    expect(JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8'))).toEqual({ entries: {} })
  })

  test('a holder whose runner died does not keep the entry', async () => {
    const ledger = new Ledger(dir, procs)
    const a = job(101)
    const b = job(202)
    await registerAs(ledger, a)
    const bChanges = await shareAs(ledger, b)
    procs.alive.delete(101) // job A's runner was killed: no post step for A
    const report = await restore(bChanges, kernel, quiet, { dir: kernel.dir, ledger, holder: b })
    expect(report.removed).toEqual(['qemu-aarch64'])
    expect(entries()).toEqual([])
  })

  test('a reused pid is not the holder it replaced', async () => {
    const holder = job(303)
    procs.alive.set(303, 'a later process')
    expect(await isLive(holder, procs)).toBe(false)
  })

  test('holders from before a reboot are stale', async () => {
    const holder = job(404)
    procs.boot = 'boot-2'
    expect(await isLive(holder, procs)).toBe(false)
  })

  test('an entry abandoned by dead jobs is undone by the next post step on the host', async () => {
    const ledger = new Ledger(dir, procs)
    await registerAs(ledger, job(101))
    procs.alive.delete(101)
    const other = job(202)
    const report = await restore([{ kind: 'mounted' }], kernel, quiet, { dir: kernel.dir, ledger, holder: other })
    expect(report.removed).toEqual(['qemu-aarch64'])
  })

  test('a lock left by a dead process is broken; a live one is waited for, then times out', async () => {
    writeFileSync(join(dir, 'lock'), '999999 t999999 boot-1')
    const ledger = new Ledger(dir, procs, 300)
    await expect(ledger.locked(async () => 'ran')).resolves.toBe('ran')

    procs.alive.set(4242, 't4242')
    writeFileSync(join(dir, 'lock'), '4242 t4242 boot-1')
    await expect(ledger.locked(async () => 'ran')).rejects.toThrow(/another job has held .*lock for over 0 s \(process 4242\)/)
  })

  test('concurrent writers do not lose each other\'s holders', async () => {
    const ledger = new Ledger(dir, procs)
    await ledger.locked(async data => {
      data.track(arm64, undefined, job(999))
    })
    const holders = Array.from({ length: 20 }, (_, i) => job(1000 + i))
    await Promise.all(
      holders.map(h =>
        new Ledger(dir, procs).locked(async data => {
          await new Promise(r => setTimeout(r, Math.random() * 5))
          data.claim(arm64.name, h)
        })
      )
    )
    const saved = JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8'))
    expect(saved.entries[arm64.name].holders).toHaveLength(21)
  })
})

describe('ledger records', () => {
  const broken = entryFor(platformOf('aarch64'), '/usr/bin/qemu-aarch64-gone', '')

  test('registering over a record keeps its holders and original; putBack undoes it', () => {
    const data = new LedgerData()
    const a = job(101)
    const b = job(202)
    data.registering(broken, undefined, a)
    const previous = data.registering(arm64, broken, b)
    expect(data.get(arm64.name)).toEqual({ entry: arm64, original: undefined, holders: [a, b] })
    data.putBack(arm64.name, previous)
    expect(data.get(arm64.name)).toEqual({ entry: broken, holders: [a] })
    data.putBack('qemu-riscv64', undefined)
    expect(data.get('qemu-riscv64')).toBeUndefined()
  })

  test('a holder is listed once however often it claims', () => {
    const data = new LedgerData()
    const a = job(101)
    data.track(arm64, broken, a)
    data.track(arm64, undefined, a)
    data.claim(arm64.name, a)
    expect(data.get(arm64.name)).toEqual({ entry: arm64, original: broken, holders: [a] })
  })

  test('records whose entry the kernel no longer has, or has changed, are forgotten', () => {
    const data = new LedgerData()
    data.track(arm64, undefined, job(1))
    data.track({ ...arm64, name: 'gone' }, undefined, job(2))
    data.track({ ...arm64, name: 'changed' }, undefined, job(3))
    const table: Table = new Map([
      [arm64.name, { ...arm64, enabled: false }],
      ['changed', { ...arm64, name: 'changed', flags: 'POCF' }]
    ])
    data.forgetObsolete(table)
    expect(Object.keys(data.entries)).toEqual([arm64.name])
  })

  test('release keeps an entry another holder has, and hands back the record with the last', () => {
    const data = new LedgerData()
    const a = job(101)
    const b = job(202)
    data.registering(arm64, broken, a)
    data.claim(arm64.name, b)
    expect(data.release(arm64.name, a)).toEqual({ kept: true })
    expect(data.release(arm64.name, b)).toEqual({ kept: false, last: { entry: arm64, original: broken, holders: [] } })
    expect(data.release(arm64.name, b)).toEqual({ kept: false })
  })

  test('persisted entries are held by persist until uninstall lets go of every such holder', () => {
    const data = new LedgerData()
    const a = job(101)
    data.registering(arm64, undefined, a)
    data.persisted(arm64.name, '/etc/binfmt.d/qemu-aarch64.conf')
    expect(data.release(arm64.name, a)).toEqual({ kept: true })
    expect(data.takeAbandoned()).toEqual([])
    data.releaseEverywhere([PERSIST_HOLDER])
    expect(data.takeAbandoned()).toEqual([[arm64.name, { entry: arm64, original: undefined, holders: [], persisted: '/etc/binfmt.d/qemu-aarch64.conf' }]])
    expect(data.entries).toEqual({})
  })

  test.each([
    ['root', 0, {}, '/var/lib/setup-x86-on-arm'],
    ['a user with a runtime folder', 1000, { XDG_RUNTIME_DIR: '/run/user/1000' }, '/run/user/1000/setup-x86-on-arm-1000'],
    ['an explicit folder', 0, { SETUP_X86_ON_ARM_LEDGER_DIR: '/srv/ledger' }, '/srv/ledger']
  ])('the ledger of %s (uid %i, environment %j) is %s', (_who, uid, env, dir) => {
    expect(ledgerDirFor(uid, env)).toBe(dir)
  })
})
