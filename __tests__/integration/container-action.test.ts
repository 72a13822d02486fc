/**
 * The mission's own check through the whole action, with a real Docker engine: an arm64 container
 * fails with `exec format error` before, the action with `verify: container` passes and `docker
 * run` prints aarch64, and after post it fails again. A missing image fails clearly with `verify:
 * container` and is a warning (check skipped) with `verify: auto`.
 */
import { afterEach, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { removeEntries, runStep, tableText, workdir } from '../helpers/action.js'
import { arm64Image } from '../helpers/docker-image.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const dockerRun = (image: string) =>
  spawnSync('docker', ['run', '--rm', '--network', 'none', '--platform', 'linux/arm64', image, 'uname', '-m'], {
    encoding: 'utf8',
    timeout: 120_000
  })

describeWhen([root, command('/usr/bin/docker'), command('/usr/bin/qemu-aarch64-static')], 'the container check through the action', () => {
  let image: string
  let initial: Record<string, string>
  const dir = workdir()
  beforeAll(async () => {
    image = await arm64Image()
    initial = tableText()
    expect(Object.keys(initial).filter(n => /aarch64/.test(n))).toEqual([])
  }, 300_000)
  afterEach(() => {
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
  })

  test('exec format error before; verify: container passes; docker run prints aarch64; exec format error after post', () => {
    const before = dockerRun(image)
    expect(before.status).not.toBe(0)
    expect(before.stderr).toMatch(/exec format error/)

    const main = runStep('main', dir, { platforms: 'arm64', verify: 'container', 'verify-image': image })
    expect(main.code).toBe(0)
    // Shown in CI's log: the check as a user's log shows it, and the summary row.
    console.log([before.stderr.trim(), ...main.stdout.split('\n').filter(l => /container check/.test(l)), readSummary(dir)].join('\n'))
    expect(main.stdout).toMatch(
      /linux\/arm64 container check passed: docker run --platform linux\/arm64 local\/busybox-arm64:test uname -m printed aarch64/
    )
    expect(readSummary(dir)).toMatch(/<td>passed \(\d+\.\d s\)<\/td>/)
    expect(dockerRun(image).stdout.trim()).toBe('aarch64')

    expect(runStep('post', dir).code).toBe(0)
    expect(dockerRun(image).stderr).toMatch(/exec format error/)
    expect(tableText()).toEqual(initial)
  })

  test('a missing image: an error with verify: container, a skipped check with verify: auto', () => {
    const strict = runStep('all', dir, { platforms: 'arm64', verify: 'container', 'verify-image': 'local/no-such-image:missing' })
    expect(strict.code).toBe(1)
    expect(strict.stdout).toMatch(
      /::error::linux\/arm64: container check failed: docker could not get image local\/no-such-image:missing for linux\/arm64/
    )

    const lenient = runStep('all', dir, { platforms: 'arm64', verify: 'auto', 'verify-image': 'local/no-such-image:missing' })
    expect(lenient.code).toBe(0)
    expect(lenient.stdout).toMatch(
      /::warning::container check skipped for linux\/arm64: docker could not get image local\/no-such-image:missing/
    )
    expect(tableText()).toEqual(initial)
  })
})

function readSummary(dir: string): string {
  return readFileSync(`${dir}/summary.md`, 'utf8')
}
