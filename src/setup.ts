/**
 * The core shared by the action's main step and the command line: find out what already runs,
 * get interpreters for the rest, register them, prove they work. Every change to the kernel's
 * table goes through the journal first, so it can be undone.
 */
import { BINFMT_DIR, diffTables, type Entry, isMounted, mount, readTable, register, remove, type Table } from './binfmt.js'
import { readElf } from './elf.js'
import { type Host, hostProblem } from './host.js'
import type { Inputs } from './inputs.js'
import { obtainInterpreters, type Source } from './install/index.js'
import { qemuVersion } from './interpreter.js'
import type { Change, Journal } from './journal.js'
import { restore } from './restore.js'
import { entryFor, headerMatches, type Platform } from './platforms.js'
import type { Privileged } from './privileged.js'
import type { Prober } from './probe.js'
import { probeProgram } from './probe-programs.js'

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
  seconds: number
}

export interface Report {
  platforms: PlatformReport[]
  cacheHit?: boolean
}

export interface Context {
  host: Host
  prober: Prober
  journal: Journal
  /** Root or sudo, asked for only when something must change. */
  privileged: () => Promise<Privileged>
  log: { info(message: string): void; warning(message: string): void }
  binfmtDir?: string
}

export class SetupError extends Error {}

/** The enabled magic entries that would take a program with this header, newest semantics aside. */
export function handlersFor(table: Table, header: Uint8Array): Entry[] {
  return [...table.values()].filter(e => e.enabled && e.type === 'M' && headerMatches(header, e.magic, e.mask, e.offset))
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100
}

/** Does the platform work in place and, when F is asked for, where the interpreter path is absent? */
async function works(platform: Platform, inputs: Inputs, ctx: Context, sys?: Privileged): Promise<{ ok: boolean; why: string }> {
  const direct = await ctx.prober.run(platform.target)
  if (!direct.ok) return { ok: false, why: direct.output }
  if (inputs.flags.includes('F') && sys) {
    const isolated = await ctx.prober.runIsolated(platform.target, sys)
    if (!isolated.ok) return { ok: false, why: `runs, but not inside a chroot or container (${isolated.output})` }
  }
  return { ok: true, why: direct.output }
}

/** Can a privileged helper be had? (Checks of existing entries use it when it is there.) */
async function maybePrivileged(ctx: Context): Promise<Privileged | undefined> {
  return ctx.privileged().catch(() => undefined)
}

async function describeExisting(platform: Platform, table: Table, seconds: number): Promise<PlatformReport> {
  const [entry] = handlersFor(table, probeProgram(platform.target))
  if (!entry) return { platform, status: 'native', detail: 'runs natively', seconds }
  return {
    platform,
    status: 'existing',
    detail: `already registered as ${entry.name}; left as it is`,
    interpreter: entry.interpreter,
    qemuVersion: await qemuVersion(entry.interpreter),
    flags: entry.flags,
    seconds
  }
}

