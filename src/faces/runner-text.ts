/**
 * Free text for a stream the Actions runner reads, so that no program's output reaches it as a
 * workflow command. @actions/core cannot do this: its info writes the message as it is, so a line
 * of a container's or another program's output quoted in it (`::save-state ...`, `##[...]`) would
 * be acted on as the action's own command, and it has no call that stops commands. Annotations,
 * debug lines and group names need nothing here: the toolkit escapes their message (% \r \n) to one
 * line, which parses as that command before any `##[` in it is looked at. Pure, and free of the
 * toolkit, whose module graph the command line (cli.ts) has no use for.
 *
 * What the runner parses (actions/runner: ProcessInvoker, ActionCommandManager, ActionCommand): it
 * reads stdout and stderr a line at a time, ending a line at \n, \r or \r\n (.NET ReadLine), and
 * takes as a command any line that after its leading white space starts `::name ...::` (TryParseV2)
 * or that holds `##[name ...]` anywhere (TryParse, the v1 syntax); names match ignoring case.
 * `::stop-commands::token` makes it act on nothing until a line `::token::`.
 */
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'

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
  return `::stop-commands::${token}${eol}${text}${eol}::${token}::`
}

/** `text` as it is, or between stop-commands lines when a line of it could parse as a command. */
export function commandFree(text: string, eol: string = EOL): string {
  return holdsCommand(text) ? commandsStopped(text, randomUUID, eol) : text
}

/**
 * Text for a stream the runner reads (a `run:` step that calls the command line): inside a job,
 * text holding something the runner would take as a command is put between stop-commands lines;
 * elsewhere, as it is.
 */
export function runnerSafe(text: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_ACTIONS !== 'true') return text
  return text.endsWith('\n') ? commandFree(text.slice(0, -1), '\n') + '\n' : commandFree(text, '\n')
}
