/**
 * What a plan can reuse before anything is downloaded: interpreters already in the root-only
 * store (found by the digest the manifest pins, or the store's record of the asset; a qemu-url's
 * record only when made from that URL; the tool cache is not read for them), then the tool
 * cache's binaries. With a store, a tool-cache binary is taken in only when its sha256 is one
 * that only root could have written down (the manifest's pin, or the store's record of the asset);
 * a changed one is said in one line and downloaded again, never run. Without a store the tool
 * cache's files are used as they are (by stat), as before.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { QemuTarget } from '../../kernel/platforms.js'
import { cacheState, type CacheState } from './cache.js'
import { fileSha256, type InterpreterStore, type StoreRecord } from './interpreter-store.js'
import { servesFrom, type Plan } from './plan.js'

/** An interpreter ready to be registered, with what is known of it. */
export interface Ready {
  path: string
  version?: string
  url?: string
}

/** What a plan finds already on the machine, and what it still needs to download. */
export interface Survey {
  plan: Plan
  state: CacheState
  ready: Map<QemuTarget, Ready>
  missing: QemuTarget[]
}

/** The store's record of an asset's interpreter, when the plan may use it (servesFrom: a qemu-url's only from that URL). */
async function recordFor(store: InterpreterStore, plan: Plan, target: QemuTarget): Promise<StoreRecord | undefined> {
  const asset = plan.assets.get(target)!
  const record = await store.record(asset.sha256, target)
  return record && servesFrom(plan, asset, record.url) ? record : undefined
}

/** The plan's targets whose interpreter is in the store already. */
export async function fromStore(store: InterpreterStore, plan: Plan, targets: readonly QemuTarget[]): Promise<Map<QemuTarget, Ready>> {
  const ready = new Map<QemuTarget, Ready>()
  for (const target of targets) {
    const asset = plan.assets.get(target)
    if (!asset) continue
    const record = await recordFor(store, plan, target)
    const sha256 = asset.binarySha256 ?? record?.sha256
    const path = sha256 ? await store.find(sha256, target) : undefined
    if (path) ready.set(target, { path, version: record?.version ?? plan.qemu, url: record?.url ?? asset.url })
  }
  return ready
}

/** A tool-cache binary checked against a digest only root could have written, then taken into the store. */
async function adopt(
  store: InterpreterStore,
  plan: Plan,
  target: QemuTarget,
  state: CacheState,
  log: (message: string) => void
): Promise<Ready | undefined> {
  const asset = plan.assets.get(target)!
  const cached = state.metadata?.binaries[target]
  const path = join(state.dir as string, `qemu-${target}`)
  const record = await recordFor(store, plan, target)
  const expected = asset.binarySha256 ?? record?.sha256
  if (!expected) {
    const why = `no sha256 of it is kept where only root can write (the interpreter store ${store.root} has no record of it)`
    log(`the tool cache's qemu-${target} (${path}) is not used: ${why}; downloading it again`)
    return undefined
  }
  const size = (await stat(path)).size
  // Another size is another file: no need to read it through.
  const actual = record && record.size !== size ? `of a file of ${size} bytes, not ${record.size}` : await fileSha256(path)
  const put = actual === expected ? await store.put(path, expected, target) : { problem: `its sha256 is ${actual}, not ${expected}` }
  if ('problem' in put) {
    log(
      `the tool cache's qemu-${target} (${path}) was changed after it was cached (${put.problem}): it is not run or registered; downloading it again`
    )
    return undefined
  }
  return { path: put.path, version: record?.version ?? cached?.version ?? plan.qemu, url: record?.url ?? cached?.url }
}

/** What a plan can serve from the store and the tool cache, and what it must download. */
export async function survey(
  plan: Plan,
  targets: readonly QemuTarget[],
  where: { store?: InterpreterStore; toolCache: string; hostArch: string; log: (message: string) => void }
): Promise<Survey> {
  const ready = where.store ? await fromStore(where.store, plan, targets) : new Map<QemuTarget, Ready>()
  const state = await cacheState(plan, targets, where.hostArch, where.toolCache)
  const missing: QemuTarget[] = []
  for (const target of targets) {
    if (ready.has(target)) continue
    if (!state.present.includes(target)) {
      missing.push(target)
      continue
    }
    const cached = state.metadata?.binaries[target]
    const taken = where.store
      ? await adopt(where.store, plan, target, state, where.log)
      : { path: join(state.dir as string, `qemu-${target}`), version: cached?.version ?? plan.qemu, url: cached?.url }
    if (taken) ready.set(target, taken)
    else missing.push(target)
  }
  return { plan, state, ready, missing }
}
