/**
 * The command line's commands. `install` runs the core's setup and checks with the command line's
 * own places (cli defaults, environment.ts) and records its changes in a journal file beside the
 * host's ledger; with --libraries or --sysroot it then prepares the sysroot and prints the
 * QEMU_LD_PREFIX line a runner service needs (--env-file writes it into the service's `.env`).
 * `uninstall` undoes the changes, takes those lines out again and lets go of everything the
 * command line and persist hold; `status` lists the kernel's table with a probe of each entry.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { checkSetup } from '../core/check-setup.js'
import { type ContextFactory, disposeContext, type Environment } from '../core/context.js'
import { failuresOf, outputsOf, SUMMARY_HEADER, summaryRows } from '../core/report.js'
import { restore, type RestoreContextFactory } from '../core/restore.js'
import { setup } from '../core/setup.js'
import { type PreparedSysroot, prepareSysroot, wantsSysroot } from '../core/sysroot.js'
import { readTable } from '../kernel/binfmt.js'
import { platformOfHeader } from '../kernel/platforms.js'
import { CLI_HOLDER, PERSIST_HOLDER } from '../records/holder.js'
import { type Change, Journal } from '../records/journal.js'
import { ledgerDirFor } from '../records/ledger.js'
import { err, out } from './cli-output.js'
import { envFileConflict, PREFIX_VARIABLE, prefixLine, removePrefixes, writePrefix } from './env-file.js'
import { commandLinePlaces, sysrootStoreFor } from './environment.js'
import { checkRequestOf, InputError, librariesRequestOf, readInputs, setupRequestOf } from './inputs.js'

/** Who runs the command line, and where its records are. */
function whereabouts() {
  const uid = process.getuid?.() ?? 0
  const ledgerDir = ledgerDirFor(uid, process.env)
  return { uid, ledgerDir, journalFile: join(ledgerDir, 'cli-changes.json') }
}

/** The Environment of status, which only reads and probes: the command line's default places. */
function plainEnvironment(uid: number, ledgerDir: string): Environment {
  return {
    ...commandLinePlaces(process.env, uid),
    holder: CLI_HOLDER,
    ledgerDir,
    persistJournal: () => undefined,
    log: { info: m => err(`${m}\n`), warning: m => err(`warning: ${m}\n`) }
  }
}

