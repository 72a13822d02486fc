# uname probe for s390x (Linux syscall ABI: `svc NR` for NR < 256, args r2..; result in r2).
	.text
	.globl _start
_start:
	aghi	%r15, -400		# struct utsname (390 bytes) on the stack
	lgr	%r2, %r15
	svc	122			# __NR_uname
	ltgr	%r2, %r2
	jnz	fail
	la	%r3, 260(%r15)		# machine = buf + 4 * 65
	lgr	%r4, %r3
1:	cli	0(%r4), 0
	je	2f
	la	%r4, 1(%r4)
	j	1b
2:	mvi	0(%r4), 10		# '\n' over the NUL
	la	%r4, 1(%r4)
	sgr	%r4, %r3		# length including '\n'
	lghi	%r2, 1			# fd 1
	svc	4			# __NR_write
	lghi	%r2, 0			# status 0
	j	exit
fail:	lghi	%r2, 1			# status 1
exit:	svc	1			# __NR_exit

code_end:
