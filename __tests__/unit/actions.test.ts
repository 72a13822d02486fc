/**
 * The action's own Actions layer (src/faces/actions) against what the runner reads: the exact
 * bytes of each file command (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV) and of each workflow
 * command on stdout, with @actions/core's escaping. The expected texts are the toolkit's (3.0.1)
 * for the same calls, written out here since the toolkit is no longer installed. Log text that
 * quotes another program's output is read back as the runner reads stdout (`commandsActedOn`).
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as actions from '../../src/faces/actions/index.js'
import { commandLine, commandsStopped, keyValueEntry, runnerSafe } from '../../src/faces/actions/commands.js'

const RUNNER_VARIABLES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY']
const INPUT_VARIABLES = ['INPUT_PLATFORMS', 'INPUT_QEMU-VERSION', 'INPUT_MY_INPUT']
const AWKWARD = 'a%b\r\nc:d,e::f 100%'
const AWKWARD_ESCAPED = 'a%25b%0D%0Ac:d,e::f 100%25'
const DELIMITED = /^(.+?)<<(ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\n([\s\S]*?)\n\2\n/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** The commands the runner registers (actions/runner, Runner.Worker's command extensions). */
const RUNNER_COMMANDS = ['add-mask', 'add-matcher', 'remove-matcher', 'add-path', 'echo', 'debug', 'notice', 'warning', 'error', 'group']
RUNNER_COMMANDS.push('endgroup', 'set-env', 'set-output', 'save-state', 'stop-commands')
/** What a container printed before `aarch64` in issue 22: a command taken as the action's own. */
const UNAME = 'verify-image: uname -m said\n::save-state name=cleanup::false\naarch64'
const V1 = 'apt: ##[set-output name=x;]y'

let dir: string
let stdout: string
let saved: Record<string, string | undefined>
let savedExitCode: typeof process.exitCode

/** A runner file command's file, empty, named in its variable. */
const runnerFile = (variable: string): string => {
  const file = join(dir, variable)
  writeFileSync(file, '')
  process.env[variable] = file
  return file
}

/** The entries of a file command's file as the runner parses them: name, delimiter, value. */
function entriesOf(text: string): { name: string; delimiter: string; value: string }[] {
  const entries = []
  while (text) {
    const match = DELIMITED.exec(text)
    if (!match) throw new Error(`not a file command entry: ${JSON.stringify(text)}`)
    entries.push({ name: match[1], delimiter: match[2], value: match[3] })
    text = text.slice(match[0].length)
  }
  return entries
}

interface RunnerCommand {
  name: string
  data: string
}

