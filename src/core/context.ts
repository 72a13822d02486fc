/**
 * Everything the core works with, built in one place for the action's main step and the command
 * line. What comes from where the core runs (folders, where its own QEMU builds are published, who
 * this run is in the host's ledger, where its journal is kept) arrives as an Environment: the core
 * reads no process.env itself. It is the one seam: main and the command line get theirs from a
 * ContextFactory (createContext, or a unit test's factory of fakes); what only undoes changes (the
 * post step, uninstall) gets the part it needs (core/restore.ts RestoreContext); the signal
 * handler is given the parts it stops.
 */
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { Prober } from '../checks/probe.js'
import { type InstallPlaces, type InstallRequest, obtainInterpreters } from '../install/index.js'
import { makeSysroot } from '../install/libraries/index.js'
import { BINFMT_DIR } from '../kernel/binfmt.js'
import { currentHost, type Host } from '../kernel/host.js'
import type { Platform } from '../kernel/platforms.js'
import { type Privileged, privileged } from '../kernel/privileged.js'
import { freshFolder, rootOnlyProblem } from '../kernel/root-files.js'
import type { Holder } from '../records/holder.js'
import { type Change, Journal } from '../records/journal.js'
import { Ledger, ledgerDirFor } from '../records/ledger.js'

export interface Log {
  info(message: string): void
  /** Worth seeing, not a problem (an annotation in Actions); info where there is no such thing. */
  notice?(message: string): void
  warning(message: string): void
}

/**
 * Where the core's folders and sources are. The InstallPlaces part: the tool cache and what chose
 * it (toolCacheLabel), the temporary folder, the asset base and the root-only interpreter store.
 */
export interface Environment extends InstallPlaces {
  /** Who this run is in the host's ledger. */
  holder: Holder
  /** Where the host's ledger lives; the default is root's or the user's (ledgerDirFor). */
  ledgerDir?: string
  /** Saves the journal's whole list after every change (the Actions state, or a file). */
  persistJournal: (changes: readonly Change[]) => void | Promise<void>
  log: Log
}

/** What setup is asked to do, read from the action's inputs or the command line's options. */
export interface SetupRequest {
  platforms: readonly Platform[]
  /** binfmt flag letters of the entries registered, in the kernel's order; also what install must serve. */
  flags: string
  /** Where QEMU may come from. */
  install: Omit<InstallRequest, 'flags'>
  /** Prove each entry right after registering it (only verify: none skips that). */
  prove: boolean
  /** Keep the entries for good (/etc/binfmt.d, and a holder that never lets go). */
  persist: boolean
}

/** The probe as the core uses it. */
export type Probe = Pick<Prober, 'run' | 'runIsolated'>

export interface Context {
  host: Host
  prober: Probe
  journal: Journal
  ledger: Ledger
  holder: Holder
  /** Root or sudo, asked for only when something must change. */
  privileged: () => Promise<Privileged>
  log: Log
  places: InstallPlaces
  /** The install layer: interpreters for the targets that need one. */
  obtain: typeof obtainInterpreters
  /** The install layer: the sysroot `libraries` asks for. */
  makeSysroot: typeof makeSysroot
  /** The kernel's binfmt_misc folder. */
  binfmtDir: string
  /** Where `persist` writes entries for systemd-binfmt to register at boot. */
  bootDir: string
  /** This run's scratch folder (probe programs, downloads), made fresh (0700), removed by disposeContext. */
  workDir: string
  /** Why an interpreter must not be run here (someone other than root could change it); undefined when it may. */
  interpreterProblem: (path: string) => Promise<string | undefined>
}

/** How a face gets its Context from the Environment it made. */
export type ContextFactory = (env: Environment) => Promise<Context>

export const BINFMT_D = '/etc/binfmt.d'

/** The install layer's places, copied field by field so nothing else of the Environment leaks into install/. */
export function installPlacesOf(env: InstallPlaces): InstallPlaces {
  const { toolCache, toolCacheLabel, tempDir, assetBase, interpreterStore } = env
  return { toolCache, toolCacheLabel, tempDir, assetBase, interpreterStore }
}

/**
 * Where this run's folders are made: the temporary folder it was given, else the machine's, the
 * first that no untrusted user can change (kernel/root-files.ts).
 */
export function scratchParents(tempDir: string): string[] {
  return [tempDir, tmpdir(), '/tmp']
}

export async function createContext(env: Environment): Promise<Context> {
  const host = currentHost()
  const workDir = await freshFolder(scratchParents(env.tempDir), 'setup-x86-on-arm-')
  return {
    host,
    prober: new Prober(workDir, host.machine),
    journal: new Journal(env.persistJournal),
    ledger: new Ledger(env.ledgerDir ?? ledgerDirFor(process.getuid?.() ?? 0)),
    holder: env.holder,
    privileged,
    log: env.log,
    places: installPlacesOf(env),
    obtain: obtainInterpreters,
    makeSysroot,
    binfmtDir: BINFMT_DIR,
    bootDir: BINFMT_D,
    workDir,
    interpreterProblem: path => rootOnlyProblem(path, 'file')
  }
}

export async function disposeContext(ctx: Pick<Context, 'workDir'>): Promise<void> {
  await rm(ctx.workDir, { recursive: true, force: true })
}
