/*
 * sigbus.c — a file mapped into memory that another process truncates makes
 * reading its lost pages raise SIGBUS; the scanning thread escapes back to
 * its sigsetjmp and reports the file as changed, instead of dying.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "scan_int.h"

__thread sigjmp_buf *kh_scan_sigbus_jmp;

static void
on_sigbus(int sig)
{
	sigjmp_buf *jb = kh_scan_sigbus_jmp;

	if (jb != NULL) {
		kh_scan_sigbus_jmp = NULL;
		siglongjmp(*jb, 1);
	}
	signal(sig, SIG_DFL); /* not ours: the default action (core dump) */
	raise(sig);
}

static void
install_once(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sa.sa_flags = SA_NODEFER; /* no mask to restore after siglongjmp */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, NULL);
}

void
kh_scan_sigbus_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, install_once);
}
