/*
 * backoff.c - when to try again: exponential back-off with jitter, and the
 * endpoint's own Retry-After.  Pure functions of their arguments (time and
 * randomness are passed in), so tests/unit/notify/test_backoff.c checks the
 * schedule without sleeping.
 */
#include "notify/notify_int.h"

#include <string.h>

#include "mimamori/tz.h"

int64_t mm_notify_backoff_ns(unsigned attempt, int64_t min_ns, int64_t max_ns, uint32_t rnd)
{
    if (attempt == 0) {
        attempt = 1;
    }
    if (min_ns <= 0) {
        min_ns = 1;
    }
    if (max_ns < min_ns) {
        max_ns = min_ns;
    }
    int64_t d = min_ns;
    for (unsigned i = 1; i < attempt && d < max_ns; i++) {
        d = d > max_ns / 2 ? max_ns : d * 2;
    }
    if (d > max_ns) {
        d = max_ns;
    }
    /* equal jitter: [d/2, d] */
    int64_t half = d / 2;
    return d - half + (int64_t)(((unsigned __int128)(uint64_t)half * rnd) / UINT32_MAX);
}

static int num(const char *p, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the form RFC 9110 says to send). */
static int64_t http_date(const char *s, size_t len)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct mm_civil c;
    memset(&c, 0, sizeof(c));
    if (len != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0) {
        return -1;
    }
    const char *m = NULL;
    for (int i = 0; i < 12; i++) {
        if (memcmp(months + 3 * i, s + 8, 3) == 0) {
            m = months + 3 * i;
            c.mon = i + 1;
        }
    }
    if (m == NULL || num(s + 5, 2, &c.mday) != 0 || num(s + 12, 4, &c.year) != 0 ||
        num(s + 17, 2, &c.hour) != 0 || num(s + 20, 2, &c.min) != 0 ||
        num(s + 23, 2, &c.sec) != 0) {
        return -1;
    }
    if (c.mday < 1 || c.mday > 31 || c.hour > 23 || c.min > 59 || c.sec > 60) {
        return -1;
    }
    return mm_civil_to_epoch_ns(&c);
}

int64_t mm_notify_retry_after_ns(const char *value, size_t len, int64_t now_ns)
{
    while (len > 0 && (*value == ' ' || *value == '\t')) {
        value++;
        len--;
    }
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t' ||
                       value[len - 1] == '\r' || value[len - 1] == '\n')) {
        len--;
    }
    if (len == 0) {
        return -1;
    }
    if (value[0] >= '0' && value[0] <= '9') {
        int64_t secs = 0;
        for (size_t i = 0; i < len; i++) {
            if (value[i] < '0' || value[i] > '9') {
                return -1;
            }
            if (secs < 100000000) { /* beyond 3 years: the caller caps it anyway */
                secs = secs * 10 + (value[i] - '0');
            }
        }
        return secs * 1000000000LL;
    }
    int64_t at = http_date(value, len);
    if (at < 0) {
        return -1;
    }
    return at > now_ns ? at - now_ns : 0;
}