/** One line as ActionCommand.TryParseV2 (`::name props::data` after white space), else TryParse (`##[name props]data` anywhere), reads it. */
function parseLine(line: string, registered: string[]): RunnerCommand | undefined {
  const trimmed = line.replace(/^[\s\u0085]+/, '')
  const end = trimmed.startsWith('::') ? trimmed.indexOf('::', 2) : -1
  const v2Name = end < 0 ? '' : trimmed.slice(2, end).split(' ')[0]
  if (registered.includes(v2Name.toLowerCase())) {
    const data = trimmed.slice(end + 2)
    return { name: v2Name, data: data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%') }
  }
  const start = line.indexOf('##[')
  const close = start < 0 ? -1 : line.indexOf(']', start)
  const v1Name = close < 0 ? '' : line.slice(start + 3, close).split(' ')[0]
  return registered.includes(v1Name.toLowerCase()) ? { name: v1Name, data: line.slice(close + 1) } : undefined
}

/**
 * The commands the runner acts on in `output`, by its rules (ActionCommandManager): lines end at
 * \r\n, \r or \n; after `stop-commands` it acts on nothing but a line naming the token it gave
 * (in any case), which resumes: shown here as `resume`, its data the token.
 */
function commandsActedOn(output: string): RunnerCommand[] {
  const acted: RunnerCommand[] = []
  let token = ''
  for (const line of output.split(/\r\n|\r|\n/)) {
    const command = parseLine(line, token ? [...RUNNER_COMMANDS, token.toLowerCase()] : RUNNER_COMMANDS)
    if (!command) continue
    if (!token) {
      acted.push(command)
      if (command.name.toLowerCase() === 'stop-commands') token = command.data
    } else if (command.name.toLowerCase() === token.toLowerCase()) {
      acted.push({ name: 'resume', data: command.name })
      token = ''
    }
  }
  return acted
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'actions-test-'))
  saved = Object.fromEntries([...RUNNER_VARIABLES, ...INPUT_VARIABLES].map(name => [name, process.env[name]]))
  for (const name of Object.keys(saved)) delete process.env[name]
  savedExitCode = process.exitCode
  stdout = ''
  jest.spyOn(process.stdout, 'write').mockImplementation(text => {
    stdout += String(text)
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
  process.exitCode = savedExitCode
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('inputs', () => {
  test('come from INPUT_<NAME> (upper case, spaces as _), trimmed, and are empty when not given', () => {
    process.env.INPUT_PLATFORMS = '  arm64, riscv64 \n'
    process.env['INPUT_QEMU-VERSION'] = '9.2.0'
    process.env.INPUT_MY_INPUT = 'x'
    expect(actions.getInput('platforms')).toBe('arm64, riscv64')
    expect(actions.getInput('qemu-version')).toBe('9.2.0')
    expect(actions.getInput('my input')).toBe('x')
    expect(actions.getInput('flags')).toBe('')
  })
})

describe('file commands', () => {
  test('an output is one heredoc entry in GITHUB_OUTPUT, value unescaped, with a fresh random delimiter each time', () => {
    const file = runnerFile('GITHUB_OUTPUT')
    actions.setOutput('interpreter', AWKWARD)
    actions.setOutput('cache-hit', '')
    const text = readFileSync(file, 'utf8')
    const [first, second] = entriesOf(text)
    expect(text).toBe(
      `interpreter<<${first.delimiter}\n${AWKWARD}\n${first.delimiter}\n` + `cache-hit<<${second.delimiter}\n\n${second.delimiter}\n`
    )
    expect(first.delimiter).not.toBe(second.delimiter)
    expect(stdout).toBe('')
  })

  test('without GITHUB_OUTPUT an output is the legacy set-output command, after an empty line', () => {
    actions.setOutput('platforms', AWKWARD)
    expect(stdout).toBe(`\n::set-output name=platforms::${AWKWARD_ESCAPED}\n`)
  })

  test('a GITHUB_OUTPUT that names no file fails, as the toolkit does', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'missing')
    expect(() => actions.setOutput('platforms', 'x')).toThrow(`Missing file at path: ${join(dir, 'missing')}`)
  })

  test('what main saves in GITHUB_STATE, the post step reads back from STATE_<name> as the runner hands it over', () => {
    const file = runnerFile('GITHUB_STATE')
    const changes = JSON.stringify([{ kind: 'register', name: 'qemu-aarch64', line: ':qemu-aarch64:M::\\x7fELF:\\xff:/q:F\n' }])
    actions.saveState('changes', changes)
    actions.saveState('cleanup', 'true')
    const entries = entriesOf(readFileSync(file, 'utf8'))
    expect(entries.map(e => e.name)).toEqual(['changes', 'cleanup'])
    for (const entry of entries) process.env[`STATE_${entry.name}`] = entry.value
    expect(actions.getState('changes')).toBe(changes)
    expect(actions.getState('cleanup')).toBe('true')
    expect(actions.getState('probe-run')).toBe('')
    for (const entry of entries) delete process.env[`STATE_${entry.name}`]
  })

  test('without GITHUB_STATE state is the legacy save-state command', () => {
    actions.saveState('cleanup', AWKWARD)
    expect(stdout).toBe(`::save-state name=cleanup::${AWKWARD_ESCAPED}\n`)
  })

  test('an exported variable is set for this step and written to GITHUB_ENV for the next ones', () => {
    const file = runnerFile('GITHUB_ENV')
    actions.exportVariable('SETUP_X86_ON_ARM_TEST_VARIABLE', '/opt/sysroot')
    const [entry] = entriesOf(readFileSync(file, 'utf8'))
    expect(entry).toMatchObject({ name: 'SETUP_X86_ON_ARM_TEST_VARIABLE', value: '/opt/sysroot' })
    expect(process.env.SETUP_X86_ON_ARM_TEST_VARIABLE).toBe('/opt/sysroot')
    delete process.env.SETUP_X86_ON_ARM_TEST_VARIABLE
  })

  test('without GITHUB_ENV an exported variable is the legacy set-env command', () => {
    actions.exportVariable('SETUP_X86_ON_ARM_TEST_VARIABLE', 'x')
    expect(stdout).toBe('::set-env name=SETUP_X86_ON_ARM_TEST_VARIABLE::x\n')
    delete process.env.SETUP_X86_ON_ARM_TEST_VARIABLE
  })

  test('a name or value holding the delimiter cannot end an entry early', () => {
    expect(() => keyValueEntry('a', 'x\nghadelimiter_1\nevil<<y', 'ghadelimiter_1', '\n')).toThrow('value should not contain the delimiter')
    expect(() => keyValueEntry('ghadelimiter_1', 'x', 'ghadelimiter_1', '\n')).toThrow('name should not contain the delimiter')
  })
})

