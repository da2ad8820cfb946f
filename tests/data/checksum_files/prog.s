	.file	"hot.c"
	.text
	.p2align 4
	.globl	checksum
	.type	checksum, @function
checksum:
.LFB0:
	.cfi_startproc
	testl	%edx, %edx
	jle	.L6
	movslq	%esi, %r8
	movslq	%edx, %rdx
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	movq	%rdi, %r9
	pushq	%rbx
	.cfi_def_cfa_offset 24
	.cfi_offset 3, -24
	movl	%esi, %ebp
	leaq	(%rdx,%r8), %rbx
	xorl	%r11d, %r11d
	movabsq	$5270498306774157605, %r10
	xorl	%edi, %edi
	.p2align 4,,10
	.p2align 3
.L3:
	movq	%r11, %rsi
	testl	%ebp, %ebp
	jle	.L5
	.p2align 4,,10
	.p2align 3
.L4:
	movslq	(%r9,%rsi,4), %rcx
	imulq	%rsi, %rcx
	addq	$1, %rsi
	movq	%rcx, %rax
	imulq	%r10
	movq	%rcx, %rax
	sarq	$63, %rax
	sarq	%rdx
	subq	%rax, %rdx
	leaq	0(,%rdx,8), %rax
	subq	%rdx, %rax
	subq	%rax, %rcx
	addq	%rcx, %rdi
	cmpq	%rsi, %r8
	jne	.L4
.L5:
	addq	$1, %r8
	addq	$1, %r11
	subq	$4, %r9
	cmpq	%r8, %rbx
	jne	.L3
	movq	%rdi, %rax
	popq	%rbx
	.cfi_def_cfa_offset 16
	popq	%rbp
	.cfi_def_cfa_offset 8
	ret
.L6:
	.cfi_restore 3
	.cfi_restore 6
	xorl	%eax, %eax
	ret
	.cfi_endproc
.LFE0:
	.size	checksum, .-checksum
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
