import { describe, expect, test } from '@jest/globals'
import { checkPrefixFree, InputError, librariesRequestOf, notAscii, readInputs } from '../../src/faces/inputs.js'

const read = (values: Record<string, string>) => readInputs(name => values[name] ?? '')

describe('readInputs', () => {
  test('defaults', () => {
    const { inputs, warnings } = read({})
    expect(inputs.platforms.map(p => p.docker)).toEqual(['linux/amd64'])
    expect(inputs).toMatchObject({
      install: 'auto',
      flags: 'F',
      verify: 'auto',
      cleanup: true,
      qemuVersion: '',
      qemuUrl: '',
      qemuSha256: ''
    })
    expect(inputs).toMatchObject({ libraries: [], librariesMirror: [], sysroot: '' })
    expect(warnings).toEqual([])
  })

  test.each([
    ['amd64', 'linux/amd64'],
    ['x86_64', 'linux/amd64'],
    ['linux/amd64', 'linux/amd64'],
    ['386', 'linux/386'],
    ['i686', 'linux/386'],
    ['linux/386', 'linux/386'],
    ['ARM64', 'linux/arm64'],
    ['aarch64', 'linux/arm64'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['riscv64', 'linux/riscv64'],
    ['ppc64le', 'linux/ppc64le'],
    ['s390x', 'linux/s390x'],
    ['mips64le', 'linux/mips64le'],
    ['loong64', 'linux/loong64']
  ])('platform name %s is %s', (name, docker) => {
    expect(read({ platforms: name }).inputs.platforms.map(p => p.docker)).toEqual([docker])
  })

  test('lists separated by commas, spaces and newlines, duplicates folded', () => {
    expect(read({ platforms: 'amd64, 386\nx86_64  arm64' }).inputs.platforms.map(p => p.target)).toEqual(['x86_64', 'i386', 'aarch64'])
  })

  test('flags are put in the kernel order; C implies O and warns', () => {
    const { inputs, warnings } = read({ flags: 'fc' })
    expect(inputs.flags).toBe('OCF')
    expect(warnings.join('\n')).toMatch(/setuid/)
  })

  test.each([
    ['platforms', 'sparc', /input 'platforms': unknown platform "sparc"; use one or more of: amd64, 386, arm64/],
    ['platforms', 'amd64;rm -rf /', /input 'platforms': unknown platform/],
    ['platforms', '$(reboot)', /input 'platforms': unknown platform/],
    ['install', 'brew', /input 'install': "brew" is not accepted; use one of: auto, apt, download, none/],
    ['flags', 'FX', /input 'flags': .* letters other than F, P, O, C/],
    ['flags', 'F\n:x:M::', /input 'flags': spans several lines/],
    ['verify', 'maybe', /input 'verify'.*auto, probe, container, none/],
    ['cleanup', 'yes', /input 'cleanup': "yes" is not a boolean; use true or false/],
    ['qemu-version', '10.0; curl', /input 'qemu-version'/],
    ['qemu-url', 'ftp://example.invalid/q', /input 'qemu-url'/],
    ['qemu-url', 'http://user:pw@127.0.0.1/q', /without credentials/],
    ['qemu-sha256', 'abc', /input 'qemu-sha256': "abc" is not a sha256 digest/],
    ['platforms', 'a'.repeat(5000), /input 'platforms': 5000 characters is too long/]
  ])('%s=%j fails with one clear line', (name, value, message) => {
    let error: unknown
    try {
      read({ [name]: value })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('\n')
  })

  test('qemu-url needs qemu-sha256', () => {
    expect(() => read({ 'qemu-url': 'http://127.0.0.1:8080/qemu.xz' })).toThrow(/input 'qemu-sha256': is needed with qemu-url/)
    const sha = 'A'.repeat(64)
    expect(read({ 'qemu-url': 'http://127.0.0.1:8080/qemu.xz', 'qemu-sha256': `sha256:${sha}` }).inputs.qemuSha256).toBe('a'.repeat(64))
  })
})

/** The one line an input fails with (and that it is one line, and an InputError). */
function failure(values: Record<string, string>): string {
  try {
    read(values)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).not.toContain('\n')
    return (error as Error).message
  }
  throw new Error(`${JSON.stringify(values)} was accepted`)
}

describe('printable ASCII only (nothing is folded or normalised into an accepted value)', () => {
  test.each([
    ['flags', '\uFB00', 'U+FB00'], // the ligature ff: upper-cases to FF
    ['flags', '\uFF26', 'U+FF26'], // full-width F
    ['platforms', 'amd64\u00A0arm64', 'U+00A0'], // a no-break space between names
    ['platforms', '\u0430md64', 'U+0430'], // Cyrillic a
    ['qemu-url', 'https://\uFF45xample.com/qemu.xz', 'U+FF45'], // full-width e: URL parsing would map it to example.com
    ['qemu-url', 'https://exa\u200Bmple.com/qemu.xz', 'U+200B'], // a zero-width space: dropped by URL parsing
    ['qemu-sha256', `${'a'.repeat(63)}\uFF41`, 'U+FF41'],
    ['qemu-version', '10.0.\uFF13', 'U+FF13'],
    ['libraries', 'base, libss\u04CF3', 'U+04CF'],
    ['libraries-mirror', 'http://mirr\u043Er.example/debian', 'U+043E'],
    ['install', 'downlo\u0430d', 'U+0430']
  ])('%s=%j fails naming the input and the character', (name, value, char) => {
    expect(failure({ [name]: value })).toBe(
      `input '${name}': holds ${char}, which is not printable ASCII; type the value in plain ASCII (no look-alike letters, ligatures or full-width forms)`
    )
  })

  test('the ligature is refused rather than read as the F flag, and a full-width host is not visited', () => {
    expect(() => read({ flags: '\uFB00' })).toThrow(/^input 'flags'/)
    expect(() => read({ 'qemu-url': 'https://\uFF45xample.com/q', 'qemu-sha256': 'a'.repeat(64) })).toThrow(/^input 'qemu-url'/)
  })

  test('sysroot is a path of the machine and may hold any character', () => {
    expect(read({ sysroot: '/srv/r\u00F6\u00F6t' }).inputs.sysroot).toBe('/srv/r\u00F6\u00F6t')
  })

  test('notAscii names the first character outside printable ASCII, white space aside', () => {
    expect(notAscii('amd64, 386\n\tarm64')).toBeUndefined()
    expect(notAscii('a\u0007b')).toBe('U+0007')
    expect(notAscii('x\u{1F600}')).toBe('U+1F600')
  })
})

describe('libraries, libraries-mirror, sysroot', () => {
  test('libraries: comma, white space or lines between names; base expanded; each once', () => {
    const { inputs } = read({ libraries: 'base, libselinux1\nlibpcre2-8-0 libc6' })
    expect(inputs.libraries).toEqual(['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g', 'libselinux1', 'libpcre2-8-0'])
    expect(librariesRequestOf(inputs)).toEqual({ packages: inputs.libraries, mirror: [], sysroot: '' })
  })

  test('libraries-mirror: one or two addresses, trailing slashes dropped', () => {
    const { inputs } = read({
      libraries: 'base',
      'libraries-mirror': 'http://127.0.0.1:8080/debian/ http://127.0.0.1:8080/debian-security'
    })
    expect(inputs.librariesMirror).toEqual(['http://127.0.0.1:8080/debian', 'http://127.0.0.1:8080/debian-security'])
  })

  test.each([
    [{ libraries: 'base, Foo_Bar' }, /^input 'libraries': "Foo_Bar" is not a package name; use package names of the distribution/],
    [{ libraries: 'libc6;reboot' }, /^input 'libraries': "libc6;reboot" is not a package name/],
    [
      { libraries: 'base', 'libraries-mirror': 'ftp://mirror.example/debian' },
      /^input 'libraries-mirror': "ftp:\/\/mirror.example\/debian" is not an address apt/
    ],
    [{ libraries: 'base', 'libraries-mirror': 'https://u:p@mirror.example/debian' }, /^input 'libraries-mirror': .* carries credentials/],
    [
      { libraries: 'base', 'libraries-mirror': 'http://a.example http://b.example http://c.example' },
      /^input 'libraries-mirror': 3 addresses given/
    ],
    [{ libraries: 'base', sysroot: '/srv/amd64' }, /^input 'sysroot': is given together with libraries; give one of them/],
    [{ sysroot: '/srv/a\n/srv/b' }, /^input 'sysroot': spans several lines/]
  ])('%j fails with one line naming the input', (values, message) => {
    expect(failure(values)).toMatch(message)
  })

  test('libraries-mirror without libraries is ignored with a warning', () => {
    const { inputs, warnings } = read({ 'libraries-mirror': 'http://127.0.0.1:8080/debian' })
    expect(inputs.libraries).toEqual([])
    expect(warnings).toEqual(['libraries-mirror is used only with libraries, which is empty: it is ignored'])
  })

  test('a QEMU_LD_PREFIX the job already sets meets libraries or sysroot: one line', () => {
    const { inputs } = read({ libraries: 'base' })
    expect(() => checkPrefixFree(inputs, '/opt/amd64-root')).toThrow(
      new InputError(
        'libraries',
        'the job already sets QEMU_LD_PREFIX ("/opt/amd64-root"), and two prefixes cannot both apply',
        'unset QEMU_LD_PREFIX in the job, or leave libraries empty'
      )
    )
    expect(() => checkPrefixFree(read({ sysroot: '/srv/x' }).inputs, '/opt/y')).toThrow(
      /^input 'sysroot': the job already sets QEMU_LD_PREFIX/
    )
    expect(() => checkPrefixFree(inputs, undefined)).not.toThrow()
    expect(() => checkPrefixFree(inputs, '')).not.toThrow()
    expect(() => checkPrefixFree(read({}).inputs, '/opt/amd64-root')).not.toThrow()
  })
})
