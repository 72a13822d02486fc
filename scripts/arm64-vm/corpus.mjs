// The foreign-program corpus the machine runs under the action's default QEMU (scenario 08): real
// Debian amd64 and i386 programs, dynamically linked, through a sysroot of Debian's libraries
// (QEMU_LD_PREFIX), and a C program built here for x86-64-v3 and v4. Everything is made on the host:
//   - the sysroot by the action's own engine (corpus-sysroot.ts, makeSysroot: amd64 + i386, the
//     packages below with their dependencies), copied whole to root/sysroot;
//   - the programs from Debian's .debs (apt-get download on private state, apt.mjs), unpacked
//     outside the sysroot into root/<arch>/bin (coreutils' ls, sort, sha256sum; python3.N);
//   - the C builds with the host's gcc; the data with a fixed seed (corpus-programs.mjs);
//   - what each program prints NATIVELY here (this is an x86_64 machine): the sysroot's own loader
//     runs it with the sysroot's libraries (`ld.so --library-path`; python with PYTHONHOME at the
//     sysroot's stdlib), so the emulated run and the native one use the very same files;
//   - the .pyc of the modules python imports (checked-hash; Debian would have compiled them at
//     install time), added to the sysroot's copy: the emulated run would compile them every time.
// Cached in .cache/arm64-vm/corpus/<key>/ under a key of the inputs (package names, sources, gcc,
// the distribution): an unchanged corpus is reused without asking the archive.
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { constants } from 'node:os'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { apt, aptUpdate, debField, downloadFresh, extract } from './apt.mjs'
import { C_BUILDS, commandsFile, corpusPrograms, programPackages, writeCorpusData } from './corpus-programs.mjs'

// (fixtures.mjs imports this module: its paths are not imported back, which would be a cycle)
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CORPUS_SOURCE = join(projectRoot, '__tests__', 'vm', 'programs', 'corpus')
const CORPUS_CACHE = join(projectRoot, '.cache', 'arm64-vm', 'corpus')
/** Bump when the corpus' layout or the way it is made changes. */
const CORPUS_SPEC = 1
export const SYSROOT_TARGETS = ['x86_64', 'i386']
/** The sysroot's packages, as a job's `libraries` input would name them: the C runtime, coreutils' and python's libraries. */
export function sysrootPackages(python) {
  return ['base', 'libselinux1', 'libpcre2-8-0', 'libacl1', 'libattr1', 'libgmp10', 'libexpat1', `lib${python}-stdlib`]
}
/** Where each target's loader and libraries are in a merged-/usr sysroot. */
const NATIVE = {
  x86_64: { loader: 'lib64/ld-linux-x86-64.so.2', libraries: 'usr/lib/x86_64-linux-gnu' },
  i386: { loader: 'lib/ld-linux.so.2', libraries: 'usr/lib/i386-linux-gnu' }
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex')
}

/** sha256 over a folder's files (names and bytes, in name order). */
function sourceDigest(dir) {
  const hash = createHash('sha256')
  for (const name of readdirSync(dir).sort())
    hash
      .update(`${name}\0`)
      .update(readFileSync(join(dir, name)))
      .update('\0')
  return hash.digest('hex')
}

/** The python3.N Debian's python3-minimal depends on (python3.11 in Debian 12). */
function pythonName() {
  const ask = () => apt('amd64', ['apt-cache', 'depends', '--no-recommends', '--no-suggests', 'python3-minimal'])
  let depends
  try {
    depends = ask()
  } catch {
    // no lists yet for amd64 (the fixtures' own were removed): read them
    aptUpdate('amd64')
    depends = ask()
  }
  const match = /Depends:\s*(python3\.\d+)-minimal/.exec(depends)
  if (!match) throw new Error(`python3-minimal (amd64) names no python3.N-minimal:\n${depends}`)
  return match[1]
}

function osRelease() {
  const text = readFileSync(existsSync('/etc/os-release') ? '/etc/os-release' : '/usr/lib/os-release', 'utf8')
  return ['ID', 'VERSION_ID'].map(k => new RegExp(`^${k}="?([^"\\n]*)`, 'm').exec(text)?.[1] ?? '').join(' ')
}

