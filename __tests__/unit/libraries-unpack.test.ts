/**
 * From unpacked packages to the sysroot tree: only library trees, the merged-/usr layout, every
 * link relative to its own place, and who wins when two packages ship one path; and what hostile
 * packages cannot do: place devices or FIFOs, keep setuid or owners, write through a link, or
 * leave a link out of the root. The unpacked packages are folders made here, laid out as
 * `dpkg-deb -x` leaves them (as root: these tests make devices and other owners).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  makeMergedLinks,
  mergedPath,
  placePackage,
  relocateLink,
  sanitizedSummary,
  sanitizeSysroot,
  unpackDebs
} from '../../src/install/libraries/unpack.js'

describe('mergedPath and relocateLink', () => {
  test('top-level lib*, bin and sbin move under usr/', () => {
    expect(mergedPath('lib/x86_64-linux-gnu/libc.so.6')).toBe('usr/lib/x86_64-linux-gnu/libc.so.6')
    expect(mergedPath('lib64/ld-linux-x86-64.so.2')).toBe('usr/lib64/ld-linux-x86-64.so.2')
    expect(mergedPath('usr/lib/python3.11/os.py')).toBe('usr/lib/python3.11/os.py')
    expect(mergedPath('library/x')).toBe('library/x')
  })

  test.each([
    // Debian 12's amd64 loader link is absolute; in the merged tree it points along usr/.
    ['lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'],
    ['lib/ld-linux-aarch64.so.1', 'aarch64-linux-gnu/ld-linux-aarch64.so.1', 'aarch64-linux-gnu/ld-linux-aarch64.so.1'],
    // Relative to the old place, re-aimed from the new one.
    ['lib/x86_64-linux-gnu/libfoo.so.1', '../../usr/lib/x86_64-linux-gnu/libfoo.so.1.2', 'libfoo.so.1.2'],
    ['usr/lib/x86_64-linux-gnu/libz.so', '/lib/x86_64-linux-gnu/libz.so.1', 'libz.so.1'],
    ['usr/lib/python3.11/sitecustomize.py', '/etc/python3.11/sitecustomize.py', '../../../etc/python3.11/sitecustomize.py'],
    // Climbing above the package root stops at the root, as in a chroot.
    ['usr/lib/a', '../../../../../lib/b', 'b'],
    // The hostile package's link (issue 22): aimed at the sysroot's own etc/, never the host's.
    ['usr/lib/esc', '../../../../../../../../../../etc/hostname', '../../etc/hostname']
  ])('%s -> %s becomes %s', (link, target, expected) => {
    expect(relocateLink(link, target)).toBe(expected)
  })

  test('a link that would point at itself once merged is dropped', () => {
    expect(relocateLink('usr/lib/x86_64-linux-gnu/libbar.so.2', '/lib/x86_64-linux-gnu/libbar.so.2')).toBeUndefined()
  })
})

describe('placePackage and makeMergedLinks', () => {
  let work: string
  let root: string
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'unpack-'))
    root = join(work, 'root')
    mkdirSync(root)
  })
  afterEach(() => rmSync(work, { recursive: true, force: true }))

  type Entry =
    | string
    | { link: string }
    | { special: 'fifo' | 'device' }
    | { folder: true; mode: number }
    | { content: string; mode: number; gid?: number }
  function unpacked(name: string, files: Record<string, Entry>): string {
    const dir = join(work, name)
    for (const [path, entry] of Object.entries(files)) {
      const at = join(dir, path)
      mkdirSync(dirname(at), { recursive: true })
      if (typeof entry === 'string') writeFileSync(at, entry)
      else if ('link' in entry) symlinkSync(entry.link, at)
      else if ('special' in entry)
        execFileSync(entry.special === 'fifo' ? 'mkfifo' : 'mknod', entry.special === 'fifo' ? [at] : [at, 'c', '1', '3'])
      else {
        if ('folder' in entry) mkdirSync(at)
        else writeFileSync(at, entry.content)
        if ('gid' in entry) chownSync(at, 0, entry.gid as number)
        chmodSync(at, entry.mode)
      }
    }
    return dir
  }

  /** Every entry under dir with its type, mode and owner: what a reader of the sysroot meets. */
  function modes(dir: string, prefix = ''): string[] {
    return readdirSync(dir)
      .sort()
      .flatMap(name => {
        const info = lstatSync(join(dir, name))
        if (info.isSymbolicLink()) return []
        const line = `${prefix}${name} ${(info.mode & 0o7777).toString(8)} ${info.uid}:${info.gid}`
        return info.isDirectory() ? [line, ...modes(join(dir, name), `${prefix}${name}/`)] : [line]
      })
  }

  function tree(dir: string, prefix = ''): string[] {
    return readdirSync(dir)
      .sort()
      .flatMap(name => {
        const path = join(dir, name)
        const info = lstatSync(path)
        if (info.isSymbolicLink()) return [`${prefix}${name} -> ${readlinkSync(path)}`]
        if (info.isDirectory()) return tree(path, `${prefix}${name}/`)
        return [`${prefix}${name}`]
      })
  }

  test('keeps the library trees in the merged layout and drops etc/, docs, man pages and programs', async () => {
    const libc = unpacked('libc6', {
      'etc/ld.so.conf.d/x86_64-linux-gnu.conf': 'conf',
      'lib/x86_64-linux-gnu/libc.so.6': 'libc',
      'lib/x86_64-linux-gnu/ld-linux-x86-64.so.2': 'loader',
      'lib64/ld-linux-x86-64.so.2': { link: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
      'usr/lib/x86_64-linux-gnu/gconv/UTF-16.so': 'gconv',
      'usr/share/doc/libc6/copyright': 'doc',
      'usr/share/man/man1/ldd.1.gz': 'man',
      'usr/bin/ldd': 'program',
      'sbin/ldconfig': 'program'
    })
    await placePackage(libc, root)
    await makeMergedLinks(root)
    expect(tree(root)).toEqual([
      'lib -> usr/lib',
      'lib64 -> usr/lib64',
      'usr/lib/x86_64-linux-gnu/gconv/UTF-16.so',
      'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      'usr/lib/x86_64-linux-gnu/libc.so.6',
      'usr/lib64/ld-linux-x86-64.so.2 -> ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'
    ])
    expect(readFileSync(join(root, 'lib64/ld-linux-x86-64.so.2'), 'utf8')).toBe('loader')
  })

  test('two packages sharing a path: the first stays, unless it is a link and the second a real file', async () => {
    await placePackage(unpacked('a', { 'usr/lib/locale/C.utf8/LC_CTYPE': 'from a', 'usr/lib/x/libq.so.1': { link: 'libq.so.1.0' } }), root)
    await placePackage(unpacked('b', { 'usr/lib/locale/C.utf8/LC_CTYPE': 'from b', 'lib/x/libq.so.1': 'the real file' }), root)
    expect(readFileSync(join(root, 'usr/lib/locale/C.utf8/LC_CTYPE'), 'utf8')).toBe('from a')
    expect(lstatSync(join(root, 'usr/lib/x/libq.so.1')).isSymbolicLink()).toBe(false)
    expect(readFileSync(join(root, 'usr/lib/x/libq.so.1'), 'utf8')).toBe('the real file')
  })

  test('merged links are made only for the trees there are, and never over an existing entry', async () => {
    await placePackage(unpacked('c', { 'usr/lib/aarch64-linux-gnu/libc.so.6': 'libc' }), root)
    await makeMergedLinks(root)
    expect(readdirSync(root).sort()).toEqual(['lib', 'usr'])
    await makeMergedLinks(root)
    expect(readlinkSync(join(root, 'lib'))).toBe('usr/lib')
  })

  test("the issue's hostile package: no device or FIFO, no setuid, root's files, its link aimed inside", async () => {
    const hostile = unpacked('hostile', {
      'usr/lib/esc': { link: '../../../../../../../../../../etc/hostname' },
      'usr/lib/x86_64-linux-gnu/helper': { content: 'setuid', mode: 0o4755 },
      'usr/lib/x86_64-linux-gnu/null': { special: 'device' },
      'usr/lib/x86_64-linux-gnu/pipe': { special: 'fifo' },
      'usr/lib/libc.so.6': 'libc'
    })
    const left = await placePackage(hostile, root)
    const changed = await sanitizeSysroot(root)
    expect(tree(root)).toEqual(['usr/lib/esc -> ../../etc/hostname', 'usr/lib/libc.so.6', 'usr/lib/x86_64-linux-gnu/helper'])
    expect(left).toEqual({ specials: ['usr/lib/x86_64-linux-gnu/null', 'usr/lib/x86_64-linux-gnu/pipe'], blocked: [] })
    expect(changed.setIds).toEqual(['usr/lib/x86_64-linux-gnu/helper'])
    expect(lstatSync(join(root, 'usr/lib/x86_64-linux-gnu/helper')).mode & 0o7777).toBe(0o755)
    // The link reaches for the sysroot's etc/, which has no hostname: the host's stays out of reach.
    expect(() => readFileSync(join(root, 'usr/lib/esc'))).toThrow(/ENOENT/)
  })

  test("Debian's libutempter0 (a 2755 root:utmp helper) becomes root's, without setgid, and nothing is writable by others", async () => {
    const utmp = 43
    const libutempter = unpacked('libutempter0', {
      'usr/lib/x86_64-linux-gnu/utempter': { folder: true, mode: 0o2775 },
      'usr/lib/x86_64-linux-gnu/utempter/utempter': { content: 'helper', mode: 0o2755, gid: utmp },
      'usr/lib/x86_64-linux-gnu/libutempter.so.1.2.1': { content: 'lib', mode: 0o666 },
      'usr/lib/x86_64-linux-gnu/libutempter.so.0': { link: 'libutempter.so.1.2.1' }
    })
    await placePackage(libutempter, root)
    chmodSync(root, 0o1777)
    const changed = await sanitizeSysroot(root)
    expect(modes(root)).toEqual([
      'usr 755 0:0',
      'usr/lib 755 0:0',
      'usr/lib/x86_64-linux-gnu 755 0:0',
      'usr/lib/x86_64-linux-gnu/libutempter.so.1.2.1 644 0:0',
      'usr/lib/x86_64-linux-gnu/utempter 755 0:0',
      'usr/lib/x86_64-linux-gnu/utempter/utempter 755 0:0'
    ])
    expect(lstatSync(root).mode & 0o7777).toBe(0o755)
    expect(changed).toEqual({ leaving: [], setIds: ['usr/lib/x86_64-linux-gnu/utempter/utempter'], specials: [] })
    expect(readlinkSync(join(root, 'usr/lib/x86_64-linux-gnu/libutempter.so.0'))).toBe('libutempter.so.1.2.1')
  })

  test('nothing is written through a link another package placed, so nothing lands above the root', async () => {
    // a's link leads back to the root; b places a link through it that climbs one level higher
    // from where it really sits; c's folder then goes through both.
    await placePackage(unpacked('a', { 'usr/lib/d': { link: '../../..' } }), root)
    const b = await placePackage(unpacked('b', { 'usr/lib/d/usr/g': { link: '/usr/lib' }, 'usr/lib/d/libx.so': 'x' }), root)
    const c = await placePackage(unpacked('c', { 'usr/lib/d/usr/g/pwned': 'outside' }), root)
    expect(readdirSync(work).sort()).toEqual(['a', 'b', 'c', 'root'])
    expect(tree(root)).toEqual(['usr/lib/d -> ../..'])
    expect(b).toEqual({ specials: [], blocked: ['usr/lib/d'] })
    expect(c).toEqual({ specials: [], blocked: ['usr/lib/d'] })
  })

  test('a file of one package is not placed where another placed a link to a folder', async () => {
    await placePackage(unpacked('a', { 'usr/lib/x86_64-linux-gnu/jvm': { link: '../jvm' }, 'usr/lib/jvm/libjvm.so': 'jvm' }), root)
    const b = await placePackage(unpacked('b', { 'usr/lib/x86_64-linux-gnu/jvm/libjava.so': 'java' }), root)
    expect(tree(root)).toEqual(['usr/lib/jvm/libjvm.so', 'usr/lib/x86_64-linux-gnu/jvm -> ../jvm'])
    expect(b.blocked).toEqual(['usr/lib/x86_64-linux-gnu/jvm'])
  })
})

