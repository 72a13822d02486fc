/**
 * Tiny, complete, statically linked Linux programs, one per QEMU target, that show whether a
 * foreign program really runs: each calls uname(2), writes the `machine` field and "\n" to stdout
 * and exits 0 (1 when uname fails). Under QEMU they print what QEMU reports for its guest (for
 * example `aarch64`), which tests compare with Platform.machine; natively they print the host's.
 *
 * Each program is a minimal ELF executable (ET_EXEC, one PT_LOAD segment, no sections) built by
 * buildElf() around hand-checked machine code. The code is position independent and uses only a
 * buffer on the stack (struct utsname is 6 * 65 = 390 bytes; each program reserves 400), so the
 * single segment is read + execute only.
 *
 * The code bytes below come from scripts/probes/<target>.S: `scripts/probes/assemble.sh` assembles
 * them with binutils and prints the same hex, so the bytes can be regenerated and checked. Each
 * string is one instruction in memory order (little-endian words for the RISC targets); its
 * comment is the source line it was assembled from. loongarch64 has no assembler in Debian 12:
 * its words are hand-encoded, and loongarch64.S shows how each is made.
 */
import type { QemuTarget } from '../kernel/platforms.js'

/** Every probe program is smaller than this (they are 150-370 bytes). */
export const PROBE_MAX_BYTES = 1024

/** Where the programs are loaded: above mmap_min_addr, aligned for any page size up to 64 KiB. */
export const LOAD_ADDRESS = 0x400000

export interface ElfSpec {
  /** ELF class: 32- or 64-bit. */
  bits: 32 | 64
  /** ELF data encoding; also the byte order of every header field. */
  littleEndian: boolean
  /** e_machine (EM_*). */
  machine: number
  /** e_flags: the processor-specific ABI flags. */
  flags: number
  /** Machine code; the entry point is its first byte. */
  code: Uint8Array
}

const ET_EXEC = 2
const EV_CURRENT = 1
const PT_LOAD = 1
const PF_X = 1
const PF_R = 4
const SEGMENT_ALIGN = 0x10000

/**
 * Builds an ELF executable: the ELF header, one program header and the code, all in one PT_LOAD
 * segment (R+X) that maps the whole file at LOAD_ADDRESS. e_entry is the first byte of the code.
 */
export function buildElf(spec: ElfSpec): Buffer {
  const is64 = spec.bits === 64
  const ehsize = is64 ? 64 : 52
  const phentsize = is64 ? 56 : 32
  const shentsize = is64 ? 64 : 40
  const codeOffset = ehsize + phentsize
  const size = codeOffset + spec.code.length
  const entry = LOAD_ADDRESS + codeOffset
  const buf = Buffer.alloc(size)
  const le = spec.littleEndian
  const u16 = (v: number, at: number): void => {
    if (le) buf.writeUInt16LE(v, at)
    else buf.writeUInt16BE(v, at)
  }
  const u32 = (v: number, at: number): void => {
    if (le) buf.writeUInt32LE(v >>> 0, at)
    else buf.writeUInt32BE(v >>> 0, at)
  }
  const u64 = (v: number, at: number): void => {
    if (le) buf.writeBigUInt64LE(BigInt(v), at)
    else buf.writeBigUInt64BE(BigInt(v), at)
  }
  /** An address or offset: 8 bytes in ELF64, 4 in ELF32. */
  const addr = is64 ? u64 : u32

  // e_ident: magic, class, data, version, OS ABI (0 = System V), ABI version 0, padding.
  buf.write('\x7fELF', 0, 'latin1')
  buf[4] = is64 ? 2 : 1
  buf[5] = le ? 1 : 2
  buf[6] = EV_CURRENT
  u16(ET_EXEC, 16)
  u16(spec.machine, 18)
  u32(EV_CURRENT, 20)
  let at = 24
  addr(entry, at) // e_entry
  at += is64 ? 8 : 4
  addr(ehsize, at) // e_phoff: the program header follows the ELF header
  at += is64 ? 8 : 4
  addr(0, at) // e_shoff: no section headers
  at += is64 ? 8 : 4
  u32(spec.flags, at)
  u16(ehsize, at + 4)
  u16(phentsize, at + 6)
  u16(1, at + 8) // e_phnum
  u16(shentsize, at + 10)
  u16(0, at + 12) // e_shnum
  u16(0, at + 14) // e_shstrndx

  const ph = ehsize
  u32(PT_LOAD, ph)
  if (is64) {
    u32(PF_R | PF_X, ph + 4) // p_flags
    u64(0, ph + 8) // p_offset
    u64(LOAD_ADDRESS, ph + 16) // p_vaddr
    u64(LOAD_ADDRESS, ph + 24) // p_paddr
    u64(size, ph + 32) // p_filesz
    u64(size, ph + 40) // p_memsz
    u64(SEGMENT_ALIGN, ph + 48) // p_align
  } else {
    u32(0, ph + 4) // p_offset
    u32(LOAD_ADDRESS, ph + 8) // p_vaddr
    u32(LOAD_ADDRESS, ph + 12) // p_paddr
    u32(size, ph + 16) // p_filesz
    u32(size, ph + 20) // p_memsz
    u32(PF_R | PF_X, ph + 24) // p_flags
    u32(SEGMENT_ALIGN, ph + 28) // p_align
  }
  Buffer.from(spec.code).copy(buf, codeOffset)
  return buf
}

