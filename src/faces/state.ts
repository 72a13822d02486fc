/**
 * What the main step hands to the post step, through the runner's saved state: one typed getter
 * and setter per key, so neither step spells a key or a format itself.
 */
import * as core from '@actions/core'
import { parseProbeRun, type ProbeRun } from '../checks/probe-leftovers.js'
import { parseHolder, type Holder } from '../records/holder.js'
import { type Change, Journal } from '../records/journal.js'

export enum State {
  /** JSON list of the journal's changes, saved after every change. */
  Changes = 'changes',
  Cleanup = 'cleanup',
  /** JSON of this job's holder in the host's ledger. */
  Holder = 'holder',
  /**
   * JSON of the container check's run id and the engines it loads images into, saved before it
   * loads any and again with no engine once it removed all it added: post asks only those engines.
   */
  ProbeRun = 'probe-run'
}

export function saveChanges(changes: readonly Change[]): void {
  core.saveState(State.Changes, JSON.stringify(changes))
}

/** The changes main recorded; none when it recorded nothing (or never ran). */
export function savedChanges(): Change[] {
  return Journal.parse(core.getState(State.Changes))
}

export function saveCleanup(cleanup: boolean): void {
  core.saveState(State.Cleanup, String(cleanup))
}

/** Whether post undoes main's changes: only an explicit cleanup: false keeps them. */
export function savedCleanup(): boolean {
  return core.getState(State.Cleanup) !== 'false'
}

export function saveHolder(holder: Holder): void {
  core.saveState(State.Holder, JSON.stringify(holder))
}

/** The holder main saved; a malformed one fails naming the state key and what is wrong. */
export function savedHolder(): Holder | undefined {
  return parseHolder(core.getState(State.Holder), `state "${State.Holder}"`)
}

export function saveProbeRun(run: ProbeRun): void {
  core.saveState(State.ProbeRun, JSON.stringify(run))
}

/** Where main's container check may have left something; undefined when none ran, and a malformed one fails naming the state key. */
export function savedProbeRun(): ProbeRun | undefined {
  return parseProbeRun(core.getState(State.ProbeRun), `state "${State.ProbeRun}"`)
}
