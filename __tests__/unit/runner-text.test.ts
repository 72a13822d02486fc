/**
 * Free text the action logs (src/faces/log.ts through src/faces/runner-text.ts), read back as the
 * runner reads stdout (`commandsActedOn`, a copy of its parser): a line of another program's
 * output quoted in a message is never acted on as a command, while the real @actions/core writes
 * the action's own commands (groups, annotations, debug lines, the failure) to the same stdout.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '@actions/core'
import { info } from '../../src/faces/log.js'
import { commandsStopped, runnerSafe } from '../../src/faces/runner-text.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** The commands the runner registers (actions/runner, Runner.Worker's command extensions). */
const RUNNER_COMMANDS = ['add-mask', 'add-matcher', 'remove-matcher', 'add-path', 'echo', 'debug', 'notice', 'warning', 'error', 'group']
RUNNER_COMMANDS.push('endgroup', 'set-env', 'set-output', 'save-state', 'stop-commands')
/** What a container printed before `aarch64` in issue 22: a command taken as the action's own. */
const UNAME = 'verify-image: uname -m said\n::save-state name=cleanup::false\naarch64'
const V1 = 'apt: ##[set-output name=x;]y'

let stdout: string
let savedExitCode: typeof process.exitCode

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
})

describe("another program's output in the log", () => {
  test('a message holding a command line is shown between stop-commands and the resume, with a token fresh each time', () => {
    const messages = [UNAME, UNAME, V1]
    for (const message of messages) info(message)
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
    for (const message of plain) info(message)
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
    await core.group(`apt says\n::save-state name=cleanup::false`, async () => {
      for (const message of hostile) info(message)
    })
    core.debug(UNAME)
    core.warning(UNAME)
    core.warning(V1)
    core.setFailed(`engine: ${UNAME}`)
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

  test("@actions/core escapes an annotation's message and properties to one line that is its own command", () => {
    core.error(`x\n::save-state name=cleanup::false`, { title: `a\n::save-state name=cleanup::false`, file: 'b,c:d' })
    expect(stdout).toBe('::error title=a%0A%3A%3Asave-state name=cleanup%3A%3Afalse,file=b%2Cc%3Ad::x%0A::save-state name=cleanup::false\n')
    expect(commandsActedOn(stdout)).toEqual([{ name: 'error', data: 'x\n::save-state name=cleanup::false' }])
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