describe('the log', () => {
  test('info is the text as it is; debug, warning and error are commands with % \\r \\n escaped', () => {
    actions.info(AWKWARD)
    actions.debug(AWKWARD)
    actions.warning(AWKWARD)
    actions.error(AWKWARD)
    expect(stdout).toBe(`${AWKWARD}\n::debug::${AWKWARD_ESCAPED}\n::warning::${AWKWARD_ESCAPED}\n::error::${AWKWARD_ESCAPED}\n`)
  })

  test('a property value also has : and , escaped, and an empty one is left out', () => {
    expect(commandLine('warning', { file: 'a:b,c%', line: '', col: '3' }, 'm')).toBe('::warning file=a%3Ab%2Cc%25,col=3::m')
    expect(commandLine('endgroup', {}, '')).toBe('::endgroup::')
  })

  test('a group folds what its function logs, returns its result, and is closed when the function throws', async () => {
    await expect(actions.group('Set up emulation', async () => (actions.info('inside'), 7))).resolves.toBe(7)
    await expect(actions.group('Verify', () => Promise.reject(new Error('broken')))).rejects.toThrow('broken')
    expect(stdout).toBe('::group::Set up emulation\ninside\n::endgroup::\n::group::Verify\n::endgroup::\n')
  })

  test('setFailed writes an error annotation and makes the process exit with 1', () => {
    actions.setFailed('linux/arm64: no interpreter\nlinux/riscv64: no interpreter')
    expect(stdout).toBe('::error::linux/arm64: no interpreter%0Alinux/riscv64: no interpreter\n')
    expect(process.exitCode).toBe(1)
  })
})

