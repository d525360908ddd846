/*
 * tz.c - IANA time zones read straight from the TZif files of the system
 * zoneinfo (RFC 8536), without setenv("TZ")/tzset()/localtime_r(): those share
 * process-wide state and take a lock on every call.
 *
 * A zone is a sorted list of UTC transition instants, each naming a local time
 * type (UTC offset, DST flag), plus the POSIX TZ rule of the file's footer that
 * extends the list past its last transition ("CET-1CEST,M3.5.0,M10.5.0/3").
 * v2+ files are read from their 64-bit block; v1 files from the 32-bit one.
 * Leap-second records ("right/" zones) are skipped: times here are POSIX times.
 *
 * Invariant: a struct mm_tz is never written after mm_tz_load() returns, so
 * lookups need no lock and a zone may be shared between threads.
 */
#include "mimamori/tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZ_FILE_MAX (1024 * 1024) /* real files are < 4 KiB; a ceiling for junk */
#define TZ_NAME_MAX 255

#define NS_PER_SEC 1000000000LL

/* One day of a POSIX rule: Jn, n or Mm.w.d, plus the local time of the change. */
struct tz_rule_day {
    char kind;    /* 'J' (1..365, Feb 29 never counted), 'D' (0..365), 'M' */
    int day;      /* J/D: the day number; M: weekday 0..6 (Sunday = 0) */
    int week;     /* M: 1..5, 5 = last */
    int mon;      /* M: 1..12 */
    int32_t secs; /* local time of day of the change, may be < 0 or > 24 h */
};

/* The POSIX TZ rule of the footer. */
struct tz_posix {
    int32_t std_off; /* seconds east of UTC */
    int32_t dst_off;
    int has_dst;
    struct tz_rule_day start, end; /* DST starts (in std time), ends (in DST time) */
};

struct tz_type {
    int32_t off; /* seconds east of UTC */
    uint8_t isdst;
};

struct mm_tz {
    char *name;          /* owned */
    int64_t *trans;      /* owned: transition instants, UTC seconds, ascending */
    uint8_t *trans_type; /* owned: the type that starts at trans[i] */
    uint32_t ntrans;
    struct tz_type *types; /* owned */
    uint32_t ntypes;
    int has_posix; /* the footer rule applies after the last transition */
    struct tz_posix posix;
};

/* ---- calendar arithmetic (proleptic Gregorian, H. Hinnant's algorithms) ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }
    return q;
}

/* Civil time (as if UTC) -> seconds; month is normalised, other fields add linearly. */
static int64_t civil_to_secs(const struct mm_civil *c)
{
    int64_t y = c->year;
    int64_t m0 = (int64_t)c->mon - 1;
    y += floor_div(m0, 12);
    m0 -= floor_div(m0, 12) * 12;
    int64_t days = days_from_civil(y, (int)m0 + 1, 1) + (int64_t)c->mday - 1;
    return days * 86400 + (int64_t)c->hour * 3600 + (int64_t)c->min * 60 + c->sec;
}

/* Seconds + nanoseconds -> ns, saturating outside the int64 range (about 1678..2262). */
static int64_t secs_to_ns(int64_t s, int64_t nsec)
{
    if (s > INT64_MAX / NS_PER_SEC - 1) {
        return INT64_MAX;
    }
    if (s < INT64_MIN / NS_PER_SEC + 1) {
        return INT64_MIN;
    }
    return s * NS_PER_SEC + nsec;
}

int64_t mm_civil_to_epoch_ns(const struct mm_civil *c)
{
    return secs_to_ns(civil_to_secs(c), c->nsec);
}

static void secs_to_civil(int64_t s, struct mm_civil *out)
{
    int64_t days = floor_div(s, 86400);
    int64_t rem = s - days * 86400;
    int64_t y;
    civil_from_days(days, &y, &out->mon, &out->mday);
    out->year = (int)y;
    out->hour = (int)(rem / 3600);
    out->min = (int)(rem / 60 % 60);
    out->sec = (int)(rem % 60);
}

