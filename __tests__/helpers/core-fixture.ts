/**
 * A whole machine of fakes for unit tests of the core: the fake kernel's table, a prober that runs
 * "programs" through it (an entry works when its interpreter is one the machine has for that
 * target; in a chroot only with F), an install layer that hands out configured interpreters, a
 * ledger in a temp folder with faked process liveness, and a journal whose saved lists are kept.
 * Nothing here needs root or touches /proc; the tests name interpreters under /fake, which no
 * machine has, so asking one for its version runs nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProbeResult } from '../../src/checks/probe.js'
import { probeProgram } from '../../src/checks/probe-programs.js'
import { handlersFor } from '../../src/core/assess.js'
import type { Context, Probe } from '../../src/core/context.js'
import type { Installation, InstallContext, InstallRequest, Obtained } from '../../src/install/index.js'
import { readTable } from '../../src/kernel/binfmt.js'
import type { Host } from '../../src/kernel/host.js'
import { hostFamily, type QemuTarget } from '../../src/kernel/platforms.js'
import type { Holder, ProcessInfo } from '../../src/records/holder.js'
import { type Change, Journal } from '../../src/records/journal.js'
import { Ledger, type Repair } from '../../src/records/ledger.js'
import { FakeKernel } from './fake-kernel.js'

/** What uname -m prints for a program of each target. */
const MACHINE: Record<QemuTarget, string> = {
  x86_64: 'x86_64',
  i386: 'i686',
  aarch64: 'aarch64',
  arm: 'armv7l',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  mips64el: 'mips64',
  loongarch64: 'loongarch64'
}

export class FakeProcesses implements ProcessInfo {
  boot = 'boot-1'
  alive = new Map<number, string>([[process.pid, 'self']])
  async bootId() {
    return this.boot
  }
  async startTime(pid: number) {
    return this.alive.get(pid)
  }
  /** A live job's holder. */
  job(pid: number): Holder {
    this.alive.set(pid, `t${pid}`)
    return { pid, start: `t${pid}`, boot: this.boot, label: `job ${pid}` }
  }
}

/**
 * Runs probes through the fake kernel's table. `interpreters` are the machine's files: a path that
 * runs programs of a target, or 'crashes' for one that exists but fails.
 */
export class FakeProber implements Probe {
  readonly interpreters = new Map<string, QemuTarget | 'crashes'>()
  runs = 0
  /** The interpreter of each probe that reached an entry, in order. */
  readonly ran: string[] = []

  constructor(
    private readonly kernel: FakeKernel,
    private readonly host: Host
  ) {}

  async run(target: QemuTarget): Promise<ProbeResult> {
    return this.exec(target, false)
  }

  async runIsolated(target: QemuTarget): Promise<ProbeResult> {
    return this.exec(target, true)
  }

  private async exec(target: QemuTarget, isolated: boolean): Promise<ProbeResult> {
    this.runs++
    if (this.host.family.includes(target)) return { ok: true, output: this.host.machine }
    const [entry] = handlersFor(await readTable(this.kernel.dir), probeProgram(target))
    if (!entry) return { ok: false, output: 'Exec format error', failure: 'exec-format' }
    this.ran.push(entry.interpreter)
    const serves = this.interpreters.get(entry.interpreter)
    if (!serves || (isolated && !entry.flags.includes('F'))) return { ok: false, output: 'No such file or directory', failure: 'not-found' }
    if (serves !== target)
      return { ok: false, output: 'qemu: uncaught target signal 11 (Segmentation fault) - core dumped', failure: 'other' }
    return { ok: true, output: MACHINE[target] }
  }
}

export interface ObtainCall {
  targets: QemuTarget[]
  request: InstallRequest
  places: InstallContext['places']
}

/** The install layer's stand-in: serves what `served` holds, runs `during` inside its watched step. */
export class FakeInstaller {
  served = new Map<QemuTarget, Obtained>()
  missing = new Map<QemuTarget, string>()
  cacheHit?: boolean
  failure?: Error
  /** A package's postinst: runs inside ctx.watch, as apt does. */
  during?: () => Promise<void>
  readonly calls: ObtainCall[] = []

