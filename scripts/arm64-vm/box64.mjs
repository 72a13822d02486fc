// box64 for the emulated arm64 machine (the measurement of issue 25: measure-box64.mjs), built here
// from Debian's source package. box64 is dynamically linked (its static build does not work) and
// calls the host's arm64 glibc for the libraries it wraps; the machine's userland is Debian 12
// (glibc 2.36), where Debian 13's box64 binary does not load. So it is cross-compiled with Debian
// 12's aarch64 compiler (gcc-aarch64-linux-gnu, which links glibc 2.36) as Debian builds it
// (debian/rules: -DARM_DYNAREC=1 -DNOGIT=1 -DNO_LIB_INSTALL=1), for a generic arm64 CPU (no -march:
// the machine's `-cpu max` runs it).
//
// The source: the newest box64 of the Debian suites the machine's own apt sources reach (their
// deb-src twins for trixie, forky and sid; the mirror and keyring come from /etc/apt, no host is
// named here), fetched with `apt-get source` (apt checks every file against the signed index). A
// mirror that serves the index but not the upstream tarball (seen here) can be given the upstream
// git repository instead (--git DIR, or BOX64_GIT): the tag of that version, checked against
// the commit pinned below, minus debian/copyright's Files-Excluded (what Debian's +dfsg tarball
// leaves out), with Debian's patches from its debian.tar.xz, which apt still fetched and checked.
//
//   node scripts/arm64-vm/box64.mjs [--git DIR] [--refresh]     prints the binary's path
//
// Cached in .cache/arm64-vm/box64/<version>/ (box64, box64.json: version, source digests, options).
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register()
const { deriveSources, machineSources, renderSources } = await import('../package-qemu/sources.ts')

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const CACHE = join(projectRoot, '.cache', 'arm64-vm', 'box64')
/** Bump when the build (options, layout) changes. */
const SPEC = 1
const SUITES = ['trixie', 'forky', 'sid']
const CROSS = 'aarch64-linux-gnu'
export const CMAKE_OPTIONS = ['-DARM_DYNAREC=ON', '-DNOGIT=ON', '-DNO_LIB_INSTALL=ON', '-DCMAKE_BUILD_TYPE=RelWithDebInfo']
/** The highest glibc symbol version the binary may need: the machine's Debian 12. */
const GLIBC_MAX = [2, 36]
/** Upstream tags (github.com/ptitSeb/box64) by Debian upstream version, for --git: git checks the rest by content. */
export const UPSTREAM_COMMITS = {
  '0.3.4': '2b300bd199a7a65a3de1eecd24d6dff5593a9b55',
  '0.4.3-3': 'e2345d735af36f7915ab861a55b489d69f2350c7'
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex')
}

const run = (file, args, options = {}) =>
  execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options })

/** apt over deb-src lines for SUITES made from the machine's own Debian sources, with its own state in `dir`. */
function sourceApt(dir) {
  const { sources, codename } = machineSources()
  if (!codename) throw new Error('cannot tell which Debian release the machine is (no VERSION_CODENAME, no suites)')
  const derived = SUITES.flatMap(suite => deriveSources(sources, codename, suite).filter(s => s.suite === suite))
  if (derived.length === 0)
    throw new Error(`the machine's apt sources have no Debian ${codename} entry to derive ${SUITES.join(', ')} from`)
  mkdirSync(join(dir, 'lists', 'partial'), { recursive: true })
  mkdirSync(join(dir, 'cache', 'archives', 'partial'), { recursive: true })
  mkdirSync(join(dir, 'parts'), { recursive: true })
  writeFileSync(join(dir, 'sources.list'), renderSources(derived).replace(/^deb /gm, 'deb-src '))
  const config = [
    `Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
    `Dir::Etc::SourceParts=${join(dir, 'parts')}`,
    `Dir::State::Lists=${join(dir, 'lists')}`,
    `Dir::Cache=${join(dir, 'cache')}`,
    'APT::Sandbox::User=root'
  ].flatMap(c => ['-o', c])
  return (args, options) => run(args[0], [...config, ...args.slice(1)], options)
}

/** The newest box64 source version of the derived suites. */
function newestVersion(apt) {
  apt(['apt-get', '-q', 'update'])
  const versions = [...apt(['apt-cache', 'showsrc', 'box64']).matchAll(/^Version: (\S+)$/gm)].map(m => m[1])
  if (versions.length === 0) throw new Error(`no box64 source package in Debian ${SUITES.join(', ')}`)
  return versions.reduce((best, v) => (spawnSync('dpkg', ['--compare-versions', v, 'gt', best]).status === 0 ? v : best))
}

/** debian/copyright's Files-Excluded (paths and globs of the upstream tree). */
export function filesExcluded(copyright) {
  const match = /^Files-Excluded:[ \t]*(.*(?:\n[ \t]+.*)*)/m.exec(copyright)
  return match ? match[1].split(/\s+/).filter(Boolean) : []
}

/** Is `path` (of the upstream tree) one Files-Excluded names (itself, under it, or a `*` glob)? */
export function isExcluded(path, patterns) {
  return patterns.some(p => {
    const pattern = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}(/.*)?$`)
    return pattern.test(path)
  })
}