int mm_civil_date(const char *s, size_t n, struct mm_civil *out)
{
    if (s == NULL || n < 10 || s[4] != '-' || s[7] != '-') {
        return -1;
    }
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
            return -1;
        }
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && is_leap(y))) {
        return -1;
    }
    *out = (struct mm_civil){.year = y, .mon = m, .mday = d};
    return 0;
}

void mm_epoch_ns_to_civil(int64_t ns, struct mm_civil *out)
{
    int64_t s = floor_div(ns, 1000000000);
    secs_to_civil(s, out);
    out->nsec = (int)(ns - s * 1000000000);
}

/* ---- the POSIX TZ rule ---- */

/* Days since the epoch of the day a rule names in year y. */
static int64_t rule_day(const struct tz_rule_day *r, int64_t y)
{
    int64_t jan1 = days_from_civil(y, 1, 1);
    switch (r->kind) {
    case 'J': /* 1..365, Feb 29 is never counted */
        return jan1 + r->day - 1 + (is_leap(y) && r->day >= 60);
    case 'D': /* 0..365 */
        return jan1 + r->day;
    default: { /* Mm.w.d: day d of week w of month m, w = 5 the last */
        int64_t first = days_from_civil(y, r->mon, 1);
        /* 1970-01-01 was a Thursday (4) */
        int wday = (int)((first % 7 + 7 + 4) % 7);
        int64_t d = first + (r->day - wday + 7) % 7 + (int64_t)(r->week - 1) * 7;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = mdays[r->mon - 1] + (r->mon == 2 && is_leap(y));
        while (d >= first + len) {
            d -= 7;
        }
        return d;
    }
    }
}

static int32_t posix_offset(const struct tz_posix *p, int64_t t, int *isdst)
{
    *isdst = 0;
    if (!p->has_dst) {
        return p->std_off;
    }
    struct mm_civil c;
    secs_to_civil(t + p->std_off, &c);
    int64_t start = rule_day(&p->start, c.year) * 86400 + p->start.secs - p->std_off;
    int64_t end = rule_day(&p->end, c.year) * 86400 + p->end.secs - p->dst_off;
    int dst;
    if (start < end) {
        dst = t >= start && t < end; /* northern hemisphere */
    } else {
        dst = !(t >= end && t < start); /* southern: DST spans the new year */
    }
    *isdst = dst;
    return dst ? p->dst_off : p->std_off;
}

/* Bounded cursor over the footer text. */
struct tz_scan {
    const char *p, *end;
};

static int scan_num(struct tz_scan *s, int max, int *out)
{
    int v = 0, n = 0;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        v = v * 10 + (*s->p - '0');
        if (v > max) {
            return -1;
        }
        s->p++;
        n++;
    }
    *out = v;
    return n > 0 ? 0 : -1;
}

