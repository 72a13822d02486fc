/**
 * SIGINT and SIGTERM, as a cancelled job gets them (the runner sends SIGINT, then SIGTERM): no new
 * kernel change begins, the one in progress finishes (its locked ledger section runs to its end and
 * unlocks), the programs it started (apt, dpkg-deb) are ended, the run's scratch folder (probe programs, partial downloads) and any other it holds
 * (kernel/scratch.ts: a download in the interpreter store) are removed, and the
 * process exits with 128 + the signal's number. Each change was saved in the journal before it
 * was made, so the post step undoes what was made. A second signal, or a section that does not end
 * within the grace, exits at once, removing the lock file first when this process holds it.
 */
import { rmSync } from 'node:fs'
import { constants } from 'node:os'
import { endPrograms } from '../kernel/process.js'
import { heldScratch } from '../kernel/scratch.js'
import type { Journal } from '../records/journal.js'
import type { Ledger } from '../records/ledger.js'

/** What a step has in progress: the parts a signal stops, waits for and removes. */
export interface InProgress {
  journal?: Pick<Journal, 'stop'>
  ledger?: Pick<Ledger, 'stop' | 'idle' | 'releaseNow'>
  /** The run's scratch folder. */
  workDir?: string
}

/** How long the change in progress may take to finish: the runner sends SIGTERM 7.5 s after SIGINT. */
export const GRACE_MS = 5000

export type StopSignal = 'SIGINT' | 'SIGTERM'

/** The exit code of a process ended by a signal, as a shell reports it: 128 + its number. */
export function exitCodeOf(signal: StopSignal): number {
  return 128 + constants.signals[signal]
}

/** Stops the work in progress on a signal, then exits; a second signal while it waits exits at once. */
export class SignalStop {
  private waiting = false

  constructor(
    private readonly work: () => InProgress,
    private readonly graceMs = GRACE_MS
  ) {}

  async stop(signal: StopSignal): Promise<void> {
    const work = this.work()
    const leave = () => {
      work.ledger?.releaseNow()
      for (const dir of [work.workDir, ...heldScratch()]) if (dir) rmSync(dir, { recursive: true, force: true })
      process.exit(exitCodeOf(signal))
    }
    if (this.waiting) return leave()
    this.waiting = true
    process.stderr.write(`${signal}: finishing the change in progress, then stopping; the post step undoes what this step changed\n`)
    work.journal?.stop(`stopped by ${signal}`)
    work.ledger?.stop(`stopped by ${signal}`)
    let timer: NodeJS.Timeout | undefined
    const grace = new Promise<void>(resolve => {
      timer = setTimeout(resolve, this.graceMs)
      timer.unref()
    })
    await Promise.race([work.ledger?.idle(), grace])
    clearTimeout(timer)
    // apt, dpkg-deb or a decompressor still writing into a scratch folder would outlive its removal.
    await endPrograms()
    leave()
  }
}

let current: InProgress = {}
let installed: SignalStop | undefined

/**
 * Makes SIGINT and SIGTERM stop `work` (the latest call's) cleanly. The handlers are installed once
 * a process, so a step run again (unit tests) adds none.
 */
export function exitOnSignals(work: InProgress): void {
  current = work
  if (installed) return
  const stopper = new SignalStop(() => current)
  installed = stopper
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopper.stop(signal))
}
