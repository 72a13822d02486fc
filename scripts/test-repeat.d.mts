/** Types of scripts/test-repeat.mjs, plain Node like the other command-line scripts. */

export declare const USAGE: string

export declare function parseArgs(argv: string[]): { help: true } | { help?: undefined; suites: string[]; runs: number }

/** The jest path pattern that selects exactly this file, or every file under this folder. */
export declare function suitePattern(absolutePath: string, isFolder: boolean): string

export interface Outcome {
  ok: boolean
  seconds: number
  code: number
  passed?: number
  failed?: number
  skipped?: number
  brokenSuites?: number
}

/** jest's --json results, the fields read. */
export interface JestResults {
  success: boolean
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests?: number
  numRuntimeErrorTestSuites?: number
}

export declare function outcome(code: number, results: JestResults | undefined, seconds: number): Outcome

export declare function runLine(index: number, runs: number, outcome: Outcome): string

export declare function summary(outcomes: Outcome[]): string
