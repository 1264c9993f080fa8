/*
 * csv.c — an RFC 4180 CSV reader over the bounded cursor, for files people
 * export from spreadsheets: a bad record is reported (file, line, field)
 * and skipped whole so the records after it can still be read.
 */
#include <string.h>

#include "khien/inventory.h"
#include "khien/limits.h"

struct kh_csv {
	struct kh_cur cur;
	char *file;
	long line; /* physical line of the next unread byte */
	size_t n_rows;
	bool fatal;
	struct kh_buf rec; /* the record's fields, each NUL-terminated */
	size_t *offs;
	const char **fields;
	size_t cap_fields;
};

/* What went wrong first in the record being read; reading goes on to its
 * end so that the next call starts at the next record. */
struct rec_state {
	struct kh_csv *csv;
	size_t n_fields;
	size_t line_bytes;
	enum kh_err err;
	size_t err_field;
	const char *err_limit;
	const char *err_msg;
};

enum kh_err
kh_csv_new(struct kh_cur text, const char *file, struct kh_csv **out, struct kh_diag *diag)
{
	struct kh_csv *csv = NULL;

	*out = NULL;
	if (text.len > KH_LIMIT(max_csv_bytes))
		return kh_diag_limit(diag, file, "max_csv_bytes", KH_MSG("CSV file", "tệp CSV"));
	if ((csv = kh_calloc(1, sizeof(*csv))) == NULL ||
	    (csv->file = kh_strdup(file != NULL ? file : "-")) == NULL) {
		kh_free(csv);
		return KH_ENOMEM;
	}
	csv->cur = text;
	csv->line = 1;
	kh_buf_init(&csv->rec, 0);
	/* Excel writes "CSV UTF-8" with a byte order mark (EF BB BF). */
	(void)kh_cur_accept(&csv->cur, "\xEF\xBB\xBF");
	*out = csv;
	return KH_OK;
}

void
kh_csv_free(struct kh_csv *csv)
{
	if (csv == NULL)
		return;
	kh_buf_cleanup(&csv->rec);
	kh_free(csv->offs);
	kh_free(csv->fields);
	kh_free(csv->file);
	kh_free(csv);
}

bool
kh_csv_can_continue(const struct kh_csv *csv)
{
	return !csv->fatal;
}

static void
rec_fail(struct rec_state *rs, enum kh_err err, const char *limit, const char *msg)
{
	if (rs->err != KH_OK)
		return;
	rs->err = err;
	rs->err_field = rs->n_fields;
	rs->err_limit = limit;
	rs->err_msg = msg;
}

/* Keeps a byte of the current field; once the record is bad nothing more
 * is kept (it will be skipped), which also bounds memory. */
static void
keep(struct rec_state *rs, uint8_t b)
{
	if (rs->err != KH_OK)
		return;
	if (kh_buf_putc(&rs->csv->rec, (char)b) != KH_OK)
		rec_fail(rs, KH_ENOMEM, NULL, "");
}

static void
count_line_byte(struct rec_state *rs, uint8_t b)
{
	if (b == '\n') {
		rs->csv->line++;
		rs->line_bytes = 0;
		return;
	}
	if (++rs->line_bytes == KH_LIMIT(max_line_bytes) + 1)
		rec_fail(rs, KH_ELIMIT, "max_line_bytes", KH_MSG("line", "dòng"));
}

/* Consumes the end of a record: CRLF, LF, a lone CR, or nothing at EOF. */
static void
end_of_record(struct rec_state *rs)
{
	if (kh_cur_accept(&rs->csv->cur, "\r\n") || kh_cur_accept(&rs->csv->cur, "\n") ||
	    kh_cur_accept(&rs->csv->cur, "\r"))
		rs->csv->line++;
}

static bool
at_record_end(const struct kh_csv *csv)
{
	int c = kh_cur_peek(&csv->cur);
	return c < 0 || c == '\n' || c == '\r';
}

/* RFC 4180 2.5-2.7: a quoted field; "" stands for one quote. */
static void
read_quoted(struct rec_state *rs)
{
	struct kh_cur *cur = &rs->csv->cur;
	uint8_t b;

	if (!kh_cur_skip(cur, 1))
		return;
	for (;;) {
		if (!kh_cur_get_u8(cur, &b)) {
			rec_fail(rs, KH_EFORMAT,
			         NULL, KH_MSG("unterminated quoted field (end of file reached)",
			                      "trường trong ngoặc kép chưa đóng (đã hết tệp)"));
			return;
		}
		if (b == '"') {
			if (!kh_cur_accept(cur, "\""))
				break;
		} else {
			count_line_byte(rs, b);
		}
		keep(rs, b);
	}
	if (kh_cur_peek(cur) != ',' && !at_record_end(rs->csv))
		rec_fail(rs, KH_EFORMAT, NULL,
		         KH_MSG("text after the closing quote", "có ký tự sau dấu ngoặc kép đóng"));
}

/* Reads up to the next unquoted ',' or the end of the record. */
static void
read_unquoted(struct rec_state *rs)
{
	struct kh_cur *cur = &rs->csv->cur;
	uint8_t b;

	while (kh_cur_peek(cur) != ',' && !at_record_end(rs->csv)) {
		if (!kh_cur_get_u8(cur, &b))
			return;
		/* RFC 4180 2.5: a field with quotes must be quoted whole. */
		if (b == '"')
			rec_fail(rs, KH_EFORMAT, NULL,
			         KH_MSG("'\"' inside an unquoted field (quote the whole field and "
			                "double the quote)",
			                "dấu '\"' trong trường không có ngoặc kép (hãy đặt cả trường "
			                "trong ngoặc kép và viết dấu ngoặc kép hai lần)"));
		count_line_byte(rs, b);
		keep(rs, b);
	}
}

