/* table.c — aligned text tables for people (scripts use --json). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * Columns on a terminal: one per code point, none for combining marks
 * (U+0300–U+036F, as in decomposed Vietnamese).
 */
static size_t
display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t width = 0;

	for (; *p != '\0'; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		if (*p == 0xCC || (*p == 0xCD && (p[1] & 0xFF) < 0xB0))
			continue; /* U+0300–U+036F */
		width++;
	}
	return width;
}

struct cli_table *
cli_table_new(size_t n_cols)
{
	struct cli_table *t = kh_calloc(1, sizeof(*t));

	if (t != NULL)
		t->n_cols = n_cols;
	return t;
}

enum kh_err
cli_table_add(struct cli_table *t, const char *const *cells)
{
	char **row, ***grown;

	grown = kh_reallocarray(t->rows, t->n_rows + 1, sizeof(*grown));
	if (grown == NULL)
		return KH_ENOMEM;
	t->rows = grown;
	if ((row = kh_calloc(t->n_cols, sizeof(*row))) == NULL)
		return KH_ENOMEM;
	t->rows[t->n_rows++] = row;
	for (size_t c = 0; c < t->n_cols; c++)
		if ((row[c] = kh_strdup(cells[c] != NULL ? cells[c] : "-")) == NULL)
			return KH_ENOMEM;
	return KH_OK;
}

void
cli_table_print(const struct cli_table *t, FILE *out)
{
	size_t widths[CLI_TABLE_MAX_COLS] = { 0 };

	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_cols && c < CLI_TABLE_MAX_COLS; c++) {
			size_t w = display_width(t->rows[r][c]);
			if (w > widths[c])
				widths[c] = w;
		}
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			bool last = c + 1 == t->n_cols;
			fputs(t->rows[r][c], out);
			for (size_t pad = display_width(t->rows[r][c]);
			     !last && c < CLI_TABLE_MAX_COLS && pad < widths[c] + 2; pad++)
				fputc(' ', out);
		}
		fputc('\n', out);
	}
}

void
cli_table_free(struct cli_table *t)
{
	if (t == NULL)
		return;
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++)
			kh_free(t->rows[r] == NULL ? NULL : t->rows[r][c]);
		kh_free(t->rows[r]);
	}
	kh_free(t->rows);
	kh_free(t);
}
