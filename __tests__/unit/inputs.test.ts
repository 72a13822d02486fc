import { describe, expect, test } from '@jest/globals'
import { InputError, readInputs } from '../../src/faces/inputs.js'

const read = (values: Record<string, string>) => readInputs(name => values[name] ?? '')

describe('readInputs', () => {
  test('defaults', () => {
    const { inputs, warnings } = read({})
    expect(inputs.platforms.map(p => p.docker)).toEqual(['linux/amd64'])
    expect(inputs).toMatchObject({ install: 'auto', flags: 'F', verify: 'auto', cleanup: true, qemuVersion: '', qemuUrl: '', qemuSha256: '' })
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
