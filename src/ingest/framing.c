/*
 * framing.c - RFC 6587 framing of a syslog TCP stream.
 *
 * A frame that starts with a digit is octet-counted ("LEN SP MSG", LEN of 1 to
 * 9 digits); any other frame runs to the next LF or NUL (non-transparent
 * framing; a CR before the LF is dropped).  Empty frames (blank lines, stray
 * CR LF between octet-counted frames) are skipped.
 *
 * Invariants:
 * - buf holds at most cap = max + 16 bytes: the unprocessed start of the
 *   stream.  Whenever buf is full, process() can make progress (a header is at
 *   most 10 bytes, a counted message at most max is complete, an LF message
 *   without terminator after max + 2 bytes is over-long), so feed() never
 *   stalls and memory is bounded whatever the peer sends.
 * - The result depends only on the byte stream, not on how it was split into
 *   reads: every decision is taken either on complete information or on a
 *   prefix length that every split reaches (the fuzz target checks this).
 * - A message longer than max is emitted cut to max with truncated = 1 and the
 *   rest of its frame is discarded (skip_left for counted frames, skipping up
 *   to the terminator for LF frames).
 * - A bad count (more than 9 digits, or a non-digit before the space) is a
 *   framing error, counted; the frame is then taken as LF-framed, as rsyslog
 *   does: a sender that uses LF framing for lines starting with a digit (no
 *   PRI, "2026-11-02 ...") loses nothing, and a desynchronised octet stream
 *   resynchronises at the next LF or NUL anyway.
 */
#include "mimamori/ingest.h"

#include <stdlib.h>
#include <string.h>

#define FRAMER_SLACK 16 /* header ("999999999 ") and CR LF beyond max */

enum mm_err mm_framer_init(struct mm_framer *f, size_t max)
{
    memset(f, 0, sizeof(*f));
    if (max == 0 || max > 999999999u) {
        return MM_EINVAL;
    }
    f->max = max;
    f->cap = max + FRAMER_SLACK;
    /* allocated on first use: idle connections cost no buffer */
    return MM_OK;
}

void mm_framer_free(struct mm_framer *f)
{
    free(f->buf);
    f->buf = NULL;
    f->len = 0;
}

static int is_term(char c)
{
    return c == '\n' || c == '\0';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Drop one trailing LF and then one CR: "msg\r\n" and "msg\n" -> "msg". */
static size_t trim_eol(const char *p, size_t n)
{
    if (n > 0 && p[n - 1] == '\n') {
        n--;
    }
    if (n > 0 && p[n - 1] == '\r') {
        n--;
    }
    return n;
}

static void emit_msg(const char *p, size_t n, int truncated, mm_frame_fn emit, void *arg)
{
    if (n > 0) {
        emit(arg, p, n, truncated);
    }
}

/*
 * Process complete frames of buf[0..len).  Returns the bytes consumed; adds
 * framing errors to *errors.
 */
static size_t process(struct mm_framer *f, mm_frame_fn emit, void *arg, size_t *errors)
{
    const char *b = f->buf;
    size_t len = f->len;
    size_t pos = 0;
    for (;;) {
        if (f->skip_left > 0) {
            size_t d = len - pos < f->skip_left ? len - pos : f->skip_left;
            pos += d;
            f->skip_left -= d;
            if (f->skip_left > 0) {
                break;
            }
            continue;
        }
        if (f->skipping) {
            const char *t = NULL;
            for (size_t i = pos; i < len; i++) {
                if (is_term(b[i])) {
                    t = b + i;
                    break;
                }
            }
            if (t == NULL) {
                pos = len;
                break;
            }
            pos = (size_t)(t - b) + 1;
            f->skipping = 0;
            continue;
        }
        if (pos == len) {
            break;
        }
        if (!f->bad_count && is_digit(b[pos])) {
            size_t i = pos;
            size_t v = 0;
            while (i < len && is_digit(b[i]) && i - pos < 10) {
                v = v * 10 + (size_t)(b[i] - '0');
                i++;
            }
            if (i == len && i - pos <= 9) {
                break; /* the count may go on in the next read */
            }
            if (i - pos > 9 || b[i] != ' ') {
                /* not a count after all: deliver the frame as a line */
                (*errors)++;
                f->bad_count = 1;
                continue;
            }
            size_t hdr = i + 1 - pos;
            size_t take = v <= f->max ? v : f->max;
            if (len - pos < hdr + take) {
                break;
            }
            const char *m = b + pos + hdr;
            if (v <= f->max) {
                emit_msg(m, trim_eol(m, v), 0, emit, arg);
            } else {
                emit_msg(m, take, 1, emit, arg);
                f->skip_left = v - take;
            }
            pos += hdr + take;
            continue;
        }
        /* LF (or NUL) framing */
        const char *t = NULL;
        for (size_t i = pos; i < len; i++) {
            if (is_term(b[i])) {
                t = b + i;
                break;
            }
        }
        if (t != NULL) {
            size_t n = (size_t)(t - (b + pos));
            if (n > 0 && b[pos + n - 1] == '\r' && *t == '\n') {
                n--;
            }
            if (n > f->max) {
                emit_msg(b + pos, f->max, 1, emit, arg);
            } else {
                emit_msg(b + pos, n, 0, emit, arg);
            }
            pos = (size_t)(t - b) + 1;
            f->bad_count = 0;
            continue;
        }
        if (len - pos >= f->max + 2) {
            /* max + 2 bytes and no terminator: longer than max even after CR LF */
            emit_msg(b + pos, f->max, 1, emit, arg);
            pos += f->max;
            f->skipping = 1;
            f->bad_count = 0;
            continue;
        }
        break;
    }
    return pos;
}

size_t mm_framer_feed(struct mm_framer *f, const char *p, size_t n, mm_frame_fn emit, void *arg)
{
    size_t errors = 0;
    if (f->buf == NULL && n > 0) {
        f->buf = malloc(f->cap);
        if (f->buf == NULL) {
            /* cannot frame without memory: the bytes are lost, say so */
            return 1;
        }
    }
    while (n > 0) {
        size_t room = f->cap - f->len;
        size_t k = n < room ? n : room;
        memcpy(f->buf + f->len, p, k);
        f->len += k;
        p += k;
        n -= k;
        size_t used = process(f, emit, arg, &errors);
        if (used > 0) {
            memmove(f->buf, f->buf + used, f->len - used);
            f->len -= used;
        }
    }
    return errors;
}

void mm_framer_finish(struct mm_framer *f, mm_frame_fn emit, void *arg)
{
    const char *b = f->buf;
    size_t len = f->len;
    if (len > 0 && f->skip_left == 0 && !f->skipping) {
        /* an octet-counted frame cut short: deliver what came, flagged */
        size_t i = 0;
        while (!f->bad_count && i < len && i < 10 && is_digit(b[i])) {
            i++;
        }
        if (i > 0 && i <= 9 && i < len && b[i] == ' ') {
            emit_msg(b + i + 1, trim_eol(b + i + 1, len - i - 1), 1, emit, arg);
        } else {
            /* an unterminated last line; at most max + 1 bytes are buffered */
            size_t m = len;
            if (b[m - 1] == '\r') {
                m--;
            }
            if (m > f->max) {
                emit_msg(b, f->max, 1, emit, arg);
            } else {
                emit_msg(b, m, 0, emit, arg);
            }
        }
    }
    f->len = 0;
    f->skip_left = 0;
    f->skipping = 0;
    f->bad_count = 0;
}
