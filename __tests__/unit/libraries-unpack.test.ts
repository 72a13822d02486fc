/**
 * From unpacked packages to the sysroot tree: only library trees, the merged-/usr layout, every
 * link relative to its own place, and who wins when two packages ship one path. The unpacked
 * packages are folders made here, laid out as `dpkg-deb -x` leaves them.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { makeMergedLinks, mergedPath, placePackage, relocateLink } from '../../src/install/libraries/unpack.js'

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
    ['usr/lib/a', '../../../../../lib/b', 'b']
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

  function unpacked(name: string, files: Record<string, string | { link: string }>): string {
    const dir = join(work, name)
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      if (typeof content === 'string') writeFileSync(join(dir, path), content)
      else symlinkSync(content.link, join(dir, path))
    }
    return dir
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
})
