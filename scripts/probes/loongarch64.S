# uname probe for loongarch64 (LP64D; Linux generic syscall table: nr in $a7, args $a0..,
# `syscall 0`; result in $a0).
#
# Debian 12 has no LoongArch assembler, so the bytes in src/checks/probe-programs.ts are encoded by hand:
# the comment on each instruction gives its 32-bit word (stored little-endian) and how it is made.
# With binutils >= 2.38 for LoongArch, `scripts/probes/assemble.sh loongarch64` also assembles
# this file and checks the words against it.
#
# Encodings (LoongArch Reference Manual vol. 1, ch. 2; binutils opcodes/loongarch-opc.c):
#   2RI12  addi.d 0x02c00000, ori 0x03800000, ld.bu 0x2a000000, st.b 0x29000000:
#          op | (imm12 & 0xfff) << 10 | rj << 5 | rd
#   3R     or 0x00150000 (move rd, rj = or rd, rj, $zero), sub.d 0x00118000:
#          op | rk << 10 | rj << 5 | rd
#   1RI21  beqz 0x40000000, bnez 0x44000000, offs = (target - pc) >> 2 (21 bits):
#          op | (offs & 0xffff) << 10 | rj << 5 | (offs >> 16) & 0x1f
#   I26    b 0x50000000, offs = (target - pc) >> 2 (26 bits):
#          op | (offs & 0xffff) << 10 | (offs >> 16) & 0x3ff
#   syscall 0x002b0000 | code15
# Registers: $zero r0, $sp r3, $a0 r4, $a1 r5, $a2 r6, $a3 r7, $a7 r11.
	.text
	.globl _start
_start:
	addi.d	$sp, $sp, -400	# 02f9c063 = addi.d | 0xe70 << 10 | 3 << 5 | 3   (struct utsname, 390 bytes)
	move	$a0, $sp	# 00150064 = or | 0 << 10 | 3 << 5 | 4
	ori	$a7, $zero, 160	# 0382800b = ori | 160 << 10 | 0 << 5 | 11      (__NR_uname)
	syscall	0		# 002b0000 = syscall | 0
	bnez	$a0, fail	# 44004080 = bnez | 16 << 10 | 4 << 5            (pc 0x10 -> 0x50)
	addi.d	$a1, $sp, 260	# 02c41065 = addi.d | 260 << 10 | 3 << 5 | 5     (machine = buf + 4 * 65)
	move	$a2, $a1	# 001500a6 = or | 0 << 10 | 5 << 5 | 6
1:	ld.bu	$a3, $a2, 0	# 2a0000c7 = ld.bu | 0 << 10 | 6 << 5 | 7
	beqz	$a3, 2f		# 40000ce0 = beqz | 3 << 10 | 7 << 5             (pc 0x20 -> 0x2c)
	addi.d	$a2, $a2, 1	# 02c004c6 = addi.d | 1 << 10 | 6 << 5 | 6
	b	1b		# 53fff7ff = b | 0xfffd << 10 | 0x3ff            (pc 0x28 -> 0x1c, offs -3)
2:	ori	$a3, $zero, 10	# 03802807 = ori | 10 << 10 | 0 << 5 | 7        ('\n' over the NUL)
	st.b	$a3, $a2, 0	# 290000c7 = st.b | 0 << 10 | 6 << 5 | 7
	addi.d	$a2, $a2, 1	# 02c004c6 = addi.d | 1 << 10 | 6 << 5 | 6
	sub.d	$a2, $a2, $a1	# 001194c6 = sub.d | 5 << 10 | 6 << 5 | 6        (length including '\n')
	ori	$a0, $zero, 1	# 03800404 = ori | 1 << 10 | 0 << 5 | 4         (fd 1)
	ori	$a7, $zero, 64	# 0381000b = ori | 64 << 10 | 0 << 5 | 11       (__NR_write)
	syscall	0		# 002b0000 = syscall | 0
	ori	$a0, $zero, 0	# 03800004 = ori | 0 << 10 | 0 << 5 | 4         (status 0)
	b	exit		# 50000800 = b | 2 << 10                         (pc 0x4c -> 0x54)
fail:	ori	$a0, $zero, 1	# 03800404 = ori | 1 << 10 | 0 << 5 | 4         (status 1)
exit:	ori	$a7, $zero, 93	# 0381740b = ori | 93 << 10 | 0 << 5 | 11       (__NR_exit)
	syscall	0		# 002b0000 = syscall | 0

code_end:
