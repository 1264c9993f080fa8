/*
 * inventory.c — the inventory object: packages, errors, sorting, counts,
 * and the problem recorder the database readers share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khien/inventory.h"
#include "khien/limits.h"
#include "inventory_int.h"

/* ---- the inventory object ---------------------------------------------- */

static const char *const type_names[KH_INVENTORY_TYPE_COUNT_] = { "deb", "rpm", "apk" };

const char *
kh_inventory_type_name(enum kh_inventory_type type)
{
	return (unsigned)type < KH_INVENTORY_TYPE_COUNT_ ? type_names[type] : "?";
}

enum kh_err
kh_inventory_type_parse(const char *name, enum kh_inventory_type *out)
{
	for (int t = 0; t < KH_INVENTORY_TYPE_COUNT_; t++)
		if (strcmp(name, type_names[t]) == 0) {
			*out = (enum kh_inventory_type)t;
			return KH_OK;
		}
	return KH_EINVAL;
}

struct kh_inventory *
kh_inventory_new(void)
{
	return kh_calloc(1, sizeof(struct kh_inventory));
}

static void
pkg_cleanup(struct kh_inventory_pkg *p)
{
	kh_free(p->name);
	kh_free(p->version);
	kh_free(p->arch);
	kh_free(p->source);
	kh_free(p->source_version);
	kh_free(p->status);
}

void
kh_inventory_free(struct kh_inventory *inv)
{
	if (inv == NULL)
		return;
	for (size_t i = 0; i < inv->n_pkgs; i++)
		pkg_cleanup(&inv->pkgs[i]);
	for (size_t i = 0; i < inv->n_errors; i++) {
		kh_free(inv->errors[i].file);
		kh_free(inv->errors[i].message);
	}
	kh_free(inv->os.id);
	kh_free(inv->os.version_id);
	kh_free(inv->os.codename);
	kh_free(inv->os.pretty_name);
	kh_free(inv->os.kernel);
	kh_free(inv->os.hostname);
	kh_free(inv->os.arch);
	kh_free(inv->pkgs);
	kh_free(inv->errors);
	kh_free(inv->root);
	kh_free(inv);
}

bool
kh_inventory_complete(const struct kh_inventory *inv)
{
	return inv->n_errors == 0 && inv->n_errors_dropped == 0;
}

/* Copies s (NULL stays NULL); false on ENOMEM. */
static bool
dup_opt(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL)
		return true;
	return (*out = kh_strdup(s)) != NULL;
}

/* Grows an array to hold one more element (doubling). */
static bool
grow(void **items, size_t *cap, size_t n, size_t elem_size)
{
	size_t new_cap;
	void *p;

	if (n < *cap)
		return true;
	new_cap = *cap == 0 ? 64 : *cap;
	if (*cap != 0 && !kh_size_mul(new_cap, 2, &new_cap))
		return false;
	if ((p = kh_reallocarray(*items, new_cap, elem_size)) == NULL)
		return false;
	*items = p;
	*cap = new_cap;
	return true;
}

enum kh_err
kh_inventory_add_pkg(struct kh_inventory *inv, const struct kh_inventory_pkg *pkg,
                     struct kh_diag *diag)
{
	struct kh_inventory_pkg copy = { .type = pkg->type };

	if (inv->n_pkgs >= KH_LIMIT(max_packages))
		return kh_diag_limit(diag, NULL, "max_packages", "too many packages");
	if (!grow((void **)&inv->pkgs, &inv->cap_pkgs, inv->n_pkgs, sizeof(copy)))
		return KH_ENOMEM;
	if (!dup_opt(pkg->name, &copy.name) || !dup_opt(pkg->version, &copy.version) ||
	    !dup_opt(pkg->arch, &copy.arch) || !dup_opt(pkg->source, &copy.source) ||
	    !dup_opt(pkg->source_version, &copy.source_version) ||
	    !dup_opt(pkg->status, &copy.status)) {
		pkg_cleanup(&copy);
		return KH_ENOMEM;
	}
	inv->pkgs[inv->n_pkgs++] = copy;
	return KH_OK;
}

/*
 * Messages quote bytes from broken input; JSON and terminals need text, so
 * control characters become '?', and so does every non-ASCII byte when the
 * whole is not valid UTF-8.
 */
static void
printable(char *s)
{
	bool utf8 = kh_utf8_valid(s, strlen(s));

	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (!utf8 && *p >= 0x80))
			*p = '?';
}

static enum kh_err
add_error_v(struct kh_inventory *inv, const char *file, long line, enum kh_err err,
            const char *fmt, va_list ap)
{
	struct kh_inventory_error e = { .line = line, .err = err };
	struct kh_buf msg;
	enum kh_err r;

	if (inv->n_errors >= KH_LIMIT(max_inventory_errors)) {
		inv->n_errors_dropped++;
		return KH_OK;
	}
	if (!grow((void **)&inv->errors, &inv->cap_errors, inv->n_errors, sizeof(e)))
		return KH_ENOMEM;
	kh_buf_init(&msg, 4096);
	r = kh_buf_vprintf(&msg, fmt, ap);
	if (r == KH_ELIMIT)
		r = KH_OK; /* a long message is cut, never the error itself */
	if (r != KH_OK || (e.message = kh_buf_steal(&msg)) == NULL ||
	    !dup_opt(file, &e.file)) {
		kh_buf_cleanup(&msg);
		kh_free(e.message);
		return KH_ENOMEM;
	}
	kh_buf_cleanup(&msg);
	printable(e.message);
	if (e.file != NULL)
		printable(e.file);
	inv->errors[inv->n_errors++] = e;
	return KH_OK;
}

