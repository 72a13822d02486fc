/** What the core hands the checks after setup, and when a container (and its leftovers) is to be expected. */
import { describe, expect, test } from '@jest/globals'
import { needsChecks, runsContainers, targetsOf } from '../../src/core/check.js'
import type { Report } from '../../src/core/report.js'
import { platformOf } from '../../src/kernel/platforms.js'

const report = (...statuses: [string, 'native' | 'existing' | 'registered' | 'failed'][]): Report => ({
  platforms: statuses.map(([target, status]) => ({
    platform: platformOf(target as 'x86_64'),
    status,
    detail: '',
    seconds: 0,
    ...(status === 'native' || status === 'failed' ? {} : { entry: `qemu-${target}`, interpreter: `/q/qemu-${target}`, flags: 'F' })
  }))
})

describe('checks after setup', () => {
  test('the checks get the platforms that run, whether emulated, and the handler serving them', () => {
    expect(targetsOf(report(['aarch64', 'native'], ['riscv64', 'registered'], ['s390x', 'failed']))).toEqual([
      { platform: platformOf('aarch64'), emulated: false, handler: { entry: undefined, interpreter: undefined, flags: undefined } },
      { platform: platformOf('riscv64'), emulated: true, handler: { entry: 'qemu-riscv64', interpreter: '/q/qemu-riscv64', flags: 'F' } }
    ])
  })

  test.each([
    ['an emulated platform', report(['riscv64', 'existing']), 'probe', true],
    ['native x86_64 (its level is measured)', report(['x86_64', 'native']), 'auto', true],
    ['native arm64 only', report(['aarch64', 'native']), 'auto', false],
    ['a failed platform only', report(['riscv64', 'failed']), 'auto', false],
    ['verify: none', report(['riscv64', 'registered']), 'none', false]
  ] as const)('%s: checks %s', (_what, r, mode, expected) => {
    expect(needsChecks(r, { mode, image: '' })).toBe(expected)
  })

  test('only auto and container run a container, and only for emulated platforms', () => {
    const emulated = report(['riscv64', 'registered'])
    expect(runsContainers(emulated, { mode: 'auto', image: '' })).toBe(true)
    expect(runsContainers(emulated, { mode: 'container', image: '' })).toBe(true)
    expect(runsContainers(emulated, { mode: 'probe', image: '' })).toBe(false)
    expect(runsContainers(report(['x86_64', 'native']), { mode: 'container', image: '' })).toBe(false)
  })
})
