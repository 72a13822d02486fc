/**
 * The bundled action on the real kernel, run the way the Actions runner runs it. This machine is
 * x86_64, so the emulated targets are foreign ones (arm64, riscv64) served by Debian's
 * qemu-user-static; x86_64 and i386 are never registered here.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { command, describeWhen, root } from '../helpers/requirements.js'
import {
  ACTION_NODE,
  actionNode,
  kernelExec,
  mounted,
  registerRaw,
  removeEntries,
  ROOT,
  runProbe,
  runProbeInChroot,
  runStep,
  tableText,
  workdir
} from '../helpers/action.js'

const AARCH64 =
  ':M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:' +
  '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:'

describeWhen(
  [root, command('/usr/bin/qemu-aarch64-static'), command('/usr/bin/qemu-riscv64-static')],
  'the action on the real kernel',
  () => {
    let dir: string
    let initial: Record<string, string>
    let wasMounted: boolean

    beforeAll(() => {
      wasMounted = mounted()
      initial = tableText()
      // The tests need arm64 and riscv64 to start out unregistered; a machine that has them
      // registered (binfmt-support) gets them back in afterAll.
      expect(Object.keys(initial).filter(n => /aarch64|riscv64/.test(n))).toEqual([])
    })

    beforeEach(() => {
      dir = workdir()
    })

    afterEach(() => {
      // Whatever a failed test left behind goes; the table must be what it was.
      const now = tableText()
      removeEntries(Object.keys(now).filter(name => !(name in initial)))
      rmSync(dir, { recursive: true, force: true })
    })

    afterAll(() => {
      if (!wasMounted && mounted() && Object.keys(tableText()).length === 0) {
        spawnSync('umount', ['/proc/sys/fs/binfmt_misc'])
      }
    })

    test('arm64: exec format error before, runs after main (also in a chroot), fails again after post', () => {
      expect(kernelExec('aarch64', dir)).toBe('error: Exec format error')

      const main = runStep('main', dir, { platforms: 'arm64' })
      expect(main.code).toBe(0)
      expect(main.outputs).toMatchObject({
        platforms: 'linux/arm64',
        native: '',
        interpreter: '/usr/bin/qemu-aarch64-static',
        'install-method': 'machine'
      })
      expect(main.outputs['qemu-version']).toMatch(/^\d+\.\d+/)
      expect(runProbe('aarch64', dir)).toEqual({ ok: true, text: 'aarch64' })
      expect(runProbeInChroot('aarch64', dir)).toEqual({ ok: true, text: 'aarch64' })
      expect(tableText()['qemu-aarch64']).toContain('flags: F')

      const post = runStep('post', dir)
      expect(post.code).toBe(0)
      expect(kernelExec('aarch64', dir)).toBe('error: Exec format error')
      expect(tableText()).toEqual(initial)
      expect(mounted()).toBe(wasMounted)
    })

    // The runner starts main and post on the node `runs.using` names; Node 20 is gone from runners.
    describeWhen([actionNode], 'on the node action.yml declares', () => {
      test('main and post run on SETUP_X86_ACTION_NODE, the major action.yml names, and print no runtime warning', () => {
        const record = join(dir, 'nodes.jsonl')
        const hook = join(dir, 'record-node.cjs')
        writeFileSync(
          hook,
          `require('fs').appendFileSync(${JSON.stringify(record)}, JSON.stringify([process.argv[1], process.version]) + '\\n')\n`
        )
        const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --require "${hook}"`.trim()

        const all = runStep('all', dir, { platforms: 'arm64' }, { NODE_OPTIONS: nodeOptions })
        expect(all.code).toBe(0)
        expect(all.stderr).not.toMatch(/Warning|\(node:\d+\)/)

        const version = spawnSync(ACTION_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()
        const declared = /^ {2}using: '?node(\d+)'?$/m.exec(readFileSync(join(ROOT, 'action.yml'), 'utf8'))?.[1]
        expect(version).toMatch(new RegExp(`^v${declared}\\.`))
        const ran: [string, string][] = readFileSync(record, 'utf8')
          .trim()
          .split('\n')
          .map(line => JSON.parse(line))
        expect(ran).toContainEqual([join(ROOT, 'dist', 'main', 'index.js'), version])
        expect(ran).toContainEqual([join(ROOT, 'dist', 'post', 'index.js'), version])
        expect(new Set(ran.map(([, ranOn]) => ranOn))).toEqual(new Set([version]))
      })
    })

    test('default inputs on x86_64: amd64 is native, nothing changes', () => {
      const main = runStep('main', dir)
      expect(main.code).toBe(0)
      expect(main.outputs).toMatchObject({ platforms: 'linux/amd64', native: 'linux/amd64', interpreter: '', 'install-method': '' })
      expect(main.stdout).toMatch(/linux\/amd64: runs natively/)
      expect(tableText()).toEqual(initial)
      expect(runStep('post', dir).stdout).toMatch(/nothing to restore/)
    })

    test('386 on x86_64 is native too, and never registered', () => {
      const main = runStep('main', dir, { platforms: '386 amd64' })
      expect(main.code).toBe(0)
      expect(main.outputs.native).toBe('linux/386,linux/amd64')
      expect(tableText()).toEqual(initial)
    })

    test('several platforms at once, each proved; post removes all', () => {
      const main = runStep('main', dir, { platforms: 'arm64,riscv64' })
      expect(main.code).toBe(0)
      expect(main.outputs.platforms).toBe('linux/arm64,linux/riscv64')
      expect(runProbe('riscv64', dir)).toEqual({ ok: true, text: 'riscv64' })
      runStep('post', dir)
      expect(tableText()).toEqual(initial)
    })

    test('a working entry that was there before is used and left untouched', () => {
      registerRaw(`:qemu-aarch64${AARCH64}/usr/bin/qemu-aarch64-static:F`)
      const before = tableText()
      const main = runStep('main', dir, { platforms: 'arm64' })
      expect(main.code).toBe(0)
      expect(main.outputs['install-method']).toBe('existing')
      expect(main.stdout).toMatch(/already registered as qemu-aarch64; left as it is/)
      runStep('post', dir)
      expect(tableText()).toEqual(before)
    })

    test.each([
      ['an interpreter that is gone', '/usr/bin/qemu-aarch64-gone', ''],
      ['no F flag (works outside containers only)', '/usr/bin/qemu-aarch64-static', '']
    ])('a broken entry (%s) is replaced, then restored byte for byte', (_what, interpreter, flags) => {
      registerRaw(`:qemu-aarch64${AARCH64}${interpreter}:${flags}`)
      const before = tableText()
      const main = runStep('main', dir, { platforms: 'arm64' })
      expect(main.code).toBe(0)
      expect(main.stdout).toMatch(/replacing qemu-aarch64/)
      expect(runProbeInChroot('aarch64', dir)).toEqual({ ok: true, text: 'aarch64' })
      runStep('post', dir)
      expect(tableText()).toEqual(before)
    })

    test('a disabled entry is replaced and comes back disabled', () => {
      registerRaw(`:qemu-aarch64${AARCH64}/usr/bin/qemu-aarch64-static:F`)
      writeFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', '0')
      const before = tableText()
      expect(before['qemu-aarch64']).toMatch(/^disabled/)
      expect(runStep('main', dir, { platforms: 'arm64' }).code).toBe(0)
      expect(tableText()['qemu-aarch64']).toMatch(/^enabled/)
      runStep('post', dir)
      expect(tableText()).toEqual(before)
    })

    test('cleanup: false leaves the registration in place', () => {
      expect(runStep('main', dir, { platforms: 'arm64', cleanup: 'false' }).code).toBe(0)
      expect(runStep('post', dir, { cleanup: 'false' }).stdout).toMatch(/cleanup: false/)
      expect(runProbe('aarch64', dir).ok).toBe(true)
    })

    test('bad input fails with one line naming the input, and changes nothing', () => {
      const main = runStep('main', dir, { platforms: 'arm64;reboot' })
      expect(main.code).toBe(1)
      expect(main.stdout).toMatch(/^::error::input 'platforms': unknown platform "arm64;reboot"; use one or more of: amd64, 386, arm64/m)
      expect(tableText()).toEqual(initial)
    })
  }
)