/** The engine's sysroot (through tsx); { path, packages }. */
function engineSysroot(packages) {
  const request = {
    targets: SYSROOT_TARGETS,
    packages,
    cacheDir: join(CORPUS_CACHE, 'tool-cache', 'setup-x86-on-arm-sysroot'),
    tempDir: join(CORPUS_CACHE, 'tmp')
  }
  const script = join(projectRoot, 'scripts', 'arm64-vm', 'corpus-sysroot.ts')
  try {
    const options = { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, JSON.stringify(request)], options)
    return JSON.parse(out.trim().split('\n').pop())
  } catch (error) {
    const said = `${error.stderr ?? ''}`.trim().split('\n').slice(-3).join(' ')
    throw new Error(`the sysroot (makeSysroot, ${packages.join(' ')}): ${said || error.message}`, { cause: error })
  }
}

/** The programs' .debs (pinned to the sysroot's version where asked), unpacked; their files copied to root/<arch>/bin. */
function placePrograms(root, python, sysrootIds) {
  const versions = {}
  for (const group of programPackages(python)) {
    let wanted = group.package
    if (group.sameVersionAs) {
      const id = sysrootIds.find(p => p.startsWith(`${group.sameVersionAs}:${group.arch}=`))
      if (!id) throw new Error(`the sysroot holds no ${group.sameVersionAs}:${group.arch} to take ${group.package}'s version from`)
      wanted = `${group.package}=${id.slice(id.indexOf('=') + 1)}`
    }
    const [deb] = downloadFresh(group.arch, [wanted], join(CORPUS_CACHE, 'debs', `${group.arch}-${group.package}`))
    versions[`${debField(deb, 'Package')}:${debField(deb, 'Architecture')}`] = debField(deb, 'Version')
    const unpacked = join(CORPUS_CACHE, 'unpacked')
    extract([deb], unpacked)
    for (const [name, path] of Object.entries(group.files)) {
      mkdirSync(join(root, group.arch, 'bin'), { recursive: true })
      copyFileSync(join(unpacked, path), join(root, group.arch, 'bin', name))
      execFileSync('chmod', ['755', join(root, group.arch, 'bin', name)])
    }
    rmSync(unpacked, { recursive: true, force: true })
  }
  return versions
}