  readonly obtain = async (targets: readonly QemuTarget[], request: InstallRequest, ctx: InstallContext): Promise<Installation> => {
    this.calls.push({ targets: [...targets], request, places: ctx.places })
    if (this.failure) throw this.failure
    if (this.during) await ctx.watch(this.during)
    const installation: Installation = { interpreters: new Map(), missing: new Map(), cacheHit: this.cacheHit }
    for (const target of targets) {
      const obtained = this.served.get(target)
      if (obtained) installation.interpreters.set(target, obtained)
      else installation.missing.set(target, this.missing.get(target) ?? `no qemu-${target} on the machine`)
    }
    return installation
  }
}

export interface Fixture {
  kernel: FakeKernel
  prober: FakeProber
  installer: FakeInstaller
  procs: FakeProcesses
  ledgerDir: string
  bootDir: string
  /** Every list the journal saved, in order. */
  saved: Change[][]
  /** The table's entry names at each of those saves (write-ahead: a change is saved before it is made). */
  tablesAtSave: string[][]
  logs: string[]
  warnings: string[]
  /** What a locked section of the ledger is given: the fake table, and warnings into `warnings`. */
  repair: Repair
  /** How often root was asked for. */
  privilegedAsked: () => number
  /** Interpreter paths the context says someone other than root could change. */
  untrusted: Set<string>
  ctx: Context
  /** A context for another job on the same host (same kernel, ledger and machine). */
  /** What the context's makeSysroot calls. */
  sysroots: { make: Context['makeSysroot'] }
  jobContext(holder: Holder): Context
  dispose(): void
}

export const x86Host = (over: Partial<Host> = {}): Host => ({
  os: 'linux',
  machine: 'x86_64',
  userlandBits: 64,
  family: hostFamily(over.machine ?? 'x86_64'),
  ...over
})

export function fixture(options: { mounted?: boolean; host?: Host; holder?: Holder; noRoot?: Error } = {}): Fixture {
  const kernel = new FakeKernel({ mounted: options.mounted })
  const host = options.host ?? x86Host()
  const prober = new FakeProber(kernel, host)
  const installer = new FakeInstaller()
  const procs = new FakeProcesses()
  const ledgerDir = mkdtempSync(join(tmpdir(), 'core-ledger-'))
  const scratch = mkdtempSync(join(tmpdir(), 'core-scratch-'))
  const bootDir = join(scratch, 'binfmt.d')
  const saved: Change[][] = []
  const tablesAtSave: string[][] = []
  const logs: string[] = []
  const warnings: string[] = []
  let asked = 0
  /** Interpreter paths that someone other than root could change (the real check: kernel/root-files.ts). */
  const untrusted = new Set<string>()
  /** The sysroot maker the context hands out: a test that asks for libraries puts its fake here. */
  const sysroots: Fixture['sysroots'] = {
    make: async () => {
      throw new Error('this test makes no sysroot')
    }
  }
  const jobContext = (holder: Holder): Context => ({
    host,
    prober,
    journal: new Journal(changes => {
      saved.push([...changes])
      tablesAtSave.push(Object.keys(kernel.snapshot()))
    }),
    ledger: new Ledger(ledgerDir, { info: procs, waitMs: 2000 }),
    holder,
    privileged: async () => {
      asked++
      if (options.noRoot) throw options.noRoot
      return kernel
    },
    log: { info: m => logs.push(m), warning: m => warnings.push(m) },
    places: { toolCache: join(scratch, 'tool-cache'), tempDir: scratch, assetBase: 'http://127.0.0.1:9/me/setup-x86-on-arm' },
    obtain: installer.obtain,
    makeSysroot: request => sysroots.make(request),
    binfmtDir: kernel.dir,
    bootDir,
    workDir: join(scratch, 'work'),
    interpreterProblem: async path => (untrusted.has(path) ? `${path} is writable by every user (mode 777)` : undefined)
  })
  return {
    kernel,
    prober,
    installer,
    sysroots,
    procs,
    ledgerDir,
    bootDir,
    saved,
    tablesAtSave,
    logs,
    warnings,
    repair: { binfmtDir: kernel.dir, warn: m => warnings.push(m) },
    privilegedAsked: () => asked,
    untrusted,
    ctx: jobContext(options.holder ?? procs.job(4242)),
    jobContext,
    dispose() {
      kernel.dispose()
      rmSync(ledgerDir, { recursive: true, force: true })
      rmSync(scratch, { recursive: true, force: true })
    }
  }
}
