/**
 * The sysroot cache: keys named by exactly what a sysroot holds (stable under ordering, new for
 * a new version), folders that appear whole or not at all, and request records.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ResolvedPackage } from '../../src/install/libraries/apt-words.js'
import {
  discardSysroot,
  publishSysroot,
  readRecord,
  removeAbandoned,
  requestKey,
  sysrootKey,
  writeRecord
} from '../../src/install/libraries/cache.js'
import type { Distribution } from '../../src/install/libraries/distribution.js'

const bookworm: Distribution = { id: 'debian', family: 'debian', release: '12', codename: 'bookworm', name: 'Debian 12' }
const libc: ResolvedPackage = { name: 'libc6', arch: 'arm64', version: '2.36-9+deb12u10' }
const zlib: ResolvedPackage = { name: 'zlib1g', arch: 'arm64', version: '1:1.2.13.dfsg-1' }

describe('keys', () => {
  test('a sysroot key names the distribution, release and architectures and does not depend on order', () => {
    const key = sysrootKey(bookworm, ['arm64'], [libc, zlib])
    expect(key).toMatch(/^debian-12-arm64-[0-9a-f]{16}$/)
    expect(sysrootKey(bookworm, ['arm64'], [zlib, libc, zlib])).toBe(key)
    expect(sysrootKey(bookworm, ['i386', 'amd64'], [])).toBe(sysrootKey(bookworm, ['amd64', 'i386'], []))
    expect(sysrootKey(bookworm, ['i386', 'amd64'], [])).toMatch(/^debian-12-amd64\+i386-/)
  })

  test('a security update, another architecture or another release makes another key', () => {
    const key = sysrootKey(bookworm, ['arm64'], [libc, zlib])
    expect(sysrootKey(bookworm, ['arm64'], [{ ...libc, version: '2.36-9+deb12u11' }, zlib])).not.toBe(key)
    expect(sysrootKey(bookworm, ['arm64'], [{ ...libc, arch: 'armhf' }, zlib])).not.toBe(key)
    expect(sysrootKey({ ...bookworm, release: '13' }, ['arm64'], [libc, zlib])).not.toBe(key)
    expect(sysrootKey(bookworm, ['arm64'], [libc])).not.toBe(key)
  })

  test('a request key depends on the names (not their order) and on the sources', () => {
    const key = requestKey(bookworm, ['arm64'], ['libc6', 'zlib1g'], 'sources A')
    expect(requestKey(bookworm, ['arm64'], ['zlib1g', 'libc6'], 'sources A')).toBe(key)
    expect(requestKey(bookworm, ['arm64'], ['libc6', 'zlib1g'], 'sources B')).not.toBe(key)
    expect(requestKey(bookworm, ['arm64'], ['libc6'], 'sources A')).not.toBe(key)
  })
})

describe('the cache folder', () => {
  let cache: string
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'sysroot-cache-'))
  })
  afterEach(() => rmSync(cache, { recursive: true, force: true }))

  test('a built sysroot is renamed into place whole; the next publish reuses it without building', async () => {
    const made = await publishSysroot(cache, 'k1', async root => {
      mkdirSync(join(root, 'usr/lib'), { recursive: true })
      writeFileSync(join(root, 'usr/lib/libc.so.6'), 'libc')
    })
    expect(made).toEqual({ path: join(cache, 'k1'), made: true })
    expect(readdirSync(cache)).toEqual(['k1'])
    let built = false
    const again = await publishSysroot(cache, 'k1', async () => {
      built = true
    })
    expect(again).toEqual({ path: join(cache, 'k1'), made: false })
    expect(built).toBe(false)
  })

  test('a failing build leaves nothing behind', async () => {
    await expect(
      publishSysroot(cache, 'k2', async (root, scratch) => {
        mkdirSync(join(root, 'usr/lib'), { recursive: true })
        writeFileSync(join(scratch, 'half.deb'), 'x')
        throw new Error('dpkg-deb failed')
      })
    ).rejects.toThrow('dpkg-deb failed')
    expect(readdirSync(cache)).toEqual([])
  })

  test('when another job publishes the same key first, its folder is used and ours removed', async () => {
    const result = await publishSysroot(cache, 'k3', async root => {
      mkdirSync(join(root, 'usr/lib'), { recursive: true })
      writeFileSync(join(root, 'usr/lib/ours'), '')
      mkdirSync(join(cache, 'k3/usr/lib'), { recursive: true })
      writeFileSync(join(cache, 'k3/usr/lib/theirs'), '')
    })
    expect(result).toEqual({ path: join(cache, 'k3'), made: false })
    expect(readdirSync(join(cache, 'k3/usr/lib'))).toEqual(['theirs'])
    expect(readdirSync(cache)).toEqual(['k3'])
  })

  test("abandoned temporary folders go; a live run's young one and the sysroots stay", async () => {
    mkdirSync(join(cache, '.tmp-old-1'))
    mkdirSync(join(cache, '.tmp-young-2'))
    mkdirSync(join(cache, 'debian-12-arm64-0123456789abcdef'))
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    utimesSync(join(cache, '.tmp-old-1'), twoHoursAgo, twoHoursAgo)
    await removeAbandoned(cache)
    expect(readdirSync(cache).sort()).toEqual(['.tmp-young-2', 'debian-12-arm64-0123456789abcdef'])
  })

  test('a discarded sysroot is gone; discarding a missing one is no error', async () => {
    mkdirSync(join(cache, 'k4/usr/lib'), { recursive: true })
    await discardSysroot(cache, 'k4')
    await discardSysroot(cache, 'k5')
    expect(readdirSync(cache)).toEqual([])
  })

  test('request records round-trip and a damaged one reads as none', async () => {
    const record = { sysroot: 'debian-12-arm64-0123456789abcdef', packages: ['libc6:arm64=2.36-9'], resolvedAt: 1_700_000_000_000 }
    await writeRecord(cache, 'r1', record)
    expect(await readRecord(cache, 'r1')).toEqual(record)
    expect(readdirSync(join(cache, 'requests'))).toEqual(['r1.json'])
    writeFileSync(join(cache, 'requests', 'r2.json'), '{"sysroot": ')
    expect(await readRecord(cache, 'r2')).toBeUndefined()
    expect(await readRecord(cache, 'r3')).toBeUndefined()
    expect(existsSync(join(cache, 'requests', 'r3.json'))).toBe(false)
  })
})
