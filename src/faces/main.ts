/** The action's main step: inputs -> setup -> checks -> the sysroot (libraries) -> outputs and summary. */
import { dirname } from 'node:path'
import * as core from '@actions/core'
import { info } from './log.js'
import { newRunId } from '../checks/probe-image.js'
import { checkEngine, checkSetup, needsChecks } from '../core/check-setup.js'
import { type Context, type ContextFactory, createContext, disposeContext, type Environment } from '../core/context.js'
import { isOtherOs, otherOs } from '../core/other-os.js'
import { failuresOf, outputsOf, type Report, SUMMARY_HEADER, summaryRows } from '../core/report.js'
import { setup } from '../core/setup.js'
import { type LibrariesRequest, prepareSysroot, wantsSysroot } from '../core/sysroot.js'
import { holderFor } from '../records/holder.js'
import { ledgerDirFor } from '../records/ledger.js'
import { saveChanges, saveCleanup, saveHolder, saveProbeRun } from './state.js'
import { actionPlaces, jobLabel, sysrootStoreFor, temporarySysrootRoot, type Variables } from './environment.js'
import { checkPrefixFree, checkRequestOf, librariesRequestOf, readInputs, setupRequestOf } from './inputs.js'
import { exitOnSignals } from './signals.js'

/** The Environment of a job: the runner's folders and variables, and its runner process as the holder. */
async function jobEnvironment(env: Variables): Promise<Environment> {
  const uid = process.getuid?.() ?? 0
  // The job's runner process outlives main and post: it is this job's identity in the host's ledger.
  const holder = await holderFor(process.ppid, jobLabel(env, process.ppid))
  saveHolder(holder)
  return {
    ...actionPlaces(env, uid),
    holder,
    ledgerDir: ledgerDirFor(uid, env),
    persistJournal: saveChanges,
    log: { info, notice: core.notice, warning: core.warning }
  }
}

/**
 * The sysroot `libraries` or `sysroot` ask for, once setup has served every platform, exported as
 * QEMU_LD_PREFIX for the job's later steps (the runner reads GITHUB_ENV when this step ends); its
 * path, or '' when there is none.
 */
async function exportSysroot(libraries: LibrariesRequest, report: Report, ctx: Context, env: Variables): Promise<string> {
  if (!wantsSysroot(libraries) || failuresOf(report).length > 0) return ''
  const places = {
    ...ctx.places,
    tempDir: dirname(ctx.workDir),
    temporaryRoot: temporarySysrootRoot(env, process.ppid),
    store: process.getuid?.() === 0 ? sysrootStoreFor(env) : undefined
  }
  const made = await core.group('Libraries', () => prepareSysroot(libraries, report, places, ctx.log, ctx.makeSysroot))
  if (made) core.exportVariable('QEMU_LD_PREFIX', made.path)
  return made?.path ?? ''
}

/** The step; its Context comes from `contextFor` (createContext; a unit test's factory of fakes). */
export async function run(contextFor: ContextFactory = createContext): Promise<void> {
  try {
    const env = process.env
    const { inputs, warnings } = readInputs(name => core.getInput(name))
    if (isOtherOs(process.platform)) {
      // macOS and Windows: what runs x86 programs there is the system's own; nothing to register.
      const other = await otherOs(inputs.platforms)
      for (const line of other.lines) info(line)
      for (const [name, value] of Object.entries(other.outputs)) core.setOutput(name, value)
      if (other.failure) core.setFailed(other.failure)
      return
    }
    checkPrefixFree(inputs, env.QEMU_LD_PREFIX)
    for (const warning of warnings) core.warning(warning)
    saveCleanup(inputs.cleanup)
    const ctx = await contextFor(await jobEnvironment(env))
    exitOnSignals(ctx)
    try {
      const report = await core.group('Set up emulation', () => setup(setupRequestOf(inputs), ctx))
      // The remedies setup chose for the job's later steps (QEMU_GUEST_BASE); a value the job sets itself stays.
      for (const [name, value] of Object.entries(report.environment ?? {})) if (env[name] === undefined) core.exportVariable(name, value)
      const request = { ...checkRequestOf(inputs), runId: newRunId() }
      const check = { ...request, ...(await checkEngine(report, request, ctx)) }
      // Saved before the check loads anything: one cut short leaves its images for the post step to remove.
      if (check.engine) saveProbeRun({ runId: check.runId, engines: [check.engine.name] })
      if (needsChecks(report, check)) {
        const { leftovers } = await core.group('Verify', () => checkSetup(report, check, ctx))
        // The check removed all it added: the post step has no engine to ask.
        if (check.engine && leftovers.length === 0) saveProbeRun({ runId: check.runId, engines: [] })
      }
      const sysroot = await exportSysroot(librariesRequestOf(inputs), report, ctx, env)
      for (const [name, value] of Object.entries(outputsOf(report, sysroot))) core.setOutput(name, value)
      await core.summary
        .addHeading('setup-x86-on-arm', 3)
        .addTable([SUMMARY_HEADER.map(data => ({ data, header: true })), ...summaryRows(report)])
        .write()
        .catch(error => core.debug(`no job summary: ${(error as Error).message}`))
      const failures = failuresOf(report)
      if (failures.length > 0) core.setFailed(failures.join('\n'))
    } finally {
      await disposeContext(ctx)
    }
  } catch (error) {
    core.setFailed((error as Error).message)
  }
}
