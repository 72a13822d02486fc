// Builds the emulated machine's initramfs: cpio (newc) archives back to back, which the kernel
// unpacks in order (a third between the two, node for linux-x64, with SETUP_X86_VM_SLOW=1). The
// base (busybox, glibc, node, qemu-user, docker, kernel modules, the foreign programs, an amd64
// image, the loopback mirror, xz-utils, the project's own QEMU release assets laid out as a GitHub
// release's downloads, the amd64 Go program with its native output, the corpus of Debian amd64/i386
// programs with their sysroot and native outputs, Debian 13's qemu-x86_64 and qemu-i386) is built
// from the fixtures once and cached, not compressed (gunzip in the emulated kernel costs more than
// reading the bytes); the project part (/init, action.yml, package.json, dist/, the local runner,
// the scenario scripts) is rebuilt and gzip'd at every call because those change.
//
//   node scripts/arm64-vm/initramfs.mjs      builds and prints the initrd's path
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { commandsFile, NODE_PROGRAM } from './corpus-programs.mjs'
import { assetsDir, cacheDir, ensureFixtures, ensureSlowFixtures, fixturesDir, projectRoot, SLOW } from './fixtures.mjs'

/** Bump when the base layout changes. */
const BASE_SPEC = 10
const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const S_IFCHR = 0o020000

/** Where things are inside the machine; the scenario scripts use the same paths. */
export const GUEST = {
  project: '/opt/project',
  qemuStash: '/opt/qemu',
  foreign: '/opt/foreign',
  scenarios: '/opt/vm/scenarios',
  mirror: '/srv/mirror',
  images: '/opt/images',
  /** The "GitHub" document root: <owner>/<repo>/releases/download/<tag>/<file>, and release.env describing it. */
  releases: '/srv/releases',
  /** Debian's xz-utils (bin/xz); scenario 07 puts it on PATH, as a runner image has it. */
  xzUtils: '/opt/xz-utils',
  /** Foreign programs built on the host with their native output: go-stress and go-stress.expected (or go-stress.error). */
  programs: '/opt/programs',
  /** The foreign-program corpus (scenario 08): sysroot/, <arch>/bin/, c/, data/, commands, expected/ (or error). */
  corpus: '/opt/corpus',
  /** Debian 13's static qemu-x86_64 and qemu-i386 and debian13.env; scenarios 09 and 10 copy them to /usr/bin. */
  debian13Qemu: '/opt/qemu-debian13'
}

/** The repository the action "runs from" in scenario 07 (GITHUB_ACTION_REPOSITORY): its releases hold the assets. */
export const RELEASE_REPOSITORY = 'vm-owner/setup-x86-on-arm'

/** The name the amd64 image is loaded under: the action's default container-check image. */
const AMD64_IMAGE_TAG = 'busybox:stable'

/** A cpio "newc" archive writer: entries are collected as buffers and joined (and gzip'd) at the end. */
export class Cpio {
  #chunks = []
  #ino = 1
  #seen = new Set()

  #entry(name, mode, data = Buffer.alloc(0), { rdevMajor = 0, rdevMinor = 0 } = {}) {
    name = name.replace(/^\/+/, '')
    this.#seen.add(name)
    const nameBytes = Buffer.from(name + '\0')
    const fields = [this.#ino++, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBytes.length, 0]
    const header = Buffer.from('070701' + fields.map(n => n.toString(16).padStart(8, '0')).join(''), 'ascii')
    this.#chunks.push(header, nameBytes, Buffer.alloc(pad4(header.length + nameBytes.length)))
    this.#chunks.push(data, Buffer.alloc(pad4(data.length)))
  }

