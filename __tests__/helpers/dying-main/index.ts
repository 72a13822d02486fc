/**
 * The action's main step as the interruption tests need it, bundled by test-build.ts and never
 * into dist/: SETUP_X86_ON_ARM_DIE_AT=N kills this process right after the Nth change is saved
 * for post and before it is made, the worst moment for a cancelled job. The real context, with a
 * journal that dies after saving.
 */
import { createContext } from '../../../src/core/context.js'
import { run } from '../../../src/faces/main.js'
import { Journal } from '../../../src/records/journal.js'

const dieAt = Number(process.env.SETUP_X86_ON_ARM_DIE_AT)

await run(async env => ({
  ...(await createContext(env)),
  journal: new Journal(async changes => {
    await env.persistJournal(changes)
    if (changes.length === dieAt) process.kill(process.pid, 'SIGKILL')
  })
}))
