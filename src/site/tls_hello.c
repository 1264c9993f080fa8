/* tls_hello.c — hand-built ClientHello records and the reading of the
 * server's first reply, for what OpenSSL 3 cannot speak (SSLv3, RC4, export,
 * DES/3DES), as testssl.sh does with its own sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "khien/site.h"
#include "site_int.h"

/* RFC 5246 6.2.1: a record fragment is at most 2^14 bytes (+2048 for
 * compressed/encrypted ones); anything larger is not TLS. */
#define MAX_RECORD_BYTES (16384u + 2048u)
/* Bytes read before we give up on a first reply. */
#define MAX_REPLY_BYTES (4u * MAX_RECORD_BYTES)

static enum kh_err
put16(struct kh_buf *b, unsigned v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	return kh_buf_append(b, x, 2);
}

/* Patches a big-endian length of `width` bytes at `at` to cover up to the end. */
static void
patch_len(struct kh_buf *b, size_t at, int width)
{
	size_t n = b->len - at - (size_t)width;

	for (int i = width - 1; i >= 0; i--, n >>= 8)
		b->data[at + (size_t)i] = (uint8_t)n;
}

static bool
is_ip_literal(const char *s)
{
	unsigned char tmp[16];
	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

/* RFC 6066 3: server_name holds a DNS host name; IP literals are not sent. */
static enum kh_err
put_sni(struct kh_buf *b, const char *sni)
{
	size_t n = strlen(sni);
	enum kh_err r;

	if (n == 0 || n > 255 || is_ip_literal(sni))
		return KH_OK;
	if ((r = put16(b, 0x0000)) != KH_OK || (r = put16(b, n + 5)) != KH_OK ||
	    (r = put16(b, n + 3)) != KH_OK || (r = kh_buf_putc(b, 0)) != KH_OK ||
	    (r = put16(b, n)) != KH_OK)
		return r;
	return kh_buf_append(b, sni, n);
}

/* What a 2015-era client sends: enough for servers that insist on them. */
static enum kh_err
put_extensions(struct kh_buf *b, uint16_t version, const char *sni)
{
	static const uint8_t groups[] = { 0x00, 0x0a, 0x00, 0x0a, 0x00, 0x08,
		                          0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19 };
	static const uint8_t points[] = { 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00 };
	static const uint8_t reneg[] = { 0xff, 0x01, 0x00, 0x01, 0x00 };
	/* RFC 5246 7.4.1.4.1: only TLS 1.2 hellos carry signature_algorithms */
	static const uint8_t sigalgs[] = { 0x00, 0x0d, 0x00, 0x14, 0x00, 0x12,
		0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x04, 0x03, 0x05, 0x03,
		0x06, 0x03, 0x02, 0x01, 0x02, 0x03 };
	size_t at = b->len;
	enum kh_err r;

	if ((r = put16(b, 0)) != KH_OK)
		return r;
	if (sni != NULL && (r = put_sni(b, sni)) != KH_OK)
		return r;
	if ((r = kh_buf_append(b, groups, sizeof(groups))) != KH_OK ||
	    (r = kh_buf_append(b, points, sizeof(points))) != KH_OK ||
	    (r = kh_buf_append(b, reneg, sizeof(reneg))) != KH_OK)
		return r;
	if (version >= 0x0303 && (r = kh_buf_append(b, sigalgs, sizeof(sigalgs))) != KH_OK)
		return r;
	patch_len(b, at, 2);
	return KH_OK;
}

enum kh_err
kh_site_hello_build(uint16_t version, const uint16_t *suites, size_t n_suites,
                    const char *sni, struct kh_buf *out)
{
	uint8_t random[32];
	size_t rec_at, hs_at;
	enum kh_err r;

	if (n_suites == 0 || n_suites > 1000 || version < 0x0300 || version > 0x0303)
		return KH_EINVAL;
	if (RAND_bytes(random, sizeof(random)) != 1)
		memset(random, 0x5a, sizeof(random)); /* not secret: a probe */
	rec_at = out->len;
	/* RFC 5246 E.1: the record layer of a first hello says at most TLS 1.0 */
	if ((r = kh_buf_putc(out, 0x16)) != KH_OK ||
	    (r = put16(out, version > 0x0301 ? 0x0301 : version)) != KH_OK ||
	    (r = put16(out, 0)) != KH_OK)
		return r;
	hs_at = out->len;
	if ((r = kh_buf_append(out, "\x01\0\0\0", 4)) != KH_OK ||
	    (r = put16(out, version)) != KH_OK ||
	    (r = kh_buf_append(out, random, sizeof(random))) != KH_OK ||
	    (r = kh_buf_putc(out, 0)) != KH_OK || /* no session id */
	    (r = put16(out, n_suites * 2)) != KH_OK)
		return r;
	for (size_t i = 0; i < n_suites; i++)
		if ((r = put16(out, suites[i])) != KH_OK)
			return r;
	if ((r = kh_buf_append(out, "\x01\x00", 2)) != KH_OK) /* null compression */
		return r;
	if (version > 0x0300 && (r = put_extensions(out, version, sni)) != KH_OK)
		return r;
	out->data[hs_at + 1] = 0; /* the 24-bit length: patch the low 16 bits */
	patch_len(out, hs_at + 2, 2);
	patch_len(out, rec_at + 3, 2);
	return KH_OK;
}

static enum kh_err
bad(struct kh_diag *diag, size_t offset, const char *what)
{
	enum kh_err r = kh_diag_set(diag, KH_EFORMAT, "ServerHello", 0, "%s", what);
	if (diag != NULL)
		diag->offset = (long long)offset;
	return r;
}

/* The ServerHello body (RFC 5246 7.4.1.3) inside a handshake record. */
static enum kh_err
parse_server_hello(struct kh_cur msg, size_t base, struct kh_site_hello_reply *out,
                   struct kh_diag *diag)
{
	uint8_t type, sid_len;
	uint32_t len;
	struct kh_cur body;

	if (!kh_cur_get_u8(&msg, &type) || !kh_cur_get_be24(&msg, &len))
		return KH_OK; /* incomplete */
	if (type != 2)
		return bad(diag, base, "first handshake message is not a ServerHello");
	if (len < 38 || len > MAX_RECORD_BYTES)
		return bad(diag, base + 1, "ServerHello length out of range");
	if (!kh_cur_take(&msg, len, &body))
		return KH_OK; /* spans records or cut short: incomplete */
	if (!kh_cur_get_be16(&body, &out->version) || !kh_cur_skip(&body, 32) ||
	    !kh_cur_get_u8(&body, &sid_len) || sid_len > 32 ||
	    !kh_cur_skip(&body, sid_len) || !kh_cur_get_be16(&body, &out->suite) ||
	    !kh_cur_get_u8(&body, &out->compression))
		return bad(diag, base + 4, "ServerHello body malformed");
	out->kind = KH_SITE_HELLO_SERVER_HELLO;
	return KH_OK;
}

enum kh_err
kh_site_hello_parse(struct kh_cur in, struct kh_site_hello_reply *out,
                    struct kh_diag *diag)
{
	uint8_t type;
	uint16_t rec_version, len;
	struct kh_cur frag;
	size_t total = in.len;

	memset(out, 0, sizeof(*out));
	out->kind = KH_SITE_HELLO_INCOMPLETE;
	if (!kh_cur_get_u8(&in, &type))
		return KH_OK;
	if (type != 21 && type != 22)
		return bad(diag, 0, type & 0x80 ? "SSLv2-style or non-TLS reply"
		                                  : "not a TLS handshake or alert record");
	if (!kh_cur_get_be16(&in, &rec_version))
		return KH_OK;
	if ((rec_version >> 8) != 3)
		return bad(diag, 1, "record version is not 3.x");
	if (!kh_cur_get_be16(&in, &len))
		return KH_OK;
	if (len == 0 || len > MAX_RECORD_BYTES)
		return bad(diag, 3, "record length out of range");
	if (!kh_cur_take(&in, len, &frag))
		return KH_OK;
	out->version = rec_version;
	out->consumed = total - in.len;
	if (type == 21) {
		if (!kh_cur_get_u8(&frag, &out->alert_level) ||
		    !kh_cur_get_u8(&frag, &out->alert_desc))
			return bad(diag, 5, "alert record too short");
		out->kind = KH_SITE_HELLO_ALERT;
		return KH_OK;
	}
	return parse_server_hello(frag, 5, out, diag);
}

/* Reads until the reply parses, is garbage, or the peer stops sending. */
static enum kh_err
read_reply(int fd, struct kh_buf *in, struct kh_site_hello_reply *rep,
           struct kh_diag *diag)
{
	uint8_t chunk[4096];
	ssize_t n;
	enum kh_err r;

	for (;;) {
		if ((r = kh_site_hello_parse(kh_buf_cur(in), rep, diag)) != KH_OK)
			return r;
		if (rep->kind != KH_SITE_HELLO_INCOMPLETE)
			return KH_OK;
		if (in->len >= MAX_REPLY_BYTES)
			return bad(diag, in->len, "no ServerHello in the first bytes");
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return KH_OK; /* closed or timed out: stays INCOMPLETE */
		if ((r = kh_buf_append(in, chunk, (size_t)n)) != KH_OK)
			return r;
	}
}

static bool
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		/* MSG_NOSIGNAL: a server that closed early is EPIPE, not SIGPIPE */
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

enum kh_err
kh_site_hello_probe(const char *host, const char *port, uint16_t version,
                    const uint16_t *suites, size_t n_suites,
                    const struct kh_site_opts *opts, bool *accepted,
                    uint16_t *suite, struct kh_diag *diag)
{
	struct kh_buf hello, reply;
	struct kh_site_hello_reply rep;
	int fd = -1;
	enum kh_err r;

	*accepted = false;
	*suite = 0;
	kh_buf_init(&hello, 65536);
	kh_buf_init(&reply, MAX_REPLY_BYTES + sizeof(uint8_t[4096]));
	if ((r = kh_site_hello_build(version, suites, n_suites, host, &hello)) != KH_OK)
		goto out;
	if ((r = kh_site_connect(host, port, opts, &fd, diag)) != KH_OK)
		goto out;
	if (!write_all(fd, hello.data, hello.len)) {
		r = kh_diag_set(diag, KH_EIO, host, 0, "write: %s", strerror(errno));
		goto out;
	}
	if ((r = read_reply(fd, &reply, &rep, diag)) != KH_OK)
		goto out;
	if (rep.kind == KH_SITE_HELLO_SERVER_HELLO && rep.version == version) {
		for (size_t i = 0; i < n_suites; i++)
			if (suites[i] == rep.suite)
				*accepted = true;
		*suite = rep.suite;
	}
	r = KH_OK;
 out:
	if (fd >= 0)
		close(fd);
	kh_buf_cleanup(&hello);
	kh_buf_cleanup(&reply);
	return r;
}
