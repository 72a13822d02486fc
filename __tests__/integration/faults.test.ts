/**
 * Faults on a self-hosted runner, through the bundled action (dist/) on the real kernel with arm64
 * as the foreign target: a lock file whose owner was never written, a damaged host ledger while
 * another live job holds the entry, a post step given an edited state, main stopped by SIGTERM or
 * SIGINT in the middle of a download from a stalling server on 127.0.0.1, and a job whose main and
 * post run while another job's download stalls. Every job of a test shares one ledger folder
 * (SETUP_X86_ON_ARM_LEDGER_DIR), so the machine's own ledger is never touched.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { type ChildProcess, spawn } from 'node:child_process'
import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { ACTION_NODE, kernelExec, removeEntries, ROOT, runStep, runStepAsync, tableText, workdir } from '../helpers/action.js'
import { startServer, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen, root } from '../helpers/requirements.js'
import { platformOf, type QemuTarget } from '../../src/kernel/platforms.js'
import { INTERPRETER_STORE } from '../../src/faces/environment.js'

interface Job {
  child: ChildProcess
  dir: string
  done: Promise<number>
  output: () => string
}

const started: Job[] = []
const folders: string[] = []
let ledgerDir: string

/** A job's variables: the shared ledger folder, and its own runner temp folder. */
const jobEnv = (dir: string): NodeJS.ProcessEnv => ({ SETUP_X86_ON_ARM_LEDGER_DIR: ledgerDir, RUNNER_TEMP: join(dir, 'temp') })

function folder(): string {
  const dir = workdir()
  folders.push(dir)
  return dir
}

