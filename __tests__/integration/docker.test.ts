/**
 * The container check against real engines on this x86_64 machine, with an arm64 image built here
 * (no registry is reachable): without an aarch64 handler the container fails with `exec format
 * error`, with one registered by hand (F flag, Debian's static qemu-aarch64) it prints `aarch64`, and
 * a missing image fails at the pull step. x86_64 and i386 are never registered here.
 *
 * Registers and removes binfmt_misc entries: run it holding /tmp/setup-x86-binfmt.lock (as .ci/run
 * and the documented test command do). Whatever it registers goes in finally/afterAll.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEntry } from '../../src/kernel/binfmt.js'
import { containerCheck, findEngine, probeEngine, type Engine } from '../../src/checks/container.js'
import { platformOf } from '../../src/kernel/platforms.js'
import { arm64Image, engineForSuite, imageCacheDir, type SuiteEngine } from '../helpers/docker-image.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const BINFMT = '/proc/sys/fs/binfmt_misc'
const ENTRY = 'test-aarch64'
const QEMU = '/usr/bin/qemu-aarch64-static'
const aarch64 = platformOf('aarch64')
const escape = (hex: string): string => hex.replace(/(..)/g, '\\x$1')
const REGISTER_LINE = `:${ENTRY}:M:0:${escape(aarch64.magic)}:${escape(aarch64.mask)}:${QEMU}:F`
const MISSING_IMAGE = 'local/no-such-image:missing'

let mountedHere = false

function entryNames(): string[] {
  if (!existsSync(join(BINFMT, 'status'))) return []
  return execFileSync('ls', [BINFMT], { encoding: 'utf8' })
    .split('\n')
    .filter(n => n && n !== 'register' && n !== 'status')
}

/** Enabled entries other than ours that would run arm64 programs. */
function otherAarch64Handlers(): string[] {
  return entryNames().filter(name => {
    if (name === ENTRY) return false
    try {
      const entry = parseEntry(name, readFileSync(join(BINFMT, name), 'utf8'))
      return entry.enabled && (entry.magic === aarch64.magic || /aarch64/.test(entry.interpreter))
    } catch {
      return false
    }
  })
}

function removeOurEntry(): void {
  if (existsSync(join(BINFMT, ENTRY))) writeFileSync(join(BINFMT, ENTRY), '-1')
}

function registerOurEntry(): void {
  removeOurEntry()
  writeFileSync(join(BINFMT, 'register'), REGISTER_LINE)
}

/** binfmt_misc mounted, no arm64 handler but possibly ours from an aborted run (removed). */
function prepareTable(): void {
  if (!existsSync(join(BINFMT, 'status'))) {
    execFileSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT])
    mountedHere = true
  }
  removeOurEntry()
  const others = otherAarch64Handlers()
  if (others.length > 0) {
    throw new Error(
      `an aarch64 handler is registered (${others.join(', ')}): these tests need arm64 unregistered and leave others' entries alone`
    )
  }
}

function restoreTable(): void {
  removeOurEntry()
  if (mountedHere && entryNames().length === 0) {
    spawnSync('umount', [BINFMT])
    mountedHere = false
  }
}

