/* site_json.c — the JSON line of `khien site check --json` (docs/site.md)
 * and the human report. Key names are promises to users: keep them. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "khien/site.h"
#include "site_int.h"

#define SET(o, k, v) (json_object_set_new((o), (k), (v)) == 0)

static json_t *
strength(unsigned classes)
{
	json_t *a = json_array();

	for (unsigned bit = 1; a != NULL && bit <= KH_SITE_C_AEAD; bit <<= 1)
		if (classes & bit)
			json_array_append_new(a, json_string(kh_site_class_name(bit)));
	return a;
}

static json_t *
ciphers_json(const struct kh_site_tls *tls)
{
	json_t *o = json_object(), *list, *c;
	char id[8];

	for (int p = 0; o != NULL && p < KH_SITE_PROTO_COUNT_; p++) {
		if ((list = json_array()) == NULL || !SET(o, kh_site_proto_name((enum kh_site_proto)p), list))
			return json_decref(o), NULL;
		for (size_t i = 0; i < tls->n_ciphers; i++) {
			const struct kh_site_cipher *x = &tls->ciphers[i];
			if ((int)x->proto != p)
				continue;
			(void)!snprintf(id, sizeof(id), "0x%04x", x->id);
			c = json_pack("{s:s,s:s,s:i,s:o,s:b}", "id", id, "name", x->name, "bits", x->bits,
			              "strength", strength(x->classes), "legacy_probe", x->legacy_probe);
			if (c == NULL || json_array_append_new(list, c) != 0)
				return json_decref(o), NULL;
		}
	}
	return o;
}

static json_t *
cert_json(const struct kh_site_cert *c)
{
	if (!c->present)
		return json_null();
	return json_pack("{s:b,s:b,s:b,s:b,s:b,s:b,s:s,s:i,s:s,s:I,s:s,s:s,s:s}",
	                 "trusted", c->trusted, "expired", c->expired, "not_yet_valid", c->not_yet_valid,
	                 "hostname_match", c->hostname_match, "self_signed", c->self_signed,
	                 "incomplete_chain", c->incomplete_chain, "key_type", c->key_type,
	                 "key_bits", c->key_bits, "signature_algorithm", c->signature_algorithm,
	                 "days_left", (json_int_t)c->days_left, "subject", c->subject,
	                 "issuer", c->issuer, "verify_error", c->verify_error);
}

static json_t *
tls_json(const struct kh_site_tls *tls)
{
	json_t *o = json_object(), *protos = json_object(), *notes = json_array();

	for (int p = 0; protos != NULL && p < KH_SITE_PROTO_COUNT_; p++)
		json_object_set_new(protos, kh_site_proto_name((enum kh_site_proto)p),
		                    json_boolean(tls->protocols[p]));
	for (size_t i = 0; notes != NULL && i < tls->n_grade_notes; i++)
		json_array_append_new(notes, json_string(tls->grade_notes[i]));
	if (o == NULL || protos == NULL || notes == NULL || !SET(o, "protocols", protos) ||
	    !SET(o, "ciphers", ciphers_json(tls)) || !SET(o, "certificate", cert_json(&tls->cert)) ||
	    !SET(o, "grade", tls->grade[0] ? json_string(tls->grade) : json_null()) ||
	    !SET(o, "grade_if_trusted", tls->grade_if_trusted[0] ? json_string(tls->grade_if_trusted)
	                                                         : json_null()) ||
	    !SET(o, "score", json_integer(tls->score)) || !SET(o, "grade_notes", notes) ||
	    !SET(o, "ocsp_stapled", json_boolean(tls->ocsp_stapled)) ||
	    !SET(o, "error", tls->error[0] ? json_string(tls->error) : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
obs_json(const struct kh_site_observatory *obs)
{
	json_t *o = json_object(), *tests = json_object();

	for (size_t i = 0; obs->scored && tests != NULL && i < KH_SITE_OBS_N_TESTS; i++)
		json_object_set_new(tests, obs->tests[i].name,
		                    json_pack("{s:s,s:b,s:i}", "result", obs->tests[i].result,
		                              "pass", obs->tests[i].pass,
		                              "score_modifier", obs->tests[i].modifier));
	if (o == NULL || tests == NULL ||
	    !SET(o, "score", obs->scored ? json_integer(obs->score) : json_null()) ||
	    !SET(o, "grade", obs->scored ? json_string(obs->grade) : json_null()) ||
	    !SET(o, "tests", tests) ||
	    !SET(o, "error", obs->error[0] ? json_string(obs->error) : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum kh_err
kh_site_observatory_json(const struct kh_site_observatory *obs, struct kh_buf *out)
{
	json_t *o = json_object(), *tests = json_object();
	enum kh_err r = KH_ENOMEM;

	for (size_t i = 0; obs->scored && tests != NULL && i < KH_SITE_OBS_N_TESTS; i++)
		json_object_set_new(tests, obs->tests[i].name, json_string(obs->tests[i].result));
	if (o != NULL && tests != NULL &&
	    (obs->scored ? SET(o, "score", json_integer(obs->score)) &&
	                   SET(o, "grade", json_string(obs->grade)) && SET(o, "tests", json_incref(tests))
	                 : SET(o, "error", json_true())))
		r = kh_json_append(out, o, true);
	json_decref(tests);
	json_decref(o);
	return r;
}

static json_t *
safe_title(const char *s)
{
	return json_string(kh_utf8_valid(s, strlen(s)) ? s : "");
}

static json_t *
content_json(const struct kh_site_content *c)
{
	json_t *o = json_pack("{s:b,s:o,s:I,s:I,s:I,s:b,s:s,s:I,s:b,s:s,s:s,s:I,s:s}",
		"fetched", c->fetched, "title", safe_title(c->title), "links", (json_int_t)c->n_links,
		"hidden_links", (json_int_t)c->n_hidden_links, "scripts", (json_int_t)c->n_scripts,
		"gambling_spam", c->gambling_spam, "gambling_terms", c->gambling_terms,
		"gambling_hidden_links", (json_int_t)c->n_gambling_hidden_links,
		"defaced", c->defaced, "defacement_terms", c->defacement_terms,
		"text_sha256", c->text_sha256, "yara_matches", (json_int_t)c->n_yara_matches,
		"yara_rules", c->yara_matches);
	json_t *b = json_pack("{s:b,s:b,s:b,s:b,s:I,s:I}", "stored", c->baseline_stored,
		"compared", c->baseline_compared, "text_changed", c->text_changed,
		"title_changed", c->title_changed, "links_added", (json_int_t)c->links_added,
		"links_removed", (json_int_t)c->links_removed);
	json_t *owner = json_pack("{s:b,s:b,s:b,s:b,s:b}", "agency", c->owner_agency,
		"address", c->owner_address, "phone", c->owner_phone, "email", c->owner_email,
		"responsible", c->owner_responsible);

	if (o == NULL || b == NULL || owner == NULL || !SET(o, "baseline", b) || !SET(o, "owner", owner)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Strings from the network may not be UTF-8; JSON needs them to be. */