/** Starts local-run (the job's runner): `all` with a hold before post, or `main` alone. */
function startJob(step: 'all' | 'main', inputs: Record<string, string>): Job {
  const dir = folder()
  const args = [join(ROOT, 'scripts', 'local-run.mjs'), step, '--workdir', dir]
  if (step === 'all') args.push('--hold', join(dir, 'release'))
  for (const [name, value] of Object.entries(inputs)) args.push('--input', `${name}=${value}`)
  const child = spawn(ACTION_NODE, args, { env: { ...process.env, ...jobEnv(dir) }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', d => (output += d))
  child.stderr!.on('data', d => (output += d))
  const done = new Promise<number>(resolve => child.on('exit', code => resolve(code ?? -1)))
  const job = { child, dir, done, output: () => output }
  started.push(job)
  return job
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function waitFor(what: string, met: () => boolean, ms = 60_000): Promise<void> {
  for (let waited = 0; !met(); waited += 50) {
    if (waited > ms) throw new Error(`waited ${ms / 1000} s for ${what}`)
    await sleep(50)
  }
}

async function mainDone(job: Job): Promise<string> {
  const ready = join(job.dir, 'release.ready')
  await waitFor('main to end', () => existsSync(ready))
  return readFileSync(ready, 'utf8')
}

function release(job: Job): Promise<number> {
  writeFileSync(join(job.dir, 'release'), '')
  return job.done
}

/** Every file under a folder (none when it is gone). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
}

function parentOf(pid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return 0 // gone meanwhile
  }
}

/** The step local-run is running: its child process; undefined when there is none. */
function stepProcessOf(job: Job): number | undefined {
  const pid = readdirSync('/proc').find(name => /^\d+$/.test(name) && parentOf(name) === job.child.pid)
  return pid ? Number(pid) : undefined
}

function mainProcessOf(job: Job): number {
  const pid = stepProcessOf(job)
  if (!pid) throw new Error(`no main step under local-run ${job.child.pid}`)
  return pid
}

/** The last value of a key in a GITHUB_STATE file (`name<<DELIM` blocks). */
function stateValue(dir: string, key: string): string {
  const lines = readFileSync(join(dir, 'state'), 'utf8').split('\n')
  let value = ''
  for (let i = 0; i < lines.length; i++) {
    const heredoc = new RegExp(`^${key}<<(.+)$`).exec(lines[i])
    if (!heredoc) continue
    const body: string[] = []
    for (i++; i < lines.length && lines[i] !== heredoc[1]; i++) body.push(lines[i])
    value = body.join('\n')
  }
  return value
}

/** What a step of the job could do to the state main saved: the post step reads the last value. */
function editState(dir: string, key: string, value: string): void {
  appendFileSync(join(dir, 'state'), `${key}<<EDITED\n${value}\nEDITED\n`)
}

const ledgerFile = () => join(ledgerDir, 'ledger.json')

describeWhen([root, command('/usr/bin/qemu-aarch64-static'), command('/usr/bin/python3')], 'faults on a self-hosted runner', () => {
  let initial: Record<string, string>
  let probes: string
  beforeAll(() => {
    initial = tableText()
  })
  beforeEach(() => {
    ledgerDir = folder()
    probes = folder()
  })
  afterEach(async () => {
    for (const job of started.splice(0)) {
      if (job.child.exitCode === null && job.child.signalCode === null) {
        // A failed expectation must leave no job waiting for its release, or stalled in a download.
        const step = stepProcessOf(job)
        if (step) process.kill(step, 'SIGKILL')
        job.child.kill('SIGKILL')
        await job.done
      }
    }
    removeEntries(Object.keys(tableText()).filter(name => !(name in initial)))
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  test.each([
    ['written just now (its process died before writing its owner)', false],
    ['older than the boot', true]
  ])(
    'a lock file without an owner, %s, is broken: main and post complete',
    async (_what, beforeBoot) => {
      writeFileSync(join(ledgerDir, 'lock'), '')
      if (beforeBoot) {
        const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0])
        const past = new Date(Date.now() - (uptime + 3600) * 1000)
        utimesSync(join(ledgerDir, 'lock'), past, past)
      }
      const dir = folder()
      const job = await runStepAsync('all', dir, { platforms: 'arm64' }, jobEnv(dir))
      expect(job.code).toBe(0)
      expect(job.stdout).toMatch(/removed qemu-aarch64/)
      expect(existsSync(join(ledgerDir, 'lock'))).toBe(false)
      expect(tableText()).toEqual(initial)
    },
    120_000
  )

  const damages: [string, () => void][] = [
    ['garbage', () => writeFileSync(ledgerFile(), 'garbage\u0000{')],
    ['cut short', () => writeFileSync(ledgerFile(), readFileSync(ledgerFile(), 'utf8').slice(0, 40))],
    [
      'a symbolic link instead of a file',
      () => {
        renameSync(ledgerFile(), join(ledgerDir, 'elsewhere.json'))
        symlinkSync(join(ledgerDir, 'elsewhere.json'), ledgerFile())
      }
    ],
    ['entries null', () => writeFileSync(ledgerFile(), '{"entries":null}')],
    [
      'holders not a list',
      () => {
        const ledger = JSON.parse(readFileSync(ledgerFile(), 'utf8'))
        ledger.entries['qemu-aarch64'].holders = 'job B'
        writeFileSync(ledgerFile(), JSON.stringify(ledger))
      }
    ],
    [
      'a record without its entry',
      () => {
        const ledger = JSON.parse(readFileSync(ledgerFile(), 'utf8'))
        delete ledger.entries['qemu-aarch64'].entry
        writeFileSync(ledgerFile(), JSON.stringify(ledger))
      }
    ]
  ]
  test.each(damages)(
    'a damaged ledger (%s): the entry another live job holds survives; a warning names it',
    async (_what, damage) => {
      const a = startJob('all', { platforms: 'arm64' })
      expect(await mainDone(a)).toBe('0')
      const b = startJob('all', { platforms: 'arm64' })
      expect(await mainDone(b)).toBe('0')
      expect(b.output()).toMatch(/install-method=existing/)
      damage()

      expect(await release(a)).toBe(0)
      expect(a.output()).toMatch(/::warning::the host's ledger \S*ledger\.json could not be trusted/)
      expect(a.output()).toContain(ledgerFile())
      expect(kernelExec('aarch64', probes)).toBe('aarch64')
      expect(JSON.parse(readFileSync(ledgerFile(), 'utf8')).entries['qemu-aarch64'].entry.name).toBe('qemu-aarch64')
      expect(statSync(ledgerFile()).isFile()).toBe(true)

      // Who else held it was lost with the damage: the entry stays (fail safe) after the last job too.
      expect(await release(b)).toBe(0)
      expect(kernelExec('aarch64', probes)).toBe('aarch64')
    },
    120_000
  )

  describe('a post step given an edited state', () => {
    // A handler an edited state would have post register as root: credentials flag, a path anyone may write.
    const evil = {
      name: 'qemu-evil',
      enabled: true,
      type: 'M',
      offset: 0,
      magic: '7f454c46ff',
      mask: '',
      interpreter: '/tmp/evil',
      flags: 'OC'
    }

    test('each bad change is reported and skipped, the rest restored; a handler the ledger never recorded is not registered', () => {
      const dir = folder()
      expect(runStep('main', dir, { platforms: 'arm64' }, jobEnv(dir)).code).toBe(0)
      const changes = JSON.parse(stateValue(dir, 'changes'))
      editState(dir, 'changes', JSON.stringify(['garbage', ...changes, { kind: 'replaced', original: evil }]))
      const post = runStep('post', dir, { platforms: 'arm64' }, jobEnv(dir))
      expect(post.code).toBe(0)
      expect(post.stdout).toMatch(/::warning::saved change 1 of \d+ skipped: "garbage" is not an object/)
      expect(post.stdout).toMatch(/removed qemu-aarch64/)
      expect(post.stdout).toMatch(/qemu-evil: the host's ledger does not say this job made that change/)
      expect(tableText()).toEqual(initial)
    })

    test.each([
      ['persist', JSON.stringify({ pid: 0, start: '', boot: '', label: 'persist' }), /holder "persist" is not a job's/],
      ['not JSON', '{"pid":', /state "holder" is not a holder: not JSON/]
    ])('a holder that is %s fails the post step, saying so, and lets go of nothing', (_what, holder, message) => {
      const dir = folder()
      expect(runStep('main', dir, { platforms: 'arm64' }, jobEnv(dir)).code).toBe(0)
      editState(dir, 'holder', holder)
      const post = runStep('post', dir, { platforms: 'arm64' }, jobEnv(dir))
      expect(post.code).not.toBe(0)
      expect(post.stdout).toMatch(message)
      expect(post.stdout).not.toMatch(/Expected property name/)
      expect(kernelExec('aarch64', probes)).toBe('aarch64')
    })
  })

  describe('a download from a stalling server', () => {
    let server: TestServer
    let url: string
    let target: QemuTarget
    beforeAll(async () => {
      server = await startServer()
      // Data keeps coming (no idle timeout), a byte at a time: the download never ends by itself.
      url = server.serve('/stall/qemu.tar.gz', { trickle: Buffer.alloc(4 << 20, 1), everyMs: 200 })
    })
    afterAll(async () => {
      await server?.close()
    })
    beforeEach(() => {
      // A foreign target nothing on this machine runs yet, so main has to download it.
      const candidates = ['riscv64', 's390x', 'ppc64le', 'mips64el', 'loongarch64'] as const
      const foreign = candidates.find(t => kernelExec(t, probes).startsWith('error:'))
      if (!foreign) throw new Error('every candidate target already runs on this machine')
      target = foreign
    })
    const stalling = () => ({ install: 'download', 'qemu-url': url, 'qemu-sha256': '0'.repeat(64), verify: 'probe' })
    /** A main's partial download: as root, in the interpreter store's incoming folder, named by its process. */
    const downloadsOf = (pid: number | undefined) =>
      filesUnder(join(INTERPRETER_STORE, '.incoming')).filter(f => pid && f.includes(`/qemu-download-${pid}-`))
    /**
     * Starts a main that stalls in its download; resolves once the partial download is being
     * written (not merely the probe programs step 1 writes to RUNNER_TEMP, before anything is shared).
     */
    async function stalledMain(platforms: string): Promise<Job> {
      const job = startJob('main', { platforms, ...stalling() })
      await waitFor('the download to start writing', () => downloadsOf(stepProcessOf(job)).length > 0)
      return job
    }

    test.each([
      ['SIGTERM', 143],
      ['SIGINT', 130]
    ] as const)(
      '%s during the download: exit %i, no lock and no partial file left, post restores the table',
      async (signal, code) => {
        const b = startJob('all', { platforms: 'arm64' }) // holds arm64, which the stopped job shares
        expect(await mainDone(b)).toBe('0')
        const a = await stalledMain(`arm64,${platformOf(target).docker}`)
        const main = mainProcessOf(a)
        process.kill(main, signal)
        expect(await a.done).toBe(code)
        expect(existsSync(join(ledgerDir, 'lock'))).toBe(false)
        expect(filesUnder(join(a.dir, 'temp'))).toEqual([])
        expect(downloadsOf(main)).toEqual([]) // by the pid taken before the kill: the process is gone now

        const post = runStep('post', a.dir, {}, jobEnv(a.dir))
        expect(post.code).toBe(0)
        expect(post.stdout).toMatch(/kept qemu-aarch64/)
        expect(await release(b)).toBe(0)
        expect(tableText()).toEqual(initial)
      },
      120_000
    )

    test("another job's main and post complete while one job's download stalls", async () => {
      const a = await stalledMain(platformOf(target).docker)
      const dir = folder()
      const b = await runStepAsync('all', dir, { platforms: 'arm64' }, jobEnv(dir))
      expect(b.code).toBe(0)
      expect(b.stdout).toMatch(/removed qemu-aarch64/)
      expect(a.child.exitCode).toBeNull() // still downloading: b waited for nothing of a's

      process.kill(mainProcessOf(a), 'SIGTERM')
      expect(await a.done).toBe(143)
      expect(runStep('post', a.dir, {}, jobEnv(a.dir)).code).toBe(0)
      expect(tableText()).toEqual(initial)
    }, 120_000)
  })
})
