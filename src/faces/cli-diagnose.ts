/**
 * `setup-x86-on-arm diagnose [FILE] [--x86-64-level LEVEL] [--qemu-version VERSION] [--json]`: what
 * a foreign program's failure means and what helps, from its error output (FILE, or standard input)
 * by the same rules the container check uses. For a workflow step:
 *   ./my-x86_64-tool 2> err.txt || { setup-x86-on-arm diagnose err.txt --x86-64-level "$LEVEL"; exit 1; }
 * Exit 0 when it recognised a failure, 1 when it knows none of what the text shows.
 */
import { readFile } from 'node:fs/promises'
import { type DiagnosisContext, diagnoseAll, formatDiagnosis } from '../checks/diagnose.js'
import { out } from './cli-output.js'
import { InputError } from './inputs.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** The context options checked: each names its input and the fix, and nothing is read before they pass. */
export function diagnosisContextOf(options: Record<string, string>): DiagnosisContext {
  const level = options['x86-64-level']
  if (level !== undefined && !/^x86-64-v[1-4]$/.test(level)) {
    throw new InputError(
      'x86-64-level',
      `"${level}" is not an x86-64 level`,
      "give x86-64-v1 to x86-64-v4 (the action's x86-64-level output)"
    )
  }
  const version = options['qemu-version']
  if (version !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(version)) {
    throw new InputError('qemu-version', `"${version}" is not a QEMU version`, 'give it as MAJOR.MINOR[.PATCH], e.g. 7.2.22')
  }
  return { x86Level: level, qemuVersion: version }
}

export async function diagnoseCommand(file: string | undefined, options: Record<string, string>, json: boolean): Promise<number> {
  const context = diagnosisContextOf(options)
  let text: string
  try {
    text = file === undefined ? await readStdin() : await readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(
      'FILE',
      `cannot read ${file ?? 'standard input'}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      'name a readable file, or pipe the error output in'
    )
  }
  const found = diagnoseAll(text, context)
  if (json) out(`${JSON.stringify({ diagnoses: found })}\n`)
  else if (found.length === 0) out('no failure this tool knows of in the text\n')
  else out(`${found.map(formatDiagnosis).join('\n')}\n`)
  return found.length > 0 ? 0 : 1
}
