# uname probe for mips64el, n64 ABI (syscall nr in v0 = 5000 + n, args a0..;
# a3 != 0 on error). noreorder: every branch delay slot is written out.
	.set	noreorder
	.text
	.globl __start
__start:
	daddiu	$sp, $sp, -400		# struct utsname (390 bytes); sp stays 16-byte aligned
	move	$a0, $sp
	li	$v0, 5061		# __NR_uname (n64)
	syscall
	bnez	$a3, fail
	nop
	daddiu	$a1, $sp, 260		# machine = buf + 4 * 65
	move	$a2, $a1
1:	lbu	$t0, 0($a2)
	beqz	$t0, 2f
	nop
	b	1b
	daddiu	$a2, $a2, 1		# (delay slot)
2:	li	$t0, 10			# '\n' over the NUL
	sb	$t0, 0($a2)
	daddiu	$a2, $a2, 1
	dsubu	$a2, $a2, $a1		# length including '\n'
	li	$a0, 1			# fd 1
	li	$v0, 5001		# __NR_write (n64)
	syscall
	b	exit
	li	$a0, 0			# (delay slot) status 0
fail:	li	$a0, 1			# status 1
exit:	li	$v0, 5058		# __NR_exit (n64)
	syscall

code_end:
