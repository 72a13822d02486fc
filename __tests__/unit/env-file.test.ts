/**
 * QEMU_LD_PREFIX in a runner's environment file: the command line writes its own line, replaces
 * only that one, never someone else's, and takes out exactly what it wrote.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  envFileConflict,
  foreignPrefix,
  prefixLine,
  recordFile,
  removePrefixes,
  withLine,
  withoutLine,
  writePrefix
} from '../../src/faces/env-file.js'

describe('the text', () => {
  test('withLine appends, replacing the earlier line of ours and keeping every other line', () => {
    expect(withLine('', 'QEMU_LD_PREFIX=/a')).toBe('QEMU_LD_PREFIX=/a\n')
    expect(withLine('LANG=C', 'QEMU_LD_PREFIX=/a')).toBe('LANG=C\nQEMU_LD_PREFIX=/a\n')
    expect(withLine('QEMU_LD_PREFIX=/old\nLANG=C\n', 'QEMU_LD_PREFIX=/new', 'QEMU_LD_PREFIX=/old')).toBe('LANG=C\nQEMU_LD_PREFIX=/new\n')
    expect(withLine('LANG=C\nQEMU_LD_PREFIX=/a\n', 'QEMU_LD_PREFIX=/a')).toBe('LANG=C\nQEMU_LD_PREFIX=/a\n')
  })

  test('withoutLine takes out only that exact line', () => {
    expect(withoutLine('A=1\n\nQEMU_LD_PREFIX=/a\nQEMU_LD_PREFIX=/ab\n', 'QEMU_LD_PREFIX=/a')).toBe('A=1\n\nQEMU_LD_PREFIX=/ab\n')
    expect(withoutLine('QEMU_LD_PREFIX=/a\n', 'QEMU_LD_PREFIX=/a')).toBe('')
  })

  test('foreignPrefix finds a QEMU_LD_PREFIX that is not ours', () => {
    expect(foreignPrefix('A=1\nQEMU_LD_PREFIX=/theirs\n', undefined)).toBe('/theirs')
    expect(foreignPrefix('QEMU_LD_PREFIX=/ours\n', 'QEMU_LD_PREFIX=/ours')).toBeUndefined()
    expect(foreignPrefix('MY_QEMU_LD_PREFIX=/x\n', undefined)).toBeUndefined()
  })

  test('a path with a line break is refused: it would add a variable of its own', () => {
    expect(() => prefixLine('/a\nLD_PRELOAD=/evil.so')).toThrow(/line break/)
  })
})

describe('the files', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'env-file-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  test('write, rewrite, conflict check and removal, remembered beside the ledger', async () => {
    const file = join(dir, 'runner/.env')
    const ledger = join(dir, 'ledger')
    await writePrefix(file, '/cache/one', ledger)
    await writePrefix(file, '/cache/two', ledger)
    expect(readFileSync(file, 'utf8')).toBe('QEMU_LD_PREFIX=/cache/two\n')
    expect(await envFileConflict(file, ledger)).toBeUndefined()
    writeFileSync(file, 'QEMU_LD_PREFIX=/cache/two\nPATH=/bin\n')
    expect(await removePrefixes(ledger)).toEqual([file])
    expect(readFileSync(file, 'utf8')).toBe('PATH=/bin\n')
    expect(existsSync(recordFile(ledger))).toBe(false)
    writeFileSync(file, 'QEMU_LD_PREFIX=/cache/two\n')
    expect(await envFileConflict(file, ledger)).toBe(`${file} already sets QEMU_LD_PREFIX=/cache/two`)
    expect(await envFileConflict(join(dir, 'missing.env'), ledger)).toBeUndefined()
  })
})
