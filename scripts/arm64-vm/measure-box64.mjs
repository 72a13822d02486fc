// Issue 25's measurement: box64 against the action's default QEMU (7.2.22) in the emulated arm64
// machine, on the same x86_64 programs, each output compared with the program's native one.
//
//   node scripts/arm64-vm/measure-box64.mjs [--runs N] [--only a,b] [--git DIR] [--json FILE]
//
// The programs: Debian amd64 sort, sha256sum, xz -9 and python3 (the corpus workload), node for
// linux-x64 (the corpus' slow part), a C++ program (g++ -O2, libstdc++) and a pthreads program
// built here (__tests__/vm/programs/box64), and the amd64 Go program of scenario 08 (box64 does
// not run Go programs: what it says is the result). Each is run natively here first (the corpus
// sysroot's loader and libraries, corpus.mjs runNatively): that output is what both engines must
// print. The machine is the VM suite's (initramfs.mjs with the slow part), plus one more archive:
// box64 (box64.mjs), the arm64 zlib, expat and OpenSSL a runner image has (box64 calls them
// natively), the programs, their data and native outputs, and the scenario
// __tests__/vm/scenarios/box64-measure.sh as 99-box64-measure.sh (so only this machine runs it).
// Both engines run under the machine's TCG, so only ratios (box64 time / QEMU time, medians of
// the runs) mean anything. Writes bench/box64.json and prints the table.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { debField, downloadFresh, extract } from './apt.mjs'
import { boot } from './boot.mjs'
import { ensureBox64 } from './box64.mjs'
import { runNatively } from './corpus.mjs'
import { commandsFile } from './corpus-programs.mjs'
import { cacheDir, ensureFixtures, ensureSlowFixtures, projectRoot } from './fixtures.mjs'
import { Cpio, GUEST, buildInitramfs } from './initramfs.mjs'

const SOURCE = join(projectRoot, '__tests__', 'vm', 'programs', 'box64')
const SCENARIO = join(projectRoot, '__tests__', 'vm', 'scenarios', 'box64-measure.sh')
const CACHE = join(cacheDir, 'box64-measure')
const SCENARIO_NAME = '99-box64-measure'
/** Bump when the programs' layout or how they are made changes. */
const SPEC = 4
const MEASURE = '/opt/box64-measure'
const BOX64 = '/opt/box64'

/**
 * Workload sizes, chosen so one QEMU run takes roughly 5-30 s in the machine (nested emulation:
 * python's and node's starts alone take longer than that).
 */
export const SIZES = { csvCopies: 8, blobCopies: 8, sha256Passes: 6, xzCopies: 2, cxxWords: 120000, mtBlocks: 256, mtRounds: 192 }

/**
 * box64 settings a program needs (box64.env in the machine); the scenario also runs it once
 * without them. xz: box64 wraps liblzma with the host's arm64 one, and its wrapper lacks symbols
 * Debian 12's xz binds (lzma_index_stream_count, lzma_lzip_decoder, ...): box64 aborts before
 * main. Forcing the sysroot's x86_64 liblzma runs it.
 */
export const BOX64_ENV = { xz: ['BOX64_EMULATED_LIBS=liblzma.so.5'] }

/** The programs: name (the RESULT key) and argv from the measurement folder; `stdlib`, `static` as runNatively takes them. */
export function measurePrograms(python, sizes = SIZES) {
  return [
    { name: 'sort', argv: ['amd64/bin/sort', '--parallel=2', '-S', '1M', '-t,', '-k2,2n', '-k1,1', 'data/big.csv'] },
    { name: 'sha256sum', argv: ['amd64/bin/sha256sum', ...Array(sizes.sha256Passes).fill('data/big.bin')] },
    { name: 'xz', argv: ['xz/bin/xz', '-9', '-c', 'data/text.csv'] },
    { name: 'python', argv: [`amd64/bin/${python}`, 'corpus.py'], stdlib: true },
    { name: 'node', argv: ['node-x64/node', 'node-workload.mjs'] },
    { name: 'cxx', argv: ['bin/cxx-workload', String(sizes.cxxWords)] },
    { name: 'threads', argv: ['bin/mt-hash', String(sizes.mtBlocks), String(sizes.mtRounds)] },
    { name: 'go', argv: ['go/go-stress'], static: true }
  ].map(p => ({ target: 'x86_64', ...p }))
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex')
}