describe('unpackDebs', () => {
  let work: string
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'debs-'))
  })
  afterEach(() => rmSync(work, { recursive: true, force: true }))

  test('a real .deb unpacked as root: owners, setgid and devices do not reach the sysroot, nor does the scratch stay', async () => {
    // Built as Debian ships libutempter0's helper (2755 root:utmp), plus what a hostile package adds.
    const source = join(work, 'source')
    mkdirSync(join(source, 'DEBIAN'), { recursive: true })
    const control = 'Package: hostile\nVersion: 1\nArchitecture: all\nMaintainer: nobody <nobody@example.org>\nDescription: test\n'
    writeFileSync(join(source, 'DEBIAN/control'), control)
    mkdirSync(join(source, 'usr/lib/x86_64-linux-gnu/utempter'), { recursive: true })
    writeFileSync(join(source, 'usr/lib/x86_64-linux-gnu/utempter/utempter'), 'helper')
    chownSync(join(source, 'usr/lib/x86_64-linux-gnu/utempter/utempter'), 0, 43)
    chmodSync(join(source, 'usr/lib/x86_64-linux-gnu/utempter/utempter'), 0o2755)
    execFileSync('mknod', [join(source, 'usr/lib/null'), 'c', '1', '3'])
    mkdirSync(join(source, 'lib'))
    symlinkSync('../../../../../../../../../../etc/hostname', join(source, 'lib/esc'))
    execFileSync('dpkg-deb', ['--build', '-Zgzip', source, join(work, 'hostile.deb')], { stdio: 'ignore' })
    const root = join(work, 'root')
    const scratch = join(work, 'scratch')
    mkdirSync(scratch, { mode: 0o700 })

    const changed = await unpackDebs([join(work, 'hostile.deb')], root, scratch)
    expect(readdirSync(scratch)).toEqual([])
    expect(readdirSync(join(root, 'usr/lib')).sort()).toEqual(['esc', 'x86_64-linux-gnu'])
    expect(readlinkSync(join(root, 'usr/lib/esc'))).toBe('../../etc/hostname')
    const helper = lstatSync(join(root, 'usr/lib/x86_64-linux-gnu/utempter/utempter'))
    expect([helper.mode & 0o7777, helper.uid, helper.gid]).toEqual([0o755, 0, 0])
    expect(sanitizedSummary(changed)).toBe('libraries: cleared setuid/setgid on 1 file, left out 1 device node, FIFO or socket')
  })
})