static bool
grow_fields(struct kh_csv *csv, size_t n)
{
	size_t *offs;
	const char **fields;
	size_t cap = csv->cap_fields ? csv->cap_fields * 2 : 16;

	if (n <= csv->cap_fields)
		return true;
	if ((offs = kh_reallocarray(csv->offs, cap, sizeof(*offs))) == NULL)
		return false;
	csv->offs = offs;
	if ((fields = kh_reallocarray(csv->fields, cap, sizeof(*fields))) == NULL)
		return false;
	csv->fields = fields;
	csv->cap_fields = cap;
	return true;
}

static void
start_field(struct rec_state *rs)
{
	struct kh_csv *csv = rs->csv;

	rs->n_fields++;
	if (rs->n_fields > KH_LIMIT(max_csv_fields))
		rec_fail(rs, KH_ELIMIT, "max_csv_fields", KH_MSG("fields", "số trường"));
	if (rs->err != KH_OK)
		return;
	if (!grow_fields(csv, rs->n_fields))
		rec_fail(rs, KH_ENOMEM, NULL, "");
	else
		csv->offs[rs->n_fields - 1] = csv->rec.len;
}

static void
finish_field(struct rec_state *rs)
{
	struct kh_csv *csv = rs->csv;
	const uint8_t *field;
	size_t len;

	if (rs->err != KH_OK)
		return;
	/* Nothing appended yet (an empty first field): no buffer to point into. */
	if (csv->rec.data == NULL) {
		keep(rs, 0);
		return;
	}
	field = csv->rec.data + csv->offs[rs->n_fields - 1];
	len = csv->rec.len - csv->offs[rs->n_fields - 1];
	/* Checked per field so the message can name it. */
	if (!kh_utf8_valid(field, len))
		rec_fail(rs, KH_EFORMAT, NULL, KH_MSG("invalid UTF-8 (save the file as UTF-8)",
		                                      "không phải UTF-8 hợp lệ (hãy lưu tệp dạng UTF-8)"));
	else if (memchr(field, 0, len) != NULL)
		rec_fail(rs, KH_EFORMAT, NULL, KH_MSG("NUL byte", "có byte NUL"));
	else
		keep(rs, 0);
}

static void
read_record(struct rec_state *rs)
{
	for (;;) {
		start_field(rs);
		if (kh_cur_peek(&rs->csv->cur) == '"')
			read_quoted(rs);
		else
			read_unquoted(rs);
		/* After a bad quoted field, read on as if unquoted to find the end. */
		read_unquoted(rs);
		finish_field(rs);
		if (!kh_cur_accept(&rs->csv->cur, ","))
			break;
		count_line_byte(rs, ',');
	}
	end_of_record(rs);
}

static enum kh_err
report(struct rec_state *rs, struct kh_csv_row *row, struct kh_diag *diag)
{
	if (rs->err == KH_ENOMEM) {
		rs->csv->fatal = true;
		return KH_ENOMEM;
	}
	if (rs->err_limit != NULL)
		kh_diag_set(diag, KH_ELIMIT, rs->csv->file, row->line,
		            KH_MSG("field %zu: %s: limit %s (%llu) exceeded",
		                   "trường %zu: %s: vượt giới hạn %s (%llu)"),
		            rs->err_field, rs->err_msg, rs->err_limit,
		            (unsigned long long)(strcmp(rs->err_limit, "max_csv_fields") == 0
		                                         ? KH_LIMIT(max_csv_fields)
		                                         : KH_LIMIT(max_line_bytes)));
	else
		kh_diag_set(diag, rs->err, rs->csv->file, row->line, KH_MSG("field %zu: %s",
		                                                         "trường %zu: %s"),
		            rs->err_field, rs->err_msg);
	if (diag != NULL && rs->err_limit != NULL)
		kh_strlcpy(diag->limit, rs->err_limit, sizeof(diag->limit));
	return rs->err;
}

enum kh_err
kh_csv_next(struct kh_csv *csv, struct kh_csv_row *row, struct kh_diag *diag)
{
	struct rec_state rs = { .csv = csv };

	memset(row, 0, sizeof(*row));
	if (csv->fatal)
		return KH_ENOENT;
	/* Blank lines separate nothing in a spreadsheet export: skip them. */
	while (kh_cur_accept(&csv->cur, "\r\n") || kh_cur_accept(&csv->cur, "\n") ||
	       kh_cur_accept(&csv->cur, "\r"))
		csv->line++;
	if (kh_cur_empty(&csv->cur))
		return KH_ENOENT;
	if (++csv->n_rows > KH_LIMIT(max_csv_rows)) {
		csv->fatal = true;
		return kh_diag_limit(diag, csv->file, "max_csv_rows", KH_MSG("rows", "số dòng"));
	}
	row->line = csv->line;
	kh_buf_reset(&csv->rec);
	read_record(&rs);
	if (rs.err != KH_OK)
		return report(&rs, row, diag);
	for (size_t i = 0; i < rs.n_fields; i++)
		csv->fields[i] = (const char *)csv->rec.data + csv->offs[i];
	row->n_fields = rs.n_fields;
	row->fields = csv->fields;
	return KH_OK;
}
