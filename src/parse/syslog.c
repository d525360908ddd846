/*
 * syslog.c - the syslog header: RFC 5424, RFC 3164 and what devices really
 * send.  The forms read, after an optional "<PRI>":
 *
 *   1 2026-11-02T03:12:09.123+09:00 host app 123 MSGID [sd@1 a="\]"] BOM msg  (RFC 5424)
 *   Nov  2 03:12:09 host app[123]: msg            (RFC 3164; host, tag optional)
 *   Nov 02 2026 03:12:09 host : %ASA-6-...       (year after the day, ASA " : ")
 *   Nov 02 2026 03:12:09: %ASA-6-...             (timestamp ended by ':')
 *   2026-11-02T03:12:09+09:00 host app[1]: msg   (ISO 8601 in the 3164 position)
 *   2021:05:19-09:39:29 host app[1]: msg         (Sophos UTM)
 *   date=2026-11-02 time=... / %ASA-... / [INSPECT] ...  (no header: body after PRI)
 *
 * A line with neither PRI nor timestamp is all body.  Everything is read with
 * explicit bounds from ev->raw[0..rawlen): lines may be truncated, hold NULs or
 * invalid UTF-8.  Nothing is allocated: values are slices of the raw line,
 * static strings, or (the normalised priority) a few bytes of event scratch.
 *
 * Timestamps without an offset are local time in the configured zone; those
 * without a year get the year that puts them closest before now_ns (a
 * December line read on January 1 is last year's; a line more than a day in
 * the future is last year's too).
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/syslog_int.h"

/* Ceilings on header parts; longer tokens are not header parts. */
#define TAG_MAX 128
#define PID_MAX 32
#define HOST_MAX 255

#define NS_PER_SEC 1000000000LL
#define NS_PER_DAY (86400LL * NS_PER_SEC)
#define NS_PER_HOUR (3600LL * NS_PER_SEC)
/* |ns| below this leaves room for hour arithmetic without overflow */
#define NS_CACHE_LIMIT (INT64_MAX - 4 * NS_PER_HOUR)
/* Years a timestamp may name: the int64 ns range ends in 2262. */
#define YEAR_MIN 1900
#define YEAR_MAX 2261

/* Facility and severity as text, without touching scratch. */
static const char *const small_num[] = {"0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",
                                        "8",  "9",  "10", "11", "12", "13", "14", "15",
                                        "16", "17", "18", "19", "20", "21", "22", "23"};

/* A timestamp as read; the zone decides what it means. */
struct ts {
    struct mm_civil c;
    int has_year;
    int has_off;
    int32_t off; /* seconds east of UTC when has_off */
};

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* n digits at p (caller checked p + n <= end); -1 when not all digits */
static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i])) {
            return -1;
        }
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* "Jan".."Dec", any case; 0 when not a month */
static int month(const char *p)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    char a = (char)(p[0] | 0x20), b = (char)(p[1] | 0x20), c = (char)(p[2] | 0x20);
    for (int i = 0; i < 12; i++) {
        if (names[i * 3] == a && names[i * 3 + 1] == b && names[i * 3 + 2] == c) {
            return i + 1;
        }
    }
    return 0;
}

static int civil_ok(const struct mm_civil *c)
{
    return c->mon >= 1 && c->mon <= 12 && c->mday >= 1 && c->mday <= 31 && c->hour <= 23 &&
           c->min <= 59 && c->sec <= 60;
}

/* "hh:mm:ss" then an optional ".fraction" (any length, 9 digits kept); bytes used or 0 */
static size_t read_hms(const char *p, const char *end, struct mm_civil *c)
{
    if (end - p < 8 || p[2] != ':' || p[5] != ':') {
        return 0;
    }
    c->hour = digits(p, 2);
    c->min = digits(p + 3, 2);
    c->sec = digits(p + 6, 2);
    if (c->hour < 0 || c->min < 0 || c->sec < 0) {
        return 0;
    }
    const char *q = p + 8;
    c->nsec = 0;
    if (q + 1 < end && (*q == '.' || *q == ',') && is_digit(q[1])) {
        q++;
        int nd = 0;
        while (q < end && is_digit(*q)) {
            if (nd < 9) {
                c->nsec = c->nsec * 10 + (*q - '0');
                nd++;
            }
            q++;
        }
        for (; nd < 9; nd++) {
            c->nsec *= 10;
        }
    }
    return (size_t)(q - p);
}

