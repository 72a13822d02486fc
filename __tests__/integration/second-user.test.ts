/**
 * A second user on the machine (nobody, through setpriv) plays the attacker against the action and
 * the command line running as root, on the real kernel: folders made ahead of root's with the names
 * it used to pick, links into root's own files, and an existing entry whose interpreter that user
 * can rewrite. Each test asserts the attack did nothing: no write through a link, no folder of the
 * attacker's used or removed, the attacker's program never run as root.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { entryFor, platformOf } from '../../src/kernel/platforms.js'
import { registerLine } from '../../src/kernel/binfmt.js'
import { ACTION_NODE, kernelExec, registerRaw, removeEntries, ROOT, runStep, tableText, workdir } from '../helpers/action.js'
import { command, describeWhen, root } from '../helpers/requirements.js'

const QEMU = '/usr/bin/qemu-aarch64-static'
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups']
const cli = (...args: string[]) => {
  const result = spawnSync(ACTION_NODE, [join(ROOT, 'dist', 'cli', 'index.js'), ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describeWhen([root, command(QEMU), command('/usr/bin/setpriv')], 'a second user playing the attacker', () => {
  let initial: Record<string, string>
  let dir: string
  let secret: string
  beforeAll(() => {
    initial = tableText()
    expect(Object.keys(initial).filter(n => /aarch64/.test(n))).toEqual([])
  })
  afterEach(() => {
    cli('uninstall')
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  afterAll(() => expect(tableText()).toEqual(initial))

  /** A work folder nobody can enter, a file of root's (mode 600) in a folder of root's, and a trap folder of nobody's. */
  const prepare = () => {
    dir = workdir()
    chmodSync(dir, 0o755)
    mkdirSync(join(dir, 'root-only'), { mode: 0o700 })
    secret = join(dir, 'root-only/secret')
    writeFileSync(secret, 'root data\n', { mode: 0o600 })
    mkdirSync(join(dir, 'trap'))
    chmodSync(join(dir, 'trap'), 0o777)
  }
  const secretUntouched = () => {
    expect(readFileSync(secret, 'utf8')).toBe('root data\n')
    expect(statSync(secret).mode & 0o7777).toBe(0o600)
    expect(readdirSync(join(dir, 'root-only'))).toEqual(['secret'])
  }
  /**
   * nobody makes, in `parent`, the scratch folders root used to take by name for the next pids, each
   * with the links the probe used to write through: its chroot root to nobody's trap, its probe program
   * to root's secret file.
   */
  const plantScratchFolders = (parent: string): string[] => {
    // One process (no mkdir or ln per folder), so the pids it plants for are the next ones handed out.
    const script = `
      const fs = require('node:fs')
      const last = Number(fs.readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'))
      for (let pid = last + 1; pid <= last + 400; pid++) {
        const d = ${JSON.stringify(parent)} + '/setup-x86-on-arm-' + pid
        fs.mkdirSync(d)
        fs.symlinkSync(${JSON.stringify(join(dir, 'trap'))}, d + '/root-aarch64')
        fs.symlinkSync(${JSON.stringify(secret)}, d + '/probe-aarch64')
        console.log('setup-x86-on-arm-' + pid)
      }`
    const planted = spawnSync('setpriv', [...NOBODY, process.execPath, '-e', script], { encoding: 'utf8' })
    expect(planted.stderr).toBe('')
    return planted.stdout.split('\n').filter(Boolean)
  }

  test('the command line never takes a scratch folder another user made ahead of it (install and status)', () => {
    prepare()
    const planted = plantScratchFolders('/tmp')
    try {
      expect(planted.length).toBe(400)
      const install = cli('install', '--platforms', 'arm64', '--verify', 'probe', '--json')
      expect(install.stderr).toBe('')
      expect(install.code).toBe(0)
      expect(JSON.parse(install.stdout).failures).toEqual([])
      const status = cli('status')
      expect(status.stdout).toMatch(/^qemu-aarch64\s+enabled\s+linux\/arm64\s+\S+\s+F\s+probe ok$/m)
      // Nothing written through nobody's links, nothing of nobody's removed.
      secretUntouched()
      expect(readdirSync(join(dir, 'trap'))).toEqual([])
      for (const name of planted) expect(readdirSync(join('/tmp', name)).sort()).toEqual(['probe-aarch64', 'root-aarch64'])
    } finally {
      for (const name of planted) rmSync(join('/tmp', name), { recursive: true, force: true })
    }
  })

  test('the action never takes a scratch folder in a runner temp folder another user can write', () => {
    prepare()
    const temp = join(dir, 'runner-temp')
    mkdirSync(temp)
    chmodSync(temp, 0o777)
    const planted = plantScratchFolders(temp)
    const job = runStep('all', join(dir, 'job'), { platforms: 'arm64', verify: 'probe' }, { RUNNER_TEMP: temp })
    expect(job.stdout).not.toMatch(/^::error::/m)
    expect(job.code).toBe(0)
    expect(job.stdout).toMatch(/linux\/arm64: registered qemu-aarch64 .*probe printed aarch64/)
    secretUntouched()
    expect(readdirSync(join(dir, 'trap'))).toEqual([])
    expect(readdirSync(temp).sort()).toEqual([...planted].sort())
    expect(tableText()).toEqual(initial)
  })

  test('an existing entry whose interpreter another user can rewrite is never run: replaced for the job, put back after', () => {
    prepare()
    // nobody's "interpreter": a script that records who ran it. Registered without F, the kernel
    // runs whatever the file holds at each exec.
    const theirs = join(dir, 'trap/qemu-aarch64')
    const ranAs = join(dir, 'trap/ran-as')
    writeFileSync(theirs, `#!/bin/sh\nid -u >> ${ranAs}\nexec ${QEMU} "$@"\n`, { mode: 0o755 })
    spawnSync('chown', ['65534:65534', theirs])
    registerRaw(registerLine(entryFor(platformOf('aarch64'), theirs, '')))
    const before = tableText()
    const job = runStep('main', join(dir, 'job'), { platforms: 'arm64', verify: 'probe' })
    expect(job.code).toBe(0)
    expect(job.stdout).toMatch(
      new RegExp(
        `^::warning::linux/arm64: the entry qemu-aarch64 is not run: ${theirs} is owned by uid 65534, not root; the action registers its own in front of it`,
        'm'
      )
    )
    expect(existsSync(ranAs)).toBe(false)
    // The job's own entry serves its programs; nobody's script is not in the way.
    expect(kernelExec('aarch64', dir)).toBe('aarch64')
    expect(existsSync(ranAs)).toBe(false)
    // status does not probe it either
    expect(runStep('post', join(dir, 'job')).code).toBe(0)
    expect(tableText()).toEqual(before)
    expect(cli('status').stdout).toMatch(
      /^qemu-aarch64\s+enabled\s+linux\/arm64\s+\S+\s+\s*not probed: its interpreter is not root's alone$/m
    )
    expect(existsSync(ranAs)).toBe(false)
  })
})
