/**
 * The host a download must serve: its Docker-style architecture name (from uname -m), the ELF
 * identity its programs have, and whether an extracted file can be its static interpreter.
 */
import { readElf } from '../../kernel/elf.js'

/** Docker-style architecture name of a host from `uname -m`. */
export function hostArchOf(unameMachine: string): string {
  const m = unameMachine.trim().toLowerCase()
  if (m === 'x86_64' || m === 'amd64' || m === 'x64') return 'amd64'
  if (m === 'aarch64' || m === 'arm64' || m === 'armv8') return 'arm64'
  if (/^arm(v\d+[a-z]*)?$/.test(m)) return 'arm'
  if (/^i[3-6]86$/.test(m) || m === 'x86') return '386'
  if (m === 'loongarch64') return 'loong64'
  if (m === 'mips64' || m === 'mips64el') return 'mips64le'
  if (m === 'ppc64le' || m === 'riscv64' || m === 's390x') return m
  return m
}

interface ElfIdentity {
  machine: number
  bits: 32 | 64
  littleEndian: boolean
}

const HOST_ELF: Record<string, ElfIdentity> = {
  amd64: { machine: 62, bits: 64, littleEndian: true },
  arm64: { machine: 183, bits: 64, littleEndian: true },
  arm: { machine: 40, bits: 32, littleEndian: true },
  '386': { machine: 3, bits: 32, littleEndian: true },
  riscv64: { machine: 243, bits: 64, littleEndian: true },
  ppc64le: { machine: 21, bits: 64, littleEndian: true },
  s390x: { machine: 22, bits: 64, littleEndian: false },
  loong64: { machine: 258, bits: 64, littleEndian: true },
  mips64le: { machine: 8, bits: 64, littleEndian: true }
}

/** The ELF identity of programs that run on a host: e_machine, class, byte order. */
export function hostElf(hostArch: string): ElfIdentity | undefined {
  return HOST_ELF[hostArch]
}

/** Why an extracted file cannot be this host's static interpreter; undefined when it can. */
export async function binaryProblem(path: string, hostArch: string): Promise<string | undefined> {
  const elf = await readElf(path)
  if (!elf) return 'not an ELF program'
  const want = hostElf(hostArch)
  if (want && (elf.machine !== want.machine || elf.bits !== want.bits || elf.littleEndian !== want.littleEndian)) {
    return `built for another machine (ELF e_machine ${elf.machine}, ${elf.bits}-bit), not this ${hostArch} host`
  }
  if (!elf.isStatic) return 'dynamically linked: the F flag needs a static interpreter, which works inside containers'
  return undefined
}
