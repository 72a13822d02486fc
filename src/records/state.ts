/** What the main step hands to the post step (core.saveState / core.getState). */
export enum State {
  /** JSON list of the journal's changes, saved after every change. */
  Changes = 'changes',
  Cleanup = 'cleanup',
  /** JSON of this job's holder in the host's ledger. */
  Holder = 'holder'
}
