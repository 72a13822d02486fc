/**
 * Reading the host's ledger back, field by field: the file is shared by every job on the machine,
 * and a damaged one (garbage, cut short, a link, a record missing its entry) must never read as
 * "nobody holds anything", or a post step would remove an entry another job still uses. What is
 * sound is kept; when anything is not, every entry of the kernel's table is held by
 * REBUILT_HOLDER, so nothing is removed while the record cannot be trusted.
 */
import type { Entry, Table } from '../kernel/binfmt.js'
import { type Holder, holderProblem, REBUILT_HOLDER, sameHolder } from './holder.js'
import { entryProblem } from './journal.js'

export interface Held {
  /** The entry as the action (or a package it installed) registered it; with `removed`, the entry a package removed. */
  entry: Entry
  /** What had that name before the first holder registered; absent when the name was free. */
  original?: Entry
  holders: Holder[]
  /** The /etc/binfmt.d file written for it with `persist`, so the entry comes back at boot. */
  persisted?: string
  /** A package this job installed removed `entry`: the last holder's post step registers it again. */
  removed?: true
}

export interface Salvage {
  /** Every record that was sound, and the sound parts of the others. */
  entries: Record<string, Held>
  /** What was wrong, one line each; empty for a sound ledger. */
  problems: string[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One record, checked field by field; undefined when not even its entry can be read. */
function salvageRecord(name: string, value: unknown, problems: string[]): Held | undefined {
  const say = (what: string) => problems.push(`record ${JSON.stringify(name)}: ${what}`)
  if (!isObject(value)) return void say('is not an object')
  const entryWrong = entryProblem(value.entry)
  if (entryWrong) return void say(`its entry is not a binfmt entry (${entryWrong})`)
  const entry = value.entry as Entry
  if (entry.name !== name) return void say(`its entry is named ${JSON.stringify(entry.name)}`)
  const held: Held = { entry, holders: [] }
  if (value.original !== undefined) {
    const originalWrong = entryProblem(value.original)
    if (originalWrong) say(`its original is not a binfmt entry (${originalWrong})`)
    else held.original = value.original as Entry
  }
  if (!Array.isArray(value.holders)) say('its holders are not a list')
  else {
    for (const holder of value.holders) {
      const holderWrong = holderProblem(holder)
      if (holderWrong) say(`a holder is damaged (${holderWrong})`)
      else if (!held.holders.some(h => sameHolder(h, holder as Holder))) held.holders.push(holder as Holder)
    }
  }
  if (value.persisted !== undefined) {
    if (typeof value.persisted === 'string' && value.persisted.startsWith('/')) held.persisted = value.persisted
    else say('its persisted file is not a path')
  }
  if (value.removed === true) held.removed = true
  else if (value.removed !== undefined) say('its removed mark is not true')
  return held
}

/** A parsed ledger file, checked field by field. */
export function salvage(value: unknown): Salvage {
  const problems: string[] = []
  if (!isObject(value)) return { entries: {}, problems: ['it is not a JSON object'] }
  if (!isObject(value.entries)) {
    return { entries: {}, problems: [`its entries are ${JSON.stringify(value.entries) ?? 'missing'}, not an object`] }
  }
  const entries: Record<string, Held> = {}
  for (const [name, record] of Object.entries(value.entries)) {
    const held = salvageRecord(name, record, problems)
    if (held) entries[name] = held
  }
  return { entries, problems }
}

/**
 * The records to write back over a damaged ledger: what was sound, and every entry of the kernel's
 * table held by REBUILT_HOLDER (the other holders it had are lost, so it is kept for them).
 */
export function rebuild(sound: Record<string, Held>, table: Table): Record<string, Held> {
  const entries: Record<string, Held> = { ...sound }
  for (const [name, entry] of table) {
    const held = (entries[name] ??= { entry, holders: [] })
    if (!held.holders.some(h => sameHolder(h, REBUILT_HOLDER))) held.holders.push(REBUILT_HOLDER)
  }
  return entries
}
