/**
 * Typed stand-ins for @actions/core (the typescript-action template's fixture): tests pass this
 * module to jest.unstable_mockModule('@actions/core', ...), give inputs and state as maps, and read
 * what was set, exported, logged and saved. `reset` starts every test from nothing.
 */
import type * as core from '@actions/core'
import { jest } from '@jest/globals'

export const inputs: Record<string, string> = {}
export const state = new Map<string, string>()
export const outputs = new Map<string, string>()
/** Variables exported for the job's later steps. */
export const exported = new Map<string, string>()
export const logged: string[] = []

export const getInput = jest.fn<typeof core.getInput>(name => inputs[name] ?? '')
export const getState = jest.fn<typeof core.getState>(name => state.get(name) ?? '')
export const saveState = jest.fn<typeof core.saveState>((name, value) => {
  state.set(name, String(value))
})
export const setOutput = jest.fn<typeof core.setOutput>((name, value) => {
  outputs.set(name, String(value))
})
export const exportVariable = jest.fn<typeof core.exportVariable>((name, value) => {
  exported.set(name, String(value))
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
export const error = jest.fn<typeof core.error>(message => {
  logged.push(`error: ${String(message)}`)
})
export const debug = jest.fn<typeof core.debug>()
export const group = jest.fn(<T>(_name: string, fn: () => Promise<T>) => fn()) as jest.MockedFunction<typeof core.group>

const builder = {} as typeof core.summary
export const summary = Object.assign(builder, {
  addHeading: jest.fn<typeof core.summary.addHeading>(() => builder),
  addTable: jest.fn<typeof core.summary.addTable>(() => builder),
  write: jest.fn<typeof core.summary.write>(async () => builder)
})

export function reset(): void {
  for (const key of Object.keys(inputs)) delete inputs[key]
  for (const map of [state, outputs, exported]) map.clear()
  logged.length = 0
  const mocks = [getInput, getState, saveState, setOutput, exportVariable, setFailed, info, notice, warning, error, debug, group]
  for (const mock of [...mocks, summary.addHeading, summary.addTable, summary.write]) mock.mockClear()
}
