/*
 * dpkg_oracle.c — the dpkg oracle for version_oracle_dpkg.sh: dpkg's own
 * parseversion() and dpkg_version_compare() from libdpkg (libdpkg-dev),
 * driven exactly as `dpkg --compare-versions` (src/main/enquiry.c
 * cmpversions) drives them, but over many pairs in one process.
 * Input: "SCHEME<TAB>A<TAB>B" lines; output: "<|=|>|error NWARNINGS".
 */
#define LIBDPKG_VOLATILE_API 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/version.h>

/* 0 ok, -1 refused; counts warnings. "" and "<unknown>" are blank. */
static int
parse_side(const char *s, struct dpkg_version *v, int *n_warnings)
{
	struct dpkg_error err = DPKG_ERROR_INIT;

	if (*s == '\0' || strcmp(s, "<unknown>") == 0) {
		dpkg_version_blank(v);
		return 0;
	}
	if (parseversion(v, s, &err) < 0) {
		int warn = err.type == DPKG_MSG_WARN;
		dpkg_error_destroy(&err);
		if (!warn)
			return -1;
		(*n_warnings)++;
	}
	return 0;
}

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long count = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		struct dpkg_version a, b;
		char *ta, *tb;
		int n_warnings = 0, rc;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		ta = strchr(line, '\t');
		tb = ta ? strchr(ta + 1, '\t') : NULL;
		if (tb == NULL) {
			puts("error 0");
			continue;
		}
		*ta++ = '\0';
		*tb++ = '\0';
		if (parse_side(ta, &a, &n_warnings) < 0 || parse_side(tb, &b, &n_warnings) < 0) {
			printf("error %d\n", n_warnings);
		} else {
			bool ia = dpkg_version_is_informative(&a);
			bool ib = dpkg_version_is_informative(&b);
			if (!ia || !ib)
				rc = (int)ia - (int)ib; /* no version sorts first */
			else
				rc = dpkg_version_compare(&a, &b);
			printf("%s %d\n", rc < 0 ? "<" : rc > 0 ? ">" : "=", n_warnings);
		}
		if (++count % 4096 == 0)
			nffreeall();
	}
	free(line);
	return 0;
}
