#include "mimamori/event.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mimamori/tz.h"

const struct mm_field_info mm_fields[MM_F__COUNT] = {
#define X(id, name, type) {name, (uint8_t)(sizeof(name) - 1), MM_FT_##type},
#include "mimamori/fields.def"
#undef X
};

void mm_event_reset(struct mm_event *ev, const char *raw, size_t len, int64_t recv_ns)
{
    ev->raw = raw;
    ev->rawlen = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    ev->recv_ns = recv_ns;
    ev->ts_ns = recv_ns;
    ev->parser = NULL;
    ev->source = NULL;
    ev->flags = 0;
    memset(ev->f, 0, sizeof(ev->f));
    ev->nx = 0;
    ev->nx_dropped = 0;
    ev->scratch_used = 0;
}

/* Name -> id: an open-addressing table built once (parsers look names up per key). */
#define FIELD_TABLE 256 /* power of two, > 2 * MM_F__COUNT */
static uint8_t field_table[FIELD_TABLE]; /* id + 1; 0 = empty */
static pthread_once_t field_table_once = PTHREAD_ONCE_INIT;

static uint32_t name_hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    }
    return h;
}

static void field_table_build(void)
{
    for (int i = 0; i < MM_F__COUNT; i++) {
        uint32_t h = name_hash(mm_fields[i].name, mm_fields[i].namelen) & (FIELD_TABLE - 1);
        while (field_table[h] != 0) {
            h = (h + 1) & (FIELD_TABLE - 1);
        }
        field_table[h] = (uint8_t)(i + 1);
    }
}

enum mm_field mm_field_lookup(const char *name, size_t n)
{
    _Static_assert(MM_F__COUNT < FIELD_TABLE / 2 && MM_F__COUNT < 255, "grow FIELD_TABLE");
    pthread_once(&field_table_once, field_table_build);
    uint32_t h = name_hash(name, n) & (FIELD_TABLE - 1);
    while (field_table[h] != 0) {
        int i = field_table[h] - 1;
        if (mm_fields[i].namelen == n && memcmp(mm_fields[i].name, name, n) == 0) {
            return (enum mm_field)i;
        }
        h = (h + 1) & (FIELD_TABLE - 1);
    }
    return MM_F__COUNT;
}

char *mm_event_alloc(struct mm_event *ev, size_t n)
{
    if (n > sizeof(ev->scratch) - ev->scratch_used) {
        return NULL;
    }
    char *p = ev->scratch + ev->scratch_used;
    ev->scratch_used += (uint32_t)n;
    return p;
}

char *mm_event_copy(struct mm_event *ev, const char *p, size_t n)
{
    char *d = mm_event_alloc(ev, n);
    if (d != NULL && n > 0) {
        memcpy(d, p, n);
    }
    return d;
}

enum mm_err mm_event_set_copy(struct mm_event *ev, enum mm_field id, const char *p, size_t n)
{
    char *d = mm_event_copy(ev, p, n);
    if (d == NULL) {
        return MM_EFULL;
    }
    mm_event_set(ev, id, d, n);
    return MM_OK;
}

enum mm_err mm_event_add_named(struct mm_event *ev, const char *key, size_t keylen, const char *val,
                               size_t vallen)
{
    /* a well-known ECS name given as an extra goes to its slot, so readers look in one place */
    enum mm_field id = mm_field_lookup(key, keylen);
    if (id != MM_F__COUNT) {
        if (ev->f[id].p == NULL) {
            mm_event_set(ev, id, val, vallen);
        }
        return MM_OK;
    }
    if (ev->nx >= MM_EVENT_MAX_EXTRA) {
        ev->nx_dropped++;
        return MM_EFULL;
    }
    struct mm_xfield *x = &ev->x[ev->nx++];
    x->ns = NULL;
    x->key.p = key;
    x->key.n = (uint32_t)keylen;
    x->val.p = val;
    x->val.n = (uint32_t)vallen;
    return MM_OK;
}

/* p[0..n) == q[0..n), byte by byte: the names compared here are short. */
static int same_bytes(const char *p, const char *q, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i]) {
            return 0;
        }
    }
    return 1;
}

/*
 * Rules look fields up by name among all extras, so most calls are misses:
 * the key (at the end of name, after a '.') is compared before the
 * namespace, whose length is not stored (it is a C string) and so is not
 * measured unless the rest matched.
 */
int mm_xfield_is(const struct mm_xfield *x, const char *name, size_t n)
{
    size_t kn = x->key.n;
    if (x->ns == NULL) {
        return kn == n && same_bytes(x->key.p, name, n);
    }
    if (n <= kn || name[n - kn - 1] != '.' || !same_bytes(name + n - kn, x->key.p, kn)) {
        return 0;
    }
    size_t nl = n - kn - 1; /* the namespace must be exactly name[0..nl) */
    for (size_t i = 0; i < nl; i++) {
        if (x->ns[i] == '\0' || x->ns[i] != name[i]) {
            return 0;
        }
    }
    return x->ns[nl] == '\0';
}

