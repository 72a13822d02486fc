/** The action's main step: inputs -> setup -> outputs and summary. */
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import * as core from '@actions/core'
import { currentHost } from './host.js'
import { readInputs } from './inputs.js'
import { Journal } from './journal.js'
import { privileged } from './privileged.js'
import { Prober } from './probe.js'
import { failuresOf, outputsOf, SUMMARY_HEADER, summaryRows } from './report.js'
import { setup } from './setup.js'
import { State } from './state.js'

export async function run(): Promise<void> {
  try {
    const { inputs, warnings } = readInputs(name => core.getInput(name))
    for (const warning of warnings) core.warning(warning)
    core.saveState(State.Cleanup, String(inputs.cleanup))
    const host = currentHost()
    const journal = new Journal(changes => core.saveState(State.Changes, JSON.stringify(changes)))
    const report = await core.group('Set up emulation', () =>
      setup(inputs, {
        host,
        prober: new Prober(join(process.env.RUNNER_TEMP || tmpdir(), `setup-x86-on-arm-${process.pid}`), host.machine),
        journal,
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