/* [+-]hh[:mm[:ss]], hh up to 167 (RFC 8536 extension); the value in seconds */
static int scan_hms(struct tz_scan *s, int32_t *out)
{
    int sign = 1, h, m = 0, sec = 0;
    if (s->p < s->end && (*s->p == '+' || *s->p == '-')) {
        sign = *s->p == '-' ? -1 : 1;
        s->p++;
    }
    if (scan_num(s, 167, &h) != 0) {
        return -1;
    }
    if (s->p < s->end && *s->p == ':') {
        s->p++;
        if (scan_num(s, 59, &m) != 0) {
            return -1;
        }
        if (s->p < s->end && *s->p == ':') {
            s->p++;
            if (scan_num(s, 59, &sec) != 0) {
                return -1;
            }
        }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return 0;
}

/* A zone abbreviation: 3+ letters, or <...> with letters, digits, + and -. */
static int scan_abbr(struct tz_scan *s)
{
    const char *b = s->p;
    if (s->p < s->end && *s->p == '<') {
        s->p++;
        while (s->p < s->end && *s->p != '>') {
            s->p++;
        }
        if (s->p >= s->end) {
            return -1;
        }
        s->p++;
        return s->p - b >= 5 ? 0 : -1;
    }
    while (s->p < s->end && ((*s->p >= 'A' && *s->p <= 'Z') || (*s->p >= 'a' && *s->p <= 'z'))) {
        s->p++;
    }
    return s->p - b >= 3 ? 0 : -1;
}

static int scan_rule_day(struct tz_scan *s, struct tz_rule_day *r)
{
    if (s->p >= s->end) {
        return -1;
    }
    if (*s->p == 'M') {
        s->p++;
        r->kind = 'M';
        if (scan_num(s, 12, &r->mon) != 0 || r->mon < 1 || s->p >= s->end || *s->p++ != '.' ||
            scan_num(s, 5, &r->week) != 0 || r->week < 1 || s->p >= s->end || *s->p++ != '.' ||
            scan_num(s, 6, &r->day) != 0) {
            return -1;
        }
    } else if (*s->p == 'J') {
        s->p++;
        r->kind = 'J';
        if (scan_num(s, 365, &r->day) != 0 || r->day < 1) {
            return -1;
        }
    } else {
        r->kind = 'D';
        if (scan_num(s, 365, &r->day) != 0) {
            return -1;
        }
    }
    r->secs = 7200; /* default 02:00 */
    if (s->p < s->end && *s->p == '/') {
        s->p++;
        if (scan_hms(s, &r->secs) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Parse a POSIX TZ string such as "JST-9" or "EST5EDT,M3.2.0,M11.1.0". */
static int posix_parse(const char *str, size_t n, struct tz_posix *p)
{
    struct tz_scan s = {str, str + n};
    int32_t off;
    memset(p, 0, sizeof(*p));
    if (scan_abbr(&s) != 0 || scan_hms(&s, &off) != 0) {
        return -1;
    }
    p->std_off = -off; /* POSIX counts west of UTC */
    if (s.p == s.end) {
        return 0;
    }
    if (scan_abbr(&s) != 0) {
        return -1;
    }
    p->has_dst = 1;
    p->dst_off = p->std_off + 3600;
    if (s.p < s.end && *s.p != ',') {
        if (scan_hms(&s, &off) != 0) {
            return -1;
        }
        p->dst_off = -off;
    }
    if (s.p == s.end) {
        /* no rule: the US rules, as glibc does */
        struct tz_rule_day st = {'M', 0, 2, 3, 7200}, en = {'M', 0, 1, 11, 7200};
        p->start = st;
        p->end = en;
        return 0;
    }
    if (*s.p++ != ',' || scan_rule_day(&s, &p->start) != 0 || s.p >= s.end || *s.p++ != ',' ||
        scan_rule_day(&s, &p->end) != 0 || s.p != s.end) {
        return -1;
    }
    return 0;
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chr;
};

/* Read a 44-byte header at p; the size of the data block that follows, or 0. */
static size_t tzif_header(const unsigned char *p, size_t avail, int tsize, struct tzif_counts *c)
{
    if (avail < 44 || memcmp(p, "TZif", 4) != 0) {
        return 0;
    }
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chr = be32(p + 40);
    if (c->type == 0 || c->type > 256 || c->time > 100000 || c->leap > 100000 || c->chr > 100000 ||
        (c->isut != 0 && c->isut != c->type) || (c->isstd != 0 && c->isstd != c->type)) {
        return 0;
    }
    size_t need = (size_t)c->time * (size_t)(tsize + 1) + (size_t)c->type * 6 + c->chr +
                  (size_t)c->leap * (size_t)(tsize + 4) + c->isstd + c->isut;
    return need <= avail - 44 ? need : 0;
}

static int tzif_parse(struct mm_tz *tz, const unsigned char *buf, size_t len)
{
    struct tzif_counts c;
    size_t need = tzif_header(buf, len, 4, &c);
    if (need == 0) {
        return -1;
    }
    const unsigned char *data = buf + 44;
    int tsize = 4;
    const unsigned char *after = data + need;
    if (buf[4] >= '2') {
        size_t off = 44 + need;
        need = tzif_header(buf + off, len - off, 8, &c);
        if (need == 0) {
            return -1;
        }
        data = buf + off + 44;
        tsize = 8;
        after = data + need;
    }

    tz->ntrans = c.time;
    tz->ntypes = c.type;
    tz->trans = calloc(c.time + 1, sizeof(*tz->trans));
    tz->trans_type = calloc(c.time + 1, 1);
    tz->types = calloc(c.type, sizeof(*tz->types));
    if (tz->trans == NULL || tz->trans_type == NULL || tz->types == NULL) {
        return -2;
    }
    const unsigned char *p = data;
    for (uint32_t i = 0; i < c.time; i++, p += tsize) {
        tz->trans[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1]) {
            return -1;
        }
    }
    for (uint32_t i = 0; i < c.time; i++, p++) {
        if (*p >= c.type) {
            return -1;
        }
        tz->trans_type[i] = *p;
    }
    for (uint32_t i = 0; i < c.type; i++, p += 6) {
        int32_t off = (int32_t)be32(p);
        if (off < -89999 || off > 93599) { /* RFC 8536: -25:59:59 .. +25:59:59 */
            return -1;
        }
        tz->types[i].off = off;
        tz->types[i].isdst = p[4] != 0;
    }

    /* the footer: "\n" TZ-string "\n" after the v2+ data */
    if (tsize == 8 && after < buf + len && *after == '\n') {
        const char *fs = (const char *)after + 1;
        const char *fe = memchr(fs, '\n', (size_t)((const char *)buf + len - fs));
        if (fe != NULL && fe > fs && posix_parse(fs, (size_t)(fe - fs), &tz->posix) == 0) {
            tz->has_posix = 1;
        }
    }
    return 0;
}

static int32_t offset_at(const struct mm_tz *tz, int64_t t)
{
    if (tz->ntrans == 0) {
        if (tz->has_posix) {
            int dst;
            return posix_offset(&tz->posix, t, &dst);
        }
        return tz->ntypes > 0 ? tz->types[0].off : 0;
    }
    if (t < tz->trans[0]) {
        return tz->types[0].off; /* RFC 8536: type 0 before the first transition */
    }
    if (t >= tz->trans[tz->ntrans - 1] && tz->has_posix) {
        int dst;
        return posix_offset(&tz->posix, t, &dst);
    }
    /* the last transition <= t */
    uint32_t lo = 0, hi = tz->ntrans;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return tz->types[tz->trans_type[lo]].off;
}

/* A zone name is a relative path of [A-Za-z0-9_+-.] components, none of them "..". */
static int name_ok(const char *name, size_t n)
{
    if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || name[0] == '.') {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '+' || ch == '-' || ch == '.' || ch == '/')) {
            return 0;
        }
        if (ch == '/' && i + 1 < n && name[i + 1] == '.') {
            return 0;
        }
    }
    return 1;
}

