/**
 * The core shared by the action's main step and the command line: find out what already runs,
 * get interpreters for the rest, register them, prove they work. Every change to the kernel's
 * table is recorded before it is made, in the job's journal (so its post step can undo it) and in
 * the host's ledger (so a job sharing the entry keeps it until the last one is done).
 */
import {
  BINFMT_DIR,
  diffTables,
  type Entry,
  isMounted,
  mount,
  readTable,
  register,
  registerLine,
  remove,
  sameHandler,
  type Table
} from '../kernel/binfmt.js'
import { readElf } from '../kernel/elf.js'
import { type Host, hostProblem } from '../kernel/host.js'
import type { Inputs } from '../faces/inputs.js'
import { obtainInterpreters, type Source } from '../install/index.js'
import { qemuVersion } from '../install/interpreter.js'
import type { Change, Journal } from '../records/journal.js'
import { type Holder, type Ledger, type LedgerData, PERSIST_HOLDER, sameHolder } from '../records/ledger.js'
import { entryFor, headerMatches, type Platform } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import type { Prober } from '../checks/probe.js'
import { probeProgram } from '../checks/probe-programs.js'
import { restore } from './restore.js'
import type { ContainerOutcome } from '../checks/verify.js'

export type Status = 'native' | 'existing' | 'registered' | 'failed'

export interface PlatformReport {
  platform: Platform
  status: Status
  /** One line for the log and summary: what happened and, on failure, what to do. */
  detail: string
  interpreter?: string
  qemuVersion?: string
  flags?: string
  source?: Source
  /** The binfmt entry serving it. */
  entry?: string
  seconds: number
  /** The container check's outcome, when one ran. */
  container?: ContainerOutcome
}

export interface Report {
  platforms: PlatformReport[]
  cacheHit?: boolean
  /** x86-64 micro-architecture level (1-4) offered to x86_64 programs, when measured. */
  x86Level?: number
}

export interface Context {
  host: Host
  prober: Prober
  journal: Journal
  /** The host-wide record of shared entries, and who this job is in it. */
  ledger: Ledger
  holder: Holder
  /** Root or sudo, asked for only when something must change. */
  privileged: () => Promise<Privileged>
  log: { info(message: string): void; warning(message: string): void }
  binfmtDir?: string
}

export class SetupError extends Error {}

/** The enabled magic entries that would take a program with this header. */
export function handlersFor(table: Table, header: Uint8Array): Entry[] {
  return [...table.values()].filter(e => e.enabled && e.type === 'M' && headerMatches(header, e.magic, e.mask, e.offset))
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100
}

/**
 * Does the platform run in place and, when F is asked for, where the interpreter path is absent?
 * With F the chroot run alone proves both; the plain run then only explains a failure.
 */
async function works(platform: Platform, inputs: Inputs, ctx: Context, sys?: Privileged): Promise<{ ok: boolean; why: string }> {
  if (inputs.flags.includes('F') && sys) {
    const isolated = await ctx.prober.runIsolated(platform.target, sys)
    if (isolated.ok) return { ok: true, why: isolated.output }
    const direct = await ctx.prober.run(platform.target)
    return { ok: false, why: direct.ok ? `runs, but not inside a chroot or container (${isolated.output})` : direct.output }
  }
  const direct = await ctx.prober.run(platform.target)
  return { ok: direct.ok, why: direct.output }
}

async function describeWorking(platform: Platform, entry: Entry | undefined, seconds: number, printed: string, hostMachine: string): Promise<PlatformReport> {
  if (!entry) {
    // Natively a program sees the kernel's machine; under an emulator, its own.
    if (printed === hostMachine) return { platform, status: 'native', detail: 'runs natively', seconds }
    return { platform, status: 'existing', detail: `already runs (printed ${printed}) through a handler not visible here; left as it is`, seconds }
  }
  return {
    platform,
    status: 'existing',
    detail: `already registered as ${entry.name}; left as it is`,
    interpreter: entry.interpreter,
    qemuVersion: await qemuVersion(entry.interpreter),
    flags: entry.flags,
    entry: entry.name,
    seconds
  }
}