export async function setup(inputs: Inputs, ctx: Context): Promise<Report> {
  const dir = ctx.binfmtDir ?? BINFMT_DIR
  const problem = hostProblem(ctx.host, inputs.platforms)
  if (problem) throw new SetupError(problem)

  const started = performance.now()
  const reports = new Map<Platform, PlatformReport>()
  const needed: Platform[] = []
  const before = await readTable(dir)
  const sys = before.size > 0 && inputs.flags.includes('F') ? await maybePrivileged(ctx) : undefined

  // 1. What runs already: natively, through a compat mode, or through a working handler.
  await Promise.all(
    inputs.platforms.map(async platform => {
      const check = await works(platform, inputs, ctx, sys)
      if (check.ok) {
        reports.set(platform, await describeExisting(platform, before, elapsed(started)))
      } else if (ctx.host.family.includes(platform.target)) {
        reports.set(platform, {
          platform,
          status: 'failed',
          detail: `${platform.docker} is this ${ctx.host.machine} host's own family but does not run (${check.why}); the action never registers a handler for it`,
          seconds: elapsed(started)
        })
      } else {
        needed.push(platform)
      }
    })
  )
  for (const platform of inputs.platforms) {
    const report = reports.get(platform)
    if (report) ctx.log.info(`${platform.docker}: ${report.detail}`)
  }
  if (needed.length === 0) return { platforms: inputs.platforms.map(p => reports.get(p)!) }

  // 2. Interpreters for the rest. binfmt_misc is mounted first: packages register into it.
  const admin = await ctx.privileged()
  if (!(await isMounted(dir))) {
    await ctx.journal.record({ kind: 'mounted' })
    await mount(admin, dir)
    ctx.log.info(`mounted binfmt_misc on ${dir}`)
  }
  const installation = await obtainInterpreters(
    needed.map(p => p.target),
    inputs,
    { sys: admin, hostMachine: ctx.host.machine, log: ctx.log.info, watch: step => watchTable(step, ctx.journal, dir) }
  )

  // 3. Register and prove each.
  for (const platform of needed) {
    const since = performance.now()
    const interpreter = installation.interpreters.get(platform.target)
    if (!interpreter) {
      const missing = installation.missing.get(platform.target) ?? `no qemu-${platform.target}`
      reports.set(platform, { platform, status: 'failed', detail: `${missing}; ${installAdvice(inputs)}`, seconds: elapsed(since) })
      continue
    }
    // A distro package may have registered a working handler itself.
    const already = interpreter.source === 'apt' && (await works(platform, inputs, ctx, admin)).ok
    const report = already
      ? { ...(await describeExisting(platform, await readTable(dir), elapsed(since))), status: 'registered' as const, detail: 'registered by the distro package' }
      : await registerPlatform(platform, interpreter.path, inputs, ctx, admin, dir, since)
    reports.set(platform, { ...report, qemuVersion: report.qemuVersion ?? interpreter.version, source: interpreter.source })
    ctx.log.info(`${platform.docker}: ${report.detail}`)
  }
  return { platforms: inputs.platforms.map(p => reports.get(p)!), cacheHit: installation.cacheHit }
}

/** Runs a step that may change the table behind our back (a package's postinst) and journals what it did. */
async function watchTable<T>(step: () => Promise<T>, journal: Journal, dir: string): Promise<T> {
  const before = await readTable(dir)
  try {
    return await step()
  } finally {
    const diff = diffTables(before, await readTable(dir))
    for (const entry of diff.added) await journal.record({ kind: 'added', entry })
    for (const { before: original, after } of diff.changed) await journal.record({ kind: 'replaced', original, entry: after })
    for (const original of diff.removed) await journal.record({ kind: 'replaced', original })
  }
}

function installAdvice(inputs: Inputs): string {
  return inputs.install === 'none'
    ? "install qemu-user-static before this step, or set install: auto to let the action get QEMU"
    : 'see the log above for what was tried'
}

/** Registers one platform's entry (replacing a broken one of the same name) and proves it. */
async function registerPlatform(
  platform: Platform,
  interpreter: string,
  inputs: Inputs,
  ctx: Context,
  admin: Privileged,
  dir: string,
  since: number
): Promise<PlatformReport> {
  await assertNotHostFormat(platform)
  const entry = entryFor(platform, interpreter, inputs.flags)
  const existing = (await readTable(dir)).get(entry.name)
  const change: Change = existing ? { kind: 'replaced', original: existing } : { kind: 'added', entry }
  await ctx.journal.record(change)
  if (existing) {
    await remove(admin, entry.name, dir)
    ctx.log.info(`replacing ${entry.name} (interpreter ${existing.interpreter}, flags ${existing.flags || 'none'}): it did not work`)
  }
  await register(admin, entry, dir)
  if (change.kind === 'replaced') await ctx.journal.update(change, { ...change, entry })
  const report: PlatformReport = {
    platform,
    status: 'registered',
    detail: `registered ${entry.name} -> ${interpreter} (flags ${inputs.flags || 'none'})`,
    interpreter,
    flags: inputs.flags,
    seconds: 0
  }
  if (inputs.verify !== 'none') {
    const check = await works(platform, inputs, ctx, admin)
    if (!check.ok) {
      await restore([change], admin, ctx.log.warning, dir)
      await ctx.journal.update(change, undefined)
      return { ...report, status: 'failed', detail: `registered ${entry.name} but the probe failed (${check.why}); undone`, seconds: elapsed(since) }
    }
    report.detail += `; probe printed ${check.why}`
  }
  return { ...report, seconds: elapsed(since) }
}

/** Guards against the one mistake that breaks a host: a handler matching the host's own programs. */
export async function assertNotHostFormat(platform: Platform): Promise<void> {
  const self = await readElf(process.execPath)
  if (self && headerMatches(self.header, platform.magic, platform.mask)) {
    throw new SetupError(`refusing to register ${platform.docker}: its handler would match this host's own programs`)
  }
}
