/*
 * test_feeds_net.c — the HTTP client's refusals that need no server:
 * header smuggling through a validator, schemes other than http/https,
 * a closed port on 127.0.0.1, an unreachable proxy. (Downloads against a
 * real server are tests/integration/feeds_update.sh.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "khien/net.h"

static void
get_fails(const struct kh_net_request *req, const struct kh_net_options *o, enum kh_err want)
{
	struct kh_net_response resp;
	struct kh_diag d;
	enum kh_err r;

	kh_net_response_init(&resp);
	kh_diag_clear(&d);
	r = kh_net_get(req, o, &resp, &d);
	if (r != want)
		fail_msg("%s: %s, want %s (%s)", req->url, kh_strerror(r), kh_strerror(want), d.msg);
	assert_int_equal(resp.body.len, 0);
	kh_net_response_cleanup(&resp);
}

static void
test_refusals(void **state)
{
	struct kh_net_request req = { "http://127.0.0.1:9/kev.json", "\"abc\"\r\nX-Injected: 1", NULL };
	struct kh_net_options o = { .timeout_s = 5, .connect_timeout_s = 2, .proxy = "" };

	(void)state;
	/* a validator with CR/LF would add a header of its own */
	get_fails(&req, &o, KH_EINVAL);
	req.if_none_match = NULL;
	req.if_modified_since = "Mon, 01 Jan 2024 00:00:00 GMT\nX: y";
	get_fails(&req, &o, KH_EINVAL);
	req.if_modified_since = NULL;
	/* nothing listens on the discard port */
	get_fails(&req, &o, KH_EHTTP);
	/* only http and https */
	req.url = "file:///etc/passwd";
	get_fails(&req, &o, KH_EHTTP);
	req.url = "ftp://127.0.0.1/x";
	get_fails(&req, &o, KH_EHTTP);
	/* a proxy that is not there */
	req.url = "http://127.0.0.1:8/x";
	o.proxy = "http://127.0.0.1:9";
	get_fails(&req, &o, KH_EHTTP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
	};

	kh_lang_set(KH_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
