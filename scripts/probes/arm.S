@ uname probe for 32-bit ARM, ARM (A32) state, EABI syscalls: nr in r7, args r0.., `svc #0`.
	.syntax unified
	.arch	armv5te
	.arm
	.text
	.globl _start
_start:
	sub	sp, sp, #400		@ struct utsname (390 bytes) on the stack
	mov	r0, sp
	mov	r7, #122		@ __NR_uname
	svc	#0
	cmp	r0, #0
	bne	fail
	add	r1, sp, #260		@ machine = buf + 4 * 65
	mov	r2, r1
1:	ldrb	r3, [r2]
	cmp	r3, #0
	addne	r2, r2, #1
	bne	1b
	mov	r3, #10			@ '\n' over the NUL
	strb	r3, [r2], #1
	sub	r2, r2, r1		@ length including '\n'
	mov	r0, #1			@ fd 1
	mov	r7, #4			@ __NR_write
	svc	#0
	mov	r0, #0			@ status 0
	b	exit
fail:	mov	r0, #1			@ status 1
exit:	mov	r7, #1			@ __NR_exit
	svc	#0

code_end:
