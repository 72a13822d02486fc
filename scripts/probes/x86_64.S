# uname probe for x86_64 (Linux x86_64 syscall ABI: nr in rax, args rdi rsi rdx, `syscall`).
# Position independent: the only memory used is a buffer on the stack.
	.text
	.globl _start
_start:
	sub	$400, %rsp		# struct utsname (6 * 65 = 390 bytes) on the stack
	mov	%rsp, %rdi
	mov	$63, %eax		# __NR_uname
	syscall
	test	%eax, %eax
	jnz	fail
	lea	260(%rsp), %rsi		# machine = buf + 4 * 65
	mov	%rsi, %rdx
1:	cmpb	$0, (%rdx)		# rdx = end of the machine string
	je	2f
	inc	%rdx
	jmp	1b
2:	movb	$10, (%rdx)		# replace the NUL with '\n'
	inc	%rdx
	sub	%rsi, %rdx		# length including '\n'
	mov	$1, %edi		# fd 1
	mov	$1, %eax		# __NR_write
	syscall
	xor	%edi, %edi		# status 0
	jmp	exit
fail:	mov	$1, %edi		# status 1
exit:	mov	$60, %eax		# __NR_exit
	syscall

code_end:
