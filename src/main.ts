/** The action's main step: inputs -> setup -> outputs and summary. */
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import * as core from '@actions/core'
import { currentHost } from './host.js'
import { readInputs } from './inputs.js'
import { Journal } from './journal.js'
import { holderFor, Ledger } from './ledger.js'
import { privileged } from './privileged.js'
import { Prober } from './probe.js'
import { failuresOf, outputsOf, SUMMARY_HEADER, summaryRows } from './report.js'
import { setup } from './setup.js'
import { State } from './state.js'

function jobLabel(): string {
  const { GITHUB_REPOSITORY = '', GITHUB_RUN_ID = '', GITHUB_JOB = '' } = process.env
  return [GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_JOB].filter(Boolean).join('/') || `process ${process.ppid}`
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
    const journal = new Journal(changes => core.saveState(State.Changes, JSON.stringify(changes)))
    const report = await core.group('Set up emulation', () =>
      setup(inputs, {
        host,
        prober: new Prober(join(process.env.RUNNER_TEMP || tmpdir(), `setup-x86-on-arm-${process.pid}`), host.machine),
        journal,
        ledger: new Ledger(),
        holder,
        privileged,
        log: { info: core.info, warning: core.warning }
      })
    )
    for (const [name, value] of Object.entries(outputsOf(report))) core.setOutput(name, value)
    await core.summary
      .addHeading('setup-x86-on-arm', 3)
      .addTable([SUMMARY_HEADER.map(data => ({ data, header: true })), ...summaryRows(report)])
      .write()
      .catch(error => core.debug(`no job summary: ${(error as Error).message}`))
    const failures = failuresOf(report)
    if (failures.length > 0) core.setFailed(failures.join('\n'))
  } catch (error) {
    core.setFailed((error as Error).message)
  }
}
