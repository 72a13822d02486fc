/**
 * Builds that exist for tests only, never shipped in dist/. The dying job is the action with a
 * main step that kills itself after the Nth recorded change (dying-main/index.ts, type-checked
 * through its own tsconfig.json: only what it bundles), laid out like the
 * repository (scripts/local-run.mjs, action.yml, dist/main, dist/post) so runStep's `root` option
 * runs it the way the runner would. Bundled with ncc once per test file that asks for it.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './action.js'

const BUILD = join(ROOT, '.cache', 'test-build')
let dyingJob: string | undefined

/** The dying job's root: its main is the test build, its post the real dist/post. */
export function dyingJobRoot(): string {
  if (dyingJob) return dyingJob
  const ncc = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  const main = join(BUILD, 'dying-main')
  execFileSync(process.execPath, [ncc, 'build', join(ROOT, '__tests__', 'helpers', 'dying-main', 'index.ts'), '-o', main, '-q'], {
    cwd: ROOT,
    stdio: 'inherit'
  })
  const root = join(BUILD, 'dying-job')
  rmSync(root, { recursive: true, force: true })
  mkdirSync(join(root, 'scripts'), { recursive: true })
  mkdirSync(join(root, 'dist'))
  // Copies, not links: local-run.mjs finds the bundles and action.yml beside its own real path.
  copyFileSync(join(ROOT, 'scripts', 'local-run.mjs'), join(root, 'scripts', 'local-run.mjs'))
  copyFileSync(join(ROOT, 'action.yml'), join(root, 'action.yml'))
  symlinkSync(main, join(root, 'dist', 'main'))
  symlinkSync(join(ROOT, 'dist', 'post'), join(root, 'dist', 'post'))
  dyingJob = root
  return root
}
