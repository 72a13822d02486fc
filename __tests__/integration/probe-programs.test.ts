/**
 * Runs every probe program for real: under Debian's qemu-user-static binaries, invoked directly
 * (no binfmt_misc registration is made or needed), and natively where the host can. Also checks
 * that the embedded code bytes are what binutils makes of scripts/probes/*.S.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PLATFORMS, platformOf, type QemuTarget } from '../../src/kernel/platforms.js'
import { PROBES, X86_LEVEL_PROBE, parseX86Level, probeProgram, x86LevelProgram } from '../../src/checks/probe-programs.js'
import { command, describeWhen } from '../helpers/requirements.js'

const TARGETS = PLATFORMS.map(p => p.target)
const qemu = (target: QemuTarget): string => `/usr/bin/qemu-${target}-static`
const onX86_64 = process.arch === 'x64' && process.platform === 'linux'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-programs-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Writes a program to the temp dir (mode 0755) and returns its path. */
function install(name: string, program: Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, program, { mode: 0o755 })
  return path
}

/** Runs a command; expects exit 0 and returns stdout. */
function run(file: string, args: string[] = []): string {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 30_000 })
  if (result.error) throw result.error
  const how = result.signal ? `signal ${result.signal}` : `status ${result.status}`
  expect({ command: [file, ...args].join(' '), exit: how, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
    command: [file, ...args].join(' '),
    exit: 'status 0',
    stderr: ''
  })
  return result.stdout
}

/** The machine a probe printed: exactly one line. */
function machineOf(stdout: string): string {
  expect(stdout).toMatch(/^[^\n]+\n$/)
  return stdout.slice(0, -1)
}

describeWhen(
  TARGETS.map(t => command(qemu(t))),
  'probe programs under qemu-user (invoked directly)',
  () => {
    test.each(TARGETS)('%s prints its platform machine', target => {
      const program = install(`uname-${target}`, probeProgram(target))
      expect(machineOf(run(qemu(target), [program]))).toMatch(platformOf(target).machine)
    })
  }
)

;(onX86_64 ? describe : describe.skip)('probe programs natively on an x86_64 host', () => {
  test('x86_64 prints x86_64', () => {
    const program = install('native-x86_64', probeProgram('x86_64'))
    expect(machineOf(run(program))).toMatch(platformOf('x86_64').machine)
  })

  // A 32-bit program on a 64-bit kernel sees the kernel's machine (x86_64) unless its
  // personality is PER_LINUX32, which is what `setarch i686` (linux32) sets.
  test('i386 prints the kernel machine (x86_64) by default', () => {
    const program = install('native-i386', probeProgram('i386'))
    expect(machineOf(run(program))).toBe('x86_64')
  })

  describeWhen([command('/usr/bin/setarch')], 'with setarch', () => {
    test('i386 under `setarch i686` matches the i386 platform', () => {
      const program = install('native-i386-linux32', probeProgram('i386'))
      expect(machineOf(run('/usr/bin/setarch', ['i686', program]))).toMatch(platformOf('i386').machine)
    })
  })
})

describeWhen([command(qemu('x86_64'))], 'x86LevelProgram under qemu-x86_64 CPU models', () => {
  // Levels of QEMU's CPU models (as QEMU's TCG implements them): Penryn lacks SSE4.2/POPCNT,
  // SandyBridge lacks AVX2/BMI/FMA, Haswell is the first v3 model. TCG has no AVX-512, so no model
  // reaches v4 under QEMU (through at least 7.2): `max` is v3 there.
  test.each([
    ['qemu64', 1],
    ['Penryn', 1],
    ['Nehalem', 2],
    ['SandyBridge', 2],
    ['Haswell', 3]
  ] as const)('-cpu %s -> x86-64-v%d', (model, level) => {
    const program = install('x86-level', x86LevelProgram())
    expect(parseX86Level(run(qemu('x86_64'), ['-cpu', model, program]))).toBe(level)
  })

  test('-cpu max is at least x86-64-v3 (QEMU >= 7.2 implements AVX2 in TCG)', () => {
    const program = install('x86-level', x86LevelProgram())
    const level = parseX86Level(run(qemu('x86_64'), ['-cpu', 'max', program]))
    expect(level).toBeGreaterThanOrEqual(3)
  })
})

/** The x86-64 level /proc/cpuinfo's flags imply (Linux names: pni = SSE3, abm = LZCNT; the kernel
 * hides OSXSAVE but lists avx/avx512* only when it enables their state in XCR0). */
function levelFromCpuinfo(cpuinfo: string): 1 | 2 | 3 | 4 {
  const line = /^flags\s*:(.*)$/m.exec(cpuinfo)
  if (!line) throw new Error('no flags line in /proc/cpuinfo')
  const flags = new Set(line[1].trim().split(/\s+/))
  const all = (names: string[]): boolean => names.every(n => flags.has(n))
  if (!all(['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'])) return 1
  if (!all(['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'])) return 2
  if (!all(['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'])) return 3
  return 4
}

;(onX86_64 ? describe : describe.skip)('x86LevelProgram natively', () => {
  test('prints the level the CPU flags in /proc/cpuinfo imply', () => {
    const program = install('x86-level-native', x86LevelProgram())
    const expected = levelFromCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'))
    expect(parseX86Level(run(program))).toBe(expected)
  })
})

const ASSEMBLERS = [
  'as',
  'aarch64-linux-gnu-as',
  'arm-linux-gnueabihf-as',
  'riscv64-linux-gnu-as',
  'powerpc64le-linux-gnu-as',
  's390x-linux-gnu-as',
  'mips64el-linux-gnuabi64-as'
]

describeWhen(
  ASSEMBLERS.map(a => command(`/usr/bin/${a}`)),
  'embedded code matches scripts/probes/*.S',
  () => {
    test('assemble.sh prints the bytes src/checks/probe-programs.ts embeds', () => {
      const out = run('bash', ['scripts/probes/assemble.sh'])
      const printed = new Map<string, string>()
      for (const line of out.split('\n')) {
        const m = /^(\S+)\s+(\d+) bytes\s+([0-9a-f]+)$/.exec(line)
        if (m) printed.set(m[1], m[3])
      }
      const embedded = new Map<string, string>(TARGETS.map(t => [t, Buffer.from(PROBES[t].code).toString('hex')]))
      embedded.set('x86-level', Buffer.from(X86_LEVEL_PROBE.code).toString('hex'))
      expect(Object.fromEntries(printed)).toEqual(Object.fromEntries(embedded))
    })
  }
)