/*
 * ISO 8601 / RFC 3339: YYYY-MM-DD(T| )hh:mm:ss[.f][Z|+hh:mm|+hhmm], also the
 * Sophos "YYYY:MM:DD-hh:mm:ss".  Bytes used, or 0.
 */
static size_t read_iso(const char *p, const char *end, struct ts *t)
{
    if (end - p < 19) {
        return 0;
    }
    char sep = p[4];
    if ((sep != '-' && sep != ':') || p[7] != sep) {
        return 0;
    }
    if (!(p[10] == 'T' || p[10] == 't' || p[10] == ' ' || (sep == ':' && p[10] == '-'))) {
        return 0;
    }
    t->c.year = digits(p, 4);
    t->c.mon = digits(p + 5, 2);
    t->c.mday = digits(p + 8, 2);
    if (t->c.year < YEAR_MIN || t->c.year > YEAR_MAX || t->c.mon < 0 || t->c.mday < 0) {
        return 0;
    }
    size_t n = read_hms(p + 11, end, &t->c);
    if (n == 0 || !civil_ok(&t->c)) {
        return 0;
    }
    const char *q = p + 11 + n;
    t->has_year = 1;
    t->has_off = 0;
    t->off = 0;
    if (q < end && (*q == 'Z' || *q == 'z')) {
        t->has_off = 1;
        q++;
    } else if (q + 5 <= end && (*q == '+' || *q == '-') && is_digit(q[1])) {
        int hh = digits(q + 1, 2), mm = -1;
        size_t used = 0;
        if (q + 6 <= end && q[3] == ':') {
            mm = digits(q + 4, 2);
            used = 6;
        } else {
            mm = digits(q + 3, 2);
            used = 5;
        }
        if (hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59) {
            t->has_off = 1;
            t->off = (hh * 3600 + mm * 60) * (*q == '-' ? -1 : 1);
            q += used;
        }
    }
    return (size_t)(q - p);
}

/*
 * RFC 3164 "Mmm dd hh:mm:ss", "Mmm  d hh:mm:ss", "Mmm d hh:mm:ss",
 * "Mmm dd yyyy hh:mm:ss", with an optional fraction.  Bytes used, or 0.
 */
static size_t read_bsd(const char *p, const char *end, struct ts *t)
{
    if (end - p < 14 || p[3] != ' ') {
        return 0;
    }
    t->c.mon = month(p);
    if (t->c.mon == 0) {
        return 0;
    }
    const char *q = p + 4;
    if (*q == ' ') {
        q++; /* "Nov  2" */
    }
    int d = 0, nd = 0;
    while (q < end && is_digit(*q) && nd < 2) {
        d = d * 10 + (*q++ - '0');
        nd++;
    }
    if (nd == 0 || q >= end || *q != ' ') {
        return 0;
    }
    q++;
    t->c.mday = d;
    t->has_year = 0;
    t->has_off = 0;
    t->off = 0;
    if (end - q >= 5 && q[4] == ' ' && digits(q, 4) >= 0) {
        t->c.year = digits(q, 4);
        t->has_year = 1;
        if (t->c.year < YEAR_MIN || t->c.year > YEAR_MAX) {
            return 0;
        }
        q += 5;
    } else {
        t->c.year = 0;
    }
    size_t n = read_hms(q, end, &t->c);
    if (n == 0 || !civil_ok(&t->c)) {
        return 0;
    }
    return (size_t)(q + n - p);
}

