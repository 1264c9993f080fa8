/* content.c — signs of injected content in page text: gambling and betting
 * spam (Vietnamese terms with or without diacritics, English terms, brand
 * names) and defacement phrases, on text folded to plain lower-case ASCII. */
#include <pthread.h>
#include <string.h>

#include "khien/site.h"
#include "site_int.h"

/* Vietnamese letters with diacritics, by base letter (precomposed forms,
 * Unicode Latin-1 Supplement, Latin Extended-A/B and Additional). */
static const struct {
	char base;
	const char *forms;
} viet[] = {
	{ 'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ" },
	{ 'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ" },
	{ 'i', "ìíỉĩịÌÍỈĨỊ" },
	{ 'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ" },
	{ 'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ" },
	{ 'y', "ỳýỷỹỵỲÝỶỸỴ" },
	{ 'd', "đĐ" },
};

#define FOLD_TABLE_SIZE 0x1F00
static char fold_table[FOLD_TABLE_SIZE];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

/* Decodes one UTF-8 sequence; invalid bytes come back as U+FFFD, 1 byte. */
static uint32_t
next_cp(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	uint32_t cp;
	size_t n;

	if (p[0] < 0x80)
		n = 1, cp = p[0];
	else if ((p[0] & 0xE0) == 0xC0)
		n = 2, cp = p[0] & 0x1F;
	else if ((p[0] & 0xF0) == 0xE0)
		n = 3, cp = p[0] & 0x0F;
	else if ((p[0] & 0xF8) == 0xF0)
		n = 4, cp = p[0] & 0x07;
	else
		n = 0, cp = 0xFFFD;
	if (n == 0 || (size_t)(end - p) < n) {
		*pp = p + 1;
		return 0xFFFD;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp = p + 1;
			return 0xFFFD;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*pp = p + n;
	return cp;
}

static void
build_fold_table(void)
{
	for (size_t i = 0; i < sizeof(viet) / sizeof(viet[0]); i++) {
		const uint8_t *p = (const uint8_t *)viet[i].forms, *end = p + strlen(viet[i].forms);
		while (p < end) {
			uint32_t cp = next_cp(&p, end);
			if (cp < FOLD_TABLE_SIZE)
				fold_table[cp] = viet[i].base;
		}
	}
}

/* One folded character: ASCII letters and digits lower-cased, Vietnamese
 * letters to their base, combining marks dropped (0), the rest a space. */
static char
fold_cp(uint32_t cp)
{
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return (char)(cp - 'A' + 'a');
		return ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) ? (char)cp : ' ';
	}
	if (cp >= 0x300 && cp <= 0x36F)
		return 0; /* decomposed text: the base letter came before */
	if (cp < FOLD_TABLE_SIZE && fold_table[cp] != 0)
		return fold_table[cp];
	return ' ';
}

enum kh_err
kh_site_fold_text(const char *text, struct kh_buf *out)
{
	const uint8_t *p = (const uint8_t *)text, *end = p + strlen(text);
	enum kh_err r;
	char c;

	pthread_once(&fold_once, build_fold_table);
	while (p < end) {
		c = fold_cp(next_cp(&p, end));
		if (c == 0 || (c == ' ' && (out->len == 0 || out->data[out->len - 1] == ' ')))
			continue;
		if ((r = kh_buf_putc(out, c)) != KH_OK)
			return r;
	}
	return KH_OK;
}

/* Whole-word search in folded text (words are separated by single spaces). */
static bool
has_words(const char *folded, const char *term)
{
	size_t n = strlen(term);

	for (const char *p = strstr(folded, term); p != NULL; p = strstr(p + 1, term))
		if ((p == folded || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static size_t
find_terms(const char *folded, const char *const *terms, struct kh_buf *found)
{
	size_t n = 0;

	for (size_t i = 0; terms[i] != NULL; i++)
		if (has_words(folded, terms[i])) {
			n++;
			if (found != NULL && kh_buf_append(found, terms[i], strlen(terms[i]) + 1) != KH_OK)
				break;
		}
	return n;
}

/* Terms seen in gambling spam injected into Vietnamese sites. Words that are
 * common in ordinary text on their own ("ca", "bai") only count in pairs. */
static const char *const gambling[] = {
	"nha cai", "ca cuoc", "tai xiu", "no hu", "ban ca", "casino", "slot", "slot game",
	"game bai", "danh bai", "lo de", "soi keo", "keo nha cai", "ca do", "xoc dia",
	"baccarat", "song bac", "cuoc bong da", "game doi thuong", "doi thuong",
	"keo bong da", "ty le keo", "poker", "roulette", "jackpot", "betting",
	"w88", "fb88", "188bet", "789bet", "kubet", "sv388", "hi88", "new88", "jun88",
	"shbet", "f8bet", "8xbet", "vn88", "fun88", "m88", "12bet", "dafabet", "bk8",
	"oxbet", "mu88", "sodo66", "go88", "sunwin", "b52", "hitclub", "iwin", NULL
};

size_t
kh_site_gambling_terms(const char *folded, struct kh_buf *found)
{
	return find_terms(folded, gambling, found);
}

static const char *const defacement[] = { "hacked by", "defaced by", "h4ck3d", "hacked",
	"owned by", "greetz", "was here", "bi hack", NULL };

size_t
kh_site_defacement_terms(const char *folded, struct kh_buf *found)
{
	return find_terms(folded, defacement, found);
}
