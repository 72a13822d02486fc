/**
 * What the bench measures with, kept under .cache/bench and rebuilt only when its sources change:
 * a snapshot of dist/ (so a concurrent `npm run bundle` cannot pull it away mid-run), Debian's
 * static qemu-aarch64 copied aside (the apt scenario purges /usr/bin's), the download assets
 * (the action's single-binary .br, the same as .xz, and a tonistiigi-like tarball), and arm64 busybox-static from
 * the machine's own apt sources.
 */
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import { ROOT } from '../args.js'
import type { Bundle } from '../results.js'
import { must, run, say } from './processes.js'

export const CACHE = join(ROOT, '.cache', 'bench')
const DEBIAN_QEMU = '/usr/bin/qemu-aarch64-static'
/** The targets tonistiigi/binfmt builds, less the host's own family (left out of an amd64 tarball). */
const TARBALL_TARGETS = ['aarch64', 'arm', 'loongarch64', 'mips64', 'mips64el', 'ppc64le', 'riscv64', 's390x']
const STEPS = ['main', 'post', 'cli']

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

function stampOf(paths: string[]): string {
  return paths.map(p => (existsSync(p) ? `${p}:${statSync(p).size}:${statSync(p).mtimeMs}` : `${p}:missing`)).join(' ')
}

/**
 * Copies dist/{main,post,cli} aside (from git HEAD when the working tree's is incomplete);
 * returns where, from what, and the bundles' sizes.
 */
export async function snapshotDist(): Promise<{ dir: string; source: string; bundles: Bundle[] }> {
  const dest = join(CACHE, 'dist')
  const files = STEPS.map(step => join(ROOT, 'dist', step, 'index.js'))
  for (let i = 0; i < 60 && !files.every(f => existsSync(f)); i++) {
    if (i === 0) say('dist/ is incomplete (a bundle is being rebuilt?); waiting up to 60 s')
    await sleep(1000)
  }
  rmSync(dest, { recursive: true, force: true })
  let source = 'working tree'
  if (files.every(f => existsSync(f))) {
    // Wait for the sizes to settle (ncc writes in place).
    let sizes = ''
    for (let i = 0; i < 10; i++) {
      const now = files.map(f => statSync(f).size).join()
      if (now === sizes) break
      sizes = now
      await sleep(300)
    }
    for (const step of STEPS) {
      mkdirSync(join(dest, step), { recursive: true })
      for (const name of readdirSync(join(ROOT, 'dist', step))) copyFileSync(join(ROOT, 'dist', step, name), join(dest, step, name))
    }
  } else {
    source = 'git HEAD (dist/ was incomplete in the working tree)'
    for (const step of STEPS) {
      mkdirSync(join(dest, step), { recursive: true })
      // Every file of the step's folder: the entry, the chunks it loads on demand (NNN.index.js), package.json.
      const listed = await run('git', ['ls-tree', '--name-only', 'HEAD', `dist/${step}/`], { cwd: ROOT })
      for (const name of listed.stdout.split('\n').filter(Boolean).map(path => basename(path))) {
        const r = await run('git', ['show', `HEAD:dist/${step}/${name}`], { cwd: ROOT })
        if (r.code === 0) writeFileSync(join(dest, step, name), r.stdout)
      }
    }
  }
  // index.js is what every start loads; a chunk beside it (NNN.index.js) only when its code is needed.
  const bundles = STEPS.flatMap(step =>
    readdirSync(join(dest, step))
      .filter(name => name.endsWith('.js'))
      .sort((a, b) => Number(b === 'index.js') - Number(a === 'index.js') || a.localeCompare(b))
      .map(name => {
        const data = readFileSync(join(dest, step, name))
        const gzipBytes = gzipSync(data, { level: 9 }).length
        return { file: `dist/${step}/${name}`, bytes: data.length, gzipBytes, sha256: createHash('sha256').update(data).digest('hex') }
      })
  )
  return { dir: dest, source, bundles }
}

/** Debian's static qemu-aarch64 copied aside (the apt scenario purges /usr/bin's). */
export function keepDebianQemu(): string {
  const dest = join(CACHE, 'qemu', 'debian12', 'qemu-aarch64')
  if (existsSync(DEBIAN_QEMU)) {
    mkdirSync(dirname(dest), { recursive: true })
    const same = existsSync(dest) && statSync(dest).size === statSync(DEBIAN_QEMU).size && sha256File(dest) === sha256File(DEBIAN_QEMU)
    if (!same) copyFileSync(DEBIAN_QEMU, dest)
  }
  if (!existsSync(dest)) {
    throw new Error(`${DEBIAN_QEMU} is missing (apt-get install qemu-user-static) and no copy is kept in ${dirname(dest)}`)
  }
  return dest
}

export interface Asset {
  name: string
  path: string
  bytes: number
  sha256: string
  members: string[]
}

