/*
 * test_site_parsers.c — the site module's readers of outside data, with
 * hand-checked expectations and malformed input: the TLS ServerHello/alert
 * reader and the ClientHello builder, the CSP parser (merging as the
 * Observatory does), page reading (title, text, hidden links), Vietnamese
 * folding and the gambling/defacement term lists, recorded responses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/site.h"

/* ---- TLS ---- */

/* A TLS record of `type` holding `body`. */
static size_t
record(uint8_t *out, uint8_t type, uint16_t version, const uint8_t *body, size_t n)
{
	out[0] = type;
	out[1] = (uint8_t)(version >> 8);
	out[2] = (uint8_t)version;
	out[3] = (uint8_t)(n >> 8);
	out[4] = (uint8_t)n;
	memcpy(out + 5, body, n);
	return n + 5;
}

/* A ServerHello for version/suite with a session id of sid_len bytes. */
static size_t
server_hello(uint8_t *out, uint16_t version, uint16_t suite, uint8_t sid_len)
{
	uint8_t hs[128];
	size_t body = 2 + 32 + 1 + sid_len + 2 + 1, at = 0;

	hs[at++] = 2;
	hs[at++] = 0;
	hs[at++] = (uint8_t)(body >> 8);
	hs[at++] = (uint8_t)body;
	hs[at++] = (uint8_t)(version >> 8);
	hs[at++] = (uint8_t)version;
	memset(hs + at, 0x11, 32);
	at += 32;
	hs[at++] = sid_len;
	memset(hs + at, 0x22, sid_len);
	at += sid_len;
	hs[at++] = (uint8_t)(suite >> 8);
	hs[at++] = (uint8_t)suite;
	hs[at++] = 0;
	return record(out, 22, version, hs, at);
}

static void
test_hello_parse_server_hello(void **state)
{
	uint8_t wire[256];
	size_t n = server_hello(wire, 0x0300, 0x000a, 32);
	struct kh_site_hello_reply rep;

	(void)state;
	assert_int_equal(kh_site_hello_parse(kh_cur_make(wire, n), &rep, NULL), KH_OK);
	assert_int_equal(rep.kind, KH_SITE_HELLO_SERVER_HELLO);
	assert_int_equal(rep.version, 0x0300);
	assert_int_equal(rep.suite, 0x000a); /* SSLv3 DES-CBC3-SHA */
	assert_int_equal(rep.consumed, n);

	/* every strict prefix is "need more", never an error or a guess */
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(kh_site_hello_parse(kh_cur_make(wire, k), &rep, NULL), KH_OK);
		assert_int_equal(rep.kind, KH_SITE_HELLO_INCOMPLETE);
	}
}

static void
test_hello_parse_alert(void **state)
{
	uint8_t wire[16];
	size_t n = record(wire, 21, 0x0301, (const uint8_t *)"\x02\x28", 2);
	struct kh_site_hello_reply rep;

	(void)state;
	assert_int_equal(kh_site_hello_parse(kh_cur_make(wire, n), &rep, NULL), KH_OK);
	assert_int_equal(rep.kind, KH_SITE_HELLO_ALERT);
	assert_int_equal(rep.alert_level, 2);
	assert_int_equal(rep.alert_desc, 40); /* handshake_failure */
}

static void
expect_format_error(const uint8_t *p, size_t n, long long offset)
{
	struct kh_site_hello_reply rep;
	struct kh_diag diag;

	kh_diag_clear(&diag);
	assert_int_equal(kh_site_hello_parse(kh_cur_make(p, n), &rep, &diag), KH_EFORMAT);
	assert_true(diag.msg[0] != '\0');
	assert_int_equal(diag.offset, offset);
}