/** Joins instruction strings (hex, memory order) into code; rejects anything that is not hex. */
function code(instructions: readonly string[]): Buffer {
  for (const insn of instructions) {
    if (!/^(?:[0-9a-f]{2})+$/.test(insn)) throw new Error(`bad instruction bytes: ${insn}`)
  }
  return Buffer.from(instructions.join(''), 'hex')
}

const EM_386 = 3
const EM_MIPS = 8
const EM_PPC64 = 21
const EM_S390 = 22
const EM_ARM = 40
const EM_X86_64 = 62
const EM_AARCH64 = 183
const EM_RISCV = 243
const EM_LOONGARCH = 258

/** ARM: EABI version 5 (what the Linux EABI loader and QEMU expect of armhf/armel programs). */
const EF_ARM_EABI_VER5 = 0x05000000
/** RISC-V: double-float ABI (lp64d, as Debian's riscv64); no RVC flag, the code is plain RV64I. */
const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4
/** ppc64: ELFv2 ABI, so e_entry is the code itself, not a function descriptor (ELFv1). */
const EF_PPC64_ABI_V2 = 2
/** MIPS: EF_MIPS_ARCH_64R2 | EF_MIPS_NOREORDER, as gas marks the source. EF_MIPS_ABI2 (n32) is
 * clear, which is what makes it n64 for qemu-mips64el (with the bit set: "Invalid ELF image for
 * this architecture"). QEMU picks its CPU model from the arch bits: 64R2 -> 5KEf; 64R6 would pick
 * I6400, which also needs EF_MIPS_NAN2008 ("ELF binary's NaN mode not supported by CPU"). */
const EF_MIPS_N64_64R2 = 0x80000001
/** LoongArch: LP64D (double-float ABI, 0x3) | object ABI v1 (0x40), as current toolchains. */
const EF_LOONGARCH_LP64D_OBJ_V1 = 0x43