  /** A directory and its parents (each once). */
  dir(path, perm = 0o755) {
    const parts = path.replace(/^\/+/, '').split('/').filter(Boolean)
    for (let i = 1; i <= parts.length; i++) {
      const name = parts.slice(0, i).join('/')
      if (!this.#seen.has(name)) this.#entry(name, S_IFDIR | (i === parts.length ? perm : 0o755))
    }
  }

  file(path, data, perm = 0o644) {
    this.dir(dirname(path))
    this.#entry(path, S_IFREG | perm, Buffer.isBuffer(data) ? data : Buffer.from(data))
  }

  symlink(path, target) {
    this.dir(dirname(path))
    this.#entry(path, S_IFLNK | 0o777, Buffer.from(target))
  }

  charDevice(path, major, minor, perm = 0o600) {
    this.dir(dirname(path))
    this.#entry(path, S_IFCHR | perm, undefined, { rdevMajor: major, rdevMinor: minor })
  }

  /** A host folder's tree under `guestPath` (regular files, folders, symlinks; modes kept). */
  tree(hostPath, guestPath) {
    const stat = lstatSync(hostPath)
    if (stat.isSymbolicLink()) this.symlink(guestPath, readlinkSync(hostPath))
    else if (stat.isDirectory()) {
      this.dir(guestPath, stat.mode & 0o7777)
      for (const name of readdirSync(hostPath).sort()) this.tree(join(hostPath, name), `${guestPath}/${name}`)
    } else this.file(guestPath, readFileSync(hostPath), stat.mode & 0o7777)
  }

  /** The archive, gzip'd at `level` (0: not compressed). */
  bytes(level = 6) {
    this.#entry('TRAILER!!!', 0)
    const raw = Buffer.concat(this.#chunks)
    return level === 0 ? raw : gzipSync(raw, { level })
  }
}

function pad4(n) {
  return (4 - (n % 4)) % 4
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * A `docker load` archive of one layer: a static busybox as /bin/busybox with sh and uname linked
 * to it, its config saying linux/`arch` (no registry is reachable, so images are made here).
 */
export function dockerArchive(busybox, arch, tag) {
  const work = join(cacheDir, 'image')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(join(work, 'rootfs', 'bin'), { recursive: true })
  mkdirSync(join(work, 'archive'), { recursive: true })
  execFileSync('cp', [busybox, join(work, 'rootfs', 'bin', 'busybox')])
  execFileSync('chmod', ['755', join(work, 'rootfs', 'bin', 'busybox')])
  for (const applet of ['sh', 'uname', 'echo', 'cat', 'ls']) execFileSync('ln', ['-s', 'busybox', join(work, 'rootfs', 'bin', applet)])
  execFileSync('tar', [
    '-cf',
    join(work, 'layer.tar'),
    '--owner=0',
    '--group=0',
    '--mtime=@0',
    '--sort=name',
    '-C',
    join(work, 'rootfs'),
    'bin'
  ])
  const layer = readFileSync(join(work, 'layer.tar'))
  const diffId = sha256(layer)
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      config: { Env: ['PATH=/bin'], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
      history: [{ created_by: 'scripts/arm64-vm/initramfs.mjs' }]
    })
  )
  const configName = `${sha256(config)}.json`
  mkdirSync(join(work, 'archive', diffId))
  writeFileSync(join(work, 'archive', diffId, 'layer.tar'), layer)
  writeFileSync(join(work, 'archive', configName), config)
  writeFileSync(
    join(work, 'archive', 'manifest.json'),
    JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: [`${diffId}/layer.tar`] }])
  )
  execFileSync('tar', [
    '-cf',
    join(work, 'image.tar'),
    '--owner=0',
    '--group=0',
    '-C',
    join(work, 'archive'),
    'manifest.json',
    configName,
    diffId
  ])
  const archive = readFileSync(join(work, 'image.tar'))
  rmSync(work, { recursive: true, force: true })
  return archive
}

