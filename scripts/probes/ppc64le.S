# uname probe for ppc64le (ELFv2; Linux syscall ABI: nr in r0, args r3.., `sc`;
# on error the kernel sets CR0.SO and returns a positive errno in r3).
	.machine power8
	.text
	.globl _start
_start:
	addi	1, 1, -400		# struct utsname (390 bytes); r1 stays 16-byte aligned
	mr	3, 1
	li	0, 122			# __NR_uname
	sc
	bso	fail			# CR0.SO set: error
	addi	4, 1, 260		# machine = buf + 4 * 65
	mr	5, 4
1:	lbz	6, 0(5)
	cmpdi	6, 0
	beq	2f
	addi	5, 5, 1
	b	1b
2:	li	6, 10			# '\n' over the NUL
	stb	6, 0(5)
	addi	5, 5, 1
	subf	5, 4, 5			# r5 = r5 - r4: length including '\n'
	li	3, 1			# fd 1
	li	0, 4			# __NR_write
	sc
	li	3, 0			# status 0
	b	exit
fail:	li	3, 1			# status 1
exit:	li	0, 1			# __NR_exit
	sc

code_end:
