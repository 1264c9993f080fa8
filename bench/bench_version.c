/*
 * bench_version.c — comparisons per second for each version scheme on a
 * generated set shaped like real inventories (Debian revisions and epochs,
 * RHEL releases, semver pre-releases, Alpine -rN, vendor builds).
 * Usage: bench_version [PAIRS]   (default 2000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/version.h"

#define N_VERSIONS 4096

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* xorshift64: fixed seed, so every run measures the same set */
static unsigned
rnd(unsigned bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % bound);
}

static void
make_version(enum kh_version_scheme s, char *out, size_t size)
{
	static const char *const pre[] = { "alpha", "beta", "rc" };
	unsigned a = rnd(3), b = rnd(40), c = rnd(12), d = rnd(9000);
	int n;

	switch (s) {
	case KH_VERSION_DPKG:
		n = snprintf(out, size, "%s%u.%u.%u%s-%u%s", rnd(8) ? "" : "1:", a, b, c,
		             rnd(5) ? "" : "~rc1", rnd(4) + 1, rnd(3) ? "" : "+deb12u1");
		break;
	case KH_VERSION_RPM:
		n = snprintf(out, size, "%u.%u.%u-%u.el9%s", a, b, c, rnd(30),
		             rnd(6) ? "" : "_2.1");
		break;
	case KH_VERSION_SEMVER:
		n = snprintf(out, size, "%u.%u.%u%s%s", a, b, c, rnd(3) ? "" : "-",
		             "");
		if (out[n - 1] == '-')
			n += snprintf(out + n, size - (size_t)n, "%s.%u", pre[rnd(3)], rnd(5));
		break;
	case KH_VERSION_APK:
		n = snprintf(out, size, "%u.%u.%u%s-r%u", a, b, c, rnd(5) ? "" : "_rc1", rnd(4));
		break;
	default:
		n = snprintf(out, size, "%u.0.%u.%u%s", 100 + rnd(30), d, rnd(300),
		             rnd(6) ? "" : " build1396");
		break;
	}
	if (n < 0 || (size_t)n >= size)
		out[0] = '\0';
}

int
main(int argc, char **argv)
{
	static char versions[N_VERSIONS][64];
	long pairs = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	char cmdline[512] = "";

	for (int i = 0; i < argc; i++) {
		size_t len = strlen(cmdline);
		if (snprintf(cmdline + len, sizeof(cmdline) - len, "%s%s", i ? " " : "",
		             argv[i]) < 0)
			break;
	}
	if (pairs <= 0)
		pairs = 2000000;
	for (int s = 0; s < KH_VERSION_SCHEME_COUNT_; s++) {
		struct kh_cur cur[N_VERSIONS];
		long sum = 0;
		uint64_t t0, t1;

		for (int i = 0; i < N_VERSIONS; i++) {
			make_version((enum kh_version_scheme)s, versions[i], sizeof(versions[i]));
			cur[i] = kh_cur_from_str(versions[i]);
		}
		t0 = kh_time_mono_ns();
		for (long k = 0; k < pairs; k++) {
			int cmp = 0;
			if (kh_version_compare_cur((enum kh_version_scheme)s,
			                           cur[k % N_VERSIONS],
			                           cur[(k * 7 + 3) % N_VERSIONS], &cmp, NULL,
			                           NULL) == KH_OK)
				sum += cmp;
		}
		t1 = kh_time_mono_ns();
		printf("%-8s %12.0f comparisons/s  (%ld pairs, %.3f s, checksum %ld)  $ %s\n",
		       kh_version_scheme_name((enum kh_version_scheme)s),
		       (double)pairs / ((double)(t1 - t0) / 1e9), pairs,
		       (double)(t1 - t0) / 1e9, sum, cmdline);
	}
	return 0;
}
