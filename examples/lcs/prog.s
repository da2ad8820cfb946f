	.file	"prog.c"
	.text
	.section	.rodata.str1.1,"aMS",@progbits,1
.LC0:
	.string	"%20000s %20000s"
.LC1:
	.string	"%d\n"
	.section	.text.startup,"ax",@progbits
	.p2align 4
	.globl	main
	.type	main, @function
main:
.LFB11:
	.cfi_startproc
	pushq	%r15
	.cfi_def_cfa_offset 16
	.cfi_offset 15, -16
	leaq	.LC0(%rip), %rdi
	xorl	%eax, %eax
	pushq	%r14
	.cfi_def_cfa_offset 24
	.cfi_offset 14, -24
	leaq	b(%rip), %r14
	pushq	%r13
	.cfi_def_cfa_offset 32
	.cfi_offset 13, -32
	leaq	a(%rip), %r13
	movq	%r14, %rdx
	pushq	%r12
	.cfi_def_cfa_offset 40
	.cfi_offset 12, -40
	movq	%r13, %rsi
	pushq	%rbp
	.cfi_def_cfa_offset 48
	.cfi_offset 6, -48
	pushq	%rbx
	.cfi_def_cfa_offset 56
	.cfi_offset 3, -56
	subq	$40, %rsp
	.cfi_def_cfa_offset 96
	call	__isoc99_scanf@PLT
	movl	%eax, %edx
	movl	$1, %eax
	cmpl	$2, %edx
	jne	.L1
	movq	%r13, %rdi
	call	strlen@PLT
	movq	%r14, %rdi
	movq	%rax, %r15
	call	strlen@PLT
	leaq	prev(%rip), %rdi
	testl	%eax, %eax
	movl	%eax, 12(%rsp)
	leaq	4(,%rax,4), %rdx
	movq	%rax, %rbx
	movl	$4, %eax
	cmovs	%rax, %rdx
	xorl	%esi, %esi
	call	memset@PLT
	movq	%rax, %rdi
	testl	%r15d, %r15d
	je	.L3
	leal	1(%rbx), %ebp
	leaq	1(%r13), %r12
	movslq	%ebp, %rbp
	leaq	0(,%rbp,4), %rax
	leaq	4+prev(%rip), %rbp
	movq	%rax, 16(%rsp)
	leal	-1(%r15), %eax
	addq	%r12, %rax
	leaq	cur(%rip), %r12
	movq	%rax, 24(%rsp)
	leaq	4(%r12), %r15
	.p2align 4,,10
	.p2align 3
.L8:
	movl	$0, cur(%rip)
	movl	12(%rsp), %eax
	testl	%eax, %eax
	je	.L4
	movzbl	0(%r13), %r10d
	xorl	%eax, %eax
	jmp	.L7
	.p2align 4,,10
	.p2align 3
.L5:
	movl	(%r12,%rax,4), %esi
	movl	0(%rbp,%rax,4), %edx
	cmpl	%esi, %edx
	cmovl	%esi, %edx
	movl	%edx, (%r15,%rax,4)
	addq	$1, %rax
	cmpq	%rax, %rbx
	je	.L4
.L7:
	cmpb	(%r14,%rax), %r10b
	jne	.L5
	movl	(%rdi,%rax,4), %ecx
	leal	1(%rcx), %edx
	movl	%edx, (%r15,%rax,4)
	addq	$1, %rax
	cmpq	%rax, %rbx
	jne	.L7
.L4:
	movq	16(%rsp), %rdx
	movq	%r12, %rsi
	addq	$1, %r13
	call	memcpy@PLT
	movq	%rax, %rdi
	cmpq	%r13, 24(%rsp)
	jne	.L8
.L3:
	movslq	%ebx, %rbx
	xorl	%eax, %eax
	movl	(%rdi,%rbx,4), %esi
	leaq	.LC1(%rip), %rdi
	call	printf@PLT
	xorl	%eax, %eax
.L1:
	addq	$40, %rsp
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
	.cfi_endproc
.LFE11:
	.size	main, .-main
	.local	cur
	.comm	cur,80004,32
	.local	prev
	.comm	prev,80004,32
	.local	b
	.comm	b,20001,32
	.local	a
	.comm	a,20001,32
	.ident	"GCC: (Debian 12.2.0-14+deb12u1) 12.2.0"
	.section	.note.GNU-stack,"",@progbits