static void
test_hello_parse_malformed(void **state)
{
	static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	static const uint8_t sslv2[] = { 0x80, 0x2e, 0x04, 0x00, 0x01 };
	static const uint8_t tls4[] = { 0x16, 0x04, 0x00, 0x00, 0x05 };
	static const uint8_t zero_len[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
	static const uint8_t huge_len[] = { 0x16, 0x03, 0x03, 0xff, 0xff, 0x02 };
	static const uint8_t short_alert[] = { 0x15, 0x03, 0x01, 0x00, 0x01, 0x02 };
	uint8_t wire[256];
	size_t n;

	(void)state;
	expect_format_error(http, sizeof(http) - 1, 0);
	expect_format_error(sslv2, sizeof(sslv2), 0);
	expect_format_error(tls4, sizeof(tls4), 1);
	expect_format_error(zero_len, sizeof(zero_len), 3);
	expect_format_error(huge_len, sizeof(huge_len), 3);
	expect_format_error(short_alert, sizeof(short_alert), 5);
	/* a certificate where the ServerHello should be */
	n = server_hello(wire, 0x0303, 0xc02f, 0);
	wire[5] = 11;
	expect_format_error(wire, n, 5);
	/* a session id longer than 32 bytes */
	n = server_hello(wire, 0x0303, 0xc02f, 33);
	expect_format_error(wire, n, 9);
	/* a ServerHello too short to hold its fields */
	{
		static const uint8_t tiny[] = { 0x16, 0x03, 0x03, 0x00, 0x08,
			                        0x02, 0x00, 0x00, 0x04, 0x03, 0x03, 0x00, 0x00 };
		expect_format_error(tiny, sizeof(tiny), 6);
	}
}

static void
test_hello_build(void **state)
{
	static const uint16_t suites[] = { 0x0005, 0x000a, 0x0003 };
	struct kh_buf b;
	const uint8_t *p;

	(void)state;
	kh_buf_init(&b, 0);
	assert_int_equal(kh_site_hello_build(0x0300, suites, 3, "localhost", &b), KH_OK);
	p = (const uint8_t *)b.data;
	assert_int_equal(p[0], 0x16);
	assert_int_equal(p[1] << 8 | p[2], 0x0300);
	assert_int_equal((size_t)(p[3] << 8 | p[4]), b.len - 5);
	assert_int_equal(p[5], 1); /* ClientHello */
	assert_int_equal((size_t)(p[7] << 8 | p[8]), b.len - 9);
	assert_int_equal(p[9] << 8 | p[10], 0x0300);
	assert_int_equal(p[43], 0);                /* no session id */
	assert_int_equal(p[44] << 8 | p[45], 6);   /* three suites */
	assert_int_equal(p[46] << 8 | p[47], 0x0005);
	assert_int_equal(b.len, 9 + 2 + 32 + 1 + 2 + 6 + 2); /* SSLv3: no extensions */

	/* TLS 1.2: record layer says 3.1 (RFC 5246 E.1), hello says 3.3, SNI present */
	b.len = 0;
	assert_int_equal(kh_site_hello_build(0x0303, suites, 3, "example.vn", &b), KH_OK);
	p = (const uint8_t *)b.data;
	assert_int_equal(p[1] << 8 | p[2], 0x0301);
	assert_int_equal(p[9] << 8 | p[10], 0x0303);
	assert_non_null(memmem(b.data, b.len, "example.vn", 10));
	kh_buf_cleanup(&b);

	kh_buf_init(&b, 0);
	assert_int_equal(kh_site_hello_build(0x0200, suites, 3, NULL, &b), KH_EINVAL);
	assert_int_equal(kh_site_hello_build(0x0303, suites, 0, NULL, &b), KH_EINVAL);
	kh_buf_cleanup(&b);
}

/* ---- CSP ---- */

static struct kh_site_csp *
csp_of(const char *a, const char *b, bool meta, enum kh_err want)
{
	struct kh_cur pol[2] = { kh_cur_make(a, strlen(a)), kh_cur_make(b ? b : "", b ? strlen(b) : 0) };
	struct kh_site_csp *csp = NULL;
	struct kh_diag diag;

	kh_diag_clear(&diag);
	assert_int_equal(kh_site_csp_parse(pol, b ? 2 : 1, meta, &csp, &diag), want);
	if (want != KH_OK) {
		assert_null(csp);
		assert_true(diag.msg[0] != '\0');
	}
	return csp;
}

static void
test_csp_parse(void **state)
{
	struct kh_site_csp *csp;
	const struct kh_site_csp_directive *d;

	(void)state;
	csp = csp_of("Default-Src 'self' HTTPS://CDN.example.vn; img-src; script-src 'self' 'self'",
	             NULL, false, KH_OK);
	d = kh_site_csp_get(csp, "default-src");
	assert_non_null(d);
	assert_true(kh_site_csp_has(d, "'self'"));
	assert_true(kh_site_csp_has(d, "https://cdn.example.vn"));
	/* an empty fetch directive means 'none' */
	d = kh_site_csp_get(csp, "img-src");
	assert_non_null(d);
	assert_true(kh_site_csp_has(d, "'none'"));
	assert_int_equal(kh_site_csp_get(csp, "script-src")->n_sources, 1);
	assert_null(kh_site_csp_get(csp, "object-src"));
	kh_site_csp_free(csp);

	/* a repeated directive is an error (the Observatory: csp-header-invalid) */
	kh_site_csp_free(csp_of("default-src 'self'; default-src *", NULL, false, KH_EFORMAT));
	/* shorter than six characters */
	kh_site_csp_free(csp_of("a b", NULL, false, KH_EFORMAT));
	/* report-uri may repeat */
	csp = csp_of("default-src 'none'; report-uri /a; report-uri /b", NULL, false, KH_OK);
	assert_true(csp->duplicate_report_directives);
	kh_site_csp_free(csp);

	/* <meta>: frame-ancestors, report-uri and sandbox are ignored (CSP 3, 6.1) */
	csp = csp_of("default-src 'none'; frame-ancestors 'none'; sandbox", NULL, true, KH_OK);
	assert_null(kh_site_csp_get(csp, "frame-ancestors"));
	assert_null(kh_site_csp_get(csp, "sandbox"));
	assert_non_null(kh_site_csp_get(csp, "default-src"));
	kh_site_csp_free(csp);

	/* two policies: the second only keeps what the first allows */
	csp = csp_of("script-src https://a.example.vn/js/", "script-src https://a.example.vn/js/app.js https://evil.example",
	             false, KH_OK);
	d = kh_site_csp_get(csp, "script-src");
	assert_non_null(d);
	assert_false(kh_site_csp_has(d, "https://evil.example"));
	kh_site_csp_free(csp);
}

static void
test_csp_hostile(void **state)
{
	size_t n = 200000;
	char *big = malloc(n + 1);
	struct kh_site_csp *csp;

	(void)state;
	assert_non_null(big);
	/* 40,000 distinct sources in one directive: bounded by max_site_csp_sources */
	memcpy(big, "script-src", 10);
	for (size_t i = 10; i < n; i += 5)
		snprintf(big + i, 6, " s%03zu", (i / 5) % 1000);
	big[n] = '\0';
	csp = csp_of(big, NULL, false, KH_OK);
	assert_true(kh_site_csp_get(csp, "script-src")->n_sources <= 1000);
	kh_site_csp_free(csp);
	/* a bad %-escape in a path that the Observatory decodes (decodeURIComponent throws) */
	kh_site_csp_free(csp_of("default-src https://a.example.com/%zz/", "default-src https://a.example.com/%zz/b",
	                        false, KH_EFORMAT));
	free(big);
}

/* ---- pages and terms ---- */

static const char gambling_page[] =
	"<!DOCTYPE html><html><head><title>UBND phường Bến Thành</title>"
	"<meta name=\"generator\" content=\"WordPress 6.4.2\"></head><body>"
	"<h1>Cổng thông tin điện tử</h1><p>Địa chỉ: 1 Lê Lợi</p>"
	"<a href=\"/gioi-thieu\">Giới thiệu</a>"
	"<div style=\"display: none\"><a href=\"https://nhacai.example/\">Nhà Cái uy tín</a></div>"
	"<div style=\"position:absolute; left:-9999px\"><a href=\"https://x.example/\">tai xiu online</a></div>"
	"<p hidden><a href=\"https://y.example/\">nổ hũ</a></p>"
	"<script>document.write('<a href=x>not a link</a>')</script>"
	"<style>.a{color:red}</style>"
	"<p>Tin t&#7913;c &amp; s&#x1EF1; ki&#7879;n</p></body></html>";

static void
test_page_parse(void **state)
{
	struct kh_site_page page = { 0 };
	size_t hidden = 0;

	(void)state;
	assert_int_equal(kh_site_page_parse(kh_cur_make(gambling_page, strlen(gambling_page)), &page), KH_OK);
	assert_string_equal(page.title, "UBND phường Bến Thành");
	assert_string_equal(page.generator, "WordPress 6.4.2");
	assert_int_equal(page.n_links, 4);
	assert_int_equal(page.n_scripts, 1);
	assert_string_equal(page.links[0].href, "/gioi-thieu");
	assert_false(page.links[0].hidden);
	for (size_t i = 0; i < page.n_links; i++)
		hidden += page.links[i].hidden;
	assert_int_equal(hidden, 3);
	/* visible text: entities decoded, script/style and hidden parts left out */
	assert_non_null(strstr(page.text, "Tin tức & sự kiện"));
	assert_non_null(strstr(page.text, "Cổng thông tin điện tử"));
	assert_null(strstr(page.text, "not a link"));
	assert_null(strstr(page.text, "color:red"));
	assert_null(strstr(page.text, "Nhà Cái"));
	kh_site_page_cleanup(&page);
}

/* Spam hidden by a class or id from a <style> block, as injected kits do. */
static void
test_page_hidden_by_class(void **state)
{
	static const char html[] =
		"<html><head><style>/* site */ body{margin:0}\n.menu a{color:blue}\n"
		"@media screen { .sp-x , #k9 { display : none } }\n"
		"div.off{position:absolute;left:-10000px} .shown{color:red}</style></head><body>"
		"<div class=\"news sp-x\"><a href=\"https://a.example/\">nha cai</a></div>"
		"<p id=\"k9\"><a href=\"https://b.example/\">tai xiu</a></p>"
		"<div class=\"off\"><a href=\"https://c.example/\">no hu</a></div>"
		"<div class=\"shown\"><a href=\"/tin-tuc\">Tin tức</a></div>"
		"<div class=\"sp-xy\"><a href=\"/lien-he\">Liên hệ</a></div></body></html>";
	struct kh_site_page page = { 0 };

	(void)state;
	assert_int_equal(kh_site_page_parse(kh_cur_make(html, strlen(html)), &page), KH_OK);
	assert_int_equal(page.n_links, 5);
	assert_true(page.links[0].hidden);  /* .sp-x inside @media */
	assert_true(page.links[1].hidden);  /* #k9 */
	assert_true(page.links[2].hidden);  /* div.off, off-screen */
	assert_false(page.links[3].hidden); /* .shown only colours */
	assert_false(page.links[4].hidden); /* sp-xy is another class */
	assert_null(strstr(page.text, "nha cai"));
	assert_non_null(strstr(page.text, "Liên hệ"));
	kh_site_page_cleanup(&page);
}

static void
test_page_broken_markup(void **state)
{
	static const char *const pages[] = {
		"", "<", "<<<>>>", "<a href=", "<a href=\"x", "<title>never closed",
		"<!-- never closed", "<script>if (a<b) {", "&#xFFFFFFFF; &#0; &#55296; &", "\xff\xfe<a>\xc3",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct kh_site_page page = { 0 };

		assert_int_equal(kh_site_page_parse(kh_cur_make(pages[i], strlen(pages[i])), &page), KH_OK);
		if (page.text != NULL)
			assert_true(kh_utf8_valid(page.text, strlen(page.text)));
		kh_site_page_cleanup(&page);
	}
}

static const char *
fold(const char *s, struct kh_buf *b)
{
	b->len = 0;
	assert_int_equal(kh_site_fold_text(s, b), KH_OK);
	return kh_buf_str(b);
}

static void
test_fold_and_terms(void **state)
{
	struct kh_buf b, found;

	(void)state;
	kh_buf_init(&b, 0);
	kh_buf_init(&found, 0);
	assert_string_equal(fold("Nhà Cái ĐẲNG CẤP Cá Cược", &b), "nha cai dang cap ca cuoc");
	assert_string_equal(fold("Tài Xỉu Nổ Hũ Bắn Cá", &b), "tai xiu no hu ban ca");
	/* with and without diacritics give the same terms */
	/* "nha cai", "ca cuoc", "cuoc bong da" */
	assert_int_equal(kh_site_gambling_terms(fold("Nhà cái uy tín, cá cược bóng đá", &b), &found), 3);
	assert_int_equal(kh_site_gambling_terms(fold("nha cai uy tin, ca cuoc bong da", &b), NULL), 3);
	/* "casino", "slot", "slot game" */
	assert_int_equal(kh_site_gambling_terms(fold("CASINO trực tuyến, Slot game", &b), NULL), 3);
	/* ordinary government text has none */
	assert_int_equal(kh_site_gambling_terms(fold("Ủy ban nhân dân phường thông báo lịch tiếp công dân", &b), NULL), 0);
	assert_int_equal(kh_site_defacement_terms(fold("Hacked By Someone", &b), NULL) > 0, 1);
	assert_int_equal(kh_site_defacement_terms(fold("Thông báo tuyển dụng", &b), NULL), 0);
	kh_buf_cleanup(&b);
	kh_buf_cleanup(&found);
}

/* ---- recorded responses ---- */

static void
test_record_malformed(void **state)
{
	static const char *const bad[] = {
		"", "{", "[]", "{\"hostname\": 5}", "{\"auto\": {\"status\": \"x\"}}",
		"{\"auto\": {\"headers\": [[\"a\"]]}}", "{\"auto\": {\"headers\": [[1, 2]]}}",
		"{\"hostname\": \"a\", \"hostname\": \"b\"}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kh_site_http_record rec;
		struct kh_diag diag;

		kh_diag_clear(&diag);
		assert_int_not_equal(kh_site_record_from_json(kh_cur_make(bad[i], strlen(bad[i])), &rec, &diag), KH_OK);
		assert_true(diag.msg[0] != '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_parse_server_hello),
		cmocka_unit_test(test_hello_parse_alert),
		cmocka_unit_test(test_hello_parse_malformed),
		cmocka_unit_test(test_hello_build),
		cmocka_unit_test(test_csp_parse),
		cmocka_unit_test(test_csp_hostile),
		cmocka_unit_test(test_page_parse),
		cmocka_unit_test(test_page_hidden_by_class),
		cmocka_unit_test(test_page_broken_markup),
		cmocka_unit_test(test_fold_and_terms),
		cmocka_unit_test(test_record_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
