/**
 * Step 4 of setup, with the ledger locked again: register each platform's entry with the
 * interpreter step 3 got, prove it works (undoing it when it does not), and keep it across reboots
 * when asked to. Step 3 ran unlocked, so another job may have registered a platform meanwhile:
 * a handler that appeared since step 1 and works is shared, not replaced.
 */
import { readTable, sameHandler, type Table } from '../kernel/binfmt.js'
import { readElf } from '../kernel/elf.js'
import { entryFor, headerMatches, type Platform } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import type { Installation, Obtained } from '../install/index.js'
import { describeEntry, elapsed, handlerOf, works } from './assess.js'
import type { Changes } from './changes.js'
import type { Context, SetupRequest } from './context.js'
import { installAdvice } from './obtain.js'
import { type PlatformReport, SetupError } from './report.js'

/** What registering works with: the request, root, the recorded changes, the context, the table step 1 found. */
export interface Registrar {
  request: SetupRequest
  sys: Privileged
  changes: Changes
  ctx: Context
  before: Table
}

/** Reports each needed platform: failed without an interpreter, else registered (or undone). */
export async function registerAll(
  needed: readonly Platform[],
  installation: Installation,
  at: Registrar
): Promise<Map<Platform, PlatformReport>> {
  const reports = new Map<Platform, PlatformReport>()
  if (installation.interpreters.size > 0) await at.changes.mount()
  for (const platform of needed) {
    const since = performance.now()
    const interpreter = installation.interpreters.get(platform.target)
    if (!interpreter) {
      const missing = installation.missing.get(platform.target) ?? `no qemu-${platform.target}`
      const detail = `${missing}; ${installAdvice(at.request.install.method)}`
      reports.set(platform, { platform, status: 'failed', detail, seconds: elapsed(since) })
      continue
    }
    const report =
      (await registeredByPackage(platform, interpreter, at, since)) ??
      (await registeredMeanwhile(platform, at, since)) ??
      (await registerPlatform(platform, interpreter, at, since))
    reports.set(platform, { ...report, qemuVersion: report.qemuVersion ?? interpreter.version, source: interpreter.source })
    at.ctx.log.info(`${platform.docker}: ${report.detail}`)
  }
  return reports
}

/** A distro package may have registered a working handler itself (its postinst, watched in step 3). */
async function registeredByPackage(
  platform: Platform,
  interpreter: Obtained,
  at: Registrar,
  since: number
): Promise<PlatformReport | undefined> {
  if (interpreter.source !== 'apt') return undefined
  const entry = handlerOf(await readTable(at.ctx.binfmtDir), platform)
  if (entry && (await at.ctx.interpreterProblem(entry.interpreter))) return undefined
  if (!(await works(platform, at.request.flags, at.ctx, at.sys)).ok) return undefined
  if (entry) await at.changes.share(entry) // another job's entry, registered while the package installed
  const seconds = elapsed(since)
  const found: PlatformReport = { platform, status: 'registered', detail: '', seconds }
  const report = entry ? await describeEntry(platform, entry, seconds) : found
  return { ...report, status: 'registered', detail: 'registered by the distro package' }
}

/** A handler another job registered while this one was getting its interpreter: held, when it works. */
async function registeredMeanwhile(platform: Platform, at: Registrar, since: number): Promise<PlatformReport | undefined> {
  const entry = handlerOf(await readTable(at.ctx.binfmtDir), platform)
  const found = entry && at.before.get(entry.name)
  if (!entry || (found && sameHandler(found, entry) && found.enabled === entry.enabled)) return undefined
  if (await at.ctx.interpreterProblem(entry.interpreter)) return undefined
  if (!(await works(platform, at.request.flags, at.ctx, at.sys)).ok) return undefined
  const shared = await at.changes.share(entry)
  const report = await describeEntry(platform, entry, elapsed(since))
  return shared ? { ...report, detail: `registered meanwhile by another job as ${entry.name}; shared with it` } : report
}

/** Registers one platform's entry (replacing a broken one of the same name) and proves it. */
async function registerPlatform(platform: Platform, interpreter: Obtained, at: Registrar, since: number): Promise<PlatformReport> {
  const { request, sys, changes, ctx } = at
  await assertNotHostFormat(platform)
  const registration = await changes.register(entryFor(platform, interpreter.path, request.flags))
  const { entry } = registration
  const report: PlatformReport = {
    platform,
    status: 'registered',
    detail: `registered ${entry.name} -> ${interpreter.path} (flags ${request.flags || 'none'})`,
    interpreter: interpreter.path,
    flags: request.flags,
    entry: entry.name,
    seconds: 0
  }
  if (request.prove) {
    const proof = await works(platform, request.flags, ctx, sys)
    if (!proof.ok) {
      await changes.undo(registration)
      const detail = `registered ${entry.name} but the probe failed (${proof.why}); undone`
      return { ...report, status: 'failed', detail, seconds: elapsed(since) }
    }
    report.detail += `; probe printed ${proof.printed}`
  }
  if (request.persist) report.detail += `; kept across reboots in ${await changes.persist(entry, ctx.bootDir)}`
  return { ...report, seconds: elapsed(since) }
}

/** Guards against the one mistake that breaks a host: a handler matching the host's own programs. */
export async function assertNotHostFormat(platform: Platform): Promise<void> {
  const self = await readElf(process.execPath)
  if (self && headerMatches(self.header, platform.magic, platform.mask)) {
    throw new SetupError(`refusing to register ${platform.docker}: its handler would match this host's own programs`)
  }
}
