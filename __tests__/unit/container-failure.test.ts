/**
 * Judging what engines said, with their real words (docker 20.10/28, podman 4.3, runc and crun;
 * registry host names replaced): the step a failure belongs to, and the messages that name the
 * engine, image and platform.
 */
import { describe, expect, test } from '@jest/globals'
import { classifyFailure, judgeRun, loadFailureMessage, localTagMessage, pullFailureMessage } from '../../src/checks/container-failure.js'
import { engineMessage } from '../../src/checks/engine.js'

describe('classifyFailure', () => {
  test.each([
    // no handler registered: runc 1.1 (docker 20.10+, podman), older runc, crun
    ['exec /probe: exec format error', 1],
    ['standard_init_linux.go:228: exec user process caused: exec format error', 1],
    ['{"msg":"exec container process `/bin/uname`: Exec format error","level":"error","time":"2025-05-30T12:07:14.000000Z"}', 1],
    // handler without F / dynamic interpreter
    ['exec /probe: no such file or directory', 1],
    ['standard_init_linux.go:211: exec user process caused "no such file or directory"', 1],
    // the program is not in the image
    [
      'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "uname": executable file not found in $PATH: unknown.',
      127
    ],
    [
      'Error: crun: executable file `uname` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found',
      127
    ],
    // podman without CAP_SYS_RESOURCE (seen here)
    [
      'Error: runc: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted: OCI permission denied',
      126
    ],
    ['', 1]
  ])('run: %s', (stderr, code) => {
    expect(classifyFailure(stderr, code)).toBe('run')
  })

  test.each([
    [
      "Unable to find image 'nosuch/image:1' locally\ndocker: Error response from daemon: Get \"https://registry.invalid/v2/\": dial tcp: lookup registry.invalid on 10.255.255.53:53: no such host.\nSee 'docker run --help'.",
      125
    ],
    [
      "docker: Error response from daemon: pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.",
      125
    ],
    ['docker: Error response from daemon: manifest for busybox:nosuch not found: manifest unknown: manifest unknown.', 125],
    ['docker: Error response from daemon: no matching manifest for linux/loong64 in the manifest list entries.', 125],
    [
      'docker: Error response from daemon: image with reference busybox:stable was found but does not match the specified platform: wanted linux/amd64, actual: linux/arm64/v8.',
      125
    ],
    [
      'Error: short-name "nosuch/image:1" did not resolve to an alias and no unqualified-search registries are defined in "/etc/containers/registries.conf"',
      125
    ],
    [
      'Trying to pull docker.io/library/busybox:stable...\nError: initializing source docker://busybox:stable: pinging container registry registry.invalid: Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid: no such host',
      125
    ],
    ['Error: docker.io/library/busybox:nosuch: image not known', 125],
    ['docker: Error response from daemon: No such image: local/x:1.', 125],
    ['Error response from daemon: toomanyrequests: You have reached your pull rate limit.', 125]
  ])('pull: %s', (stderr, code) => {
    expect(classifyFailure(stderr, code)).toBe('pull')
  })
})

describe('messages', () => {
  const dockerSays =
    "Unable to find image 'nosuch/image:1' locally\ndocker: Error response from daemon: Get \"https://registry.invalid/v2/\": dial tcp: lookup registry.invalid: no such host.\n\nRun 'docker run --help' for more information\n"
  const quoted =
    'Unable to find image \'nosuch/image:1\' locally\ndocker: Error response from daemon: Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid: no such host.'

  test('engineMessage keeps the engine words and drops the help hint', () => {
    expect(engineMessage(dockerSays)).toBe(quoted)
    expect(engineMessage('1\n2\n3\n4', 2)).toBe('3\n4')
  })

  test('a pull failure names the engine, the image and the platform, and quotes the engine', () => {
    expect(pullFailureMessage('docker', 'nosuch/image:1', 'linux/amd64', dockerSays)).toBe(
      `docker could not get image nosuch/image:1 for linux/amd64: ${quoted}`
    )
    expect(pullFailureMessage('podman', 'x', 'linux/amd64', '')).toBe(
      'podman could not get image x for linux/amd64 (the engine gave no reason)'
    )
  })

  test('a load failure says it was the check’s own image', () => {
    expect(loadFailureMessage('docker', 'linux/arm64', 'Error response from daemon: no space left on device\n')).toBe(
      "docker could not load the check's own image for linux/arm64: Error response from daemon: no space left on device"
    )
  })

  test('a local tag of another platform: why the check does not pull, and what to do', () => {
    expect(localTagMessage('docker', 'busybox:stable', 'linux/arm64', 'linux/amd64', '')).toBe(
      'docker holds image busybox:stable only for linux/amd64, not for linux/arm64, and the check does not pull over a local tag (that would re-point it): ' +
        'name the image by digest, use a tag this engine does not hold, or leave verify-image empty (the engine gave no reason)'
    )
  })
})

describe('judgeRun', () => {
  const aarch64 = /^aarch64$/
  test('the expected machine passes', () => {
    expect(judgeRun({ code: 0, stdout: 'aarch64\n', stderr: '', timedOut: false }, aarch64, 1000)).toEqual({
      ok: true,
      output: 'aarch64',
      step: 'run'
    })
  })
  test('the last line counts (an engine may print before the container)', () => {
    expect(judgeRun({ code: 0, stdout: 'noise\naarch64\n', stderr: '', timedOut: false }, aarch64, 1000)).toEqual({
      ok: true,
      output: 'noise\naarch64',
      step: 'run'
    })
  })
  test('another machine fails and says what it printed', () => {
    expect(judgeRun({ code: 0, stdout: 'x86_64\n', stderr: '', timedOut: false }, aarch64, 1000)).toEqual({
      ok: false,
      step: 'run',
      output: 'x86_64',
      error: "it printed 'x86_64', expected /^aarch64$/"
    })
    expect(judgeRun({ code: 0, stdout: '', stderr: '', timedOut: false }, aarch64, 1000).error).toBe(
      'it printed nothing, expected /^aarch64$/'
    )
  })
  test('exec format error is a run failure with the exit code', () => {
    const judged = judgeRun({ code: 1, stdout: '', stderr: 'exec /probe: exec format error\n', timedOut: false }, aarch64, 1000)
    expect(judged).toEqual({
      ok: false,
      output: '',
      step: 'run',
      error: 'the container failed (exit code 1): exec /probe: exec format error'
    })
  })
  test('an image the engine does not have is a pull failure quoting the engine', () => {
    const judged = judgeRun(
      { code: 125, stdout: '', stderr: 'Error: docker.io/library/x:1: image not known\n', timedOut: false },
      aarch64,
      1000
    )
    expect(judged).toEqual({ ok: false, output: '', step: 'pull', error: 'Error: docker.io/library/x:1: image not known' })
  })
  test('a timeout', () => {
    expect(judgeRun({ code: 137, stdout: '', stderr: '', timedOut: true }, aarch64, 5000)).toEqual({
      ok: false,
      output: '',
      step: 'run',
      error: 'the container did not finish within 5 s'
    })
  })
})
