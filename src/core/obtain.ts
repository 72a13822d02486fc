/**
 * Step 3 of setup: interpreters for the platforms that need one, from the install layer.
 * binfmt_misc is mounted before a package installs (its postinst registers into it), and not at
 * all when there is nothing to register; what a package registers is recorded like our own changes.
 * Here too is what the later steps need when the QEMU serving x86_64 hands out addresses amd64 Go
 * programs cannot take (setup.ts adds it to the report).
 */
import { givesHighAddresses } from '../checks/diagnose.js'
import type { Installation, InstallRequest } from '../install/index.js'
import { MANIFEST } from '../install/manifest.js'
import { x86_64GuestBase } from '../kernel/address-space.js'
import type { Host } from '../kernel/host.js'
import type { Platform } from '../kernel/platforms.js'
import type { Privileged } from '../kernel/privileged.js'
import type { Changes } from './changes.js'
import type { Context, SetupRequest } from './context.js'
import type { PlatformReport } from './report.js'

export function obtain(
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

/** The QEMU version of the manifest's default download. */
function defaultQemu(): string {
  return MANIFEST.releases.find(r => r.id === MANIFEST.default)?.qemu ?? MANIFEST.default
}

/** What the later steps need so the QEMU serving x86_64 runs amd64 Go: variables to export, and why in one line. */
export interface Remedy {
  environment: Record<string, string>
  message: string
}

/**
 * QEMU_GUEST_BASE when a QEMU of 9.0 or later serves x86_64 (whoever chose it, the download's
 * fallback included) on a host whose kernel hands out 48-bit addresses: such a QEMU passes a
 * program's memory requests to the kernel, and amd64 Go programs built with Go before 1.25.4
 * cannot take its answers. Older QEMU picks addresses below 2^47 itself; a host of 47 bits or
 * fewer (x86_64, Raspberry Pi's 39) answers below 2^47 anyway.
 */
export function highAddressRemedy(
  platforms: readonly PlatformReport[],
  install: Pick<InstallRequest, 'qemuVersion' | 'qemuUrl'>,
  host: Pick<Host, 'machine' | 'addressBits'>,
  safeVersion = defaultQemu()
): Remedy | undefined {
  const base = x86_64GuestBase(host.addressBits)
  if (!base) return undefined
  const x86 = platforms.find(p => p.platform.target === 'x86_64' && (p.status === 'registered' || p.status === 'existing'))
  if (!x86?.qemuVersion || !givesHighAddresses(x86.qemuVersion)) return undefined
  const fallback =
    x86.status === 'registered' && x86.source === 'download' && !install.qemuVersion && !install.qemuUrl && x86.qemuVersion !== safeVersion
  const which = fallback ? ` (the download's fallback for the default QEMU ${safeVersion})` : ''
  const setting = `QEMU_GUEST_BASE=${base}`
  return {
    environment: { QEMU_GUEST_BASE: base },
    message:
      `qemu-x86_64 ${x86.qemuVersion}${x86.interpreter ? ` at ${x86.interpreter}` : ''}${which} hands x86_64 programs ` +
      `the ${host.addressBits}-bit addresses of this ${host.machine} host, which amd64 Go programs built with Go before 1.25.4 cannot take (lfstack.push): ` +
      `${setting} is exported for the later steps to move them below 2^47; containers need it too: docker run -e ${setting} ..., or ENV ${setting} in the Dockerfile`
  }
}

/** What to do about a platform nothing could serve, after what was tried. */
export function installAdvice(method: InstallRequest['method']): string {
  return method === 'none'
    ? 'install qemu-user-static before this step, or set install: auto to let the action get QEMU'
    : 'see the log above for what was tried'
}
