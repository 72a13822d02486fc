/**
 * The core shared by the action's main step and the command line, as four steps: assess what
 * already runs (changing nothing), share the working entries other jobs registered, obtain
 * interpreters for the rest, register and prove them (persisting them when asked). Every change
 * to the kernel's table is recorded before it is made (changes.ts).
 */
import { hostProblem } from '../kernel/host.js'
import { assess } from './assess.js'
import { Changes } from './changes.js'
import type { Context, SetupRequest } from './context.js'
import { obtain } from './obtain.js'
import { registerAll } from './register.js'
import { type PlatformReport, type Report, SetupError } from './report.js'
import { share, sharedEntries } from './share.js'

export async function setup(request: SetupRequest, ctx: Context): Promise<Report> {
  const problem = hostProblem(ctx.host, request.platforms)
  if (problem) throw new SetupError(problem)

  const assessment = await assess(request, ctx)
  const reports = assessment.reports
  const inOrder = (): PlatformReport[] => request.platforms.map(p => reports.get(p)!)
  if (assessment.needed.length === 0 && sharedEntries(assessment).size === 0) return { platforms: inOrder() }

  return ctx.ledger.locked(async (ledger, save) => {
    const books = { journal: ctx.journal, ledger, save, holder: ctx.holder }
    const needed = await share(assessment, books, ctx.binfmtDir)
    if (needed.length === 0) return { platforms: inOrder() }

    const sys = await ctx.privileged() // asked for only now that something must change
    const changes = new Changes(sys, books, ctx.binfmtDir, ctx.log)
    const installation = await obtain(needed, request, sys, changes, ctx)
    for (const [platform, report] of await registerAll(needed, installation, { request, sys, changes, ctx })) reports.set(platform, report)
    return { platforms: inOrder(), cacheHit: installation.cacheHit }
  })
}
