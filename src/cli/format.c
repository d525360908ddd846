/*
 * format.c - terminal output the verbs share: colour only on a terminal and
 * without NO_COLOR (https://no-color.org), relative times ("3m ago"), spans,
 * grouped numbers, sizes, and columns that stay aligned with UTF-8 text.
 *
 * Text that came from the network (group keys are values from log lines) is
 * escaped before it reaches a terminal: valid UTF-8 stays readable, control
 * characters and invalid bytes become \xNN, so no log line can move the
 * cursor or change the terminal's state.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mimamori/alert.h"
#include "mimamori/tz.h"

#define NS_PER_S 1000000000LL

int mm_fmt_use_color(int fd)
{
    const char *nc = getenv("NO_COLOR");
    if (nc != NULL && nc[0] != '\0') {
        return 0;
    }
    const char *term = getenv("TERM");
    if (term != NULL && strcmp(term, "dumb") == 0) {
        return 0;
    }
    return isatty(fd);
}

const char *mm_fmt_sev_color(int sev)
{
    switch (sev) {
    case MM_SEV_CRITICAL:
        return "\033[1;35m";
    case MM_SEV_HIGH:
        return "\033[1;31m";
    case MM_SEV_MEDIUM:
        return "\033[33m";
    case MM_SEV_LOW:
        return "\033[36m";
    default:
        return "\033[2m";
    }
}

/*
 * Length of the UTF-8 sequence at p (at most n bytes) and its code point, or
 * 0 when the bytes are not well-formed UTF-8 (overlong forms and surrogates
 * included).
 */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((p[0] & 0xe0) == 0xc0) {
        len = 2, c = p[0] & 0x1f, min = 0x80;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3, c = p[0] & 0x0f, min = 0x800;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4, c = p[0] & 0x07, min = 0x10000;
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
        c = (c << 6) | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }
    *cp = c;
    return len;
}

const char *mm_fmt_escape(const char *s, char *dst, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    size_t n = strlen((const char *)p);
    size_t o = 0;
    if (cap == 0) {
        return dst;
    }
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = utf8_decode(p + i, n - i, &cp);
        /* C0, DEL, C1 controls and the bidirectional overrides are shown as bytes */
        int ctrl = len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
                   (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
        if (!ctrl) {
            if (o + len >= cap) {
                break;
            }
            memcpy(dst + o, p + i, len);
            o += len;
            i += len;
            continue;
        }
        size_t nb = len == 0 ? 1 : len;
        if (o + 4 * nb >= cap) {
            break;
        }
        for (size_t k = 0; k < nb; k++) {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[p[i + k] >> 4];
            dst[o++] = hex[p[i + k] & 15];
        }
        i += nb;
    }
    dst[o] = '\0';
    return dst;
}

/* Columns a code point takes on a terminal: 0 combining, 2 East Asian wide, else 1. */
static size_t cp_width(uint32_t c)
{
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || c == 0xfe0f) {
        return 0;
    }
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
        (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
        (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
        (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd)) {
        return 2;
    }
    return 1;
}

size_t mm_fmt_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (len == 0) {
            w++, i++;
            continue;
        }
        w += cp_width(cp);
        i += len;
    }
    return w;
}

void mm_fmt_cell(FILE *f, const char *s, size_t width, int right)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t w = mm_fmt_width(s);
    if (w <= width) {
        if (right) {
            fprintf(f, "%*s%s", (int)(width - w), "", s);
        } else {
            fprintf(f, "%s%*s", s, (int)(width - w), "");
        }
        return;
    }
    /* cut to width - 1 columns and end with an ellipsis */
    size_t used = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        size_t cw = len == 0 ? 1 : cp_width(cp);
        if (len == 0) {
            len = 1;
        }
        if (used + cw + 1 > width) {
            break;
        }
        used += cw;
        i += len;
    }
    fwrite(s, 1, i, f);
    fputs("\xe2\x80\xa6", f); /* … */
    if (used + 1 < width) {
        fprintf(f, "%*s", (int)(width - used - 1), "");
    }
}

void mm_fmt_span(int64_t ns, char *dst, size_t cap)
{
    int64_t s = ns / NS_PER_S;
    if (s < 0) {
        s = -s;
    }
    if (s < 60) {
        snprintf(dst, cap, "%llds", (long long)s);
    } else if (s < 3600) {
        snprintf(dst, cap, "%lldm", (long long)(s / 60));
    } else if (s < 86400) {
        if (s % 3600 >= 60) {
            snprintf(dst, cap, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
        } else {
            snprintf(dst, cap, "%lldh", (long long)(s / 3600));
        }
    } else if (s < 100 * 86400) {
        if (s % 86400 >= 3600) {
            snprintf(dst, cap, "%lldd %lldh", (long long)(s / 86400),
                     (long long)(s % 86400 / 3600));
        } else {
            snprintf(dst, cap, "%lldd", (long long)(s / 86400));
        }
    } else {
        snprintf(dst, cap, "%lldd", (long long)(s / 86400));
    }
}

void mm_fmt_ago(int64_t now_ns, int64_t t_ns, char *dst, size_t cap)
{
    char span[24]; /* "123456d 23h": sized so that "in %s" fits a 32-byte column */
    int64_t d = now_ns - t_ns;
    if (t_ns == 0) {
        snprintf(dst, cap, "never");
        return;
    }
    if (d >= -NS_PER_S && d < 2 * NS_PER_S) {
        snprintf(dst, cap, "just now");
        return;
    }
    /* one unit is enough in a column: "3h ago", not "3h 12m ago" */
    mm_fmt_span(d, span, sizeof(span));
    char *sp = strchr(span, ' ');
    if (sp != NULL) {
        *sp = '\0';
    }
    if (d < 0) {
        snprintf(dst, cap, "in %s", span);
    } else {
        snprintf(dst, cap, "%s ago", span);
    }
}

void mm_fmt_time(const struct mm_tz *tz, int64_t ns, char *dst, size_t cap)
{
    struct mm_civil c;
    if (ns == 0) {
        snprintf(dst, cap, "-");
        return;
    }
    mm_tz_from_utc(tz, ns, &c);
    snprintf(dst, cap, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.mon, c.mday, c.hour, c.min,
             c.sec);
}

void mm_fmt_count(uint64_t v, char *dst, size_t cap)
{
    char raw[32];
    int n = snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            dst[o++] = ',';
        }
        dst[o++] = raw[i];
    }
    dst[o] = '\0';
}

void mm_fmt_bytes(uint64_t v, char *dst, size_t cap)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double x = (double)v;
    size_t u = 0;
    while (x >= 1024 && u < 4) {
        x /= 1024;
        u++;
    }
    if (u == 0) {
        snprintf(dst, cap, "%llu B", (unsigned long long)v);
    } else {
        snprintf(dst, cap, "%.1f %s", x, unit[u]);
    }
}
