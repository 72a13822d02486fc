/** The action's main step: inputs -> setup -> outputs and summary. */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import * as core from '@actions/core'
import { currentHost } from '../kernel/host.js'
import { readInputs } from './inputs.js'
import { Journal } from '../records/journal.js'
import { holderFor, Ledger } from '../records/ledger.js'
import { privileged } from '../kernel/privileged.js'
import { Prober } from '../checks/probe.js'
import { failuresOf, outputsOf, SUMMARY_HEADER, summaryRows } from '../core/report.js'
import { setup } from '../core/setup.js'
import { State } from '../records/state.js'
import { hasChecks, verify } from '../checks/verify.js'

function jobLabel(): string {
  const { GITHUB_REPOSITORY = '', GITHUB_RUN_ID = '', GITHUB_JOB = '' } = process.env
  return [GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_JOB].filter(Boolean).join('/') || `process ${process.ppid}`
}

/**
 * Fault injection for the interruption tests: SETUP_X86_ON_ARM_DIE_AT=N kills this process right
 * after the Nth change is recorded and before it is made, the worst moment for a cancelled job.
 */
function dieAtForTests(recorded: number): void {
  if (process.env.SETUP_X86_ON_ARM_DIE_AT === String(recorded)) process.kill(process.pid, 'SIGKILL')
}

export async function run(): Promise<void> {
  try {
    const { inputs, warnings } = readInputs(name => core.getInput(name))
    for (const warning of warnings) core.warning(warning)
    core.saveState(State.Cleanup, String(inputs.cleanup))
    const host = currentHost()
    // The job's runner process outlives main and post: it is this job's identity in the host's ledger.
    const holder = await holderFor(process.ppid, jobLabel())
    core.saveState(State.Holder, JSON.stringify(holder))
    const journal = new Journal(changes => {
      core.saveState(State.Changes, JSON.stringify(changes))
      dieAtForTests(changes.length)
    })
    const prober = new Prober(join(process.env.RUNNER_TEMP || tmpdir(), `setup-x86-on-arm-${process.pid}`), host.machine)
    const log = { info: core.info, warning: core.warning }
    const report = await core.group('Set up emulation', () =>
      setup(inputs, {
        host,
        prober,
        journal,
        ledger: new Ledger(),
        holder,
        privileged,
        log
      })
    )
    if (hasChecks(report, inputs)) await core.group('Verify', () => verify(report, inputs, prober.dir, log))
    for (const [name, value] of Object.entries(outputsOf(report))) core.setOutput(name, value)
    await core.summary
      .addHeading('setup-x86-on-arm', 3)
      .addTable([SUMMARY_HEADER.map(data => ({ data, header: true })), ...summaryRows(report)])
      .write()
      .catch(error => core.debug(`no job summary: ${(error as Error).message}`))
    const failures = failuresOf(report)
    if (failures.length > 0) core.setFailed(failures.join('\n'))
    await rm(prober.dir, { recursive: true, force: true })
  } catch (error) {
    core.setFailed((error as Error).message)
  }
}