async function loadJournal(file: string): Promise<Change[]> {
  try {
    return Journal.parse(await readFile(file, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

async function saveJournal(file: string, changes: readonly Change[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify(changes, null, 1))
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows
    .map(r =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

/** --env-file, checked before anything changes: only with a sysroot, and not over someone else's QEMU_LD_PREFIX. */
async function envFileOption(options: Record<string, string>, sysroot: boolean, ledgerDir: string): Promise<string | undefined> {
  const given = options['env-file']
  if (given === undefined) return undefined
  if (!given.trim() || /[\0\r\n]/.test(given)) {
    throw new InputError('env-file', 'needs a file name', "write --env-file PATH, such as the runner's .env")
  }
  if (!sysroot) throw new InputError('env-file', 'is used only with --libraries or --sysroot', 'add one of them, or leave --env-file out')
  const file = resolve(given)
  const conflict = await envFileConflict(file, ledgerDir)
  if (conflict) {
    throw new InputError('env-file', `${conflict}, and two prefixes cannot both apply`, 'remove that line, or leave --env-file out')
  }
  return file
}

/** The sysroot line for people and scripts: where it went, or what to do with it. */
function sysrootLines(sysroot: PreparedSysroot, envFile: string | undefined): { out: string; note: string } {
  const line = prefixLine(sysroot.path)
  const note = envFile
    ? `${PREFIX_VARIABLE} written to ${envFile}: restart the runner service so its jobs see it\n`
    : `give the runner service ${line} (for example with --env-file .../actions-runner/.env) so its jobs see it\n`
  return { out: `${line}\n`, note }
}

export async function install(options: Record<string, string>, json: boolean, contextFor: ContextFactory): Promise<number> {
  const { uid, ledgerDir, journalFile } = whereabouts()
  const { inputs, warnings } = readInputs(name => options[name] ?? '')
  const libraries = librariesRequestOf(inputs)
  const envFile = await envFileOption(options, wantsSysroot(libraries), ledgerDir)
  for (const warning of warnings) err(`warning: ${warning}\n`)
  const places = commandLinePlaces(
    process.env,
    uid,
    options['asset-base'],
    undefined,
    options['cache-dir'] && resolve(options['cache-dir'])
  )
  const previous = await loadJournal(journalFile)
  const ctx = await contextFor({
    ...places,
    holder: CLI_HOLDER,
    ledgerDir,
    persistJournal: changes => saveJournal(journalFile, [...previous, ...changes]),
    log: { info: m => json || err(`${m}\n`), warning: m => err(`warning: ${m}\n`) }
  })
  try {
    const report = await setup(setupRequestOf(inputs), ctx)
    await checkSetup(report, checkRequestOf(inputs), ctx)
    const failures = failuresOf(report)
    let sysroot: PreparedSysroot | undefined
    if (wantsSysroot(libraries) && failures.length === 0) {
      const store = uid === 0 ? sysrootStoreFor(process.env) : undefined
      sysroot = await prepareSysroot(libraries, report, { ...places, tempDir: dirname(ctx.workDir), store }, ctx.log, ctx.makeSysroot)
      if (sysroot && envFile) await writePrefix(envFile, sysroot.path, ledgerDir)
    }
    const environment = report.environment ?? {}
    if (json) out(`${JSON.stringify({ ...outputsOf(report), sysroot: sysroot?.path ?? '', environment, failures }, null, 2)}\n`)
    else
      out(
        `${table([SUMMARY_HEADER, ...summaryRows(report)])}\n${Object.entries(environment)
          .map(([n, v]) => `${n}=${v}\n`)
          .join('')}`
      )
    for (const name of Object.keys(environment)) err(`give the runner service ${name} too (its .env), so its jobs' programs get it\n`)
    if (sysroot) {
      const lines = sysrootLines(sysroot, envFile)
      if (!json) out(lines.out)
      err(lines.note)
    }
    for (const failure of failures) err(`error: ${failure}\n`)
    return failures.length ? 1 : 0
  } finally {
    await disposeContext(ctx)
  }
}

export async function uninstall(json: boolean, restoreFor: RestoreContextFactory): Promise<number> {
  const { ledgerDir, journalFile } = whereabouts()
  const changes = await loadJournal(journalFile)
  const ctx = await restoreFor(ledgerDir)
  const report = await restore(changes, await ctx.privileged(), m => err(`warning: ${m}\n`), {
    dir: ctx.binfmtDir,
    ledger: ctx.ledger,
    holder: CLI_HOLDER,
    releaseAll: [CLI_HOLDER, PERSIST_HOLDER]
  })
  await rm(journalFile, { force: true })
  const envFiles = await removePrefixes(ledgerDir)
  if (json) out(`${JSON.stringify({ ...report, envFiles }, null, 2)}\n`)
  else {
    out(`removed: ${report.removed.join(', ') || 'nothing'}; restored: ${report.restored.join(', ') || 'nothing'}\n`)
    for (const file of envFiles) out(`${PREFIX_VARIABLE} taken out of ${file}\n`)
  }
  return 0
}

export async function status(json: boolean, contextFor: ContextFactory): Promise<number> {
  const { uid, ledgerDir } = whereabouts()
  const ctx = await contextFor(plainEnvironment(uid, ledgerDir))
  try {
    const entries = [...(await readTable(ctx.binfmtDir)).values()].sort((a, b) => a.name.localeCompare(b.name))
    const rows = await Promise.all(
      entries.map(async entry => {
        const platform = entry.type === 'M' ? platformOfHeader(Buffer.from(entry.magic, 'hex')) : undefined
        // Probing runs the entry's interpreter as this user: never one someone else could have changed.
        const untrusted = platform && entry.enabled ? await ctx.interpreterProblem(entry.interpreter) : undefined
        const probe = platform && entry.enabled && !untrusted ? (await ctx.prober.run(platform.target)).ok : undefined
        return { ...entry, platform: platform?.docker ?? '', probe, ...(untrusted ? { untrusted } : {}) }
      })
    )
    if (json) out(`${JSON.stringify(rows, null, 2)}\n`)
    else if (rows.length === 0) out('binfmt_misc: no entries\n')
    else {
      const lines = rows.map(r => [
        r.name,
        r.enabled ? 'enabled' : 'disabled',
        r.platform,
        r.interpreter,
        r.flags,
        r.untrusted ? "not probed: its interpreter is not root's alone" : r.probe === undefined ? '' : r.probe ? 'probe ok' : 'probe FAILS'
      ])
      out(`${table([['Entry', 'State', 'Platform', 'Interpreter', 'Flags', 'Probe'], ...lines])}\n`)
    }
    return 0
  } finally {
    await disposeContext(ctx)
  }
}
