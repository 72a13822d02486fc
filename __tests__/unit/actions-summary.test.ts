/**
 * The job summary of src/faces/actions: the HTML main appends to GITHUB_STEP_SUMMARY is the one
 * @actions/core (3.0.1) wrote for the same calls (expected texts taken from it), and a runner
 * without a writable summary file fails the write, which main only logs as a debug line.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { headingHtml, Summary, tableHtml } from '../../src/faces/actions/summary.js'

let dir: string
let file: string
let saved: string | undefined

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'summary-test-'))
  file = join(dir, 'step_summary')
  writeFileSync(file, '')
  saved = process.env.GITHUB_STEP_SUMMARY
  process.env.GITHUB_STEP_SUMMARY = file
})

afterEach(() => {
  if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
  else process.env.GITHUB_STEP_SUMMARY = saved
  rmSync(dir, { recursive: true, force: true })
})

const HEADER = ['Platform', 'Result', 'Interpreter', 'QEMU', 'Flags', 'Container', 'Time']

describe('job summary', () => {
  test("main's heading and table, as the toolkit wrote them: empty cells as a bare <td>", async () => {
    await new Summary()
      .addHeading('setup-x86-on-arm', 3)
      .addTable([
        HEADER.map(data => ({ data, header: true })),
        ['linux/amd64', 'native', '', '', '', '', '0.01 s'],
        ['linux/arm64', 'registered', '/opt/qemu/qemu-aarch64', '9.2.0', 'FC', 'passed (1.2 s)', '0.42 s']
      ])
      .write()
    expect(readFileSync(file, 'utf8')).toBe(
      '<h3>setup-x86-on-arm</h3>\n' +
        '<table><tr><th>Platform</th><th>Result</th><th>Interpreter</th><th>QEMU</th><th>Flags</th><th>Container</th><th>Time</th></tr>' +
        '<tr><td>linux/amd64</td><td>native</td><td><td><td><td><td>0.01 s</td></tr>' +
        '<tr><td>linux/arm64</td><td>registered</td><td>/opt/qemu/qemu-aarch64</td><td>9.2.0</td><td>FC</td>' +
        '<td>passed (1.2 s)</td><td>0.42 s</td></tr>' +
        '</table>\n'
    )
  })

  test('write appends to what earlier steps wrote, and empties the buffer so nothing is written twice', async () => {
    writeFileSync(file, '<p>an earlier step</p>\n')
    const summary = new Summary().addHeading('one', 2)
    await summary.write()
    await summary.write()
    expect(readFileSync(file, 'utf8')).toBe('<p>an earlier step</p>\n<h2>one</h2>\n')
    expect(summary.stringify()).toBe('')
  })

  test('a heading level outside 1..6 is an h1; cell objects without header are td; text is not escaped', () => {
    expect(headingHtml('x', 9)).toBe('<h1>x</h1>')
    expect(headingHtml('x', 6)).toBe('<h6>x</h6>')
    expect(tableHtml([[{ data: 'a' }, { data: '' }, '<b>c</b>']])).toBe('<table><tr><td>a</td><td><td><b>c</b></td></tr></table>')
  })

  test('without GITHUB_STEP_SUMMARY the write fails, saying the runner gives no summary file', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(new Summary().addHeading('x', 3).write()).rejects.toThrow(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.'
    )
  })

  test('a summary file that is not there fails the write and is not created', async () => {
    const missing = join(dir, 'step_summary_missing')
    process.env.GITHUB_STEP_SUMMARY = missing
    await expect(new Summary().addHeading('x', 3).write()).rejects.toThrow(`Unable to access summary file: '${missing}'`)
    expect(existsSync(missing)).toBe(false)
  })
})
