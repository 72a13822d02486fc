/**
 * Who holds an entry in the host's ledger: a job (its runner process, which outlives main and
 * post), or a holder that never goes stale (the command line, persist, a ledger rebuilt after
 * damage). A job's holder counts while its process lives in this boot; a reused pid or an earlier
 * boot makes it stale. A holder read back from a file is checked field by field (holderProblem).
 */
import { readFile } from 'node:fs/promises'

export interface Holder {
  /** The runner's process for a job; 0 for a holder that never goes stale (command line, persist). */
  pid: number
  /** That process's start time (clock ticks after boot), so a reused pid is not taken for it. */
  start: string
  boot: string
  label: string
}

export interface ProcessInfo {
  bootId(): Promise<string>
  /** The start time of a process, undefined when it does not exist. */
  startTime(pid: number): Promise<string | undefined>
  /** When this boot began (ms since the epoch), undefined when unknown: a lock file older than that is stale. */
  bootTime?(): Promise<number | undefined>
}

export const procInfo: ProcessInfo = {
  async bootId() {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim()
  },
  async startTime(pid) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      // Field 22; the command name (field 2) may hold spaces and parentheses, so count from its end.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
    } catch {
      return undefined
    }
  },
  async bootTime() {
    const stat = await readFile('/proc/stat', 'utf8').catch(() => '')
    const seconds = Number(/^btime (\d+)$/m.exec(stat)?.[1])
    return seconds > 0 ? seconds * 1000 : undefined
  }
}

/** `persist: true` holds an entry for good: only `setup-x86-on-arm uninstall` lets it go. */
export const PERSIST_HOLDER: Holder = { pid: 0, start: '', boot: '', label: 'persist' }

/** The command line's registrations stay until `uninstall`: a holder that never goes stale. */
export const CLI_HOLDER: Holder = { pid: 0, start: '', boot: '', label: 'command line' }

/**
 * Holds every entry of the kernel's table when the ledger had to be rebuilt from it: who else held
 * them is lost, so none is removed until the kernel loses it (a reboot, or removal by hand).
 */
export const REBUILT_HOLDER: Holder = { pid: 0, start: '', boot: '', label: 'unknown (the ledger was rebuilt after damage)' }

export function sameHolder(a: Holder, b: Holder): boolean {
  return a.pid === b.pid && a.start === b.start && a.boot === b.boot && a.label === b.label
}

/** A holder that never goes stale (command line, persist, rebuilt): no job's post step lets it go. */
export function neverStale(holder: Holder): boolean {
  return holder.pid === 0
}

/** What is wrong with a value read back as a holder; undefined when it is one. */
export function holderProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${JSON.stringify(value)} is not an object`
  const { pid, start, boot, label } = value as Record<string, unknown>
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 0) return `pid ${JSON.stringify(pid)} is not a process id`
  for (const [field, text] of Object.entries({ start, boot, label })) {
    if (typeof text !== 'string') return `${field} ${JSON.stringify(text)} is not a string`
  }
  return undefined
}

/**
 * A holder saved as JSON (the Actions state), checked; undefined when none was saved. `source`
 * names where it was read from (e.g. 'state "holder"'), so a damaged one says where to look.
 */
export function parseHolder(text: string | undefined, source: string): Holder | undefined {
  if (!text) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`${source} is not a holder: not JSON (${(error as Error).message})`, { cause: error })
  }
  const problem = holderProblem(value)
  if (problem) throw new Error(`${source} is not a holder: ${problem}`)
  return value as Holder
}

/** Whether a holder still counts: a never-stale holder, or a live process of this boot. */
export async function isLive(holder: Holder, info: ProcessInfo = procInfo): Promise<boolean> {
  if (holder.pid === 0) return true
  if (holder.boot !== (await info.bootId())) return false
  return (await info.startTime(holder.pid)) === holder.start
}

/** The holder for a process (a job's runner is the parent of its main and post steps). */
export async function holderFor(pid: number, label: string, info: ProcessInfo = procInfo): Promise<Holder> {
  return { pid, start: (await info.startTime(pid)) ?? '', boot: await info.bootId(), label }
}
