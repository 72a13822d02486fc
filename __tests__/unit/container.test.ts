/**
 * The container check against fake engines: small shell scripts put first on PATH (or named
 * directly) that answer the way docker and podman do, and log every call. The check must run the
 * commands users would, leave the engine as it was (whatever it loaded or pulled is removed, a
 * held tag is never pulled over), and say which step failed and why. The engines' words are the
 * real ones seen from docker 20.10/28, podman 4.3, runc and crun.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { machine, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  containerCheck,
  containerInspectArgs,
  inspectArgs,
  loadArgs,
  pullArgs,
  removeContainerArgs,
  removeImageArgs,
  runArgs,
  type ContainerResult
} from '../../src/checks/container.js'
import {
  DOCKER_DEFAULT_SOCKET,
  dockerSocket,
  engineStamp,
  type EngineStamp,
  findEngine,
  probeEngines,
  type Engine
} from '../../src/checks/engine.js'
import { removeProbeImages } from '../../src/checks/probe-leftovers.js'
import { verifyContainers, verifyTargets } from '../../src/checks/verify.js'
import { lookupPlatform } from '../../src/kernel/platforms.js'

describe('arguments', () => {
  test('run: never a pull, no network, removed on exit, named; the probe image needs no command', () => {
    const checkRun = ['run', '--rm', '--pull', 'never', '--network', 'none', '--platform']
    const probe = 'localhost/setup-x86-on-arm-probe:aarch64-r1'
    expect(runArgs(probe, 'linux/arm64', 'c1', [])).toEqual([...checkRun, 'linux/arm64', '--name', 'c1', probe])
    expect(runArgs('busybox', 'linux/386', 'c2', ['uname', '-m'])).toEqual([
      ...checkRun,
      'linux/386',
      '--name',
      'c2',
      'busybox',
      'uname',
      '-m'
    ])
  })
  test('pull one platform; inspect prints the id and os/arch; load an archive; remove', () => {
    expect(pullArgs('busybox:stable', 'linux/amd64')).toEqual(['pull', '--platform', 'linux/amd64', 'busybox:stable'])
    expect(inspectArgs('busybox')).toEqual(['image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}}', 'busybox'])
    expect(loadArgs('/tmp/x.tar')).toEqual(['load', '--quiet', '--input', '/tmp/x.tar'])
    expect(removeImageArgs('busybox')).toEqual(['rmi', 'busybox'])
    expect(containerInspectArgs('c1')).toEqual(['container', 'inspect', '--format', '{{.Id}}', 'c1'])
  })
  test('a container is killed at once: podman would wait 10 s for SIGTERM', () => {
    expect(removeContainerArgs('docker', 'c1')).toEqual(['rm', '-f', 'c1'])
    expect(removeContainerArgs('podman', 'c1')).toEqual(['rm', '--force', '--time', '0', 'c1'])
  })
})

/**
 * A fake engine: answers from files in <script>.d/ (their presence and content; a `-<os>_<arch>`
 * suffix makes a run file apply to that platform only), copies each loaded archive to
 * <script>.d/loaded-N.tar, and logs every call to <script>.d/calls.
 */
const FAKE = `#!/bin/sh
d="$0.d"
printf '%s\\n' "$*" >> "$d/calls"
platform=
prev=
for a in "$@"; do [ "$prev" = --platform ] && platform=$(printf '%s' "$a" | tr / _); prev=$a; done
pick() { if [ -f "$d/$1-$platform" ]; then echo "$d/$1-$platform"; elif [ -f "$d/$1" ]; then echo "$d/$1"; fi; }
case "$1" in
  version|info)
    [ -f "$d/hang" ] && exec /bin/sleep 30
    [ -f "$d/down" ] && { echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1; }
    echo 20.10.24; exit 0 ;;
  image)
    [ -f "$d/local" ] && { cat "$d/local"; exit 0; }
    echo "Error: No such image: $5" >&2; exit 1 ;;
  load)
    [ -f "$d/load-error" ] && { cat "$d/load-error" >&2; exit 1; }
    cp "$4" "$d/loaded-$(ls "$d" | grep -c '^loaded-').tar"; echo 'Loaded image'; exit 0 ;;
  pull)
    [ -f "$d/pull-error" ] && { cat "$d/pull-error" >&2; exit 1; }
    exit 0 ;;
  run)
    [ -n "$(pick run-hang)" ] && { echo $$ > "$d/run.pid"; exec /bin/sleep 30; }
    f=$(pick run-stdout); [ -n "$f" ] && cat "$f"
    f=$(pick run-stderr); [ -n "$f" ] && cat "$f" >&2
    f=$(pick run-code); [ -n "$f" ] && exit "$(cat "$f")"
    exit 0 ;;
  rm) [ -f "$d/run.pid" ] && kill "$(cat "$d/run.pid")"; [ -f "$d/rm-error" ] && { cat "$d/rm-error" >&2; exit 1; }; exit 0 ;;
  container)
    [ -f "$d/container-held" ] && { echo 9f3c; exit 0; }
    echo "Error: no such container $5" >&2; exit 1 ;;
  rmi)
    [ -f "$d/rmi-error" ] && { cat "$d/rmi-error" >&2; exit 1; }
    exit 0 ;;
  images) [ -f "$d/images" ] && cat "$d/images"; exit 0 ;;
  ps) [ -f "$d/ps" ] && cat "$d/ps"; exit 0 ;;
esac
exit 2
`