/** The uname probe for each target: ELF parameters and code. */
export const PROBES: Readonly<Record<QemuTarget, ElfSpec>> = {
  x86_64: {
    bits: 64,
    littleEndian: true,
    machine: EM_X86_64,
    flags: 0,
    code: code([
      '4881ec90010000', //         sub     $400, %rsp              # struct utsname (6 * 65 = 390 bytes) on the stack
      '4889e7', //         mov     %rsp, %rdi
      'b83f000000', //         mov     $63, %eax               # __NR_uname
      '0f05', //         syscall
      '85c0', //         test    %eax, %eax
      '752e', //         jnz     fail
      '488db42404010000', //         lea     260(%rsp), %rsi         # machine = buf + 4 * 65
      '4889f2', //         mov     %rsi, %rdx
      '803a00', // 1:      cmpb    $0, (%rdx)              # rdx = end of the machine string
      '7405', //         je      2f
      '48ffc2', //         inc     %rdx
      'ebf6', //         jmp     1b
      'c6020a', // 2:      movb    $10, (%rdx)             # replace the NUL with '\n'
      '48ffc2', //         inc     %rdx
      '4829f2', //         sub     %rsi, %rdx              # length including '\n'
      'bf01000000', //         mov     $1, %edi                # fd 1
      'b801000000', //         mov     $1, %eax                # __NR_write
      '0f05', //         syscall
      '31ff', //         xor     %edi, %edi              # status 0
      'eb05', //         jmp     exit
      'bf01000000', // fail:   mov     $1, %edi                # status 1
      'b83c000000', // exit:   mov     $60, %eax               # __NR_exit
      '0f05' //         syscall
    ])
  },
  i386: {
    bits: 32,
    littleEndian: true,
    machine: EM_386,
    flags: 0,
    code: code([
      '81ec90010000', //         sub     $400, %esp              # struct utsname (390 bytes) on the stack
      '89e3', //         mov     %esp, %ebx
      'b87a000000', //         mov     $122, %eax              # __NR_uname (new_utsname)
      'cd80', //         int     $0x80
      '85c0', //         test    %eax, %eax
      '7527', //         jnz     fail
      '8d8c2404010000', //         lea     260(%esp), %ecx         # machine = buf + 4 * 65
      '89ca', //         mov     %ecx, %edx
      '803a00', // 1:      cmpb    $0, (%edx)
      '7403', //         je      2f
      '42', //         inc     %edx
      'ebf8', //         jmp     1b
      'c6020a', // 2:      movb    $10, (%edx)             # '\n' over the NUL
      '42', //         inc     %edx
      '29ca', //         sub     %ecx, %edx              # length including '\n'
      'bb01000000', //         mov     $1, %ebx                # fd 1
      'b804000000', //         mov     $4, %eax                # __NR_write
      'cd80', //         int     $0x80
      '31db', //         xor     %ebx, %ebx              # status 0
      'eb05', //         jmp     exit
      'bb01000000', // fail:   mov     $1, %ebx                # status 1
      'b801000000', // exit:   mov     $1, %eax                # __NR_exit
      'cd80' //         int     $0x80
    ])
  },
  aarch64: {
    bits: 64,
    littleEndian: true,
    machine: EM_AARCH64,
    flags: 0,
    code: code([
      'ff4306d1', //         sub     sp, sp, #400            // struct utsname (390 bytes); sp stays 16-byte aligned
      'e0030091', //         mov     x0, sp
      '081480d2', //         mov     x8, #160                // __NR_uname
      '010000d4', //         svc     #0
      'e00100b5', //         cbnz    x0, fail
      'e1130491', //         add     x1, sp, #260            // machine = buf + 4 * 65
      'e20301aa', //         mov     x2, x1
      '43004039', // 1:      ldrb    w3, [x2]
      '63000034', //         cbz     w3, 2f
      '42040091', //         add     x2, x2, #1
      'fdffff17', //         b       1b
      '43018052', // 2:      mov     w3, #10                 // '\n' over the NUL
      '43140038', //         strb    w3, [x2], #1
      '420001cb', //         sub     x2, x2, x1              // length including '\n'
      '200080d2', //         mov     x0, #1                  // fd 1
      '080880d2', //         mov     x8, #64                 // __NR_write
      '010000d4', //         svc     #0
      '000080d2', //         mov     x0, #0                  // status 0
      '02000014', //         b       exit
      '200080d2', // fail:   mov     x0, #1                  // status 1
      'a80b80d2', // exit:   mov     x8, #93                 // __NR_exit
      '010000d4' //         svc     #0
    ])
  },
  arm: {
    bits: 32,
    littleEndian: true,
    machine: EM_ARM,
    flags: EF_ARM_EABI_VER5,
    code: code([
      '19de4de2', //         sub     sp, sp, #400            @ struct utsname (390 bytes) on the stack
      '0d00a0e1', //         mov     r0, sp
      '7a70a0e3', //         mov     r7, #122                @ __NR_uname
      '000000ef', //         svc     #0
      '000050e3', //         cmp     r0, #0
      '0d00001a', //         bne     fail
      '411f8de2', //         add     r1, sp, #260            @ machine = buf + 4 * 65
      '0120a0e1', //         mov     r2, r1
      '0030d2e5', // 1:      ldrb    r3, [r2]
      '000053e3', //         cmp     r3, #0
      '01208212', //         addne   r2, r2, #1
      'fbffff1a', //         bne     1b
      '0a30a0e3', //         mov     r3, #10                 @ '\n' over the NUL
      '0130c2e4', //         strb    r3, [r2], #1
      '012042e0', //         sub     r2, r2, r1              @ length including '\n'
      '0100a0e3', //         mov     r0, #1                  @ fd 1
      '0470a0e3', //         mov     r7, #4                  @ __NR_write
      '000000ef', //         svc     #0
      '0000a0e3', //         mov     r0, #0                  @ status 0
      '000000ea', //         b       exit
      '0100a0e3', // fail:   mov     r0, #1                  @ status 1
      '0170a0e3', // exit:   mov     r7, #1                  @ __NR_exit
      '000000ef' //         svc     #0
    ])
  },
  riscv64: {
    bits: 64,
    littleEndian: true,
    machine: EM_RISCV,
    flags: EF_RISCV_FLOAT_ABI_DOUBLE,
    code: code([
      '130101e7', //         addi    sp, sp, -400            # struct utsname (390 bytes); sp stays 16-byte aligned
      '13050100', //         mv      a0, sp
      '9308000a', //         li      a7, 160                 # __NR_uname
      '73000000', //         ecall
      '63100504', //         bnez    a0, fail
      '93054110', //         addi    a1, sp, 260             # machine = buf + 4 * 65
      '13860500', //         mv      a2, a1
      '83460600', // 1:      lbu     a3, 0(a2)
      '63860600', //         beqz    a3, 2f
      '13061600', //         addi    a2, a2, 1
      '6ff05fff', //         j       1b
      '9306a000', // 2:      li      a3, 10                  # '\n' over the NUL
      '2300d600', //         sb      a3, 0(a2)
      '13061600', //         addi    a2, a2, 1
      '3306b640', //         sub     a2, a2, a1              # length including '\n'
      '13051000', //         li      a0, 1                   # fd 1
      '93080004', //         li      a7, 64                  # __NR_write
      '73000000', //         ecall
      '13050000', //         li      a0, 0                   # status 0
      '6f008000', //         j       exit
      '13051000', // fail:   li      a0, 1                   # status 1
      '9308d005', // exit:   li      a7, 93                  # __NR_exit
      '73000000' //         ecall
    ])
  },
  ppc64le: {
    bits: 64,
    littleEndian: true,
    machine: EM_PPC64,
    flags: EF_PPC64_ABI_V2,
    code: code([
      '70fe2138', //         addi    1, 1, -400              # struct utsname (390 bytes); r1 stays 16-byte aligned
      '780b237c', //         mr      3, 1
      '7a000038', //         li      0, 122                  # __NR_uname
      '02000044', //         sc
      '44008341', //         bso     fail                    # CR0.SO set: error
      '04018138', //         addi    4, 1, 260               # machine = buf + 4 * 65
      '7823857c', //         mr      5, 4
      '0000c588', // 1:      lbz     6, 0(5)
      '0000262c', //         cmpdi   6, 0
      '0c008241', //         beq     2f
      '0100a538', //         addi    5, 5, 1
      'f0ffff4b', //         b       1b
      '0a00c038', // 2:      li      6, 10                   # '\n' over the NUL
      '0000c598', //         stb     6, 0(5)
      '0100a538', //         addi    5, 5, 1
      '5028a47c', //         subf    5, 4, 5                 # r5 = r5 - r4: length including '\n'
      '01006038', //         li      3, 1                    # fd 1
      '04000038', //         li      0, 4                    # __NR_write
      '02000044', //         sc
      '00006038', //         li      3, 0                    # status 0
      '08000048', //         b       exit
      '01006038', // fail:   li      3, 1                    # status 1
      '01000038', // exit:   li      0, 1                    # __NR_exit
      '02000044' //         sc
    ])
  },
  s390x: {
    bits: 64,
    littleEndian: false,
    machine: EM_S390,
    flags: 0,
    code: code([
      'a7fbfe70', //         aghi    %r15, -400              # struct utsname (390 bytes) on the stack
      'b904002f', //         lgr     %r2, %r15
      '0a7a', //         svc     122                     # __NR_uname
      'b9020022', //         ltgr    %r2, %r2
      'a774001b', //         jnz     fail
      '4130f104', //         la      %r3, 260(%r15)          # machine = buf + 4 * 65
      'b9040043', //         lgr     %r4, %r3
      '95004000', // 1:      cli     0(%r4), 0
      'a7840006', //         je      2f
      '41404001', //         la      %r4, 1(%r4)
      'a7f4fffa', //         j       1b
      '920a4000', // 2:      mvi     0(%r4), 10              # '\n' over the NUL
      '41404001', //         la      %r4, 1(%r4)
      'b9090043', //         sgr     %r4, %r3                # length including '\n'
      'a7290001', //         lghi    %r2, 1                  # fd 1
      '0a04', //         svc     4                       # __NR_write
      'a7290000', //         lghi    %r2, 0                  # status 0
      'a7f40004', //         j       exit
      'a7290001', // fail:   lghi    %r2, 1                  # status 1
      '0a01' // exit:   svc     1                       # __NR_exit
    ])
  },
  mips64el: {
    bits: 64,
    littleEndian: true,
    machine: EM_MIPS,
    flags: EF_MIPS_N64_64R2,
    code: code([
      '70febd67', //         daddiu  $sp, $sp, -400          # struct utsname (390 bytes); sp stays 16-byte aligned
      '2520a003', //         move    $a0, $sp
      'c5130224', //         li      $v0, 5061               # __NR_uname (n64)
      '0c000000', //         syscall
      '1100e014', //         bnez    $a3, fail
      '00000000', //         nop
      '0401a567', //         daddiu  $a1, $sp, 260           # machine = buf + 4 * 65
      '2530a000', //         move    $a2, $a1
      '0000cc90', // 1:      lbu     $t0, 0($a2)
      '03008011', //         beqz    $t0, 2f
      '00000000', //         nop
      'fcff0010', //         b       1b
      '0100c664', //         daddiu  $a2, $a2, 1             # (delay slot)
      '0a000c24', // 2:      li      $t0, 10                 # '\n' over the NUL
      '0000cca0', //         sb      $t0, 0($a2)
      '0100c664', //         daddiu  $a2, $a2, 1
      '2f30c500', //         dsubu   $a2, $a2, $a1           # length including '\n'
      '01000424', //         li      $a0, 1                  # fd 1
      '89130224', //         li      $v0, 5001               # __NR_write (n64)
      '0c000000', //         syscall
      '02000010', //         b       exit
      '00000424', //         li      $a0, 0                  # (delay slot) status 0
      '01000424', // fail:   li      $a0, 1                  # status 1
      'c2130224', // exit:   li      $v0, 5058               # __NR_exit (n64)
      '0c000000' //         syscall
    ])
  },
  loongarch64: {
    bits: 64,
    littleEndian: true,
    machine: EM_LOONGARCH,
    flags: EF_LOONGARCH_LP64D_OBJ_V1,
    code: code([
      '63c0f902', //         addi.d  $sp, $sp, -400  # 02f9c063 = addi.d | 0xe70 << 10 | 3 << 5 | 3   (struct utsname, 390 bytes)
      '64001500', //         move    $a0, $sp        # 00150064 = or | 0 << 10 | 3 << 5 | 4
      '0b808203', //         ori     $a7, $zero, 160 # 0382800b = ori | 160 << 10 | 0 << 5 | 11      (__NR_uname)
      '00002b00', //         syscall 0               # 002b0000 = syscall | 0
      '80400044', //         bnez    $a0, fail       # 44004080 = bnez | 16 << 10 | 4 << 5            (pc 0x10 -> 0x50)
      '6510c402', //         addi.d  $a1, $sp, 260   # 02c41065 = addi.d | 260 << 10 | 3 << 5 | 5     (machine = buf + 4 * 65)
      'a6001500', //         move    $a2, $a1        # 001500a6 = or | 0 << 10 | 5 << 5 | 6
      'c700002a', // 1:      ld.bu   $a3, $a2, 0     # 2a0000c7 = ld.bu | 0 << 10 | 6 << 5 | 7
      'e00c0040', //         beqz    $a3, 2f         # 40000ce0 = beqz | 3 << 10 | 7 << 5             (pc 0x20 -> 0x2c)
      'c604c002', //         addi.d  $a2, $a2, 1     # 02c004c6 = addi.d | 1 << 10 | 6 << 5 | 6
      'fff7ff53', //         b       1b              # 53fff7ff = b | 0xfffd << 10 | 0x3ff            (pc 0x28 -> 0x1c, offs -3)
      '07288003', // 2:      ori     $a3, $zero, 10  # 03802807 = ori | 10 << 10 | 0 << 5 | 7        ('\n' over the NUL)
      'c7000029', //         st.b    $a3, $a2, 0     # 290000c7 = st.b | 0 << 10 | 6 << 5 | 7
      'c604c002', //         addi.d  $a2, $a2, 1     # 02c004c6 = addi.d | 1 << 10 | 6 << 5 | 6
      'c6941100', //         sub.d   $a2, $a2, $a1   # 001194c6 = sub.d | 5 << 10 | 6 << 5 | 6        (length including '\n')
      '04048003', //         ori     $a0, $zero, 1   # 03800404 = ori | 1 << 10 | 0 << 5 | 4         (fd 1)
      '0b008103', //         ori     $a7, $zero, 64  # 0381000b = ori | 64 << 10 | 0 << 5 | 11       (__NR_write)
      '00002b00', //         syscall 0               # 002b0000 = syscall | 0
      '04008003', //         ori     $a0, $zero, 0   # 03800004 = ori | 0 << 10 | 0 << 5 | 4         (status 0)
      '00080050', //         b       exit            # 50000800 = b | 2 << 10                         (pc 0x4c -> 0x54)
      '04048003', // fail:   ori     $a0, $zero, 1   # 03800404 = ori | 1 << 10 | 0 << 5 | 4         (status 1)
      '0b748103', // exit:   ori     $a7, $zero, 93  # 0381740b = ori | 93 << 10 | 0 << 5 | 11       (__NR_exit)
      '00002b00' //         syscall 0               # 002b0000 = syscall | 0
    ])
  }
}

