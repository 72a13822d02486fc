/**
 * Foreign programs outside containers: a missing dynamic loader or a missing lib*.so.N gets a fix
 * that names the action's `libraries` input first (with `base`, or the package that holds the
 * file where the action knows it), as glibc and QEMU print those failures.
 */
import { describe, expect, test } from '@jest/globals'
import { diagnose } from '../../src/checks/diagnose.js'
import { PLATFORMS } from '../../src/kernel/platforms.js'

describe('missing loader', () => {
  test.each([
    ["qemu-x86_64-static: Could not open '/lib64/ld-linux-x86-64.so.2': No such file or directory", 'amd64', 'linux/amd64'],
    ["qemu-i386: Could not open '/lib/ld-linux.so.2': No such file or directory", 'i386', 'linux/386'],
    ["qemu-aarch64-static: Could not open '/lib/ld-linux-aarch64.so.1': No such file or directory", 'arm64', 'linux/arm64']
  ])('%s: libraries: base first, then sysroot, then the other ways', (text, debian, docker) => {
    const d = diagnose(text)
    expect(d?.id).toBe('missing-loader')
    expect(d?.fix.startsWith(`add \`libraries: base\` to the action's step (a sysroot of the distribution's ${debian} C runtime`)).toBe(
      true
    )
    expect(d?.fix).toContain('exported as QEMU_LD_PREFIX for the later steps')
    expect(d?.fix).toContain(`give \`sysroot\` a ${debian} root filesystem (e.g. from docker export of a ${docker} image)`)
    expect(d?.fix.indexOf('`libraries: base`')).toBeLessThan(d?.fix.indexOf('docker run') ?? -1)
  })

  test.each([
    ["qemu-mips64el: Could not open '/lib64/ld.so.1': No such file or directory", 'mips64el', 'linux/mips64le'],
    ["qemu-loongarch64: Could not open '/lib64/ld-linux-loongarch-lp64d.so.1': No such file or directory", 'loong64', 'linux/loong64'],
    ["qemu-ppc64le: Could not open '/lib64/ld64.so.2': No such file or directory", 'ppc64el', 'linux/ppc64le'],
    ["qemu-arm: Could not open '/lib/ld-linux-armhf.so.3': No such file or directory", 'armhf', 'linux/arm/v7']
  ])('%s: names the architecture in Debian and Docker terms', (text, debian, docker) => {
    const d = diagnose(text)
    expect(d?.cause).toContain(`its ${debian} dynamic loader`)
    expect(d?.fix).toContain(`docker export of a ${docker} image`)
    expect(d?.fix).toContain(`\`docker run --platform ${docker} ...\``)
    expect(d?.fix).toContain(`(libc6:${debian})`)
  })

  test.each(PLATFORMS.map(p => [p.target, p.loader] as const))('%s: its loader /%s is known, no placeholder left', (_target, loader) => {
    const d = diagnose(`qemu: Could not open '/${loader}': No such file or directory`)
    expect(d?.id).toBe('missing-loader')
    expect(`${d?.cause} ${d?.fix}`).not.toMatch(/<arch>| target (dynamic loader|C library)/)
  })

  test('a loader named for its architecture is known in any folder, a generic name only in its own', () => {
    const nix = diagnose("qemu-x86_64: Could not open '/nix/store/abc-glibc-2.40/lib/ld-linux-x86-64.so.2': No such file or directory")
    expect(nix?.fix).toContain('`docker run --platform linux/amd64 ...`')
    // /lib/ld.so.1 is 32-bit MIPS's or PowerPC's loader, not mips64el's /lib64/ld.so.1
    const other = diagnose("qemu-mips: Could not open '/lib/ld.so.1': No such file or directory")
    expect(other?.id).toBe('missing-loader')
    expect(other?.fix).not.toMatch(/mips64|<arch>/)
    expect(other?.fix).toContain("docker export of an image of the program's platform")
  })
})

describe('missing library', () => {
  const missing = (file: string, program = './ls') =>
    diagnose(`${program}: error while loading shared libraries: ${file}: cannot open shared object file: No such file or directory`)

  test('a library of base: names libraries: base and the package that holds it', () => {
    const d = missing('libstdc++.so.6', '/opt/tool/bin/tool')
    expect(d).toMatchObject({
      id: 'missing-library',
      symptom:
        '/opt/tool/bin/tool: error while loading shared libraries: libstdc++.so.6: cannot open shared object file: No such file or directory'
    })
    expect(d?.cause).toMatch(/^the program's dynamic loader started, but a library it needs, libstdc\+\+\.so\.6, is not there/)
    expect(d?.fix).toBe(
      "add `libraries: base` to the action's step (libstdc++6, part of base, holds libstdc++.so.6); with your own `sysroot`, put the library in it"
    )
  })

  test.each([
    ['libselinux.so.1', 'libselinux1'],
    ['libpcre2-8.so.0', 'libpcre2-8-0'],
    ['libzstd.so.1', 'libzstd1']
  ])('%s: names %s for libraries', (file, pkg) => {
    expect(missing(file)?.fix).toBe(
      `add ${pkg} to the action's \`libraries\` (it holds ${file}), e.g. \`libraries: base, ${pkg}\`; with your own \`sysroot\`, put the library in it`
    )
  })

  test('a library the action cannot place: says how to find its package', () => {
    expect(missing('libfrobnicate.so.7')?.fix).toBe(
      "add the package that holds libfrobnicate.so.7 to the action's `libraries` (`dpkg -S libfrobnicate.so.7` on a machine of the program's " +
        'platform, or apt-file search, names it); with your own `sysroot`, put the library in it'
    )
  })

  test('other missing files are not taken for a library', () => {
    expect(diagnose('cat: /etc/foo.so.1: No such file or directory')).toBeUndefined()
  })
})
