// Boots the emulated arm64 machine and collects what its /init prints.
//
//   [SETUP_X86_VM_SLOW=1] node scripts/arm64-vm/boot.mjs [--scenarios a,b] [--machines N] [--timeout SECONDS] [--json FILE] [--verbose]
//
// SETUP_X86_VM_SLOW=1 adds the corpus' slow part (scenario 08: python, node for linux-x64) and
// SLOW_EXTRA_SECONDS to the machine's limit.
// builds the initramfs (fetching the fixtures on a cold cache), boots, writes the console to
// .cache/arm64-vm/console.log and prints the RESULT lines (or writes them as JSON).
//
// Each machine boots once and runs its share of the scenarios one after the other. The scenarios
// are mostly one busy process at a time, so two machines side by side (the default) use the host's
// second core and halve the wall time; --machines 1 runs everything in a single boot.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cacheDir, projectRoot, SLOW } from './fixtures.mjs'
import { buildInitramfs } from './initramfs.mjs'

export const QEMU_SYSTEM = '/usr/bin/qemu-system-aarch64'
/** A machine still running after this is killed (a hang guard, not a speed target): each machine needs about 300 s on a quiet 2-core host since the Debian 13 QEMU scenarios joined, and twice that with both cores kept busy by something else. */
export const HARD_LIMIT_SECONDS = 1000
/** What the corpus' slow part (SETUP_X86_VM_SLOW=1: python, node for linux-x64) may add to a machine's time. */
export const SLOW_EXTRA_SECONDS = 900

/** The machine's limit with or without the slow part. */
export function limitSeconds(slow = SLOW) {
  return HARD_LIMIT_SECONDS + (slow ? SLOW_EXTRA_SECONDS : 0)
}

/** Machines running now: the command line kills them when it is killed (a test runner's timeout must not leave them behind). */
const running = new Set()

/** `RESULT <scenario> <key>=<value>` lines -> { scenario: { key: value } } (later lines win). */
export function parseResults(consoleText) {
  const results = {}
  for (const line of consoleText.split('\n')) {
    const match = /^RESULT (\S+) ([^=\s]+)=(.*)$/.exec(line.replace(/\r$/, ''))
    if (match) (results[match[1]] ??= {})[match[2]] = match[3]
  }
  return results
}

/**
 * Runs qemu-system-aarch64 with the kernel and initrd until the machine powers off, or kills it
 * after `timeoutSeconds`. Resolves with the console text (carriage returns removed), the parsed
 * results, the wall time and whether the timeout hit.
 */
export function boot({
  kernel,
  initrd,
  append = '',
  timeoutSeconds = HARD_LIMIT_SECONDS,
  onLine = () => {},
  consolePath = join(cacheDir, 'console.log')
}) {
  const args = [
    '-M',
    'virt',
    // pointer authentication with QEMU's default QARMA algorithm costs more than everything else in
    // TCG (the kernel signs every return); the implementation-defined algorithm keeps the feature
    // and boots in a fifth of the time
    '-cpu',
    'max,pauth-impdef=on',
    '-smp',
    '2',
    '-m',
    '3072',
    '-accel',
    'tcg,thread=multi',
    '-nographic',
    '-no-reboot',
    '-nic',
    'none',
    '-kernel',
    kernel,
    '-initrd',
    initrd,
    '-append',
    `console=ttyAMA0 quiet panic=-1 ${append}`.trim()
  ]
  const started = Date.now()
  return new Promise((resolvePromise, reject) => {
    const qemu = spawn(QEMU_SYSTEM, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(qemu)
    let text = ''
    let pending = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      qemu.kill('SIGKILL')
    }, timeoutSeconds * 1000)
    const take = chunk => {
      text += chunk
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const line of lines) onLine(line.replace(/\r$/, ''))
    }
    qemu.stdout.setEncoding('utf8').on('data', take)
    qemu.stderr.setEncoding('utf8').on('data', take)
    qemu.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    qemu.on('close', code => {
      running.delete(qemu)
      clearTimeout(timer)
      const consoleText = text.replace(/\r/g, '')
      writeFileSync(consolePath, consoleText)
      resolvePromise({ consoleText, results: parseResults(consoleText), seconds: (Date.now() - started) / 1000, exitCode: code, timedOut })
    })
  })
}

const scenarioDir = join(projectRoot, '__tests__', 'vm', 'scenarios')
const durationsPath = join(cacheDir, 'durations.json')

/**
 * What each scenario took here (two machines side by side on 2 cores), for the split before a
 * run has measured them (a clean clone): the long ones (the container engine, the default
 * download's four runs, the foreign programs) must not all land on the same machine.
 */
export const EXPECTED_SECONDS = {
  '00-harness': 5,
  '01-defaults': 20,
  '02-i386': 17,
  '03-download': 45,
  '04-native-arm64': 11,
  '05-no-qemu': 11,
  '06-container': 75,
  '07-default-download': 77,
  '08-programs': 65,
  '09-debian13-qemu': 85,
  '10-debian13-container': 140
}

