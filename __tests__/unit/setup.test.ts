/**
 * The core's decisions on a fake machine (fake kernel table, fake probes, fake install layer,
 * a ledger in a temp folder): what runs already, what is shared, registered, replaced, undone
 * or persisted, and what every change left in the journal and the ledger. riscv64 and ppc64le
 * are the foreign targets: they match no machine these tests run on.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SetupRequest } from '../../src/core/context.js'
import { restore } from '../../src/core/restore.js'
import { setup } from '../../src/core/setup.js'
import { SetupError } from '../../src/core/report.js'
import { type Entry, readTable, register } from '../../src/kernel/binfmt.js'
import { readElf } from '../../src/kernel/elf.js'
import { entryFor, platformOf, platformOfHeader, type QemuTarget } from '../../src/kernel/platforms.js'
import type { Source } from '../../src/install/index.js'
import { PERSIST_HOLDER } from '../../src/records/holder.js'
import type { Ledger } from '../../src/records/ledger.js'
import { fixture, type Fixture, x86Host } from '../helpers/core-fixture.js'

const riscv64 = platformOf('riscv64')
const ppc64le = platformOf('ppc64le')
const amd64 = platformOf('x86_64')
const i386 = platformOf('i386')
const QEMU = (t: QemuTarget) => `/fake/bin/qemu-${t}-static`

const request = (over: Partial<SetupRequest> = {}): SetupRequest => ({
  platforms: [riscv64],
  flags: 'F',
  install: { method: 'auto', qemuVersion: '', qemuUrl: '', qemuSha256: '' },
  prove: true,
  persist: false,
  ...over
})

let f: Fixture
beforeEach(() => {
  f = fixture()
})
afterEach(() => f.dispose())

/** The machine has a working interpreter for the target, and the install layer hands it out. */
function serve(target: QemuTarget, source: Source = 'download', path = QEMU(target)): void {
  f.prober.interpreters.set(path, target)
  f.installer.served.set(target, { path, version: '10.0.3', source })
}

const ledgerFile = () => JSON.parse(readFileSync(join(f.ledgerDir, 'ledger.json'), 'utf8'))
const lastSaved = () => f.saved.at(-1) ?? []
const entryOf = (target: QemuTarget, interpreter = QEMU(target), flags = 'F'): Entry => entryFor(platformOf(target), interpreter, flags)

