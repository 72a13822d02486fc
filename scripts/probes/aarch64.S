// uname probe for aarch64 (Linux generic syscall table: nr in x8, args x0.., `svc #0`).
	.text
	.globl _start
_start:
	sub	sp, sp, #400		// struct utsname (390 bytes); sp stays 16-byte aligned
	mov	x0, sp
	mov	x8, #160		// __NR_uname
	svc	#0
	cbnz	x0, fail
	add	x1, sp, #260		// machine = buf + 4 * 65
	mov	x2, x1
1:	ldrb	w3, [x2]
	cbz	w3, 2f
	add	x2, x2, #1
	b	1b
2:	mov	w3, #10			// '\n' over the NUL
	strb	w3, [x2], #1
	sub	x2, x2, x1		// length including '\n'
	mov	x0, #1			// fd 1
	mov	x8, #64			// __NR_write
	svc	#0
	mov	x0, #0			// status 0
	b	exit
fail:	mov	x0, #1			// status 1
exit:	mov	x8, #93			// __NR_exit
	svc	#0

code_end:
