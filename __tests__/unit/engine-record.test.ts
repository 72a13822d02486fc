/**
 * The record of engines that cannot run containers here (records/engine-record.ts), on real files:
 * it holds only for the same engine install, the same boot and 24 h; it is written whole, never
 * through a link, and one that cannot be trusted or read is ignored.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { procInfo } from '../../src/records/holder.js'
import { findUnusable, forgetUnusable, RECORD_HOLDS_MS, recordPath, recordUnusable, unusableText } from '../../src/records/engine-record.js'

const stamp = { path: '/usr/bin/podman', size: 52_000_000, mtimeMs: 1_700_000_000_123.25 }
const reason =
  "a container of this host's own platform failed (the container failed (exit code 126): Error: crun: setrlimit `RLIMIT_NPROC`: Operation not permitted)"
const T = Date.parse('2026-03-02T10:00:00.000Z')

let dir: string
let boot: string
let now: number
const record = () => recordUnusable(dir, 'podman', stamp, reason)
const find = (s: Record<string, string | number> = stamp) => findUnusable(dir, 'podman', s)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'engine-record-'))
  boot = 'b1d0e8a4-3f7c-4c1e-9a51-1f0c2d3e4f5a'
  now = T
  // The clock and the kernel's boot id, as the record reads them.
  jest.spyOn(Date, 'now').mockImplementation(() => now)
  jest.spyOn(procInfo, 'bootId').mockImplementation(async () => boot)
})
afterEach(() => {
  jest.restoreAllMocks()
  rmSync(dir, { recursive: true, force: true })
})

describe('what a record holds for', () => {
  test('the same install, in the same boot, within 24 h: found, and said with when and why', async () => {
    await record()
    now = T + RECORD_HOLDS_MS - 1
    const found = await find()
    expect(found).toEqual({ engine: 'podman', stamp, boot, checked: '2026-03-02T10:00:00.000Z', reason })
    expect(unusableText(found!)).toBe(
      `podman could not run containers on this machine (checked 2026-03-02T10:00:00Z: ${reason}); ` +
        'it is checked again after a reboot, an engine update or 24 h'
    )
  })

  test('another install (a new size, mtime or path, another docker daemon), another engine: not found', async () => {
    await record()
    expect(await find({ ...stamp, size: stamp.size + 1 })).toBeUndefined()
    expect(await find({ ...stamp, mtimeMs: stamp.mtimeMs + 1 })).toBeUndefined()
    expect(await find({ ...stamp, path: '/usr/local/bin/podman' })).toBeUndefined()
    expect(await find({ ...stamp, daemon: '/run/docker.sock 12 34' })).toBeUndefined()
    expect(await findUnusable(dir, 'docker', stamp)).toBeUndefined()
    expect(await find()).toBeDefined()
  })

  test('after a reboot, after 24 h, from the future, or where the boot cannot be told: not found', async () => {
    await record()
    boot = 'another-boot'
    expect(await find()).toBeUndefined()
    boot = 'unknown'
    expect(await find()).toBeUndefined()
    boot = 'b1d0e8a4-3f7c-4c1e-9a51-1f0c2d3e4f5a'
    now = T + RECORD_HOLDS_MS
    expect(await find()).toBeUndefined()
    now = T - 60_000
    expect(await find()).toBeUndefined()
  })

  test('where the boot cannot be told nothing is recorded: a reboot could not be seen', async () => {
    boot = 'unknown'
    await record()
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('the file', () => {
  test('written whole, one line of reason, in a folder made for it (0700); a new finding replaces it', async () => {
    const folder = join(dir, 'ledger')
    await recordUnusable(folder, 'podman', stamp, 'a container failed (first line\n  second line)')
    expect(lstatSync(folder).mode & 0o777).toBe(0o700)
    expect(readdirSync(folder)).toEqual(['unusable-engine-podman.json'])
    expect(JSON.parse(readFileSync(recordPath(folder, 'podman'), 'utf8')).reason).toBe('a container failed (first line; second line)')
    now = T + 1000
    await recordUnusable(folder, 'podman', stamp, reason)
    expect(readdirSync(folder)).toEqual(['unusable-engine-podman.json'])
    expect(await findUnusable(folder, 'podman', stamp)).toMatchObject({ checked: '2026-03-02T10:00:01.000Z', reason })
  })

  test('an engine that works drops its record; none there is nothing to drop', async () => {
    await record()
    await forgetUnusable(dir, 'podman')
    expect(existsSync(recordPath(dir, 'podman'))).toBe(false)
    await forgetUnusable(dir, 'podman')
    expect(await find()).toBeUndefined()
  })

  test('a link at its path is not followed: not read through, and replaced by the record, its target untouched', async () => {
    const victim = join(dir, 'victim')
    await record()
    writeFileSync(victim, readFileSync(recordPath(dir, 'podman')))
    rmSync(recordPath(dir, 'podman'))
    symlinkSync(victim, recordPath(dir, 'podman'))
    // The link leads to a record that would hold: it is not read through.
    expect(await find()).toBeUndefined()
    writeFileSync(victim, 'precious')
    await record()
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(lstatSync(recordPath(dir, 'podman')).isFile()).toBe(true)
    expect(await find()).toBeDefined()
  })

  test('one that does not parse, or lacks a field, is ignored and replaced', async () => {
    writeFileSync(recordPath(dir, 'podman'), '{"engine":"podman",')
    expect(await find()).toBeUndefined()
    const whole = { engine: 'podman', stamp, boot, checked: new Date(T).toISOString(), reason }
    for (const broken of [{ ...whole, reason: 7 }, { ...whole, stamp: [1] }, { ...whole, checked: 'yesterday' }, null]) {
      writeFileSync(recordPath(dir, 'podman'), JSON.stringify(broken))
      expect(await find()).toBeUndefined()
    }
    writeFileSync(recordPath(dir, 'podman'), JSON.stringify(whole))
    expect(await find()).toBeDefined()
    writeFileSync(recordPath(dir, 'podman'), 'not json')
    await record()
    expect(await find()).toBeDefined()
  })

  test('in a folder others may write, a record is neither trusted nor written', async () => {
    await record()
    chmodSync(dir, 0o777)
    expect(await find()).toBeUndefined()
    await expect(record()).rejects.toThrow(`${dir} must belong to uid ${process.getuid?.()} and not be writable by others`)
    await forgetUnusable(dir, 'podman')
    expect(existsSync(recordPath(dir, 'podman'))).toBe(true)
  })
})