/** The uname probe program for a target: run it (under QEMU) and compare its output with
 * Platform.machine. */
export function probeProgram(target: QemuTarget): Buffer {
  const spec = PROBES[target]
  if (!spec) throw new Error(`no probe program for ${target}`)
  return buildElf(spec)
}

/** The x86-64 level probe (scripts/probes/x86-level.S): CPUID checks per the x86-64 psABI. */
export const X86_LEVEL_PROBE: ElfSpec = {
  bits: 64,
  littleEndian: true,
  machine: EM_X86_64,
  flags: 0,
  code: code([
    '41bc01000000', //         mov     $1, %r12d               # level
    '31c0', //         xor     %eax, %eax
    '0fa2', //         cpuid
    '4189c5', //         mov     %eax, %r13d             # highest basic leaf
    'b800000080', //         mov     $0x80000000, %eax
    '0fa2', //         cpuid
    '4189c6', //         mov     %eax, %r14d             # highest extended leaf
    'b801000000', //         mov     $1, %eax
    '0fa2', //         cpuid
    '4189c8', //         mov     %ecx, %r8d              # r8d = CPUID.1:ECX
    '4531c9', //         xor     %r9d, %r9d              # r9d = CPUID.80000001h:ECX (0 if absent)
    '4181fe01000080', //         cmp     $0x80000001, %r14d
    '720a', //         jb      1f
    'b801000080', //         mov     $0x80000001, %eax
    '0fa2', //         cpuid
    '4189c9', //         mov     %ecx, %r9d
    '4531d2', // 1:      xor     %r10d, %r10d            # r10d = CPUID.(7,0):EBX (0 if absent)
    '4183fd07', //         cmp     $7, %r13d
    '720c', //         jb      2f
    'b807000000', //         mov     $7, %eax
    '31c9', //         xor     %ecx, %ecx
    '0fa2', //         cpuid
    '4189da', //         mov     %ebx, %r10d
    '4489c0', //         mov     %r8d, %eax
    '2501229800', //         and     $0x00982201, %eax
    '3d01229800', //         cmp     $0x00982201, %eax
    '7561', //         jne     done
    '41f6c101', //         test    $0x01, %r9b             # LAHF/SAHF
    '745b', //         jz      done
    '41ffc4', //         inc     %r12d
    '4489c0', //         mov     %r8d, %eax
    '2500104038', //         and     $0x38401000, %eax
    '3d00104038', //         cmp     $0x38401000, %eax       # includes OSXSAVE, so XGETBV is allowed below
    '7549', //         jne     done
    '41f6c120', //         test    $0x20, %r9b             # LZCNT
    '7443', //         jz      done
    '4489d0', //         mov     %r10d, %eax
    '2528010000', //         and     $0x128, %eax
    '3d28010000', //         cmp     $0x128, %eax
    '7534', //         jne     done
    '31c9', //         xor     %ecx, %ecx
    '0f01d0', //         xgetbv                          # edx:eax = XCR0
    '4189c3', //         mov     %eax, %r11d
    '83e006', //         and     $0x06, %eax
    '83f806', //         cmp     $0x06, %eax
    '7524', //         jne     done
    '41ffc4', //         inc     %r12d
    '4489d0', //         mov     %r10d, %eax
    '25000003d0', //         and     $0xd0030000, %eax
    '3d000003d0', //         cmp     $0xd0030000, %eax
    '7512', //         jne     done
    '4489d8', //         mov     %r11d, %eax
    '25e6000000', //         and     $0xe6, %eax
    '3de6000000', //         cmp     $0xe6, %eax
    '7503', //         jne     done
    '41ffc4', //         inc     %r12d
    '4883ec10', // done:   sub     $16, %rsp
    '48b87838362d36342d76', //         movabs  $0x762d34362d363878, %rax       # "x86-64-v"
    '48890424', //         mov     %rax, (%rsp)
    '4183c430', //         add     $'0', %r12d
    '4488642408', //         mov     %r12b, 8(%rsp)
    'c64424090a', //         movb    $10, 9(%rsp)
    'bf01000000', //         mov     $1, %edi                # fd 1
    '4889e6', //         mov     %rsp, %rsi
    'ba0a000000', //         mov     $10, %edx               # "x86-64-vN\n"
    'b801000000', //         mov     $1, %eax                # __NR_write
    '0f05', //         syscall
    '31ff', //         xor     %edi, %edi              # status 0
    'b83c000000', //         mov     $60, %eax               # __NR_exit
    '0f05' //         syscall
  ])
}

/**
 * A static x86_64 program that prints the x86-64 micro-architecture level of the CPU it runs on
 * (`x86-64-v1` .. `x86-64-v4` and "\n"), as glibc and distributions define them: under QEMU, the
 * level of the emulated CPU model. Read its output with parseX86Level().
 */
export function x86LevelProgram(): Buffer {
  return buildElf(X86_LEVEL_PROBE)
}

/** The level printed by x86LevelProgram(), or undefined when the output is not exactly that. */
export function parseX86Level(stdout: string): 1 | 2 | 3 | 4 | undefined {
  const match = /^x86-64-v([1-4])$/.exec(stdout.trim())
  if (!match) return undefined
  return Number(match[1]) as 1 | 2 | 3 | 4
}
