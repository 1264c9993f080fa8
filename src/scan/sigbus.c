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

static struct sigaction previous; /* whoever handled SIGBUS before us */
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

static void
on_sigbus(int sig, siginfo_t *info, void *uctx)
{
	sigjmp_buf *jb = kh_scan_sigbus_jmp;

	if (jb != NULL) {
		kh_scan_sigbus_jmp = NULL;
		siglongjmp(*jb, 1);
	}
	/* Not a scanned mapping: hand it to the previous handler, else die. */
	if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction != NULL) {
		previous.sa_sigaction(sig, info, uctx);
		return;
	}
	if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN &&
	    previous.sa_handler != NULL) {
		previous.sa_handler(sig);
		return;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Installs the handler unless it is already in place. Checked at every scan,
 * not once per process: the embedding program (or a test framework) may
 * have replaced it since.
 */
void
kh_scan_sigbus_install(void)
{
	struct sigaction sa, current;

	pthread_mutex_lock(&install_lock);
	if (sigaction(SIGBUS, NULL, &current) == 0 &&
	    !((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_sigbus)) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER; /* no mask to restore after siglongjmp */
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGBUS, &sa, &previous) != 0)
			memset(&previous, 0, sizeof(previous));
	}
	pthread_mutex_unlock(&install_lock);
}
