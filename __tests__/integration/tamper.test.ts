/**
 * Issue 12, a tampered tool cache: the runner's user can rewrite the tool cache, and the file the
 * kernel is told to run serves every foreign program (root's too). Through the whole action on the
 * real kernel: a cold `install: download`, then the cached qemu-aarch64 replaced by a script that
 * leaves a marker when it runs, then main again. The marker never appears; the entry's interpreter
 * is the root-only store's copy, byte for byte the download's binary. The store is put in the
 * test's folder (SETUP_X86_ON_ARM_INTERPRETER_STORE); nothing outside it is written.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { rootOnlyProblem } from '../../src/kernel/root-files.js'
import { buildArchives, SOURCE_BINARIES, type Fixtures } from '../helpers/archives.js'
import { kernelExec, removeEntries, runStepAsync, tableText, workdir } from '../helpers/action.js'
import { startServer, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

describeWhen([root, command(SOURCE_BINARIES.aarch64), command('/usr/bin/xz')], 'a tampered tool cache through the action', () => {
  let server: TestServer
  let archives: Fixtures
  let initial: Record<string, string>
  let dir: string
  let marker: string
  let env: Record<string, string>

  beforeAll(async () => {
    archives = buildArchives()
    server = await startServer()
    initial = tableText()
  })
  afterAll(async () => {
    await server.close()
  })
  beforeEach(() => {
    dir = workdir()
    marker = join(dir, 'MARKER')
    env = { SETUP_X86_ON_ARM_INTERPRETER_STORE: join(dir, 'interpreters') }
    server.reset()
  })
  afterEach(() => {
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    rmSync(dir, { recursive: true, force: true })
  })

  const path = '/mirror/qemu-aarch64-linux-amd64.xz'
  const inputs = () => ({
    platforms: 'arm64',
    install: 'download',
    'qemu-url': server.url(path),
    'qemu-sha256': archives.singleXz.sha256,
    verify: 'probe'
  })
  const binarySha = () => sha256(readFileSync(SOURCE_BINARIES.aarch64))
  /** The tool cache's copy: the one file the runner's user could rewrite. */
  const cachedCopy = () => {
    const entries = join(dir, 'tool-cache', 'qemu-user-static')
    const version = readdirSync(entries).find(name => !name.startsWith('.')) as string
    return join(entries, version, 'amd64', 'qemu-aarch64')
  }
  const tamper = () => writeFileSync(cachedCopy(), `#!/bin/sh\ntouch ${marker}\necho qemu-aarch64 version 7.2.22\n`, { mode: 0o755 })
  /** The interpreter line of the entry this run registered. */
  const registered = () => {
    const added = Object.entries(tableText()).filter(([name]) => !(name in initial))
    expect(added).toHaveLength(1)
    return /^interpreter (.*)$/m.exec(added[0][1])?.[1]
  }

  async function cold(): Promise<string> {
    server.serve(path, { file: readFileSync(archives.singleXz.path) })
    const main = await runStepAsync('main', dir, inputs(), env)
    expect(main.code).toBe(0)
    expect(main.outputs['cache-hit']).toBe('false')
    const interpreter = main.outputs.interpreter
    expect(interpreter).toBe(join(dir, 'interpreters', binarySha(), 'qemu-aarch64'))
    expect(registered()).toBe(interpreter)
    expect(await rootOnlyProblem(interpreter, 'file')).toBeUndefined()
    expect((await runStepAsync('post', dir)).code).toBe(0)
    expect(tableText()).toEqual(initial)
    return interpreter
  }

  test('warm: the store copy is registered; the rewritten tool cache file is not even read', async () => {
    const interpreter = await cold()
    tamper()
    const warm = await runStepAsync('main', dir, inputs(), env)
    expect(warm.code).toBe(0)
    expect(warm.outputs).toMatchObject({ 'cache-hit': 'true', interpreter })
    expect(registered()).toBe(interpreter)
    expect(kernelExec('aarch64', dir)).toBe('aarch64')
    expect(existsSync(marker)).toBe(false)
    expect(sha256(readFileSync(interpreter))).toBe(binarySha())
    expect(server.requests(path)).toBe(1)
    expect((await runStepAsync('post', dir)).code).toBe(0)
    expect(existsSync(marker)).toBe(false)
  })

  test('the store copy gone: the changed tool cache file is caught by its sha256, never run, and downloaded again', async () => {
    const interpreter = await cold()
    tamper()
    rmSync(dirname(interpreter), { recursive: true })
    const again = await runStepAsync('main', dir, inputs(), env)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(
      /the tool cache's qemu-aarch64 \(.*\) was changed after it was cached .*: it is not run or registered; downloading it again/
    )
    expect(again.outputs).toMatchObject({ 'cache-hit': 'false', interpreter })
    expect(registered()).toBe(interpreter)
    expect(kernelExec('aarch64', dir)).toBe('aarch64')
    expect(existsSync(marker)).toBe(false)
    expect(statSync(interpreter).uid).toBe(0)
    expect(sha256(readFileSync(interpreter))).toBe(binarySha())
    expect(sha256(readFileSync(cachedCopy()))).toBe(binarySha()) // the tool cache is mended too
    expect(server.requests(path)).toBe(2)
    expect((await runStepAsync('post', dir)).code).toBe(0)
    expect(existsSync(marker)).toBe(false)
  })

  test('qemu-url changed and qemu-sha256 left as it was: the new URL is downloaded and refused, not served from the store', async () => {
    await cold()
    // Another file at another address, pinned with the first one's sha256 (a workflow edit that forgot the pin).
    const moved = '/mirror/moved/qemu-aarch64.tar.gz'
    server.serve(moved, { file: readFileSync(archives.flatTarGz.path) })
    const stale = await runStepAsync('main', dir, { ...inputs(), 'qemu-url': server.url(moved) }, env)
    expect(stale.code).toBe(1)
    expect(stale.stdout).toMatch(
      new RegExp(
        `::error::sha256 mismatch for ${server.url(moved).replace(/[.?]/g, '\\$&')}: expected ${archives.singleXz.sha256}, got ${archives.flatTarGz.sha256}`
      )
    )
    expect(server.requests(moved)).toBe(1)
    expect(tableText()).toEqual(initial)
    expect((await runStepAsync('post', dir)).code).toBe(0)
    expect(tableText()).toEqual(initial)
  })
})
