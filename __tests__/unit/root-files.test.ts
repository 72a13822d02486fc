/**
 * The one rule for what root creates and reads (kernel/root-files.ts), on real files: fresh
 * folders only under parents no untrusted user can change, paths walked without following a link
 * another user could have made. nobody (uid 65534) plays the other user; it needs root.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import {
  chmodSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freshFolder, openFolder, rootOnlyProblem, trustedUids, untrustedProblem } from '../../src/kernel/root-files.js'
import { describeWhen, root } from '../helpers/requirements.js'

const NOBODY = 65534

test('trusted: root and this user; as root under sudo also the admin who ran it', () => {
  expect(trustedUids({}, 1000)).toEqual([0, 1000])
  expect(trustedUids({ SUDO_UID: '1000' }, 0)).toEqual([0, 1000])
  expect(trustedUids({ SUDO_UID: '1000' }, 1001)).toEqual([0, 1001])
  expect(trustedUids({ SUDO_UID: '0x10' }, 0)).toEqual([0])
})

describeWhen([root], 'as root, with nobody as the other user', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'root-files-'))
    chmodSync(dir, 0o755)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  test('a fresh folder is new each time, 0700, under the parent given', async () => {
    const one = await freshFolder([dir], 'work-')
    const two = await freshFolder([dir], 'work-')
    expect(one).not.toBe(two)
    expect(one.startsWith(`${dir}/work-`)).toBe(true)
    expect(statSync(one).mode & 0o7777).toBe(0o700)
    expect(statSync(await freshFolder([dir], 'apt-', 0o755)).mode & 0o7777).toBe(0o755)
  })

  test('a parent every user can write is passed over for the next one; a sticky one (as /tmp) is used', async () => {
    const shared = join(dir, 'shared')
    mkdirSync(shared, { mode: 0o777 })
    chmodSync(shared, 0o777)
    const sticky = join(dir, 'sticky')
    mkdirSync(sticky)
    chmodSync(sticky, 0o1777)
    const made = await freshFolder([shared, sticky], 'work-')
    expect(made.startsWith(`${sticky}/work-`)).toBe(true)
    expect(readdirSync(shared)).toEqual([])
  })

  test("a parent of another user's, or under one, is passed over; with none left, one line naming each", async () => {
    const theirs = join(dir, 'theirs')
    mkdirSync(join(theirs, 'temp'), { recursive: true })
    lchownSync(theirs, NOBODY, NOBODY)
    await expect(freshFolder([join(theirs, 'temp')], 'work-')).rejects.toThrow(
      `no folder to work in that only root can change: ${theirs} is owned by uid ${NOBODY}, not root; point RUNNER_TEMP or TMPDIR`
    )
    expect(readdirSync(join(theirs, 'temp'))).toEqual([])
  })

  test('a parent that does not exist is passed over, and not made (making it would follow links on its path)', async () => {
    const made = await freshFolder([join(dir, 'missing/temp'), dir], 'work-')
    expect(made.startsWith(`${dir}/work-`)).toBe(true)
    expect(existsSync(join(dir, 'missing'))).toBe(false)
  })

  test("a parent that is another user's link is not followed", async () => {
    mkdirSync(join(dir, 'target'))
    symlinkSync(join(dir, 'target'), join(dir, 'link'))
    lchownSync(join(dir, 'link'), NOBODY, NOBODY)
    await expect(freshFolder([join(dir, 'link')], 'work-')).rejects.toThrow(`${join(dir, 'link')} is owned by uid ${NOBODY}, not root`)
    expect(readdirSync(join(dir, 'target'))).toEqual([])
  })

  test('rootOnlyProblem: a file, and every folder above it, must be root-owned and writable by root only', async () => {
    const file = join(dir, 'a/qemu')
    mkdirSync(join(dir, 'a'))
    writeFileSync(file, '', { mode: 0o755 })
    expect(await rootOnlyProblem(file, 'file')).toBeUndefined()
    chmodSync(join(dir, 'a'), 0o775)
    expect(await rootOnlyProblem(file, 'file')).toBe(`${join(dir, 'a')} is writable by its group (mode 775)`)
    chmodSync(join(dir, 'a'), 0o755)
    lchownSync(file, NOBODY, 0)
    expect(await rootOnlyProblem(file, 'file')).toBe(`${file} is owned by uid ${NOBODY}, not root`)
    expect(await untrustedProblem(file, 'file', [0, NOBODY])).toBeUndefined()
  })

  test("openFolder follows root's own links and refuses another user's", async () => {
    mkdirSync(join(dir, 'real/inner'), { recursive: true })
    symlinkSync('real', join(dir, 'roots-link'))
    const handle = await openFolder(join(dir, 'roots-link/inner'))
    await handle.close()
    symlinkSync('real', join(dir, 'their-link'))
    lchownSync(join(dir, 'their-link'), NOBODY, NOBODY)
    await expect(openFolder(join(dir, 'their-link/inner'))).rejects.toThrow(
      `${join(dir, 'their-link/inner')}: their-link is a link someone other than root may have made`
    )
  })
})