describe('assess: what runs already', () => {
  test("the host's own platforms are native: nothing asked, installed or recorded", async () => {
    const report = await setup(request({ platforms: [amd64, i386] }), f.ctx)
    expect(report.platforms.map(p => [p.platform.docker, p.status, p.detail])).toEqual([
      ['linux/amd64', 'native', 'runs natively'],
      ['linux/386', 'native', 'runs natively']
    ])
    expect(f.privilegedAsked()).toBe(0)
    expect(f.installer.calls).toEqual([])
    expect(f.saved).toEqual([])
    expect(existsSync(join(f.ledgerDir, 'ledger.json'))).toBe(false)
  })

  test("a platform of the host's own family that does not run fails and is never registered", async () => {
    const host = x86Host({ machine: 'riscv64', family: ['riscv64'] })
    const g = fixture({ host })
    try {
      g.prober.run = async () => ({ ok: false, output: 'Exec format error' })
      const report = await setup(request(), g.ctx)
      expect(report.platforms[0]).toMatchObject({ status: 'failed' })
      expect(report.platforms[0].detail).toMatch(
        /linux\/riscv64 is this riscv64 host's own family but does not run \(Exec format error\); the action never registers/
      )
      expect(g.kernel.snapshot()).toEqual({})
      expect(g.installer.calls).toEqual([])
    } finally {
      g.dispose()
    }
  })

  test('a host that cannot serve the request throws before anything is probed or changed', async () => {
    const g = fixture({ host: x86Host({ os: 'darwin' }) })
    try {
      await expect(setup(request(), g.ctx)).rejects.toThrow(SetupError)
      await expect(setup(request(), g.ctx)).rejects.toThrow(/works on Linux runners only/)
      expect(g.prober.runs).toBe(0)
    } finally {
      g.dispose()
    }
  })

  test('a working entry that was there before is used and left untouched', async () => {
    f.prober.interpreters.set('/fake/usr/qemu-riscv64-static', 'riscv64')
    await register(f.kernel, entryOf('riscv64', '/fake/usr/qemu-riscv64-static'), f.kernel.dir)
    const before = f.kernel.snapshot()
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0]).toMatchObject({
      status: 'existing',
      detail: 'already registered as qemu-riscv64; left as it is',
      interpreter: '/fake/usr/qemu-riscv64-static',
      flags: 'F',
      entry: 'qemu-riscv64'
    })
    expect(f.kernel.snapshot()).toEqual(before)
    expect(f.installer.calls).toEqual([])
    // Not the action's entry: nothing to hold, nothing for post to undo.
    expect(f.saved).toEqual([])
    expect(ledgerFile()).toEqual({ entries: {} })
  })

  test('an entry whose interpreter someone other than root could change is never run: replaced, and post puts it back', async () => {
    const theirs = entryOf('riscv64', '/fake/home/user/qemu-riscv64')
    f.prober.interpreters.set(theirs.interpreter, 'riscv64')
    f.untrusted.add(theirs.interpreter)
    await register(f.kernel, theirs, f.kernel.dir)
    const before = f.kernel.snapshot()
    serve('riscv64')
    const report = await setup(request(), f.ctx)
    // Not one probe ran through their interpreter: the only runs are the proofs of the action's own.
    expect(f.prober.ran).not.toContain(theirs.interpreter)
    expect(f.warnings).toEqual([
      `linux/riscv64: the entry qemu-riscv64 is not run: ${theirs.interpreter} is writable by every user (mode 777); the action registers its own in front of it`
    ])
    expect(report.platforms[0]).toMatchObject({ status: 'registered', interpreter: QEMU('riscv64') })
    expect(lastSaved()[0]).toMatchObject({ kind: 'replaced', original: { interpreter: theirs.interpreter } })
    await restore(lastSaved(), f.kernel, () => {}, { dir: f.kernel.dir })
    expect(f.kernel.snapshot()).toEqual(before)
  })

  test('the reports keep the order the platforms were asked in', async () => {
    serve('riscv64')
    serve('ppc64le')
    const report = await setup(request({ platforms: [ppc64le, amd64, riscv64] }), f.ctx)
    expect(report.platforms.map(p => `${p.platform.target}:${p.status}`)).toEqual([
      'ppc64le:registered',
      'x86_64:native',
      'riscv64:registered'
    ])
    expect(f.installer.calls[0].targets).toEqual(['ppc64le', 'riscv64'])
  })
})

