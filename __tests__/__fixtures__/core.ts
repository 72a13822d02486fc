/**
 * Typed stand-ins for the action's Actions layer, src/faces/actions (the typescript-action
 * template's fixture style): tests pass this module to jest.unstable_mockModule, give inputs and
 * state as maps, and read what was set, logged and saved. `reset` starts every test from nothing.
 */
import type * as core from '../../src/faces/actions/index.js'
import { jest } from '@jest/globals'

export const inputs: Record<string, string> = {}
export const state = new Map<string, string>()
export const outputs = new Map<string, string>()
export const logged: string[] = []
export const summaryTables: unknown[] = []

export const getInput = jest.fn<typeof core.getInput>(name => inputs[name] ?? '')
export const getState = jest.fn<typeof core.getState>(name => state.get(name) ?? '')
export const saveState = jest.fn<typeof core.saveState>((name, value) => {
  state.set(name, String(value))
})
export const setOutput = jest.fn<typeof core.setOutput>((name, value) => {
  outputs.set(name, String(value))
})
export const setFailed = jest.fn<typeof core.setFailed>()
export const info = jest.fn<typeof core.info>(message => {
  logged.push(message)
})
export const notice = jest.fn<typeof core.notice>(message => {
  logged.push(`notice: ${String(message)}`)
})
export const warning = jest.fn<typeof core.warning>(message => {
  logged.push(`warning: ${String(message)}`)
})
export const debug = jest.fn<typeof core.debug>()
export const group = jest.fn(<T>(_name: string, fn: () => Promise<T>) => fn()) as jest.MockedFunction<typeof core.group>

const summaryBuilder = {
  addHeading: () => summaryBuilder,
  addTable: (rows: unknown) => {
    summaryTables.push(rows)
    return summaryBuilder
  },
  write: async () => summaryBuilder
}
export const summary = summaryBuilder

export function reset(): void {
  for (const key of Object.keys(inputs)) delete inputs[key]
  state.clear()
  outputs.clear()
  logged.length = 0
  summaryTables.length = 0
  for (const mock of [getInput, getState, saveState, setOutput, setFailed, info, notice, warning, debug, group]) mock.mockClear()
}
