/**
 * The sysroot step after setup (core/sysroot.ts), without apt: which platforms it serves (the
 * emulated ones only), the user's own folder checked for the loader, the tool cache or, when that
 * cannot be written, the job's temporary folder, and nothing at all when every platform is native.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { probeProgram } from '../../src/checks/probe-programs.js'
import type { Report, Status } from '../../src/core/report.js'
import { emulatedTargets, type LibrariesRequest, prepareSysroot, type SysrootPlaces } from '../../src/core/sysroot.js'
import type { Sysroot, SysrootRequest } from '../../src/install/libraries/index.js'
import { lookupPlatform } from '../../src/kernel/platforms.js'

let dir: string
let logs: string[]
let warnings: string[]
let asked: SysrootRequest[]
let cacheHit: boolean
const log = { info: (m: string) => void logs.push(m), warning: (m: string) => void warnings.push(m) }

/** The engine's stand-in: records the request and answers with a folder under its cache root. */
const make = async (request: SysrootRequest): Promise<Sysroot> => {
  asked.push(request)
  return { path: join(request.cacheDir, 'debian-12-amd64-0123'), cacheHit, packages: ['libc6:amd64=2.36-9'] }
}

const report = (...platforms: [string, Status][]): Report => ({
  platforms: platforms.map(([name, status]) => ({ platform: lookupPlatform(name)!, status, detail: '', seconds: 0 }))
})
const libraries = (over: Partial<LibrariesRequest> = {}): LibrariesRequest => ({ packages: ['libc6'], mirror: [], sysroot: '', ...over })
const places = (over: Partial<SysrootPlaces> = {}): SysrootPlaces => ({
  toolCache: join(dir, 'tool-cache'),
  tempDir: join(dir, 'temp'),
  ...over
})

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sysroot-step-'))
  logs = []
  warnings = []
  asked = []
  cacheHit = false
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('which platforms', () => {
  test('the emulated ones: registered or already set up, not native', () => {
    expect(emulatedTargets(report(['amd64', 'registered'], ['386', 'existing'], ['arm64', 'native']))).toEqual(['x86_64', 'i386'])
  })

  test('nothing is asked for: nothing is done', async () => {
    expect(await prepareSysroot(libraries({ packages: [] }), report(['amd64', 'registered']), places(), log, make)).toBeUndefined()
    expect(asked).toEqual([])
    expect(logs).toEqual([])
  })

  test('every platform native: no sysroot, and the log says why', async () => {
    expect(await prepareSysroot(libraries(), report(['arm64', 'native']), places(), log, make)).toBeUndefined()
    expect(asked).toEqual([])
    expect(logs).toEqual(['libraries: linux/arm64 runs natively here; no sysroot is needed and QEMU_LD_PREFIX is not set'])
  })
})

