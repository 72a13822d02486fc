/** Pure decisions: the host, interpreter candidates, apt's packages, probe verdicts, outputs. */
import { describe, expect, test } from '@jest/globals'
import { hostProblem, type Host } from '../../src/kernel/host.js'
import { choosePackages, explainAptFailure, parseCandidates } from '../../src/install/apt.js'
import { candidatePaths, parseQemuVersion } from '../../src/install/interpreter.js'
import { hostFamily, lookupPlatform, platformOf } from '../../src/kernel/platforms.js'
import { judgeProbe } from '../../src/checks/probe.js'
import { failuresOf, outputsOf } from '../../src/core/report.js'

const host = (over: Partial<Host>): Host => ({
  os: 'linux',
  machine: 'aarch64',
  userlandBits: 64,
  family: hostFamily(over.machine ?? 'aarch64'),
  ...over
})
const amd64 = platformOf('x86_64')
const i386 = platformOf('i386')

describe('host', () => {
  test.each([
    ['a 64-bit ARM runner', host({}), [amd64, i386], undefined],
    [
      'macOS',
      host({ os: 'darwin' }),
      [amd64],
      /works on Linux runners only; this one runs darwin \(macOS runs x86_64 programs through Rosetta 2\)/
    ],
    ['Windows', host({ os: 'win32' }), [amd64], /Windows on ARM emulates x64 programs itself/],
    [
      'a 32-bit userland on a 64-bit kernel, amd64',
      host({ userlandBits: 32 }),
      [amd64],
      /runs a 32-bit userland, and 64-bit guests \(linux\/amd64\) need a 64-bit one.*use a 64-bit OS image/
    ],
    ['a 32-bit userland on a 64-bit kernel, 386 only', host({ userlandBits: 32 }), [i386], undefined]
  ])('%s', (_what, h, platforms, problem) => {
    const said = hostProblem(h, platforms)
    if (problem) expect(said).toMatch(problem)
    else expect(said).toBeUndefined()
  })

  test.each([
    ['x86_64', ['x86_64', 'i386']],
    ['aarch64', ['aarch64']],
    ['armv7l', ['arm']],
    ['riscv64', ['riscv64']],
    ['s390x', ['s390x']]
  ])('%s never registers its own family %j', (machine, family) => {
    expect(hostFamily(machine)).toEqual(family)
  })
})

describe('interpreter candidates', () => {
  test('PATH first, then the system folders, then Debian 13 binfmt-P; no duplicates, no relative dirs', () => {
    expect(candidatePaths('x86_64', '/opt/q/bin:relative:/usr/bin')).toEqual([
      '/opt/q/bin/qemu-x86_64-static',
      '/opt/q/bin/qemu-x86_64',
      '/usr/bin/qemu-x86_64-static',
      '/usr/bin/qemu-x86_64',
      '/usr/local/bin/qemu-x86_64-static',
      '/usr/local/bin/qemu-x86_64',
      '/bin/qemu-x86_64-static',
      '/bin/qemu-x86_64',
      '/usr/sbin/qemu-x86_64-static',
      '/usr/sbin/qemu-x86_64',
      '/usr/libexec/qemu-binfmt/x86_64-binfmt-P'
    ])
  })

  test.each([
    ['qemu-x86_64 version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)\nCopyright', '8.2.2'],
    ['qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)', '7.2.22'],
    ['qemu-x86_64 version 10.0', '10.0'],
    ['not qemu', undefined]
  ])('version of %j', (text, version) => {
    expect(parseQemuVersion(text)).toBe(version)
  })
})

describe('apt', () => {
  const policy = (candidates: Record<string, string>) =>
    Object.entries(candidates)
      .map(([name, c]) => `${name}:\n  Installed: (none)\n  Candidate: ${c}\n  Version table:\n`)
      .join('')

  test.each([
    [
      'Debian 12 / Ubuntu 24.04',
      { 'qemu-user-static': '1:7.2', 'binfmt-support': '2.2.2', 'qemu-user': '1:7.2' },
      ['qemu-user-static', 'binfmt-support']
    ],
    [
      'Debian 13+ (qemu-user is static)',
      { 'qemu-user-static': '(none)', 'qemu-user': '1:10.0', 'qemu-user-binfmt': '1:10.0' },
      ['qemu-user', 'qemu-user-binfmt']
    ],
    ['no binfmt-support', { 'qemu-user-static': '1:6.2' }, ['qemu-user-static']],
    ['nothing', { 'qemu-user-static': '(none)' }, undefined]
  ])('%s', (_what, candidates, packages) => {
    expect(choosePackages(parseCandidates(policy(candidates)))).toEqual(packages)
  })

  test.each([
    [
      'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)',
      /could not get the dpkg lock \/var\/lib\/dpkg\/lock-frontend within 120 s \(held by process 1234 \(unattended-upgr\)\).*unattended-upgrades/
    ],
    ['E: Unable to locate package qemu-user-static', /no QEMU user-mode package.*use install: download/],
    ['W: Some index files failed\nE: Failed to fetch http://x/pool/q.deb  404  Not Found', /E: Failed to fetch/]
  ])('explains %j', (output, explanation) => {
    expect(explainAptFailure(output)).toMatch(explanation)
  })
})

describe('probe verdicts', () => {
  test.each([
    ['aarch64', { code: 0, stdout: 'aarch64\n', stderr: '' }, '', { ok: true, output: 'aarch64' }],
    ['i386', { code: 0, stdout: 'x86_64\n', stderr: '' }, 'x86_64', { ok: true, output: 'x86_64' }],
    ['i386', { code: 0, stdout: 'x86_64\n', stderr: '' }, 'aarch64', { ok: false, failure: 'wrong-machine' }],
    ['x86_64', { code: 127, stdout: '', stderr: 'spawn /tmp/p ENOENT' }, '', { ok: false, failure: 'not-found' }],
    ['x86_64', { code: 126, stdout: '', stderr: 'Exec format error' }, '', { ok: false, failure: 'exec-format' }],
    ['x86_64', { code: 2, stdout: '', stderr: '/tmp/p/probe-x86_64: 1: ELF: not found' }, '', { ok: false, failure: 'exec-format' }]
  ] as const)('%s %j on a %s host', (target, result, nativeMachine, verdict) => {
    expect(judgeProbe(target, result, '/tmp/p/probe-x86_64', nativeMachine || undefined)).toMatchObject(verdict)
  })
})

describe('outputs', () => {
  test('native, emulated and failed platforms', () => {
    const report = {
      platforms: [
        { platform: lookupPlatform('arm64')!, status: 'native' as const, detail: '', seconds: 0 },
        {
          platform: amd64,
          status: 'registered' as const,
          detail: '',
          interpreter: '/q/qemu-x86_64',
          qemuVersion: '10.0.3',
          source: 'download' as const,
          seconds: 0
        },
        { platform: i386, status: 'failed' as const, detail: 'no qemu-i386', seconds: 0 }
      ],
      cacheHit: true,
      x86Level: 3
    }
    expect(outputsOf(report)).toEqual({
      platforms: 'linux/arm64,linux/amd64',
      native: 'linux/arm64',
      interpreter: '/q/qemu-x86_64',
      'qemu-version': '10.0.3',
      'install-method': 'download',
      'cache-hit': 'true',
      'x86-64-level': 'x86-64-v3',
      sysroot: ''
    })
    expect(outputsOf(report, '/cache/sysroot').sysroot).toBe('/cache/sysroot')
    expect(failuresOf(report)).toEqual(['linux/386: no qemu-i386'])
  })
})
