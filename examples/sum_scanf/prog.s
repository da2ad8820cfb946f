	.file	"prog.c"
	.text
	.p2align 4
	.type	cmp, @function
cmp:
.LFB22:
	.cfi_startproc
	movl	(%rsi), %eax
	cmpl	%eax, (%rdi)
	movl	$-1, %edx
	setg	%al
	movzbl	%al, %eax
	cmovl	%edx, %eax
	ret
	.cfi_endproc
.LFE22:
	.size	cmp, .-cmp
	.section	.rodata.str1.1,"aMS",@progbits,1
.LC0:
	.string	"%d"
.LC1:
	.string	"%lld %d %d\n"
	.section	.text.startup,"ax",@progbits
	.p2align 4
	.globl	main
	.type	main, @function
main:
.LFB23:
	.cfi_startproc
	pushq	%r15
	.cfi_def_cfa_offset 16
	.cfi_offset 15, -16
	xorl	%eax, %eax
	pushq	%r14
	.cfi_def_cfa_offset 24
	.cfi_offset 14, -24
	pushq	%r13
	.cfi_def_cfa_offset 32
	.cfi_offset 13, -32
	pushq	%r12
	.cfi_def_cfa_offset 40
	.cfi_offset 12, -40
	leaq	.LC0(%rip), %r12
	pushq	%rbp
	.cfi_def_cfa_offset 48
	.cfi_offset 6, -48
	movq	%r12, %rdi
	pushq	%rbx
	.cfi_def_cfa_offset 56
	.cfi_offset 3, -56
	subq	$24, %rsp
	.cfi_def_cfa_offset 80
	leaq	12(%rsp), %rsi
	call	__isoc99_scanf@PLT
	cmpl	$1, %eax
	jne	.L8
	movl	12(%rsp), %eax
	subl	$1, %eax
	cmpl	$999999, %eax
	jbe	.L14
.L8:
	movl	$1, %eax
.L5:
	addq	$24, %rsp
	.cfi_remember_state
	.cfi_def_cfa_offset 56
	popq	%rbx
	.cfi_def_cfa_offset 48
	popq	%rbp
	.cfi_def_cfa_offset 40
	popq	%r12
	.cfi_def_cfa_offset 32
	popq	%r13
	.cfi_def_cfa_offset 24
	popq	%r14
	.cfi_def_cfa_offset 16
	popq	%r15
	.cfi_def_cfa_offset 8
	ret
.L14:
	.cfi_restore_state
	leaq	value(%rip), %r15
	xorl	%r13d, %r13d
	xorl	%ebp, %ebp
	xorl	%ebx, %ebx
	jmp	.L12
	.p2align 4,,10
	.p2align 3
.L15:
	movslq	12(%rsp), %rsi
	cmpl	%ebp, %ecx
	leal	1(%r13), %eax
	cmovl	%ebp, %r14d
	addq	$4, %r15
	cmpl	%esi, %eax
	jge	.L11
.L10:
	movl	%eax, %r13d
	movl	%r14d, %ebp
.L12:
	xorl	%eax, %eax
	movq	%r15, %rsi
	movq	%r12, %rdi
	call	__isoc99_scanf@PLT
	cmpl	$1, %eax
	jne	.L8
	movslq	(%r15), %rcx
	movq	%rcx, %r14
	addq	%rcx, %rbx
	testl	%r13d, %r13d
	jne	.L15
	movslq	12(%rsp), %rsi
	addq	$4, %r15
	cmpl	$1, %esi
	jg	.L10
.L11:
	leaq	cmp(%rip), %rcx
	movl	$4, %edx
	leaq	value(%rip), %rdi
	call	qsort@PLT
	movl	12(%rsp), %eax
	movq	%rbx, %rsi
	movl	$2, %ecx
	leaq	.LC1(%rip), %rdi
	subl	$1, %eax
	cltd
	idivl	%ecx
	leaq	value(%rip), %rdx
	cltq
	movl	(%rdx,%rax,4), %ecx
	movl	%r14d, %edx
	xorl	%eax, %eax
	call	printf@PLT
	xorl	%eax, %eax
	jmp	.L5
	.cfi_endproc
.LFE23:
	.size	main, .-main
	.local	value
	.comm	value,4000000,32
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
