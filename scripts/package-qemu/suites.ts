/**
 * Debian's names for what package-qemu packages: release numbers and codenames, the package that
 * holds static QEMU in each release and where each interpreter sits in it, and Debian version
 * strings with the QEMU version they package. Pure functions.
 */

/** Debian release numbers and their codenames. */
export const DEBIAN_RELEASES: Readonly<Record<number, string>> = {
  10: 'buster',
  11: 'bullseye',
  12: 'bookworm',
  13: 'trixie',
  14: 'forky',
  15: 'duke'
}

export interface Suite {
  codename: string
  /** The release number, when the codename is one of DEBIAN_RELEASES (sid has none). */
  number?: number
}

/** "13", "13.2", "trixie", "Trixie" -> { codename: 'trixie', number: 13 }; "stable" -> { codename: 'stable' }. */
export function suiteFor(arg: unknown): Suite {
  const value = String(arg ?? '')
    .trim()
    .toLowerCase()
  const numeric = /^(\d+)(\.\d+)*$/.exec(value)
  if (numeric) {
    const codename = DEBIAN_RELEASES[Number(numeric[1])]
    if (!codename) {
      const known = Object.entries(DEBIAN_RELEASES)
        .map(([n, c]) => `${n} ${c}`)
        .join(', ')
      throw new Error(`Debian ${value} is not a release this script knows (${known}); give its codename`)
    }
    return { codename, number: Number(numeric[1]) }
  }
  if (!/^[a-z][a-z0-9]*$/.test(value)) {
    throw new Error(`${JSON.stringify(arg)} is neither a Debian version (13) nor a suite codename (trixie)`)
  }
  const number = Object.entries(DEBIAN_RELEASES).find(([, c]) => c === value)?.[0]
  return number ? { codename: value, number: Number(number) } : { codename: value }
}

/** Debian 13 made qemu-user itself static; before that the static build was qemu-user-static. */
export function packageFor(suite: Suite): string {
  return suite.number !== undefined && suite.number <= 12 ? 'qemu-user-static' : 'qemu-user'
}

/** Where a package keeps the interpreter for a target (tar member, without the leading ./). */
export function memberFor(pkg: string, target: string): string {
  return pkg === 'qemu-user-static' ? `usr/bin/qemu-${target}-static` : `usr/bin/qemu-${target}`
}

export interface DebVersion {
  epoch: string
  upstream: string
  revision: string
}

/** "1:10.0.13+ds-0+deb13u1" -> { epoch: '1', upstream: '10.0.13+ds', revision: '0+deb13u1' } */
export function parseDebVersion(version: string): DebVersion {
  const m = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/.exec(String(version).trim())
  if (!m) throw new Error(`${JSON.stringify(version)} is not a Debian version`)
  return { epoch: m[1] ?? '0', upstream: m[2], revision: m[3] ?? '' }
}

/** The QEMU version a Debian version packages: "1:10.0.13+ds-0+deb13u1" -> "10.0.13", "1:7.2+dfsg-7" -> "7.2". */
export function upstreamQemu(version: string): string {
  const m = /^\d+\.\d+(\.\d+)?/.exec(parseDebVersion(version).upstream)
  if (!m) throw new Error(`Debian version ${version} names no QEMU version`)
  return m[0]
}

/** The version a QEMU binary reports, read from its bytes ("10.0.13 (Debian 1:10.0.13+ds-0+deb13u1)"). */
export function qemuVersionIn(bytes: Buffer | string, debVersion: string): string | undefined {
  const text = Buffer.isBuffer(bytes) ? bytes.toString('latin1') : String(bytes)
  const seen: { qemu: string; debian: string }[] = []
  for (const m of text.matchAll(/(\d+\.\d+\.\d+) \(Debian ([0-9][A-Za-z0-9.+~:-]*)\)/g)) seen.push({ qemu: m[1], debian: m[2] })
  return (seen.find(s => s.debian === debVersion) ?? seen[0])?.qemu
}
