/**
 * Issue 24's remedy: a QEMU of 9.0 or later serving x86_64 on a host whose kernel hands out 48-bit
 * addresses (found on the machine, installed by apt, downloaded, the download's fallback, or a
 * handler registered before) gets QEMU_GUEST_BASE=0x800000000000 for the later steps, and one line
 * saying why and what containers need. Older QEMU, or a host of 47 bits or fewer, gets nothing.
 */
import { describe, expect, test } from '@jest/globals'
import { highAddressRemedy } from '../../src/core/obtain.js'
import type { PlatformReport, Status } from '../../src/core/report.js'
import type { Source } from '../../src/install/index.js'
import { platformOf } from '../../src/kernel/platforms.js'

const arm64 = { machine: 'aarch64', addressBits: 48 }
const chosen = { qemuVersion: '', qemuUrl: '' }

function x86(qemuVersion: string | undefined, source: Source | undefined, status: Status = 'registered'): PlatformReport {
  const interpreter = '/usr/bin/qemu-x86_64-static'
  return { platform: platformOf('x86_64'), status, detail: '', interpreter, qemuVersion, source, seconds: 0 }
}

describe('highAddressRemedy', () => {
  test("the machine's QEMU 10.0 on an arm64 host with 48-bit addresses", () => {
    expect(highAddressRemedy([x86('10.0.13', 'machine')], chosen, arm64, '7.2.22')).toEqual({
      environment: { QEMU_GUEST_BASE: '0x800000000000' },
      message:
        'qemu-x86_64 10.0.13 at /usr/bin/qemu-x86_64-static hands x86_64 programs the 48-bit addresses of this aarch64 host, ' +
        'which amd64 Go programs built with Go before 1.25.4 cannot take (lfstack.push): QEMU_GUEST_BASE=0x800000000000 is exported ' +
        'for the later steps to move them below 2^47; containers need it too: docker run -e QEMU_GUEST_BASE=0x800000000000 ..., ' +
        'or ENV QEMU_GUEST_BASE=0x800000000000 in the Dockerfile'
    })
  })

  test("the download's fallback release says it is the fallback", () => {
    const remedy = highAddressRemedy([x86('10.2.3', 'download')], chosen, arm64, '7.2.22')
    expect(remedy?.environment).toEqual({ QEMU_GUEST_BASE: '0x800000000000' })
    expect(remedy?.message).toMatch(/^qemu-x86_64 10\.2\.3 at \S+ \(the download's fallback for the default QEMU 7\.2\.22\) hands/)
  })

  test.each([
    ['a handler registered before this step', x86('9.0.0', undefined, 'existing'), chosen],
    ['apt', x86('10.0.13', 'apt'), chosen],
    ['a qemu-version the user chose', x86('10.0.13', 'download'), { ...chosen, qemuVersion: '10.0.13' }],
    ['a qemu-url the user chose', x86('9.2.2', 'download'), { ...chosen, qemuUrl: 'https://mirror.invalid/q.xz' }]
  ])('exports the variable for %s, and names no fallback', (_what, report, install) => {
    const remedy = highAddressRemedy([report], install, arm64, '7.2.22')
    expect(remedy?.environment).toEqual({ QEMU_GUEST_BASE: '0x800000000000' })
    expect(remedy?.message).not.toMatch(/fallback/)
  })

  test.each([
    ['QEMU 7.2', [x86('7.2.22', 'download')], arm64],
    ['QEMU 8.2', [x86('8.2.2', 'apt')], arm64],
    ["a Raspberry Pi's 39-bit addresses", [x86('10.0.13', 'machine')], { ...arm64, addressBits: 39 }],
    ['47-bit addresses', [x86('10.0.13', 'machine')], { ...arm64, addressBits: 47 }],
    ['an address space not known', [x86('10.0.13', 'machine')], { machine: 'aarch64' }],
    ['an unknown QEMU version', [x86(undefined, 'machine')], arm64],
    ['an x86_64 that failed', [x86('10.0.13', 'download', 'failed')], arm64],
    ['i386 alone (its QEMU keeps a 4 GiB space of its own)', [{ ...x86('10.0.13', 'download'), platform: platformOf('i386') }], arm64],
    ['no platforms', [], arm64]
  ])('nothing for %s', (_what, platforms, host) => {
    expect(highAddressRemedy(platforms, chosen, host, '7.2.22')).toBeUndefined()
  })
})
