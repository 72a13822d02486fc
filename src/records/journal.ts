/**
 * What a run changed in the kernel's binfmt table, recorded before each change is made
 * (write-ahead), so a post step can undo a main that failed or was killed half-way.
 */
import type { Entry } from '../kernel/binfmt.js'

export type Change =
  /** binfmt_misc was not mounted and this run mounted it. */
  | { kind: 'mounted' }
  /** A new entry (absent before). */
  | { kind: 'added'; entry: Entry }
  /** An entry that existed, with what replaced it (none when a package removed it). */
  | { kind: 'replaced'; original: Entry; entry?: Entry }
  /** An entry another job of this action registered, held by this job too until its post step. */
  | { kind: 'shared'; name: string }

export class Journal {
  readonly changes: Change[] = []

  /** `persist` saves the whole list after every change (the Actions state, or a file). */
  constructor(private readonly persist: (changes: readonly Change[]) => void | Promise<void> = () => undefined) {}

  async record(change: Change): Promise<void> {
    this.changes.push(change)
    await this.persist(this.changes)
  }

  /** Replaces a recorded change (a 'replaced' record completed), or drops it (undefined: undone). */
  async update(change: Change, next: Change | undefined): Promise<void> {
    const at = this.changes.indexOf(change)
    if (at < 0) return
    if (next) this.changes[at] = next
    else this.changes.splice(at, 1)
    await this.persist(this.changes)
  }

  static parse(text: string | undefined): Change[] {
    if (!text) return []
    const value: unknown = JSON.parse(text)
    if (!Array.isArray(value)) throw new Error('saved changes are not a list')
    return value as Change[]
  }
}
