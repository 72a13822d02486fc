#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 6276:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  ak: () => (/* binding */ runCli)
});

// UNUSED EXPORTS: DIAGNOSE_OPTIONS, INSTALL_OPTIONS, OTHER_OPTIONS, USAGE, parseCommandLine

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __nccwpck_require__(7975);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./src/kernel/platforms.ts
var kernel_platforms = __nccwpck_require__(5621);
// EXTERNAL MODULE: ./src/kernel/process.ts + 1 modules
var kernel_process = __nccwpck_require__(3694);
// EXTERNAL MODULE: ./src/kernel/find-on-path.ts
var find_on_path = __nccwpck_require__(4404);
;// CONCATENATED MODULE: ./src/checks/probe-programs.ts
/** Every probe program is smaller than this (they are 150-370 bytes). */
const PROBE_MAX_BYTES = 1024;
/** Where the programs are loaded: above mmap_min_addr, aligned for any page size up to 64 KiB. */
const LOAD_ADDRESS = 0x400000;
const ET_EXEC = 2;
const EV_CURRENT = 1;
const PT_LOAD = 1;
const PF_X = 1;
const PF_R = 4;
const SEGMENT_ALIGN = 0x10000;
/**
 * Builds an ELF executable: the ELF header, one program header and the code, all in one PT_LOAD
 * segment (R+X) that maps the whole file at LOAD_ADDRESS. e_entry is the first byte of the code.
 */
function buildElf(spec) {
    const is64 = spec.bits === 64;
    const ehsize = is64 ? 64 : 52;
    const phentsize = is64 ? 56 : 32;
    const shentsize = is64 ? 64 : 40;
    const codeOffset = ehsize + phentsize;
    const size = codeOffset + spec.code.length;
    const entry = LOAD_ADDRESS + codeOffset;
    const buf = Buffer.alloc(size);
    const le = spec.littleEndian;
    const u16 = (v, at) => {
        if (le)
            buf.writeUInt16LE(v, at);
        else
            buf.writeUInt16BE(v, at);
    };
    const u32 = (v, at) => {
        if (le)
            buf.writeUInt32LE(v >>> 0, at);
        else
            buf.writeUInt32BE(v >>> 0, at);
    };
    const u64 = (v, at) => {
        if (le)
            buf.writeBigUInt64LE(BigInt(v), at);
        else
            buf.writeBigUInt64BE(BigInt(v), at);
    };
    /** An address or offset: 8 bytes in ELF64, 4 in ELF32. */
    const addr = is64 ? u64 : u32;
    // e_ident: magic, class, data, version, OS ABI (0 = System V), ABI version 0, padding.
    buf.write('\x7fELF', 0, 'latin1');
    buf[4] = is64 ? 2 : 1;
    buf[5] = le ? 1 : 2;
    buf[6] = EV_CURRENT;
    u16(ET_EXEC, 16);
    u16(spec.machine, 18);
    u32(EV_CURRENT, 20);
    let at = 24;
    addr(entry, at); // e_entry
    at += is64 ? 8 : 4;
    addr(ehsize, at); // e_phoff: the program header follows the ELF header
    at += is64 ? 8 : 4;
    addr(0, at); // e_shoff: no section headers
    at += is64 ? 8 : 4;
    u32(spec.flags, at);
    u16(ehsize, at + 4);
    u16(phentsize, at + 6);
    u16(1, at + 8); // e_phnum
    u16(shentsize, at + 10);
    u16(0, at + 12); // e_shnum
    u16(0, at + 14); // e_shstrndx
    const ph = ehsize;
    u32(PT_LOAD, ph);
    if (is64) {
        u32(PF_R | PF_X, ph + 4); // p_flags
        u64(0, ph + 8); // p_offset
        u64(LOAD_ADDRESS, ph + 16); // p_vaddr
        u64(LOAD_ADDRESS, ph + 24); // p_paddr
        u64(size, ph + 32); // p_filesz
        u64(size, ph + 40); // p_memsz
        u64(SEGMENT_ALIGN, ph + 48); // p_align
    }
    else {
        u32(0, ph + 4); // p_offset
        u32(LOAD_ADDRESS, ph + 8); // p_vaddr
        u32(LOAD_ADDRESS, ph + 12); // p_paddr
        u32(size, ph + 16); // p_filesz
        u32(size, ph + 20); // p_memsz
        u32(PF_R | PF_X, ph + 24); // p_flags
        u32(SEGMENT_ALIGN, ph + 28); // p_align
    }
    Buffer.from(spec.code).copy(buf, codeOffset);
    return buf;
}
/** Joins instruction strings (hex, memory order) into code; rejects anything that is not hex. */
function code(instructions) {
    for (const insn of instructions) {
        if (!/^(?:[0-9a-f]{2})+$/.test(insn))
            throw new Error(`bad instruction bytes: ${insn}`);
    }
    return Buffer.from(instructions.join(''), 'hex');
}
const EM_386 = 3;
const EM_MIPS = 8;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const EM_RISCV = 243;
const EM_LOONGARCH = 258;
/** ARM: EABI version 5 (what the Linux EABI loader and QEMU expect of armhf/armel programs). */
const EF_ARM_EABI_VER5 = 0x05000000;
/** RISC-V: double-float ABI (lp64d, as Debian's riscv64); no RVC flag, the code is plain RV64I. */
const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;
/** ppc64: ELFv2 ABI, so e_entry is the code itself, not a function descriptor (ELFv1). */
const EF_PPC64_ABI_V2 = 2;
/** MIPS: EF_MIPS_ARCH_64R2 | EF_MIPS_NOREORDER, as gas marks the source. EF_MIPS_ABI2 (n32) is
 * clear, which is what makes it n64 for qemu-mips64el (with the bit set: "Invalid ELF image for
 * this architecture"). QEMU picks its CPU model from the arch bits: 64R2 -> 5KEf; 64R6 would pick
 * I6400, which also needs EF_MIPS_NAN2008 ("ELF binary's NaN mode not supported by CPU"). */
const EF_MIPS_N64_64R2 = 0x80000001;
/** LoongArch: LP64D (double-float ABI, 0x3) | object ABI v1 (0x40), as current toolchains. */
const EF_LOONGARCH_LP64D_OBJ_V1 = 0x43;
/** The uname probe for each target: ELF parameters and code. */
const PROBES = {
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
};
/** The uname probe program for a target: run it (under QEMU) and compare its output with
 * Platform.machine. */
function probeProgram(target) {
    const spec = PROBES[target];
    if (!spec)
        throw new Error(`no probe program for ${target}`);
    return buildElf(spec);
}
/** The x86-64 level probe (scripts/probes/x86-level.S): CPUID checks per the x86-64 psABI. */
const X86_LEVEL_PROBE = {
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
};
/**
 * A static x86_64 program that prints the x86-64 micro-architecture level of the CPU it runs on
 * (`x86-64-v1` .. `x86-64-v4` and "\n"), as glibc and distributions define them: under QEMU, the
 * level of the emulated CPU model. Read its output with parseX86Level().
 */
function x86LevelProgram() {
    return buildElf(X86_LEVEL_PROBE);
}
/** The level printed by x86LevelProgram(), or undefined when the output is not exactly that. */
function parseX86Level(stdout) {
    const match = /^x86-64-v([1-4])$/.exec(stdout.trim());
    if (!match)
        return undefined;
    return Number(match[1]);
}

;// CONCATENATED MODULE: ./src/checks/probe.ts
/**
 * Proving a target runs: a tiny embedded program for the target prints uname's machine. Run
 * directly it proves a handler (or the host) runs it; run in an empty chroot it proves the handler
 * works where its interpreter's path does not exist, as inside containers (the F flag).
 */






/**
 * Judges a probe run: the target's machine name on stdout, or the reason it did not run. A program
 * of the host's own family run natively prints the kernel's machine instead (i386 on x86_64 says
 * x86_64), which `nativeMachine` accepts.
 */
function judgeProbe(target, result, program = '', nativeMachine) {
    const output = result.stdout.trim();
    if (result.code === 0 && ((0,kernel_platforms/* platformOf */.tj)(target).machine.test(output) || output === nativeMachine))
        return { ok: true, output };
    const said = `${result.stderr} ${output}`.trim();
    if (result.code === 0)
        return { ok: false, output: `printed ${JSON.stringify(output)}`, failure: 'wrong-machine' };
    if (/ENOEXEC|exec format error/i.test(said))
        return { ok: false, output: 'Exec format error', failure: 'exec-format' };
    if (/ENOENT|No such file or directory/i.test(said))
        return { ok: false, output: 'No such file or directory', failure: 'not-found' };
    // Without a handler, exec(3) falls back to /bin/sh, which then fails on the ELF bytes.
    if (program && said.includes(program))
        return { ok: false, output: 'Exec format error', failure: 'exec-format' };
    return { ok: false, output: said.split('\n').slice(-2).join(' ') || `exit ${result.code}`, failure: 'other' };
}
class Prober {
    dir;
    nativeMachine;
    written = new Map();
    /** `nativeMachine`: uname's machine on this host, printed by programs of its own family run natively. */
    constructor(dir, nativeMachine) {
        this.dir = dir;
        this.nativeMachine = nativeMachine;
    }
    /** The probe program's path, written on first use. */
    async program(target) {
        let path = this.written.get(target);
        if (!path) {
            await (0,promises_.mkdir)(this.dir, { recursive: true });
            path = (0,external_node_path_.join)(this.dir, `probe-${target}`);
            await (0,promises_.writeFile)(path, probeProgram(target), { mode: 0o755 });
            await (0,promises_.chmod)(path, 0o755);
            this.written.set(target, path);
        }
        return path;
    }
    /** Runs the probe in place. */
    async run(target) {
        const program = await this.program(target);
        return judgeProbe(target, await (0,kernel_process/* runProgram */.mB)(program, [], { timeoutMs: 20_000 }), program, this.nativeMachine);
    }
    /** Runs the probe in a chroot holding nothing but the probe: only an F handler can serve it there. */
    async runIsolated(target, sys) {
        const root = (0,external_node_path_.join)(this.dir, `root-${target}`);
        await (0,promises_.mkdir)(root, { recursive: true });
        await (0,promises_.copyFile)(await this.program(target), (0,external_node_path_.join)(root, 'probe'));
        const chroot = (0,find_on_path/* systemProgram */.CA)('chroot');
        if (!chroot)
            return { ok: false, output: `no chroot program in ${find_on_path/* SYSTEM_PATH */.sg} (coreutils has it)`, failure: 'other' };
        try {
            const stdout = await sys.run(chroot, [root, '/probe'], { timeoutMs: 20_000 });
            return judgeProbe(target, { code: 0, stdout, stderr: '' }, '', this.nativeMachine);
        }
        catch (error) {
            return judgeProbe(target, { code: 1, stdout: '', stderr: error.message }, '/probe');
        }
    }
}

;// CONCATENATED MODULE: ./src/install/apt.ts

class AptError extends Error {
}
/** Parses `apt-cache policy A B ...` into each package's candidate version. */
function parseCandidates(text) {
    const candidates = {};
    let current;
    for (const line of text.split('\n')) {
        const name = /^(\S+):$/.exec(line);
        if (name)
            current = name[1];
        const candidate = /^\s+Candidate:\s*(\S+)/.exec(line);
        if (candidate && current)
            candidates[current] = candidate[1] === '(none)' ? '' : candidate[1];
    }
    return candidates;
}
const PACKAGE_NAMES = ['qemu-user-static', 'binfmt-support', 'qemu-user', 'qemu-user-binfmt'];
/**
 * The packages to install: qemu-user-static + binfmt-support where they exist (Debian 12,
 * Ubuntu 22.04/24.04); else qemu-user + qemu-user-binfmt (Debian 13+, where qemu-user is static).
 * Undefined when apt offers neither.
 */
function choosePackages(candidates) {
    const has = (name) => !!candidates[name];
    if (has('qemu-user-static'))
        return ['qemu-user-static', ...(has('binfmt-support') ? ['binfmt-support'] : [])];
    if (has('qemu-user'))
        return ['qemu-user', ...(has('qemu-user-binfmt') ? ['qemu-user-binfmt'] : [])];
    return undefined;
}
/** Turns apt's own words into one line a person can act on. */
function explainAptFailure(output) {
    const lock = /Could not get lock ([^\s]+?)\.?(?:\s|$)/.exec(output);
    if (lock) {
        const holder = /held by process \d+(?: \([^)]*\))?/.exec(output)?.[0];
        return `apt could not get the dpkg lock ${lock[1]} within 120 s${holder ? ` (${holder})` : ''}: another apt run (often unattended-upgrades on a fresh runner) is still going; retry later or use install: download`;
    }
    if (/Unable to locate package|has no installation candidate/.test(output))
        return "apt has no QEMU user-mode package in this machine's sources: use install: download";
    const last = output
        .trim()
        .split('\n')
        .filter(l => /^(E:|W:)/.test(l))
        .slice(-2)
        .join(' ');
    return last || output.trim().split('\n').slice(-2).join(' ');
}
const APT_OPTIONS = ['-o', 'DPkg::Lock::Timeout=120', '-o', 'Acquire::Retries=3', '-o', 'Dpkg::Use-Pty=0'];
async function hasApt() {
    return (await (0,kernel_process/* runProgram */.mB)('apt-get', ['--version'], { timeoutMs: 10_000 })).code === 0;
}
async function candidates() {
    const policy = await (0,kernel_process/* runProgram */.mB)('apt-cache', ['policy', ...PACKAGE_NAMES], { timeoutMs: 60_000 });
    return parseCandidates(policy.stdout);
}
async function aptGet(sys, args) {
    await sys.run('apt-get', [...APT_OPTIONS, ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 600_000 });
}
/**
 * Installs the packages, running `apt-get update` only when the lists lack them or are stale.
 * Returns the packages installed.
 */
async function aptInstall(sys, log) {
    if (!(await hasApt()))
        throw new AptError('install: apt needs apt-get, and this machine has none (not Debian or Ubuntu)');
    let packages = choosePackages(await candidates());
    let updated = false;
    const update = async () => {
        log('apt-get update');
        await aptGet(sys, ['update', '-q']).catch(error => {
            throw new AptError(`apt-get update failed: ${explainAptFailure(error.message)}`);
        });
        updated = true;
    };
    if (!packages) {
        await update();
        packages = choosePackages(await candidates());
        if (!packages)
            throw new AptError("apt has no QEMU user-mode package (qemu-user-static or qemu-user) in this machine's sources: use install: download");
    }
    const install = () => aptGet(sys, ['install', '-y', '-q', '--no-install-recommends', ...packages]);
    log(`apt-get install ${packages.join(' ')}`);
    try {
        await install();
    }
    catch (error) {
        const message = error.message;
        if (updated || !/404|Unable to fetch|Failed to fetch|--fix-missing/.test(message))
            throw new AptError(`apt-get install ${packages.join(' ')} failed: ${explainAptFailure(message)}`);
        await update(); // stale package lists: the mirror moved on
        await install().catch(again => {
            throw new AptError(`apt-get install ${packages.join(' ')} failed: ${explainAptFailure(again.message)}`);
        });
    }
    return packages;
}

// EXTERNAL MODULE: ./src/install/interpreter.ts
var interpreter = __nccwpck_require__(2237);
;// CONCATENATED MODULE: ./src/install/index.ts


/** The sources a method tries, in order. */
function sourcesFor(method) {
    if (method === 'auto')
        return ['machine', 'download', 'apt'];
    if (method === 'none')
        return ['machine'];
    return [method];
}
/** Interpreters for the targets, trying the sources the method allows in order until all are served. */
async function obtainInterpreters(targets, request, ctx) {
    const installation = { interpreters: new Map(), missing: new Map() };
    const tried = new Map(targets.map(t => [t, []]));
    const onMachine = async (source, wanted) => {
        const found = new Map();
        for (const target of wanted) {
            const search = await (0,interpreter/* findInterpreter */.Ax)(target, request.flags);
            if (search.found)
                found.set(target, { ...search.found, source });
            else
                tried
                    .get(target)
                    .push(`no static qemu-${target} on the machine${search.rejected.length ? ` (${search.rejected.join('; ')})` : ''}`);
        }
        return { found };
    };
    const steps = {
        machine: wanted => onMachine('machine', wanted),
        download: async (wanted) => {
            // Loaded only when a download is tried: its HTTP, TLS and archive code is most of what a start-up would load.
            const { download, hostArchOf } = await Promise.all(/* import() */[__nccwpck_require__.e(779), __nccwpck_require__.e(728)]).then(__nccwpck_require__.bind(__nccwpck_require__, 728));
            const hostArch = hostArchOf(ctx.hostMachine);
            const { qemuVersion: version, qemuUrl: url, qemuSha256: sha256 } = request;
            const result = await download({ targets: wanted, hostArch, version, url, sha256, log: ctx.log, sys: ctx.sys }, ctx.places);
            const found = new Map();
            for (const [target, interpreter] of result.interpreters)
                found.set(target, { ...interpreter, source: 'download' });
            return { found, cacheHit: result.cacheHit };
        },
        apt: async (wanted) => {
            await ctx.watch(() => aptInstall(ctx.sys, ctx.log));
            return onMachine('apt', wanted);
        }
    };
    let wanted = [...targets];
    for (const source of sourcesFor(request.method)) {
        if (wanted.length === 0)
            break;
        try {
            const { found, cacheHit } = await steps[source](wanted);
            for (const [target, interpreter] of found)
                installation.interpreters.set(target, interpreter);
            if (cacheHit !== undefined)
                installation.cacheHit = cacheHit;
            if (source !== 'machine' && found.size > 0)
                ctx.log(`${source}: got ${[...found.keys()].map(t => `qemu-${t}`).join(', ')}`);
        }
        catch (error) {
            const message = error.message;
            if (request.method === 'apt' && error instanceof AptError && !/install: download/.test(message)) {
                throw new AptError(`${message}: use install: download`);
            }
            if (request.method !== 'auto')
                throw error;
            ctx.log(`${source} did not work: ${message}`);
            for (const target of wanted)
                tried.get(target).push(`${source}: ${message}`);
        }
        wanted = wanted.filter(t => !installation.interpreters.has(t));
    }
    for (const target of wanted)
        installation.missing.set(target, tried.get(target).join('; ') || `no qemu-${target}`);
    return installation;
}

;// CONCATENATED MODULE: ./src/install/libraries/apt-words.ts
/**
 * Reading what the private apt says (with LC_ALL=C, so in apt's English): the packages a
 * simulated install would fetch, names it took as patterns, where it would fetch each file from,
 * the machine's network settings to carry over, and which of the failures a person can act on
 * it was. Pure functions over apt's output, so each case is tested on the words apt really prints.
 */
/** `name:arch=version`, the form resolved packages are keyed and reported in. */
function packageId(pkg) {
    return `${pkg.name}:${pkg.arch}=${pkg.version}`;
}
/** Parses `apt-get -s install`'s `Inst name[:arch] (version origins [arch])` lines. */
function parseSimulation(output) {
    const packages = [];
    for (const line of output.split('\n')) {
        const match = /^Inst ([a-z0-9][a-z0-9+.-]+)(?::\S+)? (?:\[[^\]]*\] )?\((\S+) .*\[([a-z0-9-]+)\]\)/.exec(line);
        if (match)
            packages.push({ name: match[1], version: match[2], arch: match[3] });
    }
    return packages;
}
/** apt's `Note, selecting 'X' for regex 'Y'` (or glob): the names Y it took as a pattern (it prints these at quiet level 0 only). */
function patternNames(output) {
    const notes = [...output.matchAll(/Note, selecting '[^']+' for (?:regex|glob) '([^']+)'/g)];
    return [...new Set(notes.map(m => m[1].replace(/:.*$/, '')))];
}
/**
 * The requested names apt could have taken as a pattern ('.' and '+' are regular-expression
 * characters) that the resolved packages do not hold by that exact name for every architecture:
 * apt chose other packages for them (by a pattern, or as the providers of a virtual package).
 */
function notResolvedByName(names, arches, packages) {
    const held = (name, arch) => packages.some(p => p.name === name && (p.arch === arch || p.arch === 'all'));
    return names.filter(name => /[.+]/.test(name) && !arches.every(arch => held(name, arch)));
}
/** The names `apt-cache policy` shows with a candidate version (a `name:` or `name:arch:` line, then `  Candidate: version`). */
function namesWithCandidate(output) {
    const names = new Set();
    let current;
    for (const line of output.split('\n')) {
        const header = /^([a-z0-9][a-z0-9+.-]+)(?::[a-z0-9-]+)?:$/.exec(line);
        if (header)
            current = header[1];
        const candidate = /^\s+Candidate: (\S+)$/.exec(line);
        if (candidate && current && candidate[1] !== '(none)')
            names.add(current);
        if (candidate)
            current = undefined;
    }
    return names;
}
/** Parses `apt-get --print-uris`' `'URI' FILE SIZE TYPE:HASH` lines (the hash empty when the index has none of that type). */
function parsePrintUris(output) {
    const uris = [];
    for (const line of output.split('\n')) {
        const match = /^'([^'\s]+)' (\S+) (\d+) ?(\S*)$/.exec(line);
        if (!match)
            continue;
        const sha256 = /^SHA256:([0-9a-f]{64})$/i.exec(match[4])?.[1].toLowerCase();
        uris.push({ uri: match[1], file: match[2], size: Number(match[3]), ...(sha256 ? { sha256 } : {}) });
    }
    return uris;
}
/** The .deb file name apt stores a package under (an epoch's colon written %3a). */
function debFileName(pkg) {
    return `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_${pkg.arch}.deb`;
}
/**
 * The machine's Acquire:: settings from `apt-config dump` (proxies, timeouts, a mirror's
 * Check-Valid-Until), without index targets other tools add (DEP-11 icons, command-not-found
 * databases) and without anything that would let an unsigned archive through.
 */
function acquireSettings(dump) {
    return dump
        .split('\n')
        .filter(line => /^Acquire::\S+ "[^"]*";$/.test(line))
        .filter(line => !/^Acquire::(IndexTargets|Allow\w*(Insecure|Weak)\w*)\b/i.test(line));
}
function lastErrors(output) {
    const lines = output.split('\n').filter(line => /^(E|W|Err):/.test(line.trim()));
    return (lines.length ? lines : output.trim().split('\n')).slice(-2).join(' ').trim();
}
function updateFailure(output, code) {
    const gpg = /GPG error: (\S+) (\S+) \S+: (.*)/.exec(output);
    const unsigned = /The repository '(\S+) (\S+) \S+' is not signed/.exec(output);
    if (gpg || unsigned || /NO_PUBKEY|BADSIG|EXPKEYSIG|signatures were invalid|signature verification failed/.test(output)) {
        const where = gpg ? `${gpg[1]} ${gpg[2]}` : unsigned ? `${unsigned[1]} ${unsigned[2]}` : 'the archive';
        const said = gpg?.[3] ?? (unsigned ? 'it is not signed with a key the sources name' : lastErrors(output));
        const detail = said.replace(/^The following signatures couldn't be verified because /, '');
        return { kind: 'signature', where, detail };
    }
    const fetch = /Failed to fetch (\S+)\s+(.*)/.exec(output);
    if (fetch)
        return { kind: 'unreachable', where: fetch[1].replace(/\/dists\/.*$/, ''), detail: fetch[2].trim() };
    const noRelease = /The repository '(\S+) (\S+) \S+' does not have a Release file/.exec(output);
    if (noRelease)
        return { kind: 'unreachable', where: `${noRelease[1]} ${noRelease[2]}`, detail: 'it has no Release file for this suite' };
    if (/Some index files failed to download/.test(output))
        return { kind: 'unreachable', where: 'the archive', detail: lastErrors(output) };
    if (code !== 0)
        return { kind: 'other', detail: lastErrors(output) };
    return undefined;
}
function resolveFailure(output) {
    const missing = [
        ...[...output.matchAll(/Unable to locate package (\S+)/g)].map(m => m[1]),
        ...[...output.matchAll(/Package '([^']+)' has no installation candidate/g)].map(m => m[1])
    ].map(name => name.replace(/:.*$/, ''));
    if (missing.length)
        return { kind: 'missing', names: [...new Set(missing)] };
    const depends = /^\s*(\S+) : (?:Pre-)?Depends: (.*)$/m.exec(output);
    if (depends || /unmet dependencies|held broken packages/.test(output)) {
        return { kind: 'broken', detail: depends ? `${depends[1]} depends on ${depends[2].trim()}` : lastErrors(output) };
    }
    return { kind: 'other', detail: lastErrors(output) };
}
/** The failure of a download: the archive not answering (or changing under us), or something else. */
function downloadFailure(output) {
    const fetch = /Failed to fetch (\S+)\s+(.*)/.exec(output);
    return fetch ? `${fetch[1]}: ${fetch[2].trim()}` : lastErrors(output);
}

// EXTERNAL MODULE: ./src/kernel/root-files.ts
var root_files = __nccwpck_require__(4659);
;// CONCATENATED MODULE: ./src/install/libraries/names.ts
/**
 * What the user asks for, checked before anything runs: package names of the distribution
 * (with the `base` shorthand for the C and C++ runtime), an optional mirror of its archive, and
 * the Debian architecture name of each QEMU target. A bad value fails with one line naming the
 * input and the fix, the same shape as every other input of the action.
 */

/** An error about one input: `input 'NAME': problem; fix`. */
class LibrariesError extends Error {
    input;
    constructor(input, problem, fix) {
        super(`input '${input}': ${problem}; ${fix}`);
        this.input = input;
        this.name = 'LibrariesError';
    }
}
/** `base`: what nearly every C or C++ program needs besides the loader (libc6 holds it). */
const BASE_PACKAGES = ['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g'];
/** Debian Policy 5.6.1: lower case letters, digits, + - . ; at least two characters, starting alphanumeric. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const MAX_LENGTH = 4096;
/** Far more than a program needs named (dependencies come along); bounds what apt is asked in one go. */
const MAX_NAMES = 200;
const FEWER = 'name the packages the programs need (their dependencies come along)';
function shown(value) {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}
/** The `libraries` input: names separated by commas or white space, `base` expanded, each once, in order (at most 200). */
function parseLibraries(value) {
    if (value.length > MAX_LENGTH) {
        throw new LibrariesError('libraries', `the value is longer than ${MAX_LENGTH} characters`, FEWER);
    }
    const names = [];
    for (const word of value.split(/[\s,]+/).filter(Boolean)) {
        if (word === 'base') {
            names.push(...BASE_PACKAGES);
        }
        else if (PACKAGE_NAME.test(word)) {
            names.push(word);
        }
        else {
            throw new LibrariesError('libraries', `${shown(word)} is not a package name`, 'use package names of the distribution (lower case letters, digits, + - .), such as libssl3, or base for the C and C++ runtime');
        }
    }
    const unique = [...new Set(names)];
    if (unique.length > MAX_NAMES) {
        throw new LibrariesError('libraries', `${unique.length} packages named, more than ${MAX_NAMES}`, FEWER);
    }
    return unique;
}
/**
 * The `libraries-mirror` input: the address of a mirror of the distribution's archive, and
 * optionally a second one for the `-security` suites (Debian keeps them on another archive).
 * Empty: the machine's own sources.
 */
function parseMirror(value) {
    const words = value.split(/[\s,]+/).filter(Boolean);
    const fix = "use the http(s):// or file:// address of a mirror of the distribution's archive, " +
        'optionally followed by one for the -security suites';
    if (words.length > 2)
        throw new LibrariesError('libraries-mirror', `${words.length} addresses given`, fix);
    return words.map(word => {
        let url;
        try {
            url = new URL(word);
        }
        catch {
            url = undefined;
        }
        if (!url || !['http:', 'https:', 'file:'].includes(url.protocol)) {
            throw new LibrariesError('libraries-mirror', `${shown(word)} is not an address apt can fetch from`, fix);
        }
        if (url.username || url.password) {
            const login = "give apt the login in /etc/apt/auth.conf.d instead (apt's own place for it)";
            throw new LibrariesError('libraries-mirror', `${shown(url.origin)} carries credentials, which would show in logs`, login);
        }
        return word.replace(/\/+$/, '');
    });
}
/** Debian's architecture name of each QEMU target (what apt and the package file names say). */
const DEBIAN_ARCHES = (0,kernel_platforms/* perTarget */.Ve)(p => p.debian);
/** The Debian architectures for the targets, each once, in the targets' order. */
function debianArches(targets) {
    return [...new Set(targets.map(target => DEBIAN_ARCHES[target]))];
}

;// CONCATENATED MODULE: ./src/install/libraries/foreign-sources.ts

const UBUNTU_PRIMARY = 'http://archive.ubuntu.com/ubuntu';
const UBUNTU_SECURITY = 'http://security.ubuntu.com/ubuntu';
const UBUNTU_PORTS = 'http://ports.ubuntu.com/ubuntu-ports';
const COMPONENTS = {
    debian: ['main', 'contrib', 'non-free', 'non-free-firmware'],
    ubuntu: ['main', 'restricted', 'universe', 'multiverse']
};
/** Debian machines may name their suites by role instead of codename. */
const DEBIAN_SUITE_ALIASES = ['oldoldstable', 'oldstable', 'stable', 'testing', 'unstable', 'sid', 'experimental'];
/** Ubuntu's primary archive serves these; the ports archive serves every other architecture. */
const UBUNTU_PRIMARY_ARCHES = ['amd64', 'i386'];
function isSecuritySuite(suite) {
    return /-security$|\/updates$/.test(suite);
}
function suiteBelongs(suite, distribution) {
    const release = suite.split(/[-/]/)[0];
    if (release !== '' && release === distribution.codename)
        return true;
    return distribution.family === 'debian' && DEBIAN_SUITE_ALIASES.includes(release);
}
/** Addresses the distribution's archives live at (or apt's mirror lists, which GitHub's Ubuntu runners use). */
function uriLooksLikeDistribution(uri, distribution) {
    if (uri.startsWith('mirror+'))
        return true;
    if (distribution.family === 'ubuntu')
        return /\/ubuntu(-ports)?\/?$/.test(uri) && !/launchpad/i.test(uri);
    return /\/debian(-security)?\/?$/.test(uri) || /\/debian(-security)?\/\d{8}T\d{6}Z\/?$/.test(uri);
}
/** The distribution's own entries: its suites and components, signed with its archive keyring (or, unsigned-by, at its archive's path). */
function isDistributionEntry(entry, distribution) {
    if (!entry.suites.every(suite => suiteBelongs(suite, distribution)))
        return false;
    if (!entry.components.length || !entry.components.every(c => COMPONENTS[distribution.family].includes(c)))
        return false;
    const keyring = entry.signedBy;
    if (keyring && !keyring.includes('\n')) {
        return keyring.split(/\s+/).every(file => (file.split('/').pop() ?? '').startsWith(`${distribution.family}-archive`));
    }
    return entry.uris.every(uri => uriLooksLikeDistribution(uri, distribution));
}
function atLeast(release, major, minor) {
    const [a, b] = release.split('.').map(Number);
    return a > major || (a === major && (b ?? 0) >= minor);
}
/** The Ubuntu archive that serves an architecture, given where the machine's entry points. */
function ubuntuUriFor(uri, suite, arch, distribution) {
    const onPorts = /\/ubuntu-ports\/?$/.test(uri) || /^\w+:\/\/ports\./.test(uri);
    // Ubuntu 25.10 and later serve arm64 from the primary archive too.
    const primaryServes = UBUNTU_PRIMARY_ARCHES.includes(arch) || (arch === 'arm64' && atLeast(distribution.release, 25, 10));
    if (onPorts ? !UBUNTU_PRIMARY_ARCHES.includes(arch) : primaryServes)
        return uri;
    if (!onPorts)
        return UBUNTU_PORTS;
    return isSecuritySuite(suite) ? UBUNTU_SECURITY : UBUNTU_PRIMARY;
}
/** The distribution's archive keyring as its keyring package installs it (Debian 13 also ships it as .pgp). */
function archiveKeyring(distribution, extension = 'gpg') {
    return `/usr/share/keyrings/${distribution.family}-archive-keyring.${extension}`;
}
/** What a mirror stands in for when the machine's sources name no archive of the distribution. */
function defaultEntry(distribution, keyring) {
    const codename = distribution.codename;
    if (!codename)
        return undefined;
    return {
        uris: [''],
        suites: [codename, `${codename}-updates`, `${codename}-security`],
        components: ['main'],
        signedBy: keyring,
        file: 'the distribution default'
    };
}
/**
 * The stanzas for the private apt: every (address, suite) the architectures need, merged back
 * into as few stanzas as the input had. Undefined when the machine's sources name no archive of
 * the distribution and no mirror is given.
 */
function archiveStanzas(entries, distribution, arches, mirror = [], keyring = archiveKeyring(distribution)) {
    let own = entries
        .filter(entry => isDistributionEntry(entry, distribution))
        .map(entry => ({ ...entry, signedBy: entry.signedBy ?? keyring }));
    if (own.length === 0) {
        const fallback = mirror.length ? defaultEntry(distribution, keyring) : undefined;
        if (!fallback)
            return undefined;
        own = [fallback];
    }
    const bySuite = new Map();
    for (const arch of arches) {
        for (const entry of own) {
            for (const uri of entry.uris) {
                for (const suite of entry.suites) {
                    const chosen = mirror.length
                        ? (isSecuritySuite(suite) && mirror[1]) || mirror[0]
                        : distribution.family === 'ubuntu'
                            ? ubuntuUriFor(uri, suite, arch, distribution)
                            : uri;
                    const key = JSON.stringify([chosen, suite, entry.signedBy ?? '']);
                    const item = bySuite.get(key) ?? { uri: chosen, suite, signedBy: entry.signedBy, components: new Set(), arches: new Set() };
                    entry.components.forEach(c => item.components.add(c));
                    item.arches.add(arch);
                    bySuite.set(key, item);
                }
            }
        }
    }
    const stanzas = new Map();
    for (const item of bySuite.values()) {
        const components = [...item.components];
        const itemArches = [...item.arches];
        const key = JSON.stringify([item.uri, item.signedBy ?? '', components, itemArches]);
        const keyring = item.signedBy ? { signedBy: item.signedBy } : {};
        const stanza = stanzas.get(key) ?? { uri: item.uri, suites: [], components, arches: itemArches, ...keyring };
        stanza.suites.push(item.suite);
        stanzas.set(key, stanza);
    }
    return [...stanzas.values()];
}
/** deb822 text of the stanzas (an inline key keeps its lines, an empty one written as " ."). */
function renderSources(stanzas) {
    return stanzas
        .map(stanza => {
        const lines = [
            'Types: deb',
            `URIs: ${stanza.uri}`,
            `Suites: ${stanza.suites.join(' ')}`,
            `Components: ${stanza.components.join(' ')}`,
            `Architectures: ${stanza.arches.join(' ')}`
        ];
        if (stanza.signedBy?.includes('\n'))
            lines.push('Signed-By:', ...stanza.signedBy.split('\n').map(line => ` ${line || '.'}`));
        else if (stanza.signedBy)
            lines.push(`Signed-By: ${stanza.signedBy}`);
        return lines.join('\n') + '\n';
    })
        .join('\n');
}
/** The private apt's sources text; throws when there is no archive to take the packages from. */
function privateSources(entries, distribution, arches, mirror = [], keyring = archiveKeyring(distribution)) {
    const stanzas = archiveStanzas(entries, distribution, arches, mirror, keyring);
    if (!stanzas) {
        throw new LibrariesError('libraries', `the machine's apt sources name no archive of ${distribution.name} ` +
            `(no entry for its suites ${distribution.codename || '(none)'} with its archive keyring)`, "set libraries-mirror to the address of the distribution's archive or a mirror of it");
    }
    return renderSources(stanzas);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: ./src/kernel/scratch.ts
var scratch = __nccwpck_require__(7471);
;// CONCATENATED MODULE: ./src/install/libraries/cache.ts
/**
 * The sysroot cache in the tool cache. A sysroot's folder is named by what is in it: the
 * distribution and release, the architectures and the sorted list of resolved
 * package:arch=version, so a second job reuses it and a security update makes a new one.
 * A folder appears whole or not at all: it is built in a temporary sibling and renamed into
 * place. A request record (the asked-for names and the sources they came from -> the sysroot
 * they resolved to, and when) lets a warm run skip apt altogether while the record is recent.
 */





/** The cache's folder under the tool cache. */
const SYSROOT_CACHE_FOLDER = 'setup-x86-on-arm-sysroot';
/** Raised when the way a sysroot is made changes, so older trees are not taken for new ones (2: sanitized). */
const LAYOUT = 2;
const TEMP_PREFIX = '.tmp-';
/** A temporary folder this old belongs to a run that died; removing it frees the space. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;
function digest(value) {
    return (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
function safe(text) {
    return text.replace(/[^A-Za-z0-9.+-]/g, '_');
}
/** The folder name of a sysroot holding exactly these packages. */
function sysrootKey(distribution, arches, packages) {
    const sortedArches = [...new Set(arches)].sort();
    const ids = [...new Set(packages.map(packageId))].sort();
    const hash = digest({ layout: LAYOUT, id: distribution.id, release: distribution.release, arches: sortedArches, packages: ids });
    return safe(`${distribution.id}-${distribution.release}-${sortedArches.join('+')}-${hash}`);
}
/** The key of a request: the same names from the same archive for the same architectures. */
function requestKey(distribution, arches, names, sources) {
    const { id, release } = distribution;
    return digest({ layout: LAYOUT, id, release, arches: [...new Set(arches)].sort(), names: [...new Set(names)].sort(), sources });
}
function recordPath(cacheDir, request) {
    return (0,external_node_path_.join)(cacheDir, 'requests', `${request}.json`);
}
async function readRecord(cacheDir, request) {
    try {
        const record = JSON.parse(await (0,promises_.readFile)(recordPath(cacheDir, request), 'utf8'));
        const whole = typeof record.sysroot === 'string' && Array.isArray(record.packages) && typeof record.resolvedAt === 'number';
        return whole ? record : undefined;
    }
    catch {
        return undefined;
    }
}
/** Writes the record whole (temporary file, then rename), so a reader never sees half of one. */
async function writeRecord(cacheDir, request, record) {
    const path = recordPath(cacheDir, request);
    await (0,promises_.mkdir)((0,external_node_path_.join)(cacheDir, 'requests'), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await (0,promises_.writeFile)(temporary, JSON.stringify(record) + '\n');
    await (0,promises_.rename)(temporary, path);
}
async function exists(path) {
    try {
        await (0,promises_.stat)(path);
        return true;
    }
    catch {
        return false;
    }
}
/**
 * The sysroot folder for key: the one already there, or one build() makes in a temporary
 * sibling (root, with scratch space beside it), renamed into place when it is complete. When
 * build() throws, or another job finishes the same folder first, nothing of this run stays.
 */
async function publishSysroot(cacheDir, key, build) {
    const path = (0,external_node_path_.join)(cacheDir, key);
    if (await exists(path))
        return { path, made: false };
    await (0,promises_.mkdir)(cacheDir, { recursive: true });
    const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)(cacheDir, `${TEMP_PREFIX}${key}-`));
    // A signal's way out removes it too (faces/signals.ts).
    (0,scratch/* holdScratch */.ES)(work);
    try {
        const scratch = (0,external_node_path_.join)(work, 'unpacked');
        await (0,promises_.mkdir)(scratch);
        await build((0,external_node_path_.join)(work, 'root'), scratch);
        try {
            await (0,promises_.rename)((0,external_node_path_.join)(work, 'root'), path);
            return { path, made: true };
        }
        catch (error) {
            const code = error.code;
            if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(path)))
                return { path, made: false };
            throw error;
        }
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
        (0,scratch/* dropScratch */.Wl)(work);
    }
}
/** Removes temporary folders runs that died left behind (a live run's are younger). */
async function removeAbandoned(cacheDir, now = Date.now()) {
    let names;
    try {
        names = await (0,promises_.readdir)(cacheDir);
    }
    catch {
        return;
    }
    for (const name of names.filter(n => n.startsWith(TEMP_PREFIX))) {
        const path = (0,external_node_path_.join)(cacheDir, name);
        try {
            if (now - (await (0,promises_.stat)(path)).mtimeMs > ABANDONED_AFTER_MS)
                await (0,promises_.rm)(path, { recursive: true, force: true });
        }
        catch {
            // another run removed it first
        }
    }
}
/** Takes a sysroot out of the cache: renamed aside first, so no one finds it half removed. */
async function discardSysroot(cacheDir, key) {
    const aside = (0,external_node_path_.join)(cacheDir, `${TEMP_PREFIX}discarded-${key}-${process.pid}-${Date.now()}`);
    try {
        await (0,promises_.rename)((0,external_node_path_.join)(cacheDir, key), aside);
    }
    catch {
        return;
    }
    await (0,promises_.rm)(aside, { recursive: true, force: true });
}