/**
 * The action's asset format (one binary, brotli quality 11, window 24, as package-qemu makes it),
 * the same binary as xz -9e (the format before), and a tonistiigi-like tarball; rebuilt when
 * /usr/bin's binaries change.
 */
export async function buildAssets(): Promise<{ brotli: Asset; single: Asset; tarball: Asset }> {
  const dir = join(CACHE, 'assets')
  const single = join(dir, 'qemu-aarch64-linux-amd64.xz')
  const brotli = join(dir, 'qemu-aarch64-linux-amd64.br')
  const tarball = join(dir, 'qemu_v7.2.0_linux-amd64.tar.gz')
  const sources = TARBALL_TARGETS.map(t => `/usr/bin/qemu-${t}-static`)
  const stampFile = join(dir, 'stamp')
  const stamp = `v2 ${stampOf(sources)}`
  const all = [single, brotli, tarball]
  const fresh = all.every(p => existsSync(p)) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp
  const usable = all.every(p => existsSync(p))
  if (!fresh && sources.every(p => existsSync(p))) {
    say('building the download assets (brotli and xz -9e single binary, gzip tarball)')
    const work = join(dir, 'work')
    rmSync(work, { recursive: true, force: true })
    mkdirSync(work, { recursive: true })
    for (const t of TARBALL_TARGETS) copyFileSync(`/usr/bin/qemu-${t}-static`, join(work, `qemu-${t}`))
    copyFileSync(DEBIAN_QEMU, join(work, 'qemu-aarch64-linux-amd64'))
    const members = TARBALL_TARGETS.map(t => `qemu-${t}`)
    const reproducibleTar = ['--owner=0', '--group=0', '--numeric-owner', '--sort=name']
    await Promise.all([
      must('xz', ['-9e', '-T1', '-k', '-f', join(work, 'qemu-aarch64-linux-amd64')]),
      must('tar', [...reproducibleTar, '-czf', join(work, 'tarball.tar.gz'), '-C', work, ...members])
    ])
    const binary = readFileSync(join(work, 'qemu-aarch64-linux-amd64'))
    const params = { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_LGWIN]: 24, [zlib.BROTLI_PARAM_SIZE_HINT]: binary.length }
    writeFileSync(brotli, brotliCompressSync(binary, { params }))
    copyFileSync(join(work, 'qemu-aarch64-linux-amd64.xz'), single)
    copyFileSync(join(work, 'tarball.tar.gz'), tarball)
    rmSync(work, { recursive: true, force: true })
    writeFileSync(stampFile, stamp)
  } else if (!usable) {
    throw new Error(`cannot build the assets: ${sources.filter(p => !existsSync(p)).join(', ')} missing (apt-get install qemu-user-static)`)
  }
  const describe = (path: string, members: string[]): Asset => {
    return { name: basename(path), path, bytes: statSync(path).size, sha256: sha256File(path), members }
  }
  return {
    brotli: describe(brotli, ['qemu-aarch64-linux-amd64']),
    single: describe(single, ['qemu-aarch64-linux-amd64']),
    tarball: describe(tarball, TARBALL_TARGETS.map(t => `qemu-${t}`))
  }
}

/** apt-get with a foreign architecture and private state: nothing of the machine's apt setup changes. */
function foreignApt(dir: string, arch: string): string[] {
  const settings = [`APT::Architecture=${arch}`, `APT::Architectures=${arch}`, `Dir::State::Lists=${join(dir, 'lists')}`]
  settings.push(`Dir::Cache=${join(dir, 'cache')}`)
  return [...settings.flatMap(o => ['-o', o]), '-q']
}

/** arm64 busybox-static from the machine's own apt sources (apt-get download), unpacked. */
export async function arm64Busybox(): Promise<{ path: string; version: string | undefined }> {
  const dir = join(CACHE, 'apt-arm64')
  const root = join(dir, 'root')
  const busybox = join(root, 'bin', 'busybox')
  const findDeb = () => readdirSync(dir).find(n => n.startsWith('busybox-static_') && n.endsWith('_arm64.deb'))
  if (!existsSync(busybox)) {
    say('getting arm64 busybox-static with apt-get download (private lists)')
    for (const sub of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(dir, sub), { recursive: true })
    await must('apt-get', [...foreignApt(dir, 'arm64'), 'update'])
    await must('apt-get', [...foreignApt(dir, 'arm64'), 'download', 'busybox-static'], { cwd: dir })
    const deb = findDeb()
    if (!deb) throw new Error('apt-get download busybox-static left no arm64 .deb')
    rmSync(root, { recursive: true, force: true })
    await must('dpkg-deb', ['-x', join(dir, deb), root])
  }
  const deb = findDeb()
  const version = deb ? (await run('dpkg-deb', ['-f', join(dir, deb), 'Version'])).stdout.trim() : undefined
  return { path: busybox, version }
}

/** The version a QEMU binary reports for itself. */
export async function qemuVersionOf(path: string): Promise<string | undefined> {
  const r = await run(path, ['--version'])
  return /version (\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1]
}
