/**
 * The action's own scenarios, `runs` rounds of each: the node floor, main's start-up, cold
 * downloads (single .br, the default's format, single .xz and tarball), a warm cache hit, an entry already set up, and post
 * with and without something to undo. Every main is checked to have done what the scenario says
 * before its time counts.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Asset } from './fixtures.js'
import { CACHE } from './fixtures.js'
import { ensure, run, say } from './processes.js'
import { ACTION_NODE, actionStep, measuredEnv } from './runner.js'
import { ENTRY, lockedPhase, registerAarch64, removeEntry, tableNames } from './table.js'

/** Wall and CPU seconds per scenario id, in run order. */
export class Samples {
  readonly wall = new Map<string, number[]>()
  readonly cpu = new Map<string, number[]>()
  add(id: string, r: { seconds: number; cpu: number }): void {
    if (!this.wall.has(id)) {
      this.wall.set(id, [])
      this.cpu.set(id, [])
    }
    this.wall.get(id)!.push(r.seconds)
    this.cpu.get(id)!.push(r.cpu)
  }
}

export async function actionScenarios(o: {
  dist: string
  mirror: { base: string }
  assets: { brotli: Asset; single: Asset; tarball: Asset }
  runs: number
  samples: Samples
}): Promise<void> {
  const { dist, mirror, assets, runs, samples } = o
  const base = join(CACHE, 'runs')
  rmSync(base, { recursive: true, force: true })
  const common = { platforms: 'arm64', install: 'download', verify: 'probe', cleanup: 'true' }
  const xzInputs = { ...common, 'qemu-url': `${mirror.base}/${assets.single.name}`, 'qemu-sha256': assets.single.sha256 }
  const brInputs = { ...common, 'qemu-url': `${mirror.base}/${assets.brotli.name}`, 'qemu-sha256': assets.brotli.sha256 }
  const tarInputs = { ...common, 'qemu-url': `${mirror.base}/${assets.tarball.name}`, 'qemu-sha256': assets.tarball.sha256 }

  await lockedPhase('the action scenarios', async () => {
    let n = 0
    const fresh = (name: string) => {
      const dir = join(base, `${name}-${++n}`)
      rmSync(dir, { recursive: true, force: true })
      return dir
    }

    /** main registering (cold or warm), then post removing; both checked. */
    const mainThenPost = async (id: string, dir: string, inputs: Record<string, string>, cacheHit: boolean) => {
      const main = await actionStep(dist, 'main', dir, inputs)
      ensure(main.code === 0, `${id}: main failed (exit ${main.code})`, main)
      const method = main.outputs['install-method'] === 'download' && main.outputs['cache-hit'] === String(cacheHit)
      ensure(method, `${id}: expected install-method=download cache-hit=${cacheHit}, got ${JSON.stringify(main.outputs)}`, main)
      ensure((await tableNames()).includes(ENTRY), `${id}: main did not register ${ENTRY}`, main)
      const post = await actionStep(dist, 'post', dir, inputs)
      ensure(post.code === 0 && /removed qemu-aarch64/.test(post.stdout), `${id}: post did not remove ${ENTRY}`, post)
      ensure(!(await tableNames()).includes(ENTRY), `${id}: ${ENTRY} still registered after post`, post)
      return { main, post }
    }

    // Warm-up (untimed): the page cache, and the tool cache every warm run starts from.
    say('warm-up')
    await run(ACTION_NODE, ['-e', '0'], { env: measuredEnv() })
    const warmDir = join(base, 'warm')
    await mainThenPost('warm-up', warmDir, xzInputs, false)
    const warmCache = join(warmDir, 'tool-cache')
    const cachedVersion = readdirSync(join(warmCache, 'qemu-user-static'))[0]
    const cachedQemu = join(warmCache, 'qemu-user-static', cachedVersion ?? '', 'amd64', 'qemu-aarch64')
    ensure(cachedVersion && existsSync(cachedQemu), 'warm-up left no cached qemu-aarch64')

    for (let i = 1; i <= runs; i++) {
      say(`action scenarios: round ${i} of ${runs}`)
      samples.add('floor', await run(ACTION_NODE, ['-e', '0'], { env: measuredEnv() }))

      const startupDir = fresh('startup')
      const startup = await actionStep(dist, 'main', startupDir, { ...common, platforms: 'not-a-platform' })
      ensure(startup.code === 1 && /input 'platforms'/.test(startup.stdout), 'startup: main did not fail on the invalid input', startup)
      samples.add('startup', startup)
      rmSync(startupDir, { recursive: true, force: true })

      for (const [id, inputs] of [
        ['cold-br', brInputs],
        ['cold-xz', xzInputs],
        ['cold-tar', tarInputs]
      ] as const) {
        const dir = fresh(id)
        const { main, post } = await mainThenPost(id, dir, inputs, false)
        samples.add(id, main)
        samples.add('post', post)
        rmSync(dir, { recursive: true, force: true })
      }

      // Warm: the tool cache from the warm-up, a fresh job otherwise.
      for (const name of ['state', 'main.output', 'post.output', 'summary.md']) rmSync(join(warmDir, name), { force: true })
      const { main: warm, post } = await mainThenPost('warm', warmDir, xzInputs, true)
      samples.add('warm', warm)
      samples.add('post', post)

      // Already set up: a working F entry someone registered before the job (the action's cached
      // interpreter); main finds it, changes nothing; post has nothing to undo.
      const dir = fresh('existing')
      await registerAarch64(cachedQemu)
      try {
        const main = await actionStep(dist, 'main', dir, xzInputs)
        const found = main.code === 0 && main.outputs['install-method'] === 'existing'
        ensure(found, `existing: expected install-method=existing, got ${JSON.stringify(main.outputs)}`, main)
        samples.add('existing', main)
        const noop = await actionStep(dist, 'post', dir, xzInputs)
        ensure(noop.code === 0 && /nothing to restore/.test(noop.stdout), 'existing: post should have had nothing to restore', noop)
        ensure((await tableNames()).includes(ENTRY), 'existing: the pre-existing entry is gone after post', noop)
        samples.add('post-noop', noop)
      } finally {
        await removeEntry(ENTRY)
      }
      rmSync(dir, { recursive: true, force: true })
    }
  })
}
