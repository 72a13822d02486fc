/**
 * The command-line entry, for provisioning a machine outside Actions with the same core:
 *   setup-x86-on-arm install [--platforms LIST] [--install METHOD] [--flags LETTERS] [--verify MODE] [--json]
 *   setup-x86-on-arm uninstall [--json]
 *   setup-x86-on-arm status [--json]
 * `install` records its changes in a journal file; `uninstall` undoes them.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { readTable } from '../kernel/binfmt.js'
import { currentHost } from '../kernel/host.js'
import { InputError, readInputs } from './inputs.js'
import { type Change, Journal } from '../records/journal.js'
import { defaultLedgerDir, type Holder, Ledger, PERSIST_HOLDER } from '../records/ledger.js'
import { platformOfHeader } from '../kernel/platforms.js'
import { privileged } from '../kernel/privileged.js'
import { Prober } from '../checks/probe.js'
import { failuresOf, outputsOf, SUMMARY_HEADER, summaryRows } from '../core/report.js'
import { restore } from '../core/restore.js'
import { setup } from '../core/setup.js'
import { verify } from '../checks/verify.js'

const JOURNAL = join(defaultLedgerDir(), 'cli-changes.json')
const USAGE = `usage: setup-x86-on-arm install [--platforms LIST] [--install auto|apt|download|none] [--flags F] [--verify auto|probe|container|none] [--persist] [--json]
       setup-x86-on-arm uninstall [--json]
       setup-x86-on-arm status [--json]`

/** The command line's registrations stay until `uninstall`: a holder that never goes stale. */
const CLI_HOLDER: Holder = { pid: 0, start: '', boot: '', label: 'command line' }

const OPTIONS = ['platforms', 'install', 'flags', 'verify', 'verify-image', 'qemu-version', 'qemu-url', 'qemu-sha256']

export interface Parsed {
  command: 'install' | 'uninstall' | 'status' | 'help'
  options: Record<string, string>
  json: boolean
}

export function parseArgs(argv: string[]): Parsed {
  const [command = 'help', ...rest] = argv
  if (!['install', 'uninstall', 'status', 'help', '--help', '-h'].includes(command)) throw new InputError('command', `unknown command ${JSON.stringify(command)}`, 'use install, uninstall or status')
  const options: Record<string, string> = {}
  let json = false
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]
    if (arg === '--json') json = true
    else if (arg === '--persist' && command === 'install') options.persist = 'true'
    else if (arg.startsWith('--') && OPTIONS.includes(arg.slice(2).split('=')[0]) && command === 'install') {
      const [name, inline] = arg.slice(2).split(/=(.*)/s)
      const value = inline ?? rest[++i]
      if (value === undefined) throw new InputError(name, 'needs a value', `write --${name} VALUE`)
      options[name] = value
    } else throw new InputError('arguments', `unknown argument ${JSON.stringify(arg)}`, USAGE.split('\n')[0])
  }
  return { command: command.startsWith('-') ? 'help' : (command as Parsed['command']), options, json }
}

async function loadJournal(): Promise<Change[]> {
  try {
    return Journal.parse(await readFile(JOURNAL, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

async function saveJournal(changes: readonly Change[]): Promise<void> {
  await mkdir(dirname(JOURNAL), { recursive: true })
  await writeFile(JOURNAL, JSON.stringify(changes, null, 1))
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n')
}

async function install(options: Record<string, string>, json: boolean): Promise<number> {
  const { inputs, warnings } = readInputs(name => options[name] ?? '')
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`)
  const previous = await loadJournal()
  const journal = new Journal(changes => saveJournal([...previous, ...changes]))
  const probeDir = join(tmpdir(), `setup-x86-on-arm-${process.pid}`)
  const host = currentHost()
  const log = { info: (m: string) => json || process.stderr.write(`${m}\n`), warning: (m: string) => process.stderr.write(`warning: ${m}\n`) }
  try {
    const prober = new Prober(probeDir, host.machine)
    const report = await setup(inputs, {
      host,
      prober,
      journal,
      ledger: new Ledger(),
      holder: CLI_HOLDER,
      privileged,
      log
    })
    await verify(report, inputs, prober.dir, log)
    const failures = failuresOf(report)
    if (json) process.stdout.write(`${JSON.stringify({ ...outputsOf(report), failures }, null, 2)}\n`)
    else process.stdout.write(`${table([SUMMARY_HEADER, ...summaryRows(report)])}\n`)
    for (const failure of failures) process.stderr.write(`error: ${failure}\n`)
    return failures.length ? 1 : 0
  } finally {
    await rm(probeDir, { recursive: true, force: true })
  }
}

async function uninstall(json: boolean): Promise<number> {
  const changes = await loadJournal()
  const report = await restore(changes, await privileged(), m => process.stderr.write(`warning: ${m}\n`), {
    ledger: new Ledger(),
    holder: CLI_HOLDER,
    releaseAll: [CLI_HOLDER, PERSIST_HOLDER]
  })
  await rm(JOURNAL, { force: true })
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else process.stdout.write(`removed: ${report.removed.join(', ') || 'nothing'}; restored: ${report.restored.join(', ') || 'nothing'}\n`)
  return 0
}

async function status(json: boolean): Promise<number> {
  const entries = [...(await readTable()).values()].sort((a, b) => a.name.localeCompare(b.name))
  const probeDir = join(tmpdir(), `setup-x86-on-arm-${process.pid}`)
  const prober = new Prober(probeDir, currentHost().machine)
  try {
    const rows = await Promise.all(
      entries.map(async entry => {
        const platform = entry.type === 'M' ? platformOfHeader(Buffer.from(entry.magic, 'hex')) : undefined
        const probe = platform && entry.enabled ? (await prober.run(platform.target)).ok : undefined
        return { ...entry, platform: platform?.docker ?? '', probe }
      })
    )
    if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
    else if (rows.length === 0) process.stdout.write('binfmt_misc: no entries\n')
    else {
      const lines = rows.map(r => [r.name, r.enabled ? 'enabled' : 'disabled', r.platform, r.interpreter, r.flags, r.probe === undefined ? '' : r.probe ? 'probe ok' : 'probe FAILS'])
      process.stdout.write(`${table([['Entry', 'State', 'Platform', 'Interpreter', 'Flags', 'Probe'], ...lines])}\n`)
    }
    return 0
  } finally {
    await rm(probeDir, { recursive: true, force: true })
  }
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    const { command, options, json } = parseArgs(argv)
    if (command === 'install') return await install(options, json)
    if (command === 'uninstall') return await uninstall(json)
    if (command === 'status') return await status(json)
    process.stdout.write(`${USAGE}\n`)
    return 0
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return error instanceof InputError ? 2 : 1
  }
}
