#!/usr/bin/env node
// `npm run bench [-- --runs N] [--apt-runs N] [--emu-runs N] [--data-mb N] [--skip-apt]
// [--skip-emulation] [--quick] [--out DIR] [--render]`: the setup-speed benchmark of issue 7.
// What it measures and writes: scripts/bench/index.ts. Needs root; it registers binfmt handlers.
//
// The bench is TypeScript (scripts/bench/: measure/, report.ts, chart.ts) and uses the action's
// own kernel interface from src/kernel; tsx, a dev dependency, loads them.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./bench/index.ts')
await main(process.argv.slice(2))
