/**
 * The pure parts of scripts/test-repeat.mjs (npm run test:repeat): its command line, the pattern
 * that hands jest exactly the suites named, and the lines it prints. (The runs themselves start jest.)
 */
import { describe, expect, test } from '@jest/globals'
import { outcome, parseArgs, runLine, summary, suitePattern } from '../../scripts/test-repeat.mjs'

const results = (passed: number, failed: number, skipped = 0) => ({
  success: failed === 0,
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: skipped,
  numTodoTests: 0,
  numRuntimeErrorTestSuites: 0
})

describe('the command line', () => {
  test('suites, then the number of runs (5 when left out)', () => {
    expect(parseArgs(['__tests__/integration/action.test.ts', '10'])).toEqual({
      suites: ['__tests__/integration/action.test.ts'],
      runs: 10
    })
    expect(parseArgs(['a.test.ts', 'b.test.ts'])).toEqual({ suites: ['a.test.ts', 'b.test.ts'], runs: 5 })
    expect(parseArgs(['--help'])).toEqual({ help: true })
  })

  test.each([
    [[], /^no suite: name a test file or folder/],
    [['7'], /^no suite/],
    [['a.test.ts', '0'], /^N \(the number of runs\) is 0: use a whole number from 1 to 1000$/],
    [['a.test.ts', '1001'], /is 1001/],
    [['--runs', '3', 'a.test.ts'], /^unknown option --runs/]
  ])('%j: one line naming what is wrong', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message)
  })
})

describe('the suites jest runs', () => {
  const root = '/work/repo (copy)/__tests__/integration'

  test('a file selects that file only, not one whose name ends the same', () => {
    const pattern = new RegExp(suitePattern(`${root}/action.test.ts`, false))
    expect(pattern.test(`${root}/action.test.ts`)).toBe(true)
    expect(pattern.test(`${root}/container-action.test.ts`)).toBe(false)
    expect(pattern.test(`${root}/action.test.tsx`)).toBe(false)
  })

  test('a folder selects what is under it, not a sibling whose name starts the same', () => {
    const pattern = new RegExp(suitePattern(`${root}/`, true))
    expect(pattern.test(`${root}/faults.test.ts`)).toBe(true)
    expect(pattern.test(`${root}-old/faults.test.ts`)).toBe(false)
  })
})

describe('what it prints', () => {
  test('a line per run and the closing count over the runs', () => {
    const runs = [outcome(0, results(12, 0, 1), 80.04), outcome(1, results(11, 1), 91.5), outcome(1, undefined, 3)]
    expect(runs.map((o, i) => runLine(i + 1, 3, o))).toEqual([
      'run 1/3: pass  12 passed, 0 failed, 1 skipped  80.0 s',
      'run 2/3: FAIL  11 passed, 1 failed, 0 skipped  91.5 s',
      'run 3/3: FAIL  no results (jest exited 1)  3.0 s'
    ])
    expect(summary(runs)).toBe('1 passed, 2 failed')
  })

  test('a suite that could not run fails the run even with no failed test', () => {
    const o = outcome(1, { ...results(4, 0), success: false, numRuntimeErrorTestSuites: 1 }, 10)
    expect(o.ok).toBe(false)
    expect(runLine(1, 1, o)).toBe('run 1/1: FAIL  4 passed, 0 failed, 0 skipped, 1 suite(s) did not run  10.0 s')
  })
})