;// CONCATENATED MODULE: ./src/install/libraries/distribution.ts
/**
 * Which distribution the machine runs, from os-release(5): its id and release name the cache
 * key, its family decides how the archive for another architecture is found (Debian serves
 * every architecture from one archive; Ubuntu splits them between two), and its codename tells
 * the distribution's own suites from a third party's in the machine's apt sources.
 */

/** Parses os-release's KEY=value lines (values optionally quoted, with backslash escapes). */
function parseOsRelease(text) {
    const fields = {};
    for (const line of text.split('\n')) {
        const match = /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(line);
        if (!match)
            continue;
        let value = match[2];
        const quote = value[0];
        if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
            value = value.slice(1, -1);
            if (quote === '"')
                value = value.replace(/\\(["\\$`])/g, '$1');
        }
        fields[match[1]] = value;
    }
    return fields;
}
/** The distribution an os-release describes; undefined when it is neither Debian nor Ubuntu (nor based on one). */
function distributionOf(fields) {
    const id = (fields.ID ?? '').toLowerCase();
    const like = (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/);
    const family = id === 'ubuntu' || like.includes('ubuntu') ? 'ubuntu' : id === 'debian' || like.includes('debian') ? 'debian' : undefined;
    if (!family || !id)
        return undefined;
    // Derivatives (Mint, Pop!_OS) name the Ubuntu release their archive entries use.
    const codename = (family === 'ubuntu' ? fields.UBUNTU_CODENAME || fields.VERSION_CODENAME : fields.VERSION_CODENAME) ?? '';
    return { id, family, release: fields.VERSION_ID || codename || 'unknown', codename, name: fields.PRETTY_NAME || id };
}
/** Reads the machine's os-release (/etc, else /usr/lib as the man page says); the text, or undefined. */
async function readOsRelease(path) {
    for (const candidate of path ? [path] : ['/etc/os-release', '/usr/lib/os-release']) {
        try {
            return await (0,promises_.readFile)(candidate, 'utf8');
        }
        catch {
            // try the next place
        }
    }
    return undefined;
}

// EXTERNAL MODULE: ./src/kernel/elf.ts
var kernel_elf = __nccwpck_require__(6240);
;// CONCATENATED MODULE: ./src/install/libraries/loader.ts





/** Each platform's dynamic loader, as glibc programs name it, relative to the root. */
const LOADERS = (0,kernel_platforms/* perTarget */.Ve)(p => p.loader);
/** Symbolic links followed before giving up, as the kernel's limit (ELOOP). */
const MAX_LINKS = 40;
/**
 * Resolves a path inside root, following links the way a chroot would but refusing the ones
 * that leave it. The real path relative to root, or why there is none (with leaves set when a
 * link takes it out of root, rather than a part missing or a loop).
 */
async function resolveInside(root, path) {
    const pending = path.split('/');
    const done = [];
    let links = 0;
    while (pending.length) {
        const name = pending.shift();
        if (name === '' || name === '.')
            continue;
        if (name === '..') {
            if (!done.length)
                return { problem: `${path} leads above the sysroot`, leaves: true };
            done.pop();
            continue;
        }
        const here = [...done, name].join('/');
        let info;
        try {
            info = await (0,promises_.lstat)((0,external_node_path_.join)(root, here));
        }
        catch {
            return { problem: `${path} is missing${here !== path ? ` (no ${here})` : ''}` };
        }
        if (!info.isSymbolicLink()) {
            done.push(name);
            continue;
        }
        if (++links > MAX_LINKS)
            return { problem: `${path} goes through more than ${MAX_LINKS} links` };
        const target = await (0,promises_.readlink)((0,external_node_path_.join)(root, here));
        if (target.startsWith('/')) {
            return { problem: `${here} links to ${target}, outside the sysroot (QEMU follows links on the host's side)`, leaves: true };
        }
        pending.unshift(...target.split('/'));
    }
    return { path: done.join('/') };
}
function kindOf(info) {
    if (info.isDirectory())
        return 'a folder';
    if (info.isFIFO())
        return 'a FIFO';
    if (info.isSocket())
        return 'a socket';
    return 'a device node';
}
/** What keeps a sysroot from serving the targets' programs; undefined when nothing does. */
async function sysrootProblem(dir, targets, shownAs = dir) {
    try {
        if (!(await (0,promises_.stat)(dir)).isDirectory())
            return `${shownAs} is not a folder`;
    }
    catch {
        return `${shownAs} does not exist`;
    }
    for (const target of new Set(targets)) {
        const loader = LOADERS[target];
        const found = await resolveInside(dir, loader);
        if ('problem' in found)
            return `${shownAs} holds no dynamic loader for ${target}: ${found.problem}`;
        // A FIFO there would block the read forever; a folder or device is no loader either.
        const info = await (0,promises_.lstat)((0,external_node_path_.join)(dir, found.path));
        if (!info.isFile())
            return `${shownAs}/${loader} is not a regular file (it is ${kindOf(info)})`;
        const elf = await (0,kernel_elf/* readElf */.o)((0,external_node_path_.join)(dir, found.path), { followLinks: false });
        const platform = elf && (0,kernel_platforms/* platformOfHeader */.ab)(elf.header);
        if (platform?.target !== target) {
            return `${shownAs}/${loader} is no loader for ${target} (${platform ? `it is for ${platform.target}` : 'not an ELF file'})`;
        }
    }
    return undefined;
}
/** Throws the sysroot's problem as one line about the input it came from (naming dir as shownAs). */
async function checkSysroot(dir, targets, input = 'sysroot', shownAs = dir) {
    const problem = await sysrootProblem(dir, targets, shownAs);
    if (!problem)
        return;
    if (input === 'libraries') {
        const fix = 'add base (libc6 holds the loader) to libraries';
        throw new LibrariesError('libraries', `the packages made a sysroot without a loader: ${problem}`, fix);
    }
    throw new LibrariesError('sysroot', problem, 'give a root filesystem of the emulated platform (for example from docker export of an image for it) with relative links, ' +
        'or use libraries: base instead');
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __nccwpck_require__(3136);
;// CONCATENATED MODULE: ./src/install/libraries/private-apt.ts
/**
 * apt on private state: its own sources file, lists, cache, log, preferences, an empty dpkg
 * status and its own configuration (APT_CONFIG points the configuration parts at an empty
 * folder, so the machine's hooks, such as command-not-found's or appstream's update hooks, do not
 * run and its pins do not apply; only its Acquire:: network settings are carried over). The
 * architectures are set outright, so `dpkg --add-architecture` is never needed. apt still checks
 * the Release signatures with the keyrings the sources name; nothing here turns that off. Names
 * are only ever names: apt takes a name no package has as a pattern unless told not to. A file:
 * archive's packages, which apt leaves where they lie, are copied into the cache and checked
 * against the signed index. The machine's /etc/apt, /var/lib/apt, /var/lib/dpkg and their locks
 * are never written.
 */










const NO_APT_FIX = "use input 'sysroot' with a root filesystem of the platform instead";
function noApt(distribution) {
    const problem = `this machine (${distribution.name}) has no apt-get, which fetches the distribution's packages`;
    return new LibrariesError('libraries', problem, NO_APT_FIX);
}
function missingProgram(result) {
    return result.code === 127 && /ENOENT/.test(result.stderr);
}
/** The names to ask apt for: plain for the native architecture, name:arch for the others. */
function qualifiedNames(names, arches) {
    return arches.flatMap((arch, i) => names.map(name => (i === 0 ? name : `${name}:${arch}`)));
}
/** apt's options for the private state in dir (apart from the configuration file APT_CONFIG names). */
function privateOptions(dir, arches) {
    const settings = [
        `APT::Architecture=${arches[0]}`,
        `APT::Architectures=${arches.join(',')}`,
        `Dir::State=${dir}/state`,
        `Dir::State::Lists=${dir}/state/lists`,
        `Dir::State::status=${dir}/state/status`,
        `Dir::Cache=${dir}/cache`,
        'Dir::Cache::srcpkgcache=',
        `Dir::Etc::SourceList=${dir}/sources.list`,
        `Dir::Etc::SourceParts=${dir}/sources.list.d`,
        `Dir::Etc::Preferences=${dir}/preferences`,
        `Dir::Etc::PreferencesParts=${dir}/preferences.d`,
        `Dir::Log=${dir}/log`,
        'Acquire::Languages=none',
        'Acquire::AllowInsecureRepositories=false',
        'Acquire::AllowDowngradeToInsecureRepositories=false',
        'APT::Get::AllowUnauthenticated=false',
        'APT::Install-Recommends=false',
        'APT::Install-Suggests=false',
        // Else a name no package has is tried as a regular expression (zlib1g.dev installs zlib1g-dev).
        'APT::Cmd::Pattern-Only=true'
    ];
    return settings.flatMap(setting => ['-o', setting]);
}
/** Makes the private state folder and its configuration; throws when the machine has no apt. */
async function openPrivateApt(options) {
    const { arches, distribution } = options;
    const dump = await (0,kernel_process/* runProgram */.mB)('apt-config', ['dump'], { timeoutMs: 30_000 });
    if (missingProgram(dump))
        throw noApt(distribution);
    // Fresh, under a parent no untrusted user can change: root's apt reads its configuration from here.
    // apt fetches as the unprivileged _apt user when run as root: it must be able to reach the lists.
    const dir = await (0,root_files/* freshFolder */.lj)([options.tempDir], 'setup-x86-on-arm-apt-', 0o755);
    (0,scratch/* holdScratch */.ES)(dir);
    if (/["\n]/.test(dir))
        throw new Error(`the temporary folder ${dir} has a character apt's configuration cannot hold`);
    for (const sub of ['state/lists/partial', 'cache/archives/partial', 'sources.list.d', 'preferences.d', 'apt.conf.d', 'log']) {
        await (0,promises_.mkdir)((0,external_node_path_.join)(dir, sub), { recursive: true });
    }
    await (0,promises_.writeFile)((0,external_node_path_.join)(dir, 'state/status'), '');
    await (0,promises_.writeFile)((0,external_node_path_.join)(dir, 'sources.list.d/archive.sources'), options.sources);
    const config = [`Dir::Etc::Main "${dir}/apt.conf.main";`, `Dir::Etc::Parts "${dir}/apt.conf.d";`, ...acquireSettings(dump.stdout)];
    await (0,promises_.writeFile)((0,external_node_path_.join)(dir, 'apt.conf'), config.join('\n') + '\n');
    const env = { ...process.env, APT_CONFIG: (0,external_node_path_.join)(dir, 'apt.conf'), LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' };
    delete env.LANGUAGE;
    const aptGet = async (args, timeoutMs) => {
        const result = await (0,kernel_process/* runProgram */.mB)('apt-get', [...privateOptions(dir, arches), ...args], { env, timeoutMs });
        if (missingProgram(result))
            throw noApt(distribution);
        return result;
    };
    const archiveName = `${distribution.name}'s archive for ${arches.join(' and ')}`;
    return {
        dir,
        async update() {
            const result = await aptGet(['-q', 'update'], 300_000);
            const failure = updateFailure(result.stdout + '\n' + result.stderr, result.code);
            if (!failure) {
                // apt only notes an archive without the architecture; with no index for it, nothing could resolve.
                const lists = await (0,promises_.readdir)((0,external_node_path_.join)(dir, 'state/lists'));
                const absent = arches.filter(arch => !lists.some(name => name.includes(`_binary-${arch}_Packages`)));
                if (!absent.length)
                    return;
                throw new LibrariesError('libraries', `${distribution.name}'s archive has no packages for ${absent.join(', ')}`, 'leave that platform out of libraries, or set libraries-mirror to an archive that builds for it');
            }
            if (failure.kind === 'signature') {
                throw new LibrariesError('libraries', `the Release signature of ${failure.where} does not verify (${failure.detail})`, "install the distribution's archive keyring that the machine's sources name (Signed-By), " +
                    "or set libraries-mirror to a mirror that serves the distribution's signed files");
            }
            if (failure.kind === 'unreachable') {
                const fix = 'check the network, or set libraries-mirror to a reachable mirror of the archive';
                throw new LibrariesError('libraries', `the archive ${failure.where} does not answer (${failure.detail})`, fix);
            }
            const fix = 'check the archive address, or set libraries-mirror';
            throw new LibrariesError('libraries', `apt-get update of ${archiveName} failed (${failure.detail})`, fix);
        },
        async resolve(names) {
            const noPackage = (missing) => new LibrariesError('libraries', `no package ${missing.join(', ')} in ${archiveName}`, "check the spelling against the distribution's package names (apt-cache search on a machine of it), or leave it out");
            const simulate = (more, of) => aptGet(['-s', ...more, 'install', '--no-install-recommends', ...qualifiedNames(of, arches)], 120_000);
            const result = await simulate(['-q'], names);
            if (result.code === 0) {
                const packages = parseSimulation(result.stdout);
                // apt before 2.0 ignores Pattern-Only; a virtual package resolves to other names too. Only
                // apt's notes (at quiet level 0) tell a pattern from a virtual package.
                const unsure = notResolvedByName(names, arches, packages);
                if (unsure.length) {
                    const again = await simulate(['-o', 'quiet=0'], unsure);
                    const patterns = patternNames(again.stdout + '\n' + again.stderr).filter(name => unsure.includes(name));
                    if (patterns.length)
                        throw noPackage(patterns);
                }
                return packages;
            }
            const failure = resolveFailure(result.stdout + '\n' + result.stderr);
            if (failure.kind === 'missing') {
                const known = await machineKnows(failure.names);
                const elsewhere = failure.names.filter(name => known.has(name));
                if (elsewhere.length) {
                    throw new LibrariesError('libraries', `${elsewhere.join(', ')} ${elsewhere.length > 1 ? 'are' : 'is'} not built for ${arches.join(' or ')} ` +
                        `in ${distribution.name}'s archive (the machine's own lists have it)`, "leave it out, or use input 'sysroot' with a root filesystem that holds it");
                }
                throw noPackage(failure.names);
            }
            if (failure.kind === 'broken') {
                const problem = `the packages cannot be installed together for ${arches.join(', ')}: ${failure.detail}`;
                throw new LibrariesError('libraries', problem, 'leave out the package that pulls it in');
            }
            const problem = `apt could not resolve the packages in ${archiveName} (${failure.detail})`;
            throw new LibrariesError('libraries', problem, 'check the package names');
        },
        async download(packages) {
            // Exact versions: what is fetched is what the cache key was computed from.
            const install = ['-q', '-y', '--download-only', 'install', '--no-install-recommends', ...packages.map(packageId)];
            const result = await aptGet(install, 900_000);
            if (result.code !== 0) {
                const problem = `downloading the packages failed (${downloadFailure(result.stdout + '\n' + result.stderr)})`;
                throw new LibrariesError('libraries', problem, 'run again; if it persists, set libraries-mirror');
            }
            const archives = (0,external_node_path_.join)(dir, 'cache/archives');
            const present = new Set(await (0,promises_.readdir)(archives));
            const absent = packages.map(debFileName).filter(file => !present.has(file));
            if (absent.length) {
                // apt leaves a file: archive's packages where they lie; it still says where, with the signed index's hash.
                const listed = await aptGet(['-o', 'Acquire::ForceHash=SHA256', '--print-uris', ...install], 120_000);
                const local = parsePrintUris(listed.stdout).filter(uri => absent.includes(uri.file) && uri.uri.startsWith('file:'));
                const lost = absent.filter(file => !local.some(uri => uri.file === file));
                if (lost.length)
                    throw new Error(`apt-get reported success but did not store ${lost.join(', ')}`);
                for (const uri of local)
                    await copyChecked(uri, (0,external_node_path_.join)(archives, uri.file));
            }
            return packages.map(p => (0,external_node_path_.join)(archives, debFileName(p)));
        },
        async remove() {
            await (0,promises_.rm)(dir, { recursive: true, force: true });
            (0,scratch/* dropScratch */.Wl)(dir);
        }
    };
}
/** Names asked of one apt-cache: a few hundred are still a short command line. */
const LOOKUP_BATCH = 100;
/** The names the machine's own apt (its usual lists, read only) has a package by, asked a batch at a time. */
async function machineKnows(names) {
    const env = { ...process.env, LC_ALL: 'C' };
    const known = new Set();
    for (let i = 0; i < names.length; i += LOOKUP_BATCH) {
        const args = ['-o', 'APT::Cmd::Pattern-Only=true', 'policy', ...names.slice(i, i + LOOKUP_BATCH)];
        const result = await (0,kernel_process/* runProgram */.mB)('apt-cache', args, { timeoutMs: 60_000, env });
        if (result.code === 0)
            for (const name of namesWithCandidate(result.stdout))
                known.add(name);
    }
    return known;
}
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = external_node_fs_.constants;
/**
 * Copies a package from a file: archive to `to`, checked against the SHA256 apt printed (from the
 * signed index): the archive's folder may be one others can write, so only the hash vouches for it.
 */
async function copyChecked(uri, to) {
    const refuse = (problem, fix) => new LibrariesError('libraries', problem, fix);
    const repair = "make the mirror again from the distribution's archive, or set libraries-mirror to another one";
    if (!uri.sha256) {
        const fix = 'use a mirror whose indexes carry SHA256 sums, as every Debian and Ubuntu archive does';
        throw refuse(`the archive's index gives no SHA256 for ${uri.file}, so the copy at ${uri.uri} cannot be checked`, fix);
    }
    let from;
    try {
        from = (0,external_node_url_.fileURLToPath)(uri.uri);
    }
    catch {
        throw refuse(`apt names ${uri.uri} for ${uri.file}, which is not a file on this machine`, repair);
    }
    let source;
    try {
        source = await (0,promises_.open)(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    }
    catch (error) {
        const code = error.code;
        const unlinked = 'give the archive with the package files themselves, not links to them';
        if (code === 'ELOOP')
            throw refuse(`${from} in the file: archive is a link`, unlinked);
        throw refuse(`cannot open ${from} in the file: archive (${code})`, repair);
    }
    try {
        const info = await source.stat();
        if (!info.isFile())
            throw refuse(`${from} in the file: archive is not a regular file`, repair);
        if (info.size !== uri.size)
            throw refuse(`${from} has ${info.size} bytes; the archive's signed index says ${uri.size}`, repair);
        const target = await (0,promises_.open)(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
        const hash = (0,external_node_crypto_.createHash)('sha256');
        try {
            const buffer = Buffer.alloc(1024 * 1024);
            // No further than the signed size, whatever the file grows to meanwhile.
            for (let done = 0; done < uri.size;) {
                const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, uri.size - done), null);
                if (!bytesRead)
                    break;
                hash.update(buffer.subarray(0, bytesRead));
                await target.write(buffer, 0, bytesRead);
                done += bytesRead;
            }
        }
        finally {
            await target.close();
        }
        const actual = hash.digest('hex');
        if (actual !== uri.sha256) {
            await (0,promises_.unlink)(to);
            throw refuse(`${from} does not match the archive's signed index (SHA256 ${actual}, expected ${uri.sha256})`, repair);
        }
    }
    finally {
        await source.close();
    }
}

;// CONCATENATED MODULE: ./src/install/libraries/sources.ts
/**
 * The machine's apt sources, read as apt reads them (sources.list(5)): the one-line format of
 * sources.list and sources.list.d/*.list, and the deb822 stanzas of sources.list.d/*.sources.
 * Only what finding an archive needs is kept: where (URIs), which suites and components, and
 * which keyring signs it (Signed-By, a file or a key written inline).
 */


/** Parses deb822 stanzas; keeps the enabled `deb` ones (not deb-src). */
function parseDeb822Sources(text, file) {
    const entries = [];
    for (const stanza of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
        const fields = new Map();
        let current;
        for (const line of stanza.split('\n')) {
            if (/^\s*#/.test(line) || line.trim() === '')
                continue;
            if (/^\s/.test(line)) {
                // A continuation line; a lone "." stands for an empty line.
                current?.push(line.trim() === '.' ? '' : line.trim());
                continue;
            }
            const field = /^([^:\s]+):\s*(.*)$/.exec(line);
            if (!field)
                continue;
            current = field[2] === '' ? [] : [field[2].trim()];
            fields.set(field[1].toLowerCase(), current);
        }
        const words = (name) => (fields.get(name) ?? []).join(' ').split(/\s+/).filter(Boolean);
        if (!words('types').includes('deb'))
            continue;
        if (['no', 'false', '0'].includes((fields.get('enabled')?.[0] ?? 'yes').toLowerCase()))
            continue;
        const signedBy = fields.get('signed-by');
        entries.push({
            uris: words('uris'),
            suites: words('suites'),
            components: words('components'),
            ...(signedBy && signedBy.length ? { signedBy: signedBy.length > 1 ? signedBy.join('\n').trim() : signedBy[0] } : {}),
            file
        });
    }
    return entries.filter(entry => entry.uris.length && entry.suites.length);
}
/** Parses one-line `deb [options] uri suite components...` lines. */
function parseOneLineSources(text, file) {
    const entries = [];
    for (const raw of text.split('\n')) {
        const line = raw.replace(/#.*$/, '').trim();
        const match = /^deb\s+(?:\[([^\]]*)\]\s*)?(\S+)\s+(\S+)(.*)$/.exec(line);
        if (!match)
            continue;
        const options = new Map();
        for (const option of (match[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
            const pair = /^([A-Za-z-]+?)[+-]?=(.*)$/.exec(option);
            if (pair)
                options.set(pair[1].toLowerCase(), pair[2]);
        }
        const signedBy = options.get('signed-by');
        entries.push({
            uris: [match[2]],
            suites: [match[3]],
            components: match[4].trim().split(/\s+/).filter(Boolean),
            ...(signedBy ? { signedBy: signedBy.split(',').join(' ') } : {}),
            file
        });
    }
    return entries;
}
async function listDir(dir) {
    try {
        return (await (0,promises_.readdir)(dir)).sort();
    }
    catch {
        return [];
    }
}
async function readText(path) {
    try {
        return await (0,promises_.readFile)(path, 'utf8');
    }
    catch {
        return undefined;
    }
}
/**
 * Every `deb` entry of an apt configuration directory (/etc/apt), in apt's order:
 * sources.list, then sources.list.d's *.list and *.sources by name (apt ignores other names).
 */
async function readAptSources(aptEtc = '/etc/apt') {
    const entries = [];
    const main = (0,external_node_path_.join)(aptEtc, 'sources.list');
    const mainText = await readText(main);
    if (mainText !== undefined)
        entries.push(...parseOneLineSources(mainText, main));
    const partsDir = (0,external_node_path_.join)(aptEtc, 'sources.list.d');
    for (const name of await listDir(partsDir)) {
        if (!/^[A-Za-z0-9_.-]+\.(list|sources)$/.test(name))
            continue;
        const path = (0,external_node_path_.join)(partsDir, name);
        const text = await readText(path);
        if (text === undefined)
            continue;
        entries.push(...(name.endsWith('.sources') ? parseDeb822Sources(text, path) : parseOneLineSources(text, path)));
    }
    return entries;
}

;// CONCATENATED MODULE: ./src/install/libraries/unpack.ts
/**
 * From .deb files to a sysroot a dynamic loader can use: each package is unpacked with
 * `dpkg-deb -x` into a folder of its own, and only its library trees (lib*, usr/lib*) move into
 * the root, in the merged-/usr layout (lib -> usr/lib, lib64 -> usr/lib64, ... as base-files
 * makes them), so packages built before and after the merge land in one tree. Every link is
 * rewritten relative to its own place: QEMU looks a path up under its prefix with the host's
 * kernel, which would follow an absolute link out to the host's own files.
 * Several architectures share the tree (multiarch: each keeps its libraries in its own triplet
 * folder); when two packages ship the same path the first one stays, unless it is a link and
 * the second a real file.
 * Packages are not trusted to be tame: nothing is written through a link already in the tree,
 * and a final pass leaves only root's regular files, folders and links that stay inside, with no
 * setuid or setgid bit and nothing others may write, as QEMU serves the tree to every program.
 */





/** The top-level folders merged-/usr systems keep under usr/ (the links to them are made at the end). */
const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** The trees a loader and the libraries' own data need. */
const KEPT_TREES = ['usr/lib', 'usr/lib32', 'usr/lib64', 'usr/libx32'];
/** A package path in the merged-/usr layout: lib/x -> usr/lib/x. */
function mergedPath(path) {
    const first = path.split('/')[0];
    return MERGED.includes(first) ? `usr/${path}` : path;
}
function isKept(path) {
    return KEPT_TREES.some(tree => path === tree || path.startsWith(`${tree}/`));
}
/** Whether a folder may hold kept trees further down (usr itself, or a folder merged into usr). */
function leadsToKept(path) {
    return KEPT_TREES.some(tree => tree.startsWith(`${path}/`));
}
/**
 * Where a package's link should point once it sits in the merged tree, relative to the link's
 * own folder; undefined when it would point at itself (the same file shipped under /lib and
 * /usr/lib). A target above the package's root stops at the root, as in a chroot.
 */
function relocateLink(linkPath, target) {
    const fromRoot = target.startsWith('/') ? target : external_node_path_.posix.join(external_node_path_.posix.dirname(linkPath), target);
    // Normalising an absolute path stops `..` at the root.
    const absolute = external_node_path_.posix.normalize('/' + fromRoot).slice(1);
    const destination = mergedPath(absolute);
    const place = mergedPath(linkPath);
    if (destination === place)
        return undefined;
    return external_node_path_.posix.relative(external_node_path_.posix.dirname(place), destination) || '.';
}
async function lstatOrUndefined(path) {
    try {
        return await (0,promises_.lstat)(path);
    }
    catch {
        return undefined;
    }
}
/**
 * Makes root/path a chain of real folders, creating the missing ones; false when a part of it
 * is anything else, a link above all (writing through one could land outside the root).
 */
async function realFolders(root, path) {
    let here = root;
    for (const name of path.split('/')) {
        if (name === '' || name === '.')
            continue;
        here = (0,external_node_path_.join)(here, name);
        const info = await lstatOrUndefined(here);
        if (!info)
            await (0,promises_.mkdir)(here, { mode: 0o755 });
        else if (!info.isDirectory())
            return false;
    }
    return true;
}
/**
 * Moves a package's kept files from its unpacked folder into the root: regular files, folders
 * and links only, never through a link already there. Returns what it left out.
 */
async function placePackage(unpacked, root) {
    const left = { specials: [], blocked: [] };
    await placeTree(unpacked, root, '', left);
    return left;
}
async function placeTree(unpacked, root, relative, left) {
    for (const entry of await (0,promises_.readdir)((0,external_node_path_.join)(unpacked, relative), { withFileTypes: true })) {
        const path = relative ? `${relative}/${entry.name}` : entry.name;
        const place = mergedPath(path);
        if (!isKept(place)) {
            if (entry.isDirectory() && leadsToKept(place))
                await placeTree(unpacked, root, path, left);
            continue;
        }
        if (entry.isDirectory()) {
            if (await realFolders(root, place))
                await placeTree(unpacked, root, path, left);
            else
                left.blocked.push(place);
            continue;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) {
            left.specials.push(place);
            continue;
        }
        if (!(await realFolders(root, external_node_path_.posix.dirname(place)))) {
            left.blocked.push(place);
            continue;
        }
        const destination = (0,external_node_path_.join)(root, place);
        const existing = await lstatOrUndefined(destination);
        if (entry.isSymbolicLink()) {
            const target = relocateLink(path, await (0,promises_.readlink)((0,external_node_path_.join)(unpacked, path)));
            if (target === undefined || existing)
                continue;
            await (0,promises_.symlink)(target, destination);
        }
        else {
            if (existing && !existing.isSymbolicLink())
                continue;
            if (existing)
                await (0,promises_.unlink)(destination);
            await (0,promises_.rename)((0,external_node_path_.join)(unpacked, path), destination);
        }
    }
}
/**
 * The final pass over a made sysroot, which others may read and QEMU serves to every program:
 * only regular files, folders and links stay; every file and folder is owned by whoever made
 * the tree (root: dpkg-deb as root keeps the packages' owners, such as root:utmp), with no
 * setuid, setgid or sticky bit and no write for group or others; every link that resolves
 * outside the root, itself or through other links, is removed. Returns what it changed.
 */
async function sanitizeSysroot(root) {
    const changed = { setIds: [], specials: [] };
    const links = [];
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const visit = async (relative) => {
        const path = relative ? (0,external_node_path_.join)(root, relative) : root;
        const info = await (0,promises_.lstat)(path);
        if (info.isSymbolicLink()) {
            links.push(relative);
            return;
        }
        if (!info.isFile() && !info.isDirectory()) {
            await (0,promises_.unlink)(path);
            changed.specials.push(relative);
            return;
        }
        if (info.uid !== uid || info.gid !== gid)
            await (0,promises_.lchown)(path, uid, gid);
        if (info.mode & 0o6000)
            changed.setIds.push(relative || '.');
        // chown clears setuid on its own, but not always setgid: the mode is set whatever it did.
        if (info.mode & 0o7022 || info.uid !== uid || info.gid !== gid)
            await (0,promises_.chmod)(path, info.mode & 0o755);
        if (info.isDirectory())
            await Promise.all((await (0,promises_.readdir)(path)).map(name => visit(relative ? `${relative}/${name}` : name)));
    };
    await visit('');
    // Every link is judged before any is removed, so one leaving through another goes as well.
    const leaving = [];
    for (const link of links) {
        const found = await resolveInside(root, link);
        if ('leaves' in found)
            leaving.push(link);
    }
    for (const link of leaving.sort())
        await (0,promises_.unlink)((0,external_node_path_.join)(root, link));
    // The walk is concurrent: sorted, the lists read the same every run.
    return { leaving, setIds: changed.setIds.sort(), specials: changed.specials.sort() };
}
function counted(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
}
/** One log line for what sanitizing changed; undefined when it changed nothing worth saying. */
function sanitizedSummary(changed) {
    const said = [
        changed.leaving.length && `dropped ${counted(changed.leaving.length, 'link', 'links')} leaving the sysroot`,
        changed.setIds.length && `cleared setuid/setgid on ${counted(changed.setIds.length, 'file', 'files')}`,
        changed.specials.length &&
            `left out ${counted(changed.specials.length, 'device node, FIFO or socket', 'device nodes, FIFOs or sockets')}`,
        changed.blocked.length && `left out ${counted(changed.blocked.length, 'entry', 'entries')} that would go through a link`
    ].filter(Boolean);
    return said.length ? `libraries: ${said.join(', ')}` : undefined;
}
/** The merged-/usr links at the root, for every usr/lib* folder there is. */
async function makeMergedLinks(root) {
    await realFolders(root, 'usr/lib');
    for (const name of ['lib', 'lib32', 'lib64', 'libx32']) {
        if (!(await lstatOrUndefined((0,external_node_path_.join)(root, 'usr', name))))
            continue;
        if (await lstatOrUndefined((0,external_node_path_.join)(root, name)))
            continue;
        await (0,promises_.symlink)(`usr/${name}`, (0,external_node_path_.join)(root, name));
    }
}
async function inBatches(items, size, work) {
    for (let start = 0; start < items.length; start += size) {
        await Promise.all(items.slice(start, start + size).map((item, i) => work(item, start + i)));
    }
}
/**
 * Unpacks the .deb files (in the given order, which decides who wins a shared path) into root,
 * using scratch, a folder only root can enter, for the per-package folders (each removed once
 * placed). Returns what sanitizing changed (sanitizedSummary says it in a line). Throws when
 * dpkg-deb is missing or refuses a file.
 */
async function unpackDebs(debs, root, scratch) {
    await (0,promises_.mkdir)(root, { recursive: true, mode: 0o755 });
    // xz decompression dominates and uses one core per package: a few at a time keeps every core busy.
    await inBatches(debs, 4, async (deb, index) => {
        const result = await (0,kernel_process/* runProgram */.mB)('dpkg-deb', ['-x', deb, (0,external_node_path_.join)(scratch, String(index))], { timeoutMs: 300_000 });
        if (result.code === 127 && /ENOENT/.test(result.stderr)) {
            const fix = "install the dpkg package, or use input 'sysroot'";
            throw new LibrariesError('libraries', 'this machine has no dpkg-deb, which unpacks the packages', fix);
        }
        if (result.code !== 0)
            throw new Error(`dpkg-deb -x ${deb} failed: ${result.stderr.trim().split('\n').slice(-1)[0]}`);
    });
    const left = { specials: [], blocked: [] };
    for (let index = 0; index < debs.length; index++) {
        const unpacked = (0,external_node_path_.join)(scratch, String(index));
        const placed = await placePackage(unpacked, root);
        left.specials.push(...placed.specials);
        left.blocked.push(...placed.blocked);
        await (0,promises_.rm)(unpacked, { recursive: true, force: true });
    }
    await makeMergedLinks(root);
    const changed = await sanitizeSysroot(root);
    return { ...changed, specials: [...left.specials, ...changed.specials], blocked: left.blocked };
}

;// CONCATENATED MODULE: ./src/install/libraries/index.ts
/**
 * Real foreign programs on the host: a sysroot (QEMU_LD_PREFIX) made of the distribution's own
 * packages for the emulated architectures. makeSysroot is the whole story: find the machine's
 * distribution and the archive that serves the architectures, reuse a recent sysroot for the
 * same request, or resolve the packages with a private apt (signatures checked as always),
 * reuse the sysroot those exact versions made, or download, unpack and publish a new one.
 * Nothing here reads the action's inputs or the environment's variables; the caller passes
 * parsed values (parseLibraries, parseMirror) and places (tool cache, temporary folder).
 */














const DAY_MS = 24 * 60 * 60 * 1000;
async function timed(log, what, work) {
    const started = performance.now();
    const result = await work();
    log(`libraries: ${what} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
}
const USE_SYSROOT = "use input 'sysroot' with a root filesystem of the platform instead";
async function machineDistribution(osRelease) {
    const text = await readOsRelease(osRelease);
    if (text === undefined) {
        const problem = `cannot tell which distribution this machine runs (no ${osRelease ?? '/etc/os-release'})`;
        throw new LibrariesError('libraries', problem, USE_SYSROOT);
    }
    const fields = parseOsRelease(text);
    const distribution = distributionOf(fields);
    if (!distribution) {
        throw new LibrariesError('libraries', `this machine runs ${fields.PRETTY_NAME || fields.ID || 'an unknown system'}; libraries come from Debian's or Ubuntu's archive`, USE_SYSROOT);
    }
    return distribution;
}
/** The distribution's archive keyring on this machine (.pgp, else .gpg), one only root can change. */
async function machineKeyring(distribution) {
    const problems = [];
    for (const extension of ['pgp', 'gpg']) {
        const path = archiveKeyring(distribution, extension);
        const problem = await (0,root_files/* rootOnlyProblem */.k)(path, 'file');
        if (!problem)
            return path;
        if (!problem.includes('ENOENT'))
            problems.push(problem);
    }
    const keyringPackage = distribution.family === 'ubuntu' ? 'ubuntu-keyring' : 'debian-archive-keyring';
    const problem = problems.length ? problems.join('; ') : `no ${archiveKeyring(distribution)} on this machine`;
    throw new LibrariesError('libraries', `${problem}: the archive's signatures cannot be checked`, `install ${keyringPackage} (as root)`);
}
/** Makes (or reuses) the sysroot holding the packages and their dependencies for the targets. */
async function makeSysroot(request) {
    const log = request.log ?? (() => { });
    if (!request.targets.length)
        throw new Error('makeSysroot needs at least one target');
    if (!request.packages.length) {
        throw new LibrariesError('libraries', 'no package named', 'name packages of the distribution, such as base, libssl3');
    }
    const distribution = await machineDistribution(request.osRelease);
    const arches = debianArches(request.targets);
    const keyring = await machineKeyring(distribution);
    const sources = privateSources(await readAptSources(request.aptEtc), distribution, arches, request.mirror ?? [], keyring);
    const cacheDir = request.cacheDir;
    const requested = requestKey(distribution, arches, request.packages, sources);
    const record = await readRecord(cacheDir, requested);
    if (record && Date.now() - record.resolvedAt < (request.reuseForMs ?? DAY_MS)) {
        const path = (0,external_node_path_.join)(cacheDir, record.sysroot);
        if (!(await sysrootProblem(path, request.targets))) {
            log(`libraries: reusing ${path} (resolved ${new Date(record.resolvedAt).toISOString()})`);
            return { path, cacheHit: true, packages: record.packages };
        }
    }
    await removeAbandoned(cacheDir);
    const apt = await openPrivateApt({ tempDir: request.tempDir, sources, arches, distribution });
    try {
        await timed(log, `apt-get update (private lists for ${arches.join(', ')})`, () => apt.update());
        const resolved = await timed(log, 'resolving', () => apt.resolve(request.packages));
        const packages = resolved.map(packageId).sort();
        const key = sysrootKey(distribution, arches, resolved);
        log(`libraries: ${resolved.length} packages for ${arches.join(', ')} -> ${key}`);
        const final = (0,external_node_path_.join)(cacheDir, key);
        // A cached tree something damaged is made again rather than trusted.
        if ((await exists(final)) && (await sysrootProblem(final, request.targets)))
            await discardSysroot(cacheDir, key);
        const published = await publishSysroot(cacheDir, key, async (root, scratch) => {
            const debs = await timed(log, 'downloading', () => apt.download(resolved));
            const changed = await timed(log, `unpacking ${debs.length} packages`, () => unpackDebs(debs, root, scratch));
            const said = sanitizedSummary(changed);
            if (said)
                log(said);
            await checkSysroot(root, request.targets, 'libraries', final);
        });
        await writeRecord(cacheDir, requested, { sysroot: key, packages, resolvedAt: Date.now() });
        return { path: published.path, cacheHit: !published.made, packages };
    }
    finally {
        await apt.remove();
    }
}

// EXTERNAL MODULE: ./src/kernel/binfmt.ts
var binfmt = __nccwpck_require__(4281);
;// CONCATENATED MODULE: ./src/kernel/address-space.ts
/**
 * How high the kernel hands out user addresses on this host. The top of the main thread's stack
 * tells: the kernel puts it at the top of the user address space (just below 2^47 on x86_64,
 * 2^48 on most arm64 kernels, 2^39 on Raspberry Pi's). The highest mapping of all does not:
 * x86_64's vsyscall page sits far above the user address space.
 */

/** The bits an x86_64 program's user addresses may take. */
const X86_64_ADDRESS_BITS = 47;
/** The bits the user address space takes, from /proc/<pid>/maps text; undefined without a [stack] line. */
function userAddressBits(maps) {
    for (const line of maps.split('\n')) {
        const fields = line.trim().split(/\s+/);
        // exactly: a file's path is absolute, so one whose name ends in " [stack]" has more fields
        if (fields.length !== 6 || fields[5] !== '[stack]')
            continue;
        const end = /^[0-9a-f]+-([0-9a-f]{1,16})$/i.exec(fields[0])?.[1];
        const top = end ? BigInt(`0x${end}`) : 0n;
        // the end is exclusive: the stack's last byte is the highest user address
        return top > 0n ? (top - 1n).toString(2).length : undefined;
    }
    return undefined;
}
/** Does the user address space reach past what x86_64 programs may have (2^47)? */
function beyondX86_64(bits) {
    return bits !== undefined && bits > X86_64_ADDRESS_BITS;
}
/**
 * QEMU's guest base (-B, QEMU_GUEST_BASE) that puts the addresses this host's kernel hands out
 * where x86_64 programs may have them, or undefined when none is needed or none would do: with 48
 * bits, guest address = host address - 2^47 turns the kernel's [2^47, 2^48) into [0, 2^47); with 47
 * bits or fewer nothing is needed (and that base would put the memory out of the guest's reach).
 */
function x86_64GuestBase(bits) {
    return bits === X86_64_ADDRESS_BITS + 1 ? `0x${(1n << BigInt(X86_64_ADDRESS_BITS)).toString(16)}` : undefined;
}
/** userAddressBits of this process; undefined where /proc cannot be read. */
function readUserAddressBits(path = '/proc/self/maps') {
    try {
        return userAddressBits((0,external_node_fs_.readFileSync)(path, 'utf8'));
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/kernel/host.ts
/** What machine the action runs on, read from the kernel and the running Node. */



const BITS_32 = new Set(['arm', 'ia32', 'x32', 'mips', 'mipsel', 'ppc']);
function currentHost() {
    const kernelMachine = process.platform === 'linux' ? (0,external_node_os_namespaceObject.machine)() : process.arch;
    return {
        os: process.platform,
        machine: kernelMachine,
        userlandBits: BITS_32.has(process.arch) ? 32 : 64,
        family: (0,kernel_platforms/* hostFamily */.Fr)(kernelMachine),
        addressBits: process.platform === 'linux' ? readUserAddressBits() : undefined
    };
}
/** A reason the action cannot serve these platforms on this host, or undefined. */
function hostProblem(host, platforms) {
    if (host.os !== 'linux') {
        const how = host.os === 'darwin'
            ? 'macOS runs x86_64 programs through Rosetta 2'
            : host.os === 'win32'
                ? 'Windows on ARM emulates x64 programs itself'
                : 'it has no binfmt_misc';
        return `setup-x86-on-arm works on Linux runners only; this one runs ${host.os} (${how}): run this step only where runner.os == 'Linux'`;
    }
    const wide = platforms.filter(p => p.bits === 64 && !host.family.includes(p.target));
    if (host.userlandBits === 32 && wide.length > 0) {
        return (`this ${host.machine} kernel runs a 32-bit userland, and 64-bit guests (${wide.map(p => p.docker).join(', ')}) ` +
            'need a 64-bit one (QEMU 10 dropped 64-bit guests on 32-bit hosts): use a 64-bit OS image (e.g. 64-bit Raspberry Pi OS) or request only 32-bit platforms such as 386');
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/kernel/privileged.ts
/**
 * Changes that need root: directly when the process is root, through `sudo -n` otherwise.
 * Every command is an argument array; nothing goes through a shell.
 */


class PrivilegeError extends Error {
}
function failure(command, args, result) {
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
    return new Error(`${[command, ...args].join(' ')} failed (exit ${result.code}): ${said}`);
}
const asRoot = {
    inProcess: true,
    async write(path, data) {
        await (0,promises_.writeFile)(path, data);
    },
    async run(command, args, options = {}) {
        const result = await (0,kernel_process/* runProgram */.mB)(command, args, options);
        if (result.code !== 0)
            throw failure(command, args, result);
        return result.stdout;
    }
};
const throughSudo = {
    async write(path, data) {
        const result = await (0,kernel_process/* runProgram */.mB)('sudo', ['-n', 'tee', path], { input: data });
        if (result.code !== 0)
            throw failure('sudo -n tee', [path], result);
    },
    async run(command, args, options = {}) {
        const env = options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v ?? ''}`) : [];
        const prefix = env.length ? ['-n', 'env', ...env] : ['-n'];
        const result = await (0,kernel_process/* runProgram */.mB)('sudo', [...prefix, command, ...args], { timeoutMs: options.timeoutMs });
        if (result.code !== 0)
            throw failure(command, args, result);
        return result.stdout;
    }
};
let found;
/** Root, or passwordless sudo, or a PrivilegeError that says what is needed (asked once a process). */
function privileged() {
    found ??= findPrivileged();
    return found;
}
async function findPrivileged() {
    if (process.getuid?.() === 0)
        return asRoot;
    const sudo = await (0,kernel_process/* runProgram */.mB)('sudo', ['-n', 'true'], { timeoutMs: 10_000 });
    if (sudo.code === 0)
        return throughSudo;
    throw new PrivilegeError('registering binfmt_misc handlers needs root: run the job as root or allow passwordless sudo ' +
        '(an unprivileged container job cannot do this; run it on the host or in a --privileged container)');
}

;// CONCATENATED MODULE: ./src/records/journal.ts
/**
 * What a run changed in the kernel's binfmt table, recorded before each change is made
 * (write-ahead), so a post step can undo a main that failed or was killed half-way. Once the run is
 * stopped (a signal), nothing more is recorded, so no new change starts. A saved list is read back
 * item by item: the file it lives in can be edited, so each change is checked (changeProblem)
 * before anything acts on it.
 */

/** A change refused because the run is stopping: the change it would have begun is never made. */
class Stopped extends Error {
}
class Journal {
    persist;
    changes = [];
    stopped;
    /** `persist` saves the whole list after every change (the Actions state, or a file). */
    constructor(persist = () => undefined) {
        this.persist = persist;
    }
    /** Refuses every later record(): the changes recorded so far stay, for the post step to undo. */
    stop(why) {
        this.stopped ??= why;
    }
    async record(change) {
        if (this.stopped)
            throw new Stopped(this.stopped);
        this.changes.push(change);
        await this.persist(this.changes);
    }
    /** Replaces a recorded change (a 'replaced' record completed), or drops it (undefined: undone). */
    async update(change, next) {
        const at = this.changes.indexOf(change);
        if (at < 0)
            return;
        if (next)
            this.changes[at] = next;
        else
            this.changes.splice(at, 1);
        await this.persist(this.changes);
    }
    /**
     * The saved list, unchecked item by item: whoever acts on a change checks it with changeProblem
     * first, so one damaged change is skipped and the others still count.
     */
    static parse(text) {
        if (!text)
            return [];
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (error) {
            throw new Error(`the saved changes are not JSON (${error.message})`, { cause: error });
        }
        if (!Array.isArray(value))
            throw new Error('the saved changes are not a list');
        return value;
    }
}
/** What is wrong with a value read back as an entry; undefined when the kernel would take it. */
function entryProblem(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return 'not an object';
    const entry = value;
    for (const field of ['name', 'interpreter', 'flags', 'magic', 'mask']) {
        if (typeof entry[field] !== 'string')
            return `its ${field} is not a string`;
    }
    if (typeof entry.enabled !== 'boolean')
        return 'its enabled is not true or false';
    if (entry.type !== 'M' && entry.type !== 'E')
        return `its type ${JSON.stringify(entry.type)} is not M or E`;
    if (typeof entry.offset !== 'number' || !Number.isSafeInteger(entry.offset) || entry.offset < 0)
        return 'its offset is not a number';
    try {
        (0,binfmt/* registerLine */.AM)(entry);
    }
    catch (error) {
        return error.message;
    }
    return undefined;
}
/** What is wrong with a value read back as a change; undefined when it is one this action records. */
function changeProblem(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `${JSON.stringify(value)} is not an object`;
    const change = value;
    const entry = (field, optional = false) => {
        if (optional && change[field] === undefined)
            return undefined;
        const problem = entryProblem(change[field]);
        return problem && `its ${field} is not a binfmt entry (${problem})`;
    };
    switch (change.kind) {
        case 'mounted':
            return undefined;
        case 'added':
            return entry('entry');
        case 'replaced': {
            const problem = entry('original') ?? entry('entry', true);
            if (problem)
                return problem;
            const { original, entry: replacement } = change;
            return replacement && replacement.name !== original.name ? `it replaces ${original.name} with ${replacement.name}` : undefined;
        }
        case 'shared':
            return typeof change.name === 'string' && change.name !== '' ? undefined : 'its name is not a string';
        default:
            return `its kind ${JSON.stringify(change.kind)} is not mounted, added, replaced or shared`;
    }
}

;// CONCATENATED MODULE: ./src/records/holder.ts
/**
 * Who holds an entry in the host's ledger: a job (its runner process, which outlives main and
 * post), or a holder that never goes stale (the command line, persist, a ledger rebuilt after
 * damage). A job's holder counts while its process lives in this boot; a reused pid or an earlier
 * boot makes it stale. A holder read back from a file is checked field by field (holderProblem).
 */

const procInfo = {
    async bootId() {
        return (await (0,promises_.readFile)('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim();
    },
    async startTime(pid) {
        try {
            const stat = await (0,promises_.readFile)(`/proc/${pid}/stat`, 'utf8');
            // Field 22; the command name (field 2) may hold spaces and parentheses, so count from its end.
            return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
        }
        catch {
            return undefined;
        }
    },
    async bootTime() {
        const stat = await (0,promises_.readFile)('/proc/stat', 'utf8').catch(() => '');
        const seconds = Number(/^btime (\d+)$/m.exec(stat)?.[1]);
        return seconds > 0 ? seconds * 1000 : undefined;
    }
};
/** `persist: true` holds an entry for good: only `setup-x86-on-arm uninstall` lets it go. */
const PERSIST_HOLDER = { pid: 0, start: '', boot: '', label: 'persist' };
/** The command line's registrations stay until `uninstall`: a holder that never goes stale. */
const CLI_HOLDER = { pid: 0, start: '', boot: '', label: 'command line' };
/**
 * Holds every entry of the kernel's table when the ledger had to be rebuilt from it: who else held
 * them is lost, so none is removed until the kernel loses it (a reboot, or removal by hand).
 */
const REBUILT_HOLDER = { pid: 0, start: '', boot: '', label: 'unknown (the ledger was rebuilt after damage)' };
function sameHolder(a, b) {
    return a.pid === b.pid && a.start === b.start && a.boot === b.boot && a.label === b.label;
}
/** A holder that never goes stale (command line, persist, rebuilt): no job's post step lets it go. */
function neverStale(holder) {
    return holder.pid === 0;
}
/** What is wrong with a value read back as a holder; undefined when it is one. */
function holderProblem(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `${JSON.stringify(value)} is not an object`;
    const { pid, start, boot, label } = value;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 0)
        return `pid ${JSON.stringify(pid)} is not a process id`;
    for (const [field, text] of Object.entries({ start, boot, label })) {
        if (typeof text !== 'string')
            return `${field} ${JSON.stringify(text)} is not a string`;
    }
    return undefined;
}
/**
 * A holder saved as JSON (the Actions state), checked; undefined when none was saved. `source`
 * names where it was read from (e.g. 'state "holder"'), so a damaged one says where to look.
 */
function parseHolder(text, source) {
    if (!text)
        return undefined;
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`${source} is not a holder: not JSON (${error.message})`, { cause: error });
    }
    const problem = holderProblem(value);
    if (problem)
        throw new Error(`${source} is not a holder: ${problem}`);
    return value;
}
/** Whether a holder still counts: a never-stale holder, or a live process of this boot. */
async function isLive(holder, info = procInfo) {
    if (holder.pid === 0)
        return true;
    if (holder.boot !== (await info.bootId()))
        return false;
    return (await info.startTime(holder.pid)) === holder.start;
}
/** The holder for a process (a job's runner is the parent of its main and post steps). */
async function holderFor(pid, label, info = procInfo) {
    return { pid, start: (await info.startTime(pid)) ?? '', boot: await info.bootId(), label };
}

;// CONCATENATED MODULE: ./src/records/ledger-salvage.ts


function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** One record, checked field by field; undefined when not even its entry can be read. */
function salvageRecord(name, value, problems) {
    const say = (what) => problems.push(`record ${JSON.stringify(name)}: ${what}`);
    if (!isObject(value))
        return void say('is not an object');
    const entryWrong = entryProblem(value.entry);
    if (entryWrong)
        return void say(`its entry is not a binfmt entry (${entryWrong})`);
    const entry = value.entry;
    if (entry.name !== name)
        return void say(`its entry is named ${JSON.stringify(entry.name)}`);
    const held = { entry, holders: [] };
    if (value.original !== undefined) {
        const originalWrong = entryProblem(value.original);
        if (originalWrong)
            say(`its original is not a binfmt entry (${originalWrong})`);
        else
            held.original = value.original;
    }
    if (!Array.isArray(value.holders))
        say('its holders are not a list');
    else {
        for (const holder of value.holders) {
            const holderWrong = holderProblem(holder);
            if (holderWrong)
                say(`a holder is damaged (${holderWrong})`);
            else if (!held.holders.some(h => sameHolder(h, holder)))
                held.holders.push(holder);
        }
    }
    if (value.persisted !== undefined) {
        if (typeof value.persisted === 'string' && value.persisted.startsWith('/'))
            held.persisted = value.persisted;
        else
            say('its persisted file is not a path');
    }
    if (value.removed === true)
        held.removed = true;
    else if (value.removed !== undefined)
        say('its removed mark is not true');
    return held;
}
/** A parsed ledger file, checked field by field. */
function salvage(value) {
    const problems = [];
    if (!isObject(value))
        return { entries: {}, problems: ['it is not a JSON object'] };
    if (!isObject(value.entries)) {
        return { entries: {}, problems: [`its entries are ${JSON.stringify(value.entries) ?? 'missing'}, not an object`] };
    }
    const entries = {};
    for (const [name, record] of Object.entries(value.entries)) {
        const held = salvageRecord(name, record, problems);
        if (held)
            entries[name] = held;
    }
    return { entries, problems };
}
/**
 * The records to write back over a damaged ledger: what was sound, and every entry of the kernel's
 * table held by REBUILT_HOLDER (the other holders it had are lost, so it is kept for them).
 */
function rebuild(sound, table) {
    const entries = { ...sound };
    for (const [name, entry] of table) {
        const held = (entries[name] ??= { entry, holders: [] });
        if (!held.holders.some(h => sameHolder(h, REBUILT_HOLDER)))
            held.holders.push(REBUILT_HOLDER);
    }
    return entries;
}

;// CONCATENATED MODULE: ./src/records/lock.ts
/**
 * The ledger's lock: a file created exclusively, holding its owner ("pid start-time boot-id"). A
 * lock whose owner is gone (dead, a reused pid, an earlier boot) is broken at once; one whose
 * owner cannot be read (its process died between creating the file and writing it) is broken
 * after a short grace; one older than the boot is stale whatever it says. Breaking renames the file
 * aside first and checks it is still the one judged, so a fresh lock another waiter just took is
 * never removed. The clock is injected, so tests wait no real time.
 */




const realClock = {
    now: () => Date.now(),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
};
class LockTimeout extends Error {
}
/** The run is stopping (a signal): no lock is taken any more. */
class LockRefused extends Error {
}
class LockFile {
    path;
    options;
    mine;
    refused;
    constructor(path, options) {
        this.path = path;
        this.options = options;
    }
    /** Whether this process holds the lock now. */
    get held() {
        return this.mine !== undefined;
    }
    /** Takes no lock from now on (a signal); a wait in progress ends with LockRefused. */
    refuse(why) {
        this.refused ??= why;
    }
    async acquire() {
        const { info, clock, waitMs } = this.options;
        const me = `${process.pid} ${(await info.startTime(process.pid)) ?? ''} ${await info.bootId()}`;
        const deadline = clock.now() + waitMs;
        for (;;) {
            if (this.refused)
                throw new LockRefused(this.refused);
            if (await this.create(me))
                return;
            const verdict = await this.judge();
            if (verdict.state === 'stale')
                await this.breakStale(verdict.file);
            else if (verdict.state === 'live' && clock.now() > deadline) {
                const who = verdict.owner ? `process ${verdict.owner.split(' ')[0]}` : 'owner not written yet';
                throw new LockTimeout(`another job has held ${this.path} for over ${Math.round(waitMs / 1000)} s (${who})`);
            }
            else if (verdict.state === 'live')
                await clock.sleep(25 + Math.random() * 50);
        }
    }
    async release() {
        if (!this.mine)
            return;
        this.mine = undefined;
        await (0,promises_.unlink)(this.path).catch(() => undefined);
    }
    /** Removes the lock at once, without waiting on anything: for a process about to exit on a signal. */
    releaseNow() {
        if (!this.mine)
            return;
        this.mine = undefined;
        try {
            (0,external_node_fs_.unlinkSync)(this.path);
        }
        catch {
            // gone already
        }
    }
    /** Creates the lock with this process as its owner; false when it exists. */
    async create(me) {
        let handle;
        try {
            handle = await (0,promises_.open)(this.path, 'wx', 0o600);
        }
        catch (error) {
            if (error.code === 'EEXIST')
                return false;
            throw error;
        }
        this.mine = me; // from its creation: releaseNow removes it even before its owner is written
        try {
            await handle.writeFile(me);
            await handle.close();
        }
        catch (error) {
            // A lock whose owner was never written would make every other job wait out the grace.
            await handle.close().catch(() => undefined);
            await this.release();
            throw error;
        }
        return true;
    }
    async judge() {
        const { info, clock, unreadableGraceMs } = this.options;
        const found = await (0,promises_.lstat)(this.path).catch(() => undefined);
        if (!found)
            return { state: 'gone' };
        const file = { ino: found.ino, mtimeMs: found.mtimeMs };
        const owner = (await (0,promises_.readFile)(this.path, 'utf8').catch(() => '')).trim();
        const fields = /^(\d+) (\S*) (\S+)$/.exec(owner);
        if (!fields) {
            // Its process died before writing it, or is writing it right now: the grace tells them apart.
            // A readable owner's boot id says more than the file's time, which a clock set at boot can move.
            const bootTime = await info.bootTime?.();
            const beforeBoot = bootTime !== undefined && found.mtimeMs < bootTime;
            return beforeBoot || clock.now() - found.mtimeMs > unreadableGraceMs ? { state: 'stale', file } : { state: 'live', owner: '' };
        }
        const alive = await isLive({ pid: Number(fields[1]), start: fields[2], boot: fields[3], label: '' }, info);
        return alive ? { state: 'live', owner } : { state: 'stale', file };
    }
    /** Breaks the lock judged stale, unless it was replaced since: then the new one is put back. */
    async breakStale(judged) {
        const aside = `${this.path}.stale.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`;
        try {
            await (0,promises_.rename)(this.path, aside);
        }
        catch {
            return; // someone else broke it first
        }
        const moved = await (0,promises_.lstat)(aside).catch(() => undefined);
        const replaced = moved && (moved.ino !== judged.ino || moved.mtimeMs !== judged.mtimeMs);
        if (replaced)
            await (0,promises_.link)(aside, this.path).catch(() => undefined); // a fresh lock: put it back
        await (0,promises_.rm)(aside, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/records/ledger.ts
/**
 * The host-wide record of the entries this action registered and which jobs use them. The kernel's
 * binfmt table is one per machine, shared by every runner service on it: a job's post step
 * removes an entry only when no other live job still holds it. A holder whose runner process is
 * gone, or who registered before the last boot, is stale and does not count (holder.ts).
 *
 * LedgerData holds the records and every operation on them; Ledger is the file they live in,
 * behind one lock file (lock.ts) held only while the records and the kernel's table are read and
 * written, never across a download or apt. A file that cannot be trusted is set aside, reported,
 * and written back sound from what the kernel's table shows (ledger-salvage.ts).
 */










class LedgerData {
    entries;
    constructor(entries = {}) {
        this.entries = entries;
    }
    get(name) {
        return this.entries[name];
    }
    /** Whether the record of an entry lists this holder: only then may its post step undo the entry. */
    holds(name, holder) {
        return this.entries[name]?.holders.some(h => sameHolder(h, holder)) ?? false;
    }
    /** Adds a holder to an entry's record, when the entry has one. */
    claim(name, holder) {
        const held = this.entries[name];
        if (held && !held.holders.some(h => sameHolder(h, holder)))
            held.holders.push(holder);
    }
    /**
     * Records the entry about to be registered under its name (or that a package registered there),
     * keeping the holders already there. A broken entry another job registered keeps its own original:
     * that is what must come back. Returns the record it replaces, for `putBack` when it is undone.
     */
    registering(entry, existing, holder) {
        const previous = this.entries[entry.name];
        const original = existing && previous ? previous.original : existing;
        this.entries[entry.name] = { entry, original, holders: [...(previous?.holders ?? [])] };
        this.claim(entry.name, holder);
        return previous;
    }
    /** Records that a package this job installed removed an entry; a record the name has already is held instead. */
    removing(entry, holder) {
        this.entries[entry.name] ??= { entry, holders: [], removed: true };
        this.claim(entry.name, holder);
    }
    /** Undoes `registering`: the record as it was before (none when there was none). */
    putBack(name, previous) {
        if (previous)
            this.entries[name] = previous;
        else
            delete this.entries[name];
    }
    /** Notes the /etc/binfmt.d file written for an entry, which then holds it for good. */
    persisted(name, path) {
        const held = this.entries[name];
        if (!held)
            return;
        held.persisted = path;
        this.claim(name, PERSIST_HOLDER);
    }
    /** Drops records the kernel's table no longer bears out: the entry is gone or changed (a removal: the name is taken again). */
    forgetObsolete(table) {
        for (const [name, held] of Object.entries(this.entries)) {
            const current = table.get(name);
            const obsolete = held.removed ? !!current : !current || !(0,binfmt/* sameHandler */.lQ)(current, held.entry);
            if (obsolete)
                delete this.entries[name];
        }
    }
    /** Lets go of an entry for one holder; the record is dropped with its last holder. */
    release(name, holder) {
        const held = this.entries[name];
        if (!held)
            return { kept: false };
        held.holders = held.holders.filter(h => !sameHolder(h, holder));
        if (held.holders.length > 0)
            return { kept: true };
        delete this.entries[name];
        return { kept: false, last: held };
    }
    /** Drops these holders from every record (uninstall: the command line's and persist's). */
    releaseEverywhere(holders) {
        for (const held of Object.values(this.entries))
            held.holders = held.holders.filter(h => !holders.some(r => sameHolder(r, h)));
    }
    /** Removes and returns the records nobody holds: their jobs died without a post step. */
    takeAbandoned() {
        const abandoned = Object.entries(this.entries).filter(([, held]) => held.holders.length === 0);
        for (const [name] of abandoned)
            delete this.entries[name];
        return abandoned;
    }
    /** Removes stale holders of every entry. */
    async prune(info) {
        for (const held of Object.values(this.entries)) {
            const live = [];
            for (const holder of held.holders)
                if (await isLive(holder, info))
                    live.push(holder);
            held.holders = live;
        }
    }
    toJSON() {
        return { entries: this.entries };
    }
}
/**
 * Where the ledger lives: /var/lib for root (it outlives a reboot, like entries kept with persist;
 * holders from an earlier boot are stale), else a folder of the user's. `env` is the caller's:
 * this layer reads no environment itself.
 */
function ledgerDirFor(uid, env = {}) {
    if (env.SETUP_X86_ON_ARM_LEDGER_DIR)
        return env.SETUP_X86_ON_ARM_LEDGER_DIR;
    return uid === 0 ? '/var/lib/setup-x86-on-arm' : (0,external_node_path_.join)(env.XDG_RUNTIME_DIR || (0,external_node_os_namespaceObject.tmpdir)(), `setup-x86-on-arm-${uid}`);
}
class Ledger {
    dir;
    info;
    clock;
    lock;
    running = 0;
    waiting = [];
    constructor(dir, options = {}) {
        this.dir = dir;
        this.info = options.info ?? procInfo;
        this.clock = options.clock ?? realClock;
        this.lock = new LockFile((0,external_node_path_.join)(dir, 'lock'), {
            info: this.info,
            clock: this.clock,
            waitMs: options.waitMs ?? 600_000,
            unreadableGraceMs: options.unreadableGraceMs ?? 10_000
        });
    }
    get file() {
        return (0,external_node_path_.join)(this.dir, 'ledger.json');
    }
    /**
     * Runs `work` with the ledger locked and its stale holders pruned; `save` writes the records now
     * (after each change), and they are saved at the end. Keep `work` to reading and writing the
     * records and the kernel's table: every other job's main and post step waits for it.
     */
    async locked(work, repair) {
        this.running++;
        try {
            await this.prepareDir();
            await this.lock.acquire();
            try {
                const data = await this.read(repair);
                const save = () => this.write(data);
                try {
                    await data.prune(this.info);
                    return await work(data, save);
                }
                finally {
                    await save();
                }
            }
            finally {
                await this.lock.release();
            }
        }
        finally {
            if (--this.running === 0)
                for (const wake of this.waiting.splice(0))
                    wake();
        }
    }
    /** Resolves once no locked section of this ledger runs (a signal handler waits for the one in progress). */
    idle() {
        return this.running === 0 ? Promise.resolve() : new Promise(resolve => this.waiting.push(resolve));
    }
    /** Takes the lock no more (a signal): a section running goes on to its end, a wait for the lock ends. */
    stop(why) {
        this.lock.refuse(why);
    }
    /** Removes the lock file at once when this process holds it: for a process exiting on a signal. */
    releaseNow() {
        this.lock.releaseNow();
    }
    /** The ledger's folder, made if missing, and checked by the project's one rule (kernel/root-files.ts): it and every folder above it. */
    async prepareDir() {
        await (0,promises_.mkdir)(this.dir, { recursive: true, mode: 0o700 });
        const problem = await (0,root_files/* untrustedProblem */.Ib)(this.dir, 'folder', (0,root_files/* trustedUids */.dF)());
        if (problem) {
            const uid = process.getuid?.() ?? 0;
            throw new Error(`${this.dir} must belong to uid ${uid} and not be writable by others: the post step acts on what it records (${problem})`);
        }
    }
    /** The records, checked; a damaged file is set aside and its sound parts kept, with the kernel's table held. */
    async read(repair) {
        const found = await this.readFile();
        if (found === undefined)
            return new LedgerData();
        const { entries, problems } = 'unreadable' in found ? { entries: {}, problems: [found.unreadable] } : salvage(found.value);
        if (problems.length === 0)
            return new LedgerData(entries);
        const aside = `${this.file}.damaged-${new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-')}`;
        await (0,promises_.rename)(this.file, aside);
        const table = await (0,binfmt/* readTable */.xz)(repair.binfmtDir);
        repair.warn(`the host's ledger ${this.file} could not be trusted (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; ...' : ''}); ` +
            `it was moved to ${aside} and written again from the kernel's binfmt table, and none of the ${table.size} entries there ` +
            'will be removed by a post step, as other jobs may still hold them. Nothing to do for this job; if it happens again, find what ' +
            `else writes to ${this.dir}. Remove unneeded entries by hand (echo -1 > ${repair.binfmtDir}/NAME) when no job runs, or reboot.`);
        return new LedgerData(rebuild(entries, table));
    }
    /** The parsed file; undefined when there is none yet; why not when it cannot be read as JSON. */
    async readFile() {
        let text;
        try {
            const found = await (0,promises_.lstat)(this.file);
            if (found.isSymbolicLink())
                return { unreadable: 'it is a symbolic link, not a file' };
            if (!found.isFile())
                return { unreadable: 'it is not a regular file' };
            text = await (0,promises_.readFile)(this.file, { encoding: 'utf8', flag: external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW });
        }
        catch (error) {
            if (error.code === 'ENOENT')
                return undefined;
            return { unreadable: `it cannot be read: ${error.message}` };
        }
        try {
            return { value: JSON.parse(text) };
        }
        catch (error) {
            return { unreadable: `it is not JSON: ${error.message}` };
        }
    }
    async write(data) {
        const next = `${this.file}.${process.pid}`;
        const handle = await (0,promises_.open)(next, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_TRUNC | external_node_fs_.constants.O_NOFOLLOW, 0o600);
        try {
            await handle.writeFile(JSON.stringify(data, null, 1));
        }
        finally {
            await handle.close();
        }
        await (0,promises_.rename)(next, this.file); // whole or nothing, even when killed mid-write
    }
}

;// CONCATENATED MODULE: ./src/core/context.ts
/**
 * Everything the core works with, built in one place for the action's main step and the command
 * line. What comes from where the core runs (folders, where its own QEMU builds are published, who
 * this run is in the host's ledger, where its journal is kept) arrives as an Environment: the core
 * reads no process.env itself. It is the one seam: main and the command line get theirs from a
 * ContextFactory (createContext, or a unit test's factory of fakes); what only undoes changes (the
 * post step, uninstall) gets the part it needs (core/restore.ts RestoreContext); the signal
 * handler is given the parts it stops.
 */











const BINFMT_D = '/etc/binfmt.d';
/** The install layer's places, copied field by field so nothing else of the Environment leaks into install/. */
function installPlacesOf(env) {
    const { toolCache, toolCacheLabel, tempDir, assetBase, interpreterStore } = env;
    return { toolCache, toolCacheLabel, tempDir, assetBase, interpreterStore };
}
/**
 * Where this run's folders are made: the temporary folder it was given, else the machine's, the
 * first that no untrusted user can change (kernel/root-files.ts).
 */
function scratchParents(tempDir) {
    return [tempDir, (0,external_node_os_namespaceObject.tmpdir)(), '/tmp'];
}
async function createContext(env) {
    const host = currentHost();
    const workDir = await (0,root_files/* freshFolder */.lj)(scratchParents(env.tempDir), 'setup-x86-on-arm-');
    return {
        host,
        prober: new Prober(workDir, host.machine),
        journal: new Journal(env.persistJournal),
        ledger: new Ledger(env.ledgerDir ?? ledgerDirFor(process.getuid?.() ?? 0)),
        holder: env.holder,
        privileged: privileged,
        log: env.log,
        places: installPlacesOf(env),
        obtain: obtainInterpreters,
        makeSysroot: makeSysroot,
        binfmtDir: binfmt/* BINFMT_DIR */.x6,
        bootDir: BINFMT_D,
        workDir,
        interpreterProblem: path => (0,root_files/* rootOnlyProblem */.k)(path, 'file')
    };
}
async function disposeContext(ctx) {
    await (0,promises_.rm)(ctx.workDir, { recursive: true, force: true });
}

;// CONCATENATED MODULE: ./src/core/restore.ts
/**
 * Undoing a job's changes: remove what it added, re-register what it replaced exactly as it was,
 * unmount binfmt_misc when this job mounted it and the table is empty again. With the host's
 * ledger, an entry another live job still holds is kept, and the last holder restores what was
 * there before the first one. An entry someone else changed meanwhile is left alone, with a warning.
 *
 * The saved changes come from a file a job can write, so each is checked and applied on its own
 * (a damaged one is reported and skipped), and with a ledger only its records decide what is
 * removed or registered: a change counts only when the ledger says this job holds that entry.
 */





async function restoreContext(ledgerDir) {
    return { ledger: new Ledger(ledgerDir), privileged: privileged, binfmtDir: binfmt/* BINFMT_DIR */.x6 };
}
function undoOf(change) {
    if (change.kind === 'added')
        return { name: change.entry.name, ours: change.entry };
    if (change.kind === 'replaced')
        return { name: change.original.name, ours: change.entry, original: change.original };
    return undefined; // a shared entry: only its ledger record can say what to undo
}
/** The undo a ledger record asks for once its last holder is gone. */
function undoOfHeld(name, held) {
    if (held.removed)
        return { name, original: held.entry };
    return { name, ours: held.entry, original: held.original, persisted: held.persisted };
}
function nameOf(change) {
    return change.kind === 'shared' ? change.name : change.kind === 'added' ? change.entry.name : change.original.name;
}
/** Whether the table already shows what undoing would leave: nothing to do then. */
function settled(step, current) {
    if (!step.original)
        return !current;
    return !!current && (0,binfmt/* sameHandler */.lQ)(current, step.original) && current.enabled === step.original.enabled;
}
async function undo(step, sys, warn, dir, report) {
    const current = (await (0,binfmt/* readTable */.xz)(dir)).get(step.name);
    if (settled(step, current)) {
        if (step.persisted)
            await sys.run('rm', ['-f', step.persisted]);
        return; // never made, or already back
    }
    if (current && (!step.ours || !(0,binfmt/* sameHandler */.lQ)(current, step.ours))) {
        warn(`binfmt entry ${step.name} changed since this job registered it; leaving it as it is`);
        report.skipped.push(step.name);
        return;
    }
    if (current) {
        await (0,binfmt/* remove */.TF)(sys, step.name, dir);
        if (!step.original)
            report.removed.push(step.name);
    }
    if (step.original) {
        await (0,binfmt/* register */.kz)(sys, step.original, dir);
        report.restored.push(step.name);
    }
    if (step.persisted)
        await sys.run('rm', ['-f', step.persisted]);
}
/** A job's holder, or one uninstall lets go of: anything else may not undo entries held in the ledger. */
function checkHolder(holder, releaseAll = []) {
    if (holder === undefined)
        return;
    const problem = holderProblem(holder);
    if (problem)
        throw new Error(`holder is not valid: ${problem}`);
    if (neverStale(holder) && !releaseAll.some(h => sameHolder(h, holder))) {
        const why = "only setup-x86-on-arm uninstall lets go of what it holds, never a job's post step";
        throw new Error(`holder "${holder.label}" is not a job's: ${why}`);
    }
}
async function restore(changes, sys, warn, options = {}) {
    const dir = options.dir ?? binfmt/* BINFMT_DIR */.x6;
    const report = { removed: [], restored: [], unmounted: false, skipped: [], kept: [], invalid: [] };
    if (changes.length === 0 && !options.releaseAll)
        return report;
    const { holder, releaseAll } = options;
    checkHolder(holder, releaseAll);
    const valid = [];
    for (const [at, change] of changes.entries()) {
        const problem = changeProblem(change);
        if (!problem)
            valid.push(change);
        else {
            const line = `saved change ${at + 1} of ${changes.length} skipped: ${problem}`;
            warn(line);
            report.invalid.push(line);
        }
    }
    /** Undoes one change; with a ledger, only when its record says this job holds that entry. */
    const undoChange = async (change, ledger, heldBefore) => {
        if (!ledger) {
            const step = undoOf(change);
            if (step)
                await undo(step, sys, warn, dir, report);
            return;
        }
        const name = nameOf(change);
        if (!holder || !heldBefore.has(name)) {
            // Others hold it (or a rebuilt ledger does, for them): whatever this job did, the entry stays.
            if (ledger.get(name)?.holders.length)
                return void report.kept.push(name);
            const step = undoOf(change);
            if (step && !settled(step, (await (0,binfmt/* readTable */.xz)(dir)).get(name))) {
                warn(`binfmt entry ${name}: the host's ledger does not say this job made that change; leaving it as it is`);
                report.skipped.push(name);
            }
            return;
        }
        const released = ledger.release(name, holder);
        if (released.kept)
            report.kept.push(name);
        else if (released.last)
            await undo(undoOfHeld(name, released.last), sys, warn, dir, report);
    };
    const run = async (ledger) => {
        // Which records list this job, before uninstall lets go of its holders everywhere.
        const heldBefore = new Set(holder && ledger ? Object.keys(ledger.entries).filter(name => ledger.holds(name, holder)) : []);
        if (ledger && releaseAll)
            ledger.releaseEverywhere(releaseAll);
        // With a ledger, a name's record covers every change this job made to it: the latest one undoes them all.
        const done = new Set();
        for (const change of [...valid].reverse()) {
            if (change.kind === 'mounted')
                continue;
            if (ledger && done.has(nameOf(change)))
                continue;
            done.add(nameOf(change));
            await undoChange(change, ledger, heldBefore);
        }
        // Entries whose every holder died without a post step: nobody else will ever undo them.
        for (const [name, held] of ledger?.takeAbandoned() ?? [])
            await undo(undoOfHeld(name, held), sys, warn, dir, report);
        // Last, once every entry that goes is gone. (Not mounted: a main killed between recording the mount and making it.)
        if (valid.some(c => c.kind === 'mounted') && (await (0,binfmt/* isMounted */.BX)(dir)) && (await (0,binfmt/* readTable */.xz)(dir)).size === 0) {
            await (0,binfmt/* unmount */.vs)(sys, dir);
            report.unmounted = true;
        }
    };
    if (options.ledger)
        await options.ledger.locked(data => run(data), { binfmtDir: dir, warn });
    else
        await run();
    return report;
}

;// CONCATENATED MODULE: ./src/checks/engine.ts
/**
 * Container engines as the check sees them: which of docker and podman is on PATH and answers,
 * and one way to run an engine command (through kernel/process.ts's runProgram, with the engine's
 * extra environment and a time limit). docker answers `version` only when its daemon does; podman
 * has no daemon, and `info` proves its storage and runtime can be set up.
 */







const ENGINE_NAMES = ['docker', 'podman'];
/** The variables docker and podman read their configuration from. */
const ENGINE_VARIABLES = [
    'DOCKER_HOST',
    'DOCKER_CONFIG',
    'DOCKER_CONTEXT',
    'CONTAINER_HOST',
    'CONTAINER_CONNECTION',
    'CONTAINERS_CONF',
    'CONTAINERS_STORAGE_CONF',
    'CONTAINERS_REGISTRIES_CONF',
    'XDG_RUNTIME_DIR',
    'XDG_CONFIG_HOME',
    'XDG_DATA_HOME',
    'HOME'
];
function configOf(env) {
    const set = ENGINE_VARIABLES.filter(name => env[name] !== undefined).map(name => `${name}=${env[name]}`);
    return (0,external_node_crypto_.createHash)('sha256')
        .update(JSON.stringify([process.getuid?.() ?? -1, set]))
        .digest('hex')
        .slice(0, 16);
}
const ENGINE_ANSWER_TIMEOUT_MS = 10_000;
/** Milliseconds as seconds for messages: 500 -> "0.5", 120000 -> "120". */
function secondsText(ms) {
    return String(Math.round(ms / 100) / 10);
}
/** The lines of an engine's output worth quoting: without blanks and `docker run --help` hints. */
function engineMessage(stderr, maxLines = 6) {
    const lines = stderr
        .split('\n')
        .map(l => l.trim())
        .filter(l => l && !/^Run '.* --help' for more information$/.test(l) && !/^See '.* --help'\.?$/.test(l));
    return lines.slice(-maxLines).join('\n');
}
/**
 * Runs an engine command. runProgram reports a command stopped at its limit like any failure, so a
 * failure that took the whole limit counts as timed out.
 */
async function runEngine(engine, args, timeoutMs) {
    const started = performance.now();
    const env = engine.env ? { ...process.env, ...engine.env } : undefined;
    const ran = await (0,kernel_process/* runProgram */.mB)(engine.path, args, { env, timeoutMs });
    return { ...ran, timedOut: ran.code !== 0 && performance.now() - started >= timeoutMs };
}
/** Where the docker CLI talks to its daemon when nothing (DOCKER_HOST, a context) says otherwise. */
const DOCKER_DEFAULT_SOCKET = '/var/run/docker.sock';
/**
 * The unix socket docker would talk to, when it can be told without running the CLI: DOCKER_HOST
 * as unix://PATH, or the default socket when no DOCKER_HOST, DOCKER_CONTEXT or current context in
 * the CLI's config names another daemon; undefined when the CLI must be asked (tcp, ssh, contexts).
 */
function dockerSocket(env = process.env, defaultSocket = DOCKER_DEFAULT_SOCKET) {
    if (env.DOCKER_HOST)
        return /^unix:\/\/(\/.+)$/.exec(env.DOCKER_HOST)?.[1];
    if (env.DOCKER_CONTEXT)
        return undefined;
    const config = (0,external_node_path_.join)(env.DOCKER_CONFIG || (0,external_node_path_.join)(env.HOME || (0,external_node_os_namespaceObject.homedir)(), '.docker'), 'config.json');
    try {
        const current = JSON.parse((0,external_node_fs_.readFileSync)(config, 'utf8')).currentContext;
        if (current && current !== 'default')
            return undefined;
    }
    catch (err) {
        // no config (the usual case) is the default daemon; one the CLI may read otherwise, it decides
        if (err.code !== 'ENOENT')
            return undefined;
    }
    return defaultSocket;
}
/**
 * The stamp of the engine whose CLI is at `path`; undefined when it cannot be told without starting
 * it (docker talking to its daemon through tcp, ssh or a context).
 */
async function engineStamp(name, path, env) {
    try {
        const cli = await (0,promises_.stat)(path);
        const stamp = { path, size: cli.size, mtimeMs: cli.mtimeMs, config: configOf({ ...process.env, ...env }) };
        if (name !== 'docker')
            return stamp;
        const socket = dockerSocket({ ...process.env, ...env });
        if (!socket)
            return undefined;
        const made = await (0,promises_.stat)(socket);
        return { ...stamp, daemon: `${socket} ${made.ino} ${made.ctimeMs}` };
    }
    catch {
        return undefined;
    }
}
/**
 * Is `name` on PATH, and does it answer (`docker version`, `podman info`) within timeoutMs? One
 * that `passOver` gives a reason for is not started at all.
 */
async function probeEngine(name, timeoutMs = ENGINE_ANSWER_TIMEOUT_MS, env, passOver) {
    const path = (0,find_on_path/* findOnPath */.aY)(name);
    if (!path)
        return { name, ok: false, error: `${name} is not on PATH` };
    // No socket, no daemon: said without starting the CLI (a second or more on a slow ARM board).
    const socket = name === 'docker' ? dockerSocket({ ...process.env, ...env }) : undefined;
    if (socket && !(0,external_node_fs_.existsSync)(socket))
        return { name, path, ok: false, error: `docker's daemon socket ${socket} is not there (no docker daemon runs)` };
    const stamp = passOver && (await engineStamp(name, path, env));
    const passedOver = stamp && (await passOver(name, stamp));
    if (passedOver)
        return { name, path, ok: false, passedOver };
    const args = name === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : ['info', '--format', '{{.Version.Version}}'];
    const ran = await runEngine({ path, env }, args, timeoutMs);
    if (ran.timedOut)
        return { name, path, ok: false, error: `${name} ${args[0]} did not answer within ${secondsText(timeoutMs)} s` };
    if (ran.code !== 0) {
        return { name, path, ok: false, error: `${name} ${args[0]} failed: ${engineMessage(ran.stderr, 3) || `exit code ${ran.code}`}` };
    }
    return { name, path, ok: true, version: ran.stdout.trim().split('\n')[0] ?? '' };
}
/**
 * Every engine looked for, in order (docker, then podman) up to the first that answers, with why the
 * others cannot be used. One passed over ends the search too: it stands where it would have been
 * used, so the engines after it are not tried, as they would not be when it answers.
 */
async function probeEngines(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS, passOver) {
    const probes = [];
    for (const name of ENGINE_NAMES) {
        const probe = await probeEngine(name, timeoutMs, undefined, passOver);
        probes.push(probe);
        if (probe.ok || probe.passedOver)
            break;
    }
    return probes;
}
/** The engine a probe found answering; undefined when it did not. */
const engineOf = (probe) => probe.ok && probe.path ? { name: probe.name, path: probe.path, version: probe.version ?? '' } : undefined;
/** The first container engine on PATH that answers: docker, then podman. */
async function findEngine(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS) {
    for (const probe of await probeEngines(timeoutMs)) {
        const engine = engineOf(probe);
        if (engine)
            return engine;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/checks/container-failure.ts

/** Words of a container runtime failing to start or exec the program: the image was there. */
const RUNTIME_FAILURE = [
    /exec format error/i,
    /exec user process caused/i,
    /OCI runtime/i,
    /(?:runc|crun)(?: create)? failed/i,
    /starting container process/i,
    /exec container process/i,
    /executable file not found/i,
    /no such file or directory/i,
    /cannot execute binary file/i
];
/** Words of an image that could not be found locally or fetched from its registry. */
const PULL_FAILURE = [
    /unable to find image/i,
    /pull access denied/i,
    /manifest unknown/i,
    /manifest for \S+ not found/i,
    /no matching manifest/i,
    /no image found in (?:manifest list|image index)/i,
    /does not match the specified platform/i,
    /failed to resolve reference/i,
    /error pulling image/i,
    /initializing source/i,
    /reading manifest/i,
    /trying to pull/i,
    /short-name/i,
    /repository does not exist/i,
    /requested access to the resource is denied/i,
    /may require ['"]?(?:docker )?login/i,
    /toomanyrequests/i,
    /\bimage not known\b/i,
    /no such image/i,
    /pinging (?:container|docker) registry/i,
    /error response from daemon: (?:Get|Head) "?https?:/i
];
/**
 * Which step a failed `run` belongs to, from the engine's exit code and words: the engine could not
 * get the image (`pull`), or the container was created but its program failed (`run`).
 */
function classifyFailure(stderr, exitCode) {
    if (RUNTIME_FAILURE.some(re => re.test(stderr)))
        return 'run';
    if (PULL_FAILURE.some(re => re.test(stderr)))
        return 'pull';
    // 125: the engine itself failed before the container ran (docker and podman alike).
    return exitCode === 125 && /\b(?:pull|registry|manifest|image)\b/i.test(stderr) ? 'pull' : 'run';
}
const quoted = (stderr) => {
    const said = engineMessage(stderr);
    return said ? `: ${said}` : ' (the engine gave no reason)';
};
/** A failure at the pull step: names the image and quotes the engine. */
function pullFailureMessage(engine, image, platform, stderr) {
    return `${engine} could not get image ${image} for ${platform}${quoted(stderr)}`;
}
/** A failure at the load step of the check's own image. */
function loadFailureMessage(engine, platform, stderr) {
    return `${engine} could not load the check's own image for ${platform}${quoted(stderr)}`;
}
/**
 * A named image held here, but not for the platform: the check does not pull over a local tag
 * (docker's classic store would re-point the tag to the pulled platform).
 */
function localTagMessage(engine, image, platform, localPlatform, stderr) {
    const held = localPlatform ? ` only for ${localPlatform}` : '';
    return (`${engine} holds image ${image}${held}, not for ${platform}, and the check does not pull over a local tag ` +
        `(that would re-point it): name the image by digest, use a tag this engine does not hold, or leave verify-image empty${quoted(stderr)}`);
}
/** Judges the run step: the last line of standard output must be the expected machine. */
function judgeRun(run, expectedMachine, timeoutMs) {
    const output = run.stdout.trim();
    const machine = output.split('\n').pop()?.trim() ?? '';
    if (run.timedOut)
        return { ok: false, output, step: 'run', error: `the container did not finish within ${secondsText(timeoutMs)} s` };
    if (run.code === 0 && expectedMachine.test(machine))
        return { ok: true, output, step: 'run' };
    if (run.code === 0) {
        return { ok: false, output, step: 'run', error: `it printed ${machine ? `'${machine}'` : 'nothing'}, expected ${expectedMachine}` };
    }
    const step = classifyFailure(run.stderr, run.code);
    const said = engineMessage(run.stderr) || `exit code ${run.code}`;
    return { ok: false, output, step, error: step === 'pull' ? said : `the container failed (exit code ${run.code}): ${said}` };
}

;// CONCATENATED MODULE: ./src/checks/diagnose.ts
/**
 * Turns the error messages users meet when running foreign programs into what to do about them.
 * diagnose() takes any text (a step's log, a container's standard error) and returns the first
 * failure it recognises: the line that shows it, the likely cause, and the input or step that fixes
 * it. The action's inputs named here: `platforms`, `install` (auto|apt|download|none), `flags`
 * (default F), `verify` (auto|probe|container|none), `verify-image`, `qemu-version`, `cleanup`,
 * `libraries` (packages for a sysroot, `base` for the C and C++ runtime) and `sysroot`.
 */


/** The highest x86-64 level any QEMU release emulates: TCG has AVX2 (since 7.2), no AVX-512. */
const MAX_EMULATED_LEVEL = 'x86-64-v3';
/** Why a program's CPU level is not there, and what to do: an old QEMU or CPU model, or v4, which no QEMU emulates. */
function levelAdvice(needed, context) {
    const offered = context.x86Level;
    const beyondQemu = needed === 'x86-64-v4' || offered === MAX_EMULATED_LEVEL;
    const offers = offered ? ` (the emulated CPU offers ${offered})` : '';
    if (beyondQemu) {
        return {
            cause: `the program needs ${needed ?? 'a higher x86-64 level than the emulated CPU has'}${offers}: ` +
                `no QEMU release emulates AVX-512 (x86-64-v4); ${MAX_EMULATED_LEVEL} (AVX2, QEMU 7.2 and later) is the most emulation gives`,
            fix: `build the program for ${MAX_EMULATED_LEVEL} or lower (e.g. -march=${MAX_EMULATED_LEVEL}, or a build that picks its code paths at run time), ` +
                "or run it on an x86 machine; the action's `x86-64-level` output shows the level the emulator provides"
        };
    }
    return {
        cause: `the program (its C library) needs ${needed ?? 'a newer x86-64 level'}${offers}: QEMU older than 7.2 ` +
            "(e.g. Ubuntu 22.04's 6.2) emulates an old CPU model by default, or QEMU_CPU selects an old model. Many current images need x86-64-v2; RHEL 10 / UBI 10 need v3.",
        fix: "use a newer QEMU: `qemu-version` 7.2 or later (with `install: download` when the distribution's QEMU is older), and leave QEMU_CPU unset " +
            "(or set it to max); the action's `x86-64-level` output shows the level the emulator provides"
    };
}
/** Where `.` stops matching: a line's parts between these are matched on their own, as `.*` would. */
const DOT_BREAKS = /[\r\u2028\u2029]/;
/**
 * What /a.*b/ finds (each part after the previous one's match, within one part of the line) in
 * linear time: the regular expression runs `.*` to the line's end again from every place `a`
 * matches, while the first place each part matches is the only one worth trying.
 */
function inOrder(...parts) {
    // global, to search from lastIndex with the text before it still in view (for \b)
    const searches = parts.map(part => new RegExp(part.source, `${part.flags.replace('g', '')}g`));
    return {
        exec: line => {
            for (const segment of line.split(DOT_BREAKS)) {
                let m = null;
                let from = 0;
                for (const search of searches) {
                    search.lastIndex = from;
                    m = search.exec(segment);
                    if (!m)
                        break;
                    from = m.index + m[0].length;
                }
                if (m)
                    return m;
            }
            return null;
        }
    };
}
/** The first of `matchers` that matches. */
function anyOf(...matchers) {
    return {
        exec: line => {
            for (const matcher of matchers) {
                const m = matcher.exec(line);
                if (m)
                    return m;
            }
            return null;
        }
    };
}
/** The first QEMU release whose user-mode mmap hands a 64-bit guest the host kernel's own addresses. */
const HIGH_ADDRESS_QEMU = '9.0';
/** The variable that moves a 48-bit host's addresses below 2^47 for QEMU (core/obtain.ts exports it). */
const GUEST_BASE = 'QEMU_GUEST_BASE=0x800000000000';
/** A version's numbers (major, minor, micro), missing ones 0; undefined when it starts with no number. */
function versionNumbers(version) {
    const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
    return m ? [m[1], m[2], m[3]].map(n => Number(n ?? 0)) : undefined;
}
/** Is this QEMU version one that gives x86_64 programs memory above 2^47 on an arm64 host (HIGH_ADDRESS_QEMU or later)? */
function givesHighAddresses(version) {
    const given = versionNumbers(version);
    const first = versionNumbers(HIGH_ADDRESS_QEMU);
    if (!given)
        return false;
    const differs = given.findIndex((n, i) => n !== first[i]);
    return differs === -1 || given[differs] > first[differs];
}
/**
 * The platform a dynamic loader's path belongs to. A loader whose file name carries its
 * architecture (ld-linux-x86-64.so.2) is known in any folder (a Nix store's lib, say); the
 * generic names (ld-linux.so.2, ld64.so.1, ld.so.1) only in their own folder (lib64/ld.so.1),
 * as other architectures' loaders share them.
 */
function loaderPlatform(path) {
    const file = path.slice(path.lastIndexOf('/') + 1);
    return (kernel_platforms/* PLATFORMS */.P4.find(p => path.endsWith(`/${p.loader}`)) ?? kernel_platforms/* PLATFORMS */.P4.find(p => file.startsWith('ld-linux-') && p.loader.endsWith(`/${file}`)));
}
/**
 * The Debian and Ubuntu package holding a library, for the libraries programs most often miss
 * (names that differ between releases, such as OpenSSL's libssl3 and libssl3t64, are left out).
 */
const LIBRARY_PACKAGES = {
    'libc.so.6': 'libc6',
    'libm.so.6': 'libc6',
    'libpthread.so.0': 'libc6',
    'libdl.so.2': 'libc6',
    'librt.so.1': 'libc6',
    'libresolv.so.2': 'libc6',
    'libgcc_s.so.1': 'libgcc-s1',
    'libstdc++.so.6': 'libstdc++6',
    'libz.so.1': 'zlib1g',
    'libselinux.so.1': 'libselinux1',
    'libpcre2-8.so.0': 'libpcre2-8-0',
    'libcrypt.so.1': 'libcrypt1',
    'libzstd.so.1': 'libzstd1',
    'liblzma.so.5': 'liblzma5',
    'libbz2.so.1.0': 'libbz2-1.0',
    'libffi.so.8': 'libffi8',
    'libexpat.so.1': 'libexpat1',
    'libuuid.so.1': 'libuuid1',
    'libtinfo.so.6': 'libtinfo6',
    'libacl.so.1': 'libacl1',
    'libattr.so.1': 'libattr1',
    'libcap.so.2': 'libcap2',
    'libgmp.so.10': 'libgmp10',
    'libatomic.so.1': 'libatomic1',
    'libgomp.so.1': 'libgomp1',
    'libsqlite3.so.0': 'libsqlite3-0'
};
/** What to add to `libraries` for a missing library file. */
function libraryFix(file) {
    const pkg = LIBRARY_PACKAGES[file];
    if (pkg && BASE_PACKAGES.includes(pkg))
        return `add \`libraries: base\` to the action's step (${pkg}, part of base, holds ${file})`;
    if (pkg)
        return `add ${pkg} to the action's \`libraries\` (it holds ${file}), e.g. \`libraries: base, ${pkg}\``;
    return (`add the package that holds ${file} to the action's \`libraries\` (\`dpkg -S ${file}\` on a machine of the program's platform, ` +
        'or apt-file search, names it)');
}
const STATIC_QEMU = 'a statically linked QEMU registered with the F flag: keep `flags: F` (the default) and let the action install QEMU ' +
    '(`install: download`, or `install: apt` where the distribution still has qemu-user-static)';
/** In order: the more specific messages first. */
const RULES = [
    {
        id: 'binfmt-not-permitted',
        match: anyOf(/cannot mount binfmt_misc/i, inOrder(/binfmt_misc\b/i, /\b(?:operation not permitted|permission denied|read-only file system)/i), inOrder(/(?:operation not permitted|permission denied|read-only file system)\b/i, /binfmt_misc/i)),
        explain: () => ({
            cause: "the job cannot change the kernel's binfmt_misc table: it runs in an unprivileged or rootless container (a job `container:`, " +
                'rootless Docker or Podman) or without root. The table belongs to the whole machine, so only root on the host or a privileged container may register handlers.',
            fix: 'run the action in a job on the runner itself (no `container:`), or give the job container `options: --privileged`; on a self-hosted runner, ' +
                'give the runner user passwordless sudo or register the handlers once on the host and use `install: none` with `verify: probe` in the job'
        })
    },
    {
        id: 'missing-loader',
        // the lookahead looks for /ld once per quoted path; [^']*\/ld[^']* retried the rest of the path from every /ld in it
        match: /Could not open '((?=[^']*\/ld)[^']*)'/i,
        explain: m => {
            const platform = loaderPlatform(m[1] ?? '');
            const of = platform ? ` ${platform.debian}` : '';
            const image = platform ? `a ${platform.docker} image` : "an image of the program's platform";
            const container = platform ? ` (\`docker run --platform ${platform.docker} ...\`)` : '';
            const multiarch = platform ? ` (libc6:${platform.debian})` : '';
            return {
                cause: `QEMU runs the program, but it is dynamically linked and its${of} dynamic loader ${m[1]} is not on this machine: outside a container there is no${of} C library to load.`,
                fix: `add \`libraries: base\` to the action's step (a sysroot of the distribution's${of} C runtime, exported as QEMU_LD_PREFIX for the later ` +
                    `steps), or give \`sysroot\` a${of} root filesystem (e.g. from docker export of ${image}); or run the program in a container ` +
                    `of its platform${container}, or install the${of} C library through multiarch${multiarch}; ` +
                    'statically linked programs need none of this'
            };
        }
    },
    {
        id: 'missing-library',
        match: /error while loading shared libraries: ([^\s:]+): cannot open shared object file/,
        explain: m => ({
            cause: `the program's dynamic loader started, but a library it needs, ${m[1]}, is not there: a foreign program run outside a container takes ` +
                'its libraries from the sysroot QEMU_LD_PREFIX points to, which does not hold this one',
            fix: `${libraryFix(m[1])}; with your own \`sysroot\`, put the library in it`
        })
    },
    {
        id: 'cpu-level',
        match: /CPU does not support (x86-64-v\d)|CPU ISA level is lower than required/i,
        explain: (m, context) => levelAdvice(m[1], context)
    },
    {
        id: 'illegal-instruction',
        match: /uncaught target signal 4\b|Illegal instruction/i,
        explain: (_m, context) => context.x86Level === MAX_EMULATED_LEVEL
            ? {
                cause: `the program used an instruction the emulated CPU does not have; it offers ${MAX_EMULATED_LEVEL}, the most any QEMU emulates, ` +
                    'so the program was most likely built for x86-64-v4 (AVX-512) or uses another extension QEMU lacks',
                fix: `build it for ${MAX_EMULATED_LEVEL} or lower, or run it on an x86 machine`
            }
            : {
                cause: 'the program used an instruction the emulated CPU does not have: QEMU is too old for it (AVX/AVX2 came to QEMU in 7.2), QEMU_CPU selects ' +
                    'an old CPU model, or it needs AVX-512 (x86-64-v4), which no QEMU emulates.',
                fix: "use a newer QEMU through `qemu-version` (with `install: download` when the distribution's is older) and leave QEMU_CPU unset; " +
                    `check the action's \`x86-64-level\` output against what the program was built for (${MAX_EMULATED_LEVEL} at most under emulation)`
            }
    },
    {
        id: 'qemu-crash',
        match: anyOf(/uncaught target signal 11\b/i, inOrder(/qemu/i, /:/, /Segmentation fault/i)),
        explain: () => ({
            cause: 'the program crashed under emulation (SIGSEGV). When it runs fine natively this is a QEMU bug: some releases crash in particular programs ' +
                '(QEMU 9.2.0 crashed in emulated ldconfig, fixed in 9.2.2).',
            fix: 'try another QEMU release with `qemu-version` (and `install: download`), e.g. the newest one or the one before the release you have'
        })
    },
    {
        id: 'go-high-address',
        match: /lfstack\.push invalid packing|fatal error: lfstack\.push/,
        explain: (_m, { qemuVersion }) => ({
            cause: `an amd64 Go program was handed memory above the 47-bit address space an x86_64 program can have: QEMU ${qemuVersion ?? `${HIGH_ADDRESS_QEMU} or later`} passes ` +
                `the program's memory requests to this arm64 host's kernel, which answers with 48-bit addresses (QEMU ${HIGH_ADDRESS_QEMU} changed this; 7.2 and 8.x pick ` +
                "addresses below 2^47 themselves), and Go's runtime before Go 1.25.4 packs pointers assuming they fit in 47 bits.",
            fix: `set ${GUEST_BASE} in the program's environment (QEMU reads it like -B: the kernel's addresses [2^47, 2^48) become the program's [0, 2^47)). ` +
                `The action exports it for its later steps when a QEMU of ${HIGH_ADDRESS_QEMU} or later serves amd64 on such a host; a container needs it passed in: ` +
                `\`docker run -e ${GUEST_BASE} ...\`, or \`ENV ${GUEST_BASE}\` in its Dockerfile. Or use the QEMU 7.2 the action downloads by default ` +
                `(\`install: download\`, \`qemu-version\` empty) instead of the QEMU ${qemuVersion ?? 'found on the machine'}, or build the program with Go 1.25.4 ` +
                "or later; QEMU_RESERVED_VA does not help (x86_64's vsyscall page then cannot be placed)"
        })
    },
    {
        id: 'exec-format',
        match: /exec format error|cannot execute binary file/i,
        explain: () => ({
            cause: "no binfmt_misc handler is registered for the program's architecture, so the kernel cannot run it: the action did not run in this job, " +
                'did not register this platform, or its post step (`cleanup`) already removed the handler; a reboot or another job on the same machine can remove it too.',
            fix: "run the action before this step with the program's platform in `platforms` (e.g. `platforms: amd64`), keep `verify` at auto so a missing handler fails " +
                'the action itself, and run the program before the job ends (the post step removes what the action registered when `cleanup` is true)'
        })
    },
    {
        id: 'interpreter-not-found',
        // the path stops at the next `exec container process `: a try from each of them would scan the same text again, and
        // the last one before the message matches when an earlier one would have
        match: /exec user process caused:? "?no such file or directory|exec \S+: no such file or directory|exec container process [`'"]?(?:(?!exec container process )[^`'"\n])*[`'"]?: No such file or directory|failed to exec \S+: No such file or directory/i,
        unless: /executable file not found in \$PATH/i,
        explain: () => ({
            cause: 'the kernel found a handler, but its interpreter is not there inside the container: the handler was registered without the F flag (so the path is looked up ' +
                "in the container, which has no QEMU), or with F but a dynamically linked QEMU whose libraries the container lacks (Ubuntu's qemu-user with qemu-user-binfmt). " +
                '(If the program itself is missing from the image, the image is at fault, not emulation.)',
            fix: `register ${STATIC_QEMU}, with the program's platform in \`platforms\``
        })
    }
];
/** Longest symptom kept: lines in logs can be huge. */
const MAX_SYMPTOM = 300;
/**
 * How much of a long line's start and of its end the rules read: messages sit at the start (JSON
 * logs) or the end (prefixed logs), and bounded text keeps a hostile line cheap to match.
 */
const MAX_READ = 4096;
/** The parts of a line the rules read. */
const readParts = (line) => (line.length <= 2 * MAX_READ ? [line] : [line.slice(0, MAX_READ), line.slice(-MAX_READ)]);
/** The match in the first of `parts` that has one. */
function execIn(matcher, parts) {
    for (const part of parts) {
        const m = matcher.exec(part);
        if (m)
            return m;
    }
    return null;
}
/** The first failure `text` shows that has a known cause, or undefined. */
function diagnose(text, context = {}) {
    return diagnoseAll(text, context)[0];
}
/** Every known failure `text` shows, once each, in the order of the rules (the most specific first). */
function diagnoseAll(text, context = {}) {
    if (!text)
        return [];
    const lines = text.split(/\r?\n/).map(line => ({ line, parts: readParts(line) }));
    const found = [];
    for (const rule of RULES) {
        for (const { line, parts } of lines) {
            const m = execIn(rule.match, parts);
            if (!m || rule.unless?.test(line))
                continue;
            const symptom = line.trim();
            found.push({
                id: rule.id,
                symptom: symptom.length > MAX_SYMPTOM ? `${symptom.slice(0, MAX_SYMPTOM)}...` : symptom,
                ...rule.explain(m, context)
            });
            break;
        }
    }
    return found;
}
/** A diagnosis as log lines. */
function formatDiagnosis(d) {
    return `${d.symptom}\n  likely cause: ${d.cause}\n  what helps: ${d.fix}`;
}

;// CONCATENATED MODULE: ./src/checks/image-ref.ts
/**
 * What the container check accepts as an image reference and a platform before it hands either to
 * an engine: the reference grammar docker and podman use, so nothing that reads as an option, holds
 * whitespace or shell metacharacters, or is absurdly long ever reaches a command line.
 */
/** An empty `verify-image` (the default): the check's own probe image, made on the spot (probe-image.ts). */
const BUILT_IN_IMAGE = '';
const MAX_IMAGE_REF = 512;
// The image reference grammar of the distribution/reference package (docker, podman), without
// IPv6 literal hosts: [host[:port]/]path[:tag][@algorithm:hex].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REF = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
/**
 * Is `ref` an image reference the action may hand to an engine? Tags and digests are accepted
 * (`busybox:stable`, `ghcr.io/o/i@sha256:...`, `localhost:5000/i:t@sha256:...`); anything with
 * whitespace, newlines, shell metacharacters, a leading `-` (it would read as an option), upper
 * case in the repository path, or more than 512 characters is not.
 */
function validImageRef(ref) {
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_IMAGE_REF)
        return false;
    if (!IMAGE_REF.test(ref))
        return false;
    // The name part (before tag and digest) is limited to 255 characters by the reference grammar.
    const name = ref.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
    return name.length <= 255;
}
/** Is `platform` a docker platform string (`os/arch[/variant]`)? */
function validPlatform(platform) {
    return /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform);
}

;// CONCATENATED MODULE: ./src/checks/tar-writer.ts
/**
 * Writes small POSIX (ustar) tar archives in memory: regular files and directories with fixed
 * owner (0:0) and time (the epoch), so the same members always give the same bytes. That is all
 * the container check's own image needs (a `docker load` archive and its one layer); names longer
 * than ustar's 100 characters are refused rather than split into a prefix.
 */
const BLOCK = 512;
/** An octal field of `length` bytes: digits padded with zeros, ended by NUL. */
function octal(value, length) {
    return value.toString(8).padStart(length - 1, '0') + '\0';
}
/** One 512-byte ustar header. */
function tarHeader(member) {
    const isDir = member.data === undefined;
    if (member.name.length === 0 || member.name.length > 100 || member.name.startsWith('/') || member.name.split('/').includes('..')) {
        throw new Error(`tar member name not accepted: ${JSON.stringify(member.name)}`);
    }
    const header = Buffer.alloc(BLOCK);
    const put = (text, at) => {
        header.write(text, at, 'latin1');
    };
    put(member.name, 0);
    put(octal(member.mode ?? (isDir ? 0o755 : 0o644), 8), 100);
    put(octal(0, 8), 108); // uid
    put(octal(0, 8), 116); // gid
    put(octal(member.data?.length ?? 0, 12), 124);
    put(octal(0, 12), 136); // mtime
    put(isDir ? '5' : '0', 156);
    put('ustar\0', 257);
    put('00', 263);
    put('root', 265);
    put('root', 297);
    // The checksum is summed with its own field as spaces, then written as 6 digits, NUL, space.
    header.fill(0x20, 148, 156);
    const sum = header.reduce((total, byte) => total + byte, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return header;
}
/** A whole archive: each member's header and its data padded to 512 bytes, then two zero blocks. */
function tarArchive(members) {
    const parts = [];
    for (const member of members) {
        parts.push(tarHeader(member));
        if (member.data && member.data.length > 0) {
            parts.push(Buffer.from(member.data));
            const padding = (BLOCK - (member.data.length % BLOCK)) % BLOCK;
            if (padding)
                parts.push(Buffer.alloc(padding));
        }
    }
    parts.push(Buffer.alloc(2 * BLOCK));
    return Buffer.concat(parts);
}

;// CONCATENATED MODULE: ./src/checks/probe-image.ts
/**
 * The container check's own image, made here instead of pulled: a `docker load` archive holding
 * the platform's embedded probe program (probe-programs.ts) as the image's only file and
 * entrypoint. No registry, no network, a few kilobytes; docker (both image stores) and podman load
 * the same archive. The archive is a tar of `manifest.json`, the image config (architecture, os and
 * variant from the platform table) and one layer tar whose sha256 is the config's diff_id.
 *
 * The content is the same for every run (fixed times and owners), so concurrent jobs load the same
 * image ID; each loads it under a tag of its own (`<target>-<runId>`) and removing that tag never
 * touches another job's.
 */



/** The repository every probe image is loaded under; `localhost/` so no engine ever looks for it in a registry. */
const PROBE_REPOSITORY = 'localhost/setup-x86-on-arm-probe';
/** Where the probe sits in the image, and so the path engines name when it cannot be executed. */
const PROBE_PATH = '/probe';
/** A run id: lower-case letters and digits, short enough for tags and container names. */
const RUN_ID = /^[a-z0-9]{4,32}$/;
/** A fresh id for this run's images and containers: the process id and random bits. */
function newRunId() {
    return `${process.pid.toString(36)}${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
}
function validRunId(runId) {
    return RUN_ID.test(runId);
}
/** The tag this run loads a platform's probe image under. */
function probeImageRef(platform, runId) {
    if (!validRunId(runId))
        throw new Error(`not a run id: ${JSON.stringify(runId)}`);
    return `${PROBE_REPOSITORY}:${platform.target}-${runId}`;
}
/** The name this run gives its check container for a platform (removed by --rm, or by name). */
function checkContainerName(platform, runId) {
    return `setup-x86-on-arm-check-${platform.target}-${runId}`;
}
/**
 * The image config's platform fields for a docker platform: `linux/arm/v7` -> arm, v7. arm64 gets
 * variant v8, the name engines normalise `linux/arm64` to.
 */
function imagePlatform(platform) {
    const [os = '', architecture = '', variant] = platform.docker.split('/');
    if (variant)
        return { os, architecture, variant };
    return architecture === 'arm64' ? { os, architecture, variant: 'v8' } : { os, architecture };
}
const EPOCH = '1970-01-01T00:00:00Z';
const sha256 = (data) => (0,external_node_crypto_.createHash)('sha256').update(data).digest('hex');
/** The layer: the probe program alone, executable, at PROBE_PATH. */
function probeLayer(platform) {
    return tarArchive([{ name: PROBE_PATH.slice(1), data: probeProgram(platform.target), mode: 0o755 }]);
}
/** The image config (OCI/docker image config JSON) for a layer with the given diff_id. */
function probeImageConfig(platform, diffId) {
    return {
        ...imagePlatform(platform),
        created: EPOCH,
        config: { Entrypoint: [PROBE_PATH], WorkingDir: '/' },
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [{ created: EPOCH, created_by: `setup-x86-on-arm: probe program for ${platform.docker} (prints uname's machine)` }]
    };
}
/** The `docker load` / `podman load` archive of a platform's probe image, tagged `ref`. */
function probeImageArchive(platform, ref) {
    const layer = probeLayer(platform);
    const layerId = sha256(layer);
    const config = Buffer.from(JSON.stringify(probeImageConfig(platform, `sha256:${layerId}`)));
    const configName = `${sha256(config)}.json`;
    const manifest = [{ Config: configName, RepoTags: [ref], Layers: [`${layerId}/layer.tar`] }];
    return tarArchive([
        { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
        { name: configName, data: config },
        { name: `${layerId}/` },
        { name: `${layerId}/layer.tar`, data: layer }
    ]);
}

;// CONCATENATED MODULE: ./src/checks/container.ts
/**
 * The container check: a container of the target platform, run through a container engine with
 * `--platform`, must print the platform's machine name. This is what users run themselves
 * (`docker run --platform linux/amd64 ... uname -m`), so a pass means the registered handler works
 * inside containers too (F flag, static interpreter).
 *
 * By default the image is the check's own (probe-image.ts): loaded from an archive made here, run
 * with `--pull never --network none`, and removed afterwards, so no registry is involved. A named
 * image is used as the engine holds it; only when the engine does not hold it is it pulled (a tag
 * the engine holds is never re-pointed), and what was pulled is removed after the run. Either way
 * the engine is left with the images and containers it had, also when the check fails or times out.
 */









// Re-exported for the callers of the check's earlier single module.



const DEFAULT_TIMEOUT_MS = 120_000;
/** Extra time for the engine to end its client once the container is removed. */
const REMOVE_GRACE_MS = 30_000;
/** Arguments that print a local image's id and `os/arch`; they fail when the engine does not hold it. */
function inspectArgs(image) {
    return ['image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}}', image];
}
/** Arguments that print a container's id; they fail when the engine holds no container of that name. */
function containerInspectArgs(name) {
    return ['container', 'inspect', '--format', '{{.Id}}', name];
}
/** Arguments that pull one platform of an image. */
function pullArgs(image, platform) {
    return ['pull', '--platform', platform, image];
}
/** Arguments that load a `docker load` archive. */
function loadArgs(archive) {
    return ['load', '--quiet', '--input', archive];
}
/** Arguments that remove one image reference (a tag held by other references too only loses this name). */
function removeImageArgs(ref) {
    return ['rmi', ref];
}
/** Arguments that kill and remove a container by name at once (podman otherwise waits 10 s for SIGTERM). */
function removeContainerArgs(engine, name) {
    return engine === 'podman' ? ['rm', '--force', '--time', '0', name] : ['rm', '-f', name];
}
/**
 * Arguments of the check itself: never a pull (the image is there by now), no network, removed on
 * exit. `command` is empty for the probe image, whose entrypoint is the probe.
 */
function runArgs(image, platform, name, command) {
    return ['run', '--rm', '--pull', 'never', '--network', 'none', '--platform', platform, '--name', name, image, ...command];
}
function elapsed(started) {
    return Math.round((performance.now() - started) / 100) / 10;
}
/**
 * Runs the check's container. A client stopped by a signal can leave the container running (docker
 * passes SIGTERM on to it, and a probe that hangs under emulation ignores it), so at the time limit
 * the container is removed by name, which ends the client.
 */
async function runContainer(engine, args, name, timeoutMs) {
    let removal;
    const watchdog = setTimeout(() => {
        removal = runEngine(engine, removeContainerArgs(engine.name, name), REMOVE_GRACE_MS);
    }, timeoutMs);
    try {
        const ran = await runEngine(engine, args, timeoutMs + REMOVE_GRACE_MS);
        return { ...ran, timedOut: ran.timedOut || removal !== undefined };
    }
    finally {
        clearTimeout(watchdog);
        await removal;
    }
}
/** Removes an image reference the check added; returns it when it is still there afterwards. */
async function removeAdded(engine, ref, timeoutMs) {
    const removed = await runEngine(engine, removeImageArgs(ref), timeoutMs);
    if (removed.code === 0)
        return undefined;
    return (await runEngine(engine, inspectArgs(ref), timeoutMs)).code === 0 ? ref : undefined;
}
/** Runs the container and judges it; the parts of a result every image shares. */
async function runAndJudge(attempt, image, command) {
    const { engine, platform, expectedMachine, timeoutMs, name } = attempt;
    const args = runArgs(image, platform, name, command);
    const ran = await runContainer(engine, args, name, timeoutMs);
    const judged = judgeRun(ran, expectedMachine, timeoutMs);
    const result = { ...judged, seconds: 0, command: [engine.path, ...args], pulled: false };
    if (ran.timedOut) {
        result.timedOut = true;
        // Stopped at the limit, the container was removed by name: if it is still there, the post step removes it.
        if ((await runEngine(engine, containerInspectArgs(name), timeoutMs)).code === 0)
            result.leftovers = [name];
    }
    if (!judged.ok) {
        result.stderr = ran.stderr;
        const diagnosis = diagnose(ran.stderr);
        if (diagnosis)
            result.diagnosis = diagnosis;
    }
    return result;
}
function failed(attempt, step, error, stderr) {
    return { ok: false, output: '', seconds: elapsed(attempt.started), step, error, stderr, command: [], pulled: false };
}
/** The check with its own image: load, run, remove (also on failure). */
async function withProbeImage(attempt, target, runId, dir) {
    const { engine, platform, timeoutMs } = attempt;
    const ref = probeImageRef(target, runId);
    const folder = dir ?? (await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_namespaceObject.tmpdir)(), 'setup-x86-on-arm-image-')));
    await (0,promises_.mkdir)(folder, { recursive: true });
    const archive = (0,external_node_path_.join)(folder, `probe-image-${target.target}-${runId}.tar`);
    await (0,promises_.writeFile)(archive, probeImageArchive(target, ref));
    let result;
    let leftover;
    try {
        const load = await runEngine(engine, loadArgs(archive), timeoutMs);
        result =
            load.code === 0
                ? await runAndJudge(attempt, ref, [])
                : failed(attempt, 'load', loadFailureMessage(engine.name, platform, load.stderr), load.stderr);
    }
    finally {
        await (0,promises_.rm)(dir ? archive : folder, { recursive: true, force: true });
        leftover = await removeAdded(engine, ref, timeoutMs);
    }
    if (leftover)
        result.leftovers = [...(result.leftovers ?? []), leftover];
    // The engine loaded the image but does not run it for the platform: a fault of the load step.
    if (!result.ok && result.step === 'pull') {
        Object.assign(result, { step: 'load', error: loadFailureMessage(engine.name, platform, result.stderr ?? '') });
    }
    return result;
}
/** The check with a named image: used as held, else pulled for the platform and removed afterwards. */
async function withNamedImage(attempt, image) {
    const { engine, platform, timeoutMs } = attempt;
    const inspected = await runEngine(engine, inspectArgs(image), timeoutMs);
    const held = inspected.code === 0;
    if (!held) {
        const pull = await runEngine(engine, pullArgs(image, platform), timeoutMs);
        if (pull.code !== 0) {
            const why = pull.timedOut ? `timed out after ${secondsText(timeoutMs)} s` : pull.stderr;
            return failed(attempt, 'pull', pullFailureMessage(engine.name, image, platform, why), pull.stderr);
        }
    }
    let result;
    let leftover;
    try {
        result = { ...(await runAndJudge(attempt, image, ['uname', '-m'])), pulled: !held };
    }
    finally {
        leftover = held ? undefined : await removeAdded(engine, image, timeoutMs);
    }
    if (leftover)
        result.leftovers = [...(result.leftovers ?? []), leftover];
    if (!result.ok && result.step === 'pull') {
        const localPlatform = inspected.stdout.trim().split(' ')[1] ?? '';
        result.error = held
            ? localTagMessage(engine.name, image, platform, localPlatform, result.stderr ?? '')
            : pullFailureMessage(engine.name, image, platform, result.stderr ?? '');
    }
    return result;
}
/** The platform of this host's own programs, for telling a broken engine from broken emulation. */
function hostPlatform() {
    return (0,kernel_platforms/* lookupPlatform */.Yx)((0,external_node_os_namespaceObject.machine)());
}
/**
 * A run that failed without any sign of emulation in the engine's words may be the engine's own
 * fault (e.g. podman unable to set the container's limits): a container of the host's own platform
 * tells. Returns that check's result when it fails too.
 */
async function engineFault(attempt, result, runId, dir) {
    const host = hostPlatform();
    // A diagnosis, output or a hang points at emulation; only a bare start failure may be the engine's.
    const emulationSaid = result.diagnosis || result.output || result.timedOut;
    if (result.ok || result.step !== 'run' || emulationSaid || !result.stderr || !host || host.docker === attempt.platform)
        return undefined;
    const control = { ...attempt, platform: host.docker, expectedMachine: host.machine, name: checkContainerName(host, runId) };
    const ran = await withProbeImage(control, host, runId, dir);
    if (ran.leftovers)
        result.leftovers = [...(result.leftovers ?? []), ...ran.leftovers];
    return ran.ok ? undefined : ran;
}
/**
 * Runs the check for `platform` through `engine`: the probe image when `image` is empty, else the
 * named image with `uname -m`. Never throws for an engine's failure; the result says which step
 * failed and why.
 */
async function containerCheck(options) {
    const { engine, image, platform, expectedMachine } = options;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const runId = options.runId ?? newRunId();
    const started = performance.now();
    const target = (0,kernel_platforms/* lookupPlatform */.Yx)(platform);
    const name = target ? checkContainerName(target, runId) : `setup-x86-on-arm-check-${runId}`;
    const attempt = { engine, platform, expectedMachine, timeoutMs, name, started };
    const builtIn = image === BUILT_IN_IMAGE;
    const shown = (text) => JSON.stringify(text.slice(0, 100));
    if (!builtIn && !validImageRef(image))
        return failed(attempt, 'pull', `not a valid image reference: ${shown(image)}`);
    if (!validPlatform(platform))
        return failed(attempt, builtIn ? 'load' : 'pull', `not a valid platform: ${shown(platform)}`);
    if (builtIn && !target)
        return failed(attempt, 'load', `no probe program for ${platform}`);
    const result = builtIn && target ? await withProbeImage(attempt, target, runId, options.dir) : await withNamedImage(attempt, image);
    const fault = await engineFault(attempt, result, runId, options.dir);
    if (fault) {
        result.hostFailure = engineMessage(fault.error ?? 'it failed', 2);
        result.engineFault = `${engine.name} cannot run containers here: a container of this host's own platform failed too (${result.hostFailure})`;
    }
    return { ...result, seconds: elapsed(started) };
}

;// CONCATENATED MODULE: ./src/checks/container-outcome.ts

/** What the check ran, for the log: `docker run --platform linux/arm64 busybox uname -m`. */
function runLabel(engine, platform, image) {
    return `${engine} run --platform ${platform.docker} ${image ? `${image} uname -m` : "(the action's own probe image)"}`;
}
/**
 * The handler's part in a container failure, when its flags or interpreter explain it: the kernel
 * found the handler but could not open its interpreter inside the container.
 */
function handlerCause(diagnosis, handler, interpreterStatic) {
    if (diagnosis !== 'interpreter-not-found' || !handler?.interpreter)
        return undefined;
    const entry = handler.entry ? `handler ${handler.entry}` : 'handler';
    if (handler.flags !== undefined && !handler.flags.includes('F')) {
        return (`the ${entry} is registered without the F flag (flags '${handler.flags}'), ` +
            `so inside the container the kernel looks for ${handler.interpreter} among the container's files`);
    }
    if (interpreterStatic === false) {
        return (`the ${entry}'s interpreter ${handler.interpreter} is dynamically linked: ` +
            'with the F flag the kernel starts it inside the container, which lacks its libraries');
    }
    return undefined;
}
const PROVED = '(the probe already proved emulation)';
/** The outcome of one platform's check. */
function outcomeOf(result, context) {
    const { engine, platform, image, mode } = context;
    const { seconds } = result;
    if (result.ok)
        return { result: 'passed', detail: `${runLabel(engine, platform, image)} printed ${result.output}`, seconds };
    if (result.engineFault) {
        const detail = `${result.engineFault}; not a fault of emulation`;
        return mode === 'auto' ? { result: 'skipped', detail: `${detail} ${PROVED}`, seconds } : { result: 'failed', detail, seconds };
    }
    const error = result.error ?? (result.output || 'it failed');
    if (result.step !== 'run' && mode === 'auto')
        return { result: 'skipped', detail: `${error} ${PROVED}`, seconds };
    const said = result.step === 'run' ? `${runLabel(engine, platform, image)}: ${error}` : error;
    const cause = handlerCause(result.diagnosis?.id, context.handler, context.interpreterStatic);
    const parts = [said, cause && `Cause: ${cause}`, result.diagnosis && formatDiagnosis(result.diagnosis)].filter(Boolean);
    return { result: 'failed', detail: parts.join('. '), seconds };
}

;// CONCATENATED MODULE: ./src/checks/verify.ts
/**
 * Checks after setup: an emulated platform's container prints its machine name (verify:
 * container, or auto when an engine answers), and what x86-64 level the emulated CPU offers.
 * The callers hand in plain targets and settings; nothing here knows the report or the inputs.
 */









/** A notice where the log has them, else an info line. */
function notice(log, message) {
    if (log.notice)
        log.notice(message);
    else
        log.info(message);
}
async function isStatic(path) {
    return path ? (await (0,kernel_elf/* readElf */.o)(path))?.isStatic : undefined;
}
/**
 * Runs the container check for each emulated target. No engine: skipped (quietly, with the reason
 * one was passed over when the caller gives it) under auto, failed under container. An engine that
 * cannot run even a container of this host's own platform is said once, in a notice under auto,
 * and the platforms after the one that found it are not tried: they would fail the same way; the
 * result's engineFinding tells the caller, who may keep it for later jobs. `dir` receives the probe
 * images' archives while they are loaded.
 */
async function verifyContainers(targets, settings, dir, log) {
    const checked = { outcomes: new Map(), leftovers: [] };
    const { outcomes } = checked;
    const { mode, image } = settings;
    const emulated = targets.filter(t => t.emulated);
    if ((mode !== 'auto' && mode !== 'container') || emulated.length === 0)
        return checked;
    const engine = settings.engine === undefined ? await findEngine() : settings.engine;
    if (!engine) {
        const detail = settings.passedOver ?? 'no container engine (docker, podman) answers';
        for (const t of emulated)
            outcomes.set(t.platform, { result: mode === 'container' ? 'failed' : 'skipped', detail });
        if (mode === 'auto')
            log.info(`container check skipped: ${detail}`);
        return checked;
    }
    const runId = settings.runId ?? newRunId();
    for (const [i, { platform, handler }] of emulated.entries()) {
        const { timeoutMs } = settings;
        const check = { engine, image, platform: platform.docker, expectedMachine: platform.machine, dir, runId, timeoutMs };
        const result = await containerCheck(check);
        if (result.engineFault)
            checked.engineFinding = { engine, unusable: `a container of this host's own platform failed (${result.hostFailure})` };
        else if (result.step === 'run')
            checked.engineFinding ??= { engine };
        const interpreterStatic = result.ok ? undefined : await isStatic(handler?.interpreter);
        const outcome = outcomeOf(result, { engine: engine.name, platform, image, mode, handler, interpreterStatic });
        // An engine that cannot run containers at all fails the platforms not yet tried alike: not run, said with this one.
        const alike = result.engineFault ? emulated.slice(i).map(t => t.platform) : [platform];
        for (const p of alike)
            outcomes.set(p, p === platform ? outcome : { result: outcome.result, detail: outcome.detail });
        const which = alike.map(p => p.docker).join(', ');
        const skipped = `container check skipped for ${which}: ${outcome.detail}`;
        if (outcome.result !== 'skipped')
            log.info(`${which} container check ${outcome.result}: ${outcome.detail}`);
        else if (result.engineFault)
            notice(log, skipped);
        else
            log.warning(skipped);
        if (result.leftovers) {
            log.warning(`${engine.name} still holds ${result.leftovers.join(', ')} from the container check; the post step removes it`);
            checked.leftovers.push(...result.leftovers.map(left => `${engine.name} ${left}`));
        }
        if (result.engineFault)
            break;
    }
    return checked;
}
/** The x86-64 micro-architecture level (1-4) the host or its emulator offers x86_64 programs. */
async function x86Level(dir) {
    const path = (0,external_node_path_.join)(dir, 'x86-level');
    await (0,promises_.writeFile)(path, x86LevelProgram(), { mode: 0o755 });
    const result = await (0,kernel_process/* runProgram */.mB)(path, [], { timeoutMs: 20_000 });
    return result.code === 0 ? parseX86Level(result.stdout) : undefined;
}
/**
 * Every check after setup, for the platforms that run (failed ones left out): the container check
 * for the emulated ones, and the x86-64 level when x86_64 runs, warned about when it is v1.
 */
async function verifyTargets(targets, request, log) {
    if (request.mode === 'none')
        return { containers: new Map(), leftovers: [] };
    const { outcomes: containers, leftovers, engineFinding } = await verifyContainers(targets, request, request.dir, log);
    const checked = { containers, leftovers, ...(engineFinding && { engineFinding }) };
    if (!targets.some(t => t.platform.target === 'x86_64'))
        return checked;
    const level = await x86Level(request.dir);
    if (level === 1) {
        log.warning('x86_64 programs see an x86-64-v1 CPU: many current distributions need v2 (RHEL 10 and UBI 10 need v3); set qemu-version to a newer QEMU');
    }
    else if (level)
        log.info(`x86_64 programs see an x86-64-v${level} CPU`);
    return { ...checked, x86Level: level };
}
const isEmulated = (p) => p.status === 'registered' || p.status === 'existing';
const runsX86 = (report) => report.platforms.some(p => p.platform.target === 'x86_64' && p.status !== 'failed');
/** Is there anything for verify() to check: an emulated platform, or x86_64 to measure? */
function hasChecks(report, inputs) {
    return inputs.verify !== 'none' && (report.platforms.some(isEmulated) || runsX86(report));
}
/** verifyTargets() over setup's report, filling it in. */
async function verify(report, inputs, dir, log, runId) {
    if (!hasChecks(report, inputs))
        return;
    const targets = report.platforms
        .filter(p => p.status !== 'failed')
        .map(p => {
        const handler = { entry: p.entry, interpreter: p.interpreter, flags: p.flags };
        return { platform: p.platform, emulated: isEmulated(p), handler };
    });
    const checked = await verifyTargets(targets, { mode: inputs.verify, image: inputs.verifyImage, runId, dir }, log);
    for (const p of report.platforms) {
        const outcome = checked.containers.get(p.platform);
        if (outcome)
            p.container = outcome;
    }
    if (checked.x86Level !== undefined)
        report.x86Level = checked.x86Level;
}

;// CONCATENATED MODULE: ./src/records/engine-record.ts
/**
 * The machine's record of container engines found unable to run any container, not even one of
 * the host's own platform (podman without the rights to set a container's limits, say). Finding
 * that costs every job a probe image load, two runs and removals; the record lets later jobs skip
 * the container check at once while nothing that decides it has changed: the same engine install
 * (its CLI's path, size and mtime, as the caller's stamp tells it), the same boot, under 24 h ago.
 *
 * One small JSON file per engine beside the host's ledger, in a folder only trusted users can
 * change (the project's one rule, kernel/root-files.ts). It is written whole (a new file renamed over it, so a link there is
 * replaced, never followed) and read without following a link; one that cannot be read, does not
 * parse or does not match is ignored, and replaced by the next finding.
 */






/** How long a record holds: an engine's configuration may change without an update or a reboot. */
const RECORD_HOLDS_MS = 24 * 3600_000;
const UNKNOWN_BOOT = 'unknown';
function engine_record_recordPath(dir, engine) {
    if (!/^[a-z]+$/.test(engine))
        throw new Error(`not an engine name: ${JSON.stringify(engine)}`);
    return (0,external_node_path_.join)(dir, `unusable-engine-${engine}.json`);
}
/** Is `dir` a folder that only trusted users can change, it and every folder above it (kernel/root-files.ts)? */
async function ownFolder(dir) {
    return (await (0,root_files/* untrustedProblem */.Ib)(dir, 'folder', (0,root_files/* trustedUids */.dF)())) === undefined;
}
function sameStamp(a, b) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(k => a[k] === b[k]);
}
/** A record read back, checked field by field; undefined when it is not one. */
function parseRecord(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    const r = value;
    if (!r || typeof r !== 'object')
        return undefined;
    const { engine, stamp, boot, checked, reason } = r;
    if (typeof engine !== 'string' || typeof boot !== 'string' || typeof checked !== 'string' || typeof reason !== 'string')
        return undefined;
    if (!stamp || typeof stamp !== 'object' || Array.isArray(stamp))
        return undefined;
    if (!Object.values(stamp).every(v => typeof v === 'string' || typeof v === 'number'))
        return undefined;
    if (Number.isNaN(Date.parse(checked)))
        return undefined;
    return { engine, stamp, boot, checked, reason };
}
/**
 * The record that `engine` could not run containers here, when it still holds: the same install
 * (`stamp`), the same boot and under 24 h old; undefined otherwise (or when there is none).
 */
async function findUnusable(dir, engine, stamp) {
    const text = await (0,root_files/* readRegularText */.Aj)(engine_record_recordPath(dir, engine)).catch(() => undefined);
    const record = text === undefined ? undefined : parseRecord(text);
    if (!record || record.engine !== engine || !sameStamp(record.stamp, stamp))
        return undefined;
    const age = Date.now() - Date.parse(record.checked);
    if (age < 0 || age >= RECORD_HOLDS_MS)
        return undefined;
    const boot = await procInfo.bootId();
    if (boot === UNKNOWN_BOOT || record.boot !== boot)
        return undefined;
    return (await ownFolder(dir)) ? record : undefined;
}
/** Records that `engine` (as `stamp` tells it) cannot run containers here, replacing any record of it. */
async function recordUnusable(dir, engine, stamp, reason) {
    const boot = await procInfo.bootId();
    // Without a boot id a reboot could not be told: a record would outlive what it says.
    if (boot === UNKNOWN_BOOT)
        return;
    const file = engine_record_recordPath(dir, engine);
    await (0,promises_.mkdir)(dir, { recursive: true, mode: 0o700 });
    const problem = await (0,root_files/* untrustedProblem */.Ib)(dir, 'folder', (0,root_files/* trustedUids */.dF)());
    if (problem)
        throw new Error(`${dir} must belong to uid ${process.getuid?.() ?? 0} and not be writable by others (${problem})`);
    const checked = new Date(Date.now()).toISOString();
    const record = { engine, stamp, boot, checked, reason: reason.replace(/\s*\n\s*/g, '; ') };
    const next = `${file}.${(0,external_node_crypto_.randomUUID)()}`;
    const handle = await (0,promises_.open)(next, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | external_node_fs_.constants.O_NOFOLLOW, 0o600);
    try {
        try {
            await handle.writeFile(`${JSON.stringify(record, null, 1)}\n`);
        }
        finally {
            await handle.close();
        }
        await (0,promises_.rename)(next, file);
    }
    catch (error) {
        await (0,promises_.rm)(next, { force: true });
        throw error;
    }
}
/** Drops the record of `engine` (it ran a container after all); nothing when there is none. */
async function forgetUnusable(dir, engine) {
    const file = engine_record_recordPath(dir, engine);
    if (!(await ownFolder(dir)))
        return;
    await (0,promises_.unlink)(file).catch(error => {
        if (error.code !== 'ENOENT')
            throw error;
    });
}
/** What a job says in place of the check: the record, and what makes the engine checked again. */
function unusableText(record) {
    const checked = record.checked.replace(/\.\d+Z$/, 'Z');
    return (`${record.engine} could not run containers on this machine (checked ${checked}: ${record.reason}); ` +
        'it is checked again after a reboot, an engine update or 24 h');
}

;// CONCATENATED MODULE: ./src/core/check-setup.ts
/**
 * The checks after setup (checks/verify): a container for each emulated platform, and the x86-64
 * level x86_64 programs see. The checks are handed only what they need, the platforms that run,
 * whether each is emulated and by which handler; their findings are written back into the report.
 *
 * An engine the check found unable to run any container is recorded beside the host's ledger
 * (records/engine-record.ts, in the ledger's folder, which the Context already names), so that
 * later jobs under verify: auto pass it over without starting it; verify: container always runs it.
 */




/** The platforms that run after setup, as the checks take them. */
function targetsOf(report) {
    return report.platforms
        .filter(p => p.status !== 'failed')
        .map(p => ({
        platform: p.platform,
        emulated: p.status !== 'native',
        handler: { entry: p.entry, interpreter: p.interpreter, flags: p.flags }
    }));
}
/** Is there anything to check: an emulated platform, or x86_64 to measure? */
function needsChecks(report, check) {
    return check.mode !== 'none' && targetsOf(report).some(t => t.emulated || t.platform.target === 'x86_64');
}
/** Will a container be run (and may a probe image be left behind for the post step to remove)? */
function runsContainers(report, check) {
    return (check.mode === 'auto' || check.mode === 'container') && targetsOf(report).some(t => t.emulated);
}
/**
 * The engine the container check will load its images into (docker, then podman, the first that
 * answers), looked for before the check so that the caller can record it before anything is
 * loaded: null when none answers, or (verify: auto) when the one found is recorded as unable to
 * run containers here, with why in passedOver; nothing when no container is to run.
 */
async function checkEngine(report, check, ctx) {
    if (!runsContainers(report, check))
        return {};
    const passOver = async (name, stamp) => {
        const record = await findUnusable(ctx.ledger.dir, name, stamp);
        return record && unusableText(record);
    };
    // Under verify: container the check is the job's own demand: always run, never answered from a record.
    const probes = await probeEngines(undefined, check.mode === 'auto' ? passOver : undefined);
    const passedOver = probes.find(p => p.passedOver)?.passedOver;
    if (passedOver)
        return { engine: null, passedOver };
    return { engine: probes.map(engineOf).find(Boolean) ?? null };
}
/** Keeps what the check showed of its engine: recorded when it cannot run containers, the record dropped when it can. */
async function keepFinding(dir, { engine, unusable }, log) {
    try {
        if (!unusable)
            return await forgetUnusable(dir, engine.name);
        const stamp = await engineStamp(engine.name, engine.path, engine.env);
        if (stamp)
            await recordUnusable(dir, engine.name, stamp, unusable);
    }
    catch (error) {
        // Only later jobs' time is at stake: the check runs again for them.
        log.info(`the record of whether ${engine.name} can run containers was not updated: ${error.message}`);
    }
}
/** Runs the checks, writing their findings into the report; returns what the container check could not remove. */
async function checkSetup(report, check, ctx) {
    if (!needsChecks(report, check))
        return { leftovers: [] };
    await (0,promises_.mkdir)(ctx.workDir, { recursive: true });
    // The command line leaves the engine to be found here.
    const found = check.engine === undefined ? await checkEngine(report, check, ctx) : {};
    const checked = await verifyTargets(targetsOf(report), { ...check, ...found, dir: ctx.workDir }, ctx.log);
    if (checked.engineFinding)
        await keepFinding(ctx.ledger.dir, checked.engineFinding, ctx.log);
    for (const p of report.platforms) {
        const outcome = checked.containers.get(p.platform);
        if (outcome)
            p.container = outcome;
    }
    if (checked.x86Level !== undefined)
        report.x86Level = checked.x86Level;
    return { leftovers: checked.leftovers };
}

;// CONCATENATED MODULE: ./src/core/report.ts
/** This host cannot serve the request, or a registration would break it: nothing was changed for it. */
class SetupError extends Error {
}
const unique = (values) => [...new Set(values.filter((v) => !!v))];
function outputsOf(report, sysroot = '') {
    const working = report.platforms.filter(p => p.status !== 'failed');
    return {
        platforms: working.map(p => p.platform.docker).join(','),
        native: working
            .filter(p => p.status === 'native')
            .map(p => p.platform.docker)
            .join(','),
        interpreter: unique(working.map(p => p.interpreter)).join(','),
        'qemu-version': unique(working.map(p => p.qemuVersion)).join(','),
        'install-method': unique(working.map(p => (p.status === 'existing' ? 'existing' : p.source))).join(','),
        'cache-hit': report.cacheHit === undefined ? 'false' : String(report.cacheHit),
        'x86-64-level': report.x86Level ? `x86-64-v${report.x86Level}` : '',
        sysroot
    };
}
function failuresOf(report) {
    return [
        ...report.platforms.filter(p => p.status === 'failed').map(p => `${p.platform.docker}: ${p.detail}`),
        ...report.platforms
            .filter(p => p.container?.result === 'failed')
            .map(p => `${p.platform.docker}: container check failed: ${p.container.detail}`)
    ];
}
const RESULT = {
    native: 'native',
    existing: 'already set up',
    registered: 'registered',
    failed: 'failed'
};
/** Rows for the summary table: platform, result, interpreter, QEMU version, flags, time. */
function summaryRows(report) {
    return report.platforms.map(p => [
        p.platform.docker,
        RESULT[p.status],
        p.interpreter ?? '',
        p.qemuVersion ?? '',
        p.flags ?? '',
        p.container ? `${p.container.result}${p.container.seconds !== undefined ? ` (${p.container.seconds.toFixed(1)} s)` : ''}` : '',
        `${p.seconds.toFixed(2)} s`
    ]);
}
const SUMMARY_HEADER = ['Platform', 'Result', 'Interpreter', 'QEMU', 'Flags', 'Container', 'Time'];

;// CONCATENATED MODULE: ./src/core/assess.ts
/**
 * Step 1 of setup, changing nothing: which platforms run already (natively, or through a handler
 * that works) and which need one. Here too is the test of whether a platform works, which the
 * later steps use to prove what they registered.
 */




/** The enabled magic entries that would take a program with this header. */
function handlersFor(table, header) {
    return [...table.values()].filter(e => e.enabled && e.type === 'M' && (0,kernel_platforms/* headerMatches */.PD)(header, e.magic, e.mask, e.offset));
}
/** The handler the kernel would use for a platform's programs, if any. */
function handlerOf(table, platform) {
    return handlersFor(table, probeProgram(platform.target))[0];
}
function assess_elapsed(since) {
    return Math.round((performance.now() - since) / 10) / 100;
}
/**
 * Does the platform run in place and, when F is asked for, where the interpreter path is absent?
 * With F the chroot run alone proves both; the plain run then only explains a failure.
 */
async function works(platform, flags, ctx, sys) {
    if (flags.includes('F') && sys) {
        const isolated = await ctx.prober.runIsolated(platform.target, sys);
        if (isolated.ok)
            return { ok: true, printed: isolated.output };
        const direct = await ctx.prober.run(platform.target);
        return { ok: false, why: direct.ok ? `runs, but not inside a chroot or container (${isolated.output})` : direct.output };
    }
    const direct = await ctx.prober.run(platform.target);
    return direct.ok ? { ok: true, printed: direct.output } : { ok: false, why: direct.output };
}
/** The report of a platform an entry serves. */
async function describeEntry(platform, entry, seconds) {
    return {
        platform,
        status: 'existing',
        detail: `already registered as ${entry.name}; left as it is`,
        interpreter: entry.interpreter,
        qemuVersion: await (0,interpreter/* qemuVersion */.zQ)(entry.interpreter),
        flags: entry.flags,
        entry: entry.name,
        seconds
    };
}
async function describeWorking(platform, entry, seconds, printed, host) {
    if (entry)
        return describeEntry(platform, entry, seconds);
    // Natively a program sees the kernel's machine; under an emulator, its own.
    if (printed === host)
        return { platform, status: 'native', detail: 'runs natively', seconds };
    const detail = `already runs (printed ${printed}) through a handler not visible here; left as it is`;
    return { platform, status: 'existing', detail, seconds };
}
async function assess(request, ctx) {
    const started = performance.now();
    const before = await (0,binfmt/* readTable */.xz)(ctx.binfmtDir);
    const reports = new Map();
    const untrusted = new Set();
    const handler = new Map(request.platforms.map(p => [p, handlerOf(before, p)]));
    // An entry whose interpreter someone other than root could change is never run: it is replaced.
    for (const [platform, entry] of handler) {
        const problem = entry && (await ctx.interpreterProblem(entry.interpreter));
        if (!entry || !problem)
            continue;
        ctx.log.warning(`${platform.docker}: the entry ${entry.name} is not run: ${problem}; the action registers its own in front of it`);
        handler.delete(platform);
        untrusted.add(platform);
    }
    // The chroot check of an existing handler needs root; without it the plain probe decides.
    const sys = request.flags.includes('F') && [...handler.values()].some(Boolean) ? await ctx.privileged().catch(() => undefined) : undefined;
    await Promise.all(request.platforms.map(async (platform) => {
        if (untrusted.has(platform))
            return;
        const proof = await works(platform, request.flags, ctx, handler.get(platform) ? sys : undefined);
        if (proof.ok) {
            reports.set(platform, await describeWorking(platform, handler.get(platform), assess_elapsed(started), proof.printed, ctx.host.machine));
        }
        else if (ctx.host.family.includes(platform.target)) {
            const detail = `${platform.docker} is this ${ctx.host.machine} host's own family but does not run (${proof.why}); ` +
                'the action never registers a handler for it';
            reports.set(platform, { platform, status: 'failed', detail, seconds: assess_elapsed(started) });
        }
    }));
    // In the order asked for, whatever order the probes finished in.
    const needed = request.platforms.filter(p => !reports.has(p));
    for (const platform of request.platforms) {
        const report = reports.get(platform);
        if (report)
            ctx.log.info(`${platform.docker}: ${report.detail}`);
    }
    return { reports, needed, before };
}

;// CONCATENATED MODULE: ./src/core/changes.ts
/**
 * Every change one setup makes to the kernel's table, each recorded before it is made: in the
 * job's journal (so its post step can undo it, even when main is killed half-way) and in the
 * host's ledger (so a job sharing the entry keeps it until the last one is done). Each is made with
 * the ledger locked: inside the section `locked` opens, or in a short one of its own. A package's
 * install (watch) runs unlocked, between two short sections: before it, the table and the ledger
 * are read; after it, what the package changed is told apart from what other jobs did meanwhile.
 */


class Changes {
    sys;
    books;
    dir;
    log;
    open;
    constructor(sys, books, dir, log) {
        this.sys = sys;
        this.books = books;
        this.dir = dir;
        this.log = log;
    }
    get repair() {
        return { binfmtDir: this.dir, warn: this.log.warning };
    }
    /** Runs `work` with the ledger locked: every change it makes is made in this one section. */
    async locked(work) {
        return this.books.ledger.locked(async (data, save) => {
            this.open = { data, save };
            try {
                return await work();
            }
            finally {
                this.open = undefined;
            }
        }, this.repair);
    }
    /** The open section, or a short one of its own for a change made outside any. */
    section(work) {
        const open = this.open;
        return open ? work(open) : this.locked(() => work(this.open));
    }
    /** Mounts binfmt_misc, when it is not mounted yet. */
    async mount() {
        await this.section(async () => {
            if (await (0,binfmt/* isMounted */.BX)(this.dir))
                return;
            await this.books.journal.record({ kind: 'mounted' });
            await (0,binfmt/* mount */.Or)(this.sys, this.dir);
            this.log.info(`mounted binfmt_misc on ${this.dir}`);
        });
    }
    /** Registers an entry, replacing what has its name (a broken entry: the caller proved it does not work). */
    async register(entry) {
        const { journal, holder } = this.books;
        return this.section(async ({ data, save }) => {
            const existing = (await (0,binfmt/* readTable */.xz)(this.dir)).get(entry.name);
            const change = existing ? { kind: 'replaced', original: existing, entry } : { kind: 'added', entry };
            // The journal first: once the run is stopping it refuses, and then nothing else is touched.
            await journal.record(change);
            const previous = data.registering(entry, existing, holder);
            await save();
            if (existing) {
                await (0,binfmt/* remove */.TF)(this.sys, entry.name, this.dir);
                this.log.info(`replacing ${entry.name} (interpreter ${existing.interpreter}, flags ${existing.flags || 'none'}): it did not work`);
            }
            await (0,binfmt/* register */.kz)(this.sys, entry, this.dir);
            return { entry, change, previous };
        });
    }
    /** Undoes a registration: the table, the journal and the ledger as they were before it. */
    async undo(registration) {
        await this.section(async ({ data, save }) => {
            await restore([registration.change], this.sys, this.log.warning, { dir: this.dir });
            await this.books.journal.update(registration.change, undefined);
            data.putBack(registration.entry.name, registration.previous);
            await save();
        });
    }
    /** Holds an entry of the action's that another job registered; false when the entry is not the action's. */
    async share(entry) {
        return this.section(async ({ data, save }) => {
            const held = data.get(entry.name);
            if (!held || held.removed || !(0,binfmt/* sameHandler */.lQ)(held.entry, entry))
                return false;
            if (!data.holds(entry.name, this.books.holder)) {
                await this.books.journal.record({ kind: 'shared', name: entry.name });
                data.claim(entry.name, this.books.holder);
                await save();
            }
            return true;
        });
    }
    /**
     * Runs a step that may change the table behind our back (a package's postinst) and records what
     * it did. The step runs unlocked (apt takes minutes); what other jobs of this action did to the
     * table meanwhile is theirs and left out: an entry another job registered, one another job's post
     * step removed.
     */
    async watch(step) {
        const before = await this.section(async ({ data }) => ({
            table: await (0,binfmt/* readTable */.xz)(this.dir),
            recorded: new Set(Object.keys(data.entries))
        }));
        try {
            return await step();
        }
        finally {
            await this.section(section => this.recordWatched(before.table, before.recorded, section));
        }
    }
    async recordWatched(before, recordedBefore, { data, save }) {
        const { journal, holder } = this.books;
        const diff = (0,binfmt/* diffTables */.Nv)(before, await (0,binfmt/* readTable */.xz)(this.dir));
        // The ledger records this very entry: another job registered it meanwhile (or its package did).
        const recorded = (entry) => {
            const held = data.get(entry.name);
            return !!held && !held.removed && (0,binfmt/* sameHandler */.lQ)(held.entry, entry);
        };
        // Left out: step 4 holds the one a platform of this run needs (Changes.share).
        const theirs = new Set([...diff.added, ...diff.changed.map(c => c.after)].filter(recorded).map(e => e.name));
        for (const entry of diff.added.filter(e => !theirs.has(e.name))) {
            await journal.record({ kind: 'added', entry });
            data.registering(entry, undefined, holder);
        }
        for (const { before: original, after } of diff.changed.filter(c => !theirs.has(c.after.name))) {
            await journal.record({ kind: 'replaced', original, entry: after });
            data.registering(after, original, holder);
        }
        for (const original of diff.removed) {
            // Recorded before the step and gone from the ledger since: another job's post step removed it.
            if (recordedBefore.has(original.name) && !data.get(original.name))
                continue;
            await journal.record({ kind: 'replaced', original });
            data.removing(original, holder);
        }
        await save();
    }
    /**
     * Writes the entry where systemd-binfmt registers it at boot, and holds it for good. (No restart
     * of systemd-binfmt: its start flushes the whole table, other jobs' entries included; the entry
     * is registered already.)
     */
    async persist(entry, bootDir) {
        return this.section(async ({ data, save }) => {
            const path = `${bootDir}/${entry.name}.conf`;
            await this.sys.run('mkdir', ['-p', bootDir]);
            const header = '# written by setup-x86-on-arm (persist: true); undo: setup-x86-on-arm uninstall';
            await this.sys.write(path, `${header}\n${(0,binfmt/* registerLine */.AM)(entry)}\n`);
            data.persisted(entry.name, path);
            await save();
            return path;
        });
    }
}

// EXTERNAL MODULE: ./src/install/manifest.ts + 1 modules
var manifest = __nccwpck_require__(3098);
;// CONCATENATED MODULE: ./src/core/obtain.ts
/**
 * Step 3 of setup: interpreters for the platforms that need one, from the install layer.
 * binfmt_misc is mounted before a package installs (its postinst registers into it), and not at
 * all when there is nothing to register; what a package registers is recorded like our own changes.
 * Here too is what the later steps need when the QEMU serving x86_64 hands out addresses amd64 Go
 * programs cannot take (setup.ts adds it to the report).
 */



function obtain(needed, request, sys, changes, ctx) {
    return ctx.obtain(needed.map(p => p.target), { ...request.install, flags: request.flags }, {
        sys,
        hostMachine: ctx.host.machine,
        places: ctx.places,
        log: ctx.log.info,
        watch: async (step) => {
            await changes.mount();
            return changes.watch(step);
        }
    });
}
/** The QEMU version of the manifest's default download. */
function defaultQemu() {
    return manifest/* MANIFEST */.e0.releases.find(r => r.id === manifest/* MANIFEST */.e0.default)?.qemu ?? manifest/* MANIFEST */.e0.default;
}
/**
 * QEMU_GUEST_BASE when a QEMU of 9.0 or later serves x86_64 (whoever chose it, the download's
 * fallback included) on a host whose kernel hands out 48-bit addresses: such a QEMU passes a
 * program's memory requests to the kernel, and amd64 Go programs built with Go before 1.25.4
 * cannot take its answers. Older QEMU picks addresses below 2^47 itself; a host of 47 bits or
 * fewer (x86_64, Raspberry Pi's 39) answers below 2^47 anyway.
 */
function highAddressRemedy(platforms, install, host, safeVersion = defaultQemu()) {
    const base = x86_64GuestBase(host.addressBits);
    if (!base)
        return undefined;
    const x86 = platforms.find(p => p.platform.target === 'x86_64' && (p.status === 'registered' || p.status === 'existing'));
    if (!x86?.qemuVersion || !givesHighAddresses(x86.qemuVersion))
        return undefined;
    const fallback = x86.status === 'registered' && x86.source === 'download' && !install.qemuVersion && !install.qemuUrl && x86.qemuVersion !== safeVersion;
    const which = fallback ? ` (the download's fallback for the default QEMU ${safeVersion})` : '';
    const setting = `QEMU_GUEST_BASE=${base}`;
    return {
        environment: { QEMU_GUEST_BASE: base },
        message: `qemu-x86_64 ${x86.qemuVersion}${x86.interpreter ? ` at ${x86.interpreter}` : ''}${which} hands x86_64 programs ` +
            `the ${host.addressBits}-bit addresses of this ${host.machine} host, which amd64 Go programs built with Go before 1.25.4 cannot take (lfstack.push): ` +
            `${setting} is exported for the later steps to move them below 2^47; containers need it too: docker run -e ${setting} ..., or ENV ${setting} in the Dockerfile`
    };
}
/** What to do about a platform nothing could serve, after what was tried. */
function installAdvice(method) {
    return method === 'none'
        ? 'install qemu-user-static before this step, or set install: auto to let the action get QEMU'
        : 'see the log above for what was tried';
}

;// CONCATENATED MODULE: ./src/core/register.ts
/**
 * Step 4 of setup, with the ledger locked again: register each platform's entry with the
 * interpreter step 3 got, prove it works (undoing it when it does not), and keep it across reboots
 * when asked to. Step 3 ran unlocked, so another job may have registered a platform meanwhile:
 * a handler that appeared since step 1 and works is shared, not replaced.
 */






/** Reports each needed platform: failed without an interpreter, else registered (or undone). */
async function registerAll(needed, installation, at) {
    const reports = new Map();
    if (installation.interpreters.size > 0)
        await at.changes.mount();
    for (const platform of needed) {
        const since = performance.now();
        const interpreter = installation.interpreters.get(platform.target);
        if (!interpreter) {
            const missing = installation.missing.get(platform.target) ?? `no qemu-${platform.target}`;
            const detail = `${missing}; ${installAdvice(at.request.install.method)}`;
            reports.set(platform, { platform, status: 'failed', detail, seconds: assess_elapsed(since) });
            continue;
        }
        const report = (await registeredByPackage(platform, interpreter, at, since)) ??
            (await registeredMeanwhile(platform, at, since)) ??
            (await registerPlatform(platform, interpreter, at, since));
        reports.set(platform, { ...report, qemuVersion: report.qemuVersion ?? interpreter.version, source: interpreter.source });
        at.ctx.log.info(`${platform.docker}: ${report.detail}`);
    }
    return reports;
}
/** A distro package may have registered a working handler itself (its postinst, watched in step 3). */
async function registeredByPackage(platform, interpreter, at, since) {
    if (interpreter.source !== 'apt')
        return undefined;
    const entry = handlerOf(await (0,binfmt/* readTable */.xz)(at.ctx.binfmtDir), platform);
    if (entry && (await at.ctx.interpreterProblem(entry.interpreter)))
        return undefined;
    if (!(await works(platform, at.request.flags, at.ctx, at.sys)).ok)
        return undefined;
    if (entry)
        await at.changes.share(entry); // another job's entry, registered while the package installed
    const seconds = assess_elapsed(since);
    const found = { platform, status: 'registered', detail: '', seconds };
    const report = entry ? await describeEntry(platform, entry, seconds) : found;
    return { ...report, status: 'registered', detail: 'registered by the distro package' };
}
/** A handler another job registered while this one was getting its interpreter: held, when it works. */
async function registeredMeanwhile(platform, at, since) {
    const entry = handlerOf(await (0,binfmt/* readTable */.xz)(at.ctx.binfmtDir), platform);
    const found = entry && at.before.get(entry.name);
    if (!entry || (found && (0,binfmt/* sameHandler */.lQ)(found, entry) && found.enabled === entry.enabled))
        return undefined;
    if (await at.ctx.interpreterProblem(entry.interpreter))
        return undefined;
    if (!(await works(platform, at.request.flags, at.ctx, at.sys)).ok)
        return undefined;
    const shared = await at.changes.share(entry);
    const report = await describeEntry(platform, entry, assess_elapsed(since));
    return shared ? { ...report, detail: `registered meanwhile by another job as ${entry.name}; shared with it` } : report;
}
/** Registers one platform's entry (replacing a broken one of the same name) and proves it. */
async function registerPlatform(platform, interpreter, at, since) {
    const { request, sys, changes, ctx } = at;
    await assertNotHostFormat(platform);
    const registration = await changes.register((0,kernel_platforms/* entryFor */.cy)(platform, interpreter.path, request.flags));
    const { entry } = registration;
    const report = {
        platform,
        status: 'registered',
        detail: `registered ${entry.name} -> ${interpreter.path} (flags ${request.flags || 'none'})`,
        interpreter: interpreter.path,
        flags: request.flags,
        entry: entry.name,
        seconds: 0
    };
    if (request.prove) {
        const proof = await works(platform, request.flags, ctx, sys);
        if (!proof.ok) {
            await changes.undo(registration);
            const detail = `registered ${entry.name} but the probe failed (${proof.why}); undone`;
            return { ...report, status: 'failed', detail, seconds: assess_elapsed(since) };
        }
        report.detail += `; probe printed ${proof.printed}`;
    }
    if (request.persist)
        report.detail += `; kept across reboots in ${await changes.persist(entry, ctx.bootDir)}`;
    return { ...report, seconds: assess_elapsed(since) };
}
/** Guards against the one mistake that breaks a host: a handler matching the host's own programs. */
async function assertNotHostFormat(platform) {
    const self = await (0,kernel_elf/* readElf */.o)(process.execPath);
    if (self && (0,kernel_platforms/* headerMatches */.PD)(self.header, platform.magic, platform.mask)) {
        throw new SetupError(`refusing to register ${platform.docker}: its handler would match this host's own programs`);
    }
}

;// CONCATENATED MODULE: ./src/core/share.ts
/**
 * Step 2 of setup, with the ledger locked: the working entries other jobs of this action
 * registered are held by this job too, so they stay until its post step. One that another job's
 * post step removed (or anything else changed) since step 1 needs a handler again.
 */

/** The working entries step 1 found, by platform. */
function sharedEntries(assessment) {
    const shared = new Map();
    for (const report of assessment.reports.values()) {
        if (report.status === 'existing' && report.entry)
            shared.set(report.platform, report.entry);
    }
    return shared;
}
/** Holds what still works; returns every platform that needs a handler now (step 1's and the lost ones). */
async function share(assessment, holding, dir) {
    const { journal, holder, data, save } = holding;
    const now = await (0,binfmt/* readTable */.xz)(dir);
    data.forgetObsolete(now);
    const lost = [];
    for (const [platform, name] of sharedEntries(assessment)) {
        const entry = now.get(name);
        const found = assessment.before.get(name);
        if (!entry || !found || !(0,binfmt/* sameHandler */.lQ)(entry, found)) {
            lost.push(platform);
            assessment.reports.delete(platform);
        }
        else if (data.get(name) && !data.holds(name, holder)) {
            // The action's own entry (another job's): hold it too. Anyone else's is never removed anyway.
            await journal.record({ kind: 'shared', name });
            data.claim(name, holder);
            await save();
        }
    }
    return [...assessment.needed, ...lost];
}

;// CONCATENATED MODULE: ./src/core/setup.ts
/**
 * The core shared by the action's main step and the command line, as four steps: assess what
 * already runs (changing nothing), share the working entries other jobs registered (ledger
 * locked), obtain interpreters for the rest (unlocked: downloads and apt take minutes, and other
 * jobs' main and post steps go on meanwhile), register and prove them, persisting them when asked
 * (locked again, the table and the ledger read afresh). Every change to the kernel's table is
 * recorded before it is made (changes.ts). The report ends with what the later steps need to export
 * for the QEMU that serves x86_64, registered now or before.
 */







async function setup(request, ctx) {
    const report = await serve(request, ctx);
    const remedy = highAddressRemedy(report.platforms, request.install, ctx.host);
    if (!remedy)
        return report;
    ctx.log.warning(remedy.message);
    return { ...report, environment: remedy.environment };
}
/** Steps 1 to 4: what serves each platform now. */
async function serve(request, ctx) {
    const problem = hostProblem(ctx.host, request.platforms);
    if (problem)
        throw new SetupError(problem);
    const assessment = await assess(request, ctx);
    const reports = assessment.reports;
    const inOrder = () => request.platforms.map(p => reports.get(p));
    if (assessment.needed.length === 0 && sharedEntries(assessment).size === 0)
        return { platforms: inOrder() };
    const { journal, holder, ledger } = ctx;
    const repair = { binfmtDir: ctx.binfmtDir, warn: ctx.log.warning };
    const needed = await ledger.locked((data, save) => share(assessment, { journal, holder, data, save }, ctx.binfmtDir), repair);
    if (needed.length === 0)
        return { platforms: inOrder() };
    const sys = await ctx.privileged(); // asked for only now that something must change
    const changes = new Changes(sys, { journal, ledger, holder }, ctx.binfmtDir, ctx.log);
    // Partial downloads go to the run's own scratch folder, which every way out of main removes.
    const installation = await obtain(needed, request, sys, changes, { ...ctx, places: { ...ctx.places, tempDir: ctx.workDir } });
    const registrar = { request, sys, changes, ctx, before: assessment.before };
    const registered = await changes.locked(() => registerAll(needed, installation, registrar));
    for (const [platform, report] of registered)
        reports.set(platform, report);
    return { platforms: inOrder(), cacheHit: installation.cacheHit };
}

;// CONCATENATED MODULE: ./src/core/sysroot.ts
/**
 * After setup: the sysroot QEMU_LD_PREFIX points at, so dynamically linked programs of the
 * emulated platforms find their loader and libraries outside containers. It serves only the
 * platforms this run emulates (native ones need none), and is either made of the distribution's
 * own packages (`libraries`, install/libraries), or the folder the user gives (`sysroot`), checked
 * to hold each platform's loader. As root, sysroots are made and kept in a store only root can
 * change (the tool cache is the runner user's to rewrite, and a sysroot's libraries run in every
 * emulated program); without root, in the tool cache, or when that cannot be written or others
 * could change it, under a temporary folder of the action's own, which its post step removes.
 * Exporting the variable is the face's business: this module only says which folder.
 */






function wantsSysroot(request) {
    return request.packages.length > 0 || request.sysroot !== '';
}
/** The targets this run emulates: each working platform the host does not run itself. */
function emulatedTargets(report) {
    return report.platforms.filter(p => p.status === 'existing' || p.status === 'registered').map(p => p.platform.target);
}
/** The errors that say a folder cannot be made or written to (read-only, someone else's, a file in the way). */
const UNWRITABLE = ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST'];
/** Why a folder cannot be written to; undefined when it can. */
async function unwritable(dir) {
    try {
        await (0,promises_.mkdir)(dir, { recursive: true });
        await (0,promises_.access)(dir, external_node_fs_.constants.W_OK);
        return undefined;
    }
    catch (error) {
        const code = error.code ?? '';
        if (UNWRITABLE.includes(code))
            return `${dir} cannot be written (${code})`;
        throw error;
    }
}
/**
 * Where sysroots are kept: root's store; else the tool cache when it can be written and no one
 * else can change it; else the temporary folder, with a warning saying why.
 */
async function sysrootFolder(places, log) {
    if (places.store) {
        await (0,promises_.mkdir)(places.store, { recursive: true, mode: 0o755 });
        const problem = await (0,root_files/* rootOnlyProblem */.k)(places.store, 'directory');
        if (problem) {
            throw new Error(`libraries: the sysroot store ${places.store} is not root's alone: ${problem}; it and every folder above it must be root's and writable by root only`);
        }
        return places.store;
    }
    const cacheDir = (0,external_node_path_.join)(places.toolCache, SYSROOT_CACHE_FOLDER);
    const cannotWrite = (await unwritable(places.toolCache)) ?? (await unwritable(cacheDir));
    const problem = cannotWrite ?? (await (0,root_files/* untrustedProblem */.Ib)(cacheDir, 'folder', (0,root_files/* trustedUids */.dF)()));
    if (!problem)
        return cacheDir;
    if (!places.temporaryRoot) {
        const label = places.toolCacheLabel ?? 'the tool cache';
        const fix = cannotWrite ? 'make it writable' : 'make it writable by you alone';
        throw new Error(`libraries: ${problem}, which is ${label}: ${fix} or choose another folder`);
    }
    log.warning(`libraries: ${problem}: the sysroot is made in ${places.temporaryRoot} for this job only, and removed after it`);
    return (0,external_node_path_.join)(places.temporaryRoot, SYSROOT_CACHE_FOLDER);
}
/** The sysroot for the platforms the report emulates; undefined when none is asked for or all are native. */
async function prepareSysroot(request, report, places, log, make = makeSysroot) {
    if (!wantsSysroot(request))
        return undefined;
    const targets = emulatedTargets(report);
    const what = request.sysroot ? 'sysroot' : 'libraries';
    if (targets.length === 0) {
        const native = report.platforms.map(p => p.platform.docker).join(', ');
        const runs = report.platforms.length === 1 ? 'runs' : 'run';
        log.info(`${what}: ${native || 'no platform'} ${runs} natively here; no sysroot is needed and QEMU_LD_PREFIX is not set`);
        return undefined;
    }
    if (request.sysroot) {
        const path = (0,external_node_path_.resolve)(request.sysroot);
        await checkSysroot(path, targets, 'sysroot');
        log.info(`sysroot: ${path} holds the dynamic loader for ${targets.join(', ')}`);
        return { path, origin: 'given', packages: [] };
    }
    const cacheDir = await sysrootFolder(places, log);
    const made = await make({
        targets,
        packages: request.packages,
        mirror: request.mirror,
        cacheDir,
        tempDir: places.tempDir,
        log: log.info
    });
    const temporary = places.temporaryRoot !== undefined && cacheDir.startsWith(`${places.temporaryRoot}/`);
    const origin = temporary ? 'temporary' : made.cacheHit ? 'cached' : 'made';
    log.info(`libraries: ${made.packages.length} packages for ${targets.join(', ')} in ${made.path} (${origin})`);
    return { path: made.path, origin, packages: made.packages };
}

;// CONCATENATED MODULE: ./src/faces/runner-text.ts
/**
 * Free text for a stream the Actions runner reads, so that no program's output reaches it as a
 * workflow command. @actions/core cannot do this: its info writes the message as it is, so a line
 * of a container's or another program's output quoted in it (`::save-state ...`, `##[...]`) would
 * be acted on as the action's own command, and it has no call that stops commands. Annotations,
 * debug lines and group names need nothing here: the toolkit escapes their message (% \r \n) to one
 * line, which parses as that command before any `##[` in it is looked at. Pure, and free of the
 * toolkit, whose module graph the command line (cli.ts) has no use for.
 *
 * What the runner parses (actions/runner: ProcessInvoker, ActionCommandManager, ActionCommand): it
 * reads stdout and stderr a line at a time, ending a line at \n, \r or \r\n (.NET ReadLine), and
 * takes as a command any line that after its leading white space starts `::name ...::` (TryParseV2)
 * or that holds `##[name ...]` anywhere (TryParse, the v1 syntax); names match ignoring case.
 * `::stop-commands::token` makes it act on nothing until a line `::token::`.
 */


/**
 * Whether a line of `text` could be read by the runner as a command: `::` first after white space
 * (.NET's TrimStart also trims U+0085, which \s lacks), or `##[` anywhere.
 */
function holdsCommand(text) {
    return /(?:^|[\r\n])[\s\u0085]*::|##\[/.test(text);
}
/**
 * `text` between `::stop-commands::token` and `::token::`: the runner shows it but acts on none of
 * its lines. The token is drawn until the text does not hold it, since a line `::token::` (in any
 * case) inside would resume commands early.
 */
function commandsStopped(text, newToken, eol) {
    const lower = text.toLowerCase();
    let token = newToken();
    while (lower.includes(token.toLowerCase()))
        token = newToken();
    return `::stop-commands::${token}${eol}${text}${eol}::${token}::`;
}
/** `text` as it is, or between stop-commands lines when a line of it could parse as a command. */
function commandFree(text, eol = external_node_os_namespaceObject.EOL) {
    return holdsCommand(text) ? commandsStopped(text, external_node_crypto_.randomUUID, eol) : text;
}
/**
 * Text for a stream the runner reads (a `run:` step that calls the command line): inside a job,
 * text holding something the runner would take as a command is put between stop-commands lines;
 * elsewhere, as it is.
 */
function runnerSafe(text, env = process.env) {
    if (env.GITHUB_ACTIONS !== 'true')
        return text;
    return text.endsWith('\n') ? commandFree(text.slice(0, -1), '\n') + '\n' : commandFree(text, '\n');
}

;// CONCATENATED MODULE: ./src/faces/cli-output.ts
/** What the command line prints: inside a job's step, nothing it quotes (engine errors, apt's words) reaches the runner as a command. */

const out = (text) => void process.stdout.write(runnerSafe(text));
const err = (text) => void process.stderr.write(runnerSafe(text));

;// CONCATENATED MODULE: ./src/faces/env-file.ts
/**
 * QEMU_LD_PREFIX in an environment file of `NAME=value` lines, such as a self-hosted runner's
 * `.env`, which the runner service reads at start and hands to every job. The command line's
 * `install --env-file` writes its line there and remembers which line it wrote (a record beside the
 * host's ledger), so a later install replaces its own line and `uninstall` takes exactly that line
 * out again; a QEMU_LD_PREFIX someone else wrote is never changed. The text work is pure. The
 * command line often runs as root, and the file is the runner user's: it is read and written
 * without following links (kernel/root-files.ts), so a link there never sends root's write elsewhere.
 */



const PREFIX_VARIABLE = 'QEMU_LD_PREFIX';
function prefixLine(path) {
    if (/[\r\n]/.test(path))
        throw new Error(`a sysroot path with a line break cannot go into an environment file: ${JSON.stringify(path)}`);
    return `${PREFIX_VARIABLE}=${path}`;
}
const lines = (text) => text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
/** The value of a QEMU_LD_PREFIX line in text other than `ours`; undefined when there is none. */
function foreignPrefix(text, ours) {
    const line = lines(text).find(l => l.startsWith(`${PREFIX_VARIABLE}=`) && l !== ours);
    return line?.slice(PREFIX_VARIABLE.length + 1);
}
/** The text without the line `ours` (every copy of it). */
function withoutLine(text, ours) {
    const kept = lines(text).filter(l => l !== ours);
    return kept.length ? `${kept.join('\n')}\n` : '';
}
/** The text with `previous` (the line this tool wrote before) replaced by `line`, at the end. */
function withLine(text, line, previous) {
    const rest = withoutLine(text, line);
    return `${previous ? withoutLine(rest, previous) : rest}${line}\n`;
}
async function env_file_readText(file) {
    try {
        return await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return '';
        throw error;
    }
}
/** Where the command line remembers the lines it wrote. */
function recordFile(ledgerDir) {
    return (0,external_node_path_.join)(ledgerDir, 'cli-env-files.json');
}
async function env_file_readRecord(ledgerDir) {
    const text = await env_file_readText(recordFile(ledgerDir));
    return text ? JSON.parse(text) : {};
}
/** Why the file cannot take this tool's QEMU_LD_PREFIX line (it holds someone else's); undefined when it can. */
async function envFileConflict(file, ledgerDir) {
    const theirs = foreignPrefix((await (0,root_files/* readRegularText */.Aj)(file)) ?? '', (await env_file_readRecord(ledgerDir))[file]);
    return theirs === undefined ? undefined : `${file} already sets ${PREFIX_VARIABLE}=${theirs}`;
}
/** Writes QEMU_LD_PREFIX=path into the file (replacing this tool's earlier line) and remembers it. */
async function writePrefix(file, path, ledgerDir) {
    const record = await env_file_readRecord(ledgerDir);
    const line = prefixLine(path);
    await (0,root_files/* updateTextFile */.Rc)(file, text => withLine(text, line, record[file]));
    await (0,promises_.mkdir)(ledgerDir, { recursive: true });
    await (0,promises_.writeFile)(recordFile(ledgerDir), JSON.stringify({ ...record, [file]: line }, null, 1));
}
/** Takes out every line this tool wrote; the files it changed. */
async function removePrefixes(ledgerDir) {
    const record = await env_file_readRecord(ledgerDir);
    const changed = [];
    for (const [file, line] of Object.entries(record)) {
        let took = false;
        await (0,root_files/* updateTextFile */.Rc)(file, text => {
            const kept = withoutLine(text, line);
            took = kept !== text;
            return kept;
        }, false);
        if (took)
            changed.push(file);
    }
    await (0,promises_.rm)(recordFile(ledgerDir), { force: true });
    return changed;
}

;// CONCATENATED MODULE: ./src/faces/inputs.ts
/**
 * Every input, read and validated before anything changes. A bad value fails with one line that
 * names the input, what was wrong and what is accepted. Values are taken as typed, in printable
 * ASCII: nothing is case-folded or normalised from other characters (a ligature 'ﬀ' upper-cases
 * to 'FF', a full-width host name is mapped to ASCII by URL parsing), so what runs is what was
 * written. Only `sysroot`, a path of the machine's own, may hold other characters.
 */



const INSTALL_METHODS = ['auto', 'apt', 'download', 'none'];
const VERIFY_MODES = ['auto', 'probe', 'container', 'none'];
class InputError extends Error {
    constructor(input, problem, accepted) {
        super(`input '${input}': ${problem}; ${accepted}`);
    }
}
/** The libraries engine's own parse errors, which already read `input 'NAME': problem; fix`, as input errors. */
class LibrariesInputError extends InputError {
    constructor(error) {
        super(error.input, '', '');
        this.message = error.message;
    }
}
function asInput(parse) {
    try {
        return parse();
    }
    catch (error) {
        throw error instanceof LibrariesError ? new LibrariesInputError(error) : error;
    }
}
const inputs_MAX_LENGTH = 2048;
/** Inputs that are lists, whose items may stand on lines of their own. */
const LISTS = ['platforms', 'libraries', 'libraries-mirror'];
/** Inputs that may hold any character: paths on the machine. */
const ANY_TEXT = ['sysroot'];
/** Printable ASCII, and the white space that separates list items. */
const PLAIN = /^[\x20-\x7e\t\r\n]*$/;
const PLAIN_FIX = 'type the value in plain ASCII (no look-alike letters, ligatures or full-width forms)';
/** The first character of a value that is not plain ASCII, as U+XXXX; undefined when there is none. */
function notAscii(value) {
    if (PLAIN.test(value))
        return undefined;
    const char = [...value].find(c => !PLAIN.test(c));
    return `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}
function inputs_shown(value) {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}
function oneOf(input, value, allowed) {
    const key = value.trim().toLowerCase();
    if (allowed.includes(key))
        return key;
    throw new InputError(input, `${inputs_shown(value)} is not accepted`, `use one of: ${allowed.join(', ')}`);
}
function parsePlatforms(value) {
    const names = value.split(/[\s,]+/).filter(Boolean);
    const known = kernel_platforms/* PLATFORMS */.P4.map(p => p.aliases[0]).join(', ');
    if (names.length === 0)
        throw new InputError('platforms', 'no platform given', `use one or more of: ${known}`);
    const platforms = [];
    for (const name of names) {
        const platform = (0,kernel_platforms/* lookupPlatform */.Yx)(name);
        if (!platform) {
            throw new InputError('platforms', `unknown platform ${inputs_shown(name)}`, `use one or more of: ${known} (Docker or QEMU names)`);
        }
        if (!platforms.includes(platform))
            platforms.push(platform);
    }
    return platforms;
}
function parseFlags(value) {
    const letters = value.trim().toUpperCase();
    if (!/^[FPOC]*$/.test(letters)) {
        throw new InputError('flags', `${inputs_shown(value)} holds letters other than F, P, O, C`, 'use F (the default), optionally with P, O or C');
    }
    const warnings = [];
    if (!letters.includes('F')) {
        warnings.push("flags without F: the handler will not work inside containers or chroots (the kernel must find the interpreter's path there)");
    }
    if (letters.includes('C')) {
        warnings.push('flags with C: setuid foreign programs then run the interpreter with their credentials (root for setuid-root); Debian dropped C in 2025 for that risk');
    }
    else if (letters.includes('O')) {
        warnings.push('flags with O: the interpreter gets an open file descriptor of the program, which also opens unreadable programs to it');
    }
    // The kernel lists flags in this order; keeping it makes entries compare equal.
    const flags = ['P', 'O', 'C', 'F'].filter(f => letters.includes(f) || (f === 'O' && letters.includes('C'))).join('');
    return { flags, warnings };
}
function parseImage(value) {
    const image = value.trim();
    if (image === '')
        return '';
    if (!validImageRef(image)) {
        throw new InputError('verify-image', `${inputs_shown(value)} is not an image reference`, 'use a name with an optional tag or digest, such as busybox:stable or ubuntu@sha256:<64 hex>');
    }
    return image;
}
function parseBoolean(input, value) {
    const key = value.trim().toLowerCase();
    if (key === 'true')
        return true;
    if (key === 'false')
        return false;
    throw new InputError(input, `${inputs_shown(value)} is not a boolean`, 'use true or false');
}
/** The `qemu-version` input: a release to install, or '' for the pinned default. */
function parseQemuVersionInput(value) {
    const version = value.trim();
    if (version === '' || version === 'default')
        return '';
    if (!/^\d{1,3}\.\d{1,3}(\.\d{1,3})?(-\d{1,6})?$/.test(version)) {
        throw new InputError('qemu-version', `${inputs_shown(value)} is not a QEMU version`, 'use a version such as 10.0.3, or leave it empty for the pinned default');
    }
    return version;
}
function parseUrl(value, input = 'qemu-url') {
    const text = value.trim();
    if (text === '')
        return '';
    let url;
    try {
        url = new URL(text);
    }
    catch {
        url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || /\s/.test(text) || url.username || url.password) {
        throw new InputError(input, `${inputs_shown(value)} is not an http(s) URL`, 'use an http:// or https:// address of an archive or binary, without credentials');
    }
    return url.href;
}
/** Where the action's own QEMU builds are published: a repository's web address, without a trailing slash. */
function parseAssetBase(value, input = 'asset-base') {
    return parseUrl(value, input).replace(/\/+$/, '');
}
function parseSha256(value) {
    const text = value
        .trim()
        .toLowerCase()
        .replace(/^sha256:/, '');
    if (text === '')
        return '';
    if (!/^[0-9a-f]{64}$/.test(text)) {
        throw new InputError('qemu-sha256', `${inputs_shown(value)} is not a sha256 digest`, 'use 64 hex digits (optionally prefixed sha256:)');
    }
    return text;
}
/** Reads every input through `get` (core.getInput or a map in tests); throws InputError. */
function readInputs(get) {
    const raw = (name, fallback) => {
        const value = get(name) ?? '';
        if (value.length > inputs_MAX_LENGTH)
            throw new InputError(name, `${value.length} characters is too long`, `keep it under ${inputs_MAX_LENGTH}`);
        if (value.includes('\0'))
            throw new InputError(name, 'holds a NUL character', 'remove it');
        const odd = ANY_TEXT.includes(name) ? undefined : notAscii(value);
        if (odd)
            throw new InputError(name, `holds ${odd}, which is not printable ASCII`, PLAIN_FIX);
        if (!LISTS.includes(name) && /[\r\n]/.test(value.trim()))
            throw new InputError(name, 'spans several lines', 'give it on one line');
        return value.trim() === '' ? fallback : value;
    };
    const { flags, warnings } = parseFlags(raw('flags', 'F'));
    const inputs = {
        platforms: parsePlatforms(raw('platforms', 'amd64')),
        install: oneOf('install', raw('install', 'auto'), INSTALL_METHODS),
        flags,
        verify: oneOf('verify', raw('verify', 'auto'), VERIFY_MODES),
        verifyImage: parseImage(raw('verify-image', BUILT_IN_IMAGE)),
        cleanup: parseBoolean('cleanup', raw('cleanup', 'true')),
        persist: parseBoolean('persist', raw('persist', 'false')),
        qemuVersion: parseQemuVersionInput(raw('qemu-version', '')),
        qemuUrl: parseUrl(raw('qemu-url', '')),
        qemuSha256: parseSha256(raw('qemu-sha256', '')),
        libraries: asInput(() => parseLibraries(raw('libraries', ''))),
        librariesMirror: asInput(() => parseMirror(raw('libraries-mirror', ''))),
        sysroot: raw('sysroot', '').trim()
    };
    if (inputs.qemuUrl && !inputs.qemuSha256) {
        throw new InputError('qemu-sha256', 'is needed with qemu-url', 'give the sha256 of the file at qemu-url, so it can be verified before it runs');
    }
    if (inputs.sysroot && inputs.libraries.length) {
        const fix = 'give one of them: QEMU takes one prefix, made from libraries or your own sysroot';
        throw new InputError('sysroot', 'is given together with libraries', fix);
    }
    if (inputs.librariesMirror.length && !inputs.libraries.length) {
        warnings.push('libraries-mirror is used only with libraries, which is empty: it is ignored');
    }
    return { inputs, warnings };
}
/**
 * Whether a prefix this step would export meets one the job already has: QEMU takes one, so the
 * step fails with one line before anything changes. `existing` is the job's QEMU_LD_PREFIX.
 */
function checkPrefixFree(inputs, existing) {
    if (!existing || (!inputs.libraries.length && !inputs.sysroot))
        return;
    throw new InputError(inputs.sysroot ? 'sysroot' : 'libraries', `the job already sets QEMU_LD_PREFIX (${inputs_shown(existing)}), and two prefixes cannot both apply`, `unset QEMU_LD_PREFIX in the job, or leave ${inputs.sysroot ? 'sysroot' : 'libraries'} empty`);
}
/** What setup is asked to do, from the inputs. */
function setupRequestOf(inputs) {
    return {
        platforms: inputs.platforms,
        flags: inputs.flags,
        install: { method: inputs.install, qemuVersion: inputs.qemuVersion, qemuUrl: inputs.qemuUrl, qemuSha256: inputs.qemuSha256 },
        prove: inputs.verify !== 'none',
        persist: inputs.persist
    };
}
function checkRequestOf(inputs) {
    return { mode: inputs.verify, image: inputs.verifyImage };
}
function librariesRequestOf(inputs) {
    return { packages: inputs.libraries, mirror: inputs.librariesMirror, sysroot: inputs.sysroot };
}

;// CONCATENATED MODULE: ./src/faces/environment.ts
/**
 * Where the core's folders and sources are, read from the environment each face runs in: the
 * Actions runner's variables for the action, defaults of its own for the command line. Pure
 * functions of the variables they are given, so tests pass a map.
 */



/**
 * The web address of the repository the action runs from, whose releases hold its own QEMU builds.
 * The runner leaves GITHUB_ACTION_REPOSITORY empty for a local action (`uses: ./`), which comes
 * from the workflow's own repository: GITHUB_REPOSITORY then.
 */
function actionAssetBase(env) {
    const server = (env.GITHUB_SERVER_URL ?? '').replace(/\/+$/, '');
    const repository = env.GITHUB_ACTION_REPOSITORY || env.GITHUB_REPOSITORY || '';
    return server && /^[\w.-]+\/[\w.-]+$/.test(repository) ? `${server}/${repository}` : undefined;
}
/** The command line's tool cache: the machine's for root, else the user's cache folder. */
function commandLineToolCache(uid, env, home = (0,external_node_os_namespaceObject.homedir)()) {
    if (uid === 0)
        return '/var/cache/setup-x86-on-arm';
    return (0,external_node_path_.join)(env.XDG_CACHE_HOME || (0,external_node_path_.join)(home, '.cache'), 'setup-x86-on-arm');
}
/** The machine's root-only interpreter store (written as root or through sudo). */
const INTERPRETER_STORE = '/var/lib/setup-x86-on-arm/interpreters';
/**
 * Where downloaded interpreters are kept and registered from: SETUP_X86_ON_ARM_INTERPRETER_STORE
 * (tests), else the machine's store. The same for root and for a user with sudo: the store and every
 * folder above it must be root's alone, which a folder of the user's (their ledger's) never is.
 */
function interpreterStoreFor(env) {
    return env.SETUP_X86_ON_ARM_INTERPRETER_STORE || INTERPRETER_STORE;
}
/**
 * Where root keeps sysroots (libraries): beside the interpreter store, root's alone, so a sysroot
 * that QEMU_LD_PREFIX later hands to programs is one no other user could have changed.
 */
function sysrootStoreFor(env) {
    return (0,external_node_path_.join)((0,external_node_path_.dirname)(interpreterStoreFor(env)), 'sysroots');
}
/** The action's places: the runner's tool cache and temp folder (the command line's defaults outside a runner). */
function actionPlaces(env, uid) {
    return {
        toolCache: env.RUNNER_TOOL_CACHE || commandLineToolCache(uid, env),
        toolCacheLabel: env.RUNNER_TOOL_CACHE ? 'RUNNER_TOOL_CACHE' : 'the default cache folder (RUNNER_TOOL_CACHE is not set)',
        tempDir: env.RUNNER_TEMP || tmpdir(),
        assetBase: actionAssetBase(env),
        interpreterStore: interpreterStoreFor(env)
    };
}
/**
 * Where the action makes a sysroot when the tool cache cannot be written: a folder of this job's
 * (named by its runner process, which main and post share) that the post step removes.
 */
function temporarySysrootRoot(env, runnerPid) {
    return join(env.RUNNER_TEMP || tmpdir(), `setup-x86-on-arm-sysroot-${runnerPid}`);
}
/**
 * The command line's places: its cache folder (--cache-dir, else commandLineToolCache). The asset
 * base: --asset-base, else SETUP_X86_ON_ARM_ASSET_BASE, else the Actions variables when it runs
 * inside a job; without one the download tries its next source.
 */
function commandLinePlaces(env, uid, assetBaseOption, home = (0,external_node_os_namespaceObject.homedir)(), cacheDir) {
    return {
        toolCache: cacheDir || commandLineToolCache(uid, env, home),
        toolCacheLabel: cacheDir ? 'the folder --cache-dir names' : "the command line's cache folder (--cache-dir chooses another)",
        tempDir: (0,external_node_os_namespaceObject.tmpdir)(),
        interpreterStore: interpreterStoreFor(env),
        assetBase: assetBaseOption
            ? parseAssetBase(assetBaseOption)
            : env.SETUP_X86_ON_ARM_ASSET_BASE
                ? parseAssetBase(env.SETUP_X86_ON_ARM_ASSET_BASE, 'SETUP_X86_ON_ARM_ASSET_BASE')
                : actionAssetBase(env)
    };
}
/** Who a job is, for people reading the host's ledger. */
function jobLabel(env, runnerPid) {
    const { GITHUB_REPOSITORY = '', GITHUB_RUN_ID = '', GITHUB_JOB = '' } = env;
    return [GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_JOB].filter(Boolean).join('/') || `process ${runnerPid}`;
}

;// CONCATENATED MODULE: ./src/faces/cli-commands.ts
/**
 * The command line's commands. `install` runs the core's setup and checks with the command line's
 * own places (cli defaults, environment.ts) and records its changes in a journal file beside the
 * host's ledger; with --libraries or --sysroot it then prepares the sysroot and prints the
 * QEMU_LD_PREFIX line a runner service needs (--env-file writes it into the service's `.env`).
 * `uninstall` undoes the changes, takes those lines out again and lets go of everything the
 * command line and persist hold; `status` lists the kernel's table with a probe of each entry.
 */

















/** Who runs the command line, and where its records are. */
function whereabouts() {
    const uid = process.getuid?.() ?? 0;
    const ledgerDir = ledgerDirFor(uid, process.env);
    return { uid, ledgerDir, journalFile: (0,external_node_path_.join)(ledgerDir, 'cli-changes.json') };
}
/** The Environment of status, which only reads and probes: the command line's default places. */
function plainEnvironment(uid, ledgerDir) {
    return {
        ...commandLinePlaces(process.env, uid),
        holder: CLI_HOLDER,
        ledgerDir,
        persistJournal: () => undefined,
        log: { info: m => err(`${m}\n`), warning: m => err(`warning: ${m}\n`) }
    };
}
async function loadJournal(file) {
    try {
        return Journal.parse(await (0,promises_.readFile)(file, 'utf8'));
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return [];
        throw error;
    }
}
async function saveJournal(file, changes) {
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(file), { recursive: true });
    await (0,promises_.writeFile)(file, JSON.stringify(changes, null, 1));
}
function table(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
    return rows
        .map(r => r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd())
        .join('\n');
}
/** --env-file, checked before anything changes: only with a sysroot, and not over someone else's QEMU_LD_PREFIX. */
async function envFileOption(options, sysroot, ledgerDir) {
    const given = options['env-file'];
    if (given === undefined)
        return undefined;
    if (!given.trim() || /[\0\r\n]/.test(given)) {
        throw new InputError('env-file', 'needs a file name', "write --env-file PATH, such as the runner's .env");
    }
    if (!sysroot)
        throw new InputError('env-file', 'is used only with --libraries or --sysroot', 'add one of them, or leave --env-file out');
    const file = (0,external_node_path_.resolve)(given);
    const conflict = await envFileConflict(file, ledgerDir);
    if (conflict) {
        throw new InputError('env-file', `${conflict}, and two prefixes cannot both apply`, 'remove that line, or leave --env-file out');
    }
    return file;
}
/** The sysroot line for people and scripts: where it went, or what to do with it. */
function sysrootLines(sysroot, envFile) {
    const line = prefixLine(sysroot.path);
    const note = envFile
        ? `${PREFIX_VARIABLE} written to ${envFile}: restart the runner service so its jobs see it\n`
        : `give the runner service ${line} (for example with --env-file .../actions-runner/.env) so its jobs see it\n`;
    return { out: `${line}\n`, note };
}
async function install(options, json, contextFor) {
    const { uid, ledgerDir, journalFile } = whereabouts();
    const { inputs, warnings } = readInputs(name => options[name] ?? '');
    const libraries = librariesRequestOf(inputs);
    const envFile = await envFileOption(options, wantsSysroot(libraries), ledgerDir);
    for (const warning of warnings)
        err(`warning: ${warning}\n`);
    const places = commandLinePlaces(process.env, uid, options['asset-base'], undefined, options['cache-dir'] && (0,external_node_path_.resolve)(options['cache-dir']));
    const previous = await loadJournal(journalFile);
    const ctx = await contextFor({
        ...places,
        holder: CLI_HOLDER,
        ledgerDir,
        persistJournal: changes => saveJournal(journalFile, [...previous, ...changes]),
        log: { info: m => json || err(`${m}\n`), warning: m => err(`warning: ${m}\n`) }
    });
    try {
        const report = await setup(setupRequestOf(inputs), ctx);
        await checkSetup(report, checkRequestOf(inputs), ctx);
        const failures = failuresOf(report);
        let sysroot;
        if (wantsSysroot(libraries) && failures.length === 0) {
            const store = uid === 0 ? sysrootStoreFor(process.env) : undefined;
            sysroot = await prepareSysroot(libraries, report, { ...places, tempDir: (0,external_node_path_.dirname)(ctx.workDir), store }, ctx.log, ctx.makeSysroot);
            if (sysroot && envFile)
                await writePrefix(envFile, sysroot.path, ledgerDir);
        }
        const environment = report.environment ?? {};
        if (json)
            out(`${JSON.stringify({ ...outputsOf(report), sysroot: sysroot?.path ?? '', environment, failures }, null, 2)}\n`);
        else
            out(`${table([SUMMARY_HEADER, ...summaryRows(report)])}\n${Object.entries(environment)
                .map(([n, v]) => `${n}=${v}\n`)
                .join('')}`);
        for (const name of Object.keys(environment))
            err(`give the runner service ${name} too (its .env), so its jobs' programs get it\n`);
        if (sysroot) {
            const lines = sysrootLines(sysroot, envFile);
            if (!json)
                out(lines.out);
            err(lines.note);
        }
        for (const failure of failures)
            err(`error: ${failure}\n`);
        return failures.length ? 1 : 0;
    }
    finally {
        await disposeContext(ctx);
    }
}
async function uninstall(json, restoreFor) {
    const { ledgerDir, journalFile } = whereabouts();
    const changes = await loadJournal(journalFile);
    const ctx = await restoreFor(ledgerDir);
    const report = await restore(changes, await ctx.privileged(), m => err(`warning: ${m}\n`), {
        dir: ctx.binfmtDir,
        ledger: ctx.ledger,
        holder: CLI_HOLDER,
        releaseAll: [CLI_HOLDER, PERSIST_HOLDER]
    });
    await (0,promises_.rm)(journalFile, { force: true });
    const envFiles = await removePrefixes(ledgerDir);
    if (json)
        out(`${JSON.stringify({ ...report, envFiles }, null, 2)}\n`);
    else {
        out(`removed: ${report.removed.join(', ') || 'nothing'}; restored: ${report.restored.join(', ') || 'nothing'}\n`);
        for (const file of envFiles)
            out(`${PREFIX_VARIABLE} taken out of ${file}\n`);
    }
    return 0;
}
async function cli_commands_status(json, contextFor) {
    const { uid, ledgerDir } = whereabouts();
    const ctx = await contextFor(plainEnvironment(uid, ledgerDir));
    try {
        const entries = [...(await (0,binfmt/* readTable */.xz)(ctx.binfmtDir)).values()].sort((a, b) => a.name.localeCompare(b.name));
        const rows = await Promise.all(entries.map(async (entry) => {
            const platform = entry.type === 'M' ? (0,kernel_platforms/* platformOfHeader */.ab)(Buffer.from(entry.magic, 'hex')) : undefined;
            // Probing runs the entry's interpreter as this user: never one someone else could have changed.
            const untrusted = platform && entry.enabled ? await ctx.interpreterProblem(entry.interpreter) : undefined;
            const probe = platform && entry.enabled && !untrusted ? (await ctx.prober.run(platform.target)).ok : undefined;
            return { ...entry, platform: platform?.docker ?? '', probe, ...(untrusted ? { untrusted } : {}) };
        }));
        if (json)
            out(`${JSON.stringify(rows, null, 2)}\n`);
        else if (rows.length === 0)
            out('binfmt_misc: no entries\n');
        else {
            const lines = rows.map(r => [
                r.name,
                r.enabled ? 'enabled' : 'disabled',
                r.platform,
                r.interpreter,
                r.flags,
                r.untrusted ? "not probed: its interpreter is not root's alone" : r.probe === undefined ? '' : r.probe ? 'probe ok' : 'probe FAILS'
            ]);
            out(`${table([['Entry', 'State', 'Platform', 'Interpreter', 'Flags', 'Probe'], ...lines])}\n`);
        }
        return 0;
    }
    finally {
        await disposeContext(ctx);
    }
}

;// CONCATENATED MODULE: ./src/faces/cli-diagnose.ts
/**
 * `setup-x86-on-arm diagnose [FILE] [--x86-64-level LEVEL] [--qemu-version VERSION] [--json]`: what
 * a foreign program's failure means and what helps, from its error output (FILE, or standard input)
 * by the same rules the container check uses. For a workflow step:
 *   ./my-x86_64-tool 2> err.txt || { setup-x86-on-arm diagnose err.txt --x86-64-level "$LEVEL"; exit 1; }
 * Exit 0 when it recognised a failure, 1 when it knows none of what the text shows.
 */




async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin)
        chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
}
/** The context options checked: each names its input and the fix, and nothing is read before they pass. */
function diagnosisContextOf(options) {
    const level = options['x86-64-level'];
    if (level !== undefined && !/^x86-64-v[1-4]$/.test(level)) {
        throw new InputError('x86-64-level', `"${level}" is not an x86-64 level`, "give x86-64-v1 to x86-64-v4 (the action's x86-64-level output)");
    }
    const version = options['qemu-version'];
    if (version !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(version)) {
        throw new InputError('qemu-version', `"${version}" is not a QEMU version`, 'give it as MAJOR.MINOR[.PATCH], e.g. 7.2.22');
    }
    return { x86Level: level, qemuVersion: version };
}
async function diagnoseCommand(file, options, json) {
    const context = diagnosisContextOf(options);
    let text;
    try {
        text = file === undefined ? await readStdin() : await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        throw new InputError('FILE', `cannot read ${file ?? 'standard input'}: ${error.code ?? error.message}`, 'name a readable file, or pipe the error output in');
    }
    const found = diagnoseAll(text, context);
    if (json)
        out(`${JSON.stringify({ diagnoses: found })}\n`);
    else if (found.length === 0)
        out('no failure this tool knows of in the text\n');
    else
        out(`${found.map(formatDiagnosis).join('\n')}\n`);
    return found.length > 0 ? 0 : 1;
}

;// CONCATENATED MODULE: ./src/faces/cli.ts
/**
 * The command-line entry, for provisioning a machine outside Actions with the same core; USAGE
 * is its one description (the README quotes it, a test holds the two equal). This module reads
 * the arguments (node:util parseArgs, strict) and runs the command; a bad argument exits 2 with
 * one line, any other failure 1. The commands are in cli-commands.ts.
 */







/** Every option each command takes (a test holds it to the option tables below). */
const USAGE = `usage: setup-x86-on-arm install [--platforms LIST] [--install auto|apt|download|none] [--flags F] [--verify auto|probe|container|none] [--persist] [--json]
                        [--verify-image IMAGE] [--qemu-version VERSION] [--qemu-url URL --qemu-sha256 SHA256] [--asset-base URL]
                        [--libraries LIST [--libraries-mirror URL] | --sysroot DIR] [--env-file PATH] [--cache-dir DIR]
       setup-x86-on-arm uninstall [--json]
       setup-x86-on-arm status [--json]
       setup-x86-on-arm diagnose [FILE] [--x86-64-level LEVEL] [--qemu-version VERSION] [--json]   (a program's error output: FILE or stdin)`;
const cli_text = { type: 'string' };
const flag = { type: 'boolean' };
const INSTALL_OPTIONS = {
    platforms: cli_text,
    install: cli_text,
    flags: cli_text,
    verify: cli_text,
    'verify-image': cli_text,
    'qemu-version': cli_text,
    'qemu-url': cli_text,
    'qemu-sha256': cli_text,
    'asset-base': cli_text,
    libraries: cli_text,
    'libraries-mirror': cli_text,
    sysroot: cli_text,
    'env-file': cli_text,
    'cache-dir': cli_text,
    persist: flag,
    json: flag
};
const OTHER_OPTIONS = { json: flag };
const DIAGNOSE_OPTIONS = { 'x86-64-level': cli_text, 'qemu-version': cli_text, json: flag };
const COMMANDS = ['install', 'uninstall', 'status', 'diagnose', 'help', '--help', '-h'];
/** parseArgs's complaint as one line in the shape every bad input has: what, what was wrong, what to do. */
function explainArgumentError(error, args) {
    if (!error.code?.startsWith('ERR_PARSE_ARGS_'))
        return error;
    const quoted = /'([^' ]+)/.exec(error.message)?.[1] ?? '';
    if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing|ambiguous/.test(error.message)) {
        const name = quoted.replace(/^-+/, '');
        return new InputError(name, 'needs a value', `write --${name} VALUE`);
    }
    const given = args.find(a => a === quoted || a.startsWith(`${quoted}=`)) ?? quoted;
    return new InputError('arguments', `unknown argument ${JSON.stringify(given)}`, USAGE.split('\n')[0]);
}
function parseCommandLine(argv) {
    const [word = 'help', ...rest] = argv;
    if (!COMMANDS.includes(word)) {
        throw new InputError('command', `unknown command ${JSON.stringify(word)}`, 'use install, uninstall, status or diagnose');
    }
    const command = word.startsWith('-') ? 'help' : word;
    let values;
    let positionals;
    try {
        const options = command === 'install' ? INSTALL_OPTIONS : command === 'diagnose' ? DIAGNOSE_OPTIONS : OTHER_OPTIONS;
        ({ values, positionals } = (0,external_node_util_.parseArgs)({ args: [...rest], options, strict: true, allowPositionals: command === 'diagnose' }));
    }
    catch (error) {
        throw explainArgumentError(error, rest);
    }
    if (positionals.length > 1) {
        throw new InputError('arguments', `diagnose reads one file, not ${positionals.length}`, 'name one FILE, or pipe the text in');
    }
    const options = {};
    for (const [name, value] of Object.entries(values)) {
        if (typeof value === 'string')
            options[name] = value;
        else if (name === 'persist' && value)
            options.persist = 'true';
    }
    return { command, options, json: values.json === true, file: positionals[0] };
}
/**
 * Runs the command `argv` names; its exit code. install and status get their Context from
 * `contextFor`; uninstall, which only undoes, the part of one it needs from `restoreFor`.
 */
async function runCli(argv, contextFor = createContext, restoreFor = restoreContext) {
    try {
        const { command, options, json, file } = parseCommandLine(argv);
        if (command === 'install')
            return await install(options, json, contextFor);
        if (command === 'diagnose')
            return await diagnoseCommand(file, options, json);
        if (command === 'uninstall')
            return await uninstall(json, restoreFor);
        if (command === 'status')
            return await cli_commands_status(json, contextFor);
        out(`${USAGE}\n`);
        return 0;
    }
    catch (error) {
        err(`error: ${error.message}\n`);
        return error instanceof InputError ? 2 : 1;
    }
}


/***/ }),

/***/ 1439:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6276);

process.exitCode = await (0,_cli_js__WEBPACK_IMPORTED_MODULE_0__/* .runCli */ .ak)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 8783:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ ArchiveError)
/* harmony export */ });
/**
 * The one error the archive readers raise: something is wrong with an archive's contents (not
 * with its download). The download step wraps it with the URL it came from.
 */
class ArchiveError extends Error {
}


/***/ }),

