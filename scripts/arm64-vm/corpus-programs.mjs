// What the VM's foreign-program corpus (scenario 08's second part) runs: each program with its arguments, the
// deterministic data it reads, and the `commands` file the scenario reads them from. The same
// argument lists run natively on the host (corpus.mjs), with the working folder at the corpus'
// root in both places, so no output holds a path that differs between the two.
//
// Expectations: `same` (stdout and exit code equal to the native run's); `cpu-level` and
// `illegal-instruction` for the x86-64-v4 builds, which an emulated CPU without AVX-512 must refuse
// (glibc's loader for a program marked as needing v4; the trap of the first AVX-512 instruction
// for a static one without the mark) instead of printing a wrong answer.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The C program, built for each level (flags after -O3). */
export const C_BUILDS = [
  { file: 'simd-checksum-v3', flags: ['-march=x86-64-v3'] },
  // -mneeded marks the ISA level in the program's GNU property note: glibc's loader checks it
  { file: 'simd-checksum-v4', flags: ['-march=x86-64-v4', '-mneeded'] },
  // static, no mark: nothing checks, the first AVX-512 instruction decides
  { file: 'simd-checksum-v4-static', flags: ['-march=x86-64-v4', '-static'] }
]

/** The programs taken from Debian's packages (outside the sysroot): <arch>/bin/<name>. */
export function programPackages(python) {
  return [
    { arch: 'amd64', package: 'coreutils', files: { ls: 'bin/ls', sort: 'usr/bin/sort', sha256sum: 'usr/bin/sha256sum' } },
    // the interpreter of the stdlib the sysroot holds (the same version as its libpython)
    { arch: 'amd64', package: `${python}-minimal`, sameVersionAs: `lib${python}-minimal`, files: { [python]: `usr/bin/${python}` } },
    { arch: 'i386', package: 'coreutils', files: { ls: 'bin/ls', sort: 'usr/bin/sort', sha256sum: 'usr/bin/sha256sum' } }
  ]
}

/**
 * Each program of the corpus: name (the RESULT key), the QEMU target it needs, argv from the corpus
 * root, expectation (`needs`: the x86-64 level below which it must be refused); `stdlib`: python,
 * whose standard library is in the sysroot; `static`: no loader; `slow`: run only with
 * SETUP_X86_VM_SLOW=1 (the default suite must stay within its time limit).
 */
export function corpusPrograms(python) {
  const listing = ['-1AFR', '--color=never', 'data/tree']
  const sums = ['data/blob.bin', 'data/words.csv']
  // threads (--parallel) and temporary files (-S: a small buffer spills to TMPDIR)
  const sorting = ['--parallel=2', '-S', '256K', '-t,', '-k2,2n', '-k1,1', 'data/words.csv']
  return [
    { name: 'ls', target: 'x86_64', argv: ['amd64/bin/ls', ...listing], expect: 'same' },
    { name: 'ls-long', target: 'x86_64', argv: ['amd64/bin/ls', '-gG', '--time-style=+', ...sums], expect: 'same' },
    { name: 'sort', target: 'x86_64', argv: ['amd64/bin/sort', ...sorting], expect: 'same' },
    { name: 'sha256sum', target: 'x86_64', argv: ['amd64/bin/sha256sum', ...sums], expect: 'same' },
    // (slow: two interpreter starts and OpenSSL's loading take about a minute in the emulated machine)
    { name: 'python', target: 'x86_64', argv: [`amd64/bin/${python}`, 'corpus.py'], expect: 'same', stdlib: true, slow: true },
    { name: 'c-v3', target: 'x86_64', argv: ['c/simd-checksum-v3'], expect: 'same' },
    { name: 'c-v4', target: 'x86_64', argv: ['c/simd-checksum-v4'], expect: 'cpu-level', needs: 'x86-64-v4' },
    {
      name: 'c-v4-static',
      target: 'x86_64',
      argv: ['c/simd-checksum-v4-static'],
      expect: 'illegal-instruction',
      needs: 'x86-64-v4',
      static: true
    },
    { name: 'i386-ls', target: 'i386', argv: ['i386/bin/ls', ...listing], expect: 'same' },
    { name: 'i386-sort', target: 'i386', argv: ['i386/bin/sort', ...sorting], expect: 'same', slow: true },
    { name: 'i386-sha256sum', target: 'i386', argv: ['i386/bin/sha256sum', ...sums], expect: 'same' }
  ]
}

/**
 * Node for linux-x64 (node-x64.mjs fetches it only with SETUP_X86_VM_SLOW=1: 120 MB, and a start
 * under QEMU inside the emulated machine takes minutes); node-workload.mjs is in the corpus root.
 */
export const NODE_PROGRAM = { name: 'node', target: 'x86_64', argv: ['node-x64/node', 'node-workload.mjs'], expect: 'same', slow: true }

/** The `commands` file: `name argv...` per line, split by the scenario's shell (so no argument may hold white space). */
export function commandsFile(programs) {
  for (const p of programs) {
    const bad = p.argv.find(a => !/^[\w./,+=:-]+$/.test(a))
    if (bad !== undefined) throw new Error(`corpus program ${p.name}: argument ${JSON.stringify(bad)} would not survive word splitting`)
  }
  return programs.map(p => `${p.name} ${p.argv.join(' ')}\n`).join('')
}

/** xorshift32: the same bytes on every machine. */
function generator(seed) {
  let state = seed >>> 0
  return () => {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state
  }
}

/**
 * data/: blob.bin (2 MiB of pseudo-random bytes), words.csv (word,number,tag lines, many equal
 * numbers so the second key matters) and tree/ (names that sort differently by byte, case and
 * number, hidden files, a link, an executable, nested folders) for ls.
 */
export function writeCorpusData(dir) {
  const next = generator(0x2545f491)
  mkdirSync(join(dir, 'tree'), { recursive: true })
  const blob = Buffer.alloc(2 << 20)
  for (let i = 0; i < blob.length; i += 4) blob.writeUInt32LE(next(), i)
  writeFileSync(join(dir, 'blob.bin'), blob)
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const lines = []
  for (let i = 0; i < 20000; i++) {
    const length = 3 + (next() % 9)
    const word = Array.from({ length }, () => letters[next() % letters.length]).join('')
    lines.push(`${word},${next() % 5000},${['red', 'green', 'blue'][next() % 3]}\n`)
  }
  writeFileSync(join(dir, 'words.csv'), lines.join(''))
  const tree = join(dir, 'tree')
  for (const name of ['file10', 'file2', 'File1', '.hidden', '_under', 'z-last', 'a b', 'ütf8']) {
    writeFileSync(join(tree, name), `${name}\n`)
  }
  mkdirSync(join(tree, 'sub', 'deeper'), { recursive: true })
  writeFileSync(join(tree, 'sub', 'run.sh'), '#!/bin/sh\n')
  chmodSync(join(tree, 'sub', 'run.sh'), 0o755)
  writeFileSync(join(tree, 'sub', 'deeper', 'leaf'), 'leaf\n')
  symlinkSync('sub/deeper/leaf', join(tree, 'link'))
}