describe("another program's output in the log", () => {
  test('a message holding a command line is shown between stop-commands and the resume, with a token fresh each time', () => {
    const messages = [UNAME, UNAME, V1]
    for (const message of messages) actions.info(message)
    const tokens = [...stdout.matchAll(/^::stop-commands::(.*)$/gm)].map(match => match[1])
    expect(stdout).toBe(tokens.map((token, i) => `::stop-commands::${token}\n${messages[i]}\n::${token}::\n`).join(''))
    expect(tokens).toHaveLength(3)
    expect(new Set(tokens).size).toBe(3)
    for (const [i, token] of tokens.entries()) {
      expect(token).toMatch(UUID)
      expect(messages[i]).not.toContain(token)
    }
    expect(commandsActedOn(stdout)).toEqual(
      tokens.flatMap(token => [
        { name: 'stop-commands', data: token },
        { name: 'resume', data: token }
      ])
    )
  })

  test('a message without a line the runner could parse is written as it is', () => {
    const plain = [
      ':qemu-aarch64:M::\\x7fELF\\x02:\\xff:/usr/bin/qemu-aarch64:FOC',
      'listening on [::1]:8080 # [x]',
      'a ::save-state name=x::y',
      ''
    ]
    for (const message of plain) actions.info(message)
    expect(stdout).toBe(plain.map(message => `${message}\n`).join(''))
  })

  test("no line of any message the action logs is acted on by the runner, only the action's own commands", async () => {
    const hostile = [
      UNAME,
      V1,
      '  \t::add-mask::secret',
      'progress 10%\r::stop-commands::evil',
      '\u0085::error::from a container',
      'x\r\n\u00a0::SAVE-STATE name=cleanup::false',
      '::stop-commands::abc\n::abc::\n::save-state name=cleanup::false'
    ]
    await actions.group(`apt says\n::save-state name=cleanup::false`, async () => {
      for (const message of hostile) actions.info(message)
    })
    actions.debug(UNAME)
    actions.warning(UNAME)
    actions.warning(V1)
    actions.setFailed(`engine: ${UNAME}`)
    const acted = commandsActedOn(stdout)
    expect(acted.filter(command => command.name !== 'stop-commands' && command.name !== 'resume')).toEqual([
      { name: 'group', data: 'apt says\n::save-state name=cleanup::false' },
      { name: 'endgroup', data: '' },
      { name: 'debug', data: UNAME },
      { name: 'warning', data: UNAME },
      { name: 'warning', data: V1 },
      { name: 'error', data: `engine: ${UNAME}` }
    ])
    const pauses = acted.filter(command => command.name === 'stop-commands' || command.name === 'resume')
    expect(pauses.map(command => command.name)).toEqual(hostile.flatMap(() => ['stop-commands', 'resume']))
  })

  test("an annotation's message and properties are escaped to one line that is its own command", () => {
    const line = commandLine(
      'error',
      { title: `a\n::save-state name=cleanup::false`, file: 'b,c:d' },
      `x\n::save-state name=cleanup::false`
    )
    expect(line).toBe('::error title=a%0A%3A%3Asave-state name=cleanup%3A%3Afalse,file=b%2Cc%3Ad::x%0A::save-state name=cleanup::false')
    expect(commandsActedOn(`${line}\n`)).toEqual([{ name: 'error', data: 'x\n::save-state name=cleanup::false' }])
  })

  test('a token the message holds, in any case, is drawn again', () => {
    const tokens = ['DEAD-1', 'fresh-2']
    const text = commandsStopped('::dead-1::\n::save-state name=cleanup::false', () => tokens.shift() ?? 'spent', '\n')
    expect(text).toBe('::stop-commands::fresh-2\n::dead-1::\n::save-state name=cleanup::false\n::fresh-2::')
    expect(commandsActedOn(text)).toEqual([
      { name: 'stop-commands', data: 'fresh-2' },
      { name: 'resume', data: 'fresh-2' }
    ])
  })
})

describe("the command line's streams inside a job", () => {
  test('text the runner would take as a command is stopped; plain text, and anything outside a job, is as given', () => {
    const hostile = 'error: qemu-aarch64 said\n::save-state name=cleanup::false\n'
    const safe = runnerSafe(hostile, { GITHUB_ACTIONS: 'true' })
    expect(safe).toMatch(/^::stop-commands::([0-9a-f-]{36})\nerror: qemu-aarch64 said\n::save-state name=cleanup::false\n::\1::\n$/)
    expect(runnerSafe(hostile, {})).toBe(hostile)
    expect(runnerSafe('QEMU_LD_PREFIX=/x\n', { GITHUB_ACTIONS: 'true' })).toBe('QEMU_LD_PREFIX=/x\n')
  })
})
