/**
 * The container check with no registry at all, through the whole action (dist/ via
 * scripts/local-run.mjs) on the real kernel, with a real Docker engine and podman: with the default
 * (empty) verify-image the action makes its own probe image for each emulated platform (arm64,
 * riscv64: foreign on this x86_64 machine), runs it with --network none and removes it, so the
 * engine holds exactly the images and containers it held before. A handler without F fails the
 * check naming the cause; a named image is used as held, its tag never re-pointed.
 *
 * An arm64 busybox image of the tests' own (helpers/docker-image.ts) shows `exec format error`
 * in a container before main and after post; it is part of the "before" snapshot. x86_64 and i386
 * are never registered here. Registers binfmt_misc entries: run it holding the table's lock (as
 * .ci/run does); whatever a failed test leaves in the table goes in afterEach.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeProbeImages } from '../../src/checks/probe-leftovers.js'
import { probeImageArchive, probeImageRef } from '../../src/checks/probe-image.js'
import { lookupPlatform } from '../../src/kernel/platforms.js'
import { removeEntries, runStep, tableText, workdir } from '../helpers/action.js'
import {
  arm64Image,
  engineForSuite,
  engineState,
  type EngineState,
  imageId,
  podmanTestEnv,
  type SuiteEngine
} from '../helpers/docker-image.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

/** `docker run` of the tests' own arm64 image, as a user's later step would run it. */
function containerRun(image: string, engine = 'docker', env: Record<string, string> = {}) {
  return spawnSync(engine, ['run', '--rm', '--network', 'none', '--platform', 'linux/arm64', image, 'uname', '-m'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env }
  })
}

/** The log line of a passed check with the action's own image. */
const passed = (engine: string, platform: string, machine: string) =>
  new RegExp(
    `^${platform} container check passed: ${engine} run --platform ${platform} \\(the action's own probe image\\) printed ${machine}$`,
    'm'
  )

const requirements = [root, command('/usr/bin/docker'), command('/usr/bin/qemu-aarch64-static'), command('/usr/bin/qemu-riscv64-static')]