/***/ 9715:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   M8: () => (/* binding */ AR_MAGIC),
/* harmony export */   MB: () => (/* binding */ compressionOf),
/* harmony export */   RE: () => (/* binding */ formatFromName),
/* harmony export */   Sc: () => (/* binding */ confirmFormat),
/* harmony export */   Xc: () => (/* binding */ parseFormat),
/* harmony export */   bV: () => (/* binding */ fileNameOf),
/* harmony export */   nD: () => (/* binding */ formatName),
/* harmony export */   rc: () => (/* binding */ describeContainer),
/* harmony export */   t8: () => (/* binding */ containerOf)
/* harmony export */ });
/* harmony import */ var _archive_error_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8783);
/* harmony import */ var _tar_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4293);
/**
 * What a downloaded file is: its compression (gzip, xz, zstd, brotli or none) and its container (a
 * tar archive, a .deb, or a single program), told from a manifest's format name, from the file's
 * name, and checked against its first bytes before anything is read out of it. Brotli has no magic
 * number: only a name (.br) or a manifest says it, and its decoder is the judge of its bytes.
 */


/** The first bytes of an ar archive, which a .deb is. */
const AR_MAGIC = '!<arch>\n';
const FORMAT_NAMES = {
    'tar.gz': { container: 'tar', compression: 'gzip' },
    tgz: { container: 'tar', compression: 'gzip' },
    'tar.xz': { container: 'tar', compression: 'xz' },
    txz: { container: 'tar', compression: 'xz' },
    'tar.zst': { container: 'tar', compression: 'zstd' },
    tzst: { container: 'tar', compression: 'zstd' },
    'tar.br': { container: 'tar', compression: 'brotli' },
    tar: { container: 'tar', compression: 'none' },
    deb: { container: 'deb', compression: 'none' },
    gz: { container: 'binary', compression: 'gzip' },
    xz: { container: 'binary', compression: 'xz' },
    zst: { container: 'binary', compression: 'zstd' },
    br: { container: 'binary', compression: 'brotli' },
    binary: { container: 'binary', compression: 'none' }
};
/** A manifest's `format` value ("tar.gz", "deb", "xz", "binary", ...); undefined when unknown. */
function parseFormat(name) {
    const format = FORMAT_NAMES[name.trim().toLowerCase()];
    return format ? { ...format } : undefined;
}
/** The canonical name of a format, as manifests write it. */
function formatName(format) {
    const { container, compression } = format;
    if (container === 'deb')
        return 'deb';
    const ext = { gzip: 'gz', xz: 'xz', zstd: 'zst', brotli: 'br', none: '' }[compression];
    if (container === 'tar')
        return ext ? `tar.${ext}` : 'tar';
    if (container === 'binary')
        return ext || 'binary';
    return ext ? `?.${ext}` : '?';
}
/** The last path segment of a URL (or a plain file name), decoded, without query or fragment. */
function fileNameOf(urlOrName) {
    let path;
    try {
        path = new URL(urlOrName).pathname;
    }
    catch {
        path = urlOrName.replace(/[?#].*$/, '');
    }
    const last = path.split('/').filter(Boolean).pop() ?? '';
    try {
        return decodeURIComponent(last);
    }
    catch {
        return last;
    }
}
/**
 * The format a file name announces: foo.tar.gz, foo.tgz, foo.deb, qemu-x86_64.xz, ...
 * A name that ends in none of these (qemu-x86_64, a mirror's opaque name) gives undefined.
 */
function formatFromName(urlOrName) {
    const name = fileNameOf(urlOrName).toLowerCase();
    for (const ext of ['tar.gz', 'tar.xz', 'tar.zst', 'tar.br', 'tgz', 'txz', 'tzst', 'tar', 'deb']) {
        if (name.endsWith(`.${ext}`))
            return parseFormat(ext);
    }
    for (const ext of ['gz', 'xz', 'zst', 'br']) {
        if (name.endsWith(`.${ext}`))
            return parseFormat(ext);
    }
    return undefined;
}
/** The compression a file's first bytes show (gzip, xz, zstd; brotli cannot be seen), 'none' otherwise. */
function compressionOf(head) {
    const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
    if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b)
        return 'gzip';
    if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])))
        return 'xz';
    if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528)
        return 'zstd';
    if (b.length >= 3 && b.subarray(0, 3).toString('latin1') === 'BZh')
        return 'bzip2';
    return 'none';
}
/** What uncompressed bytes are: an ELF program, a tar archive, an ar archive (.deb), or unknown. */
function containerOf(head) {
    const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
    if (b.length >= 4 && b.readUInt32BE(0) === 0x7f454c46)
        return 'binary';
    if (b.length >= 8 && b.subarray(0, 8).toString('latin1') === AR_MAGIC)
        return 'deb';
    if (b.length >= 512 && typeof (0,_tar_js__WEBPACK_IMPORTED_MODULE_0__/* .parseTarHeader */ .OH)(b.subarray(0, 512)) === 'object')
        return 'tar';
    return undefined;
}
/** A container in words, for messages. */
function describeContainer(container) {
    return { tar: 'a tar archive', deb: 'an ar archive (.deb)', binary: 'an ELF program' }[container];
}
/**
 * Checks a file's raw first bytes against the format its name or manifest entry announced, and
 * fills in what the bytes tell. Throws ArchiveError on a contradiction.
 */
