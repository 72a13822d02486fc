/**
 * Several jobs on one host share the kernel's table: the ledger keeps an entry until its last live
 * holder's post step, and ignores holders whose runner died or whose boot is over. Its lock is
 * broken when its owner is gone, cannot be read for longer than a grace, or predates the boot; a
 * damaged ledger never reads as "nobody holds anything". Process liveness and the lock's clock are
 * faked (no real waiting); the integration tests use real overlapping jobs.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { register, type Table } from '../../src/kernel/binfmt.js'
import type { Change } from '../../src/records/journal.js'
import { type Holder, isLive, parseHolder, PERSIST_HOLDER, type ProcessInfo, REBUILT_HOLDER } from '../../src/records/holder.js'
import { type Clock, Ledger, LedgerData, ledgerDirFor, type Repair } from '../../src/records/ledger.js'
import { entryFor, platformOf } from '../../src/kernel/platforms.js'
import { restore } from '../../src/core/restore.js'
import { FakeKernel } from '../helpers/fake-kernel.js'

class FakeProcesses implements ProcessInfo {
  boot = 'boot-1'
  bootMs?: number
  alive = new Map<number, string>([[process.pid, 'self']])
  /** Runs when a process's liveness is asked: a test's hook into the moment a lock is judged. */
  onAsk?: (pid: number) => void
  async bootId() {
    return this.boot
  }
  async startTime(pid: number) {
    this.onAsk?.(pid)
    return this.alive.get(pid)
  }
  async bootTime() {
    return this.bootMs
  }
}

/** A clock that moves only when waited on: sleeping takes no real time. */
class FakeClock implements Clock {
  slept = 0
  constructor(public at = Date.now()) {}
  now() {
    return this.at
  }
  async sleep(ms: number) {
    this.at += ms
    this.slept += ms
    await nextTurn()
  }
}

let kernel: FakeKernel
let dir: string
let procs: FakeProcesses
let warnings: string[]
let repair: Repair
beforeEach(() => {
  kernel = new FakeKernel()
  dir = mkdtempSync(join(tmpdir(), 'ledger-'))
  procs = new FakeProcesses()
  warnings = []
  repair = { binfmtDir: kernel.dir, warn: m => warnings.push(m) }
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
const ledgerText = () => readFileSync(join(dir, 'ledger.json'), 'utf8')
const warn = (m: string) => void warnings.push(m)
const lockFile = () => join(dir, 'lock')
const newLedger = (options: ConstructorParameters<typeof Ledger>[1] = {}) =>
  new Ledger(dir, { info: procs, clock: new FakeClock(), ...options })

/** Job A registers arm64 (as setup does: ledger record + holder + kernel write). */
async function registerAs(ledger: Ledger, holder: Holder): Promise<Change[]> {
  await ledger.locked(async data => {
    data.registering(arm64, undefined, holder)
  }, repair)
  await register(kernel, arm64, kernel.dir)
  return [{ kind: 'added', entry: arm64 }]
}

/** Job B finds arm64 working and holds it too (setup's 'shared' record). */
async function shareAs(ledger: Ledger, holder: Holder): Promise<Change[]> {
  await ledger.locked(async data => {
    data.claim(arm64.name, holder)
  }, repair)
  return [{ kind: 'shared', name: arm64.name }]
}

const post = (ledger: Ledger, changes: Change[], holder: Holder) => restore(changes, kernel, warn, { dir: kernel.dir, ledger, holder })

describe('ledger', () => {
  test.each([
    ['the registering job finishes first', true],
    ['the sharing job finishes first', false]
  ])('two overlapping jobs: %s; the entry stays until the last one is done', async (_what, registrarFirst) => {
    const ledger = newLedger()
    const a = job(101)
    const b = job(202)
    const aChanges = await registerAs(ledger, a)
    const bChanges = await shareAs(ledger, b)
    const [first, second] = registrarFirst
      ? ([
          [aChanges, a],
          [bChanges, b]
        ] as const)
      : ([
          [bChanges, b],
          [aChanges, a]
        ] as const)

    const one = await post(ledger, first[0], first[1])
    expect(one.kept).toEqual(['qemu-aarch64'])
    expect(entries()).toEqual(['qemu-aarch64'])

    const two = await post(ledger, second[0], second[1])
    expect(two.removed).toEqual(['qemu-aarch64'])
    expect(entries()).toEqual([])
    expect(JSON.parse(ledgerText())).toEqual({ entries: {} })
    expect(warnings).toEqual([])
  })

  test('a ledger folder in a folder another user can write is refused: they could put another ledger in its place', async () => {
    const shared = join(dir, 'shared')
    mkdirSync(shared)
    chmodSync(shared, 0o777)
    const ledgerDir = join(shared, 'ledger')
    mkdirSync(ledgerDir, { mode: 0o700 })
    const ledger = new Ledger(ledgerDir, { info: procs, clock: new FakeClock() })
    await expect(ledger.locked(async () => 'ran', repair)).rejects.toThrow(
      `${ledgerDir} must belong to uid ${process.getuid?.()} and not be writable by others: the post step acts on what it records (${shared} is writable by every user (mode 777))`
    )
  })

  test('a holder whose runner died does not keep the entry', async () => {
    const ledger = newLedger()
    const a = job(101)
    const b = job(202)
    await registerAs(ledger, a)
    const bChanges = await shareAs(ledger, b)
    procs.alive.delete(101) // job A's runner was killed: no post step for A
    const report = await post(ledger, bChanges, b)
    expect(report.removed).toEqual(['qemu-aarch64'])
    expect(entries()).toEqual([])
  })

  test('a reused pid is not the holder it replaced', async () => {
    const holder = job(303)
    procs.alive.set(303, 'a later process')
    expect(await isLive(holder, procs)).toBe(false)
  })

  test.each([
    ['not JSON', '{"pid":', /^state "holder" is not a holder: not JSON \(/],
    ['not an object', '[1]', /^state "holder" is not a holder: \[1\] is not an object$/],
    ['a pid that is no process id', '{"pid":-1,"start":"","boot":"","label":""}', /pid -1 is not a process id$/],
    ['a label that is no string', '{"pid":1,"start":"","boot":"","label":7}', /label 7 is not a string$/]
  ])('a saved holder that is %s fails naming where it was read from', (_what, text, message) => {
    expect(() => parseHolder(text, 'state "holder"')).toThrow(message)
  })

  test('a saved holder is read back as it was; none saved is none', () => {
    const holder = job(505)
    expect(parseHolder(JSON.stringify(holder), 'state "holder"')).toEqual(holder)
    expect(parseHolder('', 'state "holder"')).toBeUndefined()
  })

  test('holders from before a reboot are stale', async () => {
    const holder = job(404)
    procs.boot = 'boot-2'
    expect(await isLive(holder, procs)).toBe(false)
  })

  test('an entry abandoned by dead jobs is undone by the next post step on the host', async () => {
    const ledger = newLedger()
    await registerAs(ledger, job(101))
    procs.alive.delete(101)
    const report = await post(ledger, [{ kind: 'mounted' }], job(202))
    expect(report.removed).toEqual(['qemu-aarch64'])
  })

  test('sections of several ledgers on one file never overlap, and no holder is lost', async () => {
    await newLedger().locked(async data => {
      data.registering(arm64, undefined, job(999))
    }, repair)
    let open!: () => void
    const gate = new Promise<void>(resolve => (open = resolve))
    const order: string[] = []
    const first = newLedger().locked(async data => {
      order.push('first in')
      await gate
      data.claim(arm64.name, job(998))
      order.push('first out')
    }, repair)
    while (!order.includes('first in')) await nextTurn()
    const holders = Array.from({ length: 20 }, (_, i) => job(1000 + i))
    const others = holders.map(h =>
      newLedger().locked(async data => {
        order.push(`${h.pid} in`)
        await nextTurn() // a chance for another section to slip in, were the lock not held
        data.claim(arm64.name, h)
        order.push(`${h.pid} out`)
      }, repair)
    )
    for (let i = 0; i < 100; i++) await nextTurn()
    expect(order).toEqual(['first in']) // every other section waits while the first holds the lock
    open()
    await Promise.all([first, ...others])
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i].replace(/ in$/, ' out'))
    expect(JSON.parse(ledgerText()).entries[arm64.name].holders).toHaveLength(22)
  })
})

describe('the lock', () => {
  test('a lock left by a dead process is broken at once', async () => {
    writeFileSync(lockFile(), '999999 t999999 boot-1')
    const clock = new FakeClock()
    await expect(newLedger({ clock }).locked(async () => 'ran', repair)).resolves.toBe('ran')
    expect(clock.slept).toBe(0)
    expect(existsSync(lockFile())).toBe(false)
  })

  test('a live owner is waited for, then the wait times out saying who holds it', async () => {
    job(4242)
    writeFileSync(lockFile(), '4242 t4242 boot-1')
    const clock = new FakeClock()
    await expect(newLedger({ clock, waitMs: 3000 }).locked(async () => 'ran', repair)).rejects.toThrow(
      /another job has held .*lock for over 3 s \(process 4242\)/
    )
    expect(clock.slept).toBeGreaterThan(3000)
    expect(readFileSync(lockFile(), 'utf8')).toBe('4242 t4242 boot-1')
  })

  test.each([
    ['empty (its process died between creating and writing it)', ''],
    ['holding no owner', 'not an owner']
  ])('a lock file %s is taken for one being written for the grace, then broken', async (_what, text) => {
    writeFileSync(lockFile(), text)
    const written = statSync(lockFile()).mtimeMs
    const clock = new FakeClock(written)
    await expect(newLedger({ clock, unreadableGraceMs: 10_000 }).locked(async () => 'ran', repair)).resolves.toBe('ran')
    expect(clock.at - written).toBeGreaterThan(10_000)
    expect(clock.at - written).toBeLessThan(11_000)
  })

  test('a lock file whose owner cannot be read and that is older than the boot is broken at once', async () => {
    writeFileSync(lockFile(), '')
    const past = new Date(Date.now() - 3_600_000)
    utimesSync(lockFile(), past, past)
    procs.bootMs = Date.now() - 60_000
    const clock = new FakeClock()
    await expect(newLedger({ clock }).locked(async () => 'ran', repair)).resolves.toBe('ran')
    expect(clock.slept).toBe(0)
  })

  test('a fresh lock taken while a dead one was being judged is put back, not broken', async () => {
    job(4242)
    writeFileSync(lockFile(), '999999 t999999 boot-1')
    procs.onAsk = pid => {
      if (pid !== 999999) return
      procs.onAsk = undefined
      // The dead owner's lock is broken by another waiter, which takes the lock itself.
      rmSync(lockFile())
      writeFileSync(lockFile(), '4242 t4242 boot-1')
    }
    await expect(newLedger({ waitMs: 1000 }).locked(async () => 'ran', repair)).rejects.toThrow(/process 4242/)
    expect(readFileSync(lockFile(), 'utf8')).toBe('4242 t4242 boot-1')
    expect(readdirSync(dir).filter(n => n.includes('stale'))).toEqual([])
  })

  test('the lock is removed after a section, also when its work throws', async () => {
    const ledger = newLedger()
    await expect(ledger.locked(async () => Promise.reject(new Error('boom')), repair)).rejects.toThrow('boom')
    expect(existsSync(lockFile())).toBe(false)
  })

  test('stop: a wait for the lock ends, a section running goes on to its end, idle says when', async () => {
    const ledger = newLedger()
    let open!: () => void
    const gate = new Promise<void>(resolve => (open = resolve))
    let finished = false
    const running = ledger.locked(async () => {
      await gate
      finished = true
    }, repair)
    while (!existsSync(lockFile())) await nextTurn()
    const waiting = ledger.locked(async () => 'never', repair)
    const idle = ledger.idle()
    ledger.stop('stopped by SIGTERM')
    await expect(waiting).rejects.toThrow('stopped by SIGTERM')
    open()
    await idle
    expect(finished).toBe(true)
    expect(existsSync(lockFile())).toBe(false)
    await running
  })
})

/** What job A's post step sees after the ledger was damaged while job B held arm64 too. */
describe('a damaged ledger', () => {
  const record = (over: object) => JSON.stringify({ entries: { [arm64.name]: { entry: arm64, holders: [job(101), job(202)], ...over } } })
  test.each([
    ['garbage', () => writeFileSync(join(dir, 'ledger.json'), '\u0000\u0013garbage{{')],
    ['cut short', () => writeFileSync(join(dir, 'ledger.json'), record({}).slice(0, 60))],
    [
      'a symbolic link instead of a file',
      () => {
        const elsewhere = join(dir, 'elsewhere.json')
        writeFileSync(elsewhere, JSON.stringify({ entries: {} }))
        rmSync(join(dir, 'ledger.json'))
        symlinkSync(elsewhere, join(dir, 'ledger.json'))
      }
    ],
    ['entries null', () => writeFileSync(join(dir, 'ledger.json'), '{"entries":null}')],
    ['holders not a list', () => writeFileSync(join(dir, 'ledger.json'), record({ holders: 'job 202' }))],
    ['a record without its entry', () => writeFileSync(join(dir, 'ledger.json'), record({ entry: undefined }))]
  ])('%s: the entry another job holds is kept, the file is named, a sound one is written back', async (_what, damage) => {
    const ledger = newLedger()
    const a = job(101)
    const b = job(202)
    const aChanges = await registerAs(ledger, a)
    const bChanges = await shareAs(ledger, b)
    damage()

    const report = await post(ledger, aChanges, a)
    expect(report.removed).toEqual([])
    expect(entries()).toEqual(['qemu-aarch64'])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`the host's ledger ${join(dir, 'ledger.json')} could not be trusted`)
    expect(warnings[0]).toMatch(/moved to .*ledger\.json\.damaged-.*none of the 1 entries there will be removed by a post step/)
    const aside = readdirSync(dir).filter(n => n.startsWith('ledger.json.damaged-'))
    expect(aside).toHaveLength(1)

    const sound = JSON.parse(ledgerText())
    expect(sound.entries[arm64.name].entry).toEqual(arm64)
    expect(sound.entries[arm64.name].holders).toContainEqual(REBUILT_HOLDER)
    // Job B's post step: still kept (who else held it is lost), and no second warning.
    expect((await post(ledger, bChanges, b)).kept).toEqual(['qemu-aarch64'])
    expect(entries()).toEqual(['qemu-aarch64'])
    expect(warnings).toHaveLength(1)
  })

  test('a record with a damaged holder keeps its sound holders', async () => {
    const a = job(101)
    writeFileSync(join(dir, 'ledger.json'), JSON.stringify({ entries: { [arm64.name]: { entry: arm64, holders: [a, { pid: 'x' }] } } }))
    await register(kernel, arm64, kernel.dir)
    const held = await newLedger().locked(async data => data.get(arm64.name), repair)
    expect(held?.holders).toEqual([a, REBUILT_HOLDER])
    expect(warnings[0]).toMatch(/record "qemu-aarch64": a holder is damaged \(pid "x" is not a process id\)/)
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
    data.registering(arm64, broken, a)
    data.claim(arm64.name, a)
    data.claim(arm64.name, a)
    expect(data.get(arm64.name)).toEqual({ entry: arm64, original: broken, holders: [a] })
    expect(data.holds(arm64.name, a)).toBe(true)
    expect(data.holds(arm64.name, job(202))).toBe(false)
  })

  test('records the kernel no longer bears out are forgotten: entry gone or changed, a removed name taken again', () => {
    const data = new LedgerData()
    data.registering(arm64, undefined, job(1))
    data.registering({ ...arm64, name: 'gone' }, undefined, job(2))
    data.registering({ ...arm64, name: 'changed' }, undefined, job(3))
    data.removing({ ...arm64, name: 'removed-still-free' }, job(4))
    data.removing({ ...arm64, name: 'removed-taken' }, job(5))
    const table: Table = new Map([
      [arm64.name, { ...arm64, enabled: false }],
      ['changed', { ...arm64, name: 'changed', flags: 'POCF' }],
      ['removed-taken', { ...arm64, name: 'removed-taken' }]
    ])
    data.forgetObsolete(table)
    expect(Object.keys(data.entries)).toEqual([arm64.name, 'removed-still-free'])
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
    const persisted = '/etc/binfmt.d/qemu-aarch64.conf'
    expect(data.takeAbandoned()).toEqual([[arm64.name, { entry: arm64, original: undefined, holders: [], persisted }]])
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
