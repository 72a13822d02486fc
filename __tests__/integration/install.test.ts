/**
 * Where QEMU comes from, through the whole action on the real kernel: a verified download from a
 * server on 127.0.0.1 into the tool cache and the root-only interpreter store it is registered
 * from (cold, then warm), and the distro's packages through real apt, whose own registrations the
 * post step removes too. The store is put in the test's folder (SETUP_X86_ON_ARM_INTERPRETER_STORE).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, lchownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, chownSync } from 'node:fs'
import { join } from 'node:path'
import { buildArchives, type Fixtures } from '../helpers/archives.js'
import { kernelExec, removeEntries, runStepAsync, tableText, workdir } from '../helpers/action.js'
import { startServer, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

describeWhen(
  [root, command('/usr/bin/qemu-aarch64-static'), command('/usr/bin/apt-get'), command('/usr/bin/xz')],
  'install methods through the action',
  () => {
    let server: TestServer
    let archives: Fixtures
    let initial: Record<string, string>
    let dir: string

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
      server.reset()
    })
    afterEach(() => {
      removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
      rmSync(dir, { recursive: true, force: true })
    })

    test('install: download, cold then warm from the interpreter store, post restores', async () => {
      const url = server.serve('/mirror/qemu-aarch64-linux-amd64.xz', { file: readFileSync(archives.singleXz.path) })
      const inputs = { platforms: 'arm64', install: 'download', 'qemu-url': url, 'qemu-sha256': archives.singleXz.sha256, verify: 'probe' }

      const env = { SETUP_X86_ON_ARM_INTERPRETER_STORE: join(dir, 'interpreters') }
      const cold = await runStepAsync('main', dir, inputs, env)
      expect(cold.code).toBe(0)
      expect(cold.outputs).toMatchObject({ platforms: 'linux/arm64', 'install-method': 'download', 'cache-hit': 'false' })
      // Registered from the root-only store, by the binary's sha256; the tool cache only keeps the download.
      expect(cold.outputs.interpreter).toMatch(new RegExp(`^${dir}/interpreters/[0-9a-f]{64}/qemu-aarch64$`))
      expect(statSync(cold.outputs.interpreter).uid).toBe(0)
      expect(existsSync(`${dir}/tool-cache/qemu-user-static`)).toBe(true)
      expect(kernelExec('aarch64', dir)).toBe('aarch64')
      expect((await runStepAsync('post', dir)).code).toBe(0)
      expect(tableText()).toEqual(initial)

      const warm = await runStepAsync('main', dir, inputs, env)
      expect(warm.code).toBe(0)
      expect(warm.outputs).toMatchObject({ 'install-method': 'download', 'cache-hit': 'true', interpreter: cold.outputs.interpreter })
      expect(server.requests('/mirror/qemu-aarch64-linux-amd64.xz')).toBe(1)
      await runStepAsync('post', dir)
      expect(tableText()).toEqual(initial)
    })

    test('as root, a tool cache another user can change gets nothing: a link planted in it is not followed', async () => {
      const url = server.serve('/mirror/qemu-aarch64-linux-amd64.xz', { file: readFileSync(archives.singleXz.path) })
      const inputs = { platforms: 'arm64', install: 'download', 'qemu-url': url, 'qemu-sha256': archives.singleXz.sha256, verify: 'probe' }
      // nobody's tool cache, where nobody has put its tool's folder as a link to one of root's.
      const toolCache = join(dir, 'tool-cache')
      const trap = join(dir, 'trap')
      mkdirSync(trap, { mode: 0o700 })
      mkdirSync(toolCache)
      chownSync(toolCache, 65534, 65534)
      symlinkSync(trap, join(toolCache, 'qemu-user-static'))
      lchownSync(join(toolCache, 'qemu-user-static'), 65534, 65534)

      const env = { SETUP_X86_ON_ARM_INTERPRETER_STORE: join(dir, 'interpreters') }
      const main = await runStepAsync('main', dir, inputs, env)
      expect(main.code).toBe(0)
      expect(main.outputs.interpreter).toMatch(new RegExp(`^${dir}/interpreters/[0-9a-f]{64}/qemu-aarch64$`))
      expect(main.stdout).toContain('not kept in the tool cache, which another user could change')
      expect(readdirSync(trap)).toEqual([])
      expect(readdirSync(toolCache)).toEqual(['qemu-user-static'])
      expect(kernelExec('aarch64', dir)).toBe('aarch64')
      expect((await runStepAsync('post', dir)).code).toBe(0)
    })

    test('install: download refuses a file whose sha256 does not match, and registers nothing', async () => {
      const url = server.serve('/mirror/qemu_v7.2.0_linux-amd64.tar.gz', { file: readFileSync(archives.flatTarGz.path) })
      const main = await runStepAsync('main', dir, {
        platforms: 'arm64',
        install: 'download',
        'qemu-url': url,
        'qemu-sha256': '0'.repeat(64)
      })
      expect(main.code).toBe(1)
      expect(main.stdout).toMatch(/::error::.*sha256/i)
      expect(tableText()).toEqual(initial)
      expect(existsSync(`${dir}/tool-cache/qemu-user-static`)).toBe(false)
    })

    test('install: download fails at once on a 404, naming the URL', async () => {
      const url = server.url('/mirror/missing.tar.gz')
      const main = await runStepAsync('main', dir, {
        platforms: 'arm64',
        install: 'download',
        'qemu-url': url,
        'qemu-sha256': 'a'.repeat(64)
      })
      expect(main.code).toBe(1)
      expect(main.stdout).toContain(url)
      expect(server.requests('/mirror/missing.tar.gz')).toBe(1)
      expect(tableText()).toEqual(initial)
    })

    test('install: apt from a purged state: real apt, then post removes every entry the packages registered', async () => {
      const dpkg = (...args: string[]) => execFileSync('dpkg-query', ['-W', '-f=${Status}', ...args], { encoding: 'utf8' })
      execFileSync('apt-get', ['purge', '-y', '-q', 'qemu-user-static', 'binfmt-support'], {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
      })
      try {
        expect(existsSync('/usr/bin/qemu-aarch64-static')).toBe(false)
        const main = await runStepAsync('main', dir, { platforms: 'arm64', install: 'apt', verify: 'probe' })
        expect(main.code).toBe(0)
        expect(main.outputs).toMatchObject({ platforms: 'linux/arm64', 'install-method': 'apt' })
        expect(main.stdout).toMatch(/apt-get install qemu-user-static binfmt-support/)
        expect(dpkg('qemu-user-static')).toContain('ok installed')
        expect(kernelExec('aarch64', dir)).toBe('aarch64')
        // binfmt-support registered many more targets than asked for: all go in post.
        expect(Object.keys(tableText()).length).toBeGreaterThan(Object.keys(initial).length + 1)
        expect((await runStepAsync('post', dir)).code).toBe(0)
        expect(tableText()).toEqual(initial)
        expect(kernelExec('aarch64', dir)).toBe('error: Exec format error')
      } finally {
        // Leave the machine's packages as the tests expect them: qemu-user-static without binfmt-support
        // (purged first, so that reinstalling qemu-user-static registers nothing).
        execFileSync('apt-get', ['purge', '-y', '-q', 'binfmt-support'], {
          stdio: 'ignore',
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
        })
        execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'qemu-user-static'], {
          stdio: 'ignore',
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
        })
      }
    }, 300_000)
  }
)
