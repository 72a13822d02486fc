/**
 * The machine's apt sources, read as apt reads them (sources.list(5)): the one-line format of
 * sources.list and sources.list.d/*.list, and the deb822 stanzas of sources.list.d/*.sources.
 * Only what finding an archive needs is kept: where (URIs), which suites and components, and
 * which keyring signs it (Signed-By, a file or a key written inline).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface SourceEntry {
  uris: string[]
  suites: string[]
  components: string[]
  /** A keyring file, several (space separated), or an inline armored key (lines joined by \n). */
  signedBy?: string
  /** Which file it came from, for messages. */
  file: string
}

/** Parses deb822 stanzas; keeps the enabled `deb` ones (not deb-src). */
export function parseDeb822Sources(text: string, file: string): SourceEntry[] {
  const entries: SourceEntry[] = []
  for (const stanza of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string[]>()
    let current: string[] | undefined
    for (const line of stanza.split('\n')) {
      if (/^\s*#/.test(line) || line.trim() === '') continue
      if (/^\s/.test(line)) {
        // A continuation line; a lone "." stands for an empty line.
        current?.push(line.trim() === '.' ? '' : line.trim())
        continue
      }
      const field = /^([^:\s]+):\s*(.*)$/.exec(line)
      if (!field) continue
      current = field[2] === '' ? [] : [field[2].trim()]
      fields.set(field[1].toLowerCase(), current)
    }
    const words = (name: string) => (fields.get(name) ?? []).join(' ').split(/\s+/).filter(Boolean)
    if (!words('types').includes('deb')) continue
    if (['no', 'false', '0'].includes((fields.get('enabled')?.[0] ?? 'yes').toLowerCase())) continue
    const signedBy = fields.get('signed-by')
    entries.push({
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
      ...(signedBy && signedBy.length ? { signedBy: signedBy.length > 1 ? signedBy.join('\n').trim() : signedBy[0] } : {}),
      file
    })
  }
  return entries.filter(entry => entry.uris.length && entry.suites.length)
}

/** Parses one-line `deb [options] uri suite components...` lines. */
export function parseOneLineSources(text: string, file: string): SourceEntry[] {
  const entries: SourceEntry[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim()
    const match = /^deb\s+(?:\[([^\]]*)\]\s*)?(\S+)\s+(\S+)(.*)$/.exec(line)
    if (!match) continue
    const options = new Map<string, string>()
    for (const option of (match[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
      const pair = /^([A-Za-z-]+?)[+-]?=(.*)$/.exec(option)
      if (pair) options.set(pair[1].toLowerCase(), pair[2])
    }
    const signedBy = options.get('signed-by')
    entries.push({
      uris: [match[2]],
      suites: [match[3]],
      components: match[4].trim().split(/\s+/).filter(Boolean),
      ...(signedBy ? { signedBy: signedBy.split(',').join(' ') } : {}),
      file
    })
  }
  return entries
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort()
  } catch {
    return []
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * Every `deb` entry of an apt configuration directory (/etc/apt), in apt's order:
 * sources.list, then sources.list.d's *.list and *.sources by name (apt ignores other names).
 */
export async function readAptSources(aptEtc = '/etc/apt'): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = []
  const main = join(aptEtc, 'sources.list')
  const mainText = await readText(main)
  if (mainText !== undefined) entries.push(...parseOneLineSources(mainText, main))
  const partsDir = join(aptEtc, 'sources.list.d')
  for (const name of await listDir(partsDir)) {
    if (!/^[A-Za-z0-9_.-]+\.(list|sources)$/.test(name)) continue
    const path = join(partsDir, name)
    const text = await readText(path)
    if (text === undefined) continue
    entries.push(...(name.endsWith('.sources') ? parseDeb822Sources(text, path) : parseOneLineSources(text, path)))
  }
  return entries
}