function confirmFormat(declared, head) {
    const compression = compressionOf(head);
    if (compression === 'bzip2')
        throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArchiveError */ .d('the file is bzip2-compressed, which is not supported (use gzip, xz, zstd or brotli)');
    if (declared?.compression === 'brotli') {
        // No magic number to compare: refuse only what the bytes plainly show to be something else.
        const seen = compression !== 'none'
            ? `${compression}-compressed`
            : containerOf(head)
                ? `${describeContainer(containerOf(head))}, not compressed`
                : undefined;
        if (seen)
            throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArchiveError */ .d(`expected a ${formatName(declared)} file, but its first bytes show it is ${seen}`);
        return { ...declared };
    }
    if (declared && declared.compression !== compression) {
        const shown = compression === 'none' ? `not ${declared.compression}-compressed` : `${compression}-compressed`;
        throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArchiveError */ .d(`expected a ${formatName(declared)} file, but its first bytes show it is ${shown}`);
    }
    let container = declared?.container;
    if (compression === 'none') {
        const seen = containerOf(head);
        if (declared && container && seen && seen !== container) {
            throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArchiveError */ .d(`expected a ${formatName(declared)} file, but its first bytes show ${describeContainer(seen)}`);
        }
        if (declared && container && !seen)
            throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArchiveError */ .d(`expected a ${formatName(declared)} file, but its first bytes show neither ELF, tar nor ar`);
        container = seen;
        if (!container)
            throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArchiveError */ .d('the file is not a known archive (gzip, xz, zstd, tar, .deb; brotli is known by a .br name) nor an ELF program');
    }
    if (container === 'deb' && compression !== 'none')
        throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_1__/* .ArchiveError */ .d('a .deb is an uncompressed ar archive; this file is compressed');
    return { container, compression };
}


