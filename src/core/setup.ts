/**
 * The core shared by the action's main step and the command line, as four steps: assess what
 * already runs (changing nothing), share the working entries other jobs registered (ledger
 * locked), obtain interpreters for the rest (unlocked: downloads and apt take minutes, and other
 * jobs' main and post steps go on meanwhile), register and prove them, persisting them when asked
 * (locked again, the table and the ledger read afresh). Every change to the kernel's table is
 * recorded before it is made (changes.ts). The report ends with what the later steps need to export
 * for the QEMU that serves x86_64, registered now or before.
 */
import { hostProblem } from '../kernel/host.js'
import { assess } from './assess.js'
import { Changes } from './changes.js'
import type { Context, SetupRequest } from './context.js'
import { highAddressRemedy, obtain } from './obtain.js'
import { registerAll } from './register.js'
import { type PlatformReport, type Report, SetupError } from './report.js'
import { share, sharedEntries } from './share.js'

export async function setup(request: SetupRequest, ctx: Context): Promise<Report> {
  const report = await serve(request, ctx)
  const remedy = highAddressRemedy(report.platforms, request.install, ctx.host)
  if (!remedy) return report
  ctx.log.warning(remedy.message)
  return { ...report, environment: remedy.environment }
}

/** Steps 1 to 4: what serves each platform now. */
async function serve(request: SetupRequest, ctx: Context): Promise<Report> {
  const problem = hostProblem(ctx.host, request.platforms)
  if (problem) throw new SetupError(problem)

  const assessment = await assess(request, ctx)
  const reports = assessment.reports
  const inOrder = (): PlatformReport[] => request.platforms.map(p => reports.get(p)!)
  if (assessment.needed.length === 0 && sharedEntries(assessment).size === 0) return { platforms: inOrder() }

  const { journal, holder, ledger } = ctx
  const repair = { binfmtDir: ctx.binfmtDir, warn: ctx.log.warning }
  const needed = await ledger.locked((data, save) => share(assessment, { journal, holder, data, save }, ctx.binfmtDir), repair)
  if (needed.length === 0) return { platforms: inOrder() }

  const sys = await ctx.privileged() // asked for only now that something must change
  const changes = new Changes(sys, { journal, ledger, holder }, ctx.binfmtDir, ctx.log)
  // Partial downloads go to the run's own scratch folder, which every way out of main removes.
  const installation = await obtain(needed, request, sys, changes, { ...ctx, places: { ...ctx.places, tempDir: ctx.workDir } })
  const registrar = { request, sys, changes, ctx, before: assessment.before }
  const registered = await changes.locked(() => registerAll(needed, installation, registrar))
  for (const [platform, report] of registered) reports.set(platform, report)
  return { platforms: inOrder(), cacheHit: installation.cacheHit }
}
