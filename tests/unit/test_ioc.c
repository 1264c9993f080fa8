/*
 * test_ioc.c — the ioc module through its public header: RFC 8785 vectors,
 * UUIDv5, TLP, the STIX pattern parser (supported, unsupported, errors with
 * positions, hostile input), STIX/MISP import of bad documents, detections,
 * deterministic export, and allocation failures on every path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/ioc.h"
#include "khien/limits.h"

static char *
jcs_of(const json_t *j)
{
	struct kh_buf b;

	kh_buf_init(&b, 0);
	assert_int_equal(kh_ioc_jcs(j, &b), KH_OK);
	return kh_buf_steal(&b);
}

static json_t *
parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &err);

	if (j == NULL)
		fail_msg("bad test JSON: %s", err.text);
	return j;
}

/* RFC 8785 §3.2.4: the example of the whole scheme. */
static void
test_jcs_rfc_example(void **state)
{
	json_t *j = parse("{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
	                  " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
	                  " \"literals\": [null, true, false]}");
	char *s = jcs_of(j);

	(void)state;
	assert_string_equal(s, "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,"
	                       "1e+30,4.5,0.002,1e-27],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	kh_free(s);
	json_decref(j);
}

static double
from_bits(uint64_t bits)
{
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* RFC 8785 Appendix B: IEEE 754 values and their ECMAScript text. */
static void
test_jcs_numbers(void **state)
{
	static const struct { uint64_t bits; const char *text; } cases[] = {
		{ 0x0000000000000000ull, "0" },
		{ 0x8000000000000000ull, "0" },
		{ 0x0000000000000001ull, "5e-324" },
		{ 0x8000000000000001ull, "-5e-324" },
		{ 0x7fefffffffffffffull, "1.7976931348623157e+308" },
		{ 0xffefffffffffffffull, "-1.7976931348623157e+308" },
		{ 0x4340000000000000ull, "9007199254740992" },
		{ 0xc340000000000000ull, "-9007199254740992" },
		{ 0x4430000000000000ull, "295147905179352830000" },
		{ 0x44b52d02c7e14af5ull, "9.999999999999997e+22" },
		{ 0x44b52d02c7e14af6ull, "1e+23" },
		{ 0x44b52d02c7e14af7ull, "1.0000000000000001e+23" },
		{ 0x444b1ae4d6e2ef4eull, "999999999999999700000" },
		{ 0x444b1ae4d6e2ef4full, "999999999999999900000" },
		{ 0x444b1ae4d6e2ef50ull, "1e+21" },
		{ 0x3eb0c6f7a0b5ed8cull, "9.999999999999997e-7" },
		{ 0x3eb0c6f7a0b5ed8dull, "0.000001" },
		{ 0x41b3de4355555553ull, "333333333.3333332" },
		{ 0x41b3de4355555554ull, "333333333.33333325" },
		{ 0x41b3de4355555555ull, "333333333.3333333" },
		{ 0x41b3de4355555556ull, "333333333.3333334" },
		{ 0x41b3de4355555557ull, "333333333.33333343" },
		{ 0xbecbf647612f3696ull, "-0.0000033333333333333333" },
		{ 0x43143ff3c1cb0959ull, "1424953923781206.2" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = json_real(from_bits(cases[i].bits));
		char *s = jcs_of(j);
		if (strcmp(s, cases[i].text) != 0)
			fail_msg("0x%016llx: got %s want %s", (unsigned long long)cases[i].bits, s,
			         cases[i].text);
		kh_free(s);
		json_decref(j);
	}
	/* integers are exact up to 2^53 */
	json_t *j = json_integer(-42);
	char *s = jcs_of(j);
	assert_string_equal(s, "-42");
	kh_free(s);
	json_decref(j);
}

/* RFC 8785 §3.2.3: sorting by UTF-16 code units, not by code points or UTF-8. */
static void
test_jcs_key_order(void **state)
{
	json_t *j = parse("{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\","
	                  " \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\","
	                  " \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
	                  " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}");
	char *s = jcs_of(j);
	const char *order[] = { "\\r\"", "\"1\"", "\xc2\x80", "\xc3\xb6", "\xe2\x82\xac",
	                        "\xf0\x9f\x98\x80", "\xef\xac\xb3" };
	const char *prev = s;

	(void)state;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *at = strstr(s, order[i]);
		if (at == NULL || at < prev)
			fail_msg("key %zu out of order in %s", i, s);
		prev = at;
	}
	kh_free(s);
	json_decref(j);
}

static void
test_uuid5(void **state)
{
	uint8_t ns[KH_IOC_UUID_LEN], u[KH_IOC_UUID_LEN];
	char text[KH_IOC_UUID_STR], id[128];
	json_t *props;

	(void)state;
	/* RFC 9562 namespace DNS; Python: uuid5(NAMESPACE_DNS, "python.org") */
	assert_int_equal(kh_ioc_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", ns), KH_OK);
	assert_int_equal(kh_ioc_uuid5(ns, "python.org", 10, u), KH_OK);
	kh_ioc_uuid_format(u, text);
	assert_string_equal(text, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	assert_int_equal(kh_ioc_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c", ns), KH_EFORMAT);
	assert_int_equal(kh_ioc_uuid_parse("6ba7b810x9dad-11d1-80b4-00c04fd430c8", ns), KH_EFORMAT);
	assert_int_equal(kh_ioc_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430cg", ns), KH_EFORMAT);
	/* the same properties in another order are the same identifier */
	props = parse("{\"value\": \"example.com\"}");
	assert_int_equal(kh_ioc_stix_id("domain-name", KH_IOC_STIX_SCO_NAMESPACE, props, id,
	                                sizeof(id)), KH_OK);
	assert_true(strncmp(id, "domain-name--", 13) == 0);
	assert_int_equal(strlen(id), 13 + 36);
	assert_int_equal(id[13 + 14], '5'); /* version nibble */
	json_decref(props);
}

static void
test_tlp(void **state)
{
	enum kh_ioc_tlp t;
	json_t *o;

	(void)state;
	assert_int_equal(kh_ioc_tlp_parse("AMBER", &t), KH_OK);
	assert_int_equal(t, KH_IOC_TLP_AMBER);
	assert_int_equal(kh_ioc_tlp_parse("white", &t), KH_OK);
	assert_int_equal(t, KH_IOC_TLP_CLEAR);
	assert_int_equal(kh_ioc_tlp_parse("purple", &t), KH_EINVAL);
	assert_true(kh_ioc_tlp_from_tag("tlp:red", &t));
	assert_int_equal(t, KH_IOC_TLP_RED);
	assert_false(kh_ioc_tlp_from_tag("tl", &t));
	assert_true(kh_ioc_tlp_from_stix_id(kh_ioc_tlp_stix_id(KH_IOC_TLP_GREEN), &t));
	assert_int_equal(t, KH_IOC_TLP_GREEN);
	/* STIX 2.1 §7.2.1.4 TLP 1.0 amber */
	assert_true(kh_ioc_tlp_from_stix_id("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", &t));
	assert_int_equal(t, KH_IOC_TLP_AMBER);
	o = kh_ioc_tlp_stix_object(KH_IOC_TLP_RED);
	assert_non_null(o);
	assert_string_equal(kh_json_str(o, "name"), "TLP:RED");
	assert_string_equal(kh_json_str(o, "id"), "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
	json_decref(o);
}

struct pcase {
	const char *pattern;
	enum kh_err rc;
	size_t hashes, network, unsupported;
};

static void
test_pattern_cases(void **state)
{
	static const struct pcase cases[] = {
		{ "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']", KH_OK, 1, 0, 0 },
		{ "[file:hashes.md5 = '001dd76872d80801692ff942308c64e6']", KH_OK, 1, 0, 0 },
		{ "[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f' OR file:hashes.'SHA-1' = "
		  "'3395856ce81f2b7382dee72602f798b642f14140']", KH_OK, 2, 0, 0 },
		{ "[ ipv4-addr:value = '10.0.0.0' ]", KH_OK, 0, 1, 0 },
		{ "[domain-name:value = 'a.example' OR (url:value = 'http://x/' AND email-addr:value = 'a@b')]", KH_OK, 0, 3, 0 },
		{ "[ipv6-addr:value == '2001:db8::1']", KH_OK, 0, 1, 0 },
		{ "[file:name = 'it\\'s \\\\ odd.exe']", KH_OK, 0, 0, 0 },
		/* parsed but not matched on */
		{ "[x509-certificate:issuer = 'CN=X' AND x509-certificate:serial_number = '0e:97']", KH_OK, 0, 0, 2 },
		{ "[file:size > 1000]", KH_OK, 0, 0, 1 },
		{ "[file:name NOT = 'a']", KH_OK, 0, 0, 1 },
		{ "[domain-name:value LIKE '%.example']", KH_OK, 0, 0, 1 },
		{ "[ipv4-addr:value IN ('1.2.3.4', '5.6.7.8')]", KH_OK, 0, 0, 1 },
		{ "[url:value MATCHES '^http']", KH_OK, 0, 0, 1 },
		{ "[ipv4-addr:value ISSUBSET '10.0.0.0/8']", KH_OK, 0, 0, 1 },
		{ "[EXISTS windows-registry-key:key]", KH_OK, 0, 0, 1 },
		{ "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'x']", KH_OK, 0, 0, 1 },
		{ "[email-message:to_refs[*].value = 'a@b']", KH_OK, 0, 0, 1 },
		{ "[file:hashes.MD5 = 'not hex']", KH_OK, 0, 0, 1 },
		{ "[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f'] FOLLOWEDBY [domain-name:value = 'x']", KH_OK, 0, 0, 1 },
		{ "[domain-name:value = 'a'] AND [domain-name:value = 'b']", KH_OK, 0, 0, 1 },
		{ "[domain-name:value = 'a'] WITHIN 300 SECONDS", KH_OK, 0, 0, 1 },
		{ "([domain-name:value = 'a'] OR [url:value = 'b']) REPEATS 5 TIMES", KH_OK, 0, 0, 2 },
		{ "[file:created = t'2016-01-01T00:00:00Z'] START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'", KH_OK, 0, 0, 2 },
		{ "[artifact:payload_bin = b'ZXhhbXBsZQ==' OR artifact:payload_bin = h'00ff']", KH_OK, 0, 0, 2 },
		{ "[file:size >= 10 AND file:size <= 20.5 AND file:x != true]", KH_OK, 0, 0, 3 },
		/* errors */
		{ "", KH_EFORMAT, 0, 0, 0 },
		{ "file:name = 'x'", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name = 'x'", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name = 'x]", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name ~ 'x']", KH_EFORMAT, 0, 0, 0 },
		{ "[file name = 'x']", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name = 'x'] junk", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name = 'a\\q']", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name = 'x'] WITHIN SECONDS", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name = 'x' AND]", KH_EFORMAT, 0, 0, 0 },
		{ "[:name = 'x']", KH_EFORMAT, 0, 0, 0 },
		{ "[file:name = unquoted]", KH_EFORMAT, 0, 0, 0 },
		{ "[file:size = -5 OR file:size = 1.5e3 OR file:x = false]", KH_OK, 0, 0, 3 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_ioc_indicators list = { 0 };
		struct kh_ioc_pattern_info info;
		struct kh_diag diag;
		const struct pcase *c = &cases[i];
		enum kh_err r = kh_ioc_pattern_parse(c->pattern, strlen(c->pattern), "n", "s", &list,
		                                     &info, &diag);
		if (r != c->rc)
			fail_msg("%s: rc %d want %d (%s)", c->pattern, r, c->rc, diag.msg);
		if (r == KH_OK && (info.hashes != c->hashes || info.network != c->network ||
		                   info.unsupported != c->unsupported ||
		                   list.n != (c->unsupported ? 0 : c->hashes + c->network + info.others)))
			fail_msg("%s: hashes %zu network %zu unsupported %zu taken %zu", c->pattern,
			         info.hashes, info.network, info.unsupported, list.n);
		if (r != KH_OK && (diag.offset < 0 || diag.msg[0] == '\0'))
			fail_msg("%s: no position or message", c->pattern);
		kh_ioc_indicators_cleanup(&list);
	}
}

static void
test_pattern_values(void **state)
{
	struct kh_ioc_indicators list = { 0 };
	struct kh_ioc_pattern_info info;
	struct kh_diag diag;
	const char *p = "[file:hashes.'SHA-256' = 'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C'"
	                " OR url:value = 'http://x/?q=\\'1\\'']";
	struct kh_buf out;

	(void)state;
	assert_int_equal(kh_ioc_pattern_parse(p, strlen(p), "Poison Ivy", "t", &list, &info, &diag), KH_OK);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.items[0].type, "sha256");
	assert_string_equal(list.items[0].value, "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c");
	assert_string_equal(list.items[0].name, "Poison Ivy");
	assert_int_equal(list.items[0].kind, KH_IOC_KIND_HASH);
	assert_string_equal(list.items[1].value, "http://x/?q='1'");
	/* written back, the value reads again the same */
	kh_buf_init(&out, 0);
	assert_int_equal(kh_ioc_pattern_for("url", list.items[1].value, &out), KH_OK);
	assert_string_equal(kh_buf_str(&out), "[url:value = 'http://x/?q=\\'1\\'']");
	kh_ioc_indicators_cleanup(&list);
	assert_int_equal(kh_ioc_pattern_parse((const char *)out.data, out.len, NULL, NULL, &list,
	                                      &info, &diag), KH_OK);
	assert_string_equal(list.items[0].value, "http://x/?q='1'");
	assert_int_equal(kh_ioc_pattern_for("mutex", "x", &out), KH_EUNSUPPORTED);
	kh_buf_cleanup(&out);
	kh_ioc_indicators_cleanup(&list);
}

/* Hostile patterns: deep nesting hits the named limit, huge strings pass. */
static void
test_pattern_hostile(void **state)
{
	size_t n = 200000;
	char *p = malloc(2 * n + 64);
	struct kh_ioc_pattern_info info;
	struct kh_diag diag;

	(void)state;
	assert_non_null(p);
	memset(p, '(', n);
	p[n] = '\0';
	assert_int_equal(kh_ioc_pattern_parse(p, n, NULL, NULL, NULL, &info, &diag), KH_ELIMIT);
	assert_string_equal(diag.limit, "max_stix_pattern_depth");
	memset(p, '[', n);
	assert_int_equal(kh_ioc_pattern_parse(p, n, NULL, NULL, NULL, &info, &diag), KH_EFORMAT);
	/* [(((( … file:name = 'x' … )))) within the limit parses */
	snprintf(p, 2 * n + 64, "%s", "[((((((((((file:name = 'x'))))))))))]");
	assert_int_equal(kh_ioc_pattern_parse(p, strlen(p), NULL, NULL, NULL, &info, &diag), KH_OK);
	/* a 2 MB string literal */
	memcpy(p, "[url:value = '", 14);
	memset(p + 14, 'a', 2 * n);
	memcpy(p + 14 + 2 * n - 30, "']", 3);
	assert_int_equal(kh_ioc_pattern_parse(p, strlen(p), NULL, NULL, NULL, &info, &diag), KH_OK);
	assert_int_equal(info.network, 1);
	/* NUL inside */
	assert_int_equal(kh_ioc_pattern_parse("[a:b = '\0']", 11, NULL, NULL, NULL, &info, &diag),
	                 KH_EFORMAT);
	free(p);
}

static enum kh_err
import_text(const char *text, struct kh_ioc_counts *c, struct kh_diag *diag)
{
	json_t *j = parse(text);
	enum kh_err r = kh_ioc_import_json(j, "t.json", NULL, c, diag);

	json_decref(j);
	return r;
}

static void
test_import_bad(void **state)
{
	struct kh_ioc_counts c = { 0 };
	struct kh_diag diag;

	(void)state;
	assert_int_equal(import_text("{\"type\": \"bundle\", \"spec_version\": \"2.0\", \"id\": \"bundle--x\", \"objects\": []}",
	                             &c, &diag), KH_EFORMAT);
	assert_non_null(strstr(diag.msg, "2.0"));
	assert_int_equal(import_text("{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", "
	                             "\"spec_version\": \"2.0\"}]}", &c, &diag), KH_EFORMAT);
	assert_non_null(strstr(diag.msg, "spec_version"));
	assert_int_equal(import_text("{\"type\": \"bundle\", \"objects\": {}}", &c, &diag), KH_EFORMAT);
	assert_int_equal(import_text("{\"type\": \"bundle\", \"objects\": [42]}", &c, &diag), KH_EFORMAT);
	assert_int_equal(import_text("[1, 2]", &c, &diag), KH_EFORMAT);
	assert_int_equal(import_text("{\"type\": \"indicator\", \"spec_version\": \"2.1\"}", &c, &diag), KH_EFORMAT);
	/* a bad pattern is counted, not fatal */
	memset(&c, 0, sizeof(c));
	assert_int_equal(import_text("{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", "
	                             "\"pattern\": \"[file:name = \", \"pattern_type\": \"stix\"}, "
	                             "{\"type\": \"indicator\", \"pattern\": \"alert tcp any\", "
	                             "\"pattern_type\": \"snort\"}, {\"type\": \"indicator\"}]}",
	                             &c, &diag), KH_OK);
	assert_int_equal(c.objects, 3);
	assert_int_equal(c.indicators, 3);
	assert_int_equal(c.errors, 2);
	assert_int_equal(c.unsupported, 1);
	/* MISP: hash that is not one is an error; unknown type unsupported */
	memset(&c, 0, sizeof(c));
	assert_int_equal(import_text("{\"Event\": {\"info\": \"x\", \"Attribute\": ["
	                             "{\"type\": \"md5\", \"value\": \"zz\"},"
	                             "{\"type\": \"btc\", \"value\": \"1abc\"},"
	                             "{\"type\": \"domain|ip\", \"value\": \"a.b|1.2.3.4\"},"
	                             "{\"type\": \"ip-src\"}]}}", &c, &diag), KH_OK);
	assert_int_equal(c.objects, 4);
	assert_int_equal(c.errors, 2);
	assert_int_equal(c.unsupported, 1);
	assert_int_equal(c.network, 2);
}

static void
test_manifest(void **state)
{
	json_t *m = parse("{\"5f1c7a2e-2b7e-4c1e-9a57-3d2f0c1b6a11\": {\"info\": \"x\", \"date\": \"2026-01-01\"}}");
	json_t *bad = parse("{\"../etc/passwd\": {\"info\": \"x\"}}");

	(void)state;
	assert_true(kh_ioc_misp_is_manifest(m));
	assert_false(kh_ioc_misp_is_manifest(bad));
	json_decref(m);
	json_decref(bad);
}

static const char scan_lines[] =
	"{\"type\": \"detection\", \"path\": \"/a/x.exe\", \"match\": \"R1\", \"engine\": \"yara\", "
	"\"sha256\": \"ed01ebfbc9eb5bbea545af4d01bf5f1071661840480439c6e5babe8e080e41aa\", \"size\": 3, "
	"\"time\": \"2026-01-05T02:10:11Z\"}\n"
	"{\"type\": \"error\", \"path\": \"/p\", \"message\": \"m\"}\n\n"
	"{\"type\": \"detection\", \"path\": \"/b/y.zip!in/x.exe\", \"match\": \"R2\", \"engine\": \"yara\", "
	"\"sha256\": \"ed01ebfbc9eb5bbea545af4d01bf5f1071661840480439c6e5babe8e080e41aa\", \"size\": 3, "
	"\"time\": \"2026-01-04T02:10:11Z\"}\n"
	"{\"type\": \"detection\", \"path\": \"/c\", \"match\": \"R3\", \"engine\": \"yara\", "
	"\"size\": 3, \"time\": \"2026-01-06T00:00:00Z\"}\n"
	"{\"type\": \"summary\", \"files\": 3}\n";

static void
test_detections(void **state)
{
	struct kh_ioc_detections *d = NULL;
	struct kh_diag diag;

	(void)state;
	assert_int_equal(kh_ioc_detections_parse(kh_cur_from_str(scan_lines), "s", &d, &diag), KH_OK);
	assert_int_equal(d->n, 3);
	assert_string_equal(d->items[1].path, "/b/y.zip!in/x.exe");
	assert_null(d->items[2].sha256);
	kh_ioc_detections_free(d);
	assert_int_equal(kh_ioc_detections_parse(kh_cur_from_str("{\"type\": \"detection\"}\n"), "s",
	                                         &d, &diag), KH_EFORMAT);
	assert_int_equal(diag.line, 1);
	assert_int_equal(kh_ioc_detections_parse(kh_cur_from_str("\n{\"type\": \"detection\", \"path\": "
	                                                         "\"p\", \"match\": \"m\", \"engine\": \"yara\", "
	                                                         "\"time\": \"yesterday\"}"),
	                                         "s", &d, &diag), KH_EFORMAT);
	assert_int_equal(diag.line, 2);
	assert_int_equal(kh_ioc_detections_parse(kh_cur_from_str("{not json\n"), "s", &d, &diag),
	                 KH_EFORMAT);
	assert_null(d);
}

static enum kh_err
export_both(struct kh_buf *stix, struct kh_buf *misp)
{
	struct kh_ioc_detections *d = NULL;
	struct kh_ioc_indicators local = { 0 };
	struct kh_ioc_export_opts opts = { .unit = "Phường 1", .tlp = KH_IOC_TLP_RED };
	json_t *b = NULL, *m = NULL;
	enum kh_err r;

	if ((r = kh_ioc_detections_parse(kh_cur_from_str(scan_lines), "s", &d, NULL)) != KH_OK)
		goto out;
	if ((r = kh_ioc_indicators_add(&local, KH_IOC_KIND_NETWORK, "domain-name", "evil.example",
	                               "R9", "feed", "2026-01-01T00:00:00Z")) != KH_OK ||
	    (r = kh_ioc_indicators_add(&local, KH_IOC_KIND_HASH, "md5",
	                               "44d88612fea8a8f36de82e1278abb02f", NULL, NULL, NULL)) != KH_OK)
		goto out;
	if ((r = kh_ioc_stix_export(d, &local, &opts, &b, NULL)) != KH_OK ||
	    (r = kh_ioc_misp_export(d, &local, &opts, &m, NULL)) != KH_OK ||
	    (r = kh_ioc_jcs(b, stix)) != KH_OK || (r = kh_ioc_jcs(m, misp)) != KH_OK)
		goto out;
 out:
	json_decref(b);
	json_decref(m);
	kh_ioc_detections_free(d);
	kh_ioc_indicators_cleanup(&local);
	return r;
}

static void
test_export(void **state)
{
	struct kh_buf s1, m1, s2, m2;
	struct kh_ioc_counts c = { 0 };
	struct kh_ioc_indicators back = { 0 };
	struct kh_diag diag;
	json_t *b;

	(void)state;
	kh_buf_init(&s1, 0);
	kh_buf_init(&m1, 0);
	kh_buf_init(&s2, 0);
	kh_buf_init(&m2, 0);
	assert_int_equal(export_both(&s1, &m1), KH_OK);
	assert_int_equal(export_both(&s2, &m2), KH_OK);
	assert_string_equal(kh_buf_str(&s1), kh_buf_str(&s2));
	assert_string_equal(kh_buf_str(&m1), kh_buf_str(&m2));
	/* the file seen twice: one sighting, count 2, first/last from the times */
	assert_non_null(strstr(kh_buf_str(&s1), "\"count\":2,"));
	assert_non_null(strstr(kh_buf_str(&s1), "\"first_seen\":\"2026-01-04T02:10:11Z\""));
	assert_non_null(strstr(kh_buf_str(&s1), "\"TLP:RED\""));
	assert_non_null(strstr(kh_buf_str(&m1), "\"tlp:red\""));
	assert_non_null(strstr(kh_buf_str(&m1), "\"evil.example\""));
	/* and reads back: 2 hashes (sha256, md5), 1 domain */
	b = parse(kh_buf_str(&s1));
	assert_int_equal(kh_ioc_stix_import(b, "x", &back, &c, &diag), KH_OK);
	assert_int_equal(c.indicators, 3);
	assert_int_equal(c.hashes, 2);
	assert_int_equal(c.network, 1);
	assert_int_equal(c.unsupported + c.errors, 0);
	json_decref(b);
	kh_ioc_indicators_cleanup(&back);
	kh_buf_cleanup(&s1);
	kh_buf_cleanup(&m1);
	kh_buf_cleanup(&s2);
	kh_buf_cleanup(&m2);
}

/* Every allocation failure ends in KH_ENOMEM (or success), never a crash or leak. */
static void
test_alloc_failures(void **state)
{
	const char *p = "[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f' OR domain-name:value = 'x.y']";
	bool done = false;

	(void)state;
	for (long n = 0; n < 100000 && !done; n++) {
		struct kh_buf s, m;
		struct kh_ioc_indicators list = { 0 };
		struct kh_ioc_pattern_info info;
		enum kh_err r1, r2;
		kh_buf_init(&s, 0);
		kh_buf_init(&m, 0);
		kh_alloc_fail_after(n);
		r1 = export_both(&s, &m);
		r2 = kh_ioc_pattern_parse(p, strlen(p), "n", "s", &list, &info, NULL);
		kh_alloc_fail_after(-1);
		if ((r1 != KH_OK && r1 != KH_ENOMEM) || (r2 != KH_OK && r2 != KH_ENOMEM))
			fail_msg("after %ld allocations: %d %d", n, r1, r2);
		done = r1 == KH_OK && r2 == KH_OK;
		kh_buf_cleanup(&s);
		kh_buf_cleanup(&m);
		kh_ioc_indicators_cleanup(&list);
	}
	assert_true(done);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jcs_rfc_example),
		cmocka_unit_test(test_jcs_numbers),
		cmocka_unit_test(test_jcs_key_order),
		cmocka_unit_test(test_uuid5),
		cmocka_unit_test(test_tlp),
		cmocka_unit_test(test_pattern_cases),
		cmocka_unit_test(test_pattern_values),
		cmocka_unit_test(test_pattern_hostile),
		cmocka_unit_test(test_import_bad),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_detections),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
