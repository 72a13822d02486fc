/**
 * Suites that need root, packages or a kernel feature declare it here. Outside CI a missing
 * requirement skips the suite with its reason; under CI=true it fails instead, because a skipped
 * suite in CI hides a broken setup.
 */
import { accessSync, constants, existsSync } from 'node:fs'
import { describe, test } from '@jest/globals'

export type Requirement = { what: string; met: () => boolean }

export const root: Requirement = { what: 'root', met: () => process.getuid?.() === 0 }

export function command(path: string): Requirement {
  return {
    what: `${path} (see .ci/run for the package)`,
    met: () => {
      try {
        accessSync(path, constants.X_OK)
        return true
      } catch {
        return false
      }
    }
  }
}

export function file(path: string): Requirement {
  return { what: path, met: () => existsSync(path) }
}

/** describe() when every requirement is met; otherwise a skip (or, under CI, a failing suite). */
export function describeWhen(requirements: Requirement[], name: string, body: () => void): void {
  const missing = requirements.filter(r => !r.met()).map(r => r.what)
  if (missing.length === 0) {
    describe(name, body)
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test(`requirements (${missing.join(', ')})`, () => {
        throw new Error(`CI must provide: ${missing.join(', ')}`)
      })
    })
  } else {
    describe.skip(`${name} [needs ${missing.join(', ')}]`, body)
  }
}
