/** The action's post step: undo what main changed, unless cleanup is false. */
import * as core from '@actions/core'
import { Journal } from '../records/journal.js'
import { type Holder, Ledger } from '../records/ledger.js'
import { privileged } from '../kernel/privileged.js'
import { restore } from '../core/restore.js'
import { State } from '../records/state.js'

export async function run(): Promise<void> {
  try {
    const changes = Journal.parse(core.getState(State.Changes))
    if (changes.length === 0) {
      core.info('nothing to restore: the main step changed nothing')
      return
    }
    if (core.getState(State.Cleanup) === 'false') {
      core.info(`cleanup: false, leaving ${changes.length} change(s) to the binfmt_misc table in place`)
      return
    }
    const holder = core.getState(State.Holder) ? (JSON.parse(core.getState(State.Holder)) as Holder) : undefined
    const report = await restore(changes, await privileged(), core.warning, { ledger: new Ledger(), holder })
    const done = [
      report.removed.length ? `removed ${report.removed.join(', ')}` : '',
      report.restored.length ? `restored ${report.restored.join(', ')}` : '',
      report.unmounted ? 'unmounted binfmt_misc' : '',
      report.kept.length ? `kept ${report.kept.join(', ')} (still held by other jobs on this machine, or by persist: true)` : ''
    ].filter(Boolean)
    core.info(`binfmt_misc table restored: ${done.join('; ') || 'nothing left to undo'}`)
  } catch (error) {
    core.setFailed(`restoring the binfmt_misc table failed: ${(error as Error).message}`)
  }
}