/** Step 1, changing nothing: which platforms run already and which need a handler. */
async function assess(inputs: Inputs, ctx: Context, table: Table): Promise<{ reports: Map<Platform, PlatformReport>; needed: Platform[] }> {
  const started = performance.now()
  const reports = new Map<Platform, PlatformReport>()
  const needed: Platform[] = []
  const handler = new Map(inputs.platforms.map(p => [p, handlersFor(table, probeProgram(p.target))[0]]))
  // The chroot check of an existing handler needs root; without it the plain probe decides.
  const sys = inputs.flags.includes('F') && [...handler.values()].some(Boolean) ? await ctx.privileged().catch(() => undefined) : undefined
  await Promise.all(
    inputs.platforms.map(async platform => {
      const check = await works(platform, inputs, ctx, handler.get(platform) ? sys : undefined)
      if (check.ok) {
        reports.set(platform, await describeWorking(platform, handler.get(platform), elapsed(started), check.why, ctx.host.machine))
      } else if (ctx.host.family.includes(platform.target)) {
        const detail = `${platform.docker} is this ${ctx.host.machine} host's own family but does not run (${check.why}); the action never registers a handler for it`
        reports.set(platform, { platform, status: 'failed', detail, seconds: elapsed(started) })
      } else {
        needed.push(platform)
      }
    })
  )
  for (const platform of inputs.platforms) {
    const report = reports.get(platform)
    if (report) ctx.log.info(`${platform.docker}: ${report.detail}`)
  }
  return { reports, needed }
}

export async function setup(inputs: Inputs, ctx: Context): Promise<Report> {
  const dir = ctx.binfmtDir ?? BINFMT_DIR
  const problem = hostProblem(ctx.host, inputs.platforms)
  if (problem) throw new SetupError(problem)

  const before = await readTable(dir)
  const { reports, needed } = await assess(inputs, ctx, before)
  const order = () => inputs.platforms.map(p => reports.get(p)!)
  const shared = [...reports.values()].filter(r => r.status === 'existing' && r.entry)
  if (needed.length === 0 && shared.length === 0) return { platforms: order() }

  return ctx.ledger.locked(async (ledger, save) => {
    await ctx.ledger.prune(ledger)
    // 2. Entries other jobs of this action registered: hold them too, so they stay until we are done.
    const now = await readTable(dir)
    forgetObsolete(ledger, now)
    for (const report of shared) {
      const name = report.entry!
      const entry = now.get(name)
      if (!entry || !sameHandler(entry, before.get(name)!)) {
        needed.push(report.platform) // removed by another job's post step meanwhile
        reports.delete(report.platform)
      } else if (ledger.entries[name]) {
        await hold(ledger, name, { kind: 'shared', name }, ctx)
        await save()
      }
    }
    if (needed.length === 0) return { platforms: order() }

    // 3. Interpreters for the rest. binfmt_misc is mounted before packages install (they register
    // into it) or before registering, and not at all when there is nothing to register.
    const admin = await ctx.privileged()
    const mounted = async () => {
      if (await isMounted(dir)) return
      await ctx.journal.record({ kind: 'mounted' })
      await mount(admin, dir)
      ctx.log.info(`mounted binfmt_misc on ${dir}`)
    }
    const installation = await obtainInterpreters(needed.map(p => p.target), inputs, {
      sys: admin,
      hostMachine: ctx.host.machine,
      log: ctx.log.info,
      watch: async step => {
        await mounted()
        return watchTable(step, ledger, save, ctx, dir)
      }
    })

    // 4. Register and prove each.
    if (installation.interpreters.size > 0) await mounted()
    for (const platform of needed) {
      const since = performance.now()
      const interpreter = installation.interpreters.get(platform.target)
      if (!interpreter) {
        const missing = installation.missing.get(platform.target) ?? `no qemu-${platform.target}`
        reports.set(platform, { platform, status: 'failed', detail: `${missing}; ${installAdvice(inputs)}`, seconds: elapsed(since) })
        continue
      }
      // A distro package may have registered a working handler itself.
      const byPackage = interpreter.source === 'apt' && (await works(platform, inputs, ctx, admin)).ok
      const report = byPackage
        ? {
            ...(await describeWorking(platform, handlersFor(await readTable(dir), probeProgram(platform.target))[0], elapsed(since), platform.target, '')),
            status: 'registered' as const,
            detail: 'registered by the distro package'
          }
        : await registerPlatform(platform, interpreter.path, inputs, ctx, { admin, dir, since, ledger, save })
      reports.set(platform, { ...report, qemuVersion: report.qemuVersion ?? interpreter.version, source: interpreter.source })
      ctx.log.info(`${platform.docker}: ${report.detail}`)
    }
    return { platforms: order(), cacheHit: installation.cacheHit }
  })
}

/** Drops ledger records whose entry is no longer what the kernel has under that name. */
function forgetObsolete(ledger: LedgerData, table: Table): void {
  for (const [name, held] of Object.entries(ledger.entries)) {
    const current = table.get(name)
    if (!current || !sameHandler(current, held.entry)) delete ledger.entries[name]
  }
}

/** Records that this job holds an entry: in its journal, and as a holder in the host's ledger. */
async function hold(ledger: LedgerData, name: string, change: Change, ctx: Context, held?: { entry: Entry; original?: Entry }): Promise<void> {
  await ctx.journal.record(change)
  const record = ledger.entries[name] ?? (held ? (ledger.entries[name] = { ...held, holders: [] }) : undefined)
  if (record && !record.holders.some(h => sameHolder(h, ctx.holder))) record.holders.push(ctx.holder)
}

