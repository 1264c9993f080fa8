/*
 * version.c — the scheme-independent part of version ordering: scheme
 * names, the messages, the limit and NUL checks, and dispatch to the scheme.
 */
#include <stdio.h>
#include <string.h>

#include "khien/limits.h"
#include "version_int.h"

static const char *const scheme_names[KH_VERSION_SCHEME_COUNT_] = {
	[KH_VERSION_DPKG] = "dpkg",     [KH_VERSION_RPM] = "rpm",
	[KH_VERSION_SEMVER] = "semver", [KH_VERSION_APK] = "apk",
	[KH_VERSION_GENERIC] = "generic",
};

static const struct kh_version_ops *const scheme_ops[KH_VERSION_SCHEME_COUNT_] = {
	[KH_VERSION_DPKG] = &kh_version_dpkg_ops,
	[KH_VERSION_RPM] = &kh_version_rpm_ops,
	[KH_VERSION_SEMVER] = &kh_version_semver_ops,
	[KH_VERSION_APK] = &kh_version_apk_ops,
	[KH_VERSION_GENERIC] = &kh_version_generic_ops,
};

enum kh_err
kh_version_scheme_parse(const char *name, enum kh_version_scheme *out)
{
	if (name == NULL)
		return KH_EINVAL;
	for (int i = 0; i < KH_VERSION_SCHEME_COUNT_; i++) {
		if (kh_str_casecmp(name, scheme_names[i]) == 0) {
			*out = (enum kh_version_scheme)i;
			return KH_OK;
		}
	}
	return KH_EINVAL;
}

const char *
kh_version_scheme_name(enum kh_version_scheme scheme)
{
	if ((unsigned)scheme >= KH_VERSION_SCHEME_COUNT_)
		return "unknown";
	return scheme_names[scheme];
}

/* dpkg's English texts are kept word for word (lib/dpkg/parsehelp.c). */
const char *
kh_version_issue_text(enum kh_version_issue issue)
{
	switch (issue) {
	case KH_VERSION_ISSUE_NONE:
		return KH_MSG("no problem", "không có vấn đề");
	case KH_VERSION_ISSUE_NUL:
		return KH_MSG("contains a NUL byte", "chứa byte NUL");
	case KH_VERSION_ISSUE_EMPTY:
		return KH_MSG("version string is empty", "chuỗi phiên bản rỗng");
	case KH_VERSION_ISSUE_EMBEDDED_SPACES:
		return KH_MSG("version string has embedded spaces",
		              "chuỗi phiên bản có khoảng trắng ở giữa");
	case KH_VERSION_ISSUE_EPOCH_EMPTY:
		return KH_MSG("epoch in version is empty", "epoch của phiên bản rỗng");
	case KH_VERSION_ISSUE_EPOCH_NOT_NUMBER:
		return KH_MSG("epoch in version is not number",
		              "epoch của phiên bản không phải là số");
	case KH_VERSION_ISSUE_EPOCH_NEGATIVE:
		return KH_MSG("epoch in version is negative", "epoch của phiên bản là số âm");
	case KH_VERSION_ISSUE_EPOCH_TOO_BIG:
		return KH_MSG("epoch in version is too big", "epoch của phiên bản quá lớn");
	case KH_VERSION_ISSUE_NOTHING_AFTER_COLON:
		return KH_MSG("nothing after colon in version number",
		              "không có gì sau dấu hai chấm trong số phiên bản");
	case KH_VERSION_ISSUE_REVISION_EMPTY:
		return KH_MSG("revision number is empty", "số bản sửa đổi (revision) rỗng");
	case KH_VERSION_ISSUE_UPSTREAM_EMPTY:
		return KH_MSG("version number is empty", "số phiên bản rỗng");
	case KH_VERSION_ISSUE_NOT_DIGIT_START:
		return KH_MSG("version number does not start with digit",
		              "số phiên bản không bắt đầu bằng chữ số");
	case KH_VERSION_ISSUE_BAD_CHAR_UPSTREAM:
		return KH_MSG("invalid character in version number",
		              "ký tự không hợp lệ trong số phiên bản");
	case KH_VERSION_ISSUE_BAD_CHAR_REVISION:
		return KH_MSG("invalid character in revision number",
		              "ký tự không hợp lệ trong số bản sửa đổi");
	case KH_VERSION_ISSUE_SEMVER_SYNTAX:
		return KH_MSG("not MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]",
		              "không theo dạng MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]");
	case KH_VERSION_ISSUE_SEMVER_LEADING_ZERO:
		return KH_MSG("numeric identifier has a leading zero",
		              "định danh dạng số có chữ số 0 ở đầu");
	case KH_VERSION_ISSUE_SEMVER_TOO_LONG:
		return KH_MSG("longer than 256 characters", "dài hơn 256 ký tự");
	case KH_VERSION_ISSUE_SEMVER_TOO_BIG:
		return KH_MSG("major, minor or patch is larger than 9007199254740991",
		              "major, minor hoặc patch lớn hơn 9007199254740991");
	case KH_VERSION_ISSUE_APK_INVALID:
		return KH_MSG("not a valid apk version (apk still orders it)",
		              "không phải phiên bản apk hợp lệ (apk vẫn sắp thứ tự nó)");
	case KH_VERSION_ISSUE_BAD_CHAR:
		return KH_MSG("contains a control or non-ASCII character",
		              "chứa ký tự điều khiển hoặc ký tự ngoài ASCII");
	case KH_VERSION_ISSUE_COUNT_:
		break;
	}
	return KH_MSG("unknown problem", "vấn đề không xác định");
}

/*
 * Quotes untrusted bytes for a message: printable ASCII as is, anything
 * else as \xNN, cut with "..." so the message stays one short line.
 */