describe('register: a new entry', () => {
  test('registers, proves and records it: journal first, then the ledger with this job as holder', async () => {
    serve('riscv64')
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0]).toMatchObject({
      status: 'registered',
      interpreter: QEMU('riscv64'),
      qemuVersion: '10.0.3',
      source: 'download',
      flags: 'F',
      entry: 'qemu-riscv64'
    })
    expect(report.platforms[0].detail).toBe(`registered qemu-riscv64 -> ${QEMU('riscv64')} (flags F); probe printed riscv64`)
    expect((await readTable(f.kernel.dir)).get('qemu-riscv64')).toMatchObject({ enabled: true, interpreter: QEMU('riscv64'), flags: 'F' })
    expect(lastSaved()).toEqual([{ kind: 'added', entry: entryOf('riscv64') }])
    expect(ledgerFile().entries['qemu-riscv64']).toEqual({ entry: entryOf('riscv64'), holders: [f.ctx.holder] })
    expect(f.logs).toContain(`linux/riscv64: ${report.platforms[0].detail}`)
  })

  test('each change is saved in the journal before the kernel sees it (write-ahead)', async () => {
    serve('riscv64')
    serve('ppc64le')
    await setup(request({ platforms: [riscv64, ppc64le] }), f.ctx)
    expect(f.saved.map(s => s.length)).toEqual([1, 2])
    expect(f.tablesAtSave).toEqual([[], ['qemu-riscv64']])
  })

  test('asks the install layer for the needed targets only, with the flags and the places it was given', async () => {
    serve('riscv64')
    await setup(
      request({
        platforms: [amd64, riscv64],
        flags: 'PF',
        install: { method: 'download', qemuVersion: '10.0.3', qemuUrl: '', qemuSha256: '' }
      }),
      f.ctx
    )
    expect(f.installer.calls).toEqual([
      {
        targets: ['riscv64'],
        request: { method: 'download', flags: 'PF', qemuVersion: '10.0.3', qemuUrl: '', qemuSha256: '' },
        // Partial downloads go into the run's scratch folder, which main removes on every way out.
        places: { ...f.ctx.places, tempDir: f.ctx.workDir }
      }
    ])
  })

  test('mounts binfmt_misc first when it is not mounted, and records that', async () => {
    const g = fixture({ mounted: false })
    try {
      g.prober.interpreters.set(QEMU('riscv64'), 'riscv64')
      g.installer.served.set('riscv64', { path: QEMU('riscv64'), source: 'download' })
      await setup(request(), g.ctx)
      expect(g.kernel.log).toContain(`mount -t binfmt_misc binfmt_misc ${g.kernel.dir}`)
      expect(g.saved.at(-1)?.map(c => c.kind)).toEqual(['mounted', 'added'])
      expect(g.logs).toContain(`mounted binfmt_misc on ${g.kernel.dir}`)
    } finally {
      g.dispose()
    }
  })

  test('does not mount binfmt_misc when there is nothing to register', async () => {
    const g = fixture({ mounted: false })
    try {
      const report = await setup(request(), g.ctx)
      expect(report.platforms[0].status).toBe('failed')
      expect(g.kernel.mounted).toBe(false)
      expect(g.saved).toEqual([])
    } finally {
      g.dispose()
    }
  })

  test('passes the cache hit of the download on', async () => {
    serve('riscv64')
    f.installer.cacheHit = true
    expect((await setup(request(), f.ctx)).cacheHit).toBe(true)
  })

  test('without a probe (verify: none) it registers and trusts the entry', async () => {
    serve('riscv64', 'download', '/fake/bin/crashing-qemu')
    f.prober.interpreters.set('/fake/bin/crashing-qemu', 'crashes')
    const report = await setup(request({ prove: false }), f.ctx)
    expect(report.platforms[0]).toMatchObject({
      status: 'registered',
      detail: 'registered qemu-riscv64 -> /fake/bin/crashing-qemu (flags F)'
    })
    expect(f.kernel.snapshot()['qemu-riscv64']).toContain('/fake/bin/crashing-qemu')
  })

  test('flags without F: proved by a plain run, registered without F', async () => {
    serve('riscv64')
    const report = await setup(request({ flags: '' }), f.ctx)
    expect(report.platforms[0]).toMatchObject({ status: 'registered', flags: '' })
    expect(report.platforms[0].detail).toMatch(/\(flags none\); probe printed riscv64/)
  })

  test("refuses a handler that would match the host's own programs, before changing anything", async () => {
    const own = platformOfHeader((await readElf(process.execPath))!.header)!
    // A host that claims another family, so assess asks for a handler for the real machine's format.
    const g = fixture({ host: x86Host({ machine: 'riscv64', family: ['riscv64'] }) })
    try {
      g.prober.run = async () => ({ ok: false, output: 'Exec format error' })
      g.installer.served.set(own.target, { path: QEMU(own.target), source: 'download' })
      await expect(setup(request({ platforms: [own] }), g.ctx)).rejects.toThrow(
        `refusing to register ${own.docker}: its handler would match this host's own programs`
      )
      expect(g.kernel.snapshot()).toEqual({})
      expect(g.saved).toEqual([])
    } finally {
      g.dispose()
    }
  })
})

describe('register: replacing a broken entry', () => {
  test.each([
    ['an interpreter that is gone', '/fake/usr/qemu-riscv64-gone', 'F'],
    ['no F flag (works outside containers only)', '/fake/usr/qemu-riscv64-static', '']
  ])('%s: replaced, the original kept in the journal and the ledger', async (_what, interpreter, flags) => {
    f.prober.interpreters.set('/fake/usr/qemu-riscv64-static', 'riscv64')
    const broken = entryOf('riscv64', interpreter, flags)
    await register(f.kernel, broken, f.kernel.dir)
    serve('riscv64')
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0].status).toBe('registered')
    expect(
      f.logs.some(l => l.startsWith(`replacing qemu-riscv64 (interpreter ${interpreter}, flags ${flags || 'none'}): it did not work`))
    ).toBe(true)
    expect(lastSaved()).toEqual([{ kind: 'replaced', original: broken, entry: entryOf('riscv64') }])
    expect(ledgerFile().entries['qemu-riscv64']).toMatchObject({ entry: entryOf('riscv64'), original: broken })
  })

  test('a disabled entry is replaced; the journal keeps it disabled', async () => {
    serve('riscv64')
    await register(f.kernel, { ...entryOf('riscv64'), enabled: false }, f.kernel.dir)
    await setup(request(), f.ctx)
    expect(lastSaved()[0]).toMatchObject({ kind: 'replaced', original: { enabled: false } })
    expect(f.kernel.snapshot()['qemu-riscv64']).toMatch(/^enabled/)
  })

  test("a broken entry another job of the action registered keeps that job's original", async () => {
    const firstOriginal = entryOf('riscv64', '/fake/opt/very-old-qemu', '')
    const theirs = entryOf('riscv64', '/fake/bin/now-deleted')
    const other = f.procs.job(777)
    await f.ctx.ledger.locked(async data => {
      data.registering(theirs, firstOriginal, other)
    }, f.repair)
    await register(f.kernel, theirs, f.kernel.dir)
    serve('riscv64')
    await setup(request(), f.ctx)
    const held = ledgerFile().entries['qemu-riscv64']
    expect(held.original).toEqual(firstOriginal)
    expect(held.holders).toEqual([other, f.ctx.holder])
  })
})

