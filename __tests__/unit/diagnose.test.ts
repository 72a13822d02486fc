/**
 * diagnose() against the messages users paste into issues: docker, podman, runc/crun, bash, QEMU
 * and glibc, as they print them (host names replaced).
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { diagnose, givesHighAddresses, diagnoseAll, formatDiagnosis, type DiagnosisId } from '../../src/checks/diagnose.js'

const INPUTS = ['platforms', 'install', 'flags', 'verify', 'verify-image', 'qemu-version', 'cleanup']

/** The failure, the text, and the line of it that shows the failure when the text has several. */
const CASES: [DiagnosisId, string, string?][] = [
  // no handler registered
  ['exec-format', 'exec /bin/uname: exec format error'],
  ['exec-format', 'exec /usr/bin/sh: exec format error'],
  ['exec-format', 'standard_init_linux.go:228: exec user process caused: exec format error'],
  ['exec-format', 'standard_init_linux.go:211: exec user process caused "exec format error"'],
  ['exec-format', '{"msg":"exec container process `/bin/sh`: Exec format error","level":"error","time":"2024-03-01T10:00:00.000000000Z"}'],
  ['exec-format', 'bash: ./hello: cannot execute binary file: Exec format error'],
  ['exec-format', '/bin/sh: 1: ./hello-amd64: Exec format error'],
  ['exec-format', 'chroot: failed to run command ‘/bin/bash’: Exec format error'],
  ['exec-format', '#5 0.213 exec /bin/sh: exec format error'],
  [
    'exec-format',
    'ERROR: failed to solve: process "/bin/sh -c apt-get update" did not complete successfully: exit code: 1\n#5 0.158 exec /bin/sh: exec format error',
    '#5 0.158 exec /bin/sh: exec format error'
  ],
  ['exec-format', 'bash: /opt/tool/bin/tool: cannot execute binary file'],
  // handler without F, or a dynamic interpreter with F
  ['interpreter-not-found', 'exec /bin/sh: no such file or directory'],
  ['interpreter-not-found', 'standard_init_linux.go:211: exec user process caused "no such file or directory"'],
  ['interpreter-not-found', 'standard_init_linux.go:228: exec user process caused: no such file or directory'],
  [
    'interpreter-not-found',
    '{"msg":"exec container process `/usr/bin/uname`: No such file or directory","level":"error","time":"2024-03-01T10:00:00Z"}'
  ],
  ['interpreter-not-found', '#6 0.412 exec /bin/sh: no such file or directory'],
  // dynamic x86_64 program outside a container
  ['missing-loader', "qemu-x86_64: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory"],
  ['missing-loader', "qemu-x86_64-static: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory"],
  ['missing-loader', "qemu-i386: Could not open '/lib/ld-linux.so.2': No such file or directory"],
  ['missing-loader', "qemu-aarch64-static: Could not open '/lib/ld-linux-aarch64.so.1': No such file or directory"],
  // CPU level
  ['cpu-level', 'Fatal glibc error: CPU does not support x86-64-v2'],
  ['cpu-level', 'Fatal glibc error: CPU does not support x86-64-v3'],
  ['cpu-level', '/lib64/ld-linux-x86-64.so.2: CPU ISA level is lower than required'],
  // illegal instruction
  ['illegal-instruction', 'qemu: uncaught target signal 4 (Illegal instruction) - core dumped'],
  ['illegal-instruction', 'Illegal instruction (core dumped)'],
  ['illegal-instruction', '/bin/sh: line 1:    12 Illegal instruction     (core dumped) node --version'],
  // qemu crash
  ['qemu-crash', 'qemu: uncaught target signal 11 (Segmentation fault) - core dumped'],
  [
    'qemu-crash',
    '#8 12.31 qemu: uncaught target signal 11 (Segmentation fault) - core dumped\n#8 12.35 Segmentation fault (core dumped)',
    '#8 12.31 qemu: uncaught target signal 11 (Segmentation fault) - core dumped'
  ],
  ['qemu-crash', 'qemu-x86_64-static: Segmentation fault'],
  // amd64 Go under a QEMU that hands out 48-bit addresses
  [
    'go-high-address',
    'runtime: lfstack.push invalid packing: node=0xffffbc01b8c0 cnt=0x1 packed=0xffffbc01b8c00001 -> node=0xffffffffbc01b8c0\nfatal error: lfstack.push',
    'runtime: lfstack.push invalid packing: node=0xffffbc01b8c0 cnt=0x1 packed=0xffffbc01b8c00001 -> node=0xffffffffbc01b8c0'
  ],
  ['go-high-address', 'fatal error: lfstack.push'],
  // no permission for binfmt_misc
  ['binfmt-not-permitted', 'mount: /proc/sys/fs/binfmt_misc: cannot mount binfmt_misc read-only.'],
  ['binfmt-not-permitted', 'cannot mount binfmt_misc: operation not permitted'],
  [
    'binfmt-not-permitted',
    'mount: /proc/sys/fs/binfmt_misc: permission denied.\n       dmesg(1) may have more information after failed mount system call.',
    'mount: /proc/sys/fs/binfmt_misc: permission denied.'
  ],
  ['binfmt-not-permitted', 'sh: 1: cannot create /proc/sys/fs/binfmt_misc/register: Read-only file system'],
  ['binfmt-not-permitted', 'open /proc/sys/fs/binfmt_misc/register: permission denied'],
  ['binfmt-not-permitted', "Error: EACCES: permission denied, open '/proc/sys/fs/binfmt_misc/register'"],
  ['binfmt-not-permitted', 'write /proc/sys/fs/binfmt_misc/register: operation not permitted'],
  [
    'binfmt-not-permitted',
    'Error: cannot mount binfmt_misc at /proc/sys/fs/binfmt_misc: operation not permitted (the job runs in a container without privileges?)'
  ]
]