static json_t *
safe_str(const char *s)
{
	return json_string(kh_utf8_valid(s, strlen(s)) ? s : "(not UTF-8)");
}

static json_t *
lists_json(const struct kh_site_result *res, json_t *o)
{
	json_t *exp = json_array(), *sw = json_array(), *cl = json_array(), *errs = json_array();

	for (size_t i = 0; exp != NULL && i < res->n_exposures; i++)
		json_array_append_new(exp, json_pack("{s:s,s:s,s:s,s:o}", "id", res->exposures[i].id,
			"path", res->exposures[i].path, "severity",
			kh_site_severity_name(res->exposures[i].severity), "detail",
			safe_str(res->exposures[i].detail)));
	for (size_t i = 0; sw != NULL && i < res->n_software; i++)
		json_array_append_new(sw, json_pack("{s:o,s:o,s:s,s:s}", "name", safe_str(res->software[i].name),
			"version", safe_str(res->software[i].version), "cpe", res->software[i].cpe,
			"evidence", res->software[i].evidence));
	for (size_t i = 0; cl != NULL && i < res->n_checklist; i++)
		json_array_append_new(cl, json_pack("{s:s,s:b,s:o,s:s}", "id", res->checklist[i].id,
			"pass", res->checklist[i].pass, "reason", safe_str(res->checklist[i].reason),
			"fix", res->checklist[i].fix));
	for (size_t i = 0; errs != NULL && i < res->n_errors; i++)
		json_array_append_new(errs, safe_str(res->errors[i]));
	if (exp == NULL || sw == NULL || cl == NULL || errs == NULL || !SET(o, "exposures", exp) ||
	    !SET(o, "software", sw) || !SET(o, "checklist", cl) || !SET(o, "errors", errs))
		return NULL;
	return o;
}

