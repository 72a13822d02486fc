/**
 * SIGINT and SIGTERM in main or post: no new change begins, the locked section in progress ends,
 * the scratch folder (probe programs, partial downloads) is removed, the lock file is not left
 * behind, and the process exits with 128 + the signal's number. process.exit and stderr are spied on.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { exitCodeOf, type InProgress, SignalStop } from '../../src/faces/signals.js'
import { runProgram } from '../../src/kernel/process.js'
import { dropScratch, holdScratch } from '../../src/kernel/scratch.js'
import type { ProcessInfo } from '../../src/records/holder.js'
import { Journal, Stopped } from '../../src/records/journal.js'
import { Ledger } from '../../src/records/ledger.js'

const self: ProcessInfo = {
  bootId: async () => 'boot-1',
  startTime: async pid => (pid === process.pid ? 'self' : undefined)
}

let dir: string
let workDir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'signals-'))
  workDir = join(dir, 'temp', `setup-x86-on-arm-${process.pid}`)
  mkdirSync(join(workDir, 'qemu-download-x'), { recursive: true })
  writeFileSync(join(workDir, 'qemu-download-x', 'qemu.deb.part'), 'half a download')
})
/** Every stop a test began: each must end before process.exit is the real one again. */
const stops: Promise<void>[] = []
afterEach(async () => {
  await Promise.all(stops.splice(0))
  jest.restoreAllMocks()
  rmSync(dir, { recursive: true, force: true })
})

const repair = { binfmtDir: join(tmpdir(), 'no-binfmt-here'), warn: () => undefined }
const lockFile = () => join(dir, 'ledger', 'lock')

/** A stopper whose exits are recorded, and what it said. */
function stopper(work: InProgress, graceMs = 60_000) {
  const exits: number[] = []
  const said: string[] = []
  jest.spyOn(process, 'exit').mockImplementation(code => void exits.push(Number(code)) as never)
  jest.spyOn(process.stderr, 'write').mockImplementation(line => said.push(String(line).replace(/\n$/, '')) > 0)
  const stopper = new SignalStop(() => work, graceMs)
  const stop = {
    stop: (signal: 'SIGINT' | 'SIGTERM') => {
      const stopping = stopper.stop(signal)
      stops.push(stopping)
      return stopping
    }
  }
  return { stop, exits, said }
}

describe('a signal', () => {
  test('ends the programs still running (apt, dpkg-deb) before their folder is removed', async () => {
    const writer = runProgram('sleep', ['31.234'], { timeoutMs: 60_000 })
    await nextTurn()
    const running = () => spawnSync('pgrep', ['-f', '^sleep 31.234$']).status === 0
    expect(running()).toBe(true)
    const { stop, exits } = stopper({ workDir })
    await stop.stop('SIGTERM')
    expect(exits).toEqual([143])
    expect(running()).toBe(false)
    expect((await writer).code).not.toBe(0)
    expect(existsSync(workDir)).toBe(false)
  })

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const)('%s exits with %i', (signal, code) => {
    expect(exitCodeOf(signal)).toBe(code)
  })

  test('between changes: the journal and the lock refuse, the partial download goes, the exit code is 128 + the signal', async () => {
    const journal = new Journal()
    const ledger = new Ledger(join(dir, 'ledger'), { info: self })
    const { stop, exits, said } = stopper({ journal, ledger, workDir })
    await stop.stop('SIGTERM')
    expect(exits).toEqual([143])
    expect(said[0]).toMatch(/^SIGTERM: finishing the change in progress, then stopping/)
    expect(existsSync(workDir)).toBe(false)
    await expect(journal.record({ kind: 'mounted' })).rejects.toThrow(Stopped)
    await expect(ledger.locked(async () => 'ran', repair)).rejects.toThrow('stopped by SIGTERM')
  })

  test("a download held outside the run's folder (the interpreter store's incoming one) goes too", async () => {
    const held = join(dir, 'store', '.incoming', `qemu-download-${process.pid}-abc123`)
    mkdirSync(held, { recursive: true })
    writeFileSync(join(held, 'download-0'), 'half a download')
    holdScratch(held)
    try {
      const { stop, exits } = stopper({ workDir })
      await stop.stop('SIGINT')
      expect(exits).toEqual([130])
      expect(existsSync(held)).toBe(false)
      expect(existsSync(workDir)).toBe(false)
    } finally {
      dropScratch(held)
    }
  })

  test('in a locked section: the exit waits for the section to end and its lock to go', async () => {
    const ledger = new Ledger(join(dir, 'ledger'), { info: self })
    let open!: () => void
    const gate = new Promise<void>(resolve => (open = resolve))
    const section = ledger.locked(() => gate, repair)
    while (!existsSync(lockFile())) await nextTurn()
    const { stop, exits } = stopper({ ledger, workDir })
    const stopping = stop.stop('SIGINT')
    for (let i = 0; i < 20; i++) await nextTurn()
    expect(exits).toEqual([])
    open()
    await stopping
    await section
    expect(exits).toEqual([130])
    expect(existsSync(lockFile())).toBe(false)
  })

  /** A section that never ends (a probe that hangs), holding the lock. */
  async function hungSection(): Promise<Ledger> {
    const ledger = new Ledger(join(dir, 'ledger'), { info: self })
    await new Promise<void>(started => void ledger.locked(() => new Promise<void>(() => started()), repair))
    return ledger
  }

  test('a second signal exits at once, removing the lock file and the scratch folder', async () => {
    const { stop, exits } = stopper({ ledger: await hungSection(), workDir }, 200)
    const first = stop.stop('SIGINT')
    await stop.stop('SIGTERM')
    expect(exits).toEqual([143])
    expect(existsSync(lockFile())).toBe(false)
    expect(existsSync(workDir)).toBe(false)
    // A real process ended at that exit; here the first stop runs out its grace, and must do so
    // while process.exit is still spied on (afterwards it would end the test runner).
    await first
  })

  test('a section that outlasts the grace: the exit goes ahead, removing the lock file', async () => {
    const { stop, exits } = stopper({ ledger: await hungSection(), workDir }, 0)
    await stop.stop('SIGTERM')
    expect(exits).toEqual([143])
    expect(existsSync(lockFile())).toBe(false)
  })
})
