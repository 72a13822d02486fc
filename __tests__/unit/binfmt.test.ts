import { describe, expect, test } from '@jest/globals'
import { diffTables, type Entry, parseEntry, registerLine, sameHandler } from '../../src/kernel/binfmt.js'

const AARCH64_TEXT = `enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: POF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`

const entry = (over: Partial<Entry> = {}): Entry => ({ ...parseEntry('qemu-aarch64', AARCH64_TEXT), ...over })

describe('parseEntry', () => {
  test('reads what the kernel prints for a magic entry', () => {
    expect(parseEntry('qemu-aarch64', AARCH64_TEXT)).toEqual({
      name: 'qemu-aarch64',
      enabled: true,
      interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      flags: 'POF',
      type: 'M',
      offset: 0,
      magic: '7f454c460201010000000000000000000200b700',
      mask: 'ffffffffffffff00fffffffffffffffffeffffff'
    })
  })

  test('reads disabled and extension entries', () => {
    const e = parseEntry('wine', 'disabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n')
    expect(e).toMatchObject({ enabled: false, type: 'E', magic: 'exe', flags: '', interpreter: '/usr/bin/wine' })
  })
})

describe('registerLine', () => {
  test('escapes magic and mask as \\xHH', () => {
    expect(registerLine(entry({ flags: 'F', interpreter: '/usr/bin/qemu-aarch64-static' }))).toBe(
      ':qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:' +
        '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:F'
    )
  })

  test('round-trips an extension entry', () => {
    expect(registerLine(parseEntry('wine', 'enabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n'))).toBe(
      ':wine:E::exe::/usr/bin/wine:'
    )
  })

  test.each([
    ['a name with a slash', { name: 'a/b' }, 'invalid binfmt entry name: "a/b"'],
    ['a name with a colon', { name: 'a:b' }, 'invalid binfmt entry name: "a:b"'],
    ['the parent folder as name', { name: '..' }, 'invalid binfmt entry name: ".."'],
    ['the status file as name', { name: 'status' }, 'invalid binfmt entry name: "status"'],
    ['the register file as name', { name: 'register' }, 'invalid binfmt entry name: "register"'],
    ['an interpreter with a colon', { interpreter: '/tmp/x:y' }, 'invalid interpreter path: "/tmp/x:y"'],
    [
      'an interpreter with a newline',
      { interpreter: '/tmp/x\n:evil:M::a::/bin/sh:' },
      'invalid interpreter path: "/tmp/x\\n:evil:M::a::/bin/sh:"'
    ],
    ['a relative interpreter', { interpreter: 'qemu' }, 'invalid interpreter path: "qemu"'],
    [
      'an interpreter past 127 characters',
      { interpreter: '/' + 'a'.repeat(127) },
      `interpreter path longer than 127 characters: /${'a'.repeat(127)}`
    ],
    ['unknown flags', { flags: 'FX' }, 'invalid binfmt flags: "FX"'],
    ['odd hex', { magic: '7f4' }, 'magic and mask must be hex bytes'],
    ['mask of another length', { mask: 'ff' }, 'mask and magic differ in length'],
    ['magic past 128 bytes', { offset: 120 }, 'magic must lie within the first 128 bytes']
  ])('refuses %s', (_what, over, message) => {
    expect(() => registerLine(entry(over as Partial<Entry>))).toThrow(new Error(message))
  })
})

describe('table diff', () => {
  test('finds added, removed and changed entries', () => {
    const a = entry()
    const b = entry({ name: 'qemu-arm' })
    const before = new Map([
      [a.name, a],
      [b.name, b]
    ])
    const changedA = entry({ flags: 'F' })
    const c = entry({ name: 'qemu-riscv64' })
    const after = new Map([
      [a.name, changedA],
      [c.name, c]
    ])
    expect(diffTables(before, after)).toEqual({ added: [c], removed: [b], changed: [{ before: a, after: changedA }] })
  })

  test('flag order does not make a different handler; the enabled state is not the handler', () => {
    expect(sameHandler(entry({ flags: 'POF' }), entry({ flags: 'FOP', enabled: false }))).toBe(true)
    expect(sameHandler(entry(), entry({ interpreter: '/other' }))).toBe(false)
  })
})
