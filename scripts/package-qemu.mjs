#!/usr/bin/env node
// `npm run package-qemu -- <debian-version-or-suite> [options]`: the action's own QEMU assets from
// Debian's signed packages. Usage, options and how it works: scripts/package-qemu/index.ts.
//
// The script is TypeScript (scripts/package-qemu/) and shares the action's own modules from src/
// (ELF reading, the platform table, the manifest's checks); tsx, a dev dependency, loads them.
// This file stays the one command every caller runs: `node scripts/package-qemu.mjs ...` in the
// qemu-assets workflow, scripts/ci/package-qemu.sh and scripts/arm64-vm/fixtures.mjs.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./package-qemu/index.ts')
main(process.argv.slice(2)).catch(error => {
  console.error(`package-qemu: ${error.message}`)
  process.exitCode = 1
})