/** The part built from the fixtures only: cached as .cache/arm64-vm/base.cpio (rebuilt when the fixtures change). */
function buildBase(manifest) {
  const key = sha256(JSON.stringify({ BASE_SPEC, manifest }))
  const path = join(cacheDir, 'base.cpio')
  const stamp = join(cacheDir, 'base.key')
  if (existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return path

  const cpio = new Cpio()
  // merged-/usr layout, as on current Debian and Ubuntu
  cpio.dir('/usr/bin')
  cpio.dir('/usr/lib')
  cpio.symlink('/bin', 'usr/bin')
  cpio.symlink('/sbin', 'usr/bin')
  cpio.symlink('/usr/sbin', 'bin')
  cpio.symlink('/lib', 'usr/lib')
  cpio.dir('/usr/local/bin')
  for (const dir of ['/proc', '/sys', '/dev', '/run', '/root', '/var/tmp']) cpio.dir(dir, 0o755)
  cpio.dir('/tmp', 0o1777)
  // the kernel opens /dev/console before /init runs, ahead of any devtmpfs mount
  cpio.charDevice('/dev/console', 5, 1)
  cpio.file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n')
  cpio.file('/etc/group', 'root:x:0:\n')
  cpio.file('/etc/hosts', '127.0.0.1 localhost\n')
  cpio.tree(join(fixturesDir, 'rootfs', 'usr'), '/usr')

  // modprobe (busybox) finds binfmt_misc through modules.dep; nothing loads it at boot
  const moduleDir = `/usr/lib/modules/${manifest.kernelRelease}`
  cpio.tree(join(fixturesDir, 'kernel', 'modules', 'kernel'), `${moduleDir}/kernel`)
  const byName = new Map(manifest.modules.map(m => [m.name, m]))
  const dependencyPaths = m => m.depends.flatMap(d => [byName.get(d).path, ...dependencyPaths(byName.get(d))])
  cpio.file(
    `${moduleDir}/modules.dep`,
    manifest.modules.map(m => `${m.path}: ${[...new Set(dependencyPaths(m))].join(' ')}`.trimEnd() + '\n').join('')
  )

  cpio.tree(join(fixturesDir, 'qemu'), GUEST.qemuStash)
  cpio.tree(join(fixturesDir, 'foreign'), GUEST.foreign)

  // the loopback mirror for `install: download`: the interpreter as a release archive would hold
  // it (flat `qemu-x86_64` at the root, like tonistiigi/binfmt's assets), as .tar.gz and as .xz
  const mirror = join(cacheDir, 'mirror')
  rmSync(mirror, { recursive: true, force: true })
  mkdirSync(join(mirror, 'tree'), { recursive: true })
  execFileSync('cp', [join(fixturesDir, 'qemu', 'qemu-x86_64-static'), join(mirror, 'tree', 'qemu-x86_64')])
  execFileSync('chmod', ['755', join(mirror, 'tree', 'qemu-x86_64')])
  const version = manifest.packages['qemu-user-static:arm64'].replace(/^\d+:/, '').replace(/[+~].*$/, '')
  const tarName = `qemu_v${version}_linux-arm64.tar.gz`
  execFileSync('tar', ['-czf', join(mirror, tarName), '--owner=0', '--group=0', '--mtime=@0', '-C', join(mirror, 'tree'), 'qemu-x86_64'])
  execFileSync('sh', ['-c', `xz -6 -c "${join(mirror, 'tree', 'qemu-x86_64')}" > "${join(mirror, 'qemu-x86_64.xz')}"`])
  const sums = ['qemu-x86_64.xz', tarName].map(f => `${sha256(readFileSync(join(mirror, f)))}  ${f}\n`).join('')
  writeFileSync(join(mirror, 'SHA256SUMS'), sums)
  writeFileSync(join(mirror, 'VERSION'), version + '\n')
  rmSync(join(mirror, 'tree'), { recursive: true })
  cpio.tree(mirror, GUEST.mirror)

  // the container engine and an amd64 image to run with it (scenario 6)
  cpio.tree(join(fixturesDir, 'docker', 'usr'), '/usr')
  cpio.symlink('/usr/bin/docker-init', 'tini-static')
  cpio.file(`${GUEST.images}/busybox-amd64.tar`, dockerArchive(join(fixturesDir, 'foreign', 'busybox-x86_64'), 'amd64', AMD64_IMAGE_TAG))

  // xz-utils (scenario 07 installs it; liblzma comes with the engine's libraries when they hold it)
  cpio.file(`${GUEST.xzUtils}/bin/xz`, readFileSync(join(fixturesDir, 'xz-utils', 'bin', 'xz')), 0o755)
  const engineLibs = join(fixturesDir, 'docker', 'usr', 'lib', 'aarch64-linux-gnu')
  for (const name of readdirSync(join(fixturesDir, 'xz-utils', 'lib')).sort()) {
    if (!existsSync(join(engineLibs, name))) cpio.tree(join(fixturesDir, 'xz-utils', 'lib', name), `/usr/lib/aarch64-linux-gnu/${name}`)
  }

  // the action's own release assets (scenario 07), where GitHub serves a release's downloads
  cpio.file(`${GUEST.releases}/release.env`, releaseEnv(manifest.actionAssets))
  const assets = manifest.actionAssets
  if (assets && !assets.error) {
    for (const f of assets.files) {
      cpio.file(
        `${GUEST.releases}/${RELEASE_REPOSITORY}/releases/download/${assets.tag}/${f.file}`,
        readFileSync(join(assetsDir, assets.tag, f.file))
      )
    }
  }

  // the amd64 Go program (scenario 08) and what it printed natively on the host
  const goStress = manifest.goStress
  if (goStress && !goStress.error) {
    cpio.file(`${GUEST.programs}/go-stress`, readFileSync(goStress.binary), 0o755)
    cpio.file(`${GUEST.programs}/go-stress.expected`, goStress.expected)
  } else {
    cpio.file(`${GUEST.programs}/go-stress.error`, `${goStress?.error ?? 'the fixtures built no go-stress'}\n`)
  }

  // the corpus of Debian amd64/i386 programs with their sysroot and native outputs (scenario 08)
  const corpus = manifest.corpus
  if (corpus && !corpus.error) cpio.tree(corpus.root, GUEST.corpus)
  else cpio.file(`${GUEST.corpus}/error`, `${corpus?.error ?? 'the fixtures made no corpus'}\n`)

  // Debian 13's QEMU (scenarios 09, 10), out of /usr/bin: every other scenario starts without it
  const debian13 = manifest.debian13Qemu
  cpio.file(`${GUEST.debian13Qemu}/debian13.env`, debian13Env(debian13))
  if (debian13 && !debian13.error) {
    for (const f of debian13.files)
      cpio.file(`${GUEST.debian13Qemu}/qemu-${f.target}`, readFileSync(join(debian13.dir, `qemu-${f.target}`)), 0o755)
  }

  writeFileSync(path, cpio.bytes(0))
  writeFileSync(stamp, key)
  return path
}

/** `sh -c` quoting. */
function shellQuote(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`
}

/** /srv/releases/release.env: what scenario 07 serves (sourced by busybox sh). */
export function releaseEnv(assets = { error: 'the fixtures made no release assets' }) {
  const vars = { RELEASE_REPOSITORY, RELEASE_ERROR: assets.error ? assets.error.split('\n')[0] : '' }
  if (!assets.error) {
    Object.assign(vars, {
      RELEASE_ID: assets.id,
      RELEASE_QEMU: assets.qemu,
      RELEASE_TAG: assets.tag,
      RELEASE_DEBIAN: `${assets.suite} ${assets.debVersion}`
    })
    for (const f of assets.files) {
      Object.assign(vars, {
        [`ASSET_${f.target}`]: f.file,
        [`ASSET_${f.target}_SHA256`]: f.sha256,
        [`ASSET_${f.target}_SIZE`]: f.size,
        [`ASSET_${f.target}_RAW_SHA256`]: f.rawSha256
      })
    }
  }
  return Object.entries(vars)
    .map(([name, value]) => `${name}=${shellQuote(value)}\n`)
    .join('')
}

/** /opt/qemu-debian13/debian13.env: which Debian 13 QEMU the machine holds, or why none (sourced by busybox sh). */
export function debian13Env(qemu = { error: 'the fixtures fetched no Debian 13 qemu-user' }) {
  const vars = { DEBIAN13_ERROR: qemu.error ? qemu.error.split('\n')[0] : '' }
  if (!qemu.error) Object.assign(vars, { DEBIAN13_PACKAGE: `${qemu.package} ${qemu.version}`, DEBIAN13_QEMU: qemu.qemu })
  return Object.entries(vars)
    .map(([name, value]) => `${name}=${shellQuote(value)}\n`)
    .join('')
}

/** The part that changes between runs: the project's action and the machine's scripts. */
function buildProject() {
  const missing = ['action.yml', 'dist/main/index.js', 'dist/post/index.js'].filter(f => !existsSync(join(projectRoot, f)))
  if (missing.length > 0) throw new Error(`the action is not built: ${missing.join(', ')} missing (npm run bundle)`)
  const cpio = new Cpio()
  cpio.file('/init', readFileSync(join(projectRoot, 'scripts', 'arm64-vm', 'init.sh')), 0o755)
  const project = GUEST.project
  for (const file of ['action.yml', 'package.json']) cpio.file(`${project}/${file}`, readFileSync(join(projectRoot, file)))
  cpio.file(`${project}/scripts/local-run.mjs`, readFileSync(join(projectRoot, 'scripts', 'local-run.mjs')), 0o755)
  cpio.tree(join(projectRoot, 'dist'), `${project}/dist`)
  cpio.tree(join(projectRoot, '__tests__', 'vm', 'scenarios'), GUEST.scenarios)
  return cpio.bytes(1)
}

/**
 * The corpus' slow part (SETUP_X86_VM_SLOW=1), an archive of its own between the base and the
 * project, so the flag does not rebuild the base: node for linux-x64 beside the corpus, its native
 * output and the commands line that runs it (or why there is none).
 */
function buildSlow(nodeX64) {
  const cpio = new Cpio()
  if (nodeX64.error) {
    cpio.file(`${GUEST.corpus}/node-x64.error`, `${nodeX64.error}\n`)
  } else {
    cpio.file(`${GUEST.corpus}/node-x64/node`, readFileSync(nodeX64.binary), 0o755)
    cpio.file(`${GUEST.corpus}/expected/node.out`, readFileSync(nodeX64.expectedPath))
    cpio.file(`${GUEST.corpus}/commands.node`, commandsFile([NODE_PROGRAM]))
  }
  return cpio.bytes(0)
}

/**
 * Fixtures (fetched if missing) -> .cache/arm64-vm/initrd.img; returns the kernel and initrd paths
 * and the fixture manifest (with nodeX64 when `slow`).
 */
export function buildInitramfs({ slow = SLOW } = {}) {
  const manifest = ensureFixtures()
  const base = buildBase(manifest)
  const initrd = join(cacheDir, 'initrd.img')
  const slowFixtures = slow ? ensureSlowFixtures(manifest) : {}
  const parts = [readFileSync(base), ...(slow ? [buildSlow(slowFixtures.nodeX64)] : []), buildProject()]
  writeFileSync(initrd, Buffer.concat(parts))
  return { kernel: join(fixturesDir, 'kernel', 'vmlinuz'), initrd, manifest: { ...manifest, ...slowFixtures } }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now()
  const { kernel, initrd } = buildInitramfs()
  process.stdout.write(`kernel ${kernel}\ninitrd ${initrd} (${lstatSync(initrd).size} bytes, ${Date.now() - started} ms)\n`)
}
