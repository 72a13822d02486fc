/**
 * The action's main step as the interruption tests need it, bundled by test-build.ts and never
 * into dist/: SETUP_X86_ON_ARM_DIE_AT=N kills this process right after the Nth change is recorded
 * and before it is made, the worst moment for a cancelled job.
 */
import { run } from '../../../src/faces/main.js'

const dieAt = Number(process.env.SETUP_X86_ON_ARM_DIE_AT)

await run({
  afterRecord: recorded => {
    if (recorded === dieAt) process.kill(process.pid, 'SIGKILL')
  }
})
