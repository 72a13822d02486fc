/** What the command line prints: inside a job's step, nothing it quotes (engine errors, apt's words) reaches the runner as a command. */
import { runnerSafe } from './runner-text.js'

export const out = (text: string): void => void process.stdout.write(runnerSafe(text))
export const err = (text: string): void => void process.stderr.write(runnerSafe(text))
