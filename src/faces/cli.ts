/**
 * The command-line entry, for provisioning a machine outside Actions with the same core; USAGE
 * is its one description (the README quotes it, a test holds the two equal). This module reads
 * the arguments (node:util parseArgs, strict) and runs the command; a bad argument exits 2 with
 * one line, any other failure 1. The commands are in cli-commands.ts.
 */
import { parseArgs } from 'node:util'
import { type ContextFactory, createContext } from '../core/context.js'
import { restoreContext, type RestoreContextFactory } from '../core/restore.js'
import { install, status, uninstall } from './cli-commands.js'
import { diagnoseCommand } from './cli-diagnose.js'
import { err, out } from './cli-output.js'
import { InputError } from './inputs.js'

/** Every option each command takes (a test holds it to the option tables below). */
export const USAGE = `usage: setup-x86-on-arm install [--platforms LIST] [--install auto|apt|download|none] [--flags F] [--verify auto|probe|container|none] [--persist] [--json]
                        [--verify-image IMAGE] [--qemu-version VERSION] [--qemu-url URL --qemu-sha256 SHA256] [--asset-base URL]
                        [--libraries LIST [--libraries-mirror URL] | --sysroot DIR] [--env-file PATH] [--cache-dir DIR]
       setup-x86-on-arm uninstall [--json]
       setup-x86-on-arm status [--json]
       setup-x86-on-arm diagnose [FILE] [--x86-64-level LEVEL] [--qemu-version VERSION] [--json]   (a program's error output: FILE or stdin)`

const text = { type: 'string' } as const
const flag = { type: 'boolean' } as const
export const INSTALL_OPTIONS = {
  platforms: text,
  install: text,
  flags: text,
  verify: text,
  'verify-image': text,
  'qemu-version': text,
  'qemu-url': text,
  'qemu-sha256': text,
  'asset-base': text,
  libraries: text,
  'libraries-mirror': text,
  sysroot: text,
  'env-file': text,
  'cache-dir': text,
  persist: flag,
  json: flag
}
export const OTHER_OPTIONS = { json: flag }
export const DIAGNOSE_OPTIONS = { 'x86-64-level': text, 'qemu-version': text, json: flag }
const COMMANDS = ['install', 'uninstall', 'status', 'diagnose', 'help', '--help', '-h']

export interface Parsed {
  command: 'install' | 'uninstall' | 'status' | 'diagnose' | 'help'
  /** The install command's options by name (`persist: 'true'` when given), as the action's inputs. */
  options: Record<string, string>
  /** diagnose's FILE, when one is named. */
  file?: string
  json: boolean
}

/** parseArgs's complaint as one line in the shape every bad input has: what, what was wrong, what to do. */
function explainArgumentError(error: NodeJS.ErrnoException, args: readonly string[]): Error {
  if (!error.code?.startsWith('ERR_PARSE_ARGS_')) return error
  const quoted = /'([^' ]+)/.exec(error.message)?.[1] ?? ''
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing|ambiguous/.test(error.message)) {
    const name = quoted.replace(/^-+/, '')
    return new InputError(name, 'needs a value', `write --${name} VALUE`)
  }
  const given = args.find(a => a === quoted || a.startsWith(`${quoted}=`)) ?? quoted
  return new InputError('arguments', `unknown argument ${JSON.stringify(given)}`, USAGE.split('\n')[0])
}

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [word = 'help', ...rest] = argv
  if (!COMMANDS.includes(word)) {
    throw new InputError('command', `unknown command ${JSON.stringify(word)}`, 'use install, uninstall, status or diagnose')
  }
  const command = word.startsWith('-') ? 'help' : (word as Parsed['command'])
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    const options = command === 'install' ? INSTALL_OPTIONS : command === 'diagnose' ? DIAGNOSE_OPTIONS : OTHER_OPTIONS
    ;({ values, positionals } = parseArgs({ args: [...rest], options, strict: true, allowPositionals: command === 'diagnose' }))
  } catch (error) {
    throw explainArgumentError(error as NodeJS.ErrnoException, rest)
  }
  if (positionals.length > 1) {
    throw new InputError('arguments', `diagnose reads one file, not ${positionals.length}`, 'name one FILE, or pipe the text in')
  }
  const options: Record<string, string> = {}
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') options[name] = value
    else if (name === 'persist' && value) options.persist = 'true'
  }
  return { command, options, json: values.json === true, file: positionals[0] }
}

/**
 * Runs the command `argv` names; its exit code. install and status get their Context from
 * `contextFor`; uninstall, which only undoes, the part of one it needs from `restoreFor`.
 */
export async function runCli(
  argv: readonly string[],
  contextFor: ContextFactory = createContext,
  restoreFor: RestoreContextFactory = restoreContext
): Promise<number> {
  try {
    const { command, options, json, file } = parseCommandLine(argv)
    if (command === 'install') return await install(options, json, contextFor)
    if (command === 'diagnose') return await diagnoseCommand(file, options, json)
    if (command === 'uninstall') return await uninstall(json, restoreFor)
    if (command === 'status') return await status(json, contextFor)
    out(`${USAGE}\n`)
    return 0
  } catch (error) {
    err(`error: ${(error as Error).message}\n`)
    return error instanceof InputError ? 2 : 1
  }
}