describe('sanitizeSysroot', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sanitize-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  function link(path: string, target: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    symlinkSync(target, join(root, path))
  }

  test('links leaving the root, at once or through other links, go; those staying inside stay, even dangling', async () => {
    mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true })
    writeFileSync(join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'), 'libc')
    link('lib', 'usr/lib')
    link('usr/lib/absolute', '/etc/hostname')
    link('usr/lib/up', '../../../etc')
    link('usr/lib/through', 'up/hostname')
    link('usr/lib/via-lib', '../../lib/../../..')
    link('usr/lib/libc.so.6', 'x86_64-linux-gnu/libc.so.6')
    link('usr/lib/back', '../../lib/../lib/libc.so.6')
    link('usr/lib/dangling', '../../etc/python3/sitecustomize.py')
    const changed = await sanitizeSysroot(root)
    expect(changed.leaving).toEqual(['usr/lib/absolute', 'usr/lib/through', 'usr/lib/up', 'usr/lib/via-lib'])
    expect(readdirSync(join(root, 'usr/lib')).sort()).toEqual(['back', 'dangling', 'libc.so.6', 'x86_64-linux-gnu'])
    expect(readFileSync(join(root, 'usr/lib/back'), 'utf8')).toBe('libc')
    expect(readlinkSync(join(root, 'lib'))).toBe('usr/lib')
  })

  test('a device, FIFO or socket in the tree is removed', async () => {
    mkdirSync(join(root, 'usr/lib'), { recursive: true })
    execFileSync('mkfifo', [join(root, 'usr/lib/pipe')])
    execFileSync('mknod', [join(root, 'usr/lib/null'), 'c', '1', '3'])
    expect((await sanitizeSysroot(root)).specials.sort()).toEqual(['usr/lib/null', 'usr/lib/pipe'])
    expect(readdirSync(join(root, 'usr/lib'))).toEqual([])
  })

  test('what changed, in one line', () => {
    expect(sanitizedSummary({ leaving: ['a', 'b'], setIds: ['c'], specials: [], blocked: [] })).toBe(
      'libraries: dropped 2 links leaving the sysroot, cleared setuid/setgid on 1 file'
    )
    expect(sanitizedSummary({ leaving: [], setIds: [], specials: ['d'], blocked: ['e', 'f'] })).toBe(
      'libraries: left out 1 device node, FIFO or socket, left out 2 entries that would go through a link'
    )
    expect(sanitizedSummary({ leaving: [], setIds: [], specials: [], blocked: [] })).toBeUndefined()
  })
})
