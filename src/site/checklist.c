/* checklist.c — readiness for the "Tín nhiệm mạng" trust label: each item
 * pass/fail with the reason and the fix, from the results of the checks.
 * Owner information follows Decree 42/2022/NĐ-CP (Art. 10: a government
 * portal names the agency, its address, phone, email and the person
 * responsible for content). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "khien/site.h"
#include "site_int.h"

static struct kh_site_checklist_item *
item(struct kh_site_result *res, const char *id, bool pass, const char *fix)
{
	struct kh_site_checklist_item *it = &res->checklist[res->n_checklist++];

	it->id = id;
	it->pass = pass;
	it->fix = pass ? "" : fix;
	it->reason[0] = '\0';
	return it;
}

static void
reason(struct kh_site_checklist_item *it, const char *fmt, ...)
{
	size_t used = strlen(it->reason);
	va_list ap;

	if (used + 3 >= sizeof(it->reason))
		return;
	if (used > 0) {
		memcpy(it->reason + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	(void)!vsnprintf(it->reason + used, sizeof(it->reason) - used, fmt, ap);
	va_end(ap);
}

static void
https_valid(struct kh_site_result *res)
{
	const struct kh_site_cert *c = &res->tls.cert;
	bool ok = res->tls.handshake_ok && c->present && c->trusted && c->hostname_match &&
	          !c->expired && !c->not_yet_valid;
	struct kh_site_checklist_item *it = item(res, "https_valid", ok,
		KH_MSG("Install a certificate from a trusted CA that names this host, with its full chain, and renew it before it expires",
		       "Cài chứng thư số của CA tin cậy, đúng tên miền, kèm đủ chuỗi chứng thư và gia hạn trước khi hết hạn"));

	if (!res->tls.handshake_ok)
		reason(it, "%s", KH_MSG("no working HTTPS", "không có HTTPS hoạt động"));
	else if (!c->present)
		reason(it, "%s", KH_MSG("no certificate", "không có chứng thư"));
	if (c->present && !c->trusted)
		reason(it, "%s: %s", KH_MSG("certificate not trusted", "chứng thư không tin cậy"), c->verify_error);
	if (c->present && c->expired)
		reason(it, "%s", KH_MSG("certificate expired", "chứng thư đã hết hạn"));
	if (c->present && !c->hostname_match)
		reason(it, "%s", KH_MSG("certificate does not name this host", "chứng thư không đúng tên miền"));
	if (ok)
		reason(it, KH_MSG("trusted certificate, %ld days left", "chứng thư tin cậy, còn %ld ngày"), c->days_left);
}

static void
redirect(struct kh_site_result *res)
{
	struct kh_site_checklist_item *it = item(res, "http_redirect", res->redirects_to_https,
		KH_MSG("Redirect every http:// request to https:// (301) on the same host",
		       "Chuyển hướng mọi yêu cầu http:// sang https:// (301) trên cùng tên miền"));

	if (res->redirects_to_https)
		reason(it, "%s", KH_MSG("http:// redirects to https://", "http:// chuyển hướng sang https://"));
	else if (!res->http.http.present)
		reason(it, "%s", KH_MSG("http:// did not answer", "http:// không trả lời"));
	else
		reason(it, "%s", KH_MSG("http:// does not end at https://", "http:// không chuyển sang https://"));
}

static void
weak_protocol(struct kh_site_result *res)
{
	unsigned weak = KH_SITE_C_NULL | KH_SITE_C_ANON | KH_SITE_C_EXPORT | KH_SITE_C_RC4 | KH_SITE_C_3DES;
	bool old = res->tls.protocols[KH_SITE_SSL3] || res->tls.protocols[KH_SITE_TLS10] ||
	           res->tls.protocols[KH_SITE_TLS11];
	bool bad_suite = false;
	struct kh_site_checklist_item *it;

	for (size_t i = 0; i < res->tls.n_ciphers; i++)
		bad_suite |= (res->tls.ciphers[i].classes & weak) != 0;
	it = item(res, "no_weak_protocol", res->tls.handshake_ok && !old && !bad_suite,
		KH_MSG("Allow only TLS 1.2 and 1.3 with AEAD suites (e.g. Mozilla's intermediate configuration)",
		       "Chỉ cho phép TLS 1.2 và 1.3 với bộ mã AEAD (ví dụ cấu hình intermediate của Mozilla)"));
	for (int p = KH_SITE_SSL3; p <= KH_SITE_TLS11; p++)
		if (res->tls.protocols[p])
			reason(it, "%s %s", kh_site_proto_name((enum kh_site_proto)p),
			       KH_MSG("accepted", "được chấp nhận"));
	if (bad_suite)
		reason(it, "%s", KH_MSG("NULL/export/RC4/3DES suites accepted", "chấp nhận bộ mã NULL/export/RC4/3DES"));
	if (it->pass)
		reason(it, "%s", KH_MSG("only TLS 1.2+ and strong suites", "chỉ TLS 1.2+ và bộ mã mạnh"));
	else if (!res->tls.handshake_ok)
		reason(it, "%s", KH_MSG("no working HTTPS", "không có HTTPS hoạt động"));
}

static void
exposure(struct kh_site_result *res)
{
	struct kh_site_checklist_item *it;
	bool critical = false;

	for (size_t i = 0; i < res->n_exposures; i++)
		critical |= res->exposures[i].severity == KH_SITE_CRITICAL;
	it = item(res, "no_critical_exposure", !critical,
		KH_MSG("Remove the files from the web root and deny dot-files and backups in the server configuration",
		       "Xoá các tệp này khỏi thư mục web và chặn tệp ẩn, tệp sao lưu trong cấu hình máy chủ"));
	for (size_t i = 0; i < res->n_exposures; i++)
		if (res->exposures[i].severity == KH_SITE_CRITICAL)
			reason(it, "%s (%s)", res->exposures[i].detail, res->exposures[i].path);
	if (!critical)
		reason(it, "%s", KH_MSG("none found in the fixed list", "không thấy trong danh sách kiểm tra"));
}

static void
injection(struct kh_site_result *res)
{
	const struct kh_site_content *c = &res->content;
	bool bad = c->gambling_spam || c->defaced || c->n_yara_matches > 0;
	struct kh_site_checklist_item *it = item(res, "no_malware_injection", c->fetched && !bad,
		KH_MSG("Clean the injected content, find how it got in (plugins, accounts, upload folders), patch and change passwords",
		       "Gỡ nội dung bị chèn, tìm đường xâm nhập (plugin, tài khoản, thư mục tải lên), vá lỗi và đổi mật khẩu"));

	if (!c->fetched)
		reason(it, "%s", KH_MSG("page could not be read", "không đọc được trang"));
	if (c->gambling_spam)
		reason(it, "%s: %s (%zu %s)", KH_MSG("gambling spam", "nội dung cờ bạc"), c->gambling_terms,
		       c->n_gambling_hidden_links, KH_MSG("hidden links", "liên kết ẩn"));
	if (c->defaced)
		reason(it, "%s: %s", KH_MSG("defacement signs", "dấu hiệu thay đổi giao diện trái phép"), c->defacement_terms);
	if (c->n_yara_matches > 0)
		reason(it, "YARA: %s", c->yara_matches);
	if (it->pass)
		reason(it, "%s", KH_MSG("no injection signs on the page", "không thấy dấu hiệu chèn mã trên trang"));
}

void
kh_site_checklist(struct kh_site_result *res)
{
	res->n_checklist = 0;
	https_valid(res);
	redirect(res);
	weak_protocol(res);
	exposure(res);
	injection(res);
	site_checklist_owner(res);
}

static bool
any_phrase(const char *folded, const char *const *phrases)
{
	for (size_t i = 0; phrases[i] != NULL; i++)
		if (strstr(folded, phrases[i]) != NULL)
			return true;
	return false;
}

/* A run of at least 9 digits, allowing the separators people write. */
static bool
has_phone_number(const char *raw)
{
	size_t digits = 0;

	for (; *raw != '\0'; raw++) {
		if (*raw >= '0' && *raw <= '9')
			digits++;
		else if (*raw != ' ' && *raw != '.' && *raw != '-' && *raw != '(' &&
		         *raw != ')' && *raw != '+')
			digits = 0;
		if (digits >= 9)
			return true;
	}
	return false;
}

