/**
 * Who holds an entry in the host's ledger: a job (its runner process, which outlives main and
 * post), or a holder that never goes stale (the command line, persist). A job's holder counts
 * while its process lives in this boot; a reused pid or an earlier boot makes it stale.
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
  }
}

/** `persist: true` holds an entry for good: only `setup-x86-on-arm uninstall` lets it go. */
export const PERSIST_HOLDER: Holder = { pid: 0, start: '', boot: '', label: 'persist' }

/** The command line's registrations stay until `uninstall`: a holder that never goes stale. */
export const CLI_HOLDER: Holder = { pid: 0, start: '', boot: '', label: 'command line' }

export function sameHolder(a: Holder, b: Holder): boolean {
  return a.pid === b.pid && a.start === b.start && a.boot === b.boot && a.label === b.label
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
