/*
 * buf.h - a growable byte buffer with a ceiling, and JSON string writing.
 *
 * A buffer owns its bytes; mm_buf_free() releases them and accepts a zeroed
 * buffer.  Appends fail with MM_EFULL past `max` (0 means 64 MiB) so that
 * nothing fed from the network can grow without bound.  The content is kept
 * NUL-terminated for convenience (the NUL is not counted in len).
 */
#ifndef MIMAMORI_BUF_H
#define MIMAMORI_BUF_H

#include <stddef.h>

#include "mimamori/err.h"

struct mm_buf {
    char *p;    /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* ceiling on len; 0 = default 64 MiB */
};

/* buf.c */
void mm_buf_init(struct mm_buf *b, size_t max);
void mm_buf_free(struct mm_buf *b);
void mm_buf_reset(struct mm_buf *b); /* len = 0, keeps the memory */
enum mm_err mm_buf_append(struct mm_buf *b, const void *p, size_t n);
enum mm_err mm_buf_puts(struct mm_buf *b, const char *s);
enum mm_err mm_buf_putc(struct mm_buf *b, char c);
enum mm_err mm_buf_printf(struct mm_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Append p[0..n) as a quoted JSON string.  Invalid UTF-8 bytes are written as
 * \u00XX (the byte as a Latin-1 code point) so the output is always valid JSON
 * and no input byte is lost.
 */
enum mm_err mm_buf_json_str(struct mm_buf *b, const char *p, size_t n);
/* Take ownership of the content; the buffer is reset to empty. */
char *mm_buf_steal(struct mm_buf *b);
/*
 * Grow an array of elem-byte elements that holds *cap: to `initial` the first
 * time, then twice as many.  Returns the new array and updates *cap, or NULL
 * (array and *cap unchanged) when out of memory or the size would overflow.
 * Usage: if (n == cap) { T *nv = mm_grow(v, &cap, sizeof(*nv), 64); ... v = nv; }
 */
void *mm_grow(void *arr, size_t *cap, size_t elem, size_t initial);

#endif
