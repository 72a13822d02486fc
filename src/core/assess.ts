/**
 * Step 1 of setup, changing nothing: which platforms run already (natively, or through a handler
 * that works) and which need one. Here too is the test of whether a platform works, which the
 * later steps use to prove what they registered.
 */
import { type Entry, readTable, type Table } from '../kernel/binfmt.js'
import { headerMatches, type Platform } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import { probeProgram } from '../checks/probe-programs.js'
import { qemuVersion } from '../install/interpreter.js'
import type { Context, SetupRequest } from './context.js'
import type { PlatformReport } from './report.js'

/** A platform runs (and the probe printed its machine), or it does not, and why. */
export type Proof = { ok: true; printed: string } | { ok: false; why: string }

export interface Assessment {
  /** The platforms decided already: native, working, or never to be registered. */
  reports: Map<Platform, PlatformReport>
  /** The platforms that need a handler. */
  needed: Platform[]
  /** The table as it was found. */
  before: Table
}

/** The enabled magic entries that would take a program with this header. */
export function handlersFor(table: Table, header: Uint8Array): Entry[] {
  return [...table.values()].filter(e => e.enabled && e.type === 'M' && headerMatches(header, e.magic, e.mask, e.offset))
}

/** The handler the kernel would use for a platform's programs, if any. */
export function handlerOf(table: Table, platform: Platform): Entry | undefined {
  return handlersFor(table, probeProgram(platform.target))[0]
}

export function elapsed(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100
}

/**
 * Does the platform run in place and, when F is asked for, where the interpreter path is absent?
 * With F the chroot run alone proves both; the plain run then only explains a failure.
 */
export async function works(platform: Platform, flags: string, ctx: Pick<Context, 'prober'>, sys?: Privileged): Promise<Proof> {
  if (flags.includes('F') && sys) {
    const isolated = await ctx.prober.runIsolated(platform.target, sys)
    if (isolated.ok) return { ok: true, printed: isolated.output }
    const direct = await ctx.prober.run(platform.target)
    return { ok: false, why: direct.ok ? `runs, but not inside a chroot or container (${isolated.output})` : direct.output }
  }
  const direct = await ctx.prober.run(platform.target)
  return direct.ok ? { ok: true, printed: direct.output } : { ok: false, why: direct.output }
}

/** The report of a platform an entry serves. */
export async function describeEntry(platform: Platform, entry: Entry, seconds: number): Promise<PlatformReport> {
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

async function describeWorking(
  platform: Platform,
  entry: Entry | undefined,
  seconds: number,
  printed: string,
  host: string
): Promise<PlatformReport> {
  if (entry) return describeEntry(platform, entry, seconds)
  // Natively a program sees the kernel's machine; under an emulator, its own.
  if (printed === host) return { platform, status: 'native', detail: 'runs natively', seconds }
  const detail = `already runs (printed ${printed}) through a handler not visible here; left as it is`
  return { platform, status: 'existing', detail, seconds }
}

export async function assess(request: SetupRequest, ctx: Context): Promise<Assessment> {
  const started = performance.now()
  const before = await readTable(ctx.binfmtDir)
  const reports = new Map<Platform, PlatformReport>()
  const untrusted = new Set<Platform>()
  const handler = new Map(request.platforms.map(p => [p, handlerOf(before, p)]))
  // An entry whose interpreter someone other than root could change is never run: it is replaced.
  for (const [platform, entry] of handler) {
    const problem = entry && (await ctx.interpreterProblem(entry.interpreter))
    if (!entry || !problem) continue
    ctx.log.warning(`${platform.docker}: the entry ${entry.name} is not run: ${problem}; the action registers its own in front of it`)
    handler.delete(platform)
    untrusted.add(platform)
  }
  // The chroot check of an existing handler needs root; without it the plain probe decides.
  const sys = request.flags.includes('F') && [...handler.values()].some(Boolean) ? await ctx.privileged().catch(() => undefined) : undefined
  await Promise.all(
    request.platforms.map(async platform => {
      if (untrusted.has(platform)) return
      const proof = await works(platform, request.flags, ctx, handler.get(platform) ? sys : undefined)
      if (proof.ok) {
        reports.set(platform, await describeWorking(platform, handler.get(platform), elapsed(started), proof.printed, ctx.host.machine))
      } else if (ctx.host.family.includes(platform.target)) {
        const detail =
          `${platform.docker} is this ${ctx.host.machine} host's own family but does not run (${proof.why}); ` +
          'the action never registers a handler for it'
        reports.set(platform, { platform, status: 'failed', detail, seconds: elapsed(started) })
      }
    })
  )
  // In the order asked for, whatever order the probes finished in.
  const needed = request.platforms.filter(p => !reports.has(p))
  for (const platform of request.platforms) {
    const report = reports.get(platform)
    if (report) ctx.log.info(`${platform.docker}: ${report.detail}`)
  }
  return { reports, needed, before }
}
