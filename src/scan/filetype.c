/*
 * filetype.c — what a file is from its first bytes: the `filetype` external
 * THOR and LOKI give YARA rules ("EXE", "ELF", ...) and which files
 * libarchive should open.
 */
#include <string.h>

#include "scan_int.h"

struct magic {
	size_t offset;
	const char *bytes;
	size_t len;
	const char *type;
	bool archive;
};

/* Signatures from the formats' specifications (e.g. PKWARE APPNOTE 4.3.7,
 * RFC 1952 for gzip, POSIX ustar at offset 257). */
static const struct magic magics[] = {
	{ 0, "MZ", 2, "EXE", false },
	{ 0, "\x7f" "ELF", 4, "ELF", false },
	{ 0, "\xfe\xed\xfa\xce", 4, "MACH-O", false },
	{ 0, "\xce\xfa\xed\xfe", 4, "MACH-O", false },
	{ 0, "\xfe\xed\xfa\xcf", 4, "MACH-O", false },
	{ 0, "\xcf\xfa\xed\xfe", 4, "MACH-O", false },
	{ 0, "MDMP", 4, "MDMP", false },
	{ 0, "%PDF", 4, "PDF", false },
	{ 0, "{\\rtf", 5, "RTF", false },
	{ 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "OLE", false },
	{ 0, "<?php", 5, "PHP", false },
	{ 0, "PK\x03\x04", 4, "ZIP", true },
	{ 0, "PK\x05\x06", 4, "ZIP", true }, /* empty zip */
	{ 0, "Rar!\x1a\x07", 6, "RAR", true },
	{ 0, "7z\xbc\xaf\x27\x1c", 6, "7Z", true },
	{ 0, "\x1f\x8b", 2, "GZIP", true },
	{ 0, "BZh", 3, "BZIP2", true },
	{ 0, "\xfd" "7zXZ\x00", 6, "XZ", true },
	{ 0, "\x28\xb5\x2f\xfd", 4, "ZSTD", true },
	{ 0, "MSCF", 4, "CAB", true },
	{ 257, "ustar", 5, "TAR", true },
};

static const struct magic *
find_magic(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		const struct magic *m = &magics[i];
		if (len >= m->offset + m->len &&
		    memcmp(p + m->offset, m->bytes, m->len) == 0)
			return m;
	}
	return NULL;
}

const char *
kh_scan_filetype(const uint8_t *p, size_t len)
{
	const struct magic *m = find_magic(p, len);

	return m != NULL ? m->type : "";
}

bool
kh_scan_is_archive(const uint8_t *p, size_t len)
{
	const struct magic *m = find_magic(p, len);

	return m != NULL && m->archive;
}