static int is_utc_name(const char *name)
{
    return name == NULL || name[0] == '\0' || strcmp(name, "UTC") == 0 ||
           strcmp(name, "Etc/UTC") == 0 || strcmp(name, "GMT") == 0 || strcmp(name, "Etc/GMT") == 0;
}

/* Read the whole file at path into a malloc'd buffer (owned by the caller). */
static enum mm_err read_file(const char *path, unsigned char **out, size_t *outlen)
{
    enum mm_err rc = MM_OK;
    unsigned char *buf = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        return errno == ENOENT || errno == ENOTDIR || errno == EISDIR ? MM_ENOTFOUND : MM_EIO;
    }
    buf = malloc(TZ_FILE_MAX);
    if (buf == NULL) {
        rc = MM_ENOMEM;
        goto done;
    }
    len = fread(buf, 1, TZ_FILE_MAX, f);
    if (ferror(f)) {
        /* a directory opens on Linux and fails here with EISDIR */
        rc = errno == EISDIR ? MM_ENOTFOUND : MM_EIO;
        goto done;
    }
    *out = buf;
    *outlen = len;
    buf = NULL;
done:
    free(buf);
    fclose(f);
    return rc;
}

enum mm_err mm_tz_load(struct mm_tz **out, const char *name)
{
    enum mm_err rc = MM_OK;
    unsigned char *file = NULL;
    size_t flen = 0;
    char path[512];
    struct mm_tz *tz = calloc(1, sizeof(*tz));
    *out = NULL;
    if (tz == NULL) {
        return MM_ENOMEM;
    }
    tz->name = strdup(is_utc_name(name) ? (name == NULL || name[0] == '\0' ? "UTC" : name) : name);
    if (tz->name == NULL) {
        rc = MM_ENOMEM;
        goto fail;
    }
    if (is_utc_name(name)) {
        goto done; /* no transitions, no types: offset 0 */
    }
    size_t n = strlen(name);
    if (!name_ok(name, n)) {
        rc = MM_ENOTFOUND;
        goto fail;
    }
    const char *dir = getenv("TZDIR");
    if (dir == NULL || dir[0] == '\0') {
        dir = TZ_DEFAULT_DIR;
    }
    int pn = snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (pn < 0 || (size_t)pn >= sizeof(path)) {
        rc = MM_ENOTFOUND;
        goto fail;
    }
    rc = read_file(path, &file, &flen);
    if (rc == MM_ENOTFOUND && posix_parse(name, n, &tz->posix) == 0) {
        /* no such file, but a POSIX TZ string such as "JST-9" */
        tz->has_posix = 1;
        rc = MM_OK;
        goto done;
    }
    if (rc != MM_OK) {
        goto fail;
    }
    int prc = tzif_parse(tz, file, flen);
    if (prc != 0) {
        rc = prc == -2 ? MM_ENOMEM : MM_EPARSE;
        goto fail;
    }
done:
    free(file);
    *out = tz;
    return MM_OK;
fail:
    free(file);
    mm_tz_free(tz);
    return rc;
}

