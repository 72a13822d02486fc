# uname probe for i386 (Linux i386 syscall ABI: nr in eax, args ebx ecx edx, `int $0x80`).
	.text
	.code32
	.globl _start
_start:
	sub	$400, %esp		# struct utsname (390 bytes) on the stack
	mov	%esp, %ebx
	mov	$122, %eax		# __NR_uname (new_utsname)
	int	$0x80
	test	%eax, %eax
	jnz	fail
	lea	260(%esp), %ecx		# machine = buf + 4 * 65
	mov	%ecx, %edx
1:	cmpb	$0, (%edx)
	je	2f
	inc	%edx
	jmp	1b
2:	movb	$10, (%edx)		# '\n' over the NUL
	inc	%edx
	sub	%ecx, %edx		# length including '\n'
	mov	$1, %ebx		# fd 1
	mov	$4, %eax		# __NR_write
	int	$0x80
	xor	%ebx, %ebx		# status 0
	jmp	exit
fail:	mov	$1, %ebx		# status 1
exit:	mov	$1, %eax		# __NR_exit
	int	$0x80

code_end:
