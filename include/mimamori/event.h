/*
 * event.h - the normalized event: what a parser makes of one log message and
 * what rules read.
 *
 * Ownership: an event borrows the message bytes (raw) and its field values
 * are slices of those bytes, of static strings, or of the event's own scratch
 * area (for values that had to be unescaped or composed).  Nothing is
 * allocated per field; an event is valid until the message is released and
 * it is reused with mm_event_reset().
 *
 * Fields are of two kinds:
 *  - well-known ECS fields (fields.def), in a fixed array indexed by
 *    enum mm_field: O(1) to set and read;
 *  - extra fields, a bounded list of (namespace, key, value): the vendor's own
 *    keys ("fortinet" + "logid" is read by rules as "fortinet.logid") or ECS
 *    names not in fields.def (ns NULL, key is the full name).
 */
#ifndef MIMAMORI_EVENT_H
#define MIMAMORI_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mimamori/buf.h"
#include "mimamori/err.h"

/* A borrowed byte slice; p == NULL means absent. */
struct mm_str {
    const char *p;
    uint32_t n;
};

enum mm_field {
#define X(id, name, type) MM_F_##id,
#include "mimamori/fields.def"
#undef X
    MM_F__COUNT
};

enum mm_ftype { MM_FT_STR, MM_FT_NUM, MM_FT_IP };

struct mm_field_info {
    const char *name;
    uint8_t namelen;
    uint8_t type; /* enum mm_ftype */
};
extern const struct mm_field_info mm_fields[MM_F__COUNT];

/* An extra field; its full name is ns "." key, or key alone when ns is NULL. */
struct mm_xfield {
    const char *ns; /* static namespace ("fortinet"), or NULL */
    struct mm_str key;
    struct mm_str val;
};

#define MM_EVENT_MAX_EXTRA 160
#define MM_EVENT_SCRATCH 8192

struct mm_event {
    const char *raw;  /* borrowed: the whole message as received */
    uint32_t rawlen;
    int64_t recv_ns;  /* when mimamori received it (CLOCK_REALTIME, ns) */
    int64_t ts_ns;    /* event time from the header, else recv_ns */
    const char *parser; /* static name of the parser that took the body */
    const char *source; /* borrowed: peer address text or file name, may be NULL */
    uint32_t flags;     /* MM_EV_* */
    struct mm_str f[MM_F__COUNT];
    struct mm_xfield x[MM_EVENT_MAX_EXTRA];
    uint32_t nx;
    uint32_t nx_dropped;   /* extras that did not fit */
    uint32_t scratch_used;
    char scratch[MM_EVENT_SCRATCH];
};

#define MM_EV_HEADER_OK 0x1   /* a syslog header was recognised */
#define MM_EV_UNPARSED 0x2    /* no body parser took the message */
#define MM_EV_MALFORMED 0x4   /* a parser claimed the body but it was broken */
#define MM_EV_TRUNCATED 0x8   /* the message was cut at the size limit */
#define MM_EV_NO_YEAR 0x10    /* the timestamp had no year; one was inferred */

/* event.c */
/* Start a new event over raw[0..len); len is capped at UINT32_MAX. */
void mm_event_reset(struct mm_event *ev, const char *raw, size_t len, int64_t recv_ns);
/* Look up a well-known field by name; MM_F__COUNT when not one. */
enum mm_field mm_field_lookup(const char *name, size_t n);

static inline void mm_event_set(struct mm_event *ev, enum mm_field id, const char *p, size_t n)
{
    ev->f[id].p = p;
    ev->f[id].n = (uint32_t)n;
}
static inline struct mm_str mm_event_get(const struct mm_event *ev, enum mm_field id)
{
    return ev->f[id];
}
/*
 * Set a field to a NUL-terminated static or long-lived string.  Inline so
 * that the length of a literal is known at compile time.
 */
static inline void mm_event_set_cstr(struct mm_event *ev, enum mm_field id, const char *s)
{
    mm_event_set(ev, id, s, strlen(s));
}
/* Copy p[0..n) into the scratch area; NULL when it does not fit. */
char *mm_event_copy(struct mm_event *ev, const char *p, size_t n);
/* Reserve n bytes of scratch to write into; NULL when it does not fit. */
char *mm_event_alloc(struct mm_event *ev, size_t n);
/* Set a field to a copy of p[0..n); MM_EFULL when scratch is exhausted. */
enum mm_err mm_event_set_copy(struct mm_event *ev, enum mm_field id, const char *p, size_t n);
/* mm_event_add with ns NULL (the lookup of the well-known names). */
enum mm_err mm_event_add_named(struct mm_event *ev, const char *key, size_t keylen, const char *val,
                               size_t vallen);
/*
 * Add an extra field.  key and val are borrowed.  ns may be NULL; with ns
 * NULL a well-known name (fields.def) is stored in its fixed slot instead,
 * unless that slot is already set.  MM_EFULL (and nx_dropped++) when the
 * list is full.
 */
static inline enum mm_err mm_event_add(struct mm_event *ev, const char *ns, const char *key,
                                       size_t keylen, const char *val, size_t vallen)
{
    if (ns == NULL) {
        return mm_event_add_named(ev, key, keylen, val, vallen);
    }
    /* inline: parsers add a vendor key for every pair of every line */
    if (ev->nx >= MM_EVENT_MAX_EXTRA) {
        ev->nx_dropped++;
        return MM_EFULL;
    }
    struct mm_xfield *x = &ev->x[ev->nx++];
    x->ns = ns;
    x->key.p = key;
    x->key.n = (uint32_t)keylen;
    x->val.p = val;
    x->val.n = (uint32_t)vallen;
    return MM_OK;
}
/* Find a value by full dotted name: well-known first, then extras (last wins). */
struct mm_str mm_event_find(const struct mm_event *ev, const char *name, size_t n);
/* The compare of an extra's full name with name[0..n). */
int mm_xfield_is(const struct mm_xfield *x, const char *name, size_t n);
/* Write the full name of an extra into dst; returns its length (truncated at dstlen-1). */
size_t mm_xfield_name(const struct mm_xfield *x, char *dst, size_t dstlen);

/*
 * Write the event's fields as members of a JSON object, without braces:
 * "source.ip":"…","source.port":22,…  (well-known fields in fields.def order,
 * then extras).  Numbers are written as JSON numbers when they are plain
 * decimal integers.  Returns MM_OK or the buffer's error.
 */
enum mm_err mm_event_json_fields(const struct mm_event *ev, struct mm_buf *out);
/* Format an epoch nanosecond time as RFC 3339 UTC with milliseconds into dst (>= 32). */
const char *mm_time_format(int64_t ns, char *dst, size_t dstlen);

#endif