/** Runs a step that may change the table behind our back (a package's postinst) and records what it did. */
async function watchTable<T>(step: () => Promise<T>, ledger: LedgerData, save: () => Promise<void>, ctx: Context, dir: string): Promise<T> {
  const before = await readTable(dir)
  try {
    return await step()
  } finally {
    const diff = diffTables(before, await readTable(dir))
    for (const entry of diff.added) await hold(ledger, entry.name, { kind: 'added', entry }, ctx, { entry })
    for (const { before: original, after } of diff.changed) {
      await hold(ledger, after.name, { kind: 'replaced', original, entry: after }, ctx, { entry: after, original })
    }
    for (const original of diff.removed) await ctx.journal.record({ kind: 'replaced', original })
    await save()
  }
}

function installAdvice(inputs: Inputs): string {
  return inputs.install === 'none'
    ? 'install qemu-user-static before this step, or set install: auto to let the action get QEMU'
    : 'see the log above for what was tried'
}

interface Where {
  admin: Privileged
  dir: string
  since: number
  ledger: LedgerData
  save: () => Promise<void>
}

/** Registers one platform's entry (replacing a broken one of the same name) and proves it. */
async function registerPlatform(platform: Platform, interpreter: string, inputs: Inputs, ctx: Context, where: Where): Promise<PlatformReport> {
  const { admin, dir, since, ledger, save } = where
  await assertNotHostFormat(platform)
  const entry = entryFor(platform, interpreter, inputs.flags)
  const existing = (await readTable(dir)).get(entry.name)
  // A broken entry another job registered keeps its own original: that is what must come back.
  const original = existing && ledger.entries[entry.name] ? ledger.entries[entry.name].original : existing
  const change: Change = existing ? { kind: 'replaced', original: existing, entry } : { kind: 'added', entry }
  const previous = ledger.entries[entry.name]
  ledger.entries[entry.name] = { entry, original, holders: [...(previous?.holders ?? [])] }
  await hold(ledger, entry.name, change, ctx)
  await save()
  if (existing) {
    await remove(admin, entry.name, dir)
    ctx.log.info(`replacing ${entry.name} (interpreter ${existing.interpreter}, flags ${existing.flags || 'none'}): it did not work`)
  }
  await register(admin, entry, dir)
  const report: PlatformReport = {
    platform,
    status: 'registered',
    detail: `registered ${entry.name} -> ${interpreter} (flags ${inputs.flags || 'none'})`,
    interpreter,
    flags: inputs.flags,
    entry: entry.name,
    seconds: 0
  }
  if (inputs.verify !== 'none') {
    const check = await works(platform, inputs, ctx, admin)
    if (!check.ok) {
      await restore([change], admin, ctx.log.warning, { dir })
      await ctx.journal.update(change, undefined)
      if (previous) ledger.entries[entry.name] = previous
      else delete ledger.entries[entry.name]
      await save()
      return { ...report, status: 'failed', detail: `registered ${entry.name} but the probe failed (${check.why}); undone`, seconds: elapsed(since) }
    }
    report.detail += `; probe printed ${check.why}`
  }
  if (inputs.persist) report.detail += `; kept across reboots in ${await persist(entry, ledger, admin)}`
  return { ...report, seconds: elapsed(since) }
}

export const BINFMT_D = '/etc/binfmt.d'

/**
 * Writes the entry where systemd-binfmt registers it at boot, and holds it for good. (No restart
 * of systemd-binfmt: its start flushes the whole table, other jobs' entries included; the entry
 * is registered already.)
 */
async function persist(entry: Entry, ledger: LedgerData, admin: Privileged): Promise<string> {
  const path = `${BINFMT_D}/${entry.name}.conf`
  await admin.run('mkdir', ['-p', BINFMT_D])
  await admin.write(path, `# written by setup-x86-on-arm (persist: true); undo: setup-x86-on-arm uninstall\n${registerLine(entry)}\n`)
  const held = ledger.entries[entry.name]
  held.persisted = path
  if (!held.holders.some(h => sameHolder(h, PERSIST_HOLDER))) held.holders.push(PERSIST_HOLDER)
  return path
}

/** Guards against the one mistake that breaks a host: a handler matching the host's own programs. */
export async function assertNotHostFormat(platform: Platform): Promise<void> {
  const self = await readElf(process.execPath)
  if (self && headerMatches(self.header, platform.magic, platform.mask)) {
    throw new SetupError(`refusing to register ${platform.docker}: its handler would match this host's own programs`)
  }
}
