/**
 * Bad input and hostile environments, for real: each fails with one `::error::` line that names
 * the cause and the fix, and changes nothing on the machine. Environments are made with real
 * users, namespaces and mounts (a non-root user without sudo, an unprivileged user namespace like
 * a container's, a kernel without binfmt_misc, a read-only binfmt_misc).
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { chmodSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION_NODE, removeEntries, ROOT, runStep, tableText, workdir } from '../helpers/action.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const errorLines = (stdout: string) => stdout.split('\n').filter(l => l.startsWith('::error::'))

describeWhen(
  [root, command('/usr/bin/qemu-aarch64-static'), command('/usr/bin/unshare'), command('/usr/bin/setpriv')],
  'hostile input and environments',
  () => {
    let initial: Record<string, string>
    let dir: string
    beforeAll(() => {
      initial = tableText()
      expect(Object.keys(initial).filter(n => /aarch64/.test(n))).toEqual([])
      dir = workdir()
      chmodSync(dir, 0o777)
    })
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    afterEach(() => {
      // A case that wrongly succeeded must not leave its registration to the next suite.
      removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    })

    test.each([
      [
        'platforms',
        'arm64; rm -rf /',
        /^::error::input 'platforms': unknown platform "arm64;"; use one or more of: amd64, 386, arm64, arm, riscv64, ppc64le, s390x, mips64le, loong64/
      ],
      ['platforms', '$(reboot)', /^::error::input 'platforms': unknown platform "\$\(reboot\)"/],
      ['platforms', 'x'.repeat(3000), /^::error::input 'platforms': 3000 characters is too long; keep it under 2048/],
      ['install', 'curl|sh', /^::error::input 'install': "curl\|sh" is not accepted; use one of: auto, apt, download, none/],
      ['flags', 'F:evil', /^::error::input 'flags': "F:evil" holds letters other than F, P, O, C/],
      ['flags', 'F\n:x:M::\\x7f::/bin/sh:', /^::error::input 'flags': spans several lines; give it on one line/],
      ['verify', 'sometimes', /^::error::input 'verify': "sometimes" is not accepted; use one of: auto, probe, container, none/],
      ['verify-image', 'busybox;id', /^::error::input 'verify-image': "busybox;id" is not an image reference/],
      ['cleanup', 'yes', /^::error::input 'cleanup': "yes" is not a boolean; use true or false/],
      ['persist', '1', /^::error::input 'persist': "1" is not a boolean; use true or false/],
      ['qemu-version', '10.0.3$(id)', /^::error::input 'qemu-version': "10.0.3\$\(id\)" is not a QEMU version/],
      ['qemu-url', 'file:///etc/passwd', /^::error::input 'qemu-url': "file:\/\/\/etc\/passwd" is not an http\(s\) URL/],
      ['qemu-url', 'http://127.0.0.1/q.xz\nx', /^::error::input 'qemu-url': spans several lines/],
      ['qemu-sha256', 'not-a-digest', /^::error::input 'qemu-sha256': "not-a-digest" is not a sha256 digest; use 64 hex digits/]
    ])('input %s (%#): one error line naming it, nothing changed', (name, value, message) => {
      const main = runStep('main', dir, { platforms: 'arm64', [name]: value })
      expect(main.code).toBe(1)
      expect(errorLines(main.stdout)).toHaveLength(1)
      expect(errorLines(main.stdout)[0]).toMatch(message)
      expect(tableText()).toEqual(initial)
    })

    const local = join(ROOT, 'scripts', 'local-run.mjs')
    const helper = join(ROOT, '__tests__', 'helpers', 'in-namespace.mjs')
    const stepArgs = ['main', '--workdir', '', '--input', 'platforms=arm64', '--input', 'verify=probe']

    test.each([
      [
        'not root and no passwordless sudo',
        ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ACTION_NODE, local],
        /^::error::registering binfmt_misc handlers needs root: run the job as root or allow passwordless sudo/
      ],
      [
        'an unprivileged container job (no CAP_SYS_ADMIN, read-only /proc/sys, binfmt_misc not mounted)',
        ['unshare', '--mount', '--fork', process.execPath, helper, 'container', '--', ACTION_NODE, local],
        /^::error::cannot mount binfmt_misc: operation not permitted: this job may not change the kernel's binfmt_misc table \(an unprivileged container job/
      ],
      [
        'a kernel without binfmt_misc',
        ['unshare', '--mount', '--fork', process.execPath, helper, 'no-binfmt', '--', ACTION_NODE, local],
        /^::error::cannot mount binfmt_misc: this kernel has no binfmt_misc \(CONFIG_BINFMT_MISC\)/
      ],
      [
        'a read-only binfmt_misc (ProtectKernelTunables, container /proc/sys)',
        ['unshare', '--mount', '--fork', process.execPath, helper, 'ro-binfmt', '--', ACTION_NODE, local],
        /^::error::cannot register qemu-aarch64 in binfmt_misc: binfmt_misc is read-only here/
      ]
    ])('%s: one error line with the fix, nothing changed', (_what, prefix, message) => {
      const own = workdir() // fresh: another user must be able to write every file in it
      chmodSync(own, 0o777)
      const args = [...prefix.slice(1), ...stepArgs]
      args[args.indexOf('--workdir') + 1] = own
      const result = spawnSync(prefix[0], args, { encoding: 'utf8', timeout: 120_000 })
      expect(result.status).toBe(1)
      expect(errorLines(result.stdout)).toHaveLength(1)
      expect(errorLines(result.stdout)[0]).toMatch(message)
      expect(tableText()).toEqual(initial)
    })
  }
)
