/**
 * What users do with the action besides a probe, on this machine's real kernel in the mirror
 * direction (arm64 programs on x86_64): a debootstrap'ped foreign root file system whose
 * maintainer scripts run under emulation, and an image build whose RUN step runs a foreign
 * program. Each fails with `exec format error` (or its equivalent) before the action, works while
 * the action's handler is registered, and fails again after its post step.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, removeEntries, runStep, tableText, workdir } from '../helpers/action.js'
import { arm64Image } from '../helpers/docker-image.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const QEMU = '/usr/bin/qemu-aarch64-static'

/** The machine's own apt sources, handed to mmdebstrap as its mirror (no host named here). */
function machineSources(): string {
  const dir = '/etc/apt/sources.list.d'
  const deb822 = existsSync(dir)
    ? readdirSync(dir)
        .filter(f => f.endsWith('.sources'))
        .map(f => join(dir, f))
    : []
  if (deb822.length > 0) return deb822[0]
  return '/etc/apt/sources.list'
}

function codename(): string {
  const release = readFileSync('/etc/os-release', 'utf8')
  return /^VERSION_CODENAME=(.*)$/m.exec(release)?.[1].replace(/"/g, '') ?? 'stable'
}

const chrootRun = (dir: string, ...args: string[]) => spawnSync('chroot', [dir, ...args], { encoding: 'utf8', timeout: 120_000 })

describeWhen([root, command('/usr/bin/mmdebstrap'), command(QEMU)], "a debootstrap'ped arm64 root file system", () => {
  const dir = workdir()
  const tree = mkdtempSync(join(ROOT, '.cache', 'mmdebstrap-'))
  let initial: Record<string, string>
  beforeAll(() => {
    initial = tableText()
    expect(Object.keys(initial).filter(n => /aarch64/.test(n))).toEqual([])
  })
  afterAll(() => {
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    rmSync(tree, { recursive: true, force: true })
  })

  test('mmdebstrap --arch=arm64 builds a Debian whose programs run in a chroot (F), and stop running after post', () => {
    const main = runStep('main', dir, { platforms: 'arm64', install: 'none' })
    expect(main.code).toBe(0)
    expect(main.outputs.platforms).toBe('linux/arm64')

    const target = join(tree, 'root')
    const built = spawnSync('mmdebstrap', ['--arch=arm64', '--variant=apt', '--quiet', codename(), target, machineSources()], {
      encoding: 'utf8',
      timeout: 900_000
    })
    if (built.status !== 0) throw new Error(`mmdebstrap exited ${built.status}: ${built.stderr.split('\n').slice(-8).join('\n')}`)
    // No interpreter inside the tree: only an F handler can serve it.
    expect(existsSync(join(target, QEMU))).toBe(false)
    expect(chrootRun(target, 'uname', '-m').stdout.trim()).toBe('aarch64')
    expect(chrootRun(target, 'apt-get', '--version').stdout).toMatch(/^apt \d+\.\d+.* \(arm64\)/)

    expect(runStep('post', dir).code).toBe(0)
    const after = chrootRun(target, 'uname', '-m')
    expect(after.status).not.toBe(0)
    expect(after.stderr).toMatch(/Exec format error/i)
    expect(tableText()).toEqual(initial)
  }, 1_200_000)
})

describeWhen([root, command('/usr/bin/docker'), command(QEMU)], 'an image build with a foreign RUN step', () => {
  const dir = workdir()
  const context = mkdtempSync(join(ROOT, '.cache', 'build-context-'))
  const tag = `local/setup-x86-on-arm-build-test:${process.pid}`
  let base: string
  let initial: Record<string, string>
  const build = () =>
    spawnSync('docker', ['build', '--no-cache', '--platform', 'linux/arm64', '--network', 'none', '-t', tag, context], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      timeout: 300_000
    })
  beforeAll(async () => {
    base = await arm64Image()
    initial = tableText()
    mkdirSync(context, { recursive: true })
    writeFileSync(join(context, 'Dockerfile'), `FROM ${base}\nRUN uname -m > /built-on && echo built\n`)
  }, 300_000)
  afterEach(() => {
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
  })
  afterAll(() => {
    spawnSync('docker', ['rmi', '-f', tag])
    spawnSync('docker', ['image', 'prune', '-f', '--filter', 'dangling=true'])
    rmSync(context, { recursive: true, force: true })
  })

  test('docker build --platform linux/arm64: exec format error before, builds while registered, exec format error after post', () => {
    const before = build()
    expect(before.status).not.toBe(0)
    expect(before.stdout + before.stderr).toMatch(/exec format error/)

    const main = runStep('main', dir, { platforms: 'arm64', install: 'none', verify: 'probe' })
    expect(main.code).toBe(0)
    const during = build()
    if (during.status !== 0) throw new Error(`docker build exited ${during.status}: ${during.stdout}${during.stderr}`)
    expect(during.stdout).toMatch(/^built$/m)
    const inside = spawnSync('docker', ['run', '--rm', '--platform', 'linux/arm64', '--network', 'none', tag, 'cat', '/built-on'], {
      encoding: 'utf8'
    })
    expect(inside.stdout.trim()).toBe('aarch64')

    expect(runStep('post', dir).code).toBe(0)
    const after = build()
    expect(after.status).not.toBe(0)
    expect(after.stdout + after.stderr).toMatch(/exec format error/)
    expect(tableText()).toEqual(initial)
  }, 900_000)
})
