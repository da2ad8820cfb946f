	.file	"prog.c"
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
	je	.L24
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
.L24:
	.cfi_restore_state
	movl	4(%rsp), %eax
	leaq	8(%rsp), %rbp
	leaq	.LC1(%rip), %rbx
	leaq	.LC2(%rip), %r12
	leal	-1(%rax), %edx
	movl	%edx, 4(%rsp)
	testl	%eax, %eax
	je	.L13
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
	movl	$1, %ecx
	xorl	%esi, %esi
	movl	$1, %r8d
.L6:
	addq	$1, %rcx
	cmpq	%rcx, %rdi
	je	.L12
.L25:
	movq	%rcx, %rax
	xorl	%edx, %edx
	.p2align 4,,10
	.p2align 3
.L10:
	testb	$1, %al
	jne	.L7
	shrq	%rax
	addl	$1, %edx
	cmpq	$1, %rax
	jne	.L10
.L9:
	cmpl	%edx, %esi
	jge	.L6
	movq	%rcx, %r8
	addq	$1, %rcx
	movl	%edx, %esi
	cmpq	%rcx, %rdi
	jne	.L25
.L12:
	movl	%esi, %edx
	movq	%r12, %rdi
	movq	%r8, %rsi
	xorl	%eax, %eax
	call	printf@PLT
	movl	4(%rsp), %eax
	leal	-1(%rax), %edx
	movl	%edx, 4(%rsp)
	testl	%eax, %eax
	jne	.L3
.L13:
	xorl	%eax, %eax
	jmp	.L1
	.p2align 4,,10
	.p2align 3
.L7:
	leaq	1(%rax,%rax,2), %rax
	addl	$2, %edx
	cmpq	$1, %rax
	jne	.L10
	jmp	.L9
	.cfi_endproc
.LFE12:
	.size	main, .-main
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