describe('diagnose', () => {
  test.each(CASES.map(([id, text, symptom]) => [id, text, symptom ?? text.trim()]))('%s: %s', (id, text, symptom) => {
    const d = diagnose(text)
    expect(d?.id).toBe(id)
    // the symptom is the line that shows the failure, trimmed
    expect(d?.symptom).toBe(symptom)
    // every fix names an input of the action or a concrete step
    expect(INPUTS.some(i => d?.fix.includes(`\`${i}`)) || /QEMU_LD_PREFIX|--privileged|docker run --platform/.test(d?.fix ?? '')).toBe(true)
  })

  test.each([
    'exec: "uname": executable file not found in $PATH: unknown',
    'docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown.',
    'cat: /etc/foo: No such file or directory',
    "ls: cannot access '/x': No such file or directory",
    'Segmentation fault (core dumped)',
    "rm: cannot remove '/x': Operation not permitted",
    'everything is fine',
    ''
  ])('nothing known: %j', text => {
    expect(diagnose(text)).toBeUndefined()
  })

  test.each([
    ["qemu-x86_64: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory", 'QEMU_LD_PREFIX', 'amd64'],
    ["qemu-i386: Could not open '/lib/ld-linux.so.2': No such file or directory", 'libc6:i386', 'linux/386'],
    ['Fatal glibc error: CPU does not support x86-64-v3', '`qemu-version`', 'x86-64-v3'],
    ['exec /bin/sh: exec format error', '`platforms`', 'no binfmt_misc handler'],
    ['exec /bin/sh: no such file or directory', '`flags: F`', 'without the F flag'],
    ['qemu: uncaught target signal 11 (Segmentation fault) - core dumped', '`qemu-version`', 'QEMU bug'],
    ['cannot mount binfmt_misc: operation not permitted', '--privileged', 'privileged']
  ])('%s: fix mentions %s, cause mentions %s', (text, inFix, inCause) => {
    const d = diagnose(text)
    expect(d?.fix).toContain(inFix)
    expect(`${d?.cause} ${d?.fix}`).toContain(inCause)
  })

  test('the specific message wins over the generic one in a whole log', () => {
    const log = [
      '#7 [2/3] RUN ldconfig',
      '#7 0.512 qemu: uncaught target signal 11 (Segmentation fault) - core dumped',
      '#7 0.530 Segmentation fault (core dumped)',
      '#7 ERROR: process "/bin/sh -c ldconfig" did not complete successfully: exit code: 139'
    ].join('\n')
    expect(diagnose(log)?.symptom).toBe('#7 0.512 qemu: uncaught target signal 11 (Segmentation fault) - core dumped')
    expect(diagnose("qemu-x86_64: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory")?.id).toBe('missing-loader')
    expect(diagnose('qemu: uncaught target signal 4 (Illegal instruction) - core dumped\nIllegal instruction (core dumped)')?.id).toBe(
      'illegal-instruction'
    )
  })

  test('diagnoseAll lists each known failure once', () => {
    const text = 'exec /bin/sh: exec format error\nexec /bin/true: exec format error\nFatal glibc error: CPU does not support x86-64-v2'
    expect(diagnoseAll(text).map(d => d.id)).toEqual(['cpu-level', 'exec-format'])
  })

  test('CRLF logs and huge lines', () => {
    expect(diagnose('step 1\r\nexec /bin/sh: exec format error\r\n')?.symptom).toBe('exec /bin/sh: exec format error')
    const long = diagnose(`${'x'.repeat(5000)} exec format error`)
    expect(long).toMatchObject({ id: 'exec-format', symptom: `${'x'.repeat(300)}...` })
  })

  test('formatDiagnosis: the symptom, then the cause and the fix on their own lines', () => {
    expect(formatDiagnosis(diagnose('exec /bin/uname: exec format error')!)).toBe(
      [
        'exec /bin/uname: exec format error',
        "  likely cause: no binfmt_misc handler is registered for the program's architecture, so the kernel cannot run it: the action did not run in this job, " +
          'did not register this platform, or its post step (`cleanup`) already removed the handler; a reboot or another job on the same machine can remove it too.',
        "  what helps: run the action before this step with the program's platform in `platforms` (e.g. `platforms: amd64`), keep `verify` at auto so a missing handler fails " +
          'the action itself, and run the program before the job ends (the post step removes what the action registered when `cleanup` is true)'
      ].join('\n')
    )
  })
})

