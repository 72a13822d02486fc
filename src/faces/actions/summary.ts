/**
 * The job summary (GITHUB_STEP_SUMMARY): a buffer of HTML that `write` appends to the runner's
 * summary file. The HTML is byte for byte what @actions/core's summary (lib/summary.js) writes for
 * the same calls, quirks included: an element with empty content is written as its start tag alone
 * (`<td>`, which browsers close themselves), and cell text is not HTML-escaped.
 */
import { constants } from 'node:fs'
import { access, appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

export interface SummaryCell {
  data: string
  /** A th instead of a td. */
  header?: boolean
}

export type SummaryRow = (SummaryCell | string)[]

/** `<tag>content</tag>`, or the start tag alone for empty content (as the toolkit writes it). */
const wrap = (tag: string, content: string): string => (content ? `<${tag}>${content}</${tag}>` : `<${tag}>`)

export function headingHtml(text: string, level: number): string {
  return wrap(level >= 1 && level <= 6 && Number.isInteger(level) ? `h${level}` : 'h1', text)
}

export function tableHtml(rows: readonly SummaryRow[]): string {
  const cell = (c: SummaryCell | string) => (typeof c === 'string' ? wrap('td', c) : wrap(c.header ? 'th' : 'td', c.data))
  return wrap('table', rows.map(row => wrap('tr', row.map(cell).join(''))).join(''))
}

export class Summary {
  private buffer = ''

  addHeading(text: string, level = 1): this {
    return this.addLine(headingHtml(text, level))
  }

  addTable(rows: readonly SummaryRow[]): this {
    return this.addLine(tableHtml(rows))
  }

  stringify(): string {
    return this.buffer
  }

  /** Appends the buffer to the summary file and empties it; fails when the runner gave no writable file. */
  async write(): Promise<this> {
    const file = process.env.GITHUB_STEP_SUMMARY
    if (!file) {
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.'
      )
    }
    try {
      await access(file, constants.R_OK | constants.W_OK)
    } catch {
      throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`)
    }
    await appendFile(file, this.buffer, { encoding: 'utf8' })
    this.buffer = ''
    return this
  }

  private addLine(html: string): this {
    this.buffer += html + EOL
    return this
  }
}
