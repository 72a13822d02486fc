/**
 * Step 3 of setup: interpreters for the platforms that need one, from the install layer.
 * binfmt_misc is mounted before a package installs (its postinst registers into it), and not at
 * all when there is nothing to register; what a package registers is recorded like our own changes.
 * A qemu-x86_64 the user did not choose that crashes amd64 Go on this host gets a warning.
 */
import { givesHighAddresses } from '../checks/diagnose.js'
import type { Installation, InstallRequest } from '../install/index.js'
import { MANIFEST } from '../install/manifest.js'
import type { Host } from '../kernel/host.js'
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
  const installation = await ctx.obtain(
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
  const warning = highAddressWarning(installation, request.install, ctx.host, defaultQemu())
  if (warning) ctx.log.warning(warning)
  return installation
}

/** The QEMU version of the manifest's default download. */
function defaultQemu(): string {
  return MANIFEST.releases.find(r => r.id === MANIFEST.default)?.qemu ?? MANIFEST.default
}

/**
 * A warning when install: auto or none ends with a qemu-x86_64 of QEMU 9.0 or later on an arm64
 * host: one found on the machine (or installed by apt), or the download's fallback release when
 * no version was asked for. Such a QEMU hands x86_64 programs the host's 48-bit addresses, which
 * amd64 Go programs cannot take. A version the user chose (qemu-version, qemu-url) is not warned about.
 */
export function highAddressWarning(
  installation: Pick<Installation, 'interpreters'>,
  install: Pick<InstallRequest, 'method' | 'qemuVersion' | 'qemuUrl'>,
  host: Pick<Host, 'family'>,
  safeVersion: string
): string | undefined {
  if (install.method !== 'auto' && install.method !== 'none') return undefined
  if (!host.family.includes('aarch64')) return undefined
  const x86 = installation.interpreters.get('x86_64')
  if (!x86?.version || !givesHighAddresses(x86.version)) return undefined
  if (x86.source === 'download' && (install.qemuVersion || install.qemuUrl)) return undefined
  return (
    `qemu-x86_64 ${x86.version} at ${x86.path} hands x86_64 programs 48-bit addresses on this arm64 host: ` +
    `amd64 Go programs crash (lfstack.push); use install: download for QEMU ${safeVersion}`
  )
}

/** What to do about a platform nothing could serve, after what was tried. */
export function installAdvice(method: InstallRequest['method']): string {
  return method === 'none'
    ? 'install qemu-user-static before this step, or set install: auto to let the action get QEMU'
    : 'see the log above for what was tried'
}