/* ns is more than a day after now (no overflow for any pair of values) */
static int too_far_ahead(int64_t ns, int64_t now_ns)
{
    return ns > now_ns && (uint64_t)ns - (uint64_t)now_ns > (uint64_t)NS_PER_DAY;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void cache_bind(struct mm_tzcache *tc, const struct mm_tz *tz)
{
    if (tc->tz != tz || !tc->init) {
        memset(tc, 0, sizeof(*tc));
        tc->tz = tz;
        tc->init = 1;
        tc->now_hour = INT64_MIN;
        tc->now_day = INT64_MIN;
        for (size_t i = 0; i < MM_TZCACHE_SLOTS; i++) {
            tc->slot[i].local_hour = INT64_MIN;
        }
    }
}

/*
 * The local year and month of now_ns (only those fields of out are set); the
 * zone lookup is cached per UTC hour, the date per local day.
 */
static void local_now(const struct mm_tz *tz, struct mm_tzcache *tc, int64_t now_ns,
                      struct mm_civil *out)
{
    if (tc == NULL) {
        mm_tz_from_utc(tz, now_ns, out);
        return;
    }
    if (now_ns > NS_CACHE_LIMIT || now_ns < -NS_CACHE_LIMIT) {
        mm_tz_from_utc(tz, now_ns, out);
        return;
    }
    cache_bind(tc, tz);
    int64_t hour = floor_div(now_ns, NS_PER_HOUR);
    if (hour != tc->now_hour) {
        struct mm_civil c;
        int32_t a = mm_tz_from_utc(tz, hour * NS_PER_HOUR, &c);
        int32_t b = mm_tz_from_utc(tz, hour * NS_PER_HOUR + 3599 * NS_PER_SEC, &c);
        if (a != b) {
            /* a change inside this hour: not cacheable */
            mm_tz_from_utc(tz, now_ns, out);
            return;
        }
        tc->now_hour = hour;
        tc->now_off = a;
    }
    /* the local date changes once a day: its civil form is kept (year and month are read) */
    int64_t local = now_ns + (int64_t)tc->now_off * NS_PER_SEC;
    int64_t day = floor_div(local, NS_PER_DAY);
    if (day != tc->now_day) {
        mm_tz_from_utc(NULL, local, out);
        tc->now_day = day;
        tc->now_year = out->year;
        tc->now_mon = out->mon;
        return;
    }
    out->year = tc->now_year;
    out->mon = tc->now_mon;
}

/* Local civil c in tz -> ns; the offset is cached per local hour without a change. */
static int64_t local_to_utc(const struct mm_tz *tz, struct mm_tzcache *tc, const struct mm_civil *c)
{
    int64_t local = tc != NULL ? mm_civil_to_epoch_ns(c) : 0;
    if (tc == NULL || local > NS_CACHE_LIMIT || local < -NS_CACHE_LIMIT) {
        return mm_tz_to_utc(tz, c);
    }
    cache_bind(tc, tz);
    int64_t hour = floor_div(local, NS_PER_HOUR);
    /*
     * Slot = hour mod 7: neighbouring hours differ, and so do the same hour of
     * consecutive years (8760 and 8784 h are 3 and 6 mod 7), the pair a
     * year-less timestamp tries.
     */
    struct mm_tzslot *sl =
        &tc->slot[((hour % MM_TZCACHE_SLOTS) + MM_TZCACHE_SLOTS) % MM_TZCACHE_SLOTS];
    if (sl->local_hour != hour) {
        /* the offsets at both ends of the local hour, each checked both ways */
        struct mm_civil h0, h1, back;
        int64_t l0 = hour * NS_PER_HOUR, l1 = l0 + 3599 * NS_PER_SEC;
        mm_tz_from_utc(NULL, l0, &h0);
        mm_tz_from_utc(NULL, l1, &h1);
        int64_t u0 = mm_tz_to_utc(tz, &h0), u1 = mm_tz_to_utc(tz, &h1);
        int64_t off0 = (l0 - u0) / NS_PER_SEC, off1 = (l1 - u1) / NS_PER_SEC;
        if (off0 != off1 || mm_tz_from_utc(tz, u0, &back) != off0 ||
            mm_tz_from_utc(tz, u1, &back) != off1) {
            return mm_tz_to_utc(tz, c); /* a gap or an overlap: not cacheable */
        }
        sl->local_hour = hour;
        sl->off = (int32_t)off0;
    }
    return local - (int64_t)sl->off * NS_PER_SEC;
}

/* The time of t in ns; a year-less t gets the year that fits now_ns best. */
static int64_t ts_resolve(struct ts *t, const struct mm_tz *tz, struct mm_tzcache *tc,
                          int64_t now_ns)
{
    if (t->c.sec == 60) {
        t->c.sec = 59; /* a leap second: keep it inside the minute */
    }
    if (t->has_off) {
        return mm_civil_to_epoch_ns(&t->c) - (int64_t)t->off * NS_PER_SEC;
    }
    if (t->has_year) {
        return local_to_utc(tz, tc, &t->c);
    }
    struct mm_civil now;
    local_now(tz, tc, now_ns, &now);
    t->c.year = now.year;
    if (t->c.mon == 1 && now.mon == 12) {
        /* a January line read in December: the sender's clock is ahead */
        t->c.year = now.year + 1;
        int64_t ns = local_to_utc(tz, tc, &t->c);
        if (!too_far_ahead(ns, now_ns)) {
            return ns;
        }
        t->c.year = now.year;
    }
    int64_t ns = local_to_utc(tz, tc, &t->c);
    if (too_far_ahead(ns, now_ns)) {
        t->c.year = now.year - 1;
        ns = local_to_utc(tz, tc, &t->c);
    }
    return ns;
}

/* The next space-delimited token from *pp; *pp moves past one space. */
static struct mm_str token(const char **pp, const char *end)
{
    const char *p = *pp;
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    const char *e = sp != NULL ? sp : end;
    struct mm_str s = {p, (uint32_t)(e - p)};
    *pp = sp != NULL ? sp + 1 : end;
    return s;
}

static int all_digits(const char *p, size_t n)
{
    if (n == 0) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i])) {
            return 0;
        }
    }
    return 1;
}