static void
quote_version(struct kh_cur v, char *out, size_t out_size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (size_t i = 0; i < v.len; i++) {
		uint8_t ch = v.p[i];
		if (n + 8 >= out_size) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			out[n++] = (char)ch;
			continue;
		}
		out[n++] = '\\';
		out[n++] = 'x';
		out[n++] = hex[ch >> 4];
		out[n++] = hex[ch & 15];
	}
	out[n] = '\0';
}

void
kh_version_describe(struct kh_cur v, enum kh_version_issue issue, char *out,
                    size_t out_size)
{
	char quoted[200];

	if (out_size == 0)
		return;
	quote_version(v, quoted, sizeof(quoted));
	if (snprintf(out, out_size, KH_MSG("version '%s' has bad syntax: %s",
	                                   "phiên bản '%s' sai cú pháp: %s"),
	             quoted, kh_version_issue_text(issue)) < 0)
		out[0] = '\0';
}

static enum kh_err
bad_syntax(struct kh_diag *diag, struct kh_cur v, enum kh_version_issue issue)
{
	char text[400];

	kh_version_describe(v, issue, text, sizeof(text));
	return kh_diag_set(diag, KH_EFORMAT, NULL, 0, "%s", text);
}

/* Checks what every scheme shares, then the scheme's own rules. */
static enum kh_err
check_one(const struct kh_version_ops *ops, struct kh_cur v,
          enum kh_version_issue *warning, struct kh_diag *diag)
{
	enum kh_version_issue issue;
	bool fatal = false;

	*warning = KH_VERSION_ISSUE_NONE;
	if (v.len > KH_LIMIT(max_version_bytes))
		return kh_diag_limit(diag, NULL, "max_version_bytes",
		                     KH_MSG("version", "phiên bản"));
	if (v.len > 0 && memchr(v.p, '\0', v.len) != NULL)
		return bad_syntax(diag, v, KH_VERSION_ISSUE_NUL);
	if (ops->is_absent != NULL && ops->is_absent(v))
		return KH_OK;
	issue = ops->check(v, &fatal);
	*warning = issue;
	if (issue != KH_VERSION_ISSUE_NONE && fatal)
		return bad_syntax(diag, v, issue);
	return KH_OK;
}

enum kh_err
kh_version_validate(enum kh_version_scheme scheme, struct kh_cur v,
                    enum kh_version_issue *warning, struct kh_diag *diag)
{
	enum kh_version_issue issue = KH_VERSION_ISSUE_NONE;
	const struct kh_version_ops *ops;
	enum kh_err r;

	if ((unsigned)scheme >= KH_VERSION_SCHEME_COUNT_)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s",
		                   KH_MSG("unknown version scheme", "lược đồ phiên bản không rõ"));
	ops = scheme_ops[scheme];
	/* Validation asks "is this a version", so "no version" is refused. */
	if (ops->is_absent != NULL && v.len <= KH_LIMIT(max_version_bytes) &&
	    ops->is_absent(v)) {
		bool fatal = false;
		issue = ops->check(v, &fatal);
		if (warning != NULL)
			*warning = issue;
		return fatal ? bad_syntax(diag, v, issue) : KH_OK;
	}
	r = check_one(ops, v, &issue, diag);
	if (warning != NULL)
		*warning = issue;
	return r;
}

enum kh_err
kh_version_compare_cur(enum kh_version_scheme scheme, struct kh_cur a,
                       struct kh_cur b, int *cmp,
                       struct kh_version_warnings *warn, struct kh_diag *diag)
{
	struct kh_version_warnings found = { KH_VERSION_ISSUE_NONE, KH_VERSION_ISSUE_NONE };
	const struct kh_version_ops *ops;
	bool absent_a, absent_b;
	enum kh_err r;

	*cmp = 0;
	if (warn != NULL)
		*warn = found;
	if ((unsigned)scheme >= KH_VERSION_SCHEME_COUNT_)
		return kh_diag_set(diag, KH_EINVAL, NULL, 0, "%s",
		                   KH_MSG("unknown version scheme", "lược đồ phiên bản không rõ"));
	ops = scheme_ops[scheme];
	if ((r = check_one(ops, a, &found.a, diag)) != KH_OK)
		return r;
	/* a's warning stands even when b is refused, as dpkg prints it first. */
	if (warn != NULL)
		warn->a = found.a;
	if ((r = check_one(ops, b, &found.b, diag)) != KH_OK)
		return r;
	if (warn != NULL)
		*warn = found;
	absent_a = ops->is_absent != NULL && ops->is_absent(a);
	absent_b = ops->is_absent != NULL && ops->is_absent(b);
	if (absent_a || absent_b)
		*cmp = (int)absent_b - (int)absent_a;
	else
		*cmp = kh_v_sign(ops->compare(a, b));
	return KH_OK;
}

enum kh_err
kh_version_compare(enum kh_version_scheme scheme, const char *a, const char *b,
                   int *cmp, struct kh_diag *diag)
{
	return kh_version_compare_cur(scheme, kh_cur_from_str(a), kh_cur_from_str(b),
	                              cmp, NULL, diag);
}

enum kh_err
kh_version_apk_compare_fuzzy(struct kh_cur a, struct kh_cur b, int *cmp,
                             struct kh_diag *diag)
{
	enum kh_version_issue issue;
	enum kh_err r;

	*cmp = 0;
	if ((r = check_one(&kh_version_apk_ops, a, &issue, diag)) != KH_OK)
		return r;
	if ((r = check_one(&kh_version_apk_ops, b, &issue, diag)) != KH_OK)
		return r;
	*cmp = kh_v_sign(kh_version_apk_cmp_fuzzy(a, b, true));
	return KH_OK;
}
