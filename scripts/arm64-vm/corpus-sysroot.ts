/**
 * The sysroot of the VM's foreign-program corpus (scenario 08), made by the action's own engine
 * (src/install/libraries: the distribution's signed packages for amd64 and i386, resolved by apt on
 * private state, unpacked with the merged-/usr links), exactly as a job asking for these libraries
 * would get it. corpus.mjs runs this file through tsx and reads the one JSON line it prints:
 *
 *   node --import tsx scripts/arm64-vm/corpus-sysroot.ts '{"targets":[...],"packages":[...],"cacheDir":"...","tempDir":"..."}'
 *
 * prints {"path": "...", "cacheHit": false, "packages": ["name:arch=version", ...]} on stdout (the
 * engine's log goes to stderr), or exits 1 with the engine's message.
 */
import { mkdirSync } from 'node:fs'
import { makeSysroot, parseLibraries } from '../../src/install/libraries/index.js'
import type { QemuTarget } from '../../src/kernel/platforms.js'

interface Request {
  targets: QemuTarget[]
  /** Package names as the `libraries` input takes them (`base` allowed). */
  packages: string[]
  /** The folder sysroots are kept in. */
  cacheDir: string
  tempDir: string
}

async function main(argv: string[]): Promise<void> {
  const request = JSON.parse(argv[0] ?? '{}') as Request
  // The engine makes its apt folder fresh inside tempDir, and never makes tempDir itself.
  mkdirSync(request.tempDir, { recursive: true })
  const sysroot = await makeSysroot({
    ...request,
    // as the action reads its `libraries` input: `base` is the C and C++ runtime
    packages: parseLibraries(request.packages.join(' ')),
    log: message => process.stderr.write(`${message}\n`)
  })
  process.stdout.write(`${JSON.stringify(sysroot)}\n`)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`corpus-sysroot: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