/** The sources' digest (file names and bytes). */
function sourceDigest() {
  const hash = createHash('sha256')
  for (const name of readdirSync(SOURCE).sort())
    hash
      .update(`${name}\0`)
      .update(readFileSync(join(SOURCE, name)))
      .update('\0')
  return hash.digest('hex')
}

/** Debian's amd64 xz, the version of the sysroot's liblzma5 (the one it runs with). */
function placeXz(root, corpus) {
  const id = corpus.sysroot.packages.find(p => p.startsWith('liblzma5:amd64='))
  if (!id) throw new Error('the corpus sysroot holds no liblzma5:amd64 (xz needs it)')
  const [deb] = downloadFresh('amd64', [`xz-utils=${id.slice(id.indexOf('=') + 1)}`], join(CACHE, 'debs'))
  const unpacked = join(CACHE, 'unpacked')
  extract([deb], unpacked)
  mkdirSync(join(root, 'xz', 'bin'), { recursive: true })
  copyFileSync(join(unpacked, 'usr', 'bin', 'xz'), join(root, 'xz', 'bin', 'xz'))
  execFileSync('chmod', ['755', join(root, 'xz', 'bin', 'xz')])
  rmSync(unpacked, { recursive: true, force: true })
  return `xz-utils:amd64=${debField(deb, 'Version')}`
}

/**
 * The arm64 libraries a runner image has and the machine lacks, of those box64 calls natively
 * (wraps) when the host has them: without them box64 falls back to the sysroot's x86_64 ones and
 * says so on the program's stderr at every start.
 */
export const ARM64_LIBRARIES = ['zlib1g', 'libexpat1', 'libssl3']

/** ARM64_LIBRARIES' shared objects (Debian 12's, as the machine's glibc) in root/arm64-lib; their package ids. */
function placeArm64Libraries(root) {
  const debs = downloadFresh('arm64', ARM64_LIBRARIES, join(CACHE, 'debs-arm64'))
  const unpacked = join(CACHE, 'unpacked-arm64')
  extract(debs, unpacked)
  const into = join(root, 'arm64-lib')
  mkdirSync(into, { recursive: true })
  for (const dir of ['lib/aarch64-linux-gnu', 'usr/lib/aarch64-linux-gnu']) {
    if (!existsSync(join(unpacked, dir))) continue
    for (const name of readdirSync(join(unpacked, dir)).filter(n => /\.so(\.|$)/.test(n)))
      execFileSync('cp', ['-a', join(unpacked, dir, name), into])
  }
  rmSync(unpacked, { recursive: true, force: true })
  return debs.map(deb => `${debField(deb, 'Package')}:arm64=${debField(deb, 'Version')}`)
}

/** data/: the corpus' words and blob repeated (big.csv, text.csv, big.bin), and blob.bin itself (node's workload reads it). */
function writeData(root, corpusRoot, sizes) {
  const data = join(root, 'data')
  mkdirSync(data, { recursive: true })
  const words = readFileSync(join(corpusRoot, 'data', 'words.csv'), 'utf8')
  const blob = readFileSync(join(corpusRoot, 'data', 'blob.bin'))
  // each copy's lines tagged with the copy's number, so no two lines are equal
  const tagged = n => words.replace(/\n/g, `,${n}\n`)
  writeFileSync(join(data, 'big.csv'), Array.from({ length: sizes.csvCopies }, (_, n) => tagged(n)).join(''))
  writeFileSync(join(data, 'text.csv'), Array.from({ length: sizes.xzCopies }, (_, n) => tagged(n)).join(''))
  writeFileSync(join(data, 'big.bin'), Buffer.concat(Array.from({ length: sizes.blobCopies }, () => blob)))
  copyFileSync(join(corpusRoot, 'data', 'blob.bin'), join(data, 'blob.bin'))
}

