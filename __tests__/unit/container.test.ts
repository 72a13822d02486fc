/**
 * The container check's pure parts (image references, arguments, classifying failures) and its
 * process handling against fake engines: small shell scripts put first on PATH that answer the way
 * docker and podman do. The engines' words are the real ones seen from docker 20.10/28, podman 4.3,
 * runc and crun (the registry host names replaced).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  classifyFailure,
  containerCheck,
  DEFAULT_VERIFY_IMAGE,
  engineMessage,
  findEngine,
  inspectArgs,
  judgeRun,
  platformKey,
  probeEngines,
  pullArgs,
  pullFailureMessage,
  runArgs,
  validImageRef,
  validPlatform,
  type Engine
} from '../../src/checks/container.js'

const DIGEST = 'sha256:' + 'a3'.repeat(32)

describe('validImageRef', () => {
  test.each([
    'busybox',
    'busybox:stable',
    'busybox:1.36.1-musl',
    DEFAULT_VERIFY_IMAGE,
    'amd64/ubuntu',
    'amd64/ubuntu:24.04',
    'ghcr.io/owner/image:v1.2.3',
    'quay.io/org/sub/image_name__x-y.z:tag_1',
    'localhost/local/busybox-arm64:test',
    'localhost:5000/busybox:stable',
    'registry.example.com:443/team/img',
    `busybox@${DIGEST}`,
    `busybox:stable@${DIGEST}`,
    `ghcr.io/owner/image@${DIGEST}`,
    'a'.repeat(200) + ':' + 't'.repeat(128)
  ])('accepts %s', ref => {
    expect(validImageRef(ref)).toBe(true)
  })

  test.each([
    ['empty', ''],
    ['leading space', ' busybox'],
    ['trailing newline', 'busybox\n'],
    ['newline and command', 'busybox\nrm -rf /'],
    ['space in tag', 'busybox:sta ble'],
    ['tab', 'busybox\t'],
    ['semicolon', 'busybox;id'],
    ['command substitution', '$(id)'],
    ['backticks', '`id`'],
    ['pipe', 'busybox|sh'],
    ['and', 'busybox&&id'],
    ['redirect', 'busybox>x'],
    ['quote', "busybox'"],
    ['double quote', 'busybox"'],
    ['glob', 'busy*'],
    ['NUL', 'busybox\0'],
    ['option', '--privileged'],
    ['short option', '-v'],
    ['leading dash in path', 'ghcr.io/-x/y'],
    ['upper case path', 'ghcr.io/Owner/Image'],
    ['URL', 'https://ghcr.io/o/i'],
    ['empty tag', 'busybox:'],
    ['tag too long', 'busybox:' + 't'.repeat(129)],
    ['short digest', 'busybox@sha256:abc'],
    ['digest without algorithm', 'busybox@' + 'a'.repeat(64)],
    ['name too long', 'a'.repeat(256)],
    ['absurd length', 'a/'.repeat(300) + 'a'],
    ['double slash', 'ghcr.io//x']
  ])('rejects %s', (_what, ref) => {
    expect(validImageRef(ref)).toBe(false)
  })
})

describe('platforms', () => {
  test.each(['linux/amd64', 'linux/386', 'linux/arm64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/mips64le', 'linux/loong64'])('valid %s', p => {
    expect(validPlatform(p)).toBe(true)
  })
  test.each(['', 'amd64', 'linux/amd64 ', 'linux/amd64;id', 'linux//amd64', '--platform', 'linux/amd64/v8/x'])('invalid %j', p => {
    expect(validPlatform(p)).toBe(false)
  })
  test.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm/v7', 'linux/arm'],
    ['Linux/AMD64', 'linux/amd64']
  ])('platformKey(%s) = %s', (p, key) => {
    expect(platformKey(p)).toBe(key)
  })
})

describe('arguments', () => {
  test('run: the check users run, without network', () => {
    expect(runArgs('busybox:stable', 'linux/amd64')).toEqual(['run', '--rm', '--network', 'none', '--platform', 'linux/amd64', 'busybox:stable', 'uname', '-m'])
    expect(runArgs('busybox', 'linux/386', 'check-1')).toEqual(['run', '--rm', '--network', 'none', '--platform', 'linux/386', '--name', 'check-1', 'busybox', 'uname', '-m'])
  })
  test('pull one platform', () => {
    expect(pullArgs('busybox:stable', 'linux/amd64')).toEqual(['pull', '--platform', 'linux/amd64', 'busybox:stable'])
  })
  test('inspect prints os/arch', () => {
    expect(inspectArgs('busybox')).toEqual(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', 'busybox'])
  })
})

describe('classifyFailure', () => {
  test.each([
    // no handler registered: runc 1.1 (docker 20.10+, podman), older runc, crun
    ['exec /bin/uname: exec format error', 1],
    ['standard_init_linux.go:228: exec user process caused: exec format error', 1],
    ['{"msg":"exec container process `/bin/uname`: Exec format error","level":"error","time":"2025-05-30T12:07:14.000000Z"}', 1],
    // handler without F / dynamic interpreter
    ['exec /usr/bin/uname: no such file or directory', 1],
    ['standard_init_linux.go:211: exec user process caused "no such file or directory"', 1],
    // the program is not in the image
    [
      'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "uname": executable file not found in $PATH: unknown.',
      127
    ],
    ['Error: crun: executable file `uname` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found', 127],
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
    ['Error response from daemon: toomanyrequests: You have reached your pull rate limit.', 125]
  ])('pull: %s', (stderr, code) => {
    expect(classifyFailure(stderr, code)).toBe('pull')
  })
})

describe('messages', () => {
  const dockerSays =
    "Unable to find image 'nosuch/image:1' locally\ndocker: Error response from daemon: Get \"https://registry.invalid/v2/\": dial tcp: lookup registry.invalid: no such host.\n\nRun 'docker run --help' for more information\n"

  test('engineMessage keeps the engine words and drops the help hint', () => {
    expect(engineMessage(dockerSays)).toBe(
      "Unable to find image 'nosuch/image:1' locally\ndocker: Error response from daemon: Get \"https://registry.invalid/v2/\": dial tcp: lookup registry.invalid: no such host."
    )
  })

  test('a pull failure names the engine, the image and the platform, and quotes the engine', () => {
    const message = pullFailureMessage('docker', 'nosuch/image:1', 'linux/amd64', dockerSays)
    expect(message).toMatch(/^docker could not get image nosuch\/image:1 for linux\/amd64: /)
    expect(message).toContain('no such host')
    expect(pullFailureMessage('podman', 'x', 'linux/amd64', '')).toBe('podman could not get image x for linux/amd64 (the engine gave no reason)')
  })
})

describe('judgeRun', () => {
  const aarch64 = /^aarch64$/
  test('the expected machine passes', () => {
    expect(judgeRun({ code: 0, stdout: 'aarch64\n', stderr: '', timedOut: false }, aarch64, 1000)).toEqual({ ok: true, output: 'aarch64', step: 'run' })
  })
  test('the last line counts (an engine may print before the container)', () => {
    expect(judgeRun({ code: 0, stdout: 'noise\naarch64\n', stderr: '', timedOut: false }, aarch64, 1000).ok).toBe(true)
  })
  test('another machine fails and says what it printed', () => {
    const judged = judgeRun({ code: 0, stdout: 'x86_64\n', stderr: '', timedOut: false }, aarch64, 1000)
    expect(judged).toMatchObject({ ok: false, step: 'run', output: 'x86_64' })
    expect(judged.error).toBe("uname -m printed 'x86_64', expected /^aarch64$/")
  })
  test('exec format error is a run failure with the exit code', () => {
    const judged = judgeRun({ code: 1, stdout: '', stderr: 'exec /bin/uname: exec format error\n', timedOut: false }, aarch64, 1000)
    expect(judged).toEqual({ ok: false, output: '', step: 'run', error: 'the container failed (exit code 1): exec /bin/uname: exec format error' })
  })
  test('a timeout', () => {
    expect(judgeRun({ code: null, stdout: '', stderr: '', timedOut: true }, aarch64, 5000)).toMatchObject({ ok: false, step: 'run', error: 'the container did not finish within 5 s' })
  })
})

/**
 * A fake engine: answers `version`/`info`, `image inspect`, `pull`, `run` and `rm` from files in
 * <script>.d/ (their presence and content), and logs every call to <script>.d/calls.
 */