/** The upstream tree at `commit` of the git repository `git`, minus `excluded`, written into `into`. */
function gitTree(git, commit, excluded, into) {
  const listing = run('git', ['-C', git, 'ls-tree', '-r', '-z', commit]).split('\0').filter(Boolean)
  const files = listing
    .map(line => {
      const [meta, path] = line.split('\t')
      const [mode, type, id] = meta.split(' ')
      return { mode, type, id, path }
    })
    .filter(f => f.type === 'blob' && !isExcluded(f.path, excluded))
  const batch = spawnSync('git', ['-C', git, 'cat-file', '--batch'], { input: files.map(f => `${f.id}\n`).join(''), maxBuffer: 1 << 30 })
  if (batch.status !== 0) throw new Error(`git cat-file: ${batch.stderr}`)
  let at = 0
  for (const f of files) {
    const header = batch.stdout.subarray(at, batch.stdout.indexOf(10, at)).toString()
    const size = Number(header.split(' ')[2])
    if (!header.startsWith(`${f.id} blob `)) throw new Error(`git has no ${f.path} (${header}): an incomplete clone?`)
    const start = at + header.length + 1
    const data = batch.stdout.subarray(start, start + size)
    at = start + size + 1
    mkdirSync(dirname(join(into, f.path)), { recursive: true })
    if (f.mode === '120000') execFileSync('ln', ['-s', data.toString(), join(into, f.path)])
    else writeFileSync(join(into, f.path), data, { mode: f.mode === '100755' ? 0o755 : 0o644 })
  }
}

/** sha256 over a source tree (paths and bytes in path order): what was built, however it came. */
function treeDigest(dir) {
  const hash = createHash('sha256')
  for (const path of readdirSync(dir, { recursive: true }).sort()) {
    const full = join(dir, path)
    if (lstatSync(full).isFile()) hash.update(`${path}\0`).update(readFileSync(full)).update('\0')
  }
  return hash.digest('hex')
}

/** Debian's source tree of `version` in `work`/src: { how, files: {name: sha256}, upstreamCommit? }. */
function debianSource(apt, version, work, git) {
  const downloads = join(work, 'downloads')
  mkdirSync(downloads, { recursive: true })
  let fetched = true
  try {
    apt(['apt-get', '-q', 'source', '--download-only', `box64=${version}`], { cwd: downloads })
  } catch (error) {
    fetched = false
    if (!git)
      throw new Error(
        `apt-get source box64=${version} failed (give the upstream repository with --git DIR): ${`${error.stderr}`.trim().split('\n').pop()}`,
        { cause: error }
      )
  }
  const files = Object.fromEntries(readdirSync(downloads).map(f => [f, sha256(readFileSync(join(downloads, f)))]))
  if (fetched) {
    const dsc = readdirSync(downloads).find(f => f.endsWith('.dsc'))
    run('dpkg-source', ['--no-check', '-x', dsc, join(work, 'src')], { cwd: downloads })
    return { how: 'apt-get source', files }
  }
  const debianTar = readdirSync(downloads).find(f => /\.debian\.tar\.\w+$/.test(f))
  if (!debianTar) throw new Error(`apt fetched no debian.tar of box64 ${version} either`)
  const upstream = version.replace(/^\d+:/, '').replace(/\+dfsg.*$/, '')
  const pinned = UPSTREAM_COMMITS[upstream]
  if (!pinned) throw new Error(`no upstream commit pinned for box64 ${upstream} (UPSTREAM_COMMITS in ${fileURLToPath(import.meta.url)})`)
  const commit = run('git', ['-C', git, 'rev-parse', `v${upstream}^{commit}`]).trim()
  if (commit !== pinned) throw new Error(`${git}: tag v${upstream} is ${commit}, not the pinned ${pinned}`)
  const src = join(work, 'src')
  mkdirSync(src, { recursive: true })
  run('tar', ['-xf', join(downloads, debianTar), '-C', src])
  gitTree(git, commit, filesExcluded(readFileSync(join(src, 'debian', 'copyright'), 'utf8')), src)
  const series = join(src, 'debian', 'patches', 'series')
  for (const patch of existsSync(series)
    ? readFileSync(series, 'utf8')
        .split('\n')
        .filter(l => l.trim() && !l.startsWith('#'))
    : [])
    run('patch', ['-p1', '-i', join(src, 'debian', 'patches', patch.trim())], { cwd: src })
  return { how: `upstream git v${upstream} minus Files-Excluded, with Debian's patches`, files, upstreamCommit: commit }
}