static void set_app(struct mm_event *ev, const char *p, size_t n)
{
    mm_event_set(ev, MM_F_SYSLOG_APPNAME, p, n);
    mm_event_set(ev, MM_F_PROCESS_NAME, p, n);
}

static void set_host(struct mm_event *ev, const char *p, size_t n)
{
    mm_event_set(ev, MM_F_SYSLOG_HOSTNAME, p, n);
    mm_event_set(ev, MM_F_HOST_HOSTNAME, p, n);
}

static void set_procid(struct mm_event *ev, const char *p, size_t n)
{
    mm_event_set(ev, MM_F_SYSLOG_PROCID, p, n);
    if (n <= 10 && all_digits(p, n)) {
        mm_event_set(ev, MM_F_PROCESS_PID, p, n);
    }
}

/* A tag name byte: what program names are made of ("postfix/smtpd", "(sd-pam)"). */
/* [A-Za-z0-9_./@()+-]: a table, as the tag is tried on every line */
static int tag_char(unsigned char ch)
{
#define T(c) [c] = 1
    /* clang-format off */
    static const unsigned char ok[256] = {
        T('_'), T('-'), T('.'), T('/'), T('@'), T('('), T(')'), T('+'),
        T('0'), T('1'), T('2'), T('3'), T('4'), T('5'), T('6'), T('7'), T('8'), T('9'),
        T('a'), T('b'), T('c'), T('d'), T('e'), T('f'), T('g'), T('h'), T('i'), T('j'),
        T('k'), T('l'), T('m'), T('n'), T('o'), T('p'), T('q'), T('r'), T('s'), T('t'),
        T('u'), T('v'), T('w'), T('x'), T('y'), T('z'),
        T('A'), T('B'), T('C'), T('D'), T('E'), T('F'), T('G'), T('H'), T('I'), T('J'),
        T('K'), T('L'), T('M'), T('N'), T('O'), T('P'), T('Q'), T('R'), T('S'), T('T'),
        T('U'), T('V'), T('W'), T('X'), T('Y'), T('Z'),
    };
    /* clang-format on */
#undef T
    return ok[ch];
}

/*
 * A tag "app[pid]:" or "app:" at p, followed by a space or the end.  With
 * need_pid, only the "app[pid]:" form counts.  Returns the byte after the tag
 * (and its space) or NULL; app and pid are set when it is a tag.
 */
static const char *read_tag(const char *p, const char *end, int need_pid, struct mm_str *app,
                            struct mm_str *pid)
{
    const char *q = p;
    const char *lim = end - p > TAG_MAX ? p + TAG_MAX : end;
    while (q < lim && tag_char((unsigned char)*q)) {
        q++;
    }
    if (q == p || q >= end) {
        return NULL;
    }
    app->p = p;
    app->n = (uint32_t)(q - p);
    pid->p = NULL;
    pid->n = 0;
    if (*q == '[') {
        const char *pb = q + 1;
        const char *plim = end - pb > PID_MAX ? pb + PID_MAX : end;
        const char *pe = memchr(pb, ']', (size_t)(plim - pb));
        if (pe == NULL || pe + 1 >= end || pe[1] != ':') {
            return NULL;
        }
        pid->p = pb;
        pid->n = (uint32_t)(pe - pb);
        q = pe + 2;
        return q < end && *q == ' ' ? q + 1 : q;
    }
    if (need_pid || *q != ':') {
        return NULL;
    }
    q++;
    if (q < end && *q != ' ') {
        return NULL; /* "error:x" or "pam_unix(sshd:auth)" is text, not a tag */
    }
    return q < end ? q + 1 : q;
}