const FAKE = `#!/bin/sh
d="$0.d"
printf '%s\\n' "$*" >> "$d/calls"
case "$1" in
  version|info)
    [ -f "$d/hang" ] && exec /bin/sleep 30
    [ -f "$d/down" ] && { echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1; }
    echo 20.10.24; exit 0 ;;
  image)
    [ -f "$d/local" ] && { cat "$d/local"; exit 0; }
    echo "Error: No such image: $5" >&2; exit 1 ;;
  pull)
    [ -f "$d/pull-error" ] && { cat "$d/pull-error" >&2; exit 1; }
    exit 0 ;;
  run)
    [ -f "$d/run-hang" ] && exec /bin/sleep 30
    [ -f "$d/run-stdout" ] && cat "$d/run-stdout"
    [ -f "$d/run-stderr" ] && cat "$d/run-stderr" >&2
    [ -f "$d/run-code" ] && exit "$(cat "$d/run-code")"
    exit 0 ;;
  rm) exit 0 ;;
esac
exit 2
`

describe('with fake engines on PATH', () => {
  let bin: string
  const savedPath = process.env.PATH

  const fake = (name: string, files: Record<string, string> = {}): Engine => {
    const path = join(bin, name)
    writeFileSync(path, FAKE)
    chmodSync(path, 0o755)
    rmSync(`${path}.d`, { recursive: true, force: true })
    mkdirSync(`${path}.d`)
    for (const [file, text] of Object.entries(files)) writeFileSync(join(`${path}.d`, file), text)
    return { name: name as Engine['name'], path, version: '20.10.24' }
  }
  const calls = (engine: Engine): string[] => {
    try {
      return readFileSync(`${engine.path}.d/calls`, 'utf8').trim().split('\n')
    } catch {
      return []
    }
  }

  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'fake-engines-'))
  })
  afterEach(() => {
    process.env.PATH = savedPath
    rmSync(join(bin, 'docker'), { force: true })
    rmSync(join(bin, 'podman'), { force: true })
  })
  afterAll(() => {
    rmSync(bin, { recursive: true, force: true })
  })

  describe('findEngine', () => {
    test('docker first when it answers', async () => {
      const docker = fake('docker')
      fake('podman')
      process.env.PATH = bin
      expect(await findEngine()).toEqual({ name: 'docker', path: docker.path, version: '20.10.24' })
      expect(calls(docker)).toEqual(['version --format {{.Server.Version}}'])
    })

    test('podman when the docker daemon does not answer, with the reason kept', async () => {
      fake('docker', { down: '' })
      const podman = fake('podman')
      process.env.PATH = bin
      const probes = await probeEngines()
      expect(probes[0]).toMatchObject({ name: 'docker', ok: false })
      expect(probes[0].error).toContain('Cannot connect to the Docker daemon')
      expect(probes[1]).toEqual({ name: 'podman', path: podman.path, ok: true, version: '20.10.24' })
      expect(calls(podman)).toEqual(['info --format {{.Version.Version}}'])
      expect((await findEngine())?.name).toBe('podman')
    })

    test('an engine that hangs is given up after the timeout', async () => {
      fake('docker', { hang: '' })
      process.env.PATH = bin
      const started = Date.now()
      const probes = await probeEngines(500)
      expect(Date.now() - started).toBeLessThan(5000)
      expect(probes).toEqual([
        { name: 'docker', path: join(bin, 'docker'), ok: false, error: 'docker version did not answer within 0.5 s' },
        { name: 'podman', ok: false, error: 'podman is not on PATH' }
      ])
    })

    test('none on PATH', async () => {
      process.env.PATH = bin
      expect(await findEngine()).toBeUndefined()
    })
  })

  describe('containerCheck', () => {
    const check = { image: 'local/busybox-arm64:test', platform: 'linux/arm64', expectedMachine: /^aarch64$/ }

    test('a local image of the platform runs without a pull', async () => {
      const engine = fake('docker', { local: 'linux/arm64\n', 'run-stdout': 'aarch64\n' })
      const result = await containerCheck({ engine, ...check })
      expect(result).toMatchObject({ ok: true, output: 'aarch64', step: 'run', pulled: false })
      expect(result.error).toBeUndefined()
      expect(result.seconds).toBeGreaterThanOrEqual(0)
      const log = calls(engine)
      expect(log[0]).toBe('image inspect --format {{.Os}}/{{.Architecture}} local/busybox-arm64:test')
      expect(log[1]).toMatch(/^run --rm --network none --platform linux\/arm64 --name setup-x86-check-\d+-\w+ local\/busybox-arm64:test uname -m$/)
      expect(log).toHaveLength(2)
      expect(result.command.slice(0, 6)).toEqual([engine.path, 'run', '--rm', '--network', 'none', '--platform'])
    })

    test('a local image of another platform is pulled for the wanted one', async () => {
      const engine = fake('docker', { local: 'linux/amd64\n', 'run-stdout': 'aarch64\n' })
      const result = await containerCheck({ engine, ...check })
      expect(result).toMatchObject({ ok: true, pulled: true })
      expect(calls(engine)[1]).toBe('pull --platform linux/arm64 local/busybox-arm64:test')
    })

    test('a local image reporting another platform is still tried when the pull fails', async () => {
      const engine = fake('docker', {
        local: 'linux/amd64\n',
        'pull-error': 'Error response from daemon: Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid: no such host\n',
        'run-stdout': 'aarch64\n'
      })
      expect(await containerCheck({ engine, ...check })).toMatchObject({ ok: true, output: 'aarch64', pulled: false })

      // and when the run then meets a pull failure too, the pull's words are the ones quoted
      const offline = fake('docker', {
        local: 'linux/amd64\n',
        'pull-error': 'Error response from daemon: Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid: no such host\n',
        'run-stderr': "Unable to find image 'local/busybox-arm64:test' locally\n",
        'run-code': '125'
      })
      const result = await containerCheck({ engine: offline, ...check })
      expect(result).toMatchObject({ ok: false, step: 'pull' })
      expect(result.error).toMatch(/^docker could not get image local\/busybox-arm64:test for linux\/arm64: .*no such host/)
    })

    test('a pull failure is step pull, names the image and quotes the engine', async () => {
      const engine = fake('podman', {
        'pull-error':
          'Trying to pull docker.io/library/nosuch:1...\nError: initializing source docker://nosuch:1: reading manifest 1 in docker.io/library/nosuch: requested access to the resource is denied\n'
      })
      const result = await containerCheck({ engine, ...check, image: 'nosuch:1' })
      expect(result).toMatchObject({ ok: false, step: 'pull', pulled: false, output: '' })
      expect(result.error).toMatch(/^podman could not get image nosuch:1 for linux\/arm64: /)
      expect(result.error).toContain('requested access to the resource is denied')
      expect(calls(engine).some(c => c.startsWith('run'))).toBe(false)
    })

    test('exec format error is a run failure with a diagnosis', async () => {
      const engine = fake('docker', { local: 'linux/arm64', 'run-stderr': 'exec /bin/uname: exec format error\n', 'run-code': '1' })
      const result = await containerCheck({ engine, ...check })
      expect(result).toMatchObject({ ok: false, step: 'run', output: '' })
      expect(result.error).toBe('the container failed (exit code 1): exec /bin/uname: exec format error')
      expect(result.diagnosis?.id).toBe('exec-format')
    })

    test('a pull failure met by run itself is still step pull', async () => {
      const engine = fake('docker', {
        local: 'linux/arm64',
        'run-stderr': "Unable to find image 'x:1' locally\ndocker: Error response from daemon: manifest for x:1 not found: manifest unknown: manifest unknown.\n",
        'run-code': '125'
      })
      const result = await containerCheck({ engine, ...check, image: 'x:1' })
      expect(result).toMatchObject({ ok: false, step: 'pull' })
      expect(result.error).toMatch(/^docker could not get image x:1 for linux\/arm64: .*manifest unknown/s)
    })

    test('a container that hangs is killed and removed by name', async () => {
      const engine = fake('docker', { local: 'linux/arm64', 'run-hang': '' })
      const result = await containerCheck({ engine, ...check, timeoutMs: 500 })
      expect(result).toMatchObject({ ok: false, step: 'run', error: 'the container did not finish within 0.5 s' })
      const log = calls(engine)
      const name = /--name (\S+)/.exec(log[1])?.[1]
      expect(log[2]).toBe(`rm -f ${name}`)
    })

    test('invalid image or platform runs nothing', async () => {
      const engine = fake('docker')
      expect(await containerCheck({ engine, ...check, image: 'busybox;id' })).toMatchObject({ ok: false, step: 'pull', error: 'not a valid image reference: "busybox;id"' })
      expect(await containerCheck({ engine, ...check, platform: 'linux/arm64 --privileged' })).toMatchObject({ ok: false, step: 'pull' })
      expect(calls(engine)).toEqual([])
    })
  })
})
