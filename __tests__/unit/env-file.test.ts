/**
 * QEMU_LD_PREFIX in a runner's environment file: the command line writes its own line, replaces
 * only that one, never someone else's, and takes out exactly what it wrote.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
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
import { describeWhen, root } from '../helpers/requirements.js'

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
    mkdirSync(join(dir, 'runner'))
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

  test('a file in a folder that does not exist: one line, nothing made', async () => {
    await expect(writePrefix(join(dir, 'nowhere/.env'), '/cache/one', join(dir, 'ledger'))).rejects.toThrow(
      `the folder of ${join(dir, 'nowhere/.env')} does not exist`
    )
    expect(existsSync(join(dir, 'nowhere'))).toBe(false)
  })
})

/**
 * The command line runs as root and the environment file is the runner user's: that user (here
 * nobody, uid 65534) must not be able to send root's write anywhere else.
 */
describeWhen([root], 'the files, as root, with another user playing the attacker', () => {
  const NOBODY = 65534
  let dir: string
  let runner: string
  let secret: string
  const ledger = () => join(dir, 'ledger')
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'env-file-'))
    chmodSync(dir, 0o755)
    runner = join(dir, 'actions-runner')
    mkdirSync(runner)
    chownSync(runner, NOBODY, NOBODY)
    secret = join(dir, 'root-only/secret')
    mkdirSync(join(dir, 'root-only'), { mode: 0o700 })
    writeFileSync(secret, 'root data\n', { mode: 0o600 })
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const untouched = () => {
    expect(readFileSync(secret, 'utf8')).toBe('root data\n')
    expect(statSync(secret).mode & 0o7777).toBe(0o600)
    expect(readdirSync(join(dir, 'root-only'))).toEqual(['secret'])
  }

  test('a new file is made in the folder and given to its owner', async () => {
    await writePrefix(join(runner, '.env'), '/sysroots/a', ledger())
    expect(readFileSync(join(runner, '.env'), 'utf8')).toBe('QEMU_LD_PREFIX=/sysroots/a\n')
    expect(statSync(join(runner, '.env')).uid).toBe(NOBODY)
  })

  test('.env a link to a root-only file: refused, the file untouched', async () => {
    symlinkSync(secret, join(runner, '.env'))
    lchownSync(join(runner, '.env'), NOBODY, NOBODY)
    await expect(writePrefix(join(runner, '.env'), '/sysroots/a', ledger())).rejects.toThrow(`${join(runner, '.env')} is a link`)
    untouched()
  })

  test('.env a link to a new name in a root-only folder: refused, nothing made there', async () => {
    symlinkSync(join(dir, 'root-only/new.env'), join(runner, '.env'))
    lchownSync(join(runner, '.env'), NOBODY, NOBODY)
    await expect(writePrefix(join(runner, '.env'), '/sysroots/a', ledger())).rejects.toThrow(/is a link/)
    untouched()
  })

  test("a folder on the way that is the user's link: refused, nothing written through it", async () => {
    symlinkSync(join(dir, 'root-only'), join(runner, 'conf'))
    lchownSync(join(runner, 'conf'), NOBODY, NOBODY)
    await expect(writePrefix(join(runner, 'conf/secret'), '/sysroots/a', ledger())).rejects.toThrow(
      /conf is a link someone other than root may have made/
    )
    untouched()
  })

  test('.env a second name (hard link) of a root-only file: refused, the file untouched', async () => {
    linkSync(secret, join(runner, '.env'))
    await expect(writePrefix(join(runner, '.env'), '/sysroots/a', ledger())).rejects.toThrow(/has 2 names/)
    untouched()
  })

  test('.env a FIFO: refused at once, nothing blocks', async () => {
    execFileSync('mkfifo', [join(runner, '.env')])
    await expect(writePrefix(join(runner, '.env'), '/sysroots/a', ledger())).rejects.toThrow(/is not a regular file/)
    await expect(envFileConflict(join(runner, '.env'), ledger())).rejects.toThrow(/is not a regular file/)
  }, 10_000)

  test('uninstall does not follow a link put where the file was', async () => {
    await writePrefix(join(runner, '.env'), '/sysroots/a', ledger())
    rmSync(join(runner, '.env'))
    writeFileSync(secret, 'QEMU_LD_PREFIX=/sysroots/a\nroot data\n', { mode: 0o600 })
    symlinkSync(secret, join(runner, '.env'))
    await expect(removePrefixes(ledger())).rejects.toThrow(/is a link/)
    expect(readFileSync(secret, 'utf8')).toBe('QEMU_LD_PREFIX=/sysroots/a\nroot data\n')
  })
})
