/**
 * The one way this project runs a program: an argument array, never a shell string. runProgram
 * collects bounded output under a timeout (privileged root or sudo runs build on it);
 * streamProgram runs a filter (a decompressor) with data piped through it as it comes.
 *
 * Ours, not @actions/exec (3.0.0, read for this): its exec and getExecOutput never hand out the
 * child process and pass only cwd and env to spawn, so a run can have no deadline (a hung apt-get
 * or engine would hold the job to its own timeout) and cannot be ended when a signal stops the
 * step before its scratch folder goes (faces/signals.ts); its input is one Buffer, not a stream
 * (the decompressors here take a download as it arrives); it keeps all output, unbounded; and
 * without `silent` it writes each command line to stdout, where the runner reads workflow
 * commands. Each of those is a guarantee this project makes, so the wrapper would have to
 * re-implement spawn around it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { Readable } from 'node:stream'

/** Programs running now, so a signal's way out can end them (faces/signals.ts). */
const running = new Set<ChildProcess>()

function track(child: ChildProcess): void {
  running.add(child)
  child.on('exit', () => running.delete(child))
  child.on('error', () => running.delete(child))
}

/** Ends every program this process started and still runs (SIGTERM), and waits up to `waitMs` for them to go. */
export async function endPrograms(waitMs = 2000): Promise<void> {
  const left = [...running].filter(child => child.exitCode === null && child.signalCode === null)
  const gone = left.map(child => new Promise<void>(resolve => child.once('exit', () => resolve())))
  for (const child of left) child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const waited = new Promise<void>(resolve => {
    timer = setTimeout(resolve, waitMs)
    timer.unref()
  })
  await Promise.race([Promise.all(gone), waited])
  clearTimeout(timer)
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a program and collects its output; never throws for a non-zero exit. */
export function runProgram(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}
): Promise<RunResult> {
  return new Promise(resolve => {
    const child = execFile(
      command,
      args,
      { env: options.env, timeout: options.timeoutMs ?? 120_000, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0
        const reason = error && typeof error.code !== 'number' ? `${error.message}\n` : ''
        resolve({ code, stdout: String(stdout), stderr: reason + String(stderr) })
      }
    )
    track(child)
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/**
 * Why a streamed program failed: 'missing' (not on this machine), 'failed' (it could not be
 * started, or its input broke: detail says what), or 'exit' (a non-zero exit or a signal; stderr
 * holds the first 4 KiB it wrote).
 */
export class ProgramError extends Error {
  constructor(
    readonly program: string,
    readonly failure: 'missing' | 'failed' | 'exit',
    readonly detail: string,
    readonly exitCode: number | null = null,
    readonly stderr = ''
  ) {
    const said = { missing: `${program} is not on this machine`, failed: `${program}: ${detail}`, exit: `${program} ${detail}` }
    super(said[failure])
    this.name = 'ProgramError'
  }
}

/** Largest share of a program's stderr kept for its error. */
const STDERR_BYTES = 4096
/** Pipes deliver 8-64 KiB at a time; handing on larger pieces saves most of the per-chunk overhead. */
const BATCH_BYTES = 256 * 1024

/**
 * Runs a program as a filter: input goes to its stdin, its stdout comes out as it is written.
 * Throws ProgramError when the program cannot start, the input fails, or it exits non-zero; a
 * consumer that stops early ends it (SIGTERM) and waits for it to go.
 */
export async function* streamProgram(
  command: string,
  args: string[],
  input: AsyncIterable<Buffer> | Readable,
  options: { env?: NodeJS.ProcessEnv } = {}
): AsyncGenerator<Buffer> {
  const source = input instanceof Readable ? input : Readable.from(input)
  // The environment is passed explicitly, so a changed process.env (PATH) is what the child sees even
  // where a test runner gives the code its own process.env object.
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env })
  track(child)
  let stderr = ''
  let failure: { error: Error; from: 'spawn' | 'input' } | undefined
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < STDERR_BYTES) stderr += d.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => {
    child.on('error', error => {
      failure ??= { error, from: 'spawn' }
      resolve({ code: null, signal: null })
    })
    child.on('close', (code, signal) => resolve({ code, signal }))
  })
  // A program that stops reading (or a consumer that stops early) closes the pipe: EPIPE is expected.
  child.stdin.on('error', () => {})
  source.on('error', error => {
    failure ??= { error, from: 'input' }
    child.stdin.destroy()
  })
  source.pipe(child.stdin)
  let finished = false
  try {
    let batch: Buffer[] = []
    let batched = 0
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      batch.push(chunk)
      batched += chunk.length
      if (batched >= BATCH_BYTES) {
        yield batch.length === 1 ? batch[0] : Buffer.concat(batch, batched)
        batch = []
        batched = 0
      }
    }
    if (batched) yield Buffer.concat(batch, batched)
    const { code, signal } = await exited
    finished = true
    if (failure) {
      const missing = failure.from === 'spawn' && (failure.error as NodeJS.ErrnoException).code === 'ENOENT'
      throw new ProgramError(command, missing ? 'missing' : 'failed', failure.error.message)
    }
    if (code !== 0) throw new ProgramError(command, 'exit', signal ? `was killed by ${signal}` : `exited with ${code}`, code, stderr)
  } finally {
    if (!finished) {
      source.unpipe(child.stdin)
      source.destroy()
      child.stdin.destroy()
      child.stdout.destroy()
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}
