/**
 * Issue 17's warning: install: auto or none that ends with a qemu-x86_64 of QEMU 9.0 or later on
 * an arm64 host (found on the machine, installed by apt, or the download's fallback release) says
 * that amd64 Go programs crash under it and which install gives the QEMU that works.
 */
import { describe, expect, test } from '@jest/globals'
import { highAddressWarning } from '../../src/core/obtain.js'
import type { Installation, Obtained, Source } from '../../src/install/index.js'
import { hostFamily } from '../../src/kernel/platforms.js'

const arm64 = { family: hostFamily('aarch64') }
const x86 = { family: hostFamily('x86_64') }
const auto = { method: 'auto' as const, qemuVersion: '', qemuUrl: '' }

function served(version: string | undefined, source: Source, path = '/usr/bin/qemu-x86_64-static'): Pick<Installation, 'interpreters'> {
  const obtained: Obtained = { path, version, source }
  return { interpreters: new Map([['x86_64', obtained]]) }
}

describe('highAddressWarning', () => {
  test("the machine's QEMU 10.0 under install: auto on an arm64 host", () => {
    expect(highAddressWarning(served('10.0.13', 'existing'), auto, arm64, '7.2.22')).toBe(
      'qemu-x86_64 10.0.13 at /usr/bin/qemu-x86_64-static hands x86_64 programs 48-bit addresses on this arm64 host: ' +
        'amd64 Go programs crash (lfstack.push); use install: download for QEMU 7.2.22'
    )
  })

  test.each([
    ['existing', 'none', '9.0.0'],
    ['apt', 'auto', '10.0.13'],
    ['download', 'auto', '10.2.3']
  ] as const)('warns: %s under install: %s with QEMU %s', (source, method, version) => {
    expect(highAddressWarning(served(version, source), { ...auto, method }, arm64, '7.2.22')).toMatch(
      new RegExp(`^qemu-x86_64 ${version.replace(/\./g, '\\.')} at /usr/bin/qemu-x86_64-static hands x86_64 programs 48-bit addresses`)
    )
  })

  test.each([
    ['QEMU 7.2', served('7.2.22', 'existing'), auto, arm64],
    ['QEMU 8.2', served('8.2.2', 'apt'), auto, arm64],
    ['an x86_64 host (i386 and x86_64 run natively there)', served('10.0.13', 'existing'), auto, x86],
    ['install: download, asked for outright', served('10.0.13', 'download'), { ...auto, method: 'download' as const }, arm64],
    ['install: apt, asked for outright', served('10.0.13', 'apt'), { ...auto, method: 'apt' as const }, arm64],
    ['a qemu-version the user chose', served('10.0.13', 'download'), { ...auto, qemuVersion: '10.0.13' }, arm64],
    ['a qemu-url the user chose', served('9.2.2', 'download'), { ...auto, qemuUrl: 'https://mirror.invalid/q.xz' }, arm64],
    ['an unknown version', served(undefined, 'existing'), auto, arm64],
    ['no x86_64 interpreter', { interpreters: new Map() }, auto, arm64]
  ])('no warning for %s', (_what, installation, install, host) => {
    expect(highAddressWarning(installation, install, host, '7.2.22')).toBeUndefined()
  })
})
