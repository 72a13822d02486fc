/**
 * What a run changed in the kernel's binfmt table, recorded before each change is made
 * (write-ahead), so a post step can undo a main that failed or was killed half-way. Once the run is
 * stopped (a signal), nothing more is recorded, so no new change starts. A saved list is read back
 * item by item: the file it lives in can be edited, so each change is checked (changeProblem)
 * before anything acts on it.
 */
import { type Entry, registerLine } from '../kernel/binfmt.js'

export type Change =
  /** binfmt_misc was not mounted and this run mounted it. */
  | { kind: 'mounted' }
  /** A new entry (absent before). */
  | { kind: 'added'; entry: Entry }
  /** An entry that existed, with what replaced it (none when a package removed it). */
  | { kind: 'replaced'; original: Entry; entry?: Entry }
  /** An entry another job of this action registered, held by this job too until its post step. */
  | { kind: 'shared'; name: string }

/** A change refused because the run is stopping: the change it would have begun is never made. */
export class Stopped extends Error {}

export class Journal {
  readonly changes: Change[] = []
  private stopped?: string

  /** `persist` saves the whole list after every change (the Actions state, or a file). */
  constructor(private readonly persist: (changes: readonly Change[]) => void | Promise<void> = () => undefined) {}

  /** Refuses every later record(): the changes recorded so far stay, for the post step to undo. */
  stop(why: string): void {
    this.stopped ??= why
  }

  async record(change: Change): Promise<void> {
    if (this.stopped) throw new Stopped(this.stopped)
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

  /**
   * The saved list, unchecked item by item: whoever acts on a change checks it with changeProblem
   * first, so one damaged change is skipped and the others still count.
   */
  static parse(text: string | undefined): Change[] {
    if (!text) return []
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new Error(`the saved changes are not JSON (${(error as Error).message})`, { cause: error })
    }
    if (!Array.isArray(value)) throw new Error('the saved changes are not a list')
    return value as Change[]
  }
}

/** What is wrong with a value read back as an entry; undefined when the kernel would take it. */
export function entryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object'
  const entry = value as Record<string, unknown>
  for (const field of ['name', 'interpreter', 'flags', 'magic', 'mask']) {
    if (typeof entry[field] !== 'string') return `its ${field} is not a string`
  }
  if (typeof entry.enabled !== 'boolean') return 'its enabled is not true or false'
  if (entry.type !== 'M' && entry.type !== 'E') return `its type ${JSON.stringify(entry.type)} is not M or E`
  if (typeof entry.offset !== 'number' || !Number.isSafeInteger(entry.offset) || entry.offset < 0) return 'its offset is not a number'
  try {
    registerLine(entry as unknown as Entry)
  } catch (error) {
    return (error as Error).message
  }
  return undefined
}

/** What is wrong with a value read back as a change; undefined when it is one this action records. */
export function changeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${JSON.stringify(value)} is not an object`
  const change = value as Record<string, unknown>
  const entry = (field: string, optional = false) => {
    if (optional && change[field] === undefined) return undefined
    const problem = entryProblem(change[field])
    return problem && `its ${field} is not a binfmt entry (${problem})`
  }
  switch (change.kind) {
    case 'mounted':
      return undefined
    case 'added':
      return entry('entry')
    case 'replaced': {
      const problem = entry('original') ?? entry('entry', true)
      if (problem) return problem
      const { original, entry: replacement } = change as { original: Entry; entry?: Entry }
      return replacement && replacement.name !== original.name ? `it replaces ${original.name} with ${replacement.name}` : undefined
    }
    case 'shared':
      return typeof change.name === 'string' && change.name !== '' ? undefined : 'its name is not a string'
    default:
      return `its kind ${JSON.stringify(change.kind)} is not mounted, added, replaced or shared`
  }
}