static bool
has_email(const char *raw)
{
	for (const char *at = strchr(raw, '@'); at != NULL; at = strchr(at + 1, '@')) {
		const char *dot = strchr(at, '.');
		if (at > raw && at[-1] != ' ' && dot != NULL && dot > at + 1 &&
		    (size_t)(dot - at) < 64 && dot[1] != '\0' && dot[1] != ' ')
			return true;
	}
	return false;
}

void
site_owner_info(struct kh_site_content *c, const char *folded, const char *raw)
{
	static const char *const agency[] = { "co quan chu quan", "don vi chu quan", "uy ban nhan dan",
		"ubnd", "co quan", "so ", "ban quan ly", "agency", "people s committee", NULL };
	static const char *const address[] = { "dia chi", "tru so", "address", NULL };
	static const char *const responsible[] = { "chiu trach nhiem", "truong ban bien tap",
		"responsible", "editor in chief", NULL };

	c->owner_agency = any_phrase(folded, agency);
	c->owner_address = any_phrase(folded, address);
	c->owner_phone = has_phone_number(raw);
	c->owner_email = has_email(raw);
	c->owner_responsible = any_phrase(folded, responsible);
}

void
site_checklist_owner(struct kh_site_result *res)
{
	const struct kh_site_content *c = &res->content;
	bool ok = c->owner_agency && c->owner_address && c->owner_phone && c->owner_email &&
	          c->owner_responsible;
	struct kh_site_checklist_item *it = item(res, "owner_info", ok,
		KH_MSG("Show in the page footer: agency name, address, phone, email and the person responsible (Decree 42/2022/ND-CP)",
		       "Ghi ở chân trang: tên cơ quan chủ quản, địa chỉ, điện thoại, thư điện tử và người chịu trách nhiệm (Nghị định 42/2022/NĐ-CP)"));

	if (!c->fetched) {
		reason(it, "%s", KH_MSG("page could not be read", "không đọc được trang"));
		return;
	}
	if (ok)
		reason(it, "%s", KH_MSG("all five details found", "có đủ năm thông tin"));
	if (!c->owner_agency)
		reason(it, "%s", KH_MSG("agency name missing", "thiếu tên cơ quan"));
	if (!c->owner_address)
		reason(it, "%s", KH_MSG("address missing", "thiếu địa chỉ"));
	if (!c->owner_phone)
		reason(it, "%s", KH_MSG("phone missing", "thiếu số điện thoại"));
	if (!c->owner_email)
		reason(it, "%s", KH_MSG("email missing", "thiếu thư điện tử"));
	if (!c->owner_responsible)
		reason(it, "%s", KH_MSG("person responsible missing", "thiếu người chịu trách nhiệm"));
}
