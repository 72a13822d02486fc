import { describe, expect, test } from '@jest/globals'
import { BASE_PACKAGES, debianArches, LibrariesError, parseLibraries, parseMirror } from '../../src/install/libraries/names.js'

describe('parseLibraries', () => {
  test('takes names separated by commas and white space, each once, in order', () => {
    expect(parseLibraries('libssl3, libselinux1\n  libpcre2-8-0,libssl3')).toEqual(['libssl3', 'libselinux1', 'libpcre2-8-0'])
    expect(parseLibraries('')).toEqual([])
    expect(parseLibraries(' , ')).toEqual([])
  })

  test('base is the C and C++ runtime', () => {
    expect(BASE_PACKAGES).toEqual(['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g'])
    expect(parseLibraries('base, libssl3, zlib1g')).toEqual(['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g', 'libssl3'])
  })

  test("accepts Debian's package-name grammar (letters, digits, + - .)", () => {
    expect(parseLibraries('libstdc++6 python3.11-minimal g++-12 0ad')).toEqual(['libstdc++6', 'python3.11-minimal', 'g++-12', '0ad'])
  })

  test.each([
    ['Foo_Bar', '"Foo_Bar"'],
    ['LibSSL3', '"LibSSL3"'],
    ['x', '"x"'],
    ['-libc6', '"-libc6"'],
    ['libc6:arm64', '"libc6:arm64"'],
    ['libc6=2.36', '"libc6=2.36"'],
    ['$(reboot)', '"$(reboot)"']
  ])('%s is refused in one line naming the input and the fix', (word, shown) => {
    expect(() => parseLibraries(`libc6, ${word}`)).toThrow(LibrariesError)
    expect(() => parseLibraries(`libc6, ${word}`)).toThrow(
      `input 'libraries': ${shown} is not a package name; ` +
        'use package names of the distribution (lower case letters, digits, + - .), such as libssl3, or base for the C and C++ runtime'
    )
  })

  test('at most 200 packages, counted once each and base as its four', () => {
    const names = (count: number) => Array.from({ length: count }, (_, i) => `lib${i}`).join(' ')
    expect(parseLibraries(names(200))).toHaveLength(200)
    expect(parseLibraries(`base ${names(196)} lib0 libc6`)).toHaveLength(200)
    expect(() => parseLibraries(names(201))).toThrow(
      "input 'libraries': 201 packages named, more than 200; name the packages the programs need (their dependencies come along)"
    )
    expect(() => parseLibraries(`base ${names(197)}`)).toThrow(/^input 'libraries': 201 packages named, more than 200; /)
  })

  test('an endless value is refused before it is split', () => {
    expect(() => parseLibraries('a1 '.repeat(2000))).toThrow(/^input 'libraries': the value is longer than 4096 characters; /)
  })
})

describe('parseMirror', () => {
  test('one address, or a second one for the -security suites; trailing slashes dropped', () => {
    expect(parseMirror('')).toEqual([])
    expect(parseMirror('http://mirror.example/debian/')).toEqual(['http://mirror.example/debian'])
    expect(parseMirror('https://mirror.example/debian, https://mirror.example/debian-security')).toEqual([
      'https://mirror.example/debian',
      'https://mirror.example/debian-security'
    ])
    expect(parseMirror('file:///srv/mirror/ubuntu')).toEqual(['file:///srv/mirror/ubuntu'])
  })

  test.each([
    ['ftp://mirror.example/debian', /^input 'libraries-mirror': "ftp:\/\/mirror.example\/debian" is not an address apt can fetch from; /],
    ['mirror.example/debian', /^input 'libraries-mirror': "mirror.example\/debian" is not an address apt can fetch from; /],
    ['http://a.example http://b.example http://c.example', /^input 'libraries-mirror': 3 addresses given; /],
    ['https://user:secret@mirror.example/debian', /^input 'libraries-mirror': "https:\/\/mirror.example" carries credentials, .*; give /]
  ])('%s is refused', (value, message) => {
    expect(() => parseMirror(value)).toThrow(message)
  })
})

test("debianArches: Debian's names for the QEMU targets, each once", () => {
  expect(debianArches(['x86_64', 'i386', 'x86_64'])).toEqual(['amd64', 'i386'])
  expect(debianArches(['aarch64', 'arm', 'riscv64', 'ppc64le', 's390x', 'mips64el', 'loongarch64'])).toEqual([
    'arm64',
    'armhf',
    'riscv64',
    'ppc64el',
    's390x',
    'mips64el',
    'loong64'
  ])
})