/* Set the priority fields from the PRI digits p[0..n) (value already checked). */
static void set_pri(struct mm_event *ev, const char *p, size_t n, int pri)
{
    if (n > 1 && p[0] == '0') {
        /* "<013>": write the canonical digits so that the value is a number */
        char *d = mm_event_alloc(ev, 3);
        if (d != NULL) {
            size_t k = 0;
            if (pri >= 100) {
                d[k++] = (char)('0' + pri / 100);
            }
            if (pri >= 10) {
                d[k++] = (char)('0' + pri / 10 % 10);
            }
            d[k++] = (char)('0' + pri % 10);
            p = d;
            n = k;
        }
    }
    mm_event_set(ev, MM_F_SYSLOG_PRIORITY, p, n);
    mm_event_set_cstr(ev, MM_F_SYSLOG_FACILITY, small_num[pri >> 3]);
    mm_event_set_cstr(ev, MM_F_SYSLOG_SEVERITY, small_num[pri & 7]);
}

/* "<PRI>" at p: the byte after '>' or NULL. */
static const char *read_pri(struct mm_event *ev, const char *p, const char *end)
{
    if (end - p < 3 || p[0] != '<') {
        return NULL;
    }
    const char *q = p + 1;
    int v = 0;
    while (q < end && q - p <= 3 && is_digit(*q)) {
        v = v * 10 + (*q++ - '0');
    }
    if (q == p + 1 || q >= end || *q != '>' || v > 191) {
        return NULL;
    }
    set_pri(ev, p + 1, (size_t)(q - p - 1), v);
    return q + 1;
}

/* Structured data at p ("[id k=\"v\"]..."); the byte after it, or end when unterminated. */
static const char *skip_sd(const char *p, const char *end)
{
    while (p < end && *p == '[') {
        int quoted = 0;
        p++;
        while (p < end) {
            char ch = *p;
            if (quoted && ch == '\\') {
                p += end - p >= 2 ? 2 : 1;
                continue;
            }
            p++;
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ']' && !quoted) {
                break;
            }
        }
    }
    return p;
}

/*
 * RFC 5424 after "<PRI>": VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP
 * PROCID SP MSGID SP SD [SP MSG].  Returns the body start, or NULL when this
 * is not 5424 (nothing set then).
 */
static const char *read_5424(struct mm_event *ev, const char *p, const char *end,
                             const struct mm_tz *tz, struct mm_tzcache *tc, int64_t now_ns)
{
    const char *q = p;
    if (q < end && is_digit(*q) && *q != '0') {
        q++;
        if (q < end && is_digit(*q)) {
            q++;
        }
    }
    if (q == p || end - q < 2 || *q != ' ') {
        return NULL;
    }
    q++;
    struct ts t;
    if (*q == '-' && (q + 1 == end || q[1] == ' ')) {
        q += q + 1 == end ? 1 : 2;
    } else {
        size_t n = read_iso(q, end, &t);
        if (n == 0 || q[10] == ' ' || (q + n < end && q[n] != ' ')) {
            return NULL;
        }
        ev->ts_ns = ts_resolve(&t, tz, tc, now_ns);
        q += n;
        if (q < end) {
            q++;
        }
    }

    struct mm_str s = token(&q, end);
    if (s.n > 0 && !(s.n == 1 && s.p[0] == '-')) {
        set_host(ev, s.p, s.n);
    }
    if (q < end) {
        s = token(&q, end);
        if (s.n > 0 && !(s.n == 1 && s.p[0] == '-')) {
            set_app(ev, s.p, s.n);
        }
    }
    if (q < end) {
        s = token(&q, end);
        if (s.n > 0 && !(s.n == 1 && s.p[0] == '-')) {
            set_procid(ev, s.p, s.n);
        }
    }
    if (q < end) {
        s = token(&q, end);
        if (s.n > 0 && !(s.n == 1 && s.p[0] == '-')) {
            mm_event_set(ev, MM_F_SYSLOG_MSGID, s.p, s.n);
        }
    }
    if (q < end) {
        if (*q == '-') {
            q++;
        } else if (*q == '[') {
            const char *e = skip_sd(q, end);
            mm_event_set(ev, MM_F_SYSLOG_SD, q, (size_t)(e - q));
            q = e;
        }
        if (q < end && *q == ' ') {
            q++;
        }
    }
    if (end - q >= 3 && memcmp(q, "\xEF\xBB\xBF", 3) == 0) {
        q += 3;
    }
    return q;
}

/*
 * Could p[0..n) be a host name?  Not when it holds a '=' ("k=v" is body), a
 * ',' (the PAN-OS CSV record "1,2021/07/20 13:11:44,..."), a '/'
 * ("cn/1.2.3.4:5", an OpenVPN client) or a ':' without being an IPv6
 * address ("1.2.3.4:5", the client of a header-less OpenVPN log-file line).
 */