void mm_tz_free(struct mm_tz *tz)
{
    if (tz == NULL) {
        return;
    }
    free(tz->name);
    free(tz->trans);
    free(tz->trans_type);
    free(tz->types);
    free(tz);
}

const char *mm_tz_name(const struct mm_tz *tz)
{
    return tz != NULL ? tz->name : "UTC";
}

int mm_tz_from_utc(const struct mm_tz *tz, int64_t ns, struct mm_civil *out)
{
    int64_t s = floor_div(ns, NS_PER_SEC);
    int32_t off = tz != NULL ? offset_at(tz, s) : 0;
    secs_to_civil(s + off, out);
    out->nsec = (int)(ns - s * NS_PER_SEC);
    return off;
}

int64_t mm_tz_to_utc(const struct mm_tz *tz, const struct mm_civil *c)
{
    int64_t local = civil_to_secs(c);
    if (tz == NULL) {
        return secs_to_ns(local, c->nsec);
    }
    /*
     * The offsets in force a day before and a day after bracket the answer
     * (|offset| < 26 h).  Prefer the earlier one when it maps back to itself:
     * in an overlap that is the first of the two instants; in a gap neither
     * maps back and the earlier offset is used too (02:30 -> 03:30 in spring).
     */
    int32_t before = offset_at(tz, local - 86400);
    if (offset_at(tz, local - before) == before) {
        return secs_to_ns(local - before, c->nsec);
    }
    int32_t after = offset_at(tz, local + 86400);
    if (offset_at(tz, local - after) == after) {
        return secs_to_ns(local - after, c->nsec);
    }
    return secs_to_ns(local - before, c->nsec);
}