/**
 * The measurement folder (.cache/arm64-vm/box64-measure/<key>/root): the programs built or fetched
 * here, the data, links to the corpus' sysroot and programs and to node for linux-x64, and
 * expected/<name>.out from the native runs. { key, root, programs, packages, gcc }.
 */
export function ensureMeasurePrograms({ corpus, nodeX64, goStress, sizes = SIZES, refresh = false }) {
  for (const [what, part] of Object.entries({ corpus, nodeX64, goStress }))
    if (!part || part.error) throw new Error(`the fixtures have no ${what}: ${part?.error ?? 'missing'}`)
  const gcc = execFileSync('g++', ['--version'], { encoding: 'utf8' }).split('\n')[0]
  const programs = measurePrograms(corpus.python, sizes)
  const key = sha256(
    JSON.stringify({ SPEC, gcc, sizes, programs, source: sourceDigest(), corpus: corpus.key, node: nodeX64.key, go: goStress.key })
  ).slice(0, 16)
  const dir = join(CACHE, key)
  const described = () => ({ ...JSON.parse(readFileSync(join(dir, 'measure.json'), 'utf8')), root: join(dir, 'root') })
  if (!refresh && existsSync(join(dir, 'measure.json'))) return described()

  const work = `${dir}.build`
  const root = join(work, 'root')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(join(root, 'bin'), { recursive: true })
  const build = (compiler, flags, source, out) =>
    execFileSync(compiler, ['-O2', '-Wall', '-Wextra', '-Werror', ...flags, '-o', join(root, 'bin', out), join(SOURCE, source)], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
  build('g++', [], 'cxx-workload.cpp', 'cxx-workload')
  build('gcc', ['-pthread'], 'mt-hash.c', 'mt-hash')
  const packages = [placeXz(root, corpus), ...placeArm64Libraries(root)]
  writeData(root, corpus.root, sizes)
  for (const script of ['corpus.py', 'node-workload.mjs']) copyFileSync(join(corpus.root, script), join(root, script))
  // the host's runs reach the corpus through links; the machine gets links to its own copies
  symlinkSync(join(corpus.root, 'sysroot'), join(root, 'sysroot'))
  symlinkSync(join(corpus.root, 'amd64'), join(root, 'amd64'))
  mkdirSync(join(root, 'node-x64'))
  symlinkSync(nodeX64.binary, join(root, 'node-x64', 'node'))
  mkdirSync(join(root, 'go'))
  symlinkSync(goStress.binary, join(root, 'go', 'go-stress'))
  writeFileSync(join(root, 'programs'), commandsFile(programs))
  mkdirSync(join(root, 'expected'))
  const recorded = programs.map(program => {
    const native = runNatively(root, program)
    if (native.exit !== 0) throw new Error(`${program.name}: the native run exited ${native.exit}: ${native.stderr.trim()}`)
    writeFileSync(join(root, 'expected', `${program.name}.out`), native.stdout)
    const text = native.stdout.toString('utf8')
    // (xz's output is binary: its size says enough)
    const head = /^[\t\n\x20-\x7e]*$/.test(text) ? text.split('\n').slice(0, 4).join('\n') : `${native.stdout.length} bytes`
    return { ...program, native: { sha256: sha256(native.stdout), head } }
  })
  writeFileSync(join(work, 'measure.json'), JSON.stringify({ key, gcc, sizes, packages, programs: recorded }, null, 2) + '\n')
  rmSync(dir, { recursive: true, force: true })
  renameSync(work, dir)
  return described()
}

/** The archive the measurement adds to the machine (last, so its scenario file is the one init finds). */
export function measureLayer(box64, measure, programs, scenario = SCENARIO) {
  const cpio = new Cpio()
  // (without its debug information: 70 MB less of the machine's memory)
  const stripped = join(CACHE, 'box64.stripped')
  execFileSync('aarch64-linux-gnu-strip', ['-o', stripped, box64.binary])
  cpio.file(`${BOX64}/box64`, readFileSync(stripped), 0o755)
  const root = measure.root
  for (const dir of ['bin', 'xz', 'data', 'expected']) cpio.tree(join(root, dir), `${MEASURE}/${dir}`)
  for (const name of readdirSync(join(root, 'arm64-lib'))) cpio.tree(join(root, 'arm64-lib', name), `/usr/lib/aarch64-linux-gnu/${name}`)
  for (const file of ['corpus.py', 'node-workload.mjs']) cpio.file(`${MEASURE}/${file}`, readFileSync(join(root, file)))
  cpio.file(`${MEASURE}/programs`, commandsFile(programs))
  cpio.file(
    `${MEASURE}/box64.env`,
    Object.entries(BOX64_ENV)
      .map(([name, vars]) => `${name} ${vars.join(' ')}\n`)
      .join('')
  )
  cpio.symlink(`${MEASURE}/sysroot`, `${GUEST.corpus}/sysroot`)
  cpio.symlink(`${MEASURE}/amd64`, `${GUEST.corpus}/amd64`)
  cpio.symlink(`${MEASURE}/node-x64`, `${GUEST.corpus}/node-x64`)
  cpio.symlink(`${MEASURE}/go`, GUEST.programs)
  cpio.file(`${GUEST.scenarios}/${SCENARIO_NAME}.sh`, readFileSync(scenario))
  return cpio.bytes(0)
}

/** A RESULT value without the terminal colours box64 puts around its name. */
const plain = text => text?.replace(/\x1b\[[0-9;]*m/g, '')

const median = values => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** RESULT values of the scenario -> per program and engine: runs [{ exit, seconds, sha256, same, stderr }], median, identical. */
export function summarize(values, programs) {
  const rows = []
  for (const program of programs) {
    const row = { name: program.name, argv: program.argv.join(' ') }
    for (const engine of ['qemu', 'box64']) {
      const runs = []
      for (let round = 1; values[`${program.name}.${engine}.${round}`] !== undefined; round++) {
        const [exit, seconds, sha, same] = values[`${program.name}.${engine}.${round}`].split(' ')
        const run = { exit: Number(exit), seconds: Number(seconds), sha256: sha, same: same === 'yes' }
        const stderr = plain(values[`${program.name}.${engine}.${round}.stderr`])
        if (stderr) run.stderr = stderr
        runs.push(run)
      }
      const ok = runs.length > 0 && runs.every(r => r.exit === 0 && r.same)
      row[engine] = { runs, medianSeconds: runs.length ? median(runs.map(r => r.seconds)) : null, identical: ok }
    }
    if (BOX64_ENV[program.name]) {
      const [exit, seconds, sha, same] = (values[`${program.name}.box64-default.1`] ?? '').split(' ')
      row.box64.settings = BOX64_ENV[program.name]
      row.box64.withoutSettings = {
        exit: Number(exit),
        seconds: Number(seconds),
        sha256: sha,
        same: same === 'yes',
        stderr: plain(values[`${program.name}.box64-default.1.stderr`])
      }
    }
    row.ratio = row.qemu.identical && row.box64.identical ? row.box64.medianSeconds / row.qemu.medianSeconds : null
    rows.push(row)
  }
  return rows
}

/** The table, as markdown. */
export function table(rows) {
  const lines = [
    '| program | QEMU 7.2.22 median s | box64 median s | box64/QEMU | output identical (QEMU, box64) | what box64 said |',
    '| --- | ---: | ---: | ---: | --- | --- |'
  ]
  for (const r of rows) {
    const failure = run => `exit ${run.exit}: ${(run.stderr ?? '').slice(0, 140)}`
    const notes = []
    if (r.box64.withoutSettings && !r.box64.withoutSettings.same)
      notes.push(`as it is, ${failure(r.box64.withoutSettings)}; measured with ${r.box64.settings.join(' ')}`)
    if (!r.box64.identical) notes.push(failure(r.box64.runs.find(x => x.exit !== 0 || !x.same) ?? { exit: '?' }))
    const said = notes.join('; ')
    const s = v => (v === null ? '-' : v.toFixed(1))
    const yes = e => (e.identical ? 'yes' : 'no')
    lines.push(
      `| ${r.name} | ${s(r.qemu.medianSeconds)} | ${r.box64.identical ? s(r.box64.medianSeconds) : '-'} | ${r.ratio === null ? '-' : r.ratio.toFixed(2)} | ${yes(r.qemu)}, ${yes(r.box64)} | ${said.replace(/\|/g, '/')} |`
    )
  }
  return lines.join('\n')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2)
  const option = name => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined)
  const runs = Number(option('--runs') ?? 3)
  const log = message => process.stderr.write(`${message}\n`)

  const manifest = ensureFixtures()
  const { nodeX64 } = ensureSlowFixtures(manifest)
  const box64 = ensureBox64({ git: option('--git'), log })
  log(`box64 ${box64.version} (Debian ${box64.debianVersion}): ${box64.binary}`)
  const measure = ensureMeasurePrograms({ corpus: manifest.corpus, nodeX64, goStress: manifest.goStress })
  const only = option('--only')?.split(',')
  const programs = measure.programs.filter(p => !only || only.includes(p.name))

  const { kernel, initrd: suiteInitrd } = buildInitramfs({ slow: true })
  const initrd = join(cacheDir, 'initrd-box64.img')
  const suite = readFileSync(suiteInitrd)
  // the kernel takes an uncompressed archive only at a 4-byte boundary (it skips the zeros before it)
  const pad = Buffer.alloc((4 - (suite.length % 4)) % 4)
  writeFileSync(initrd, Buffer.concat([suite, pad, measureLayer(box64, measure, programs)]))
  const limit = 3 * 3600
  log(`booting: ${programs.map(p => p.name).join(' ')}, ${runs} runs each per engine`)
  const machine = await boot({
    kernel,
    initrd,
    append: `scenarios=${SCENARIO_NAME} slow=1 runs=${runs} limit=${limit}`,
    timeoutSeconds: limit + 300,
    consolePath: join(cacheDir, 'console.box64.log'),
    onLine: line => {
      if (line.startsWith('RESULT ')) log(line)
    }
  })
  const values = machine.results[SCENARIO_NAME] ?? {}
  const rows = summarize(values, programs)
  const out = {
    version: 1,
    date: new Date().toISOString(),
    machine: {
      vmSeconds: machine.seconds,
      timedOut: machine.timedOut,
      cpu: values.cpu,
      hostLoadavg: readFileSync('/proc/loadavg', 'utf8').trim()
    },
    box64: { ...box64, binary: undefined, built: box64.binary.replace(projectRoot + '/', ''), said: values['box64.version'] },
    qemu: values['qemu.version'],
    runs,
    sizes: measure.sizes,
    packages: measure.packages,
    gcc: measure.gcc,
    programs: rows
  }
  const json = option('--json') ?? join(projectRoot, 'bench', 'box64.json')
  writeFileSync(json, JSON.stringify(out, null, 2) + '\n')
  process.stdout.write(`${table(rows)}\n\nmachine ${machine.seconds.toFixed(0)} s${machine.timedOut ? ' TIMED OUT' : ''}; ${json}\n`)
  process.exitCode = machine.timedOut ? 1 : 0
}