enum kh_err
kh_site_result_json(const struct kh_site_result *res, struct kh_buf *out)
{
	json_t *o = json_object(), *http = json_object();
	enum kh_err r = KH_ENOMEM;

	if (o == NULL || http == NULL || !SET(o, "url", safe_str(res->url)) ||
	    !SET(o, "tls", tls_json(&res->tls)) ||
	    !SET(http, "redirects_to_https", json_boolean(res->redirects_to_https)) ||
	    !SET(http, "observatory", obs_json(&res->observatory)) ||
	    !SET(o, "http", json_incref(http)) || !SET(o, "content", content_json(&res->content)) ||
	    lists_json(res, o) == NULL || !SET(o, "seconds", json_real(res->seconds)))
		goto out;
	r = kh_json_append(out, o, false);
 out:
	json_decref(http);
	json_decref(o);
	return r;
}

enum kh_err
kh_site_result_text(const struct kh_site_result *res, struct kh_buf *out)
{
	enum kh_err r;

	if ((r = kh_buf_printf(out, "%s\n  TLS: %s %s", res->url, KH_MSG("grade", "hạng"),
	                       res->tls.grade[0] ? res->tls.grade : "-")) != KH_OK)
		return r;
	for (int p = 0; p < KH_SITE_PROTO_COUNT_; p++)
		if (res->tls.protocols[p] &&
		    (r = kh_buf_printf(out, " %s", kh_site_proto_name((enum kh_site_proto)p))) != KH_OK)
			return r;
	if ((r = kh_buf_printf(out, "\n  HTTP: Observatory %s %s (%d)\n",
	                       KH_MSG("grade", "hạng"),
	                       res->observatory.scored ? res->observatory.grade : "-",
	                       res->observatory.score)) != KH_OK)
		return r;
	for (size_t i = 0; i < res->n_checklist; i++)
		if ((r = kh_buf_printf(out, "  [%s] %s: %s%s%s\n",
		                       res->checklist[i].pass ? KH_MSG("PASS", "ĐẠT") : KH_MSG("FAIL", "KHÔNG ĐẠT"),
		                       res->checklist[i].id, res->checklist[i].reason,
		                       res->checklist[i].pass ? "" : KH_MSG(" — fix: ", " — khắc phục: "),
		                       res->checklist[i].fix)) != KH_OK)
			return r;
	for (size_t i = 0; i < res->n_exposures; i++)
		if ((r = kh_buf_printf(out, "  ! %s %s: %s\n", kh_site_severity_name(res->exposures[i].severity),
		                       res->exposures[i].path, res->exposures[i].detail)) != KH_OK)
			return r;
	for (size_t i = 0; i < res->n_errors; i++)
		if ((r = kh_buf_printf(out, "  %s: %s\n", KH_MSG("error", "lỗi"), res->errors[i])) != KH_OK)
			return r;
	return KH_OK;
}
