#!/usr/bin/env node
// `npm run bench [-- --runs N] [--apt-runs N] [--emu-runs N] [--data-mb N] [--skip-apt]
// [--skip-emulation] [--quick] [--out DIR] [--render]`: the setup-speed benchmark of issue 7.
// What it measures and writes: scripts/bench/index.ts. Needs root; it registers binfmt handlers.
// The action's steps and the node floor run on SETUP_X86_ACTION_NODE when it names a node (the
// node24 that action.yml declares: SETUP_X86_ACTION_NODE=$(bash scripts/ci/node24.sh) npm run bench).
//
// The bench is TypeScript (scripts/bench/: measure/, report.ts, chart.ts) and uses the action's
// own kernel interface from src/kernel; tsx, a dev dependency, loads them.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./bench/index.ts')
await main(process.argv.slice(2))