describe('register: rolled back when the probe fails', () => {
  test('a new entry that does not run is removed again, and the journal and ledger forget it', async () => {
    serve('riscv64', 'download', '/fake/bin/crashing-qemu')
    f.prober.interpreters.set('/fake/bin/crashing-qemu', 'crashes')
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0]).toMatchObject({ status: 'failed' })
    expect(report.platforms[0].detail).toMatch(
      /^registered qemu-riscv64 but the probe failed \(qemu: uncaught target signal 11.*\); undone$/
    )
    expect(f.kernel.snapshot()).toEqual({})
    expect(lastSaved()).toEqual([])
    expect(ledgerFile()).toEqual({ entries: {} })
  })

  test('a replacement that does not run puts the original back byte for byte', async () => {
    const original = entryOf('riscv64', '/fake/usr/qemu-riscv64-gone')
    await register(f.kernel, original, f.kernel.dir)
    const before = f.kernel.snapshot()
    serve('riscv64', 'download', '/fake/bin/crashing-qemu')
    f.prober.interpreters.set('/fake/bin/crashing-qemu', 'crashes')
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0].status).toBe('failed')
    expect(f.kernel.snapshot()).toEqual(before)
    expect(lastSaved()).toEqual([])
  })

  test('an entry with F whose interpreter cannot serve a chroot fails the proof', async () => {
    serve('riscv64')
    f.prober.runIsolated = async () => ({ ok: false, output: 'No such file or directory' })
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0].detail).toMatch(
      /probe failed \(runs, but not inside a chroot or container \(No such file or directory\)\); undone/
    )
  })

  test('no entry is persisted when its proof failed', async () => {
    serve('riscv64', 'download', '/fake/bin/crashing-qemu')
    f.prober.interpreters.set('/fake/bin/crashing-qemu', 'crashes')
    await setup(request({ persist: true }), f.ctx)
    expect(existsSync(join(f.bootDir, 'qemu-riscv64.conf'))).toBe(false)
  })
})

describe('QEMU 9.0 or later for amd64 on an arm64 host', () => {
  /**
   * An arm64 host whose kernel hands out addresses of `addressBits` bits, where amd64 was registered
   * before this step through a QEMU that reports `version` (a script: setup asks it for its version).
   * Registering amd64 itself cannot be tried here: on an x86_64 test machine it is refused as the host's own format.
   */
  async function registeredBefore(version: string, addressBits: number): Promise<{ g: Fixture; qemu: string }> {
    const g = fixture({ host: x86Host({ machine: 'aarch64', addressBits }) })
    const qemu = join(dirname(g.bootDir), 'qemu-x86_64')
    writeFileSync(qemu, `#!/bin/sh\necho 'qemu-x86_64 version ${version} (Debian 1:${version}+ds-0+deb13u1)'\n`, { mode: 0o755 })
    g.prober.interpreters.set(qemu, 'x86_64')
    await register(g.kernel, entryOf('x86_64', qemu), g.kernel.dir)
    return { g, qemu }
  }

  test('QEMU 10.0 on 48-bit addresses: the report carries QEMU_GUEST_BASE and one line says why and what containers need', async () => {
    const { g, qemu } = await registeredBefore('10.0.3', 48)
    try {
      const report = await setup(request({ platforms: [amd64] }), g.ctx)
      expect(report.platforms[0]).toMatchObject({ status: 'existing', qemuVersion: '10.0.3' })
      expect(report.environment).toEqual({ QEMU_GUEST_BASE: '0x800000000000' })
      expect(g.warnings).toEqual([
        `qemu-x86_64 10.0.3 at ${qemu} hands x86_64 programs the 48-bit addresses of this aarch64 host, which amd64 Go programs ` +
          'built with Go before 1.25.4 cannot take (lfstack.push): QEMU_GUEST_BASE=0x800000000000 is exported for the later steps ' +
          'to move them below 2^47; containers need it too: docker run -e QEMU_GUEST_BASE=0x800000000000 ..., ' +
          'or ENV QEMU_GUEST_BASE=0x800000000000 in the Dockerfile'
      ])
    } finally {
      g.dispose()
    }
  })

  test.each([
    ['QEMU 10.0 on a 39-bit kernel (Raspberry Pi)', '10.0.3', 39],
    ['QEMU 7.2 on 48-bit addresses', '7.2.22', 48]
  ])('%s: no variable and no warning', async (_what, version, bits) => {
    const { g } = await registeredBefore(version, bits)
    try {
      const report = await setup(request({ platforms: [amd64] }), g.ctx)
      expect(report.platforms[0]).toMatchObject({ status: 'existing', qemuVersion: version })
      expect(report.environment).toBeUndefined()
      expect(g.warnings).toEqual([])
    } finally {
      g.dispose()
    }
  })
})

