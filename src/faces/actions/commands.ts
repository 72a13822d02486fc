/**
 * The two ways a step talks to the Actions runner, as pure text: a workflow command line on
 * stdout (`::name key=value,key=value::message`) and a key-value entry of a file command
 * (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV). Escaping and formats are those of @actions/core
 * (lib/command.js, lib/file-command.js), which the runner parses; the toolkit itself is not loaded
 * because its module graph (an HTTP client for OIDC tokens) cost the action most of its start-up.
 *
 * What the runner parses (actions/runner: ProcessInvoker, ActionCommandManager, ActionCommand): it
 * reads stdout and stderr a line at a time, ending a line at \n, \r or \r\n (.NET ReadLine), and
 * takes as a command any line that after its leading white space starts `::name ...::` (TryParseV2)
 * or that holds `##[name ...]` anywhere (TryParse, the v1 syntax); names match ignoring case.
 * `::stop-commands::token` makes it act on nothing until a line `::token::`. A command line of ours
 * is safe whatever its message: escaping keeps it one line, which parses as our command before any
 * `##[` in it is looked at. Free text, which may quote another program's output, is not: it is
 * written as it is only when no line of it could parse.
 */

import { randomUUID } from 'node:crypto'

/** The runner's unescaping of a command's message undoes exactly these. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A property value also must not end the property list (`,`) or the properties (`:`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** One workflow command, without its line end; properties with an empty value are left out. */
export function commandLine(name: string, properties: Record<string, string>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
  return `::${name}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`
}

/**
 * A heredoc entry of a file command: `name<<delimiter`, the value, the delimiter. The delimiter is
 * random so no value can end the entry early and smuggle in another output or variable.
 */
export function keyValueEntry(name: string, value: string, delimiter: string, eol: string): string {
  if (name.includes(delimiter)) throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`)
  if (value.includes(delimiter)) throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`)
  return `${name}<<${delimiter}${eol}${value}${eol}${delimiter}`
}

/**
 * Whether a line of `text` could be read by the runner as a command: `::` first after white space
 * (.NET's TrimStart also trims U+0085, which \s lacks), or `##[` anywhere.
 */
export function holdsCommand(text: string): boolean {
  return /(?:^|[\r\n])[\s\u0085]*::|##\[/.test(text)
}

/**
 * `text` between `::stop-commands::token` and `::token::`: the runner shows it but acts on none of
 * its lines. The token is drawn until the text does not hold it, since a line `::token::` (in any
 * case) inside would resume commands early.
 */
export function commandsStopped(text: string, newToken: () => string, eol: string): string {
  const lower = text.toLowerCase()
  let token = newToken()
  while (lower.includes(token.toLowerCase())) token = newToken()
  return `${commandLine('stop-commands', {}, token)}${eol}${text}${eol}${commandLine(token, {}, '')}`
}

/**
 * Text for a stream the runner reads (a `run:` step that calls the command line): inside a job,
 * text holding something the runner would take as a command is put between stop-commands lines;
 * elsewhere, as it is.
 */
export function runnerSafe(text: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_ACTIONS !== 'true' || !holdsCommand(text)) return text
  const ends = text.endsWith('\n')
  return commandsStopped(ends ? text.slice(0, -1) : text, randomUUID, '\n') + (ends ? '\n' : '')
}
