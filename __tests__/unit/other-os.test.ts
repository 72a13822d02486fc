/**
 * The step on macOS and Windows runners, on a fake host and a fake runner: what it says runs and
 * how, the outputs it sets, the one line that fails it (Rosetta 2 missing), and what it runs.
 */
import { describe, expect, test } from '@jest/globals'
import type { RunResult } from '../../src/kernel/process.js'
import { isOtherOs, type OtherHost, otherOs } from '../../src/core/other-os.js'
import type { Outputs } from '../../src/core/report.js'
import { parsePlatforms } from '../../src/faces/inputs.js'

const ROSETTA = '/usr/bin/arch -x86_64 /usr/bin/true'
const SYSCTL = '/usr/sbin/sysctl -n sysctl.proc_translated'
const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '' })
const NO_ROSETTA: RunResult = { code: 1, stdout: '', stderr: 'arch: posix_spawnp: /usr/bin/true: Bad CPU type in executable\n' }
const UNKNOWN_OID: RunResult = { code: 1, stdout: '', stderr: "sysctl: unknown oid 'sysctl.proc_translated'\n" }

const mac = (arch: string): OtherHost => ({ os: 'darwin', arch, release: '24.6.0' })
const windows = (arch: string, release = '10.0.26100'): OtherHost => ({ os: 'win32', arch, release })

/** A runner that answers the programs it is given and records what was run; anything else fails the test. */
function fakeRunner(answers: Record<string, RunResult>) {
  const ran: string[] = []
  const run = async (command: string, args: string[]) => {
    const line = [command, ...args].join(' ')
    ran.push(line)
    if (!answers[line]) throw new Error(`unexpected program: ${line}`)
    return answers[line]
  }
  return { ran, run }
}

const outputs = (given: Partial<Outputs>): Outputs => ({
  platforms: '',
  native: '',
  interpreter: '',
  'qemu-version': '',
  'install-method': '',
  'cache-hit': 'false',
  'x86-64-level': '',
  sysroot: '',
  ...given
})

const MAC_SILICON =
  'this is a macOS runner (Apple silicon): the platforms are taken as macOS programs; Linux programs run only in a Linux VM (Docker Desktop, Colima): nothing is registered here'
const MAC_INTEL =
  'this is a macOS runner (Intel): the platforms are taken as macOS programs; Linux programs run only in a Linux VM (Docker Desktop, Colima): nothing is registered here'
const WINDOWS_ARM =
  'this is a Windows runner (arm64): the platforms are taken as Windows programs; Linux programs run only in WSL or a Linux VM: nothing is registered here'
const WINDOWS_X64 =
  'this is a Windows runner (x64): the platforms are taken as Windows programs; Linux programs run only in WSL or a Linux VM: nothing is registered here'

