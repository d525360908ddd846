#include "mimamori/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BUF_DEFAULT_MAX ((size_t)64 << 20)

void mm_buf_init(struct mm_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void mm_buf_free(struct mm_buf *b)
{
    if (b == NULL) {
        return;
    }
    free(b->p);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void mm_buf_reset(struct mm_buf *b)
{
    b->len = 0;
    if (b->p != NULL) {
        b->p[0] = '\0';
    }
}

static enum mm_err reserve(struct mm_buf *b, size_t n)
{
    size_t max = b->max ? b->max : BUF_DEFAULT_MAX;
    if (n > max || b->len > max - n) {
        return MM_EFULL;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap) {
        return MM_OK;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        return MM_ENOMEM;
    }
    b->p = p;
    b->cap = cap;
    return MM_OK;
}

enum mm_err mm_buf_append(struct mm_buf *b, const void *p, size_t n)
{
    enum mm_err rc = reserve(b, n);
    if (rc != MM_OK) {
        return rc;
    }
    if (n > 0) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
    b->p[b->len] = '\0';
    return MM_OK;
}

enum mm_err mm_buf_puts(struct mm_buf *b, const char *s)
{
    return mm_buf_append(b, s, strlen(s));
}

enum mm_err mm_buf_putc(struct mm_buf *b, char c)
{
    return mm_buf_append(b, &c, 1);
}

enum mm_err mm_buf_printf(struct mm_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return MM_EINVAL;
    }
    if ((size_t)n < sizeof(small)) {
        return mm_buf_append(b, small, (size_t)n);
    }
    enum mm_err rc = reserve(b, (size_t)n);
    if (rc != MM_OK) {
        return rc;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MM_OK;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned int cp;
    if (c < 0x80) {
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2;
        cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* reject overlong forms, surrogates and code points past U+10FFFF */
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
        return 0;
    }
    return len;
}

/* Bytes copied into a JSON string as they are: printable ASCII but the quote and backslash. */
static inline int json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * The end of the run of plain bytes from p[i], 16 at a time while 16 are
 * left; each block is also stored at o + (j - i), which the caller's
 * reservation of six bytes per input byte always has room for.  Plain means
 * 0x20..0x7f but '"' and '\\': as signed bytes, controls and non-ASCII are
 * both below 0x20.  The caller finishes the last few bytes one by one.
 */
static size_t plain_run(const unsigned char *p, size_t i, size_t n, char *o)
{
    size_t j = i;
#ifdef __SSE2__
    const __m128i lo = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                  bslash = _mm_set1_epi8('\\');
    while (j + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + j));
        __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, lo),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
        _mm_storeu_si128((__m128i *)(void *)(o + (j - i)), v);
        unsigned m = (unsigned)_mm_movemask_epi8(bad);
        if (m != 0) {
            return j + (size_t)__builtin_ctz(m);
        }
        j += 16;
    }
#else
    (void)o;
#endif
    return j;
}

/*
 * The common case: room for the worst (every byte as \u00XX) is reserved once and
 * the string is written straight into it, with no call per escape.
 */
static void json_str_direct(struct mm_buf *b, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = b->p + b->len;
    *o++ = '"';
    size_t i = 0;
    while (i < n) {
        size_t j = plain_run(p, i, n, o);
        while (j < n && json_plain(p[j])) {
            j++;
        }
        memcpy(o, p + i, j - i);
        o += j - i;
        i = j;
        if (i == n) {
            break;
        }
        unsigned char c = p[i];
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" :
                        c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (e != NULL) {
            *o++ = e[0];
            *o++ = e[1];
            i++;
            continue;
        }
        size_t len = c < 0x20 ? 0 : utf8_seq(p + i, n - i);
        if (len == 0) {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
            i++;
        } else {
            memcpy(o, p + i, len);
            o += len;
            i += len;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}

enum mm_err mm_buf_json_str(struct mm_buf *b, const char *s, size_t n)
{
    if (n < (SIZE_MAX - 2) / 6 && reserve(b, n * 6 + 2) == MM_OK) {
        json_str_direct(b, (const unsigned char *)s, n);
        return MM_OK;
    }
    /* near the buffer's limit: append piece by piece, so that what fits still does */
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    enum mm_err rc = mm_buf_putc(b, '"');
    size_t i = 0;
    while (rc == MM_OK && i < n) {
        /* copy a run of plain bytes at once */
        size_t j = i;
        while (j < n && p[j] >= 0x20 && p[j] < 0x80 && p[j] != '"' && p[j] != '\\') {
            j++;
        }
        if (j > i) {
            rc = mm_buf_append(b, p + i, j - i);
            i = j;
            continue;
        }
        unsigned char c = p[i];
        char esc[8];
        switch (c) {
        case '"':
            rc = mm_buf_append(b, "\\\"", 2);
            i++;
            continue;
        case '\\':
            rc = mm_buf_append(b, "\\\\", 2);
            i++;
            continue;
        case '\n':
            rc = mm_buf_append(b, "\\n", 2);
            i++;
            continue;
        case '\r':
            rc = mm_buf_append(b, "\\r", 2);
            i++;
            continue;
        case '\t':
            rc = mm_buf_append(b, "\\t", 2);
            i++;
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            rc = mm_buf_append(b, esc, 6);
            i++;
            continue;
        }
        size_t len = utf8_seq(p + i, n - i);
        if (len == 0) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            rc = mm_buf_append(b, esc, 6);
            i++;
        } else {
            rc = mm_buf_append(b, p + i, len);
            i += len;
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_putc(b, '"');
    }
    return rc;
}

char *mm_buf_steal(struct mm_buf *b)
{
    char *p = b->p;
    if (p == NULL) {
        p = calloc(1, 1);
    }
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

void *mm_grow(void *arr, size_t *cap, size_t elem, size_t initial)
{
    size_t ncap = *cap ? *cap * 2 : initial;
    if (ncap < *cap || elem == 0 || ncap > SIZE_MAX / elem) {
        return NULL;
    }
    void *p = realloc(arr, ncap * elem);
    if (p != NULL) {
        *cap = ncap;
    }
    return p;
}
