/*
 * test_vuln_oracle.c — the matcher's OSV range walk (kh_vuln_pkg_rule_eval,
 * on rules as the index stores them) agrees with the feeds module's
 * kh_feeds_affected_eval on generated ranges and versions: two
 * implementations of the OSV "Evaluation" section as each other's oracle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "khien/feeds.h"
#include "khien/vuln.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static unsigned
rnd(unsigned bound)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % bound);
}

/* Few distinct versions, so equal bounds and exact hits are frequent. */
static void
version(enum kh_version_scheme s, char *out, size_t size)
{
	unsigned a = rnd(3), b = rnd(4), c = rnd(3);

	if (s == KH_VERSION_DPKG)
		snprintf(out, size, "%s%u.%u-%u%s", rnd(10) ? "" : "1:", a, b, c + 1,
		         rnd(4) ? "" : "+deb12u1");
	else if (s == KH_VERSION_RPM)
		snprintf(out, size, "%u.%u-%u.el9%s", a, b, c, rnd(4) ? "" : "_1");
	else
		snprintf(out, size, "%u.%u.%u-r%u", a, b, c, rnd(2));
}

/*
 * One case as the OSV schema allows it: 1..4 events starting with an
 * introduced one (sometimes "0"), fixed or last_affected but not both,
 * limits, and maybe a versions list.
 */
static void
one_case(enum kh_version_scheme scheme)
{
	char ev_text[4][32], installed[32], listed_v[32];
	struct kh_feeds_event fev[4];
	struct kh_vuln_event vev[4];
	struct kh_feeds_range range = { .type = (char *)"ECOSYSTEM", .events = fev };
	char *versions[1] = { listed_v };
	struct kh_feeds_affected aff = { .ranges = &range, .n_ranges = 1 };
	struct kh_vuln_pkg_rule rule = { .ecosystem = "X:1", .package = "p", .advisory = "A",
		                         .scheme = scheme, .events = vev };
	const char *fx_feeds = NULL;
	char *fx_vuln = NULL;
	bool a_feeds, a_vuln;
	size_t n = 1 + rnd(4);

	/* OSV schema: "last_affected and fixed events are mutually exclusive". */
	enum kh_feeds_event_kind closer = rnd(2) ? KH_FEEDS_EV_FIXED : KH_FEEDS_EV_LAST_AFFECTED;
	static const enum kh_feeds_event_kind kinds[3] = { KH_FEEDS_EV_INTRODUCED,
		                                          KH_FEEDS_EV_FIXED, KH_FEEDS_EV_LIMIT };

	for (size_t i = 0; i < n; i++) {
		version(scheme, ev_text[i], sizeof(ev_text[i]));
		fev[i].kind = i == 0 ? KH_FEEDS_EV_INTRODUCED : kinds[rnd(3)];
		if (fev[i].kind == KH_FEEDS_EV_FIXED)
			fev[i].kind = closer;
		if (fev[i].kind == KH_FEEDS_EV_INTRODUCED && rnd(3) == 0)
			snprintf(ev_text[i], sizeof(ev_text[i]), "0");
		fev[i].version = ev_text[i];
	}
	range.n_events = n;
	if (rnd(5) == 0) {
		version(scheme, listed_v, sizeof(listed_v));
		aff.versions = versions;
		aff.n_versions = 1;
		rule.versions = (const char *const *)versions;
		rule.n_versions = 1;
	}
	version(scheme, installed, sizeof(installed));
	assert_int_equal(kh_feeds_affected_eval(&aff, scheme, installed, &a_feeds, &fx_feeds,
	                                        NULL, NULL), KH_OK);
	/* The index sorts events as the OSV walk needs; go through it. */
	struct kh_vuln_db *db = kh_vuln_db_new();
	assert_non_null(db);
	for (size_t i = 0; i < n; i++) {
		vev[i].kind = (enum kh_vuln_event_kind)fev[i].kind;
		vev[i].version = fev[i].version;
	}
	rule.n_events = n;
	assert_int_equal(kh_vuln_db_add_pkg_rule(db, &rule), KH_OK);
	assert_int_equal(kh_vuln_pkg_rule_eval(kh_vuln_db_pkg_rule_at(db, 0), installed, &a_vuln,
	                                       &fx_vuln, NULL, NULL), KH_OK);
	if (a_feeds != a_vuln || (a_vuln && (fx_feeds == NULL) != (fx_vuln == NULL)) ||
	    (a_vuln && fx_vuln != NULL && strcmp(fx_vuln, fx_feeds) != 0)) {
		fprintf(stderr, "disagree on %s (%s):", installed, kh_version_scheme_name(scheme));
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %s=%s", kh_feeds_event_name(fev[i].kind), fev[i].version);
		fprintf(stderr, " versions=%s feeds=%d/%s vuln=%d/%s\n",
		        aff.n_versions ? listed_v : "-", a_feeds, fx_feeds ? fx_feeds : "-", a_vuln,
		        fx_vuln ? fx_vuln : "-");
		fail();
	}
	kh_free(fx_vuln);
	kh_vuln_db_free(db);
}

static void
test_agree(void **state)
{
	static const enum kh_version_scheme schemes[] = { KH_VERSION_DPKG, KH_VERSION_RPM,
		                                          KH_VERSION_APK };

	(void)state;
	kh_lang_set(KH_LANG_EN);
	for (size_t s = 0; s < 3; s++)
		for (int i = 0; i < 2000; i++)
			one_case(schemes[s]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
