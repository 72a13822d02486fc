/**
 * What the core hands the checks after setup, when a container (and its leftovers) is to be
 * expected, and which engine it will be run in, found before the check loads anything; and the
 * record that spares later jobs an engine that cannot run containers on this machine.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { machine, tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CheckRequest, checkEngine, checkSetup, needsChecks, runsContainers, targetsOf } from '../../src/core/check-setup.js'
import type { Report } from '../../src/core/report.js'
import { lookupPlatform, platformOf } from '../../src/kernel/platforms.js'
import { recordPath } from '../../src/records/engine-record.js'
import { Ledger } from '../../src/records/ledger.js'

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
    const ctx = { ledger: new Ledger(join(bin, 'ledger')) }
    process.env.PATH = bin
    expect(await checkEngine(emulated, { mode: 'probe', image: '' }, ctx)).toEqual({})
    expect(await checkEngine(report(['aarch64', 'native']), { mode: 'auto', image: '' }, ctx)).toEqual({})
    expect(calls()).toEqual([])
    expect(await checkEngine(emulated, { mode: 'auto', image: '' }, ctx)).toEqual({
      engine: { name: 'docker', path: join(bin, 'docker'), version: '28.0.4' }
    })
    process.env.PATH = join(bin, 'nothing-here')
    expect(await checkEngine(emulated, { mode: 'container', image: '' }, ctx)).toEqual({ engine: null })
  })
})

/**
 * A fake podman that answers but cannot run any container (as podman without the rights to set a
 * container's limits), or, with `<path>.works`, runs them; every call is logged to `<path>.calls`.
 */
const PODMAN = `#!/bin/sh
printf '%s\\n' "$*" >> "$0.calls"
case "$1" in
  info) echo 4.3.1 ;;
  load) echo 'Loaded image' ;;
  run)
    [ -f "$0.works" ] && { echo riscv64; exit 0; }
    echo 'Error: runc: runc create failed: unable to start container process: error setting rlimits for ready process: operation not permitted: OCI permission denied' >&2
    exit 126 ;;
  rmi) ;;
  *) exit 1 ;;
esac
`
const host = lookupPlatform(machine())
const onForeignHost = host && host.target !== 'riscv64' ? describe : describe.skip

onForeignHost('an engine that cannot run containers on this machine, recorded beside the ledger', () => {
  let dir: string
  let podman: string
  let ledgerDir: string
  const log = { info: [] as string[], notice: [] as string[], warning: [] as string[] }
  const ctx = () => ({
    workDir: join(dir, 'work'),
    ledger: new Ledger(ledgerDir),
    log: { info: (m: string) => log.info.push(m), notice: (m: string) => log.notice.push(m), warning: (m: string) => log.warning.push(m) }
  })
  const savedPath = process.env.PATH
  const podmanCalls = () => (existsSync(`${podman}.calls`) ? readFileSync(`${podman}.calls`, 'utf8').trim().split('\n') : [])
  const record = () => recordPath(ledgerDir, 'podman')
  const editRecord = (change: Record<string, unknown>) =>
    writeFileSync(record(), JSON.stringify({ ...JSON.parse(readFileSync(record(), 'utf8')), ...change }))

  /** One job's check, as main runs it: the engine found first, then the check; what the job logged and podman was asked. */
  const job = async (mode: CheckRequest['mode'] = 'auto') => {
    for (const lines of Object.values(log)) lines.length = 0
    rmSync(`${podman}.calls`, { force: true })
    const r = report(['riscv64', 'registered'])
    const request = { mode, image: '', runId: 'run1' }
    const check = { ...request, ...(await checkEngine(r, request, ctx())) }
    await checkSetup(r, check, ctx())
    return { container: r.platforms[0].container, calls: podmanCalls(), log: structuredClone(log) }
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engine-record-job-'))
    ledgerDir = join(dir, 'ledger')
    podman = join(dir, 'podman')
    writeFileSync(podman, PODMAN)
    chmodSync(podman, 0o755)
    process.env.PATH = dir
  })
  afterEach(() => {
    process.env.PATH = savedPath
    rmSync(dir, { recursive: true, force: true })
  })

  const skippedLine =
    /^container check skipped: podman could not run containers on this machine \(checked \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: a container of this host's own platform failed \(the container failed \(exit code 126\): Error: runc: .*rlimits.*\)\); it is checked again after a reboot, an engine update or 24 h$/

  test('the first job finds it and records it; the next skips at once, podman not started, with one info line', async () => {
    const first = await job()
    expect(first.container?.result).toBe('skipped')
    expect(first.log.notice).toHaveLength(1)
    expect(first.calls.filter(c => c.startsWith('run'))).toHaveLength(2)
    expect(existsSync(record())).toBe(true)

    const second = await job()
    expect(second.calls).toEqual([])
    expect(second.log).toEqual({ info: [expect.stringMatching(skippedLine)], notice: [], warning: [] })
    expect(second.container).toEqual({ result: 'skipped', detail: second.log.info[0].replace('container check skipped: ', '') })
  })

  test.each([
    ['its binary rewritten (an update)', () => appendFileSync(podman, '# 4.3.2\n')],
    ['its binary touched', () => utimesSync(podman, new Date(), new Date(Date.now() + 3_600_000))],
    ['a reboot since', () => editRecord({ boot: 'an-earlier-boot' })],
    ['a record over 24 h old', () => editRecord({ checked: new Date(Date.now() - 25 * 3_600_000).toISOString() })],
    ['a record that does not parse', () => writeFileSync(record(), '{"engine":')]
  ])('%s: the check runs again, and records anew', async (_what, change) => {
    await job()
    change()
    const again = await job()
    expect(again.calls[0]).toBe('info --format {{.Version.Version}}')
    expect(again.calls.filter(c => c.startsWith('run'))).toHaveLength(2)
    expect(again.log.notice).toHaveLength(1)
    expect((await job()).calls).toEqual([])
  })

  test('an engine updated into one that works drops the record', async () => {
    await job()
    appendFileSync(podman, '# fixed\n')
    writeFileSync(`${podman}.works`, '')
    expect((await job()).container?.result).toBe('passed')
    expect(existsSync(record())).toBe(false)
  })

  test('verify: container is never answered from the record: it runs the check, and one that works drops the record', async () => {
    await job()
    const strict = await job('container')
    expect(strict.calls.filter(c => c.startsWith('run'))).toHaveLength(2)
    expect(strict.container?.result).toBe('failed')
    writeFileSync(`${podman}.works`, '')
    expect((await job('container')).container?.result).toBe('passed')
    expect(existsSync(record())).toBe(false)
  })
})
