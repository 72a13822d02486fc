/**
 * The classic recipe the action replaces, on a fresh runner: empty apt lists and package cache
 * (private to each run), `apt-get update`, `apt-get install qemu-user-static binfmt-support`,
 * then make sure qemu-aarch64 is registered and run an arm64 program once. The machine is put
 * back after: both packages purged, the qemu-user-static version it had reinstalled (without
 * binfmt-support unless it had it), and every binfmt entry the recipe left removed.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Samples } from './action.js'
import { CACHE } from './fixtures.js'
import { childrenCpu, ensure, must, run, say } from './processes.js'
import { ENTRY, isRegistered, lockedPhase, restoreTable, tableNames } from './table.js'

/** The recipe's phases, as the table shows them under its row. */
export const APT_PHASES = ['apt-get update', 'apt-get install', 'register + probe'] as const

/** Seconds per phase, in run order, and how many entries the recipe registered. */
export type AptPhases = Partial<Record<(typeof APT_PHASES)[number], number[]>> & { registered?: number }

async function dpkgVersion(pkg: string): Promise<string | undefined> {
  const r = await run('dpkg-query', ['-W', '-f', '${Status}|${Version}', pkg])
  const [status, version] = r.stdout.split('|')
  return r.code === 0 && /install ok installed/.test(status) ? version : undefined
}

const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
const QUIET = ['-q', '-o', 'Dpkg::Use-Pty=0', '-o', 'DPkg::Lock::Timeout=120']
const aptGet = (args: string[]) => must('apt-get', [...QUIET, ...args], { env: aptEnv })
const purge = () => aptGet(['purge', '-y', 'qemu-user-static', 'binfmt-support'])

export async function aptScenario(o: { runs: number; busybox: string; samples: Samples; phases: AptPhases }): Promise<void> {
  const { runs, busybox, samples, phases } = o
  const original = await dpkgVersion('qemu-user-static')
  const hadSupport = await dpkgVersion('binfmt-support')

  const putBack = async (snapshot: string[]) => {
    say('apt recipe: putting the machine back (purge, reinstall qemu-user-static without binfmt-support)')
    await purge()
    await restoreTable(snapshot, 'the apt recipe')
    if (original) {
      const install = [...QUIET, 'install', '-y', '--no-install-recommends']
      const exact = await run('apt-get', [...install, `qemu-user-static=${original}`], { env: aptEnv })
      if (exact.code !== 0) await aptGet(['install', '-y', '--no-install-recommends', 'qemu-user-static'])
    }
    if (hadSupport) await aptGet(['install', '-y', '--no-install-recommends', 'binfmt-support'])
    await restoreTable(snapshot, 'the reinstall')
    const now = await tableNames()
    if (now.join() !== snapshot.join()) say(`WARNING: binfmt_misc has ${now.join(' ')}; before: ${snapshot.join(' ') || '(none)'}`)
    const after = await dpkgVersion('qemu-user-static')
    if (after !== original) say(`WARNING: qemu-user-static is ${after ?? 'not installed'}, was ${original ?? 'not installed'}`)
    if (!hadSupport && (await dpkgVersion('binfmt-support'))) say('WARNING: binfmt-support is still installed')
  }

  await lockedPhase('the apt recipe', async snapshot => {
    try {
      for (let i = 1; i <= runs; i++) {
        say(`apt recipe: run ${i} of ${runs} (purge, then update + install + register from an empty apt state)`)
        await purge()
        await restoreTable(snapshot, 'the purge')
        const dir = join(CACHE, 'apt-run')
        rmSync(dir, { recursive: true, force: true })
        for (const sub of ['lists/partial', 'archives/partial']) mkdirSync(join(dir, sub), { recursive: true })
        const fresh = [
          `Dir::State::Lists=${join(dir, 'lists')}`,
          `Dir::Cache::Archives=${join(dir, 'archives')}`,
          'Dir::Cache::pkgcache=',
          'Dir::Cache::srcpkgcache='
        ].flatMap(o => ['-o', o])
        const update = await aptGet([...fresh, 'update'])
        const install = await aptGet([...fresh, 'install', '-y', '--no-install-recommends', 'qemu-user-static', 'binfmt-support'])
        // Register: the package's postinst imports every format through binfmt-support; where it
        // did not (inside a container), the recipe's next line does. Then one arm64 program runs.
        const regStart = performance.now()
        const regCpu = childrenCpu()
        if (!isRegistered(ENTRY)) await must('update-binfmts', ['--import', ENTRY])
        if (!isRegistered(ENTRY)) await must('update-binfmts', ['--enable', ENTRY])
        const probe = await must(busybox, ['uname', '-m'])
        ensure(probe.stdout.trim() === 'aarch64', `apt recipe: arm64 busybox printed ${JSON.stringify(probe.stdout.trim())}`)
        const register = { seconds: (performance.now() - regStart) / 1000, cpu: childrenCpu() - regCpu }
        phases.registered = (await tableNames()).filter(n => !snapshot.includes(n)).length
        const timed = [update, install, register]
        APT_PHASES.forEach((name, k) => (phases[name] ??= []).push(timed[k].seconds))
        samples.add('apt', { seconds: update.seconds + install.seconds + register.seconds, cpu: update.cpu + install.cpu + register.cpu })
        rmSync(dir, { recursive: true, force: true })
      }
    } finally {
      await putBack(snapshot)
    }
  })
}