/***/ }),

/***/ 4293:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Nb: () => (/* binding */ walkTar),
/* harmony export */   OH: () => (/* binding */ parseTarHeader)
/* harmony export */ });
/* unused harmony exports tarNumber, parsePax */
/* harmony import */ var _archive_error_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8783);
/**
 * Reading tar archives as a stream: 512-byte ustar/GNU headers (octal or base-256 numbers, the
 * ustar path prefix), pax and GNU long-name records, and a walker that shows each member to a
 * visitor, which reads its bytes into a sink, skips it, or stops the walk.
 */

/** Longest pax or GNU long-name record honoured. */
const MAX_META_BYTES = 1024 * 1024;
function cString(block, start, length) {
    const field = block.subarray(start, start + length);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}
/** An octal field, or GNU's base-256 form (first byte with its high bit set). NaN when invalid. */
function tarNumber(block, start, length) {
    const field = block.subarray(start, start + length);
    if (field[0] & 0x80) {
        let value = field[0] & 0x7f;
        for (let i = 1; i < field.length; i++)
            value = value * 256 + field[i];
        return value;
    }
    const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
    if (text === '')
        return 0;
    return /^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN;
}
const TYPES = {
    '0': 'file',
    '\0': 'file',
    '7': 'file',
    '1': 'hardlink',
    '2': 'symlink',
    '5': 'directory',
    x: 'pax',
    g: 'pax-global',
    L: 'gnu-longname',
    K: 'gnu-longlink'
};
/**
 * Parses one 512-byte tar header. Returns 'end' for an all-zero block (the end marker), undefined
 * when the block is not a valid header (bad checksum or fields).
 */
