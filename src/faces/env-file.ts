/**
 * QEMU_LD_PREFIX in an environment file of `NAME=value` lines, such as a self-hosted runner's
 * `.env`, which the runner service reads at start and hands to every job. The command line's
 * `install --env-file` writes its line there and remembers which line it wrote (a record beside the
 * host's ledger), so a later install replaces its own line and `uninstall` takes exactly that line
 * out again; a QEMU_LD_PREFIX someone else wrote is never changed. The text work is pure. The
 * command line often runs as root, and the file is the runner user's: it is read and written
 * without following links (kernel/root-files.ts), so a link there never sends root's write elsewhere.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readRegularText, updateTextFile } from '../kernel/root-files.js'

export const PREFIX_VARIABLE = 'QEMU_LD_PREFIX'

/** The environment files the command line wrote to, each with the line it wrote. */
export type EnvFileRecord = Record<string, string>

export function prefixLine(path: string): string {
  if (/[\r\n]/.test(path)) throw new Error(`a sysroot path with a line break cannot go into an environment file: ${JSON.stringify(path)}`)
  return `${PREFIX_VARIABLE}=${path}`
}

const lines = (text: string) => text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1)

/** The value of a QEMU_LD_PREFIX line in text other than `ours`; undefined when there is none. */
export function foreignPrefix(text: string, ours: string | undefined): string | undefined {
  const line = lines(text).find(l => l.startsWith(`${PREFIX_VARIABLE}=`) && l !== ours)
  return line?.slice(PREFIX_VARIABLE.length + 1)
}

/** The text without the line `ours` (every copy of it). */
export function withoutLine(text: string, ours: string): string {
  const kept = lines(text).filter(l => l !== ours)
  return kept.length ? `${kept.join('\n')}\n` : ''
}

/** The text with `previous` (the line this tool wrote before) replaced by `line`, at the end. */
export function withLine(text: string, line: string, previous?: string): string {
  const rest = withoutLine(text, line)
  return `${previous ? withoutLine(rest, previous) : rest}${line}\n`
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
}

/** Where the command line remembers the lines it wrote. */
export function recordFile(ledgerDir: string): string {
  return join(ledgerDir, 'cli-env-files.json')
}

export async function readRecord(ledgerDir: string): Promise<EnvFileRecord> {
  const text = await readText(recordFile(ledgerDir))
  return text ? (JSON.parse(text) as EnvFileRecord) : {}
}

/** Why the file cannot take this tool's QEMU_LD_PREFIX line (it holds someone else's); undefined when it can. */
export async function envFileConflict(file: string, ledgerDir: string): Promise<string | undefined> {
  const theirs = foreignPrefix((await readRegularText(file)) ?? '', (await readRecord(ledgerDir))[file])
  return theirs === undefined ? undefined : `${file} already sets ${PREFIX_VARIABLE}=${theirs}`
}

/** Writes QEMU_LD_PREFIX=path into the file (replacing this tool's earlier line) and remembers it. */
export async function writePrefix(file: string, path: string, ledgerDir: string): Promise<void> {
  const record = await readRecord(ledgerDir)
  const line = prefixLine(path)
  await updateTextFile(file, text => withLine(text, line, record[file]))
  await mkdir(ledgerDir, { recursive: true })
  await writeFile(recordFile(ledgerDir), JSON.stringify({ ...record, [file]: line }, null, 1))
}

/** Takes out every line this tool wrote; the files it changed. */
export async function removePrefixes(ledgerDir: string): Promise<string[]> {
  const record = await readRecord(ledgerDir)
  const changed: string[] = []
  for (const [file, line] of Object.entries(record)) {
    let took = false
    await updateTextFile(
      file,
      text => {
        const kept = withoutLine(text, line)
        took = kept !== text
        return kept
      },
      false
    )
    if (took) changed.push(file)
  }
  await rm(recordFile(ledgerDir), { force: true })
  return changed
}