describe('otherOs', () => {
  test.each([
    [
      'macOS on Apple silicon with Rosetta 2',
      mac('arm64'),
      'amd64, arm64, 386',
      { [ROSETTA]: ok() },
      [
        MAC_SILICON,
        `darwin/amd64: x86_64 macOS programs run through Rosetta 2 (checked: ${ROSETTA})`,
        'darwin/arm64: runs natively',
        'darwin/386: not served: macOS runs no 32-bit programs since 10.15'
      ],
      outputs({ platforms: 'darwin/amd64,darwin/arm64', native: 'darwin/arm64', 'install-method': 'existing' }),
      [ROSETTA]
    ],
    [
      'macOS with Node itself under Rosetta 2 (x64 Node on Apple silicon)',
      mac('x64'),
      'amd64, arm64',
      { [SYSCTL]: ok('1\n') },
      [
        MAC_SILICON,
        'darwin/amd64: x86_64 macOS programs run through Rosetta 2 (this step itself runs under it)',
        'darwin/arm64: runs natively'
      ],
      outputs({ platforms: 'darwin/amd64,darwin/arm64', native: 'darwin/arm64', 'install-method': 'existing' }),
      [SYSCTL]
    ],
    [
      'macOS on Intel',
      mac('x64'),
      'amd64, arm64',
      { [SYSCTL]: ok('0\n') },
      [MAC_INTEL, 'darwin/amd64: runs natively', 'darwin/arm64: not served: an Intel Mac runs no arm64 programs'],
      outputs({ platforms: 'darwin/amd64', native: 'darwin/amd64' }),
      [SYSCTL]
    ],
    [
      'macOS on Intel before macOS 11 (no sysctl.proc_translated)',
      mac('x64'),
      'amd64',
      { [SYSCTL]: UNKNOWN_OID },
      [MAC_INTEL, 'darwin/amd64: runs natively'],
      outputs({ platforms: 'darwin/amd64', native: 'darwin/amd64' }),
      [SYSCTL]
    ],
    [
      'Windows on Arm',
      windows('arm64'),
      'amd64, 386, arm64, arm',
      {},
      [
        WINDOWS_ARM,
        "windows/amd64: x64 Windows programs run through Windows' own emulation",
        "windows/386: x86 Windows programs run through Windows' own emulation",
        'windows/arm64: runs natively',
        'windows/arm/v7: not served: Windows 11 24H2 and later run no 32-bit Arm programs'
      ],
      outputs({ platforms: 'windows/amd64,windows/386,windows/arm64', native: 'windows/arm64', 'install-method': 'existing' }),
      []
    ],
    [
      'Windows 10 on Arm (x86 emulation only)',
      windows('arm64', '10.0.19045'),
      'amd64, 386',
      {},
      [
        WINDOWS_ARM,
        'windows/amd64: not served: Windows 10 on Arm (build 19045) emulates x86 programs only: x64 ones need Windows 11',
        "windows/386: x86 Windows programs run through Windows' own emulation"
      ],
      outputs({ platforms: 'windows/386', 'install-method': 'existing' }),
      []
    ],
    [
      'Windows on x64',
      windows('x64'),
      'amd64, 386, arm64, riscv64',
      {},
      [
        WINDOWS_X64,
        'windows/amd64: runs natively',
        'windows/386: runs natively',
        'windows/arm64: not served: Windows on x64 runs no arm64 programs',
        'windows/riscv64: not served: Windows runs arm64, x64 and x86 programs only'
      ],
      outputs({ platforms: 'windows/amd64,windows/386', native: 'windows/amd64,windows/386' }),
      []
    ]
  ])('%s: says how each platform runs, sets the outputs and succeeds', async (_what, host, requested, answers, lines, expected, ran) => {
    const runner = fakeRunner(answers)
    const result = await otherOs(parsePlatforms(requested), host, runner.run)
    expect(result.lines).toEqual(lines)
    expect(result.outputs).toEqual(expected)
    expect(result.failure).toBeUndefined()
    expect(runner.ran).toEqual(ran)
  })

  test('Apple silicon without Rosetta 2: fails with one line naming the fix, and still sets the outputs', async () => {
    const runner = fakeRunner({ [ROSETTA]: NO_ROSETTA })
    const result = await otherOs(parsePlatforms('amd64, arm64'), mac('arm64'), runner.run)
    const failure =
      `darwin/amd64: x86_64 macOS programs need Rosetta 2, and ${ROSETTA} failed (arch: posix_spawnp: /usr/bin/true: Bad CPU type in executable): ` +
      'install it with softwareupdate --install-rosetta --agree-to-license'
    expect(result.failure).toBe(failure)
    expect(result.lines).toEqual([MAC_SILICON, failure, 'darwin/arm64: runs natively'])
    expect(result.outputs).toEqual(outputs({ platforms: 'darwin/arm64', native: 'darwin/arm64' }))
  })

  test.each([
    ['arm64', 'darwin/arm64', 'darwin/arm64'],
    ['386, riscv64', '', '']
  ])('Apple silicon, platforms %s: Rosetta 2 is not asked for, nothing is run', async (requested, platforms, native) => {
    const runner = fakeRunner({})
    const result = await otherOs(parsePlatforms(requested), mac('arm64'), runner.run)
    expect(runner.ran).toEqual([])
    expect(result.failure).toBeUndefined()
    expect(result.outputs).toEqual(outputs({ platforms, native }))
  })

  test.each([
    ['darwin', true],
    ['win32', true],
    ['linux', false],
    ['freebsd', false]
  ] as const)('%s is served here: %s', (os, expected) => {
    expect(isOtherOs(os)).toBe(expected)
  })
})