function parseTarHeader(block) {
    if (block.length < 512)
        return undefined;
    if (block.every(b => b === 0))
        return 'end';
    const stored = tarNumber(block, 148, 8);
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < 512; i++) {
        const byte = i >= 148 && i < 156 ? 0x20 : block[i];
        unsigned += byte;
        signed += byte > 127 ? byte - 256 : byte;
    }
    if (Number.isNaN(stored) || (stored !== unsigned && stored !== signed))
        return undefined;
    const size = tarNumber(block, 124, 12);
    const mode = tarNumber(block, 100, 8);
    if (Number.isNaN(size) || Number.isNaN(mode))
        return undefined;
    let path = cString(block, 0, 100);
    // POSIX ustar keeps a path prefix at 345; GNU's "ustar  " layout uses those bytes for times.
    if (block.subarray(257, 263).toString('latin1') === 'ustar\0') {
        const prefix = cString(block, 345, 155);
        if (prefix)
            path = `${prefix}/${path}`;
    }
    const flag = String.fromCharCode(block[156]);
    return { path, type: TYPES[flag] ?? 'other', size, linkname: cString(block, 157, 100), mode };
}
/** Parses a pax extended header body: "<len> key=value\n" records. */
function parsePax(body) {
    const records = new Map();
    let at = 0;
    while (at < body.length) {
        const space = body.indexOf(0x20, at);
        if (space === -1)
            break;
        const length = parseInt(body.subarray(at, space).toString('latin1'), 10);
        if (!Number.isFinite(length) || length <= space - at || at + length > body.length)
            break;
        const record = body.subarray(space + 1, at + length - 1).toString('utf8');
        const eq = record.indexOf('=');
        if (eq > 0)
            records.set(record.slice(0, eq), record.slice(eq + 1));
        at += length;
    }
    return records;
}
/**
 * Walks a tar stream, calling visit for every member (files, links, directories). Stops at the
 * end marker, at the end of the stream on a header boundary, or when visit says 'stop'. A stream
 * that ends inside a header or a member, or a bad header, is an ArchiveError.
 */
