/*
 * fuzz_csv.c — libFuzzer harness for the RFC 4180 reader: no input may
 * crash or hang it, every field it returns is valid UTF-8, and the records
 * it accepts, written back out fully quoted, read back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khien/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every record; good ones go to `fields` (each field NUL-ended, each
 * record ended by "\n\1") and, when `csv_out` is set, re-encoded there. */
static size_t
read_all(struct kh_cur in, struct kh_buf *fields, struct kh_buf *csv_out)
{
	struct kh_csv *csv = NULL;
	struct kh_csv_row row;
	size_t n_bad = 0;
	long last_line = 0;
	enum kh_err r;

	if (kh_csv_new(in, "fuzz", &csv, NULL) != KH_OK)
		return 0;
	while ((r = kh_csv_next(csv, &row, NULL)) != KH_ENOENT) {
		if (r != KH_OK) {
			n_bad++;
			if (!kh_csv_can_continue(csv))
				break;
			continue;
		}
		if (row.line <= last_line || row.n_fields == 0)
			abort();
		last_line = row.line;
		for (size_t i = 0; i < row.n_fields; i++) {
			size_t n = strlen(row.fields[i]);
			if (!kh_utf8_valid(row.fields[i], n) ||
			    kh_buf_append(fields, row.fields[i], n + 1) != KH_OK)
				abort();
			if (csv_out == NULL)
				continue;
			if (kh_buf_append_str(csv_out, i ? ",\"" : "\"") != KH_OK)
				abort();
			for (size_t k = 0; k < n; k++)
				if ((row.fields[i][k] == '"' && kh_buf_putc(csv_out, '"') != KH_OK) ||
				    kh_buf_putc(csv_out, row.fields[i][k]) != KH_OK)
					abort();
			if (kh_buf_putc(csv_out, '"') != KH_OK)
				abort();
		}
		if (kh_buf_append_str(fields, "\n\1") != KH_OK ||
		    (csv_out != NULL && kh_buf_append_str(csv_out, "\r\n") != KH_OK))
			abort();
	}
	kh_csv_free(csv);
	return n_bad;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_buf first, again, encoded;

	kh_buf_init(&first, 0);
	kh_buf_init(&again, 0);
	kh_buf_init(&encoded, 0);
	(void)read_all(kh_cur_make(data, size), &first, &encoded);
	if (read_all(kh_buf_cur(&encoded), &again, NULL) != 0 || first.len != again.len ||
	    (first.len > 0 && memcmp(first.data, again.data, first.len) != 0))
		abort();
	kh_buf_cleanup(&first);
	kh_buf_cleanup(&again);
	kh_buf_cleanup(&encoded);
	return 0;
}
