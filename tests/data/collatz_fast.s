	.file	"collatz_fast.c"
	.text
	.section	.rodata.str1.1,"aMS",@progbits,1
.LC0:
	.string	"%d"
.LC1:
	.string	"%lld"
.LC2:
	.string	"%lld %d\n"
	.section	.text.startup,"ax",@progbits
	.p2align 4
	.globl	main
	.type	main, @function
main:
.LFB12:
	.cfi_startproc
	pushq	%r12
	.cfi_def_cfa_offset 16
	.cfi_offset 12, -16
	xorl	%eax, %eax
	leaq	.LC0(%rip), %rdi
	pushq	%rbp
	.cfi_def_cfa_offset 24
	.cfi_offset 6, -24
	pushq	%rbx
	.cfi_def_cfa_offset 32
	.cfi_offset 3, -32
	subq	$16, %rsp
	.cfi_def_cfa_offset 48
	leaq	4(%rsp), %rsi
	call	__isoc99_scanf@PLT
	cmpl	$1, %eax
	je	.L27
.L2:
	movl	$1, %eax
.L1:
	addq	$16, %rsp
	.cfi_remember_state
	.cfi_def_cfa_offset 32
	popq	%rbx
	.cfi_def_cfa_offset 24
	popq	%rbp
	.cfi_def_cfa_offset 16
	popq	%r12
	.cfi_def_cfa_offset 8
	ret
.L27:
	.cfi_restore_state
	movl	4(%rsp), %eax
	leaq	8(%rsp), %rbp
	leaq	.LC1(%rip), %rbx
	leaq	.LC2(%rip), %r12
	leal	-1(%rax), %edx
	movl	%edx, 4(%rsp)
	testl	%eax, %eax
	je	.L16
	.p2align 4,,10
	.p2align 3
.L3:
	xorl	%eax, %eax
	movq	%rbp, %rsi
	movq	%rbx, %rdi
	call	__isoc99_scanf@PLT
	cmpl	$1, %eax
	jne	.L2
	movq	8(%rsp), %rdi
	cmpq	$1, %rdi
	jle	.L2
	cmpq	$3, %rdi
	jle	.L17
	movq	%rdi, %rcx
	xorl	%edx, %edx
	movl	$1, %r8d
	sarq	%rcx
	cmpq	%rcx, %rdi
	jle	.L9
	movq	%rcx, %rax
	movl	$1, %r8d
	xorl	%esi, %esi
	.p2align 4,,10
	.p2align 3
.L15:
	xorl	%edx, %edx
	.p2align 4,,10
	.p2align 3
.L13:
	testb	$1, %al
	jne	.L10
	shrq	%rax
	addl	$1, %edx
	cmpq	$1, %rax
	jne	.L13
	cmpl	%edx, %esi
	jge	.L7
.L18:
	movq	%rcx, %r8
	addq	$1, %rcx
	cmpq	%rcx, %rdi
	jle	.L9
.L28:
	movq	%rcx, %rax
	movl	%edx, %esi
	jmp	.L15
	.p2align 4,,10
	.p2align 3
.L10:
	leaq	1(%rax,%rax,2), %rax
	addl	$1, %edx
	cmpq	$1, %rax
	jne	.L13
	cmpl	%edx, %esi
	jl	.L18
.L7:
	movl	%esi, %edx
.L29:
	addq	$1, %rcx
	cmpq	%rcx, %rdi
	jg	.L28
.L9:
	movq	%r8, %rsi
	movq	%r12, %rdi
	xorl	%eax, %eax
	call	printf@PLT
	movl	4(%rsp), %eax
	leal	-1(%rax), %edx
	movl	%edx, 4(%rsp)
	testl	%eax, %eax
	jne	.L3
.L16:
	xorl	%eax, %eax
	jmp	.L1
	.p2align 4,,10
	.p2align 3
.L17:
	xorl	%esi, %esi
	movl	$1, %r8d
	movl	$1, %ecx
	movl	%esi, %edx
	jmp	.L29
	.cfi_endproc
.LFE12:
	.size	main, .-main
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