function engineRun(engine: Engine, image: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(engine.path, ['run', '--rm', '--network', 'none', '--platform', 'linux/arm64', image, 'uname', '-m'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...engine.env }
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** The three checks, for one engine. */
function containerChecks(engineName: 'docker' | 'podman', getEngine: () => Engine, getImage: () => string): void {
  test(`${engineName}: without an aarch64 handler the arm64 container fails with exec format error (a run failure)`, async () => {
    expect(otherAarch64Handlers()).toEqual([])
    expect(existsSync(join(BINFMT, ENTRY))).toBe(false)

    const direct = engineRun(getEngine(), getImage())
    expect(direct.code).not.toBe(0)
    expect(direct.stderr).toMatch(/exec format error/i)

    const result = await containerCheck({
      engine: getEngine(),
      image: getImage(),
      platform: 'linux/arm64',
      expectedMachine: aarch64.machine,
      timeoutMs: 60_000
    })
    process.stdout.write(`${engineName} container check, no handler: ${JSON.stringify({ ...result, diagnosis: result.diagnosis?.id })}\n`)
    expect(result).toMatchObject({ ok: false, step: 'run', pulled: false })
    expect(result.error).toMatch(/exec format error/i)
    expect(result.diagnosis?.id).toBe('exec-format')
  })

  test(`${engineName}: with aarch64 registered by hand (F flag) the check passes with output aarch64; exec format error again once removed`, async () => {
    try {
      registerOurEntry()
      const entry = parseEntry(ENTRY, readFileSync(join(BINFMT, ENTRY), 'utf8'))
      expect(entry).toMatchObject({ enabled: true, interpreter: QEMU, flags: 'F', magic: aarch64.magic, mask: aarch64.mask })

      const result = await containerCheck({
        engine: getEngine(),
        image: getImage(),
        platform: 'linux/arm64',
        expectedMachine: aarch64.machine,
        timeoutMs: 60_000
      })
      process.stdout.write(`${engineName} container check, aarch64 registered: ${JSON.stringify(result)}\n`)
      expect(result).toMatchObject({ ok: true, output: 'aarch64', step: 'run', pulled: false })
      expect(result.error).toBeUndefined()

      expect(engineRun(getEngine(), getImage())).toMatchObject({ code: 0, stdout: 'aarch64\n' })
    } finally {
      removeOurEntry()
    }
    expect(existsSync(join(BINFMT, ENTRY))).toBe(false)
    expect(engineRun(getEngine(), getImage()).stderr).toMatch(/exec format error/i)
  })

  test(`${engineName}: a missing image fails at the pull step, naming the image`, async () => {
    const result = await containerCheck({
      engine: getEngine(),
      image: MISSING_IMAGE,
      platform: 'linux/arm64',
      expectedMachine: aarch64.machine,
      timeoutMs: 60_000
    })
    process.stdout.write(`${engineName} container check, missing image: ${JSON.stringify(result)}\n`)
    expect(result).toMatchObject({ ok: false, step: 'pull', output: '', pulled: false })
    expect(result.error).toContain(`${engineName} could not get image ${MISSING_IMAGE} for linux/arm64: `)
    // the engine's own words follow
    expect(result.error?.length).toBeGreaterThan(`${engineName} could not get image ${MISSING_IMAGE} for linux/arm64: `.length + 10)
  })
}

describeWhen([root, command('/usr/bin/docker'), command(QEMU)], 'container check with real engines', () => {
  beforeAll(() => {
    prepareTable()
  })
  afterAll(() => {
    restoreTable()
  })

  describe('docker', () => {
    let engine: Engine
    let image: string
    let daemon: SuiteEngine | undefined
    afterAll(async () => {
      await daemon?.stop()
    }, 90_000)

    beforeAll(async () => {
      // Starts dockerd when none answers (.ci/run has started it); afterAll stops one started here.
      daemon = engineForSuite()
      const found = await findEngine()
      expect(found?.name).toBe('docker')
      engine = found as Engine
      image = await arm64Image('docker')
      expect(
        execFileSync('docker', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', image], { encoding: 'utf8' }).trim()
      ).toBe('linux/arm64')
    }, 300_000)

    containerChecks(
      'docker',
      () => engine,
      () => image
    )
  })

  describeWhen([command('/usr/bin/podman')], 'podman (rootful, vfs, its own store)', () => {
    let engine: Engine
    let image: string

    beforeAll(async () => {
      // A store of the tests' own (vfs, under .cache/) so the machine's podman storage is untouched.
      const dir = join(imageCacheDir, 'podman')
      mkdirSync(dir, { recursive: true })
      const storage = join(dir, 'storage.conf')
      writeFileSync(storage, `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "/run/setup-x86-podman-test"\n`)
      const env: Record<string, string> = { CONTAINERS_STORAGE_CONF: storage }
      // Rootful podman raises RLIMIT_NOFILE/NPROC in the container past the caller's hard limits,
      // which needs CAP_SYS_RESOURCE; a sandbox without it (this machine's) gets limits it can set.
      const capEff = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'ffffffffff'
      if ((BigInt(`0x${capEff}`) & (1n << 24n)) === 0n) {
        const conf = join(dir, 'containers.conf')
        writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n')
        env.CONTAINERS_CONF = conf
        process.stdout.write('podman: no CAP_SYS_RESOURCE here; containers get nofile/nproc 1024\n')
      }
      const probe = await probeEngine('podman', undefined, env)
      expect(probe).toMatchObject({ ok: true })
      engine = { name: 'podman', path: probe.path ?? '', version: probe.version ?? '', env }
      expect(
        execFileSync('podman', ['info', '--format', '{{.Store.GraphDriverName}}'], {
          encoding: 'utf8',
          env: { ...process.env, ...env }
        }).trim()
      ).toBe('vfs')
      image = await arm64Image('podman', env)
    }, 300_000)

    containerChecks(
      'podman',
      () => engine,
      () => image
    )
  })
})