/** The highest GLIBC_x.y version the binary asks for. */
function glibcNeeded(binary) {
  const versions = [...run(`${CROSS}-objdump`, ['-T', binary]).matchAll(/GLIBC_(\d+)\.(\d+)/g)].map(m => [Number(m[1]), Number(m[2])])
  return versions.reduce((a, b) => (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a), [0, 0])
}

/**
 * { version, debianVersion, binary, source: {...}, compiler, cmakeOptions, glibc } from the cache, built
 * when missing (or `refresh`); throws with what failed.
 */
export function ensureBox64({ git = process.env.BOX64_GIT, refresh = false, log = m => process.stderr.write(`${m}\n`) } = {}) {
  const apt = sourceApt(join(CACHE, 'apt'))
  const latest = join(CACHE, 'latest.json')
  if (!refresh && existsSync(latest)) {
    const known = JSON.parse(readFileSync(latest, 'utf8'))
    if (known.spec === SPEC && existsSync(known.binary)) return known
  }
  const debianVersion = newestVersion(apt)
  const dir = join(CACHE, debianVersion)
  const work = `${dir}.build`
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const started = Date.now()
  const source = debianSource(apt, debianVersion, work, git)
  const src = join(work, 'src')
  source.treeSha256 = treeDigest(src)
  // what debian/rules does before building: the wrappers are generated into this folder
  mkdirSync(join(src, 'src', 'wrapped', 'generated'), { recursive: true })
  const compiler = run(`${CROSS}-gcc`, ['--version']).split('\n')[0]
  const cmake = [
    '-S',
    src,
    '-B',
    join(work, 'build'),
    '-DCMAKE_SYSTEM_NAME=Linux',
    '-DCMAKE_SYSTEM_PROCESSOR=aarch64',
    `-DCMAKE_C_COMPILER=${CROSS}-gcc`,
    `-DCMAKE_CXX_COMPILER=${CROSS}-g++`,
    `-DCMAKE_ASM_COMPILER=${CROSS}-gcc`,
    ...CMAKE_OPTIONS
  ]
  log(`box64 ${debianVersion}: ${source.how}; cmake ${CMAKE_OPTIONS.join(' ')} with ${compiler}`)
  run('cmake', cmake)
  run('make', ['-C', join(work, 'build'), `-j${Math.max(1, Number(process.env.BOX64_JOBS ?? 2))}`, 'box64'])
  const built = join(work, 'build', 'box64')
  const glibc = glibcNeeded(built)
  if (glibc[0] > GLIBC_MAX[0] || (glibc[0] === GLIBC_MAX[0] && glibc[1] > GLIBC_MAX[1]))
    throw new Error(`the box64 built needs GLIBC_${glibc.join('.')}; the machine has ${GLIBC_MAX.join('.')}`)
  const version = /BOX64_MAJOR\s+(\d+)[\s\S]*BOX64_MINOR\s+(\d+)[\s\S]*BOX64_REVISION\s+(\d+)/.exec(
    readFileSync(join(src, 'src', 'box64version.h'), 'utf8')
  )
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  renameSync(built, join(dir, 'box64'))
  const described = {
    spec: SPEC,
    version: version ? version.slice(1).join('.') : debianVersion,
    debianVersion,
    binary: join(dir, 'box64'),
    binarySha256: sha256(readFileSync(join(dir, 'box64'))),
    source,
    compiler,
    cmakeOptions: CMAKE_OPTIONS,
    glibc: `GLIBC_${glibc.join('.')}`,
    buildSeconds: Math.round((Date.now() - started) / 1000)
  }
  writeFileSync(join(dir, 'box64.json'), JSON.stringify(described, null, 2) + '\n')
  writeFileSync(latest, JSON.stringify(described, null, 2) + '\n')
  rmSync(work, { recursive: true, force: true })
  return described
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2)
  const git = argv.includes('--git') ? argv[argv.indexOf('--git') + 1] : undefined
  try {
    const box64 = ensureBox64({ git, refresh: argv.includes('--refresh') })
    process.stderr.write(`${JSON.stringify(box64, null, 2)}\n`)
    process.stdout.write(`${box64.binary}\n`)
  } catch (error) {
    process.stderr.write(`box64: ${error.message}\n`)
    process.exitCode = 1
  }
}