describe('libraries', () => {
  test('made in the tool cache for the emulated targets, with the packages and mirror asked for', async () => {
    const request = libraries({ packages: ['libc6', 'libssl3'], mirror: ['http://127.0.0.1:9/debian'] })
    const made = await prepareSysroot(request, report(['amd64', 'registered'], ['arm64', 'native']), places(), log, make)
    expect(made).toEqual({
      path: join(dir, 'tool-cache/setup-x86-on-arm-sysroot/debian-12-amd64-0123'),
      origin: 'made',
      packages: ['libc6:amd64=2.36-9']
    })
    expect(asked).toHaveLength(1)
    expect(asked[0]).toMatchObject({
      targets: ['x86_64'],
      packages: ['libc6', 'libssl3'],
      mirror: ['http://127.0.0.1:9/debian'],
      cacheDir: join(dir, 'tool-cache/setup-x86-on-arm-sysroot'),
      tempDir: join(dir, 'temp')
    })
  })

  test('a sysroot already in the cache is reported as cached', async () => {
    cacheHit = true
    expect((await prepareSysroot(libraries(), report(['amd64', 'registered']), places(), log, make))?.origin).toBe('cached')
  })

  test('a tool cache that cannot be written: made in the temporary folder, with a warning', async () => {
    writeFileSync(join(dir, 'a-file'), '')
    const toolCache = join(dir, 'a-file', 'tool-cache')
    const temporaryRoot = join(dir, 'job-sysroot')
    const made = await prepareSysroot(libraries(), report(['amd64', 'registered']), places({ toolCache, temporaryRoot }), log, make)
    expect(made?.origin).toBe('temporary')
    expect(made?.path.startsWith(`${temporaryRoot}/`)).toBe(true)
    expect(asked[0].cacheDir).toBe(join(temporaryRoot, 'setup-x86-on-arm-sysroot'))
    expect(warnings).toEqual([
      `libraries: ${toolCache} cannot be written (ENOTDIR): the sysroot is made in ${temporaryRoot} for this job only, and removed after it`
    ])
  })

  test("as root: made and kept in root's store, not the tool cache", async () => {
    const store = join(dir, 'state/sysroots')
    const made = await prepareSysroot(libraries(), report(['amd64', 'registered']), places({ store }), log, make)
    expect(made).toEqual({ path: join(store, 'debian-12-amd64-0123'), origin: 'made', packages: ['libc6:amd64=2.36-9'] })
    expect(asked[0].cacheDir).toBe(store)
    expect(statSync(store).mode & 0o7777).toBe(0o755)
    expect(existsSync(join(dir, 'tool-cache'))).toBe(false)
  })

  test('a store someone else could change is refused in one line, and nothing is made', async () => {
    const store = join(dir, 'state/sysroots')
    mkdirSync(store, { recursive: true })
    chmodSync(join(dir, 'state'), 0o777)
    await expect(prepareSysroot(libraries(), report(['amd64', 'registered']), places({ store }), log, make)).rejects.toThrow(
      `libraries: the sysroot store ${store} is not root's alone: ${join(dir, 'state')} is writable by every user (mode 777)`
    )
    expect(asked).toEqual([])
  })

  test('a tool cache other users can write: not trusted, the sysroot is made in the temporary folder', async () => {
    mkdirSync(join(dir, 'tool-cache/setup-x86-on-arm-sysroot'), { recursive: true })
    chmodSync(join(dir, 'tool-cache'), 0o777)
    const temporaryRoot = join(dir, 'job-sysroot')
    const made = await prepareSysroot(libraries(), report(['amd64', 'registered']), places({ temporaryRoot }), log, make)
    expect(made?.origin).toBe('temporary')
    expect(warnings).toEqual([
      `libraries: ${join(dir, 'tool-cache')} is writable by every user (mode 777): the sysroot is made in ${temporaryRoot} for this job only, and removed after it`
    ])
  })

  test('without a temporary folder (the command line) that fails in one line naming what chose the folder', async () => {
    writeFileSync(join(dir, 'a-file'), '')
    const toolCache = join(dir, 'a-file', 'cache')
    const at = places({ toolCache, toolCacheLabel: 'the folder --cache-dir names' })
    await expect(prepareSysroot(libraries(), report(['amd64', 'registered']), at, log, make)).rejects.toThrow(
      `libraries: ${toolCache} cannot be written (ENOTDIR), which is the folder --cache-dir names: make it writable or choose another folder`
    )
    expect(asked).toEqual([])
  })
})

describe("sysroot: the user's own folder", () => {
  test('holding the loader of each emulated platform: used as it is', async () => {
    const root = join(dir, 'amd64-root')
    mkdirSync(join(root, 'lib64'), { recursive: true })
    writeFileSync(join(root, 'lib64/ld-linux-x86-64.so.2'), probeProgram('x86_64'))
    const given = await prepareSysroot(libraries({ packages: [], sysroot: root }), report(['amd64', 'registered']), places(), log, make)
    expect(given).toEqual({ path: root, origin: 'given', packages: [] })
    expect(asked).toEqual([])
  })

  test('without the loader of one of them: one line naming the input', async () => {
    const root = join(dir, 'amd64-root')
    mkdirSync(join(root, 'lib64'), { recursive: true })
    writeFileSync(join(root, 'lib64/ld-linux-x86-64.so.2'), probeProgram('x86_64'))
    const both = report(['amd64', 'registered'], ['386', 'registered'])
    await expect(prepareSysroot(libraries({ packages: [], sysroot: root }), both, places(), log, make)).rejects.toThrow(
      new RegExp(
        `^input 'sysroot': ${root} holds no dynamic loader for i386: lib/ld-linux.so.2 is missing \\(no lib\\); give a root filesystem`
      )
    )
  })

  test('a loader of another platform is refused', async () => {
    const root = join(dir, 'wrong-root')
    mkdirSync(join(root, 'lib64'), { recursive: true })
    writeFileSync(join(root, 'lib64/ld-linux-x86-64.so.2'), probeProgram('aarch64'))
    await expect(
      prepareSysroot(libraries({ packages: [], sysroot: root }), report(['amd64', 'registered']), places(), log, make)
    ).rejects.toThrow(`input 'sysroot': ${root}/lib64/ld-linux-x86-64.so.2 is no loader for x86_64 (it is for aarch64)`)
  })
})
