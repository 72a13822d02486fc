# x86-64 micro-architecture level probe: prints "x86-64-vN\n" (N = 1..4) from CPUID, following
# the x86-64 psABI level definitions (the same checks glibc's dl-hwcaps use):
#   v2: CPUID.1:ECX SSE3(0) SSSE3(9) CMPXCHG16B(13) SSE4.1(19) SSE4.2(20) POPCNT(23)
#       and CPUID.80000001h:ECX LAHF/SAHF(0)
#   v3: CPUID.1:ECX FMA(12) MOVBE(22) OSXSAVE(27) AVX(28) F16C(29),
#       CPUID.(7,0):EBX BMI1(3) AVX2(5) BMI2(8), CPUID.80000001h:ECX LZCNT(5),
#       and XCR0 (XGETBV 0) has SSE(1) and AVX(2) state enabled by the OS
#   v4: CPUID.(7,0):EBX AVX512F(16) AVX512DQ(17) AVX512CD(28) AVX512BW(30) AVX512VL(31),
#       and XCR0 also has opmask(5), ZMM_Hi256(6), Hi16_ZMM(7) state enabled
# v1 (the x86-64 baseline) is assumed: the program is running on an x86-64 CPU.
	.text
	.globl _start
_start:
	mov	$1, %r12d		# level
	xor	%eax, %eax
	cpuid
	mov	%eax, %r13d		# highest basic leaf
	mov	$0x80000000, %eax
	cpuid
	mov	%eax, %r14d		# highest extended leaf
	mov	$1, %eax
	cpuid
	mov	%ecx, %r8d		# r8d = CPUID.1:ECX
	xor	%r9d, %r9d		# r9d = CPUID.80000001h:ECX (0 if absent)
	cmp	$0x80000001, %r14d
	jb	1f
	mov	$0x80000001, %eax
	cpuid
	mov	%ecx, %r9d
1:	xor	%r10d, %r10d		# r10d = CPUID.(7,0):EBX (0 if absent)
	cmp	$7, %r13d
	jb	2f
	mov	$7, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%ebx, %r10d
2:	# v2
	mov	%r8d, %eax
	and	$0x00982201, %eax
	cmp	$0x00982201, %eax
	jne	done
	test	$0x01, %r9b		# LAHF/SAHF
	jz	done
	inc	%r12d
	# v3
	mov	%r8d, %eax
	and	$0x38401000, %eax
	cmp	$0x38401000, %eax	# includes OSXSAVE, so XGETBV is allowed below
	jne	done
	test	$0x20, %r9b		# LZCNT
	jz	done
	mov	%r10d, %eax
	and	$0x128, %eax
	cmp	$0x128, %eax
	jne	done
	xor	%ecx, %ecx
	xgetbv				# edx:eax = XCR0
	mov	%eax, %r11d
	and	$0x06, %eax
	cmp	$0x06, %eax
	jne	done
	inc	%r12d
	# v4
	mov	%r10d, %eax
	and	$0xd0030000, %eax
	cmp	$0xd0030000, %eax
	jne	done
	mov	%r11d, %eax
	and	$0xe6, %eax
	cmp	$0xe6, %eax
	jne	done
	inc	%r12d
done:	sub	$16, %rsp
	movabs	$0x762d34362d363878, %rax	# "x86-64-v"
	mov	%rax, (%rsp)
	add	$'0', %r12d
	mov	%r12b, 8(%rsp)
	movb	$10, 9(%rsp)
	mov	$1, %edi		# fd 1
	mov	%rsp, %rsi
	mov	$10, %edx		# "x86-64-vN\n"
	mov	$1, %eax		# __NR_write
	syscall
	xor	%edi, %edi		# status 0
	mov	$60, %eax		# __NR_exit
	syscall

code_end:
