/**
 * Which distribution the machine runs, from os-release(5): its id and release name the cache
 * key, its family decides how the archive for another architecture is found (Debian serves
 * every architecture from one archive; Ubuntu splits them between two), and its codename tells
 * the distribution's own suites from a third party's in the machine's apt sources.
 */
import { readFile } from 'node:fs/promises'

export interface Distribution {
  /** ID (debian, ubuntu, linuxmint...). */
  id: string
  /** Whose archive layout the machine's sources follow. */
  family: 'debian' | 'ubuntu'
  /** VERSION_ID, or the codename when there is none (testing, unstable). */
  release: string
  /** The suite name of the release (bookworm, noble); '' when os-release names none. */
  codename: string
  /** PRETTY_NAME, for messages. */
  name: string
}

/** Parses os-release's KEY=value lines (values optionally quoted, with backslash escapes). */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(line)
    if (!match) continue
    let value = match[2]
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1)
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, '$1')
    }
    fields[match[1]] = value
  }
  return fields
}

/** The distribution an os-release describes; undefined when it is neither Debian nor Ubuntu (nor based on one). */
export function distributionOf(fields: Record<string, string>): Distribution | undefined {
  const id = (fields.ID ?? '').toLowerCase()
  const like = (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/)
  const family = id === 'ubuntu' || like.includes('ubuntu') ? 'ubuntu' : id === 'debian' || like.includes('debian') ? 'debian' : undefined
  if (!family || !id) return undefined
  // Derivatives (Mint, Pop!_OS) name the Ubuntu release their archive entries use.
  const codename = (family === 'ubuntu' ? fields.UBUNTU_CODENAME || fields.VERSION_CODENAME : fields.VERSION_CODENAME) ?? ''
  return { id, family, release: fields.VERSION_ID || codename || 'unknown', codename, name: fields.PRETTY_NAME || id }
}

/** Reads the machine's os-release (/etc, else /usr/lib as the man page says); the text, or undefined. */
export async function readOsRelease(path?: string): Promise<string | undefined> {
  for (const candidate of path ? [path] : ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return await readFile(candidate, 'utf8')
    } catch {
      // try the next place
    }
  }
  return undefined
}
