/**
 * A tiny arm64 container image for the container tests, built here because no registry is
 * reachable: Debian's arm64 busybox-static (fetched with apt over the machine's own sources, with a
 * foreign architecture and private lists/cache folders, so the machine's apt state is untouched),
 * packed as a `docker load` archive whose config says linux/arm64. Built once into
 * .cache/docker/ (git-ignored) and loaded into an engine when it does not have the tag yet.
 * Also: what an engine holds (images and containers, for before/after comparisons), and the
 * environment of a podman with a store of the tests' own.
 */
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const imageCacheDir = join(projectRoot, '.cache', 'docker')
export const ARM64_IMAGE = 'local/busybox-arm64:test'
/** Bump when the archive's content or layout changes: an archive of an older spec is rebuilt. */
const SPEC = 1
export const arm64Archive = join(imageCacheDir, `busybox-arm64.v${SPEC}.tar`)

/** The applets the tests call, linked to busybox in /bin (the arm64 busybox cannot list its own
 * applets here without emulation). */
const APPLETS = ['sh', 'uname', 'echo', 'cat', 'ls', 'true', 'false', 'env', 'id', 'sleep']

async function apt(args: string[], cwd?: string): Promise<string> {
  const state = join(imageCacheDir, 'apt')
  mkdirSync(join(state, 'lists', 'partial'), { recursive: true })
  mkdirSync(join(state, 'cache', 'archives', 'partial'), { recursive: true })
  const options = [
    'APT::Architecture=arm64',
    'APT::Architectures=arm64',
    `Dir::State::Lists=${join(state, 'lists')}`,
    `Dir::Cache=${join(state, 'cache')}`,
    // the private folders are root's; apt's _apt sandbox user could not write there
    'APT::Sandbox::User=root'
  ].flatMap(o => ['-o', o])
  const { stdout } = await run(args[0], [...options, ...args.slice(1)], { cwd, maxBuffer: 64 << 20 })
  return stdout
}

async function downloadBusybox(into: string): Promise<string> {
  rmSync(into, { recursive: true, force: true })
  mkdirSync(into, { recursive: true })
  const download = () => apt(['apt-get', '-q', 'download', 'busybox-static'], into)
  try {
    await download()
  } catch {
    // No lists yet (or stale ones): refresh them. A mirror mid-sync can fail one index and make
    // apt exit 1 while keeping the rest; the download afterwards says whether busybox is there.
    await apt(['apt-get', '-q', 'update']).catch((error: unknown) => {
      process.stderr.write(`apt-get update (arm64) reported errors; continuing: ${String(error)}\n`)
    })
    await download()
  }
  const deb = readdirSync(into).find(f => f.endsWith('.deb'))
  if (!deb) throw new Error(`apt-get download busybox-static (arm64) left no .deb in ${into}`)
  return join(into, deb)
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** Builds the `docker load` archive (once) and returns its path. */
export async function buildArm64Archive(): Promise<string> {
  if (existsSync(arm64Archive)) return arm64Archive
  const work = join(imageCacheDir, `build-${process.pid}`)
  rmSync(work, { recursive: true, force: true })
  try {
    const deb = await downloadBusybox(join(work, 'deb'))
    const extracted = join(work, 'extracted')
    await run('dpkg-deb', ['-x', deb, extracted])
    const busybox = join(extracted, 'bin', 'busybox')
    const header = readFileSync(busybox).subarray(0, 20)
    // An arm64 ELF: e_machine 0xb7 (EM_AARCH64), 64-bit little endian.
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header.readUInt16LE(18) !== 0xb7) {
      throw new Error(`${busybox} from ${deb} is not an arm64 ELF program`)
    }

    const rootfs = join(work, 'rootfs')
    mkdirSync(join(rootfs, 'bin'), { recursive: true })
    for (const dir of ['etc', 'tmp', 'proc', 'sys', 'dev']) mkdirSync(join(rootfs, dir), { recursive: true })
    writeFileSync(join(rootfs, 'bin', 'busybox'), readFileSync(busybox), { mode: 0o755 })
    for (const applet of APPLETS) symlinkSync('busybox', join(rootfs, 'bin', applet))

    // Reproducible layer: fixed owner, order and times.
    const layerTar = join(work, 'layer.tar')
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '--sort=name', '--mtime=@0', '-cf', layerTar, '-C', rootfs, '.'])
    const layer = readFileSync(layerTar)
    const diffId = `sha256:${sha256(layer)}`

    const config = {
      architecture: 'arm64',
      os: 'linux',
      created: '1970-01-01T00:00:00Z',
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['sh']
      },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created: '1970-01-01T00:00:00Z', created_by: `busybox-static (arm64) from ${deb.slice(deb.lastIndexOf('/') + 1)}` }]
    }
    const configJson = Buffer.from(JSON.stringify(config))
    const configName = `${sha256(configJson)}.json`
    const layerDir = sha256(layer)

    const image = join(work, 'image')
    mkdirSync(join(image, layerDir), { recursive: true })
    writeFileSync(join(image, layerDir, 'layer.tar'), layer)
    writeFileSync(join(image, layerDir, 'VERSION'), '1.0')
    writeFileSync(join(image, configName), configJson)
    writeFileSync(
      join(image, 'manifest.json'),
      JSON.stringify([{ Config: configName, RepoTags: [ARM64_IMAGE], Layers: [`${layerDir}/layer.tar`] }])
    )
    writeFileSync(join(image, 'repositories'), JSON.stringify({ [ARM64_IMAGE.split(':')[0]]: { [ARM64_IMAGE.split(':')[1]]: layerDir } }))

    const partial = `${arm64Archive}.${process.pid}.partial`
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '--sort=name', '--mtime=@0', '-cf', partial, '-C', image, '.'])
    renameSync(partial, arm64Archive)
    return arm64Archive
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** Makes `engine` (docker or podman, from PATH, with `env` added) hold the arm64 busybox image;
 * returns its tag. */
