/* conn.c — TCP connections for the site checks: bounded connect time, and the
 * same bound on every later read and write (a stalled server cannot hang us). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "khien/site.h"
#include "site_int.h"

unsigned
site_timeout_ms(const struct kh_site_opts *opts)
{
	unsigned ms = (opts != NULL && opts->timeout_ms > 0) ? opts->timeout_ms : 5000;
	uint64_t now;

	/* The whole-site deadline shortens the per-operation bound. */
	if (opts != NULL && opts->deadline_ns != 0) {
		now = kh_time_mono_ns();
		if (now >= opts->deadline_ns)
			return 1;
		if ((opts->deadline_ns - now) / 1000000u < ms)
			ms = (unsigned)((opts->deadline_ns - now) / 1000000u) + 1;
	}
	return ms;
}

bool
site_deadline_passed(const struct kh_site_opts *opts)
{
	return opts != NULL && opts->deadline_ns != 0 &&
	       kh_time_mono_ns() >= opts->deadline_ns;
}

static enum kh_err
set_io_timeouts(int fd, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return KH_EIO;
	return KH_OK;
}

/* Non-blocking connect, poll for the result, then back to blocking mode. */
static int
connect_one(const struct addrinfo *ai, unsigned ms, int *err)
{
	struct pollfd pfd;
	socklen_t len = sizeof(*err);
	int fd, flags;

	*err = 0;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
		goto fail;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)ms) != 1) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) != 0 || *err != 0)
			goto fail_err;
	}
	if (fcntl(fd, F_SETFL, flags) != 0 || set_io_timeouts(fd, ms) != KH_OK)
		goto fail;
	return fd;
 fail:
	*err = errno;
 fail_err:
	close(fd);
	return -1;
}

enum kh_err
kh_site_connect(const char *host, const char *port,
                const struct kh_site_opts *opts, int *fdp,
                struct kh_diag *diag)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1, err = 0, gai;

	*fdp = -1;
	if (site_deadline_passed(opts))
		return kh_diag_set(diag, KH_EIO, host, 0, "%s",
		                   KH_MSG("site time limit reached",
		                          "hết thời gian cho phép của trang"));
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	if ((gai = getaddrinfo(host, port, &hints, &res)) != 0)
		return kh_diag_set(diag, KH_EIO, host, 0, "%s: %s",
		                   KH_MSG("cannot resolve", "không phân giải được tên"),
		                   gai_strerror(gai));
	for (const struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai, site_timeout_ms(opts), &err);
	freeaddrinfo(res);
	if (fd < 0)
		return kh_diag_set(diag, KH_EIO, host, 0, "%s %s: %s",
		                   KH_MSG("cannot connect to port",
		                          "không kết nối được tới cổng"),
		                   port, strerror(err));
	*fdp = fd;
	return KH_OK;
}