async function walkTar(reader, visit) {
    let longName;
    let longLink;
    let pax = new Map();
    let first = true;
    for (;;) {
        const block = await reader.read(512);
        if (block.length === 0)
            return;
        if (block.length < 512)
            throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_0__/* .ArchiveError */ .d('the tar archive is truncated (it ends inside a header)');
        const header = parseTarHeader(block);
        if (header === 'end')
            return;
        if (!header)
            throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_0__/* .ArchiveError */ .d(first ? 'not a tar archive (the first header is not valid)' : 'the tar archive is corrupt (a header has a bad checksum)');
        first = false;
        const padded = Math.ceil(header.size / 512) * 512;
        if (header.type === 'pax' || header.type === 'gnu-longname' || header.type === 'gnu-longlink' || header.type === 'pax-global') {
            if (header.size > MAX_META_BYTES)
                throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_0__/* .ArchiveError */ .d(`the tar archive has a ${header.size}-byte extended header, more than this reader accepts`);
            const body = await reader.read(padded);
            if (body.length < padded)
                throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_0__/* .ArchiveError */ .d('the tar archive is truncated (it ends inside an extended header)');
            const data = body.subarray(0, header.size);
            if (header.type === 'pax')
                pax = parsePax(data);
            else if (header.type === 'gnu-longname')
                longName = cString(data, 0, data.length);
            else if (header.type === 'gnu-longlink')
                longLink = cString(data, 0, data.length);
            continue;
        }
        const sizeText = pax.get('size');
        const size = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : header.size;
        const entry = {
            path: pax.get('path') ?? longName ?? header.path,
            type: header.type === 'file' || header.type === 'directory' || header.type === 'symlink' || header.type === 'hardlink'
                ? header.type
                : 'other',
            size,
            linkname: pax.get('linkpath') ?? longLink ?? header.linkname
        };
        pax = new Map();
        longName = undefined;
        longLink = undefined;
        const action = await visit(entry);
        if (action === 'stop')
            return;
        const bodyPadded = Math.ceil(size / 512) * 512;
        if (action === 'skip') {
            const skipped = await reader.forward(bodyPadded);
            if (skipped < bodyPadded)
                throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_0__/* .ArchiveError */ .d(`the tar archive is truncated (it ends inside ${entry.path})`);
        }
        else {
            const got = await reader.forward(size, chunk => action.write(chunk));
            if (got < size)
                throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_0__/* .ArchiveError */ .d(`the tar archive is truncated (it ends inside ${entry.path} after ${got} of ${size} bytes)`);
            if ((await action.end()) === 'stop')
                return;
            const pad = await reader.forward(bodyPadded - size);
            if (pad < bodyPadded - size)
                throw new _archive_error_js__WEBPACK_IMPORTED_MODULE_0__/* .ArchiveError */ .d(`the tar archive is truncated (it ends after ${entry.path})`);
        }
    }
}


/***/ }),

/***/ 2237:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ax: () => (/* binding */ findInterpreter),
/* harmony export */   OS: () => (/* binding */ parseQemuVersion),
/* harmony export */   zQ: () => (/* binding */ qemuVersion)
/* harmony export */ });
/* unused harmony exports candidatePaths, unsuitability */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _kernel_elf_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6240);
/* harmony import */ var _kernel_process_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(3694);
/* harmony import */ var _kernel_root_files_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(4659);
/** Finding a QEMU user-mode interpreter already on the machine, and telling its version. */





const SYSTEM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin'];
/** The places distros and peer tools put qemu-<target>, in the order they are tried. */
function candidatePaths(target, pathEnv = process.env.PATH ?? '') {
    const dirs = [...pathEnv.split(node_path__WEBPACK_IMPORTED_MODULE_1__.delimiter).filter(d => d.startsWith('/')), ...SYSTEM_DIRS];
    const paths = dirs.flatMap(dir => [`${dir}/qemu-${target}-static`, `${dir}/qemu-${target}`]);
    paths.push(`/usr/libexec/qemu-binfmt/${target}-binfmt-P`);
    return [...new Set(paths)];
}
/** Why a file cannot serve as the interpreter for these flags, or undefined when it can. */
async function unsuitability(path, flags) {
    const elf = await (0,_kernel_elf_js__WEBPACK_IMPORTED_MODULE_2__/* .readElf */ .o)(path);
    if (!elf)
        return `${path} is not an ELF program`;
    if (flags.includes('F') && !elf.isStatic) {
        return `${path} is dynamically linked: with the F flag the kernel uses it inside containers, where its libraries are missing`;
    }
    if (path.endsWith('-binfmt-P') && !flags.includes('P')) {
        return `${path} expects the P flag (preserve argv[0]); add P to flags to use it`;
    }
    return undefined;
}
function exists(path) {
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.access)(path).then(() => true, () => false);
}
/** The first suitable interpreter on the machine for a target. */
async function findInterpreter(target, flags, pathEnv) {
    const rejected = [];
    for (const path of candidatePaths(target, pathEnv)) {
        if (!(await exists(path)))
            continue;
        // Registered, it runs for every user of the machine: only root may be able to change it.
        const untrusted = await (0,_kernel_root_files_js__WEBPACK_IMPORTED_MODULE_4__/* .rootOnlyProblem */ .k)(path, 'file');
        const why = untrusted ? `${path} is not root's alone (${untrusted})` : await unsuitability(path, flags);
        if (why) {
            rejected.push(why);
            continue;
        }
        return { found: { path, version: await qemuVersion(path) }, rejected };
    }
    return { rejected };
}
/** "qemu-x86_64 version 8.2.2 (Debian ...)" -> "8.2.2" */
function parseQemuVersion(text) {
    return /version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}
async function qemuVersion(path) {
    const result = await (0,_kernel_process_js__WEBPACK_IMPORTED_MODULE_3__/* .runProgram */ .mB)(path, ['--version'], { timeoutMs: 10_000 });
    return result.code === 0 ? parseQemuVersion(result.stdout) : undefined;
}


/***/ }),

/***/ 3098:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e0: () => (/* binding */ MANIFEST),
  Wh: () => (/* binding */ assetFor),
  uq: () => (/* binding */ assetUrl),
  Oi: () => (/* binding */ findReleases),
  J0: () => (/* binding */ knownVersions),
  be: () => (/* binding */ normalizeSha256)
});

// UNUSED EXPORTS: ManifestError, isCacheVersion, validateManifest

// EXTERNAL MODULE: ./src/kernel/platforms.ts
var platforms = __nccwpck_require__(5621);
;// CONCATENATED MODULE: ./src/install/manifest.json
const manifest_namespaceObject = /*#__PURE__*/JSON.parse('{"comment":"Known QEMU builds for install: download. Each release: id (what qemu-version names; also the tool-cache version), qemu (the QEMU version it reports), source (a GitHub owner/repo, or \\"action\\" for assets published by the repository the action runs from: <its address, e.g. GITHUB_SERVER_URL/GITHUB_ACTION_REPOSITORY>/releases/download/<tag>/<file>), optional fallback (the id to use when this release\'s assets are missing), assets. An asset serves one host architecture (Docker names: amd64, arm64, arm, ...); with target it is that one interpreter alone, without it an archive holding several. sha256 null = no known digest: the asset is refused until `npm run manifest -- <id>` fills it from GitHub\'s release API. digestSource says where each sha256 came from. Releases with source \\"action\\" are made by `npm run package-qemu -- <debian-version>` (scripts/package-qemu.mjs) from Debian\'s signed qemu-user packages, one compressed static interpreter per file: brotli (format br, qemu-<target>-linux-<host>.br, decoded in-process by node:zlib) for new releases, xz (.xz) for older ones; binarySha256 is the sha256 of the interpreter once decompressed. Their debian field records the suite, the package version per host and the compression (settings and encoder version), and `npm run package-qemu -- --rebuild <id>` makes the same bytes again.","default":"7.2.22","releases":[{"id":"10.0.13","qemu":"10.0.13","source":"action","tag":"qemu-v10.0.13","fallback":"10.2.3-68","debian":{"suite":"trixie","package":"qemu-user","versions":{"amd64":"1:10.0.13+ds-0+deb13u1","arm64":"1:10.0.13+ds-0+deb13u1","arm":"1:10.0.13+ds-0+deb13u1"},"compression":"xz -9 --check=crc64 -T1 (XZ Utils 5.4.1)"},"assets":[{"host":"amd64","target":"aarch64","file":"qemu-aarch64-linux-amd64.xz","format":"xz","sha256":"27b16ac570f289e024929128afe6dbe2632cb4b98782e149d88ec14b060619eb","binarySha256":"73cc2584f119f9e74c85c0a8549dbb6fd104ae3897a06a7500797f9e5b4d0943","size":2567500,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (amd64, trixie; .deb sha256 ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336), its usr/bin/qemu-aarch64 compressed with xz -9 --check=crc64 -T1"},{"host":"amd64","target":"arm","file":"qemu-arm-linux-amd64.xz","format":"xz","sha256":"c63955c07264d4167fd2aa1b19aac490bf917385d0211cc429d36e3af9ca1250","binarySha256":"94f4d938a299230026c759b348a5c8f8eaf05969ee5d7a6819598de8c6d342bb","size":2275112,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (amd64, trixie; .deb sha256 ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336), its usr/bin/qemu-arm compressed with xz -9 --check=crc64 -T1"},{"host":"amd64","target":"riscv64","file":"qemu-riscv64-linux-amd64.xz","format":"xz","sha256":"a1f0e21443cf5c1cae156fcbf3a2613c288fe8e941ed5be25a13995791ab59a1","binarySha256":"f2bb9b35eb97fc6b67c43a65d944ea9dcd7b1908df95faf28cea68511e762dc5","size":2168420,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (amd64, trixie; .deb sha256 ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336), its usr/bin/qemu-riscv64 compressed with xz -9 --check=crc64 -T1"},{"host":"amd64","target":"ppc64le","file":"qemu-ppc64le-linux-amd64.xz","format":"xz","sha256":"6e1a472eb57f4cc442345de788db61cb738f50184bf2cfe12b171b96d9794ec7","binarySha256":"450b03fd35025e483e9347e59f444ab45ab5a232047d04b036cd1c4ebcf42e89","size":2202964,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (amd64, trixie; .deb sha256 ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336), its usr/bin/qemu-ppc64le compressed with xz -9 --check=crc64 -T1"},{"host":"amd64","target":"s390x","file":"qemu-s390x-linux-amd64.xz","format":"xz","sha256":"27246b3e2dfc2b72f094874d56ee6f11f34f58dafa1756d0f831aece24628ccd","binarySha256":"9f97454561433373d0e0c14b6decabb0fd4c150cdd102299704498bc0fc7d7d2","size":2079932,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (amd64, trixie; .deb sha256 ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336), its usr/bin/qemu-s390x compressed with xz -9 --check=crc64 -T1"},{"host":"amd64","target":"mips64el","file":"qemu-mips64el-linux-amd64.xz","format":"xz","sha256":"67548b6072f948eb1e50c1a2e65257471c256f03e991aceb8d3c42a88afcf7b9","binarySha256":"34b47fcbaecc5c9cecc9293e097f61d8773c2d8b2578d06692494cc5a04ed149","size":2166412,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (amd64, trixie; .deb sha256 ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336), its usr/bin/qemu-mips64el compressed with xz -9 --check=crc64 -T1"},{"host":"amd64","target":"loongarch64","file":"qemu-loongarch64-linux-amd64.xz","format":"xz","sha256":"07b4f1dcb60d68306aa45a04e988c73a555333c0536b9008841c647ba4dcb4f3","binarySha256":"b09614fd066fb73ecc02d026b61d20b1fc6ac9f6403476f5ef395346f6ce2d60","size":2075092,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (amd64, trixie; .deb sha256 ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336), its usr/bin/qemu-loongarch64 compressed with xz -9 --check=crc64 -T1"},{"host":"arm64","target":"x86_64","file":"qemu-x86_64-linux-arm64.xz","format":"xz","sha256":"ef28e6918eaf7dc9375984b3e11b006ea75cdf1a47a1a0f7dd6e469211bcc776","binarySha256":"9af86352fd463ad9ec25bdd6a4b891ac6b6a7f3d46a7db3da6f23e2c09094a59","size":1936712,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (arm64, trixie; .deb sha256 c73711af02b97cd5e2667e735d9c06890c57165517110ca4e646c95a7083158d), its usr/bin/qemu-x86_64 compressed with xz -9 --check=crc64 -T1"},{"host":"arm64","target":"i386","file":"qemu-i386-linux-arm64.xz","format":"xz","sha256":"d9f85335a79e5a54f3bcb5b9b9ba82a0448e0d62ec3384a04d584edf5d3cc2c4","binarySha256":"05861488755f4f14fad16200cb9d33257654b48206ced0be2b8a64b954870a7f","size":1938872,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (arm64, trixie; .deb sha256 c73711af02b97cd5e2667e735d9c06890c57165517110ca4e646c95a7083158d), its usr/bin/qemu-i386 compressed with xz -9 --check=crc64 -T1"},{"host":"arm","target":"i386","file":"qemu-i386-linux-arm.xz","format":"xz","sha256":"a3fc3748a744afc1d37c106719eee57ef2eeb48ef288db6417b11a041f815559","binarySha256":"1d2499b79d614b3770eface3a9309efffd7c5f6e804b0f169342d631c9d90f59","size":1756168,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user 1:10.0.13+ds-0+deb13u1 (armhf, trixie; .deb sha256 ec0504b60e9b3def620ef946d69b3c07cf0f0216bc29bbcaaa0c4a079fc743c8), its usr/bin/qemu-i386 compressed with xz -9 --check=crc64 -T1"}]},{"id":"7.2.22","qemu":"7.2.22","source":"action","tag":"qemu-v7.2.22","fallback":"10.2.3-68","debian":{"suite":"bookworm","package":"qemu-user-static","versions":{"amd64":"1:7.2+dfsg-7+deb12u18+b3","arm64":"1:7.2+dfsg-7+deb12u18+b3","arm":"1:7.2+dfsg-7+deb12u18+b3"},"compression":"node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length (brotli 1.1.0)"},"assets":[{"host":"amd64","target":"aarch64","file":"qemu-aarch64-linux-amd64.br","format":"br","sha256":"c82e8ba270d22c14e03c1d2d57e0dd07b5fecc2a4c300ba6272d819f880f3011","binarySha256":"4f55e2e88dc05dc0f619562d5795b8eb25ed2ad2547504fb4835207a6911c350","size":2342163,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (amd64, bookworm; .deb sha256 c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402), its usr/bin/qemu-aarch64-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"amd64","target":"arm","file":"qemu-arm-linux-amd64.br","format":"br","sha256":"ef35d726db018adb7b78e7c53011146486752363fa17ac1d9bce9c8e5b9bbf65","binarySha256":"4707fc8fee4660dba6d150d930152d995f2aa784e3b52b4deb8be282533d1f87","size":2062002,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (amd64, bookworm; .deb sha256 c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402), its usr/bin/qemu-arm-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"amd64","target":"riscv64","file":"qemu-riscv64-linux-amd64.br","format":"br","sha256":"661df45cc0b9a1b2762d1473d4f1d5b5fcd5cd5f495a025673358855ba53f6d3","binarySha256":"555165a5f638551572c53cf0844942b781aaa13681bb6a838170d8ef4f1c207c","size":1920674,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (amd64, bookworm; .deb sha256 c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402), its usr/bin/qemu-riscv64-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"amd64","target":"ppc64le","file":"qemu-ppc64le-linux-amd64.br","format":"br","sha256":"ef41e0a2fba84ee5e8d0a934811d98914902198654c0feb6f5b72c8a83ff0639","binarySha256":"8bb66df7a3ebc66356fc89f5ec08acf3184dfa2af684fa03f737e2c37f5d5e2b","size":1992202,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (amd64, bookworm; .deb sha256 c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402), its usr/bin/qemu-ppc64le-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"amd64","target":"s390x","file":"qemu-s390x-linux-amd64.br","format":"br","sha256":"83cab5a3133605333d4dbf2942e091074fbab092250abaf4f422e020bfc805d5","binarySha256":"eaae13a250d6f10419de73f3a04ee11f6b27b4f1d05251ac74340a8f5d67dddb","size":1868175,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (amd64, bookworm; .deb sha256 c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402), its usr/bin/qemu-s390x-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"amd64","target":"mips64el","file":"qemu-mips64el-linux-amd64.br","format":"br","sha256":"ea1de93c12d6530a9e24476756efb6ce4b43bafc1db650b56de1b8229e48e17d","binarySha256":"60a4f793e8df59b94bf69810b8b7b778ea81956eaf4a788194387f7dd5554336","size":1962899,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (amd64, bookworm; .deb sha256 c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402), its usr/bin/qemu-mips64el-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"amd64","target":"loongarch64","file":"qemu-loongarch64-linux-amd64.br","format":"br","sha256":"13bf7be53fee52b25b58c501d207c32b557a0ff715482e8b755963379fb26930","binarySha256":"bd9a514632619fb0f90692b1f5df8ec93e5f4a562a361056e5e6a36b966cd10d","size":1763457,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (amd64, bookworm; .deb sha256 c3e3ba2bd87f8c5b9a5da5ef21b5a3b82d7c63b89dd448d9ddaa4eabc5b6e402), its usr/bin/qemu-loongarch64-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"arm64","target":"x86_64","file":"qemu-x86_64-linux-arm64.br","format":"br","sha256":"9102405cb6674271496d7c997eae90ef0e713e3722969c98c364471127603c93","binarySha256":"16ce7dbb6626f3c0e1f932f831817dbf3b506c848a168d16f2172151e9666594","size":1788451,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (arm64, bookworm; .deb sha256 e420c417c12b42ca774795b62888d5388da0e08c1ef263dea1490e5ce4e32a0b), its usr/bin/qemu-x86_64-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"arm64","target":"i386","file":"qemu-i386-linux-arm64.br","format":"br","sha256":"815ed90838213b9787803b83778f18cc1b91f9913c3ca4b28bb6eddf2dc3119b","binarySha256":"780a2ba1b55023d2a86a4d6a500fb33d91ec8a42d410cee042031a26a0b57c86","size":1794649,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (arm64, bookworm; .deb sha256 e420c417c12b42ca774795b62888d5388da0e08c1ef263dea1490e5ce4e32a0b), its usr/bin/qemu-i386-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"arm","target":"x86_64","file":"qemu-x86_64-linux-arm.br","format":"br","sha256":"a3cca481ed3ecb792df7371d48b7ed2406f377d2c45ca3caa2a324aded4715ba","binarySha256":"64091c6ea817eaa080ed1309b5ccf040e7d980e95174f64e0af3bcd66c539eca","size":1568551,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (armhf, bookworm; .deb sha256 426cea7e531bcbf6a14c174cf018a58a731c2056765278f732986a09aede9f89), its usr/bin/qemu-x86_64-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"},{"host":"arm","target":"i386","file":"qemu-i386-linux-arm.br","format":"br","sha256":"c4c4962e40997c2aeaca0db1d3fac78f401f8ecbcd774eefe1acbef1adda5a1a","binarySha256":"0821e2c05101db7ee1ece187b810d8ed5b0d113417254255103485d6ac1fb2bf","size":1559017,"digestSource":"debian: computed by npm run package-qemu from Debian\'s signed package qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (armhf, bookworm; .deb sha256 426cea7e531bcbf6a14c174cf018a58a731c2056765278f732986a09aede9f89), its usr/bin/qemu-i386-static compressed with node:zlib brotliCompressSync, quality 11, lgwin 24, mode generic, size hint the input length"}]},{"id":"10.2.3-68","qemu":"10.2.3","source":"tonistiigi/binfmt","tag":"deploy/v10.2.3-68","assets":[{"host":"amd64","url":"https://github.com/tonistiigi/binfmt/releases/download/deploy%2Fv10.2.3-68/qemu_v10.2.3_linux-amd64.tar.gz","format":"tar.gz","sha256":"8e7d8f4c0c7809fc3fea0085199fd6b16f671e7c73d9bf6bec711e1cb535920a","digestSource":"unverified: the same value pinned by two unrelated public repositories (a Dockerfile ADD --checksum and an install script); not yet checked against GitHub\'s release API. Run npm run manifest -- 10.2.3-68 to replace it."},{"host":"arm64","url":"https://github.com/tonistiigi/binfmt/releases/download/deploy%2Fv10.2.3-68/qemu_v10.2.3_linux-arm64.tar.gz","format":"tar.gz","sha256":null,"digestSource":"unknown: no digest could be learned without GitHub access. Run npm run manifest -- 10.2.3-68."},{"host":"arm","url":"https://github.com/tonistiigi/binfmt/releases/download/deploy%2Fv10.2.3-68/qemu_v10.2.3_linux-arm-v7.tar.gz","format":"tar.gz","sha256":null,"digestSource":"unknown: no digest could be learned without GitHub access. Run npm run manifest -- 10.2.3-68."}]}]}');
// EXTERNAL MODULE: ./src/install/archive/format.ts
var format = __nccwpck_require__(9715);
;// CONCATENATED MODULE: ./src/install/manifest.ts
/**
 * The repository's list of known QEMU builds (manifest.json): which file to download for a QEMU
 * version and host architecture, in which format, and the sha256 it must have. Lookups here are
 * pure functions; manifest.json is checked by validateManifest when loaded.
 */



class ManifestError extends Error {
}
const TARGETS = new Set(platforms/* PLATFORMS */.P4.map(p => p.target));
/** Semver without build metadata, the tool cache's version folders: 1.2.3 or 1.2.3-pre.4 */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?$/;
/** "sha256:ABC..." or "abc..." -> "abc..."; undefined unless 64 hex digits. */
function normalizeSha256(value) {
    if (typeof value !== 'string')
        return undefined;
    const hex = value
        .trim()
        .toLowerCase()
        .replace(/^sha256:/, '');
    return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}
/**
 * Is a version string a tool-cache version folder name? The same strings @actions/tool-cache
 * took as explicit versions and kept unchanged, so caches it wrote are still found.
 */
function isCacheVersion(version) {
    return SEMVER.test(version);
}
/** Checks the shape of parsed manifest JSON; throws ManifestError naming the first problem. */
function validateManifest(json) {
    const fail = (where, problem) => {
        throw new ManifestError(`manifest ${where}: ${problem}`);
    };
    if (!json || typeof json !== 'object')
        fail('', 'is not an object');
    const m = json;
    if (typeof m.default !== 'string')
        fail('default', 'is not a string');
    if (!Array.isArray(m.releases))
        fail('releases', 'is not a list');
    const ids = new Set();
    const releases = m.releases;
    releases.forEach((r, i) => {
        const where = `releases[${i}]`;
        if (!r || typeof r !== 'object')
            fail(where, 'is not an object');
        const rel = r;
        if (typeof rel.id !== 'string' || !isCacheVersion(rel.id))
            fail(`${where}.id`, `${JSON.stringify(rel.id)} is not a semver version (1.2.3 or 1.2.3-4)`);
        if (ids.has(rel.id))
            fail(`${where}.id`, `${rel.id} appears twice`);
        ids.add(rel.id);
        if (typeof rel.qemu !== 'string' || !/^\d+\.\d+(\.\d+)?$/.test(rel.qemu))
            fail(`${where}.qemu`, 'is not a QEMU version');
        if (typeof rel.source !== 'string' || !(rel.source === 'action' || /^[\w.-]+\/[\w.-]+$/.test(rel.source)))
            fail(`${where}.source`, 'is neither "action" nor owner/repo');
        if (rel.tag !== undefined && typeof rel.tag !== 'string')
            fail(`${where}.tag`, 'is not a string');
        if (rel.source === 'action' && typeof rel.tag !== 'string')
            fail(`${where}.tag`, 'is needed for source "action"');
        if (rel.fallback !== undefined && typeof rel.fallback !== 'string')
            fail(`${where}.fallback`, 'is not a string');
        if (!Array.isArray(rel.assets))
            fail(`${where}.assets`, 'is not a list');
        rel.assets.forEach((a, j) => {
            const at = `${where}.assets[${j}]`;
            if (!a || typeof a !== 'object')
                fail(at, 'is not an object');
            const asset = a;
            if (typeof asset.host !== 'string' || !/^[a-z0-9-]+$/.test(asset.host))
                fail(`${at}.host`, 'is not a host architecture name');
            if (asset.target !== undefined && !TARGETS.has(asset.target))
                fail(`${at}.target`, `${JSON.stringify(asset.target)} is not a QEMU target`);
            if (typeof asset.format !== 'string' || !(0,format/* parseFormat */.Xc)(asset.format))
                fail(`${at}.format`, `${JSON.stringify(asset.format)} is not a known format`);
            if (asset.sha256 !== null && normalizeSha256(asset.sha256) !== asset.sha256)
                fail(`${at}.sha256`, 'is neither null nor 64 lower-case hex digits');
            if (asset.size !== undefined && !(Number.isInteger(asset.size) && asset.size > 0))
                fail(`${at}.size`, 'is not a positive integer');
            if (asset.binarySha256 !== undefined && normalizeSha256(asset.binarySha256) !== asset.binarySha256)
                fail(`${at}.binarySha256`, 'is not 64 lower-case hex digits');
            if (asset.binarySha256 !== undefined && asset.target === undefined)
                fail(`${at}.binarySha256`, 'is only for a single-interpreter asset (one with a target)');
            const hasUrl = typeof asset.url === 'string';
            const hasFile = typeof asset.file === 'string';
            if (hasUrl === hasFile)
                fail(at, 'needs exactly one of url and file');
            if (hasUrl && !/^https?:\/\/[^\s]+$/.test(asset.url))
                fail(`${at}.url`, 'is not an http(s) URL');
            if (hasFile && (rel.source !== 'action' || /[/\\]/.test(asset.file)))
                fail(`${at}.file`, 'is only for source "action", as a plain file name');
        });
    });
    for (const r of releases) {
        if (r.fallback !== undefined && !ids.has(r.fallback))
            fail(`release ${r.id}.fallback`, `names ${r.fallback}, which is not in the manifest`);
    }
    if (!ids.has(m.default))
        fail('default', `${m.default} is not a release id`);
    return json;
}
/** The manifest shipped with the action. */
const MANIFEST = validateManifest(manifest_namespaceObject);
/**
 * The releases that can serve a requested qemu-version, in the order to try them: '' is the
 * default; 10.2.3-68 is that release; 10.2.3 or 10.2 is the first release (manifest order, newest
 * first) whose QEMU version matches. Each is followed by its fallback chain. Empty when none match.
 */