enum kh_err
kh_inventory_add_error(struct kh_inventory *inv, const char *file, long line,
                       enum kh_err err, const char *fmt, ...)
{
	va_list ap;
	enum kh_err r;

	va_start(ap, fmt);
	r = add_error_v(inv, file, line, err, fmt, ap);
	va_end(ap);
	return r;
}

enum kh_err
kh_inventory_add_diag(struct kh_inventory *inv, enum kh_err err,
                      const struct kh_diag *diag)
{
	const char *msg = diag->msg[0] != '\0' ? diag->msg : kh_strerror(err);

	return kh_inventory_add_error(inv, diag->file[0] != '\0' ? diag->file : NULL,
	                              diag->line, err, "%s", msg);
}

/* NULL sorts before any string, so the order is total. */
static int
cmp_opt(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_pkg(const void *pa, const void *pb)
{
	const struct kh_inventory_pkg *a = pa, *b = pb;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = cmp_opt(a->name, b->name)) != 0 || (c = cmp_opt(a->arch, b->arch)) != 0 ||
	    (c = cmp_opt(a->version, b->version)) != 0 ||
	    (c = cmp_opt(a->source, b->source)) != 0)
		return c;
	return cmp_opt(a->source_version, b->source_version);
}

void
kh_inventory_sort(struct kh_inventory *inv)
{
	if (inv->n_pkgs > 1)
		qsort(inv->pkgs, inv->n_pkgs, sizeof(inv->pkgs[0]), cmp_pkg);
}

size_t
kh_inventory_count(const struct kh_inventory *inv, enum kh_inventory_type type)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->n_pkgs; i++)
		n += inv->pkgs[i].type == type;
	return n;
}

/* ---- architecture names ------------------------------------------------ */

struct arch_map {
	const char *machine;
	const char *deb;
	const char *apk;
};

/*
 * Kernel machine names to dpkg's (dpkg's cputable) and apk's (Alpine's
 * arch list); rpm uses the kernel's names for these.
 */
static const struct arch_map arch_maps[] = {
	{ "x86_64", "amd64", "x86_64" },   { "aarch64", "arm64", "aarch64" },
	{ "i386", "i386", "x86" },         { "i486", "i386", "x86" },
	{ "i586", "i386", "x86" },         { "i686", "i386", "x86" },
	{ "armv7l", "armhf", "armv7" },    { "armv6l", "armel", "armhf" },
	{ "ppc64le", "ppc64el", "ppc64le" }, { "s390x", "s390x", "s390x" },
	{ "riscv64", "riscv64", "riscv64" }, { "mips64", "mips64el", "mips64" },
	{ "loongarch64", "loong64", "loongarch64" },
};

const char *
kh_inventory_arch_from_machine(enum kh_inventory_type family, const char *machine)
{
	for (size_t i = 0; i < sizeof(arch_maps) / sizeof(arch_maps[0]); i++) {
		if (strcmp(arch_maps[i].machine, machine) != 0)
			continue;
		if (family == KH_INVENTORY_DEB)
			return arch_maps[i].deb;
		if (family == KH_INVENTORY_APK)
			return arch_maps[i].apk;
	}
	return machine;
}

void
inv_problem(struct inv_parse *ps, long line, enum kh_err err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kh_inventory_add_error(ps->inv, ps->file, line, err, "%s", msg) != KH_OK)
		ps->nomem = true;
	if (ps->first == KH_OK) {
		ps->first = err;
		(void)kh_diag_set(ps->diag, err, ps->file, line, "%s", msg);
	}
}

void
inv_emit(struct inv_parse *ps, long line, enum kh_inventory_type type,
         const struct kh_cur fields[INV_STATUS], const struct kh_cur *status)
{
	struct kh_inventory_pkg pkg = { .type = type };
	char *s[INV_FIELD_COUNT] = { 0 };
	struct kh_diag d;
	enum kh_err r = KH_ENOMEM;

	kh_diag_clear(&d);
	for (size_t i = 0; i < INV_STATUS; i++)
		if ((s[i] = kh_cur_dup(&fields[i])) == NULL)
			goto out;
	if (status != NULL && (s[INV_STATUS] = kh_cur_dup(status)) == NULL)
		goto out;
	pkg.name = s[INV_NAME];
	pkg.version = s[INV_VERSION];
	pkg.arch = s[INV_ARCH];
	pkg.source = s[INV_SOURCE];
	pkg.source_version = s[INV_SOURCE_VERSION];
	pkg.status = s[INV_STATUS];
	r = kh_inventory_add_pkg(ps->inv, &pkg, &d);
 out:
	if (r == KH_ENOMEM)
		ps->nomem = true;
	else if (r == KH_ELIMIT) {
		inv_problem(ps, line, KH_ELIMIT, "%s", d.msg);
		ps->stop = true;
	}
	for (size_t i = 0; i < INV_FIELD_COUNT; i++)
		kh_free(s[i]);
}