describeWhen(requirements, 'the container check without a registry', () => {
  let initialTable: Record<string, string>
  let image: string
  let dir: string
  let daemon: SuiteEngine | undefined
  afterAll(async () => {
    await daemon?.stop()
  }, 90_000)

  beforeAll(async () => {
    // Starts dockerd when none answers (.ci/run has started it); afterAll stops one started here.
    daemon = engineForSuite()
    image = await arm64Image('docker')
    initialTable = tableText()
    expect(Object.keys(initialTable).filter(n => /aarch64|riscv64/.test(n))).toEqual([])
  }, 300_000)

  afterEach(() => {
    removeEntries(Object.keys(tableText()).filter(name => !(name in initialTable)))
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  describe('docker', () => {
    let before: EngineState
    beforeAll(async () => {
      before = await engineState('docker')
    })

    test('default inputs: arm64 and riscv64 pass the check with the action’s own images; the engine is left as it was', async () => {
      dir = workdir()
      const ahead = containerRun(image)
      expect(ahead.status).not.toBe(0)
      expect(ahead.stderr).toMatch(/exec format error/)

      const main = runStep('main', dir, { platforms: 'arm64,riscv64' })
      console.log(
        main.stdout
          .split('\n')
          .filter(l => /container check/.test(l))
          .join('\n')
      )
      expect(main.code).toBe(0)
      expect(main.stdout).toMatch(passed('docker', 'linux/arm64', 'aarch64'))
      expect(main.stdout).toMatch(passed('docker', 'linux/riscv64', 'riscv64'))
      expect(main.stdout).not.toMatch(/::warning::/)
      expect(readFileSync(join(dir, 'summary.md'), 'utf8').match(/<td>passed \(\d+\.\d s\)<\/td>/g)).toHaveLength(2)
      expect(await engineState('docker')).toEqual(before)
      expect(containerRun(image).stdout.trim()).toBe('aarch64')

      expect(runStep('post', dir).code).toBe(0)
      const after = containerRun(image)
      expect(after.status).not.toBe(0)
      expect(after.stderr).toMatch(/exec format error/)
      expect(await engineState('docker')).toEqual(before)
      expect(tableText()).toEqual(initialTable)
    })

    test('a handler registered without F: the check fails, naming the handler and the cause; nothing is left behind', async () => {
      dir = workdir()
      const job = runStep('all', dir, { platforms: 'arm64', flags: 'O' })
      expect(job.code).toBe(1)
      expect(job.stdout).toMatch(
        /::error::linux\/arm64: container check failed: docker run --platform linux\/arm64 \(the action's own probe image\): the container failed \(exit code \d+\): .*no such file or directory/
      )
      expect(job.stdout).toMatch(/Cause: the handler qemu-aarch64 is registered without the F flag \(flags 'O'\)/)
      expect(job.stdout).toMatch(/likely cause: the kernel found a handler, but its interpreter is not there inside the container/)
      expect(await engineState('docker')).toEqual(before)
      expect(tableText()).toEqual(initialTable)
    })

    test('a named image the engine holds is used as it is: its tag points at the same image afterwards', async () => {
      dir = workdir()
      const id = await imageId(image)
      const job = runStep('all', dir, { platforms: 'arm64', verify: 'container', 'verify-image': image })
      expect(job.code).toBe(0)
      expect(job.stdout).toMatch(
        /linux\/arm64 container check passed: docker run --platform linux\/arm64 local\/busybox-arm64:test uname -m printed aarch64/
      )
      expect(await imageId(image)).toBe(id)
      expect(await engineState('docker')).toEqual(before)
    })

    test('a named image held only for another platform is not pulled over: a warning under auto, an error under container', async () => {
      dir = workdir()
      const id = await imageId(image)
      const lenient = runStep('all', dir, { platforms: 'riscv64', 'verify-image': image })
      expect(lenient.code).toBe(0)
      expect(lenient.stdout).toMatch(
        /::warning::container check skipped for linux\/riscv64: docker holds image local\/busybox-arm64:test only for linux\/arm64, not for linux\/riscv64, and the check does not pull over a local tag/
      )
      const strict = runStep('all', dir, { platforms: 'riscv64', verify: 'container', 'verify-image': image })
      expect(strict.code).toBe(1)
      expect(strict.stdout).toMatch(
        /::error::linux\/riscv64: container check failed: docker holds image local\/busybox-arm64:test only for linux\/arm64/
      )
      expect(await imageId(image)).toBe(id)
      expect(await engineState('docker')).toEqual(before)
      expect(tableText()).toEqual(initialTable)
    })

    test('what a cut-short check leaves (its image and container) is removed by run id; another run’s image stays', async () => {
      const arm64 = lookupPlatform('arm64')!
      const scratch = mkdtempSync(join(tmpdir(), 'probe-leftover-'))
      const load = (runId: string) => {
        const archive = join(scratch, `${runId}.tar`)
        writeFileSync(archive, probeImageArchive(arm64, probeImageRef(arm64, runId)))
        execFileSync('docker', ['load', '--quiet', '--input', archive])
      }
      try {
        load('cut1')
        load('other1')
        // created, never started: a container as a killed `docker run` leaves it
        const name = 'setup-x86-on-arm-check-aarch64-cut1'
        execFileSync('docker', ['create', '--platform', 'linux/arm64', '--network', 'none', '--name', name, probeImageRef(arm64, 'cut1')])
        const engine = { name: 'docker' as const, path: '/usr/bin/docker', version: '' }
        const log = { info: () => undefined, warning: (m: string) => console.log(m) }
        expect(await removeProbeImages([engine], 'cut1', log)).toEqual([
          'docker container setup-x86-on-arm-check-aarch64-cut1',
          `docker image ${probeImageRef(arm64, 'cut1')}`
        ])
        expect((await engineState('docker')).images.filter(i => i.endsWith(probeImageRef(arm64, 'other1')))).toHaveLength(1)
      } finally {
        spawnSync('docker', ['rm', '-f', 'setup-x86-on-arm-check-aarch64-cut1'])
        spawnSync('docker', ['rmi', probeImageRef(arm64, 'cut1'), probeImageRef(arm64, 'other1')])
        rmSync(scratch, { recursive: true, force: true })
      }
      expect(await engineState('docker')).toEqual(before)
    })
  })

  describeWhen([command('/usr/bin/podman')], 'podman (docker not answering)', () => {
    // DOCKER_HOST at a socket nobody serves: the action finds docker silent and uses podman.
    let env: Record<string, string>
    let podmanImage: string
    let before: EngineState
    beforeAll(async () => {
      env = { ...podmanTestEnv(), DOCKER_HOST: 'unix:///run/setup-x86-no-docker.sock' }
      podmanImage = await arm64Image('podman', env)
      before = await engineState('podman', env)
    }, 300_000)

    test('default inputs: the check runs with podman and its own image; podman is left as it was', async () => {
      dir = workdir()
      expect(containerRun(podmanImage, 'podman', env).stderr).toMatch(/exec format error/i)
      const main = runStep('main', dir, { platforms: 'arm64' }, env)
      expect(main.code).toBe(0)
      expect(main.stdout).toMatch(passed('podman', 'linux/arm64', 'aarch64'))
      expect(await engineState('podman', env)).toEqual(before)
      expect(runStep('post', dir, {}, env).code).toBe(0)
      expect(containerRun(podmanImage, 'podman', env).stderr).toMatch(/exec format error/i)
      expect(await engineState('podman', env)).toEqual(before)
      expect(tableText()).toEqual(initialTable)
    }, 180_000) // a hang guard: six podman runs on vfs took 62 s once on a clean clone
  })

  afterAll(() => {
    removeEntries(Object.keys(tableText()).filter(name => !(name in initialTable)))
  })
})
