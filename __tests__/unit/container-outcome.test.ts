/**
 * From a check's result to the line users read: passed, skipped (auto, when the check could not
 * get as far as running the container) or failed (which step, why, and the likely cause).
 */
import { describe, expect, test } from '@jest/globals'
import { lookupPlatform } from '../../src/kernel/platforms.js'
import type { ContainerResult } from '../../src/checks/container.js'
import { handlerCause, outcomeOf, runLabel } from '../../src/checks/container-outcome.js'
import { diagnose, formatDiagnosis } from '../../src/checks/diagnose.js'

const arm64 = lookupPlatform('arm64')!
const base: ContainerResult = { ok: false, output: '', seconds: 1.5, step: 'run', command: [], pulled: false }
const context = { engine: 'docker' as const, platform: arm64, image: '', mode: 'auto' as const }
const F = { entry: 'qemu-aarch64', interpreter: '/usr/bin/qemu-aarch64-static', flags: 'F' }

describe('runLabel', () => {
  test('the probe image and a named one', () => {
    expect(runLabel('docker', arm64, '')).toBe("docker run --platform linux/arm64 (the action's own probe image)")
    expect(runLabel('podman', arm64, 'busybox:stable')).toBe('podman run --platform linux/arm64 busybox:stable uname -m')
  })
})

describe('outcomeOf', () => {
  test('a pass says what ran and what it printed', () => {
    expect(outcomeOf({ ...base, ok: true, output: 'aarch64' }, context)).toEqual({
      result: 'passed',
      detail: "docker run --platform linux/arm64 (the action's own probe image) printed aarch64",
      seconds: 1.5
    })
  })

  test.each(['pull', 'load'] as const)('a %s failure is skipped under auto and fails under container', step => {
    const result = { ...base, step, error: 'docker could not get image x:1 for linux/arm64: manifest unknown' }
    expect(outcomeOf(result, context)).toEqual({
      result: 'skipped',
      detail: 'docker could not get image x:1 for linux/arm64: manifest unknown (the probe already proved emulation)',
      seconds: 1.5
    })
    expect(outcomeOf(result, { ...context, mode: 'container' })).toEqual({
      result: 'failed',
      detail: 'docker could not get image x:1 for linux/arm64: manifest unknown',
      seconds: 1.5
    })
  })

  test('an engine that cannot run any container: skipped under auto, failed under container', () => {
    const engineFault = 'podman cannot run containers here: (x)'
    const result = { ...base, error: 'the container failed (exit code 126): OCI permission denied', engineFault }
    expect(outcomeOf(result, { ...context, engine: 'podman' })).toEqual({
      result: 'skipped',
      detail: 'podman cannot run containers here: (x); not a fault of emulation (the probe already proved emulation)',
      seconds: 1.5
    })
    expect(outcomeOf(result, { ...context, engine: 'podman', mode: 'container' }).result).toBe('failed')
  })

  test('exec format error fails in both modes, with the step, the engine words and the diagnosis', () => {
    const stderr = 'exec /probe: exec format error'
    const diagnosis = diagnose(stderr)!
    const result = { ...base, error: `the container failed (exit code 1): ${stderr}`, stderr, diagnosis }
    const expected = {
      result: 'failed',
      detail:
        "docker run --platform linux/arm64 (the action's own probe image): " +
        `the container failed (exit code 1): ${stderr}. ${formatDiagnosis(diagnosis)}`,
      seconds: 1.5
    }
    expect(outcomeOf(result, { ...context, handler: F })).toEqual(expected)
    expect(outcomeOf(result, { ...context, handler: F, mode: 'container' })).toEqual(expected)
    expect(diagnosis.id).toBe('exec-format')
  })

  test('a handler without F is named as the cause', () => {
    const stderr = 'exec /probe: no such file or directory'
    const result = { ...base, error: `the container failed (exit code 1): ${stderr}`, stderr, diagnosis: diagnose(stderr) }
    const detail = outcomeOf(result, { ...context, handler: { ...F, flags: 'O' } }).detail
    expect(detail).toBe(
      `docker run --platform linux/arm64 (the action's own probe image): the container failed (exit code 1): ${stderr}. ` +
        "Cause: the handler qemu-aarch64 is registered without the F flag (flags 'O'), so inside the container the kernel looks for /usr/bin/qemu-aarch64-static among the container's files. " +
        formatDiagnosis(diagnose(stderr)!)
    )
  })

  test('a wrong machine names what was printed', () => {
    const result = { ...base, output: 'x86_64', error: "it printed 'x86_64', expected /^aarch64$/" }
    expect(outcomeOf(result, { ...context, image: 'busybox' }).detail).toBe(
      "docker run --platform linux/arm64 busybox uname -m: it printed 'x86_64', expected /^aarch64$/"
    )
  })
})

describe('handlerCause', () => {
  test('without F', () => {
    expect(handlerCause('interpreter-not-found', { ...F, flags: '' })).toBe(
      "the handler qemu-aarch64 is registered without the F flag (flags ''), so inside the container the kernel looks for /usr/bin/qemu-aarch64-static among the container's files"
    )
  })
  test('F with a dynamically linked interpreter', () => {
    expect(handlerCause('interpreter-not-found', { ...F, interpreter: '/usr/bin/qemu-aarch64' }, false)).toBe(
      "the handler qemu-aarch64's interpreter /usr/bin/qemu-aarch64 is dynamically linked: with the F flag the kernel starts it inside the container, which lacks its libraries"
    )
  })
  test('nothing to add: F and static, another diagnosis, or no handler known', () => {
    expect(handlerCause('interpreter-not-found', F, true)).toBeUndefined()
    expect(handlerCause('exec-format', { ...F, flags: '' })).toBeUndefined()
    expect(handlerCause('interpreter-not-found', undefined)).toBeUndefined()
  })
})