function buildC(root) {
  mkdirSync(join(root, 'c'), { recursive: true })
  for (const build of C_BUILDS) {
    const source = join(CORPUS_SOURCE, 'simd-checksum.c')
    const args = ['-O3', '-Wall', '-Wextra', '-Werror', ...build.flags, '-o', join(root, 'c', build.file), source]
    try {
      execFileSync('gcc', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (error) {
      throw new Error(`gcc ${args.join(' ')} failed: ${`${error.stderr ?? ''}`.trim() || error.message}`, { cause: error })
    }
  }
}

/** The exit status as a shell reports it (128 + the signal's number when killed). */
function exitOf(result) {
  return result.signal ? 128 + constants.signals[result.signal] : result.status
}

/**
 * Runs a program natively with the sysroot's loader and libraries, in the corpus root; { exit, stdout,
 * stderr } (stdout as a Buffer). argv[0] may be absolute (a program kept outside the corpus).
 */
export function runNatively(root, program, { writeBytecode = false } = {}) {
  const sysroot = join(root, 'sysroot')
  const { loader, libraries } = NATIVE[program.target]
  const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C', TMPDIR: join(CORPUS_CACHE, 'tmp') }
  // natively python would take the host's own stdlib; the emulated one finds the sysroot's through QEMU_LD_PREFIX
  if (program.stdlib) Object.assign(env, { PYTHONHOME: join(sysroot, 'usr') }, writeBytecode ? {} : { PYTHONDONTWRITEBYTECODE: '1' })
  mkdirSync(env.TMPDIR, { recursive: true })
  const loading = program.static ? [] : [join(sysroot, loader), '--library-path', join(sysroot, libraries)]
  const [file, ...args] = [...loading, ...program.argv]
  const result = spawnSync(file, args, { cwd: root, env, timeout: 120_000, maxBuffer: 64 << 20 })
  if (result.error) throw new Error(`${program.name}: the native run failed: ${result.error.message}`)
  return { exit: exitOf(result), stdout: result.stdout, stderr: result.stderr.toString('utf8') }
}

/**
 * Debian byte-compiles python's modules when it installs them; a sysroot of unpacked packages has
 * none, and every emulated start would compile them again (the longest part of the run there). A
 * first native run writes the ones the program imports; they are then made again as checked-hash
 * .pyc, which stay valid whatever mtime the files get (the initramfs gives them 0).
 */
function compileImported(root, program) {
  const stdlib = join(root, 'sysroot', 'usr', 'lib')
  const before = new Set(pycFiles(stdlib))
  runNatively(root, program, { writeBytecode: true })
  const sources = pycFiles(stdlib)
    .filter(pyc => !before.has(pyc))
    .map(pyc => join(dirname(dirname(pyc)), `${pyc.slice(pyc.lastIndexOf('/') + 1).split('.')[0]}.py`))
    .filter(source => existsSync(source))
  if (sources.length === 0) return
  const compile = { ...program, argv: [program.argv[0], '-m', 'compileall', '-q', '-f', '--invalidation-mode', 'checked-hash', ...sources] }
  const result = runNatively(root, compile)
  if (result.exit !== 0) throw new Error(`compileall of the modules ${program.name} imports failed: ${result.stderr.trim()}`)
}

function pycFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter(name => name.endsWith('.pyc'))
    .map(name => join(dir, name))
}

/** Each program's native run: expected/<name>.out and a summary (exit, sha256, its first lines). */
function recordNative(root, programs) {
  mkdirSync(join(root, 'expected'), { recursive: true })
  return programs.map(program => {
    if (program.stdlib) compileImported(root, program)
    const native = runNatively(root, program)
    writeFileSync(join(root, 'expected', `${program.name}.out`), native.stdout)
    return { ...program, native: nativeSummary(native) }
  })
}

/** What the manifest keeps of a native run (the whole output is expected/<name>.out). */
export function nativeSummary(native) {
  const lines = native.stdout.toString('utf8').split('\n')
  const head = lines.slice(0, 12).join('\n')
  return { exit: native.exit, sha256: sha256(native.stdout), lines: lines.length - 1, head, stderr: native.stderr.slice(0, 400) }
}

/**
 * The corpus: { key, root, python, gcc, sysroot: { packages }, packages, programs: [{ name, target, argv,
 * expect, native: { exit, sha256, lines, head, stderr } }], buildSeconds } from the cache, made when the key is new;
 * { error } when it cannot be (not an x86_64 host, no apt, no gcc, a package missing).
 */
export function ensureCorpus({ refresh = false } = {}) {
  if (process.arch !== 'x64') return { error: `corpus: the native outputs need an x86_64 host (this is ${process.arch})` }
  let gcc
  try {
    gcc = execFileSync('gcc', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]
  } catch (error) {
    return { error: `corpus: no C compiler (install gcc): ${error.message.split('\n')[0]}` }
  }
  const inputs = {
    CORPUS_SPEC,
    gcc,
    os: osRelease(),
    source: sourceDigest(CORPUS_SOURCE),
    programs: corpusPrograms('python3'),
    sysroot: sysrootPackages('python3')
  }
  const key = sha256(JSON.stringify(inputs)).slice(0, 16)
  const dir = join(CORPUS_CACHE, key)
  const manifestPath = join(dir, 'manifest.json')
  const described = () => ({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), root: join(dir, 'root') })
  if (!refresh && existsSync(manifestPath)) return described()

  const started = Date.now()
  const work = `${dir}.build`
  const root = join(work, 'root')
  rmSync(work, { recursive: true, force: true })
  try {
    const python = pythonName()
    const sysroot = engineSysroot(sysrootPackages(python))
    mkdirSync(root, { recursive: true })
    execFileSync('cp', ['-a', sysroot.path, join(root, 'sysroot')])
    const packages = placePrograms(root, python, sysroot.packages)
    buildC(root)
    writeCorpusData(join(root, 'data'))
    for (const script of ['corpus.py', 'node-workload.mjs']) copyFileSync(join(CORPUS_SOURCE, script), join(root, script))
    const programs = corpusPrograms(python)
    // the scenario runs `commands`, and `commands.slow` too with SETUP_X86_VM_SLOW=1
    writeFileSync(join(root, 'commands'), commandsFile(programs.filter(p => !p.slow)))
    writeFileSync(join(root, 'commands.slow'), commandsFile(programs.filter(p => p.slow)))
    const recorded = recordNative(root, programs)
    const manifest = { key, python, gcc, sysroot: { packages: sysroot.packages }, packages, programs: recorded }
    const buildSeconds = Math.round((Date.now() - started) / 100) / 10
    writeFileSync(join(work, 'manifest.json'), JSON.stringify({ ...manifest, buildSeconds }, null, 2) + '\n')
  } catch (error) {
    return { error: `corpus: ${error.message}` }
  }
  rmSync(dir, { recursive: true, force: true })
  renameSync(work, dir)
  // a corpus of older inputs is about 90 MB nothing reads any more
  for (const name of readdirSync(CORPUS_CACHE).filter(n => /^[0-9a-f]{16}$/.test(n) && n !== key)) {
    rmSync(join(CORPUS_CACHE, name), { recursive: true, force: true })
  }
  return described()
}
