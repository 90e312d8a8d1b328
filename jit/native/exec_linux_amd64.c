//go:build linux && amd64 && cgo

// The C side of the native runner: calling into JIT code, the helper
// dispatcher JIT code calls, and the fault handler.

#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "_cgo_export.h"

typedef uint64_t (*bpf_entry)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

// bpfplay_helper is where every helper trampoline jumps: the five eBPF
// arguments arrive in the System V argument registers, the helper number
// in r9 (the sixth), put there by the trampoline. JIT code keeps the
// stack 8-byte aligned only (the kernel's convention), so the function
// realigns it to 16 before calling into Go.
__attribute__((force_align_arg_pointer))
uint64_t bpfplay_helper(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t id) {
	uint64_t ret = (uint64_t)__builtin_return_address(0);
	return bpfplayHelper(id, a1, a2, a3, a4, a5, ret);
}

uint64_t bpfplay_helper_addr(void) { return (uint64_t)&bpfplay_helper; }

static uint64_t thread_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// bpfplay_run calls the program n times with r1 and r2, restoring len
// bytes of mem from orig before each run, and stores each run's thread
// CPU time in times (n entries). It returns the last r0.
uint64_t bpfplay_run(uint64_t entry, uint64_t r1, uint64_t r2, uint8_t *mem, uint8_t *orig, uint64_t len, int64_t n, uint64_t *times) {
	bpf_entry f = (bpf_entry)entry;
	uint64_t r0 = 0;
	for (int64_t i = 0; i < n; i++) {
		if (len)
			memcpy(mem, orig, len);
		uint64_t t0 = thread_ns();
		r0 = f(r1, r2, 0, 0, 0);
		times[i] = thread_ns() - t0;
	}
	return r0;
}

// bpfplay_call calls a bpf function (a callback) with five arguments.
uint64_t bpfplay_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5) {
	return ((bpf_entry)fn)(a1, a2, a3, a4, a5);
}

// The fault handler reports the signal, the faulting address and the
// instruction pointer on stderr, then exits: the parent maps the
// instruction pointer back to the eBPF instruction. Only async-signal-
// safe calls.
static void put_hex(char *buf, int *n, uint64_t v) {
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int k = 0;
	do {
		tmp[k++] = digits[v & 15];
		v >>= 4;
	} while (v && k < 16);
	buf[(*n)++] = '0';
	buf[(*n)++] = 'x';
	while (k)
		buf[(*n)++] = tmp[--k];
}

static void put_str(char *buf, int *n, const char *s) {
	while (*s)
		buf[(*n)++] = *s++;
}

static void on_fault(int sig, siginfo_t *si, void *ucv) {
	ucontext_t *uc = (ucontext_t *)ucv;
	char buf[160];
	int n = 0;
	put_str(buf, &n, "\nbpfplay-native-fault sig=");
	put_hex(buf, &n, (uint64_t)sig);
	put_str(buf, &n, " addr=");
	put_hex(buf, &n, (uint64_t)si->si_addr);
	if (sig == SIGSYS) {
		put_str(buf, &n, " syscall=");
		put_hex(buf, &n, (uint64_t)si->si_syscall);
	}
	put_str(buf, &n, " rip=");
	put_hex(buf, &n, (uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
	buf[n++] = '\n';
	ssize_t w = write(2, buf, n);
	(void)w;
	_exit(70);
}

// bpfplay_catch_faults installs on_fault for the signals machine code
// can raise (a bad access, division trap, invalid opcode, int3), for the
// seccomp trap and for the CPU limit (SIGXCPU, which Go would ignore).
int bpfplay_catch_faults(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGXCPU};
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, 0) != 0)
			return -1;
	return 0;
}