describe('install failures', () => {
  test('install: none and nothing on the machine: says what to do', async () => {
    f.installer.missing.set('riscv64', 'no static qemu-riscv64 on the machine')
    const report = await setup(request({ install: { method: 'none', qemuVersion: '', qemuUrl: '', qemuSha256: '' } }), f.ctx)
    expect(report.platforms[0]).toMatchObject({
      status: 'failed',
      detail:
        'no static qemu-riscv64 on the machine; install qemu-user-static before this step, or set install: auto to let the action get QEMU'
    })
  })

  test('install: auto that found nothing points to the log of what was tried', async () => {
    f.installer.missing.set('riscv64', 'download: 404; apt: no QEMU user-mode package')
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0].detail).toBe('download: 404; apt: no QEMU user-mode package; see the log above for what was tried')
  })

  test('one platform without an interpreter does not stop the others', async () => {
    serve('ppc64le')
    const report = await setup(request({ platforms: [riscv64, ppc64le] }), f.ctx)
    expect(report.platforms.map(p => p.status)).toEqual(['failed', 'registered'])
  })

  test('an install layer that throws fails setup with its message, changes nothing and leaves the ledger unlocked', async () => {
    f.installer.failure = new Error('apt-get install failed: E: Unable to locate package qemu-user-static: use install: download')
    await expect(setup(request(), f.ctx)).rejects.toThrow(/Unable to locate package/)
    expect(f.kernel.snapshot()).toEqual({})
    await expect(f.ctx.ledger.locked(async () => 'free', f.repair)).resolves.toBe('free')
  })

  test('without root or sudo it fails with the privilege message and records nothing', async () => {
    const g = fixture({ noRoot: new Error('registering binfmt_misc handlers needs root: run the job as root or allow passwordless sudo') })
    try {
      await expect(setup(request(), g.ctx)).rejects.toThrow(/needs root/)
      expect(g.saved).toEqual([])
      expect(g.installer.calls).toEqual([])
    } finally {
      g.dispose()
    }
  })
})

describe('packages that register handlers themselves', () => {
  test("what a package registers while installing is journaled and held; a working one is reported as the package's", async () => {
    const byPackage = entryOf('riscv64', '/fake/libexec/qemu-binfmt/riscv64-binfmt-P', 'POF')
    f.prober.interpreters.set(byPackage.interpreter, 'riscv64')
    f.installer.served.set('riscv64', { path: '/fake/usr/qemu-riscv64', source: 'apt' })
    f.installer.during = () => register(f.kernel, byPackage, f.kernel.dir)
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0]).toMatchObject({
      status: 'registered',
      detail: 'registered by the distro package',
      source: 'apt',
      interpreter: byPackage.interpreter
    })
    expect(lastSaved()).toEqual([{ kind: 'added', entry: byPackage }])
    expect(ledgerFile().entries['qemu-riscv64'].holders).toEqual([f.ctx.holder])
  })

  test('an entry a package changed is journaled with its original, one it removed as replaced by nothing', async () => {
    const old = entryOf('ppc64le', '/fake/opt/old-qemu-ppc64le')
    const gone = { ...entryOf('riscv64', '/fake/opt/old'), name: 'unrelated' }
    await register(f.kernel, old, f.kernel.dir)
    await register(f.kernel, gone, f.kernel.dir)
    const changed = entryOf('ppc64le', '/fake/usr/qemu-ppc64le', 'F')
    f.installer.during = async () => {
      await f.kernel.write(join(f.kernel.dir, 'qemu-ppc64le'), '-1')
      await f.kernel.write(join(f.kernel.dir, 'unrelated'), '-1')
      await register(f.kernel, changed, f.kernel.dir)
    }
    await setup(request({ platforms: [ppc64le] }), f.ctx)
    const saved = lastSaved()
    expect(saved).toContainEqual({ kind: 'replaced', original: old, entry: changed })
    expect(saved).toContainEqual({ kind: 'replaced', original: gone })
  })
})

