/**
 * The command line for runner administrators, on the real kernel: install, status, uninstall,
 * persist; and the action's jobs leave what the command line installed in place.
 */
import { afterEach, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION_NODE, kernelExec, removeEntries, ROOT, runStep, tableText, workdir } from '../helpers/action.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const cli = (...args: string[]) => {
  const result = spawnSync(ACTION_NODE, [join(ROOT, 'dist', 'cli', 'index.js'), ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describeWhen([root, command('/usr/bin/qemu-aarch64-static')], 'the setup-x86-on-arm command', () => {
  let initial: Record<string, string>
  const dir = workdir()
  beforeAll(() => {
    initial = tableText()
    expect(Object.keys(initial).filter(n => /aarch64/.test(n))).toEqual([])
  })
  afterEach(() => {
    cli('uninstall')
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    rmSync('/etc/binfmt.d/qemu-aarch64.conf', { force: true })
  })

  test('install, status, a job that leaves it alone, uninstall', () => {
    const install = cli('install', '--platforms', 'arm64', '--verify', 'probe', '--json')
    expect(install.code).toBe(0)
    expect(JSON.parse(install.stdout)).toMatchObject({
      platforms: 'linux/arm64',
      interpreter: '/usr/bin/qemu-aarch64-static',
      failures: []
    })

    const status = JSON.parse(cli('status', '--json').stdout) as { name: string; platform: string; probe: boolean; flags: string }[]
    expect(status.find(e => e.name === 'qemu-aarch64')).toMatchObject({ platform: 'linux/arm64', probe: true, flags: 'F' })
    expect(cli('status').stdout).toMatch(/^qemu-aarch64\s+enabled\s+linux\/arm64\s+\/usr\/bin\/qemu-aarch64-static\s+F\s+probe ok$/m)

    const job = runStep('all', dir, { platforms: 'arm64', verify: 'probe' })
    expect(job.code).toBe(0)
    expect(job.stdout).toMatch(/kept qemu-aarch64/)
    expect(kernelExec('aarch64', dir)).toBe('aarch64')

    const uninstall = cli('uninstall')
    expect(uninstall.code).toBe(0)
    expect(uninstall.stdout).toMatch(/removed: qemu-aarch64/)
    expect(tableText()).toEqual(initial)
  })

  test('install --persist writes /etc/binfmt.d; uninstall removes it with the entry', () => {
    expect(cli('install', '--platforms', 'arm64', '--persist', '--verify', 'probe').code).toBe(0)
    const conf = readFileSync('/etc/binfmt.d/qemu-aarch64.conf', 'utf8')
    expect(conf).toMatch(/^:qemu-aarch64:M::\\x7f\\x45\\x4c\\x46.*:\/usr\/bin\/qemu-aarch64-static:F$/m)
    cli('uninstall')
    expect(existsSync('/etc/binfmt.d/qemu-aarch64.conf')).toBe(false)
    expect(tableText()).toEqual(initial)
  })

  test('the action with persist: true keeps the entry past its post step', () => {
    const job = runStep('all', dir, { platforms: 'arm64', persist: 'true', verify: 'probe' })
    expect(job.code).toBe(0)
    expect(existsSync('/etc/binfmt.d/qemu-aarch64.conf')).toBe(true)
    expect(kernelExec('aarch64', dir)).toBe('aarch64')
    cli('uninstall')
    expect(tableText()).toEqual(initial)
  })

  test('as root with a PATH without /usr/sbin (su, a bare service): the chroot probe still finds chroot', () => {
    const result = spawnSync(
      ACTION_NODE,
      [join(ROOT, 'dist', 'cli', 'index.js'), 'install', '--platforms', 'arm64', '--verify', 'probe', '--json'],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, PATH: '/usr/bin:/bin' }
      }
    )
    expect(result.stderr).not.toMatch(/probe failed/)
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ platforms: 'linux/arm64', failures: [] })
    expect(cli('uninstall').code).toBe(0)
    expect(tableText()).toEqual(initial)
  })

  test('bad arguments: one line, exit 2', () => {
    const bad = cli('install', '--platforms', 'sparc')
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toMatch(/^error: input 'platforms': unknown platform "sparc"/)
    expect(cli('frobnicate').stderr).toMatch(/unknown command "frobnicate"; use install, uninstall, status or diagnose/)
  })
})
