/**
 * The loader check on real folders: links are followed inside the root (as QEMU's prefix
 * lookup does for relative ones), an absolute link or one climbing out is a problem, and the
 * loader must be a regular ELF file of the platform (a FIFO there must not hang the check).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { checkSysroot, LOADERS, resolveInside, sysrootProblem } from '../../src/install/libraries/loader.js'
import { readElf } from '../../src/kernel/elf.js'

/** The first 64 bytes of a little-endian shared object (ET_DYN) for an ELF machine number. */
function elf(machine: number, bits: 32 | 64 = 64): Buffer {
  const header = Buffer.alloc(64)
  header.write('\x7fELF', 0, 'latin1')
  header[4] = bits === 64 ? 2 : 1
  header[5] = 1
  header[6] = 1
  header.writeUInt16LE(3, 16)
  header.writeUInt16LE(machine, 18)
  header.writeUInt32LE(1, 20)
  return header
}
const AARCH64 = 0xb7
const X86_64 = 0x3e

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sysroot-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function file(path: string, content: Buffer | string = ''): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), content)
}
function link(path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  symlinkSync(target, join(root, path))
}

describe('resolveInside', () => {
  test('follows relative links, including through a folder link and back up with ..', async () => {
    file('usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', elf(AARCH64))
    link('lib', 'usr/lib')
    link('usr/lib/ld-linux-aarch64.so.1', '../lib/./aarch64-linux-gnu/ld-linux-aarch64.so.1')
    expect(await resolveInside(root, 'lib/ld-linux-aarch64.so.1')).toEqual({ path: 'usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1' })
  })

  test('an absolute link is not followed: QEMU would resolve it on the host', async () => {
    file('lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', elf(X86_64))
    link('lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')
    expect(await resolveInside(root, 'lib64/ld-linux-x86-64.so.2')).toEqual({
      problem:
        'lib64/ld-linux-x86-64.so.2 links to /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, ' +
        "outside the sysroot (QEMU follows links on the host's side)",
      leaves: true
    })
  })

  test('a relative link climbing above the root is refused, even when the path exists outside it', async () => {
    // root's parent is the temporary folder; the link reaches for a file there.
    link('lib', '../../etc')
    expect(await resolveInside(root, 'lib/hostname')).toEqual({ problem: 'lib/hostname leads above the sysroot', leaves: true })
  })

  test('missing parts and link loops are named', async () => {
    link('lib', 'usr/lib')
    expect(await resolveInside(root, 'lib/ld-linux-aarch64.so.1')).toEqual({ problem: 'lib/ld-linux-aarch64.so.1 is missing (no usr)' })
    link('usr/a', 'b')
    link('usr/b', 'a')
    expect(await resolveInside(root, 'usr/a')).toEqual({ problem: 'usr/a goes through more than 40 links' })
  })
})

describe('sysrootProblem and checkSysroot', () => {
  test("a merged-/usr tree with the platform's loader passes, for every target asked", async () => {
    file('usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', elf(AARCH64))
    link('usr/lib/ld-linux-aarch64.so.1', 'aarch64-linux-gnu/ld-linux-aarch64.so.1')
    file('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', elf(X86_64))
    link('usr/lib64/ld-linux-x86-64.so.2', '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')
    link('lib', 'usr/lib')
    link('lib64', 'usr/lib64')
    expect(await sysrootProblem(root, ['aarch64', 'x86_64'])).toBeUndefined()
    await expect(checkSysroot(root, ['aarch64'])).resolves.toBeUndefined()
  })

  test('a loader of another platform is named', async () => {
    file('lib/ld-linux-aarch64.so.1', elf(X86_64))
    expect(await sysrootProblem(root, ['aarch64'])).toBe(`${root}/lib/ld-linux-aarch64.so.1 is no loader for aarch64 (it is for x86_64)`)
    file('lib64/ld-linux-x86-64.so.2', 'not a program')
    expect(await sysrootProblem(root, ['x86_64'])).toBe(`${root}/lib64/ld-linux-x86-64.so.2 is no loader for x86_64 (not an ELF file)`)
  })

  test("the input's one line: sysroot, or libraries with the fix of adding base", async () => {
    await expect(checkSysroot(root, ['x86_64'])).rejects.toThrow(
      `input 'sysroot': ${root} holds no dynamic loader for x86_64: lib64/ld-linux-x86-64.so.2 is missing (no lib64); give a root`
    )
    await expect(checkSysroot(root, ['aarch64'], 'libraries', '/cache/debian-12-arm64-0123')).rejects.toThrow(
      "input 'libraries': the packages made a sysroot without a loader: /cache/debian-12-arm64-0123 holds no dynamic loader for aarch64: " +
        'lib/ld-linux-aarch64.so.1 is missing (no lib); add base (libc6 holds the loader) to libraries'
    )
    await expect(checkSysroot(join(root, 'nowhere'), ['aarch64'])).rejects.toThrow(`input 'sysroot': ${root}/nowhere does not exist; `)
    file('a-file')
    await expect(checkSysroot(join(root, 'a-file'), ['aarch64'])).rejects.toThrow(`input 'sysroot': ${root}/a-file is not a folder; `)
  })

  test('a FIFO at the loader path is refused at once rather than read (reading one blocks until someone writes)', async () => {
    mkdirSync(join(root, 'usr/lib'), { recursive: true })
    execFileSync('mkfifo', [join(root, 'usr/lib/ld-linux-aarch64.so.1')])
    link('lib', 'usr/lib')
    expect(await sysrootProblem(root, ['aarch64'])).toBe(`${root}/lib/ld-linux-aarch64.so.1 is not a regular file (it is a FIFO)`)
    mkdirSync(join(root, 'lib64/ld-linux-x86-64.so.2'), { recursive: true })
    expect(await sysrootProblem(root, ['x86_64'])).toBe(`${root}/lib64/ld-linux-x86-64.so.2 is not a regular file (it is a folder)`)
  }, 5000)

  test("every platform's loader path is the one its glibc programs name", () => {
    expect(LOADERS).toMatchObject({
      x86_64: 'lib64/ld-linux-x86-64.so.2',
      i386: 'lib/ld-linux.so.2',
      aarch64: 'lib/ld-linux-aarch64.so.1',
      arm: 'lib/ld-linux-armhf.so.3',
      riscv64: 'lib/ld-linux-riscv64-lp64d.so.1'
    })
  })
})

describe('readElf', () => {
  test('a FIFO, a device or a folder is no ELF file, and reading one returns at once', async () => {
    file('lib/ld-linux-aarch64.so.1', elf(AARCH64))
    execFileSync('mkfifo', [join(root, 'fifo')])
    expect(await readElf(join(root, 'fifo'))).toBeUndefined()
    expect(await readElf('/dev/zero')).toBeUndefined()
    expect(await readElf(root)).toBeUndefined()
    expect((await readElf(join(root, 'lib/ld-linux-aarch64.so.1')))?.machine).toBe(AARCH64)
  }, 5000)

  test('links are followed unless the caller asks not to (a path it has already resolved)', async () => {
    file('usr/lib/ld-linux-aarch64.so.1', elf(AARCH64))
    link('lib', 'usr/lib/ld-linux-aarch64.so.1')
    expect((await readElf(join(root, 'lib')))?.machine).toBe(AARCH64)
    expect(await readElf(join(root, 'lib'), { followLinks: false })).toBeUndefined()
    expect((await readElf(join(root, 'usr/lib/ld-linux-aarch64.so.1'), { followLinks: false }))?.machine).toBe(AARCH64)
  })
})