size_t mm_xfield_name(const struct mm_xfield *x, char *dst, size_t dstlen)
{
    size_t o = 0;
    if (dstlen == 0) {
        return 0;
    }
    if (x->ns != NULL) {
        size_t nl = strlen(x->ns);
        if (nl > dstlen - 2) {
            nl = dstlen - 2;
        }
        memcpy(dst, x->ns, nl);
        o = nl;
        dst[o++] = '.';
    }
    size_t kn = x->key.n;
    if (kn > dstlen - 1 - o) {
        kn = dstlen - 1 - o;
    }
    if (kn > 0) {
        memcpy(dst + o, x->key.p, kn);
    }
    o += kn;
    dst[o] = '\0';
    return o;
}

struct mm_str mm_event_find(const struct mm_event *ev, const char *name, size_t n)
{
    enum mm_field id = mm_field_lookup(name, n);
    if (id != MM_F__COUNT) {
        return ev->f[id];
    }
    for (uint32_t i = ev->nx; i-- > 0;) {
        if (mm_xfield_is(&ev->x[i], name, n)) {
            return ev->x[i].val;
        }
    }
    struct mm_str none = {NULL, 0};
    return none;
}

/* A plain decimal integer that JSON can carry exactly (no leading zeros, <= 15 digits). */
static int json_number(const char *p, size_t n)
{
    size_t i = 0;
    if (n > 0 && p[0] == '-') {
        i = 1;
    }
    if (n == i || n - i > 15) {
        return 0;
    }
    if (p[i] == '0' && n - i > 1) {
        return 0;
    }
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/*
 * Each well-known field's JSON key with its separators, `,"source.ip":`, made
 * at compile time (the names are plain ASCII): a new alert writes dozens of
 * them, and escaping each name at run time cost a third of the alert.
 */
static const char *const json_keys[MM_F__COUNT] = {
#define X(id, name, type) ",\"" name "\":",
#include "mimamori/fields.def"
#undef X
};
static const uint8_t json_key_len[MM_F__COUNT] = {
#define X(id, name, type) (uint8_t)(sizeof(",\"" name "\":") - 1),
#include "mimamori/fields.def"
#undef X
};

enum mm_err mm_event_json_fields(const struct mm_event *ev, struct mm_buf *out)
{
    enum mm_err rc = MM_OK;
    int first = 1;
    for (int i = 0; i < MM_F__COUNT && rc == MM_OK; i++) {
        const struct mm_str *v = &ev->f[i];
        if (v->p == NULL) {
            continue;
        }
        /* the first key goes without its leading comma */
        rc = mm_buf_append(out, json_keys[i] + first, (size_t)json_key_len[i] - (size_t)first);
        first = 0;
        if (rc == MM_OK) {
            if (mm_fields[i].type == MM_FT_NUM && json_number(v->p, v->n)) {
                rc = mm_buf_append(out, v->p, v->n);
            } else {
                rc = mm_buf_json_str(out, v->p, v->n);
            }
        }
    }
    for (uint32_t i = 0; i < ev->nx && rc == MM_OK; i++) {
        const struct mm_xfield *x = &ev->x[i];
        char name[256];
        size_t nl = mm_xfield_name(x, name, sizeof(name));
        if (!first) {
            rc = mm_buf_putc(out, ',');
        }
        first = 0;
        if (rc == MM_OK) {
            rc = mm_buf_json_str(out, name, nl);
        }
        if (rc == MM_OK) {
            rc = mm_buf_putc(out, ':');
        }
        if (rc == MM_OK) {
            rc = mm_buf_json_str(out, x->val.p ? x->val.p : "", x->val.n);
        }
    }
    return rc;
}

/* n digits of v, zero-padded, at o */
static char *put_digits(char *o, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + n;
}

const char *mm_time_format(int64_t ns, char *dst, size_t dstlen)
{
    /* every alert's JSON has three of these: digits by hand, not gmtime_r + snprintf
     * (4,000 instructions a call); the format is the same */
    struct mm_civil c;
    mm_epoch_ns_to_civil(ns, &c);
    if (dstlen >= sizeof("YYYY-MM-DDTHH:MM:SS.mmmZ") && c.year >= 0 && c.year <= 9999) {
        char *o = put_digits(dst, c.year, 4);
        *o++ = '-';
        o = put_digits(o, c.mon, 2);
        *o++ = '-';
        o = put_digits(o, c.mday, 2);
        *o++ = 'T';
        o = put_digits(o, c.hour, 2);
        *o++ = ':';
        o = put_digits(o, c.min, 2);
        *o++ = ':';
        o = put_digits(o, c.sec, 2);
        *o++ = '.';
        o = put_digits(o, c.nsec / 1000000, 3);
        *o++ = 'Z';
        *o = '\0';
        return dst;
    }
    time_t s = (time_t)(ns / 1000000000);
    int64_t rem = ns % 1000000000;
    if (rem < 0) {
        rem += 1000000000;
        s--;
    }
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(dst, dstlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(rem / 1000000));
    return dst;
}
