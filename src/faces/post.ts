/**
 * The action's post step: remove what main's container check may have left in an engine (only one
 * main recorded loading images into and did not see emptied again is asked), a sysroot main had to
 * make in the temporary folder (a cached one stays for later jobs), and undo what main changed in
 * the binfmt_misc table, unless cleanup is false.
 */
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import * as core from '@actions/core'
import { info } from './log.js'
import { engineOf, probeEngine } from '../checks/engine.js'
import { removeProbeImages } from '../checks/probe-leftovers.js'
import { isOtherOs } from '../core/other-os.js'
import { restore, restoreContext, type RestoreContextFactory } from '../core/restore.js'
import { ledgerDirFor } from '../records/ledger.js'
import { savedChanges, savedCleanup, savedHolder, savedProbeRun } from './state.js'
import { temporarySysrootRoot, type Variables } from './environment.js'
import { exitOnSignals } from './signals.js'

/** The probe images and containers of main's container check, in the engines it recorded; a failure here only warns. */
async function removeCheckLeftovers(): Promise<void> {
  try {
    const run = savedProbeRun()
    if (!run || run.engines.length === 0) return
    const probes = await Promise.all(run.engines.map(name => probeEngine(name)))
    for (const probe of probes) {
      if (!probe.ok) core.warning(`could not look for what the container check left in ${probe.name}: ${probe.error}`)
    }
    const engines = probes.map(engineOf).filter(engine => engine !== undefined)
    await removeProbeImages(engines, run.runId, { info, warning: core.warning })
  } catch (error) {
    core.warning(`could not remove the container check's probe images: ${(error as Error).message}`)
  }
}

/** A sysroot main made for this job alone (its tool cache could not be written); a failure here only warns. */
async function removeTemporarySysroot(env: Variables): Promise<void> {
  const dir = temporarySysrootRoot(env, process.ppid)
  if (!existsSync(dir)) return
  try {
    await rm(dir, { recursive: true, force: true })
    info(`removed the temporary sysroot ${dir}`)
  } catch (error) {
    core.warning(`could not remove the temporary sysroot ${dir}: ${(error as Error).message}`)
  }
}

/** The step; the part of a Context it needs comes from `contextFor` (restoreContext; a unit test's fakes). */
export async function run(contextFor: RestoreContextFactory = restoreContext): Promise<void> {
  if (isOtherOs(process.platform)) return // main changes nothing on macOS and Windows
  const env = process.env
  await removeCheckLeftovers()
  await removeTemporarySysroot(env)
  try {
    const changes = savedChanges()
    if (changes.length === 0) {
      info('nothing to restore: the main step changed nothing')
      return
    }
    if (!savedCleanup()) {
      info(`cleanup: false, leaving ${changes.length} change(s) to the binfmt_misc table in place`)
      return
    }
    const ctx = await contextFor(ledgerDirFor(process.getuid?.() ?? 0, env))
    exitOnSignals({ ledger: ctx.ledger })
    const report = await restore(changes, await ctx.privileged(), core.warning, {
      ledger: ctx.ledger,
      holder: savedHolder(),
      dir: ctx.binfmtDir
    })
    const done = [
      report.removed.length ? `removed ${report.removed.join(', ')}` : '',
      report.restored.length ? `restored ${report.restored.join(', ')}` : '',
      report.unmounted ? 'unmounted binfmt_misc' : '',
      report.kept.length ? `kept ${report.kept.join(', ')} (still held by other jobs on this machine, or by persist: true)` : ''
    ].filter(Boolean)
    info(`binfmt_misc table restored: ${done.join('; ') || 'nothing left to undo'}`)
  } catch (error) {
    core.setFailed(`restoring the binfmt_misc table failed: ${(error as Error).message}`)
  }
}
