/*
 * fuzz_tls_hello.c — libFuzzer harness for the reader of a server's first
 * TLS reply (ServerHello or alert, read byte by byte off the wire by the
 * legacy-protocol prober): no input may crash it, and what it reports it
 * read never exceeds the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "khien/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kh_site_hello_reply reply;
	struct kh_diag diag;

	/* every prefix, as the prober sees a reply arriving in pieces */
	for (size_t n = size > 64 ? size - 64 : 0; n <= size; n++) {
		kh_diag_clear(&diag);
		if (kh_site_hello_parse(kh_cur_make(data, n), &reply, &diag) == KH_OK &&
		    reply.kind != KH_SITE_HELLO_INCOMPLETE && reply.consumed > n)
			abort();
	}
	return 0;
}
