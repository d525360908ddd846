/*
 * message.c - an Internet mail message (RFC 5322) with MIME (RFC 2045/2046)
 * and encoded-word subjects (RFC 2047), built in memory for libcurl to send.
 *
 * - Header fields: Date, From, To (several, folded), Subject, Message-ID,
 *   MIME-Version, X-Mimamori-Delivery.  Message-ID carries the idempotency
 *   key: <KEY@mimamori>, so a message sent twice after a crash is the same
 *   message to the receiving side.
 * - A subject that is not plain printable ASCII becomes UTF-8 "B" encoded
 *   words of at most 75 characters, split only between characters, on folded
 *   lines: Japanese arrives intact in every mail reader.
 * - The body is UTF-8 in base64 (safe through any relay, no 8BITMIME needed),
 *   text/plain alone or multipart/alternative with a text/html part.
 * - Every line ends with CRLF; no line is longer than 78 characters apart
 *   from a From/To address that is itself longer.
 */
#include "notify/notify_int.h"

#include <stdio.h>
#include <string.h>

#include "mimamori/tz.h"

#define ENCODED_WORD_MAX 75 /* RFC 2047 section 2 */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

enum mm_err mm_notify_base64(struct mm_buf *out, const void *data, size_t n, int wrap)
{
    const unsigned char *p = data;
    enum mm_err rc = MM_OK;
    size_t col = 0;
    for (size_t i = 0; i < n && rc == MM_OK; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) {
            v |= (unsigned)p[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= p[i + 2];
        }
        char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
                     i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
        rc = mm_buf_append(out, q, 4);
        col += 4;
        if (rc == MM_OK && wrap && col >= 76 && i + 3 < n) {
            rc = mm_buf_puts(out, "\r\n");
            col = 0;
        }
    }
    return rc;
}

static int plain_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f) {
            return 0;
        }
        /* "=?" would look like the start of an encoded word */
        if (c == '=' && i + 1 < len && s[i + 1] == '?') {
            return 0;
        }
    }
    return 1;
}

/* Length of the UTF-8 sequence starting with c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xf0 && c < 0xf8) {
        return 4;
    }
    if (c >= 0xe0) {
        return c < 0xf0 ? 3 : 1;
    }
    if (c >= 0xc0) {
        return 2;
    }
    return 1;
}

enum mm_err mm_notify_rfc2047(struct mm_buf *out, const char *s, size_t len, size_t used)
{
    if (plain_ascii(s, len)) {
        return mm_buf_append(out, s, len);
    }
    /* "=?UTF-8?B?" + base64 + "?=" <= 75: at most 64 base64 characters = 48 bytes */
    const size_t max_bytes = (ENCODED_WORD_MAX - 12) / 4 * 3;
    enum mm_err rc = MM_OK;
    size_t i = 0;
    int first = 1;
    (void)used;
    while (i < len && rc == MM_OK) {
        size_t n = 0;
        while (i + n < len) {
            size_t k = utf8_len((unsigned char)s[i + n]);
            if (i + n + k > len) {
                k = len - i - n;
            }
            if (n + k > max_bytes) {
                break;
            }
            n += k;
        }
        if (!first) {
            rc = mm_buf_puts(out, "\r\n "); /* folding: the space between words is dropped */
        }
        if (rc == MM_OK) {
            rc = mm_buf_puts(out, "=?UTF-8?B?");
        }
        if (rc == MM_OK) {
            rc = mm_notify_base64(out, s + i, n, 0);
        }
        if (rc == MM_OK) {
            rc = mm_buf_puts(out, "?=");
        }
        i += n;
        first = 0;
    }
    return rc;
}

const char *mm_notify_mail_date(int64_t ns, char *buf, size_t len)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct mm_civil c;
    mm_tz_from_utc(NULL, ns, &c);
    int64_t day = ns / 1000000000LL / 86400;
    if (ns < 0 && (ns / 1000000000LL) % 86400 != 0) {
        day--;
    }
    int wd = (int)(((day % 7) + 7) % 7); /* 1970-01-01 was a Thursday */
    snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[wd], c.mday,
             months[(c.mon - 1) % 12], c.year, c.hour, c.min, c.sec);
    return buf;
}