describe('share: entries other jobs registered', () => {
  /** Job A (another runner) registered riscv64 through the action. */
  async function registeredByAnotherJob(): Promise<void> {
    serve('riscv64')
    const a = f.jobContext(f.procs.job(101))
    await setup(request(), a)
    f.saved.length = 0
  }

  test('a working entry another job registered is held by this job too', async () => {
    await registeredByAnotherJob()
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0].status).toBe('existing')
    expect(lastSaved()).toEqual([{ kind: 'shared', name: 'qemu-riscv64' }])
    expect(ledgerFile().entries['qemu-riscv64'].holders.map((h: { pid: number }) => h.pid)).toEqual([101, 4242])
    expect(f.installer.calls).toHaveLength(1) // only job A's
  })

  test('holders whose runner died are dropped when the ledger is read', async () => {
    await registeredByAnotherJob()
    f.procs.alive.delete(101)
    await setup(request(), f.ctx)
    expect(ledgerFile().entries['qemu-riscv64'].holders.map((h: { pid: number }) => h.pid)).toEqual([4242])
  })

  test("an entry removed between assess and the lock (another job's post step) is registered again", async () => {
    await registeredByAnotherJob()
    const locked = f.ctx.ledger.locked.bind(f.ctx.ledger)
    let sections = 0
    f.ctx.ledger.locked = (async (...args: Parameters<Ledger['locked']>) => {
      if (sections++ === 0) await f.kernel.write(join(f.kernel.dir, 'qemu-riscv64'), '-1')
      return locked(...args)
    }) as Ledger['locked']
    const report = await setup(request(), f.ctx)
    expect(report.platforms[0].status).toBe('registered')
    expect(lastSaved()).toEqual([{ kind: 'added', entry: entryOf('riscv64') }])
    expect(ledgerFile().entries['qemu-riscv64'].holders.map((h: { pid: number }) => h.pid)).toEqual([4242])
  })
})

describe('persist', () => {
  test('writes the register line for systemd-binfmt and holds the entry for good', async () => {
    serve('riscv64')
    const report = await setup(request({ persist: true }), f.ctx)
    const file = join(f.bootDir, 'qemu-riscv64.conf')
    expect(report.platforms[0].detail.endsWith(`; kept across reboots in ${file}`)).toBe(true)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^# written by setup-x86-on-arm \(persist: true\); undo: setup-x86-on-arm uninstall\n/)
    expect(text).toMatch(/^:qemu-riscv64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00.*:\/fake\/bin\/qemu-riscv64-static:F$/m)
    const held = ledgerFile().entries['qemu-riscv64']
    expect(held.persisted).toBe(file)
    expect(held.holders).toEqual([f.ctx.holder, PERSIST_HOLDER])
  })

  test("the job's post step keeps a persisted entry; uninstall removes it and its file", async () => {
    serve('riscv64')
    await setup(request({ persist: true }), f.ctx)
    const post = await restore(lastSaved(), f.kernel, () => undefined, { dir: f.kernel.dir, ledger: f.ctx.ledger, holder: f.ctx.holder })
    expect(post.kept).toEqual(['qemu-riscv64'])
    const uninstall = await restore([], f.kernel, () => undefined, {
      dir: f.kernel.dir,
      ledger: f.ctx.ledger,
      releaseAll: [PERSIST_HOLDER]
    })
    expect(uninstall.removed).toEqual(['qemu-riscv64'])
    expect(existsSync(join(f.bootDir, 'qemu-riscv64.conf'))).toBe(false)
    expect(f.kernel.snapshot()).toEqual({})
  })
})
