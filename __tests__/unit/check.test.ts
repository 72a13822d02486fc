/**
 * What the core hands the checks after setup, when a container (and its leftovers) is to be
 * expected, and which engine it will be run in, found before the check loads anything.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkEngine, needsChecks, runsContainers, targetsOf } from '../../src/core/check.js'
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

describe('the engine of the container check, found before it runs', () => {
  let bin: string
  const saved = { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST }
  const calls = () => (existsSync(join(bin, 'calls')) ? readFileSync(join(bin, 'calls'), 'utf8').trim().split('\n') : [])
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'check-engine-'))
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${bin}/calls"\necho 28.0.4\n`)
    chmodSync(join(bin, 'docker'), 0o755)
    writeFileSync(join(bin, 'docker.sock'), '')
    process.env.DOCKER_HOST = `unix://${join(bin, 'docker.sock')}`
  })
  afterAll(() => {
    rmSync(bin, { recursive: true, force: true })
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  test('no container to run: no engine is asked; one to run: the engine that answers, or null when none does', async () => {
    const emulated = report(['riscv64', 'registered'])
    process.env.PATH = bin
    expect(await checkEngine(emulated, { mode: 'probe', image: '' })).toBeUndefined()
    expect(await checkEngine(report(['aarch64', 'native']), { mode: 'auto', image: '' })).toBeUndefined()
    expect(calls()).toEqual([])
    expect(await checkEngine(emulated, { mode: 'auto', image: '' })).toEqual({
      name: 'docker',
      path: join(bin, 'docker'),
      version: '28.0.4'
    })
    process.env.PATH = join(bin, 'nothing-here')
    expect(await checkEngine(emulated, { mode: 'container', image: '' })).toBeNull()
  })
})