/* The text with every line ending in CRLF (LF and CRLF input). */
static enum mm_err crlf(struct mm_buf *out, const char *s)
{
    enum mm_err rc = MM_OK;
    for (const char *p = s; *p != '\0' && rc == MM_OK; p++) {
        if (*p == '\n' && (p == s || p[-1] != '\r')) {
            rc = mm_buf_putc(out, '\r');
        }
        if (rc == MM_OK) {
            rc = mm_buf_putc(out, *p);
        }
    }
    return rc;
}

static enum mm_err part(struct mm_buf *out, const char *type, const char *content)
{
    struct mm_buf canon;
    mm_buf_init(&canon, 0);
    enum mm_err rc = mm_buf_printf(out,
                                   "Content-Type: %s; charset=UTF-8\r\n"
                                   "Content-Transfer-Encoding: base64\r\n\r\n",
                                   type);
    if (rc == MM_OK) {
        rc = crlf(&canon, content);
    }
    if (rc == MM_OK) {
        rc = mm_notify_base64(out, canon.p ? canon.p : "", canon.len, 1);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "\r\n");
    }
    mm_buf_free(&canon);
    return rc;
}

/* An address from the configuration, made safe for a header: no CR, LF or NUL. */
static int header_safe(const char *s)
{
    return s != NULL && strpbrk(s, "\r\n") == NULL;
}

enum mm_err mm_notify_mail_build(struct mm_buf *out, const struct mm_notify_mail *m)
{
    char date[64];
    enum mm_err rc;
    if (!header_safe(m->from) || !header_safe(m->key) || m->nto == 0) {
        return MM_EINVAL;
    }
    for (size_t i = 0; i < m->nto; i++) {
        if (!header_safe(m->to[i])) {
            return MM_EINVAL;
        }
    }
    rc = mm_buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: ",
                       mm_notify_mail_date(m->date_ns, date, sizeof(date)), m->from);
    for (size_t i = 0; i < m->nto && rc == MM_OK; i++) {
        rc = mm_buf_printf(out, "%s%s", i > 0 ? ",\r\n " : "", m->to[i]);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "\r\nSubject: ");
    }
    if (rc == MM_OK) {
        const char *s = m->subject ? m->subject : "";
        rc = mm_notify_rfc2047(out, s, strlen(s), 9);
    }
    if (rc == MM_OK) {
        rc = mm_buf_printf(out,
                           "\r\nMessage-ID: <%s@mimamori>\r\nX-Mimamori-Delivery: %s\r\n"
                           "MIME-Version: 1.0\r\n",
                           m->key, m->key);
    }
    int alt = m->html != NULL && m->html[0] != '\0';
    /* the boundary: at most 70 characters (RFC 2046), from the key (same key, same message) */
    uint64_t h = 1469598103934665603ULL;
    for (const char *k = m->key; *k != '\0'; k++) {
        h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    }
    char bnd[40];
    snprintf(bnd, sizeof(bnd), "=_mm_%016llx", (unsigned long long)h);
    if (rc == MM_OK && !alt) {
        rc = part(out, "text/plain", m->text ? m->text : "");
    } else if (rc == MM_OK) {
        /* "=_" cannot occur in base64 text, so the boundary never appears in a part */
        rc = mm_buf_printf(out,
                           "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
                           "This is a MIME message.\r\n\r\n--%s\r\n",
                           bnd, bnd);
        if (rc == MM_OK) {
            rc = part(out, "text/plain", m->text ? m->text : "");
        }
        if (rc == MM_OK) {
            rc = mm_buf_printf(out, "--%s\r\n", bnd);
        }
        if (rc == MM_OK) {
            rc = part(out, "text/html", m->html);
        }
        if (rc == MM_OK) {
            rc = mm_buf_printf(out, "--%s--\r\n", bnd);
        }
    }
    return rc;
}