static int host_shape(const char *p, size_t n)
{
    int colon = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '=' || c == ',' || c == '/') {
            return 0;
        }
        colon |= c == ':';
    }
    struct mm_addr a;
    return !colon || (n <= 64 && mm_addr_parse(&a, p, n) == MM_OK);
}

/*
 * After a 3164-position timestamp: [host] [tag] msg, or ": msg" (ASA without
 * a device id), or "host : msg" (ASA with one).  Returns the body start.
 */
static const char *read_3164_rest(struct mm_event *ev, const char *q, const char *end)
{
    struct mm_str app, pid;
    if (q < end && *q == ':') {
        /* "03:12:09: %ASA-..." */
        q++;
        return q < end && *q == ' ' ? q + 1 : q;
    }
    if (q < end && *q == ' ') {
        q++;
    }
    const char *after = read_tag(q, end, 0, &app, &pid);
    if (after == NULL) {
        /* not a tag: a host name, unless it reads as the message ("%ASA-", "k=v") */
        const char *sp = memchr(q, ' ', (size_t)(end - q));
        const char *he = sp != NULL ? sp : end;
        size_t hn = (size_t)(he - q);
        if (hn == 0 || hn > HOST_MAX || *q == '%' || *q == '[' || he[-1] == ':' ||
            !host_shape(q, hn)) {
            return q;
        }
        set_host(ev, q, hn);
        q = sp != NULL ? sp + 1 : end;
        /* UniFi writes the host name twice: "udm udm sshd[1]: ..." */
        if ((size_t)(end - q) > hn && q[hn] == ' ' && memcmp(q, he - hn, hn) == 0 &&
            read_tag(q + hn + 1, end, 0, &app, &pid) != NULL) {
            q += hn + 1;
        }
        if (end - q >= 2 && q[0] == ':' && q[1] == ' ') {
            return q + 2; /* "asa1 : %ASA-..." */
        }
        after = read_tag(q, end, 0, &app, &pid);
        if (after == NULL) {
            return q;
        }
    }
    set_app(ev, app.p, app.n);
    if (pid.p != NULL) {
        set_procid(ev, pid.p, pid.n);
    }
    return after;
}

void mm_syslog_parse_header(struct mm_event *ev, const struct mm_tz *tz, int64_t now_ns,
                            const char **body, size_t *bodylen)
{
    mm_syslog_header(ev, tz, NULL, now_ns, body, bodylen);
}

void mm_syslog_header(struct mm_event *ev, const struct mm_tz *tz, struct mm_tzcache *tc,
                      int64_t now_ns, const char **body, size_t *bodylen)
{
    const char *p = ev->raw != NULL ? ev->raw : "";
    const char *end = p + (ev->raw != NULL ? ev->rawlen : 0);
    const char *q;
    struct ts t;
    size_t n;

    if (now_ns == 0) {
        now_ns = ev->recv_ns;
    }
    /* trailing line ends and NULs are framing, not message */
    while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\0')) {
        end--;
    }

    const char *b = read_pri(ev, p, end);
    if (b != NULL) {
        ev->flags |= MM_EV_HEADER_OK;
        q = read_5424(ev, b, end, tz, tc, now_ns);
        if (q != NULL) {
            goto done;
        }
    } else {
        b = p;
    }

    if ((n = read_bsd(b, end, &t)) != 0 || (n = read_iso(b, end, &t)) != 0) {
        const char *te = b + n;
        if (te == end || *te == ' ' || *te == ':') {
            ev->flags |= MM_EV_HEADER_OK;
            if (!t.has_year) {
                ev->flags |= MM_EV_NO_YEAR;
            }
            ev->ts_ns = ts_resolve(&t, tz, tc, now_ns);
            q = read_3164_rest(ev, te, end);
            goto done;
        }
    }

    q = b;
    if (b != p) {
        /* "<PRI>body": only a "app[pid]:" tag is taken, "date=..." and "%ASA-" are body */
        struct mm_str app, pid;
        while (q < end && *q == ' ') {
            q++;
        }
        const char *after = read_tag(q, end, 1, &app, &pid);
        if (after != NULL) {
            set_app(ev, app.p, app.n);
            set_procid(ev, pid.p, pid.n);
            q = after;
        }
    }

done:
    if (q > end) {
        q = end;
    }
    mm_event_set(ev, MM_F_MESSAGE, q, (size_t)(end - q));
    *body = q;
    *bodylen = (size_t)(end - q);
}