/** The scenario scripts' names (file names without .sh), in the order init runs them. */
export function scenarioNames() {
  return readdirSync(scenarioDir)
    .filter(f => /^\d.*\.sh$/.test(f))
    .map(f => f.slice(0, -3))
    .sort()
}

/**
 * Splits scenarios over `machines` machines, longest first onto the least loaded one, by the
 * durations of the previous run (20 s when unknown); each machine keeps them in name order.
 */
export function partition(scenarios, machines, durations = {}) {
  const bins = Array.from({ length: Math.max(1, Math.min(machines, scenarios.length)) }, () => ({ load: 0, scenarios: [] }))
  for (const name of [...scenarios].sort((a, b) => (durations[b] ?? 20) - (durations[a] ?? 20))) {
    const bin = bins.reduce((least, b) => (b.load < least.load ? b : least))
    bin.load += durations[name] ?? 20
    bin.scenarios.push(name)
  }
  return bins.map(b => b.scenarios.sort())
}

/**
 * Builds the initramfs and boots `machines` machines side by side, each with its share of
 * `scenarios` (all when empty). Results are merged by scenario; each machine's own lines come as
 * `vm.<n>` (boot time, kernel, done time). `slow` adds the corpus' slow part (the kernel command
 * line says `slow=1`); its durations are kept apart from the default run's.
 */
export async function run({ scenarios = [], machines = 2, slow = SLOW, timeoutSeconds = limitSeconds(slow), onLine = () => {} } = {}) {
  const buildStarted = Date.now()
  const { kernel, initrd, manifest } = buildInitramfs({ slow })
  const buildSeconds = (Date.now() - buildStarted) / 1000
  const all = scenarioNames()
  const unknown = scenarios.filter(s => !all.includes(s))
  if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(', ')} (there are ${all.join(', ')})`)
  const durations = { ...EXPECTED_SECONDS, ...(existsSync(durationsPath) ? JSON.parse(readFileSync(durationsPath, 'utf8')) : {}) }
  const durationKey = name => (slow ? `${name} (slow)` : name)
  const known = Object.fromEntries(all.map(name => [name, durations[durationKey(name)] ?? durations[name]]))
  const groups = partition(scenarios.length > 0 ? scenarios : all, machines, known)
  const started = Date.now()
  const booted = await Promise.all(
    groups.map((group, i) =>
      boot({
        kernel,
        initrd,
        append: `scenarios=${group.join(',')}${slow ? ' slow=1' : ''}`,
        timeoutSeconds,
        onLine: line => onLine(line, i + 1),
        consolePath: join(cacheDir, `console.${i + 1}.log`)
      })
    )
  )
  const results = {}
  booted.forEach((machine, i) => {
    for (const [scenario, values] of Object.entries(machine.results)) results[scenario === 'vm' ? `vm.${i + 1}` : scenario] = values
  })
  for (const [scenario, values] of Object.entries(results)) {
    if (values['script.seconds']) durations[durationKey(scenario)] = Number(values['script.seconds'])
  }
  writeFileSync(durationsPath, JSON.stringify(durations, null, 2) + '\n')
  writeFileSync(
    join(cacheDir, 'console.log'),
    booted.map((m, i) => `=== machine ${i + 1}: ${groups[i].join(' ')}\n${m.consoleText}`).join('\n')
  )
  return {
    results,
    seconds: (Date.now() - started) / 1000,
    buildSeconds,
    timedOut: booted.some(m => m.timedOut),
    exitCode: booted.map(m => m.exitCode).find(code => code !== 0) ?? 0,
    machines: booted.map((m, i) => ({ scenarios: groups[i], seconds: m.seconds, timedOut: m.timedOut, exitCode: m.exitCode })),
    manifest
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [signal, number] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1]
  ]) {
    process.once(signal, () => {
      for (const qemu of running) qemu.kill('SIGKILL')
      process.exit(128 + number)
    })
  }
  const argv = process.argv.slice(2)
  const option = name => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined)
  const verbose = argv.includes('--verbose')
  const outcome = await run({
    scenarios: option('--scenarios')?.split(',') ?? [],
    machines: Number(option('--machines') ?? process.env.ARM64_VM_MACHINES ?? 2),
    timeoutSeconds: Number(option('--timeout') ?? limitSeconds(SLOW)),
    onLine: (line, machine) => {
      if (verbose || line.startsWith('RESULT ')) process.stdout.write(`[${machine}] ${line}\n`)
    }
  })
  const json = option('--json')
  if (json) writeFileSync(json, JSON.stringify(outcome, null, 2) + '\n')
  const each = outcome.machines.map(
    (m, i) => `machine ${i + 1} ${m.seconds.toFixed(1)} s (${m.scenarios.join(' ')})${m.timedOut ? ' TIMED OUT' : ''}`
  )
  process.stdout.write(`initramfs ${outcome.buildSeconds.toFixed(1)} s; ${each.join('; ')}\n`)
  process.exit(outcome.timedOut || outcome.exitCode !== 0 ? 1 : 0)
}