function findReleases(manifest, version) {
    const wanted = version.trim() === '' || version.trim() === 'default' ? manifest.default : version.trim();
    const first = manifest.releases.find(r => r.id === wanted) ??
        manifest.releases.find(r => r.qemu === wanted) ??
        (/^\d+\.\d+$/.test(wanted) ? manifest.releases.find(r => r.qemu.startsWith(`${wanted}.`)) : undefined);
    const chain = [];
    for (let r = first; r && !chain.includes(r); r = r.fallback ? manifest.releases.find(x => x.id === r.fallback) : undefined)
        chain.push(r);
    return chain;
}
/** The asset of a release that serves a target on a host: its own single binary first, else an archive. */
function assetFor(release, hostArch, target) {
    const forHost = release.assets.filter(a => a.host === hostArch);
    return forHost.find(a => a.target === target) ?? forHost.find(a => a.target === undefined);
}
/**
 * The URL of an asset: its own url, or for source "action" the release download folder under
 * assetBase, the address of the repository the action runs from (so forks that publish their own
 * assets work unchanged): <assetBase>/releases/download/<tag>/<file>.
 * Throws ManifestError when such an asset is asked for and assetBase is not known.
 */
function assetUrl(release, asset, assetBase) {
    if (asset.url)
        return asset.url;
    const base = (assetBase ?? '').replace(/\/+$/, '');
    if (!/^https?:\/\/[^\s/]+\/\S+$/.test(base)) {
        const given = assetBase ? ` (${JSON.stringify(assetBase)} is not an http(s) repository address)` : '';
        throw new ManifestError(`release ${release.id} is published with the action itself, and where the action comes from is not known${given}; in a workflow, GITHUB_SERVER_URL and GITHUB_ACTION_REPOSITORY say it`);
    }
    return `${base}/releases/download/${encodeURIComponent(release.tag ?? '')}/${encodeURIComponent(asset.file ?? '')}`;
}
/** The release ids a user can name, for error messages. */
function knownVersions(manifest) {
    return manifest.releases.map(r => (r.id === manifest.default ? `${r.id} (default)` : r.id)).join(', ');
}


/***/ }),

/***/ 4281:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   AM: () => (/* binding */ registerLine),
/* harmony export */   BX: () => (/* binding */ isMounted),
/* harmony export */   Nv: () => (/* binding */ diffTables),
/* harmony export */   Or: () => (/* binding */ mount),
/* harmony export */   TF: () => (/* binding */ remove),
/* harmony export */   kz: () => (/* binding */ register),
/* harmony export */   lQ: () => (/* binding */ sameHandler),
/* harmony export */   qn: () => (/* binding */ MAX_INTERPRETER_PATH),
/* harmony export */   vs: () => (/* binding */ unmount),
/* harmony export */   x6: () => (/* binding */ BINFMT_DIR),
/* harmony export */   xz: () => (/* binding */ readTable)
/* harmony export */ });
/* unused harmony exports parseEntry, BinfmtError, explainKernelError */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _find_on_path_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(4404);
/**
 * The kernel's binfmt_misc interface: parse entries, build register lines, read the table.
 * Pure functions first; the few that touch /proc take a Privileged writer for the writes.
 */


const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
/** The longest interpreter path the kernel takes in a register line. */
const MAX_INTERPRETER_PATH = 127;
/** Parses the text of /proc/sys/fs/binfmt_misc/<name>. */
function parseEntry(name, text) {
    const entry = { name, enabled: false, interpreter: '', flags: '', type: 'M', offset: 0, magic: '', mask: '' };
    for (const line of text.split('\n')) {
        const [key, ...rest] = line.trim().split(' ');
        const value = rest.join(' ');
        if (key === 'enabled')
            entry.enabled = true;
        else if (key === 'disabled')
            entry.enabled = false;
        else if (key === 'interpreter')
            entry.interpreter = value;
        else if (key === 'flags:')
            entry.flags = value;
        else if (key === 'offset')
            entry.offset = Number(value);
        else if (key === 'magic')
            entry.magic = value.toLowerCase();
        else if (key === 'mask')
            entry.mask = value.toLowerCase();
        else if (key === 'extension') {
            entry.type = 'E';
            entry.magic = value.replace(/^\./, '');
        }
    }
    return entry;
}
const FIELD_FORBIDDEN = /[:\n\0]/;
/** Escapes hex bytes as the \xHH form the kernel decodes in a register line. */
function escapeHex(hex) {
    return hex.replace(/(..)/g, '\\x$1');
}
/**
 * The line written to /proc/sys/fs/binfmt_misc/register for an entry. Throws on anything the
 * kernel would misread: a field holding ':' or a newline, a '/' in the name, lengths past its limits.
 */
function registerLine(entry) {
    const { name, type, offset, magic, mask, interpreter, flags } = entry;
    // 'register' and 'status' are the kernel's own control files in the same folder.
    if (!name || name.includes('/') || ['.', '..', 'register', 'status'].includes(name) || FIELD_FORBIDDEN.test(name)) {
        throw new Error(`invalid binfmt entry name: ${JSON.stringify(name)}`);
    }
    if (FIELD_FORBIDDEN.test(interpreter) || !interpreter.startsWith('/')) {
        throw new Error(`invalid interpreter path: ${JSON.stringify(interpreter)}`);
    }
    if (interpreter.length > MAX_INTERPRETER_PATH) {
        throw new Error(`interpreter path longer than ${MAX_INTERPRETER_PATH} characters: ${interpreter}`);
    }
    if (!/^[POCF]*$/.test(flags))
        throw new Error(`invalid binfmt flags: ${JSON.stringify(flags)}`);
    let line;
    if (type === 'E') {
        if (FIELD_FORBIDDEN.test(magic) || magic.includes('/'))
            throw new Error(`invalid extension: ${magic}`);
        line = `:${name}:E::${magic}::${interpreter}:${flags}`;
    }
    else {
        if (!/^([0-9a-f]{2})+$/.test(magic) || (mask !== '' && !/^([0-9a-f]{2})+$/.test(mask))) {
            throw new Error('magic and mask must be hex bytes');
        }
        if (mask !== '' && mask.length !== magic.length)
            throw new Error('mask and magic differ in length');
        if (offset + magic.length / 2 > 128)
            throw new Error('magic must lie within the first 128 bytes');
        line = `:${name}:M:${offset || ''}:${escapeHex(magic)}:${escapeHex(mask)}:${interpreter}:${flags}`;
    }
    if (line.length > 1920)
        throw new Error('register line longer than the kernel accepts');
    return line;
}
/** Is binfmt_misc mounted (its status file present)? */
async function isMounted(dir = BINFMT_DIR) {
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(`${dir}/status`, 'utf8');
        return true;
    }
    catch {
        return false;
    }
}
/** Reads every entry of the table (empty when binfmt_misc is not mounted). */
async function readTable(dir = BINFMT_DIR) {
    const table = new Map();
    let names;
    try {
        names = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(dir);
    }
    catch {
        return table;
    }
    await Promise.all(names
        .filter(name => name !== 'register' && name !== 'status')
        .map(async (name) => {
        try {
            table.set(name, parseEntry(name, await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(`${dir}/${name}`, 'utf8')));
        }
        catch {
            // removed between readdir and read: not part of the table
        }
    }));
    return table;
}
/** Do two entries register the same handler (everything but the enabled state)? */
function sameHandler(a, b) {
    return (a.type === b.type &&
        a.offset === b.offset &&
        a.magic === b.magic &&
        a.mask === b.mask &&
        a.interpreter === b.interpreter &&
        [...a.flags].sort().join('') === [...b.flags].sort().join(''));
}
function diffTables(before, after) {
    const diff = { added: [], removed: [], changed: [] };
    for (const [name, entry] of after) {
        const old = before.get(name);
        if (!old)
            diff.added.push(entry);
        else if (!sameHandler(old, entry) || old.enabled !== entry.enabled)
            diff.changed.push({ before: old, after: entry });
    }
    for (const [name, entry] of before)
        if (!after.has(name))
            diff.removed.push(entry);
    return diff;
}
/** A change the kernel refused, explained in one line with what to do. */
class BinfmtError extends Error {
}
const UNPRIVILEGED = "this job may not change the kernel's binfmt_misc table (an unprivileged container job, or a user namespace): run the step on the host, or in a container started with --privileged";
/** Turns what the kernel or mount(8) said into the cause and the fix. */
function explainKernelError(doing, error) {
    const code = error.code ?? '';
    const text = `${code} ${error.message ?? error}`;
    let why;
    if (/EROFS|read-only/i.test(text)) {
        why =
            "binfmt_misc is read-only here (a container's /proc/sys, or a runner service with ProtectKernelTunables=yes): run the step on the host, or give the container --privileged";
    }
    else if (/EPERM|EACCES|not permitted|permission denied/i.test(text))
        why = `operation not permitted: ${UNPRIVILEGED}`;
    else if (/unknown filesystem type|mount point does not exist|ENOENT|No such file/i.test(text)) {
        why = 'this kernel has no binfmt_misc (CONFIG_BINFMT_MISC): use a kernel built with it, as every mainstream distribution is';
    }
    else if (/EEXIST|File exists/i.test(text))
        why = 'another process registered the same name at the same moment: run the step again';
    else
        why = text.trim();
    return new BinfmtError(`cannot ${doing}: ${why}`);
}
/** Registers an entry (and disables it again when it was recorded disabled). */
async function register(sys, entry, dir = BINFMT_DIR) {
    const line = registerLine(entry);
    await sys.write(`${dir}/register`, line).catch(error => {
        throw explainKernelError(`register ${entry.name} in binfmt_misc`, error);
    });
    if (!entry.enabled)
        await sys.write(`${dir}/${entry.name}`, '0');
}
/** Removes one entry by name. Never writes to `status` (that would remove every entry). */
async function remove(sys, name, dir = BINFMT_DIR) {
    if (!name || name.includes('/') || name === 'status' || name === 'register') {
        throw new Error(`refusing to remove binfmt entry ${JSON.stringify(name)}`);
    }
    await sys.write(`${dir}/${name}`, '-1');
}
/** Mounts binfmt_misc, loading the module first when the kernel needs it. */
async function mount(sys, dir = BINFMT_DIR) {
    if (await isMounted(dir))
        return;
    // Built in, or already loaded: then modprobe has nothing to do (or is not there).
    const modprobe = (0,_find_on_path_js__WEBPACK_IMPORTED_MODULE_1__/* .systemProgram */ .CA)('modprobe');
    if (modprobe)
        await sys.run(modprobe, ['binfmt_misc']).catch(() => undefined);
    const mounter = (0,_find_on_path_js__WEBPACK_IMPORTED_MODULE_1__/* .systemProgram */ .CA)('mount');
    if (!mounter)
        throw new BinfmtError(`cannot mount binfmt_misc: this machine has no mount program in ${_find_on_path_js__WEBPACK_IMPORTED_MODULE_1__/* .SYSTEM_PATH */ .sg} (util-linux's mount package)`);
    await sys.run(mounter, ['-t', 'binfmt_misc', 'binfmt_misc', dir]).catch(error => {
        throw explainKernelError('mount binfmt_misc', error);
    });
}
async function unmount(sys, dir = BINFMT_DIR) {
    await sys.run((0,_find_on_path_js__WEBPACK_IMPORTED_MODULE_1__/* .systemProgram */ .CA)('umount') ?? 'umount', [dir]);
}


/***/ }),

/***/ 6240:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   o: () => (/* binding */ readElf)
/* harmony export */ });
/* unused harmony export parseElf */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/** Just enough ELF reading to tell what a file is for and whether it is statically linked. */


const PT_INTERP = 3;
/** Parses an ELF file's header and program headers; undefined when it is not ELF. */
function parseElf(header, programHeaders) {
    if (header.length < 52 || header.readUInt32BE(0) !== 0x7f454c46)
        return undefined;
    const bits = header[4] === 2 ? 64 : header[4] === 1 ? 32 : undefined;
    const littleEndian = header[5] === 1;
    if (!bits || (bits === 64 && header.length < 64))
        return undefined;
    const u16 = (at) => (littleEndian ? header.readUInt16LE(at) : header.readUInt16BE(at));
    const u32 = (b, at) => (littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at));
    const machine = u16(18);
    const phoff = bits === 64 ? Number(littleEndian ? header.readBigUInt64LE(32) : header.readBigUInt64BE(32)) : u32(header, 28);
    const phentsize = u16(bits === 64 ? 54 : 42);
    const phnum = u16(bits === 64 ? 56 : 44);
    const table = phnum ? programHeaders(phoff, phentsize * phnum) : Buffer.alloc(0);
    if (!table || table.length < phentsize * phnum)
        return undefined;
    let isStatic = true;
    for (let i = 0; i < phnum; i++)
        if (u32(table, i * phentsize) === PT_INTERP)
            isStatic = false;
    return { bits, littleEndian, machine, isStatic, header: header.subarray(0, 128) };
}
/**
 * Reads an ELF file's identity; undefined when the file is missing, not a regular file or not
 * ELF. Opened without blocking so a FIFO put where a program was expected cannot hang the
 * caller; followLinks false refuses a link in the last place (for paths already resolved).
 */
async function readElf(path, { followLinks = true } = {}) {
    let file;
    try {
        file = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(path, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY | node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NONBLOCK | (followLinks ? 0 : node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NOFOLLOW));
    }
    catch {
        return undefined;
    }
    try {
        if (!(await file.stat()).isFile())
            return undefined;
        // Program headers sit right after the ELF header in every linker's output: 64 KiB holds them.
        const buffer = Buffer.alloc(65536);
        const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
        const data = buffer.subarray(0, bytesRead);
        return parseElf(data, (offset, length) => (offset + length <= data.length ? data.subarray(offset, offset + length) : undefined));
    }
    finally {
        await file.close();
    }
}


/***/ }),

/***/ 4404:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CA: () => (/* binding */ systemProgram),
/* harmony export */   aY: () => (/* binding */ findOnPath),
/* harmony export */   sg: () => (/* binding */ SYSTEM_PATH)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/** Finding a program the way a shell would: the first executable file of that name on PATH. */


/** The absolute path of `name` in the first PATH folder that holds it as an executable file. */
function findOnPath(name, path = process.env.PATH ?? '') {
    for (const dir of path.split(node_path__WEBPACK_IMPORTED_MODULE_1__.delimiter)) {
        // Relative PATH entries would depend on the working folder: not ours to follow.
        if (!dir.startsWith('/'))
            continue;
        const candidate = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, name);
        try {
            if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(candidate).isFile())
                continue;
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.accessSync)(candidate, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.X_OK);
            return candidate;
        }
        catch {
            // not here
        }
    }
    return undefined;
}
/**
 * Where root's own tools (chroot, mount, modprobe) are looked for: by absolute path, never through
 * a PATH without /usr/sbin (su, a bare service), where they would seem missing and the kernel or
 * the F flag would take the blame.
 */
const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
/** The absolute path of one of the system's own programs; undefined when the machine has none. */
function systemProgram(name) {
    return findOnPath(name, SYSTEM_PATH);
}


/***/ }),

/***/ 5621:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Fr: () => (/* binding */ hostFamily),
/* harmony export */   P4: () => (/* binding */ PLATFORMS),
/* harmony export */   PD: () => (/* binding */ headerMatches),
/* harmony export */   Ve: () => (/* binding */ perTarget),
/* harmony export */   Yx: () => (/* binding */ lookupPlatform),
/* harmony export */   ab: () => (/* binding */ platformOfHeader),
/* harmony export */   cy: () => (/* binding */ entryFor),
/* harmony export */   tj: () => (/* binding */ platformOf)
/* harmony export */ });
const ELF = '7f454c46';
const PAD = '0000000000000000';
const MASK_A = 'ffffffffff' + 'fefe00' + 'ffffffffffffffff' + 'feffffff';
const MASK_B = 'ffffffffffffff00' + 'ffffffffffffffff' + 'feffffff';
const MASK_C = 'ffffffffffffff00' + 'ffffffffffffffff' + 'feffff00';
const MASK_D = 'ffffffffffffff00' + 'ffffffffffffffff' + 'fffeffff';
const MASK_E = 'fffffffffffffffc' + '00ffffffffffffff' + 'feffffff';
const MASK_F = 'ffffffffffffff00' + '00ffffffffffffff' + 'feffffff';
/** ELF class/data/version for 64-bit little endian, 32-bit little endian, 64-bit big endian. */
const LE64 = '02010100';
const LE32 = '01010100';
const BE64 = '02020100';
const PLATFORMS = [
    {
        target: 'x86_64',
        docker: 'linux/amd64',
        aliases: ['amd64', 'x86_64', 'x86-64', 'x64', 'linux/amd64'],
        magic: ELF + LE64 + PAD + '0200' + '3e00',
        mask: MASK_A,
        machine: /^x86_64$/,
        bits: 64,
        loader: 'lib64/ld-linux-x86-64.so.2',
        debian: 'amd64'
    },
    {
        target: 'i386',
        docker: 'linux/386',
        aliases: ['386', 'i386', 'i486', 'i586', 'i686', 'x86', 'linux/386'],
        magic: ELF + LE32 + PAD + '0200' + '0300',
        mask: MASK_A,
        machine: /^i[3-6]86$/,
        bits: 32,
        loader: 'lib/ld-linux.so.2',
        debian: 'i386'
    },
    {
        target: 'aarch64',
        docker: 'linux/arm64',
        aliases: ['arm64', 'aarch64', 'linux/arm64', 'linux/arm64/v8'],
        magic: ELF + LE64 + PAD + '0200' + 'b700',
        mask: MASK_B,
        machine: /^aarch64$/,
        bits: 64,
        loader: 'lib/ld-linux-aarch64.so.1',
        debian: 'arm64'
    },
    {
        target: 'arm',
        docker: 'linux/arm/v7',
        aliases: ['arm', 'armhf', 'armel', 'armv6', 'armv7', 'armv7l', 'linux/arm', 'linux/arm/v6', 'linux/arm/v7'],
        magic: ELF + LE32 + PAD + '0200' + '2800',
        mask: MASK_B,
        machine: /^armv\d+[a-z]*$/,
        bits: 32,
        loader: 'lib/ld-linux-armhf.so.3',
        debian: 'armhf'
    },
    {
        target: 'riscv64',
        docker: 'linux/riscv64',
        aliases: ['riscv64', 'linux/riscv64'],
        magic: ELF + LE64 + PAD + '0200' + 'f300',
        mask: MASK_B,
        machine: /^riscv64$/,
        bits: 64,
        loader: 'lib/ld-linux-riscv64-lp64d.so.1',
        debian: 'riscv64'
    },
    {
        target: 'ppc64le',
        docker: 'linux/ppc64le',
        aliases: ['ppc64le', 'ppc64el', 'linux/ppc64le'],
        magic: ELF + LE64 + PAD + '0200' + '1500',
        mask: MASK_C,
        machine: /^ppc64le$/,
        bits: 64,
        loader: 'lib64/ld64.so.2',
        debian: 'ppc64el'
    },
    {
        target: 's390x',
        docker: 'linux/s390x',
        aliases: ['s390x', 'linux/s390x'],
        magic: ELF + BE64 + PAD + '0002' + '0016',
        mask: MASK_D,
        machine: /^s390x$/,
        bits: 64,
        loader: 'lib/ld64.so.1',
        debian: 's390x'
    },
    {
        target: 'mips64el',
        docker: 'linux/mips64le',
        aliases: ['mips64le', 'mips64el', 'linux/mips64le'],
        magic: ELF + LE64 + PAD + '0200' + '0800',
        mask: MASK_F,
        machine: /^mips64$/,
        bits: 64,
        loader: 'lib64/ld.so.1',
        debian: 'mips64el'
    },
    {
        target: 'loongarch64',
        docker: 'linux/loong64',
        aliases: ['loong64', 'loongarch64', 'linux/loong64'],
        magic: ELF + LE64 + PAD + '0200' + '0201',
        mask: MASK_E,
        machine: /^loongarch64$/,
        bits: 64,
        loader: 'lib64/ld-linux-loongarch-lp64d.so.1',
        debian: 'loong64'
    }
];
/** One fact of every platform, keyed by target: the tables the other layers read. */
function perTarget(fact) {
    return Object.fromEntries(PLATFORMS.map(p => [p.target, fact(p)]));
}
function platformOf(target) {
    const found = PLATFORMS.find(p => p.target === target);
    if (!found)
        throw new Error(`unknown QEMU target ${target}`);
    return found;
}
/** Finds a platform by any of its names, ignoring case; undefined when unknown. */
function lookupPlatform(name) {
    const key = name.trim().toLowerCase();
    return PLATFORMS.find(p => p.aliases.includes(key));
}
/**
 * The targets a host kernel runs itself (its own family, including compat modes): registering a
 * handler for them would send the host's own programs through QEMU.
 */
function hostFamily(machine) {
    if (machine === 'x86_64')
        return ['x86_64', 'i386'];
    if (/^i[3-6]86$/.test(machine))
        return ['i386'];
    if (machine === 'aarch64' || machine === 'arm64')
        return ['aarch64'];
    if (/^arm/.test(machine))
        return ['arm'];
    if (machine === 'riscv64')
        return ['riscv64'];
    if (machine === 'ppc64le')
        return ['ppc64le'];
    if (machine === 's390x')
        return ['s390x'];
    if (machine === 'mips64')
        return ['mips64el'];
    if (machine === 'loongarch64')
        return ['loongarch64'];
    return [];
}
/** Does a file header match a magic/mask pair at the given offset? The kernel's own test:
 * ((byte ^ magic) & mask) == 0 for every magic byte. */
function headerMatches(header, magicHex, maskHex, offset = 0) {
    const magic = Buffer.from(magicHex, 'hex');
    const mask = maskHex ? Buffer.from(maskHex, 'hex') : Buffer.alloc(magic.length, 0xff);
    if (header.length < offset + magic.length)
        return false;
    for (let i = 0; i < magic.length; i++) {
        if (((header[offset + i] ^ magic[i]) & mask[i]) !== 0)
            return false;
    }
    return true;
}
/** The platform whose magic/mask a header matches, if any. */
function platformOfHeader(header) {
    return PLATFORMS.find(p => headerMatches(header, p.magic, p.mask));
}
/** The binfmt_misc entry the action registers for a platform. */
function entryFor(platform, interpreter, flags) {
    return {
        name: `qemu-${platform.target}`,
        enabled: true,
        type: 'M',
        offset: 0,
        magic: platform.magic,
        mask: platform.mask,
        interpreter,
        flags
    };
}


/***/ }),

/***/ 3694:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Zj: () => (/* binding */ ProgramError),
  mB: () => (/* binding */ runProgram),
  zm: () => (/* binding */ streamProgram)
});

// UNUSED EXPORTS: endPrograms

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
;// CONCATENATED MODULE: ./src/kernel/process.ts
/**
 * The one way this project runs a program: an argument array, never a shell string. runProgram
 * collects bounded output under a timeout (privileged root or sudo runs build on it);
 * streamProgram runs a filter (a decompressor) with data piped through it as it comes.
 *
 * Ours, not @actions/exec (3.0.0, read for this): its exec and getExecOutput never hand out the
 * child process and pass only cwd and env to spawn, so a run can have no deadline (a hung apt-get
 * or engine would hold the job to its own timeout) and cannot be ended when a signal stops the
 * step before its scratch folder goes (faces/signals.ts); its input is one Buffer, not a stream
 * (the decompressors here take a download as it arrives); it keeps all output, unbounded; and
 * without `silent` it writes each command line to stdout, where the runner reads workflow
 * commands. Each of those is a guarantee this project makes, so the wrapper would have to
 * re-implement spawn around it.
 */


/** Programs running now, so a signal's way out can end them (faces/signals.ts). */
const running = new Set();
function track(child) {
    running.add(child);
    child.on('exit', () => running.delete(child));
    child.on('error', () => running.delete(child));
}
/** Ends every program this process started and still runs (SIGTERM), and waits up to `waitMs` for them to go. */
async function endPrograms(waitMs = 2000) {
    const left = [...running].filter(child => child.exitCode === null && child.signalCode === null);
    const gone = left.map(child => new Promise(resolve => child.once('exit', () => resolve())));
    for (const child of left)
        child.kill('SIGTERM');
    let timer;
    const waited = new Promise(resolve => {
        timer = setTimeout(resolve, waitMs);
        timer.unref();
    });
    await Promise.race([Promise.all(gone), waited]);
    clearTimeout(timer);
}
/** Runs a program and collects its output; never throws for a non-zero exit. */
function runProgram(command, args, options = {}) {
    return new Promise(resolve => {
        const child = (0,external_node_child_process_namespaceObject.execFile)(command, args, { env: options.env, timeout: options.timeoutMs ?? 120_000, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
            const reason = error && typeof error.code !== 'number' ? `${error.message}\n` : '';
            resolve({ code, stdout: String(stdout), stderr: reason + String(stderr) });
        });
        track(child);
        if (options.input !== undefined)
            child.stdin?.end(options.input);
    });
}
/**
 * Why a streamed program failed: 'missing' (not on this machine), 'failed' (it could not be
 * started, or its input broke: detail says what), or 'exit' (a non-zero exit or a signal; stderr
 * holds the first 4 KiB it wrote).
 */
class ProgramError extends Error {
    program;
    failure;
    detail;
    exitCode;
    stderr;
    constructor(program, failure, detail, exitCode = null, stderr = '') {
        const said = { missing: `${program} is not on this machine`, failed: `${program}: ${detail}`, exit: `${program} ${detail}` };
        super(said[failure]);
        this.program = program;
        this.failure = failure;
        this.detail = detail;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'ProgramError';
    }
}
/** Largest share of a program's stderr kept for its error. */
const STDERR_BYTES = 4096;
/** Pipes deliver 8-64 KiB at a time; handing on larger pieces saves most of the per-chunk overhead. */
const BATCH_BYTES = 256 * 1024;
/**
 * Runs a program as a filter: input goes to its stdin, its stdout comes out as it is written.
 * Throws ProgramError when the program cannot start, the input fails, or it exits non-zero; a
 * consumer that stops early ends it (SIGTERM) and waits for it to go.
 */
async function* streamProgram(command, args, input, options = {}) {
    const source = input instanceof external_node_stream_.Readable ? input : external_node_stream_.Readable.from(input);
    // The environment is passed explicitly, so a changed process.env (PATH) is what the child sees even
    // where a test runner gives the code its own process.env object.
    const child = (0,external_node_child_process_namespaceObject.spawn)(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    track(child);
    let stderr = '';
    let failure;
    child.stderr.on('data', (d) => {
        if (stderr.length < STDERR_BYTES)
            stderr += d.toString();
    });
    const exited = new Promise(resolve => {
        child.on('error', error => {
            failure ??= { error, from: 'spawn' };
            resolve({ code: null, signal: null });
        });
        child.on('close', (code, signal) => resolve({ code, signal }));
    });
    // A program that stops reading (or a consumer that stops early) closes the pipe: EPIPE is expected.
    child.stdin.on('error', () => { });
    source.on('error', error => {
        failure ??= { error, from: 'input' };
        child.stdin.destroy();
    });
    source.pipe(child.stdin);
    let finished = false;
    try {
        let batch = [];
        let batched = 0;
        for await (const chunk of child.stdout) {
            batch.push(chunk);
            batched += chunk.length;
            if (batched >= BATCH_BYTES) {
                yield batch.length === 1 ? batch[0] : Buffer.concat(batch, batched);
                batch = [];
                batched = 0;
            }
        }
        if (batched)
            yield Buffer.concat(batch, batched);
        const { code, signal } = await exited;
        finished = true;
        if (failure) {
            const missing = failure.from === 'spawn' && failure.error.code === 'ENOENT';
            throw new ProgramError(command, missing ? 'missing' : 'failed', failure.error.message);
        }
        if (code !== 0)
            throw new ProgramError(command, 'exit', signal ? `was killed by ${signal}` : `exited with ${code}`, code, stderr);
    }
    finally {
        if (!finished) {
            source.unpipe(child.stdin);
            source.destroy();
            child.stdin.destroy();
            child.stdout.destroy();
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGTERM');
            await exited;
        }
    }
}


/***/ }),

/***/ 4659:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Aj: () => (/* binding */ readRegularText),
/* harmony export */   Ib: () => (/* binding */ untrustedProblem),
/* harmony export */   Rc: () => (/* binding */ updateTextFile),
/* harmony export */   dF: () => (/* binding */ trustedUids),
/* harmony export */   k: () => (/* binding */ rootOnlyProblem),
/* harmony export */   lj: () => (/* binding */ freshFolder)
/* harmony export */ });
/* unused harmony export openFolder */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/**
 * What this process creates, reads and runs, by one rule: the machine is shared, so nothing that a
 * user other than the trusted ones can change may steer it. Trusted: root, and the user this
 * process runs as (without root, its own files; as root under sudo, the admin who invoked it).
 * - Folders it works in are made fresh (mkdtemp, mode 0700) under a parent that only trusted users
 *   can change (a sticky folder such as /tmp counts: only an entry's owner may rename it).
 * - A file it reads, runs or hands to the kernel is a regular file that only trusted users can
 *   change, and so is every folder above it, as written and once links are resolved.
 * - Files a person names (an environment file) are opened without following links and without
 *   blocking on a FIFO. Node has no openat(2): a path is walked one folder at a time through
 *   /proc/self/fd, so a folder swapped for a link halfway is never followed, and a link is followed
 *   only where root made it (root's link in a folder only root can write).
 */



const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = node_fs__WEBPACK_IMPORTED_MODULE_0__.constants;
const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;
/** Links followed before giving up, as the kernel's limit (ELOOP). */
const MAX_LINKS = 40;
/** Root, this process's user, and (as root) the admin who ran it through sudo. */
function trustedUids(env = process.env, uid = process.getuid?.() ?? 0) {
    const ids = new Set([0, uid]);
    if (uid === 0 && /^[1-9]\d*$/.test(env.SUDO_UID ?? ''))
        ids.add(Number(env.SUDO_UID));
    return [...ids];
}
function ownersText(owners) {
    return owners.length === 1 ? 'root' : `root or uid ${owners.filter(id => id !== 0).join(' or uid ')}`;
}
/** Why one path (not its folders) could be changed by an untrusted user; undefined when it cannot. */
async function entryProblem(path, kind, owners) {
    let s;
    try {
        s = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.lstat)(path);
    }
    catch (err) {
        return `${path} cannot be read (${err.code ?? err.message})`;
    }
    if (!owners.includes(s.uid))
        return `${path} is owned by uid ${s.uid}, not ${ownersText(owners)}`;
    // A link's own mode means nothing; where it leads is checked through the resolved path.
    if (s.isSymbolicLink())
        return undefined;
    if (kind === 'file' && !s.isFile())
        return `${path} is not a regular file`;
    if (kind !== 'file' && !s.isDirectory())
        return `${path} is not a folder`;
    if (s.mode & GROUP_OR_OTHER_WRITE && !(kind === 'parent' && s.mode & STICKY)) {
        return `${path} is writable by ${s.mode & 0o002 ? 'every user' : 'its group'} (mode ${(s.mode & 0o7777).toString(8)})`;
    }
    return undefined;
}
/** The path and each folder above it, checked; the first problem found. */
async function chainProblem(path, kind, owners, seen) {
    const own = await entryProblem(path, kind, owners);
    if (own)
        return own;
    for (let dir = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path);; dir = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(dir)) {
        if (!seen.has(dir))
            seen.set(dir, await entryProblem(dir, 'parent', owners));
        const problem = seen.get(dir);
        if (problem)
            return problem;
        if (dir === (0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(dir))
            return undefined;
    }
}
/**
 * Why a file or folder could be changed by a user not among `owners` (root alone by default):
 * undefined when it cannot. `seen` remembers folders already checked, so many files walk each once.
 */
async function untrustedProblem(path, kind, owners = [0], seen = new Map()) {
    const absolute = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(path);
    const written = await chainProblem(absolute, kind, owners, seen);
    if (written)
        return written;
    let real;
    try {
        real = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.realpath)(absolute);
    }
    catch (err) {
        return `${absolute} cannot be resolved (${err.code ?? err.message})`;
    }
    return real === absolute ? undefined : chainProblem(real, kind, owners, seen);
}
/** Why a file or folder is not root's alone (the interpreter and sysroot stores); undefined when it is. */
function rootOnlyProblem(path, kind, seen) {
    return untrustedProblem(path, kind === 'directory' ? 'folder' : 'file', [0], seen);
}
/**
 * A new folder for this run (mkdtemp: a name no one can guess, made only if it did not exist,
 * mode 0700) under the first of `parents` that only trusted users can change; `mode` widens it
 * where another of root's own users must enter (apt's _apt). Throws one line naming every parent
 * and why it was passed over.
 */
async function freshFolder(parents, prefix, mode = 0o700, owners = trustedUids()) {
    const problems = [];
    // A parent is never made here: making a path as root would follow whatever links are on it.
    for (const parent of [...new Set(parents.filter(Boolean).map(p => (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(p)))]) {
        const problem = await untrustedProblem(parent, 'parent', owners);
        if (problem) {
            problems.push(problem);
            continue;
        }
        const dir = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(parent, prefix));
        if (mode !== 0o700)
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.chmod)(dir, mode);
        return dir;
    }
    throw new Error(`no folder to work in that only ${ownersText(owners)} can change: ${problems.join('; ')}; ` +
        'point RUNNER_TEMP or TMPDIR at a folder of your own that others cannot write');
}
const proc = (folder, name) => `/proc/self/fd/${folder.fd}/${name}`;
/**
 * Opens a folder by walking its path one name at a time, never following a link that someone other
 * than root could have made. The caller closes the handle.
 */
async function openFolder(path) {
    let folder = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)('/', O_RDONLY | O_DIRECTORY);
    const pending = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(path).split('/').filter(Boolean);
    let links = 0;
    try {
        while (pending.length) {
            const name = pending.shift();
            if (name === '.')
                continue;
            let next;
            try {
                next = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(proc(folder, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            }
            catch (error) {
                const code = error.code;
                const info = code === 'ELOOP' || code === 'ENOTDIR' ? await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.lstat)(proc(folder, name)) : undefined;
                if (!info?.isSymbolicLink())
                    throw error;
                const here = await folder.stat();
                const rootMade = info.uid === 0 && here.uid === 0 && (!(here.mode & GROUP_OR_OTHER_WRITE) || here.mode & STICKY);
                if (!rootMade) {
                    throw new Error(`${path}: ${name} is a link someone other than root may have made; give the path without links`, { cause: error });
                }
                if (++links > MAX_LINKS)
                    throw new Error(`${path} goes through more than ${MAX_LINKS} links`, { cause: error });
                const target = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readlink)(proc(folder, name));
                if (target.startsWith('/')) {
                    await folder.close();
                    folder = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)('/', O_RDONLY | O_DIRECTORY);
                }
                pending.unshift(...target.split('/').filter(Boolean));
                continue;
            }
            await folder.close();
            folder = next;
        }
        return folder;
    }
    catch (error) {
        await folder.close();
        throw error;
    }
}
/**
 * Rewrites a text file a person named (`update` gets its text, '' when it does not exist yet)
 * without following a link at any step. An existing file must be a regular file with one name,
 * owned by root or by the owner of its folder; a new one is made there (never through a link) and
 * given to the folder's owner, as if that user had made it (or, with create false, nothing happens).
 * Unchanged text writes nothing.
 */
async function updateTextFile(path, update, create = true) {
    const folder = await openFolder((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(path))).catch(error => {
        if (error.code !== 'ENOENT')
            throw error;
        throw new Error(`the folder of ${path} does not exist`, { cause: error });
    });
    let file;
    try {
        const at = proc(folder, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.basename)(path));
        const owner = await folder.stat();
        try {
            file = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(at, O_RDWR | O_NOFOLLOW | O_NONBLOCK);
        }
        catch (error) {
            const code = error.code;
            if (code === 'ELOOP')
                throw new Error(`${path} is a link: give the file itself`, { cause: error });
            if (code !== 'ENOENT')
                throw error;
            if (!create)
                return;
            file = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(at, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
            if (process.getuid?.() === 0)
                await file.chown(owner.uid, owner.gid);
        }
        const info = await file.stat();
        if (!info.isFile())
            throw new Error(`${path} is not a regular file`);
        if (info.nlink > 1)
            throw new Error(`${path} has ${info.nlink} names (hard links): give a file of its own`);
        if (info.uid !== 0 && info.uid !== owner.uid) {
            throw new Error(`${path} is owned by uid ${info.uid}, neither root nor the owner of its folder (uid ${owner.uid})`);
        }
        const text = (await file.readFile()).toString('utf8');
        const next = update(text);
        if (next === text)
            return;
        await file.truncate(0);
        await file.write(next, 0, 'utf8');
    }
    finally {
        await file?.close();
        await folder.close();
    }
}
/** A regular file's text, read without following a link or blocking on a FIFO; undefined when it does not exist. */
async function readRegularText(path) {
    let file;
    try {
        file = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return undefined;
        if (code === 'ELOOP')
            throw new Error(`${path} is a link: give the file itself`, { cause: error });
        throw error;
    }
    try {
        if (!(await file.stat()).isFile())
            throw new Error(`${path} is not a regular file`);
        return (await file.readFile()).toString('utf8');
    }
    finally {
        await file.close();
    }
}


/***/ }),

/***/ 7471:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   ES: () => (/* binding */ holdScratch),
/* harmony export */   Wl: () => (/* binding */ dropScratch)
/* harmony export */ });
/* unused harmony export heldScratch */
/**
 * Folders this process is writing outside its run's own scratch folder (a root-only download in
 * the interpreter store's incoming folder): a signal's way out removes them with the rest
 * (faces/signals.ts), and the code that made one drops it here when it removes it itself.
 */
const live = new Set();
function holdScratch(dir) {
    live.add(dir);
}
function dropScratch(dir) {
    live.delete(dir);
}
/** The folders held now. */
function heldScratch() {
    return [...live];
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(1439);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