/** The RepoTags of a `docker load` archive: its first member is manifest.json. */
function loadedTags(archive: Buffer): string[] {
  expect(archive.subarray(0, 13).toString('latin1')).toBe('manifest.json')
  const size = parseInt(archive.subarray(124, 136).toString('latin1'), 8)
  return JSON.parse(archive.subarray(512, 512 + size).toString('utf8'))[0].RepoTags
}

describe("the docker daemon's socket, told without running the CLI", () => {
  let home: string
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'docker-home-'))
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))
  const config = (text: string) => {
    mkdirSync(join(home, '.docker'), { recursive: true })
    writeFileSync(join(home, '.docker', 'config.json'), text)
  }

  test('the default socket when nothing names another daemon (no config, or the default context)', () => {
    expect(dockerSocket({ HOME: home })).toBe(DOCKER_DEFAULT_SOCKET)
    config('{"auths":{},"currentContext":"default"}')
    expect(dockerSocket({ HOME: home })).toBe(DOCKER_DEFAULT_SOCKET)
  })
  test('DOCKER_HOST: its unix socket; any other transport is for the CLI to try', () => {
    expect(dockerSocket({ HOME: home, DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock')
    expect(dockerSocket({ HOME: home, DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toBeUndefined()
    expect(dockerSocket({ HOME: home, DOCKER_HOST: 'ssh://me@builder' })).toBeUndefined()
  })
  test("a context (DOCKER_CONTEXT, the config's current one) or a config the CLI may read otherwise: the CLI is asked", () => {
    expect(dockerSocket({ HOME: home, DOCKER_CONTEXT: 'rootless' })).toBeUndefined()
    config('{"currentContext":"rootless"}')
    expect(dockerSocket({ HOME: home })).toBeUndefined()
    config('{not json')
    expect(dockerSocket({ HOME: home })).toBeUndefined()
    // DOCKER_CONFIG names the folder instead of ~/.docker
    expect(dockerSocket({ HOME: home, DOCKER_CONFIG: join(home, 'elsewhere') })).toBe(DOCKER_DEFAULT_SOCKET)
  })
})

describe('with fake engines', () => {
  let bin: string
  let work: string
  const savedPath = process.env.PATH
  const log = { info: [] as string[], notice: [] as string[], warning: [] as string[] }
  const logger = {
    info: (m: string) => log.info.push(m),
    notice: (m: string) => log.notice.push(m),
    warning: (m: string) => log.warning.push(m)
  }

  const fake = (name: 'docker' | 'podman', files: Record<string, string> = {}): Engine => {
    const path = join(bin, name)
    writeFileSync(path, FAKE)
    chmodSync(path, 0o755)
    rmSync(`${path}.d`, { recursive: true, force: true })
    mkdirSync(`${path}.d`)
    for (const [file, text] of Object.entries(files)) writeFileSync(join(`${path}.d`, file), text)
    return { name, path, version: '20.10.24' }
  }
  const calls = (engine: Engine): string[] => {
    const file = `${engine.path}.d/calls`
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []
  }
  const loaded = (engine: Engine): string[][] =>
    readdirSync(`${engine.path}.d`)
      .filter(f => f.startsWith('loaded-'))
      .sort()
      .map(f => loadedTags(readFileSync(join(`${engine.path}.d`, f))))
  const withoutTime = (result: ContainerResult) => ({ ...result, seconds: undefined })

  const savedDockerHost = process.env.DOCKER_HOST
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'fake-engines-'))
    // the fake docker's "daemon": a socket path that is there (the check asks the CLI only then)
    writeFileSync(join(bin, 'docker.sock'), '')
    process.env.DOCKER_HOST = `unix://${join(bin, 'docker.sock')}`
  })
  afterEach(() => {
    process.env.PATH = savedPath
    rmSync(join(bin, 'docker'), { force: true })
    rmSync(join(bin, 'podman'), { force: true })
    if (work) rmSync(work, { recursive: true, force: true })
    log.info.length = 0
    log.notice.length = 0
    log.warning.length = 0
  })
  afterAll(() => {
    rmSync(bin, { recursive: true, force: true })
    if (savedDockerHost === undefined) delete process.env.DOCKER_HOST
    else process.env.DOCKER_HOST = savedDockerHost
  })

  describe('finding an engine', () => {
    test('no daemon socket: docker is not started at all, and podman is asked', async () => {
      const docker = fake('docker')
      const podman = fake('podman')
      process.env.PATH = bin
      process.env.DOCKER_HOST = `unix://${join(bin, 'nobody.sock')}`
      try {
        expect(await probeEngines()).toEqual([
          {
            name: 'docker',
            path: docker.path,
            ok: false,
            error: `docker's daemon socket ${join(bin, 'nobody.sock')} is not there (no docker daemon runs)`
          },
          { name: 'podman', path: podman.path, ok: true, version: '20.10.24' }
        ])
        expect(calls(docker)).toEqual([])
      } finally {
        process.env.DOCKER_HOST = `unix://${join(bin, 'docker.sock')}`
      }
    })

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
      expect(await probeEngines()).toEqual([
        {
          name: 'docker',
          path: join(bin, 'docker'),
          ok: false,
          error: 'docker version failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'
        },
        { name: 'podman', path: podman.path, ok: true, version: '20.10.24' }
      ])
      expect(calls(podman)).toEqual(['info --format {{.Version.Version}}'])
      expect((await findEngine())?.name).toBe('podman')
    })

    test('an engine that hangs is given up at the limit', async () => {
      fake('docker', { hang: '' })
      process.env.PATH = bin
      expect(await probeEngines(500)).toEqual([
        { name: 'docker', path: join(bin, 'docker'), ok: false, error: 'docker version did not answer within 0.5 s' },
        { name: 'podman', ok: false, error: 'podman is not on PATH' }
      ])
    })

    test('none on PATH', async () => {
      process.env.PATH = bin
      expect(await findEngine()).toBeUndefined()
    })

    test('an engine passed over (its record) is not started, and the search ends there, as at one that answers', async () => {
      const docker = fake('docker')
      const podman = fake('podman')
      process.env.PATH = bin
      const asked: [string, EngineStamp][] = []
      const probes = await probeEngines(undefined, async (name, stamp) => {
        asked.push([name, stamp])
        return 'docker could not run containers on this machine'
      })
      expect(probes).toEqual([
        { name: 'docker', path: docker.path, ok: false, passedOver: 'docker could not run containers on this machine' }
      ])
      expect(asked).toEqual([['docker', await engineStamp('docker', docker.path)]])
      expect(calls(docker)).toEqual([])
      expect(calls(podman)).toEqual([])
    })

    test("an engine's stamp: its CLI's path, size and mtime, its configuration, and docker's daemon socket, made anew when the daemon starts", async () => {
      const docker = fake('docker')
      const podman = fake('podman')
      const size = FAKE.length
      const config = expect.stringMatching(/^[0-9a-f]{16}$/)
      expect(await engineStamp('podman', podman.path)).toEqual({ path: podman.path, size, mtimeMs: expect.any(Number), config })
      // another configuration (podman's storage, say) may work where this one did not
      const other = await engineStamp('podman', podman.path, { CONTAINERS_STORAGE_CONF: '/etc/other-storage.conf' })
      expect(other?.config).not.toBe((await engineStamp('podman', podman.path))?.config)
      const before = await engineStamp('docker', docker.path)
      expect(before).toEqual({
        path: docker.path,
        size,
        mtimeMs: expect.any(Number),
        config,
        daemon: expect.stringContaining(join(bin, 'docker.sock'))
      })
      // the daemon restarted: its socket is a new file
      rmSync(join(bin, 'docker.sock'))
      writeFileSync(join(bin, 'other'), '')
      writeFileSync(join(bin, 'docker.sock'), '')
      rmSync(join(bin, 'other'))
      expect((await engineStamp('docker', docker.path))?.daemon).not.toBe(before?.daemon)
      expect(await engineStamp('docker', docker.path, { DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toBeUndefined()
      expect(await engineStamp('podman', join(bin, 'gone'))).toBeUndefined()
    })
  })

  describe('the check with its own probe image', () => {
    const arm64 = lookupPlatform('arm64')!
    const check = { image: '', platform: 'linux/arm64', expectedMachine: /^aarch64$/, runId: 'run1' }
    const ref = 'localhost/setup-x86-on-arm-probe:aarch64-run1'
    const name = 'setup-x86-on-arm-check-aarch64-run1'
    const setup = (files: Record<string, string>) => {
      work = mkdtempSync(join(tmpdir(), 'probe-image-dir-'))
      return { engine: fake('docker', files), dir: work }
    }

    test('loads the image under this run’s tag, runs it without network or pull, removes it: the engine is left as it was', async () => {
      const { engine, dir } = setup({ 'run-stdout': 'aarch64\n' })
      const result = await containerCheck({ engine, dir, ...check })
      expect(withoutTime(result)).toEqual({
        ok: true,
        output: 'aarch64',
        step: 'run',
        seconds: undefined,
        pulled: false,
        command: [engine.path, 'run', '--rm', '--pull', 'never', '--network', 'none', '--platform', 'linux/arm64', '--name', name, ref]
      })
      expect(calls(engine)).toEqual([
        `load --quiet --input ${join(dir, 'probe-image-aarch64-run1.tar')}`,
        `run --rm --pull never --network none --platform linux/arm64 --name ${name} ${ref}`,
        `rmi ${ref}`
      ])
      expect(loaded(engine)).toEqual([[ref]])
      expect(readdirSync(dir)).toEqual([])
      expect(arm64.docker).toBe(check.platform)
    })

    test('exec format error: step run, the engine’s words, the diagnosis, and the image still removed', async () => {
      const { engine, dir } = setup({ 'run-stderr': 'exec /probe: exec format error\n', 'run-code': '1' })
      const result = await containerCheck({ engine, dir, ...check })
      const error = 'the container failed (exit code 1): exec /probe: exec format error'
      expect(result).toMatchObject({ ok: false, step: 'run', output: '', error })
      expect(result.diagnosis?.id).toBe('exec-format')
      expect(result.engineFault).toBeUndefined()
      expect(calls(engine).at(-1)).toBe(`rmi ${ref}`)
    })

    test('a load failure is step load, and nothing runs', async () => {
      const { engine, dir } = setup({ 'load-error': 'Error response from daemon: no space left on device\n' })
      const result = await containerCheck({ engine, dir, ...check })
      expect(result).toMatchObject({
        ok: false,
        step: 'load',
        error: "docker could not load the check's own image for linux/arm64: Error response from daemon: no space left on device"
      })
      expect(calls(engine).some(c => c.startsWith('run'))).toBe(false)
    })

    test('an image that cannot be removed is reported as left over', async () => {
      const { engine, dir } = setup({
        'run-stdout': 'aarch64\n',
        'rmi-error': 'Error: image is in use by a container\n',
        local: 'sha256:1 linux/arm64\n'
      })
      const result = await containerCheck({ engine, dir, ...check })
      expect(result).toMatchObject({ ok: true, leftovers: [ref] })
      expect(calls(engine).slice(-2)).toEqual([`rmi ${ref}`, `image inspect --format {{.Id}} {{.Os}}/{{.Architecture}} ${ref}`])
    })

    test('a container that hangs is removed by name at the limit, then its image', async () => {
      const { engine, dir } = setup({ 'run-hang': '' })
      const result = await containerCheck({ engine, dir, ...check, timeoutMs: 500 })
      expect(result).toMatchObject({ ok: false, step: 'run', error: 'the container did not finish within 0.5 s' })
      expect(calls(engine).slice(1)).toEqual([
        `run --rm --pull never --network none --platform linux/arm64 --name ${name} ${ref}`,
        `rm -f ${name}`,
        `container inspect --format {{.Id}} ${name}`,
        `rmi ${ref}`
      ])
      expect(result.leftovers).toBeUndefined()
    })

    test('a container stopped at the limit that its removal by name did not remove is reported as left over', async () => {
      const { engine, dir } = setup({ 'run-hang': '', 'rm-error': 'Error: cannot remove container\n', 'container-held': '' })
      const result = await containerCheck({ engine, dir, ...check, timeoutMs: 500 })
      expect(result).toMatchObject({ ok: false, timedOut: true, leftovers: [name] })
    })

    const host = lookupPlatform(machine())
    const hostKey = host?.docker.replace(/\//g, '_') ?? ''
    const rlimit =
      'Error: runc: runc create failed: unable to start container process: error setting rlimits for ready process: ' +
      'operation not permitted: OCI permission denied\n'
    const onForeignHost = host && host !== arm64 ? test : test.skip

    onForeignHost('an engine that cannot run even this host’s own container: engineFault, not an emulation failure', async () => {
      const { engine, dir } = setup({ 'run-stderr': rlimit, 'run-code': '126' })
      const result = await containerCheck({ engine, dir, ...check })
      expect(result.engineFault).toBe(
        "docker cannot run containers here: a container of this host's own platform failed too " +
          `(the container failed (exit code 126): ${rlimit.trim()})`
      )
      expect(loaded(engine)).toEqual([[ref], [`localhost/setup-x86-on-arm-probe:${host!.target}-run1`]])
      expect(calls(engine).filter(c => c.startsWith('rmi'))).toHaveLength(2)
    })

    onForeignHost('an engine whose own-platform container runs: the failure stays one of emulation', async () => {
      const hostRuns = { [`run-stdout-${hostKey}`]: `${machine()}\n`, [`run-code-${hostKey}`]: '0' }
      const { engine, dir } = setup({ 'run-stderr': rlimit, 'run-code': '126', ...hostRuns })
      const result = await containerCheck({ engine, dir, ...check })
      expect(result).toMatchObject({ ok: false, step: 'run' })
      expect(result.engineFault).toBeUndefined()
    })

    test('an invalid platform runs nothing', async () => {
      const { engine, dir } = setup({})
      expect(await containerCheck({ engine, dir, ...check, platform: 'linux/arm64 --privileged' })).toMatchObject({
        ok: false,
        step: 'load',
        error: 'not a valid platform: "linux/arm64 --privileged"'
      })
      expect(calls(engine)).toEqual([])
    })
  })

  describe('the check with a named image', () => {
    const check = { image: 'local/busybox-arm64:test', platform: 'linux/arm64', expectedMachine: /^aarch64$/, runId: 'run1' }
    const name = 'setup-x86-on-arm-check-aarch64-run1'
    const run = `run --rm --pull never --network none --platform linux/arm64 --name ${name} local/busybox-arm64:test uname -m`
    const inspect = 'image inspect --format {{.Id}} {{.Os}}/{{.Architecture}} local/busybox-arm64:test'

    test('an image the engine holds runs as it is: no pull, no removal', async () => {
      const engine = fake('docker', { local: 'sha256:4cdf linux/arm64\n', 'run-stdout': 'aarch64\n' })
      expect(await containerCheck({ engine, ...check })).toMatchObject({ ok: true, output: 'aarch64', pulled: false })
      expect(calls(engine)).toEqual([inspect, run])
    })

    test('an image the engine does not hold is pulled for the platform and removed after the run', async () => {
      const engine = fake('podman', { 'run-stdout': 'aarch64\n' })
      expect(await containerCheck({ engine, ...check })).toMatchObject({ ok: true, pulled: true })
      expect(calls(engine)).toEqual([inspect, 'pull --platform linux/arm64 local/busybox-arm64:test', run, 'rmi local/busybox-arm64:test'])
    })

    test('a tag held for another platform is not pulled over: step pull, saying why', async () => {
      const engine = fake('docker', {
        local: 'sha256:1111 linux/amd64\n',
        'run-stderr':
          'docker: Error response from daemon: image with reference local/busybox-arm64:test was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64.\n',
        'run-code': '125'
      })
      const result = await containerCheck({ engine, ...check })
      expect(result).toMatchObject({ ok: false, step: 'pull', pulled: false })
      expect(result.error).toMatch(
        /^docker holds image local\/busybox-arm64:test only for linux\/amd64, not for linux\/arm64, and the check does not pull over a local tag/
      )
      expect(calls(engine)).toEqual([inspect, run])
    })

    test('a pull failure is step pull, names the image and quotes the engine; nothing runs or is removed', async () => {
      const engine = fake('podman', {
        'pull-error':
          'Trying to pull docker.io/library/nosuch:1...\nError: initializing source docker://nosuch:1: reading manifest 1 in docker.io/library/nosuch: requested access to the resource is denied\n'
      })
      const result = await containerCheck({ engine, ...check, image: 'nosuch:1' })
      expect(result).toMatchObject({ ok: false, step: 'pull', pulled: false, output: '' })
      expect(result.error).toBe(
        'podman could not get image nosuch:1 for linux/arm64: Trying to pull docker.io/library/nosuch:1...\n' +
          'Error: initializing source docker://nosuch:1: reading manifest 1 in docker.io/library/nosuch: requested access to the resource is denied'
      )
      expect(calls(engine).map(c => c.split(' ')[0])).toEqual(['image', 'pull'])
    })

    test('an invalid image runs nothing', async () => {
      const engine = fake('docker')
      expect(await containerCheck({ engine, ...check, image: 'busybox;id' })).toMatchObject({
        ok: false,
        step: 'pull',
        error: 'not a valid image reference: "busybox;id"'
      })
      expect(calls(engine)).toEqual([])
    })
  })

  describe('verifyContainers', () => {
    const arm64 = lookupPlatform('arm64')!
    const riscv64 = lookupPlatform('riscv64')!
    const amd64 = lookupPlatform('amd64')!
    const targets = [
      { platform: arm64, emulated: true },
      { platform: riscv64, emulated: true },
      { platform: amd64, emulated: false }
    ]

    test('each emulated platform with its own probe image and this run’s id; native ones are not checked', async () => {
      work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
      const engine = fake('docker', { 'run-stdout-linux_arm64': 'aarch64\n', 'run-stdout-linux_riscv64': 'riscv64\n' })
      const { outcomes, leftovers } = await verifyContainers(targets, { mode: 'auto', image: '', runId: 'run2', engine }, work, logger)
      expect([...outcomes.entries()].map(([p, o]) => [p.docker, o.result, o.detail])).toEqual([
        ['linux/arm64', 'passed', "docker run --platform linux/arm64 (the action's own probe image) printed aarch64"],
        ['linux/riscv64', 'passed', "docker run --platform linux/riscv64 (the action's own probe image) printed riscv64"]
      ])
      expect(loaded(engine)).toEqual([['localhost/setup-x86-on-arm-probe:aarch64-run2'], ['localhost/setup-x86-on-arm-probe:riscv64-run2']])
      expect(log.info).toEqual([
        "linux/arm64 container check passed: docker run --platform linux/arm64 (the action's own probe image) printed aarch64",
        "linux/riscv64 container check passed: docker run --platform linux/riscv64 (the action's own probe image) printed riscv64"
      ])
      expect(log.warning).toEqual([])
      expect(leftovers).toEqual([])
    })

    test('what an engine could not remove is returned for the post step, besides the warning', async () => {
      work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
      const engine = fake('podman', { 'run-stdout': 'aarch64\n', 'rmi-error': 'Error: image is in use\n', local: 'sha256:1 linux/arm64\n' })
      const settings = { mode: 'auto' as const, image: '', runId: 'run4', engine }
      const { leftovers } = await verifyContainers([{ platform: arm64, emulated: true }], settings, work, logger)
      expect(leftovers).toEqual(['podman localhost/setup-x86-on-arm-probe:aarch64-run4'])
      expect(log.warning).toEqual([
        'podman still holds localhost/setup-x86-on-arm-probe:aarch64-run4 from the container check; the post step removes it'
      ])
    })

    test('no engine: skipped quietly under auto, failed under container', async () => {
      process.env.PATH = bin
      const auto = (await verifyContainers(targets, { mode: 'auto', image: '' }, tmpdir(), logger)).outcomes
      expect([...auto.values()]).toEqual([
        { result: 'skipped', detail: 'no container engine (docker, podman) answers' },
        { result: 'skipped', detail: 'no container engine (docker, podman) answers' }
      ])
      expect(log).toEqual({ info: ['container check skipped: no container engine (docker, podman) answers'], notice: [], warning: [] })
      const strict = (await verifyContainers(targets, { mode: 'container', image: '' }, tmpdir(), logger)).outcomes
      expect([...strict.values()].map(o => o.result)).toEqual(['failed', 'failed'])
    })

    test('an engine the caller found none of is not looked for again', async () => {
      const docker = fake('docker')
      process.env.PATH = bin
      const { outcomes } = await verifyContainers(targets, { mode: 'auto', image: '', engine: null }, tmpdir(), logger)
      expect([...outcomes.values()].map(o => o.result)).toEqual(['skipped', 'skipped'])
      expect(calls(docker)).toEqual([])
    })

    test('an engine the caller passed over (its record): said in its place, once, as an info line', async () => {
      const docker = fake('docker')
      process.env.PATH = bin
      const passedOver = 'podman could not run containers on this machine (checked 2026-03-02T10:00:00Z: ...)'
      const checked = await verifyContainers(targets, { mode: 'auto', image: '', engine: null, passedOver }, tmpdir(), logger)
      expect([...checked.outcomes.values()]).toEqual([
        { result: 'skipped', detail: passedOver },
        { result: 'skipped', detail: passedOver }
      ])
      expect(log).toEqual({ info: [`container check skipped: ${passedOver}`], notice: [], warning: [] })
      expect(checked.engineFinding).toBeUndefined()
      expect(calls(docker)).toEqual([])
    })

    test('what the check showed of its engine: nothing when no container got as far as its run, not unusable when one ran', async () => {
      work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
      const broken = fake('docker', { 'load-error': 'Error: no space left on device\n' })
      const settings = { mode: 'auto' as const, image: '', runId: 'run8' }
      expect((await verifyContainers(targets, { ...settings, engine: broken }, work, logger)).engineFinding).toBeUndefined()
      const engine = fake('docker', { 'run-stdout-linux_arm64': 'aarch64\n', 'run-stdout-linux_riscv64': 'riscv64\n' })
      expect((await verifyContainers(targets, { ...settings, engine }, work, logger)).engineFinding).toEqual({ engine })
    })

    test('probe and none check no container', async () => {
      const engine = fake('docker')
      for (const mode of ['probe', 'none'] as const) {
        expect((await verifyContainers(targets, { mode, image: '', engine }, tmpdir(), logger)).outcomes.size).toBe(0)
      }
      expect(calls(engine)).toEqual([])
    })

    const host = lookupPlatform(machine())
    const onOtherHost = host && host !== arm64 && host !== riscv64 ? test : test.skip
    const rlimit =
      'Error: runc: runc create failed: unable to start container process: error setting rlimits for ready process: ' +
      'operation not permitted: OCI permission denied\n'
    const cannotRun =
      "docker cannot run containers here: a container of this host's own platform failed too " +
      `(the container failed (exit code 126): ${rlimit.trim()}); not a fault of emulation`

    onOtherHost(
      'an engine that cannot run even this host’s own container: one notice under auto, and the other platforms not tried',
      async () => {
        work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
        const engine = fake('docker', { 'run-stderr': rlimit, 'run-code': '126' })
        const { outcomes } = await verifyContainers(targets, { mode: 'auto', image: '', runId: 'run5', engine }, work, logger)
        const detail = `${cannotRun} (the probe already proved emulation)`
        expect([...outcomes.entries()].map(([p, o]) => [p.docker, o.result, o.detail])).toEqual([
          ['linux/arm64', 'skipped', detail],
          ['linux/riscv64', 'skipped', detail]
        ])
        expect(log).toEqual({ info: [], notice: [`container check skipped for linux/arm64, linux/riscv64: ${detail}`], warning: [] })
        // arm64's container and the host's own, nothing for riscv64
        expect(loaded(engine)).toEqual([
          ['localhost/setup-x86-on-arm-probe:aarch64-run5'],
          [`localhost/setup-x86-on-arm-probe:${host!.target}-run5`]
        ])
        expect(calls(engine).filter(c => c.startsWith('run'))).toHaveLength(2)
      }
    )

    onOtherHost(
      'an engine that cannot run even this host’s own container is found unusable, with why in one line for its record',
      async () => {
        work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
        const engine = fake('docker', { 'run-stderr': rlimit, 'run-code': '126' })
        const { engineFinding } = await verifyContainers(targets, { mode: 'auto', image: '', runId: 'run9', engine }, work, logger)
        expect(engineFinding).toEqual({
          engine,
          unusable: `a container of this host's own platform failed (the container failed (exit code 126): ${rlimit.trim()})`
        })
      }
    )

    onOtherHost('the same in a log without notices: one info line; under verify: container every platform fails, said once', async () => {
      work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
      const engine = fake('docker', { 'run-stderr': rlimit, 'run-code': '126' })
      const plain = { info: logger.info, warning: logger.warning }
      await verifyContainers(targets, { mode: 'auto', image: '', runId: 'run6', engine }, work, plain)
      expect(log).toEqual({
        info: [`container check skipped for linux/arm64, linux/riscv64: ${cannotRun} (the probe already proved emulation)`],
        notice: [],
        warning: []
      })
      log.info.length = 0
      const { outcomes } = await verifyContainers(targets, { mode: 'container', image: '', runId: 'run7', engine }, work, logger)
      expect([...outcomes.values()]).toEqual([
        expect.objectContaining({ result: 'failed', detail: cannotRun }),
        { result: 'failed', detail: cannotRun }
      ])
      expect(log).toEqual({ info: [`linux/arm64, linux/riscv64 container check failed: ${cannotRun}`], notice: [], warning: [] })
    })

    test('a handler without F: the failure names it', async () => {
      work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
      const engine = fake('docker', { 'run-stderr': 'exec /probe: no such file or directory\n', 'run-code': '1' })
      const handler = { entry: 'qemu-aarch64', interpreter: '/usr/bin/qemu-aarch64-static', flags: 'O' }
      const settings = { mode: 'auto' as const, image: '', runId: 'run3', engine }
      const { outcomes } = await verifyContainers([{ platform: arm64, emulated: true, handler }], settings, work, logger)
      expect(outcomes.get(arm64)?.result).toBe('failed')
      expect(outcomes.get(arm64)?.detail).toContain("Cause: the handler qemu-aarch64 is registered without the F flag (flags 'O')")
      expect(log.info[0]).toMatch(
        /^linux\/arm64 container check failed: docker run --platform linux\/arm64 \(the action's own probe image\): the container failed \(exit code 1\)/
      )
    })
  })

  describe('verifyTargets', () => {
    const amd64 = lookupPlatform('amd64')!
    const onX86 = machine() === 'x86_64' ? test : test.skip

    onX86('x86_64 running: its level is measured (natively here) and logged; no container for a native platform', async () => {
      work = mkdtempSync(join(tmpdir(), 'verify-dir-'))
      const engine = fake('docker')
      const checked = await verifyTargets([{ platform: amd64, emulated: false }], { mode: 'auto', image: '', engine, dir: work }, logger)
      expect(checked.containers.size).toBe(0)
      expect([1, 2, 3, 4]).toContain(checked.x86Level)
      expect(log.info).toEqual([`x86_64 programs see an x86-64-v${checked.x86Level} CPU`])
      expect(calls(engine)).toEqual([])
    })

    test('verify: none checks nothing', async () => {
      const engine = fake('docker')
      expect(
        await verifyTargets([{ platform: amd64, emulated: true }], { mode: 'none', image: '', engine, dir: tmpdir() }, logger)
      ).toEqual({
        containers: new Map(),
        leftovers: []
      })
      expect(calls(engine)).toEqual([])
    })
  })

  describe('removeProbeImages', () => {
    test('removes this run’s containers and images only', async () => {
      const engine = fake('podman', {
        ps: 'setup-x86-on-arm-check-aarch64-run9\nsetup-x86-on-arm-check-aarch64-other1\nmy-container-run9\n',
        images: ['aarch64-run9', 'riscv64-run9', 'aarch64-run99'].map(tag => `localhost/setup-x86-on-arm-probe:${tag}\n`).join('')
      })
      expect(await removeProbeImages([engine], 'run9', logger)).toEqual([
        'podman container setup-x86-on-arm-check-aarch64-run9',
        'podman image localhost/setup-x86-on-arm-probe:aarch64-run9',
        'podman image localhost/setup-x86-on-arm-probe:riscv64-run9'
      ])
      expect(calls(engine)).toEqual([
        'ps --all --filter name=setup-x86-on-arm-check- --format {{.Names}}',
        'images --filter reference=localhost/setup-x86-on-arm-probe:*-run9 --format {{.Repository}}:{{.Tag}}',
        'rm --force --time 0 setup-x86-on-arm-check-aarch64-run9',
        'rmi localhost/setup-x86-on-arm-probe:aarch64-run9',
        'rmi localhost/setup-x86-on-arm-probe:riscv64-run9'
      ])
    })

    test('nothing left: nothing removed, nothing said', async () => {
      const engine = fake('docker')
      expect(await removeProbeImages([engine], 'run9', logger)).toEqual([])
      expect(log).toEqual({ info: [], notice: [], warning: [] })
    })

    test('a run id that is not one touches nothing', async () => {
      const engine = fake('docker', { images: 'localhost/setup-x86-on-arm-probe:aarch64-x\n' })
      expect(await removeProbeImages([engine], '*', logger)).toEqual([])
      expect(calls(engine)).toEqual([])
      expect(log.warning).toEqual(['not removing probe images: "*" is not a run id'])
    })
  })
})