describe('amd64 Go and QEMU 9.0 or later', () => {
  const crash = 'runtime: lfstack.push invalid packing: node=0xffffbc01b8c0 cnt=0x1\nfatal error: lfstack.push'
  test('names the QEMU version it ran under, the variable that helps and the release that works', () => {
    const d = diagnose(crash, { qemuVersion: '10.0.13' })
    expect(d?.id).toBe('go-high-address')
    expect(d?.cause).toMatch(/^an amd64 Go program was handed memory above the 47-bit address space .*: QEMU 10\.0\.13 passes/)
    expect(d?.fix).toMatch(/^set QEMU_GUEST_BASE=0x800000000000 in the program's environment/)
    expect(d?.fix).toMatch(/Or use the QEMU 7\.2 the action downloads by default \(`install: download`.* instead of the QEMU 10\.0\.13,/)
  })
  test('says the action exports the variable for later steps and what a container needs', () => {
    const fix = diagnose(crash)?.fix
    expect(fix).toContain('The action exports it for its later steps')
    expect(fix).toContain('`docker run -e QEMU_GUEST_BASE=0x800000000000 ...`')
    expect(fix).toContain('`ENV QEMU_GUEST_BASE=0x800000000000` in its Dockerfile')
  })
  test('without a version it names the releases that do this', () => {
    expect(diagnose(crash)?.cause).toMatch(/QEMU 9\.0 or later passes/)
  })
  test.each([
    ['7.2.22', false],
    ['8.2.2', false],
    ['9.0.0', true],
    ['10.0.13', true],
    ['11.1.3', true],
    ['', false]
  ])('givesHighAddresses(%j) is %s', (version, expected) => {
    expect(givesHighAddresses(version)).toBe(expected)
  })
})

describe('the x86-64 level the emulator offers', () => {
  test('a v2 program under an old CPU model: a newer QEMU helps', () => {
    const d = diagnose('Fatal glibc error: CPU does not support x86-64-v2', { x86Level: 'x86-64-v1' })!
    expect(d.cause).toMatch(/^the program \(its C library\) needs x86-64-v2 \(the emulated CPU offers x86-64-v1\): QEMU older than 7\.2/)
    expect(d.fix).toMatch(/^use a newer QEMU: `qemu-version` 7\.2 or later/)
  })

  test.each([
    ['Fatal glibc error: CPU does not support x86-64-v4', undefined],
    ['./tool: CPU ISA level is lower than required', 'x86-64-v3']
  ])('%j (emulated level %s): no QEMU emulates v4, so the build has to change', (line, x86Level) => {
    const d = diagnose(line, { x86Level })!
    expect(d.id).toBe('cpu-level')
    expect(d.cause).toMatch(/no QEMU release emulates AVX-512 \(x86-64-v4\)/)
    expect(d.fix).toMatch(/^build the program for x86-64-v3 or lower/)
  })

  test('an illegal instruction under the most QEMU emulates points at the build, under less at QEMU', () => {
    const trap = 'qemu: uncaught target signal 4 (Illegal instruction) - core dumped'
    expect(diagnose(trap, { x86Level: 'x86-64-v3' })!.fix).toBe('build it for x86-64-v3 or lower, or run it on an x86 machine')
    expect(diagnose(trap, { x86Level: 'x86-64-v2' })!.fix).toMatch(/^use a newer QEMU through `qemu-version`/)
  })
})

describe('hostile text: a container image writes what diagnose reads', () => {
  const MODULE = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'checks', 'diagnose.ts')).href
  // CommonJS, as eval'd workers are; tsx loads the TypeScript source
  const WORKER = `const { parentPort, workerData } = require('node:worker_threads')
import('tsx/esm/api')
  .then(({ tsImport }) => tsImport(workerData.module, workerData.module))
  .then(({ diagnoseAll }) => parentPort.postMessage(diagnoseAll(workerData.text).map(({ id, symptom }) => ({ id, symptom }))))`
  const workers: Worker[] = []
  afterEach(() => Promise.all(workers.splice(0).map(worker => worker.terminate())))

  /**
   * diagnoseAll() on a thread of its own: jest's timeout cannot stop a regular expression running on
   * the test's thread, but it fails a test left waiting for a worker (which afterEach then ends).
   */
  const diagnoseApart = (text: string): Promise<{ id: DiagnosisId; symptom: string }[]> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(WORKER, { eval: true, workerData: { module: MODULE, text } })
      workers.push(worker)
      worker.once('message', resolve).once('error', reject)
    })

  /** `unit` repeated to about `length` characters. */
  const run = (unit: string, length: number) => unit.repeat(Math.floor(length / unit.length))

  // What each old pattern's nested quantifiers took, with no ending that matches: the old patterns ran
  // their `.*` or `[^']*` to the line's end again from every place the run repeats (quadratic).
  const SHAPES: [string, string, DiagnosisId, string][] = [
    ['binfmt_misc with no refusal after', 'binfmt_misc ', 'binfmt-not-permitted', 'mount: /proc/sys/fs/binfmt_misc: permission denied.'],
    [
      'refusals with no binfmt_misc after',
      'permission denied ',
      'binfmt-not-permitted',
      'write /proc/sys/fs/binfmt_misc/register: operation not permitted'
    ],
    [
      'a quoted path of /ld with no closing quote',
      '/ld',
      'missing-loader',
      "qemu-x86_64: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory"
    ],
    ['qemu: with no Segmentation fault after', 'qemu:', 'qemu-crash', 'qemu-x86_64-static: Segmentation fault'],
    ['qemu with no colon after', 'qemu', 'qemu-crash', 'qemu-x86_64-static: Segmentation fault'],
    [
      'exec container process with no message after',
      'exec container process ',
      'interpreter-not-found',
      '{"msg":"exec container process `/usr/bin/uname`: No such file or directory","level":"error"}'
    ]
  ]
  /** A line of about `length` characters; the loader's run sits inside the quote it opens. */
  const line = (unit: string, length: number) => {
    const opened = unit === '/ld' ? "qemu-x86_64: Could not open '" : ''
    return opened + run(unit, length - opened.length)
  }

  test.each(SHAPES)(
    'a 1 MiB line of %s is no failure, and the real one after it is found',
    async (_shape, unit, id, real) => {
      expect(await diagnoseApart(`${line(unit, 1 << 20)}\n${real}`)).toEqual([{ id, symptom: real }])
    },
    10_000
  )

  test.each(SHAPES)(
    '32 MiB of 8 KiB lines (each read whole) of %s are no failure, and the real one after them is found',
    async (_shape, unit, id, real) => {
      const lines = Array.from({ length: 4096 }, () => line(unit, 8 << 10))
      expect(await diagnoseApart(`${lines.join('\n')}\n${real}`)).toEqual([{ id, symptom: real }])
    },
    10_000
  )
})
