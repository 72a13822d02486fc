/**
 * Step 3 of setup: interpreters for the platforms that need one, from the install layer.
 * binfmt_misc is mounted before a package installs (its postinst registers into it), and not at
 * all when there is nothing to register; what a package registers is recorded like our own changes.
 */
import type { Installation, InstallRequest } from '../install/index.js'
import type { Platform } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import type { Changes } from './changes.js'
import type { Context, SetupRequest } from './context.js'

export async function obtain(
  needed: readonly Platform[],
  request: SetupRequest,
  sys: Privileged,
  changes: Changes,
  ctx: Context
): Promise<Installation> {
  return ctx.obtain(
    needed.map(p => p.target),
    { ...request.install, flags: request.flags },
    {
      sys,
      hostMachine: ctx.host.machine,
      places: ctx.places,
      log: ctx.log.info,
      watch: async step => {
        await changes.mount()
        return changes.watch(step)
      }
    }
  )
}

/** What to do about a platform nothing could serve, after what was tried. */
export function installAdvice(method: InstallRequest['method']): string {
  return method === 'none'
    ? 'install qemu-user-static before this step, or set install: auto to let the action get QEMU'
    : 'see the log above for what was tried'
}
