/*
 * fuzz_framing.c - the RFC 6587 framer under random input and random chunking.
 *
 * Input: byte 0 picks max_message (1..256), byte 1 seeds the chunking, the
 * rest is the TCP stream.  The stream is framed twice, in one piece and in
 * pseudo-random pieces (including 1-byte and empty ones); the messages, their
 * truncated flags and the framing error counts must be identical, every
 * message must be 1..max bytes, and the buffer must stay within max + 16.
 *
 * tests/fuzz/CMakeLists.txt links mm_rules mm_parse mm_core, not mm_ingest,
 * so the framer is compiled in here directly (it needs nothing else).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/ingest/framing.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
    uint8_t *p;
    size_t len, cap;
    size_t max;
};

static void put(struct out *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        size_t cap = (o->len + n) * 2 + 64;
        uint8_t *np = realloc(o->p, cap);
        if (np == NULL) {
            abort();
        }
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, p, n);
    o->len += n;
}

static void collect(void *arg, const char *data, size_t len, int truncated)
{
    struct out *o = arg;
    if (len == 0 || len > o->max) {
        abort();
    }
    uint32_t hdr[2] = {(uint32_t)len, (uint32_t)(truncated != 0)};
    put(o, hdr, sizeof(hdr));
    put(o, data, len);
}

static size_t frame(const uint8_t *s, size_t n, size_t max, uint32_t seed, int chunked,
                    struct out *o)
{
    struct mm_framer f;
    if (mm_framer_init(&f, max) != MM_OK) {
        abort();
    }
    o->max = max;
    size_t errs = 0;
    size_t off = 0;
    while (off < n) {
        size_t k = n - off;
        if (chunked) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 16;
            /* mostly tiny pieces, sometimes empty, sometimes large */
            k = (r & 3) == 0 ? r % (2 * max + 40) : (r % 4);
            if (k > n - off) {
                k = n - off;
            }
        }
        errs += mm_framer_feed(&f, (const char *)s + off, k, collect, o);
        if (f.len > max + 16) {
            abort();
        }
        off += k;
    }
    mm_framer_finish(&f, collect, o);
    mm_framer_free(&f);
    return errs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    size_t max = 1 + data[0];
    uint32_t seed = data[1];
    struct out a = {NULL, 0, 0, 0}, b = {NULL, 0, 0, 0};
    size_t ea = frame(data + 2, size - 2, max, seed, 0, &a);
    size_t eb = frame(data + 2, size - 2, max, seed, 1, &b);
    if (ea != eb || a.len != b.len || (a.len > 0 && memcmp(a.p, b.p, a.len) != 0)) {
        abort();
    }
    free(a.p);
    free(b.p);
    return 0;
}