export async function arm64Image(engine = 'docker', env?: Record<string, string>): Promise<string> {
  const options = { env: { ...process.env, ...env }, maxBuffer: 16 << 20 }
  try {
    await run(engine, ['image', 'inspect', ARM64_IMAGE], options)
    return ARM64_IMAGE
  } catch {
    // not there yet: load it
  }
  const archive = await buildArm64Archive()
  await run(engine, ['load', '-i', archive], options)
  await run(engine, ['image', 'inspect', ARM64_IMAGE], options)
  return ARM64_IMAGE
}

/** What an engine holds, for before/after comparisons: every image (id and name) and container (id and name). */
export interface EngineState {
  images: string[]
  containers: string[]
}

export async function engineState(engine = 'docker', env?: Record<string, string>): Promise<EngineState> {
  const options = { env: { ...process.env, ...env }, maxBuffer: 16 << 20 }
  const list = async (args: string[]) => (await run(engine, args, options)).stdout.split('\n').filter(Boolean).sort()
  return {
    images: await list(['images', '--all', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}']),
    containers: await list(['ps', '--all', '--no-trunc', '--format', '{{.ID}} {{.Names}}'])
  }
}

/** The id of the image a reference points at in an engine. */
export async function imageId(ref: string, engine = 'docker', env?: Record<string, string>): Promise<string> {
  const { stdout } = await run(engine, ['image', 'inspect', '--format', '{{.Id}}', ref], { env: { ...process.env, ...env } })
  return stdout.trim()
}

/**
 * Environment for a podman of the tests' own: a vfs store under .cache/ (the machine's podman
 * storage stays untouched) and, where this process lacks CAP_SYS_RESOURCE, container limits it can
 * set (rootful podman otherwise raises RLIMIT_NOFILE/NPROC past the caller's hard limits and fails).
 */
export function podmanTestEnv(): Record<string, string> {
  const dir = join(imageCacheDir, 'podman')
  mkdirSync(dir, { recursive: true })
  const storage = join(dir, 'storage.conf')
  writeFileSync(storage, `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "/run/setup-x86-podman-test"\n`)
  const env: Record<string, string> = { CONTAINERS_STORAGE_CONF: storage }
  const capEff = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'ffffffffff'
  if ((BigInt(`0x${capEff}`) & (1n << 24n)) === 0n) {
    const conf = join(dir, 'containers.conf')
    writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n')
    env.CONTAINERS_CONF = conf
  }
  return env
}

/** A Docker engine for one suite; `stop` stops it again when the suite started it. */
export interface SuiteEngine {
  stop: () => Promise<void>
}

const answers = () => {
  try {
    execFileSync('docker', ['version'], { stdio: 'ignore', timeout: 10_000 })
    return true
  } catch {
    return false
  }
}

/**
 * Makes a Docker engine answer for a suite: the one running (.ci/run starts it before `npm test`),
 * else one started by scripts/ci/docker.sh, which `stop` then stops (and waits for), so a test run
 * leaves no daemon behind that it started.
 */
export function engineForSuite(): SuiteEngine {
  if (answers()) return { stop: async () => {} }
  execFileSync('bash', [join(projectRoot, 'scripts', 'ci', 'docker.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 })
  const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim())
  return {
    stop: async () => {
      if (!(pid > 0) || !existsSync(`/proc/${pid}`)) return
      process.kill(pid, 'SIGTERM')
      for (let waited = 0; existsSync(`/proc/${pid}`) && waited < 60_000; waited += 100) await new Promise(r => setTimeout(r, 100))
      if (existsSync(`/proc/${pid}`)) throw new Error(`dockerd ${pid}, started for this suite, did not stop within 60 s of SIGTERM`)
    }
  }
}
