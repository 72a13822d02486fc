/**
 * The command line's usage text is its one description: it names every option each command
 * accepts and none it refuses, and the README's "Command line" section quotes it as it is.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { DIAGNOSE_OPTIONS, INSTALL_OPTIONS, OTHER_OPTIONS, parseCommandLine, USAGE } from '../../src/faces/cli.js'

/** The part of USAGE about one command: from its name to the next command's. */
function usageOf(command: string): string {
  const parts = USAGE.split(/(?=setup-x86-on-arm )/)
  return parts.find(part => part.startsWith(`setup-x86-on-arm ${command} `)) ?? ''
}

const optionsIn = (text: string) => [...text.matchAll(/--([a-z0-9-]+)/g)].map(m => m[1])

describe('USAGE', () => {
  test.each([
    ['install', INSTALL_OPTIONS],
    ['diagnose', DIAGNOSE_OPTIONS],
    ['uninstall', OTHER_OPTIONS],
    ['status', OTHER_OPTIONS]
  ])('%s: lists exactly the options it accepts', (command, options) => {
    expect([...new Set(optionsIn(usageOf(command)))].sort()).toEqual(Object.keys(options).sort())
  })

  test('every option it lists for install is taken', () => {
    for (const name of optionsIn(usageOf('install'))) {
      const value = (INSTALL_OPTIONS as Record<string, { type: string }>)[name].type === 'string' ? ['x'] : []
      expect(parseCommandLine(['install', `--${name}`, ...value]).command).toBe('install')
    }
  })
})

describe('README', () => {
  test('its "Command line" section quotes USAGE in its first fenced block', () => {
    const readme = readFileSync('README.md', 'utf8')
    const section = readme.split(/^## Command line$/m)[1]?.split(/^## /m)[0] ?? ''
    const block = /^```[a-z]*\n([\s\S]*?)\n```$/m.exec(section)?.[1]
    expect(block).toBe(USAGE)
  })
})
