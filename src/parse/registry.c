/*
 * registry.c - the list of body parsers (parsers.def) and the choice of one
 * for each message.
 *
 * mm_parse_event() reads the syslog header, then offers the body to:
 *  1. the parser pinned to the source in the config; first pin that matches
 *     wins.  A pin that reads as an address or CIDR matches the peer address
 *     in ev->source ("192.0.2.1", "192.0.2.1:514", "[2001:db8::1]:514");
 *     any other matches the syslog hostname (any case) or ev->source as a
 *     whole (a file name).  A pin without a parser only names a source and
 *     is skipped; an unknown parser name is MM_ECONFIG.  Pinning "syslog"
 *     turns body parsing off for that source;
 *  2. the parser that last took a message from this source, if its detect()
 *     still says yes: a source rarely changes vendor, so most messages cost
 *     one detect() and one parse();
 *  3. every parser in order of detect() score (> 0), best first.
 * A parser that answers NOMATCH is undone (fields, extras and scratch are put
 * back as they were) and the next candidate is tried.  MALFORMED stops the
 * search: that parser keeps the message, flagged MM_EV_MALFORMED.  When no
 * parser takes the body, ev->parser is "syslog" with MM_EV_UNPARSED.
 *
 * The memory of step 2 is a fixed open-addressing table keyed by a hash of
 * the source and the syslog hostname (a relay forwards many hosts).  It is
 * only a hint, checked by detect(), so a hash collision costs a detect() call
 * and nothing else; entries are never deleted, the least recently used slot
 * of a probe window is replaced.
 */
#include "mimamori/parse.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mimamori/net.h"
#include "parse/syslog_int.h"

#define P(sym) extern const struct mm_parser sym;
#include "parse/parsers.def"
#undef P

/* NULL-terminated so that an empty parsers.def still compiles */
static const struct mm_parser *const parsers[] = {
#define P(sym) &sym,
#include "parse/parsers.def"
#undef P
    NULL};

/* a variable, not a macro: with an empty list "i < 0" would be a constant compare */
static const size_t nparsers = sizeof(parsers) / sizeof(parsers[0]) - 1;
#define NPARSERS nparsers
#define NSLOTS (sizeof(parsers) / sizeof(parsers[0])) /* NPARSERS + 1, never 0 */

#define LAST_SLOTS 4096 /* power of two */
#define LAST_PROBE 8    /* slots looked at from a key's home slot */
#define SOURCE_MAX 1024 /* bytes of ev->source hashed */

/* The generic parser: takes every body, reads nothing from it. */
static int syslog_detect(const struct mm_event *ev, const char *body, size_t len)
{
    return 0;
}

static enum mm_parse_rc syslog_parse(struct mm_event *ev, const char *body, size_t len)
{
    return MM_PARSE_OK;
}

static const struct mm_parser parser_syslog = {"syslog", syslog_detect, syslog_parse};

enum pin_kind { PIN_CIDR, PIN_HOST };

struct pin {
    enum pin_kind kind;
    struct mm_cidr cidr;            /* PIN_CIDR: a bare address is a full-length prefix */
    char *match;                    /* owned: the text as configured */
    char *name;                     /* owned, may be NULL */
    const struct mm_parser *parser; /* borrowed from the static table */
};

/* One remembered source: which parser took its last message. */
struct last {
    uint64_t key;   /* hash of source + hostname; 0 = empty slot */
    uint32_t stamp; /* ctx->clock at the last use, for replacement */
    uint16_t idx;   /* index into parsers[] */
};

struct mm_parse_ctx {
    const struct mm_tz *tz; /* borrowed */
    struct pin *pins;       /* owned */
    size_t npins;
    int have_cidr_pins;
    uint32_t clock;
    struct mm_tzcache tzcache; /* zone offsets of recent hours, for the header */
    struct last last[LAST_SLOTS];
};

size_t mm_parser_count(void)
{
    return NPARSERS;
}

const struct mm_parser *mm_parser_at(size_t i)
{
    return i < NPARSERS ? parsers[i] : NULL;
}

const struct mm_parser *mm_parser_find(const char *name)
{
    if (name == NULL) {
        return NULL;
    }
    if (strcmp(name, parser_syslog.name) == 0) {
        return &parser_syslog;
    }
    for (size_t i = 0; i < NPARSERS; i++) {
        if (strcmp(parsers[i]->name, name) == 0) {
            return parsers[i];
        }
    }
    return NULL;
}

enum mm_err mm_parse_ctx_new(struct mm_parse_ctx **out, const struct mm_tz *tz,
                             const struct mm_source_pin *pins, size_t npins)
{
    enum mm_err rc = MM_OK;
    struct mm_parse_ctx *ctx = calloc(1, sizeof(*ctx));
    *out = NULL;
    if (ctx == NULL) {
        return MM_ENOMEM;
    }
    ctx->tz = tz;
    if (npins > 0) {
        ctx->pins = calloc(npins, sizeof(*ctx->pins));
        if (ctx->pins == NULL) {
            rc = MM_ENOMEM;
            goto fail;
        }
    }
    for (size_t i = 0; i < npins; i++) {
        if (pins[i].match == NULL || pins[i].match[0] == '\0') {
            rc = MM_EINVAL;
            goto fail;
        }
        if (pins[i].parser == NULL || pins[i].parser[0] == '\0') {
            continue; /* a source that is only named, not pinned to a parser */
        }
        struct pin *pn = &ctx->pins[ctx->npins++];
        pn->parser = mm_parser_find(pins[i].parser);
        if (pn->parser == NULL) {
            rc = MM_ECONFIG;
            goto fail;
        }
        pn->match = strdup(pins[i].match);
        pn->name = pins[i].name != NULL ? strdup(pins[i].name) : NULL;
        if (pn->match == NULL || (pins[i].name != NULL && pn->name == NULL)) {
            rc = MM_ENOMEM;
            goto fail;
        }
        if (mm_cidr_parse(&pn->cidr, pn->match, strlen(pn->match)) == MM_OK) {
            pn->kind = PIN_CIDR;
            ctx->have_cidr_pins = 1;
        } else {
            pn->kind = PIN_HOST;
        }
    }
    *out = ctx;
    return MM_OK;
fail:
    mm_parse_ctx_free(ctx);
    return rc;
}

void mm_parse_ctx_free(struct mm_parse_ctx *ctx)
{
    if (ctx == NULL) {
        return;
    }
    for (size_t i = 0; i < ctx->npins; i++) {
        free(ctx->pins[i].match);
        free(ctx->pins[i].name);
    }
    free(ctx->pins);
    free(ctx);
}

/* ev->source as an address: "1.2.3.4", "::1", "[::1]:514" or "1.2.3.4:514". */
static int source_addr(const char *src, struct mm_addr *a)
{
    size_t n = strnlen(src, 128);
    if (n == 0 || n == 128) {
        return 0;
    }
    if (mm_addr_parse(a, src, n) == MM_OK) {
        return 1;
    }
    const char *colon = memrchr(src, ':', n);
    if (colon == NULL || colon == src) {
        return 0;
    }
    size_t hn = (size_t)(colon - src);
    /* "[v6]:port", or "v4:port" (exactly one colon) */
    if ((src[0] == '[' && colon[-1] == ']') || memchr(src, ':', hn) == NULL) {
        return mm_addr_parse(a, src, hn) == MM_OK;
    }
    return 0;
}

static const struct mm_parser *find_pin(const struct mm_parse_ctx *ctx, const struct mm_event *ev)
{
    struct mm_addr a;
    int have_addr = ev->source != NULL && ctx->have_cidr_pins && source_addr(ev->source, &a);
    struct mm_str host = ev->f[MM_F_SYSLOG_HOSTNAME];
    for (size_t i = 0; i < ctx->npins; i++) {
        const struct pin *pn = &ctx->pins[i];
        if (pn->kind == PIN_CIDR) {
            if (have_addr && mm_cidr_contains(&pn->cidr, &a)) {
                return pn->parser;
            }
            continue;
        }
        if (ev->source != NULL && strcmp(ev->source, pn->match) == 0) {
            return pn->parser;
        }
        if (host.p != NULL && strlen(pn->match) == host.n &&
            strncasecmp(host.p, pn->match, host.n) == 0) {
            return pn->parser;
        }
    }
    return NULL;
}

/* FNV-1a over the source and the hostname; never 0 (0 marks an empty slot). */
static uint64_t source_key(const struct mm_event *ev)
{
    uint64_t h = 14695981039346656037ULL;
    if (ev->source != NULL) {
        for (size_t i = 0; i < SOURCE_MAX && ev->source[i] != '\0'; i++) {
            h = (h ^ (unsigned char)ev->source[i]) * 1099511628211ULL;
        }
    }
    h = (h ^ 0xff) * 1099511628211ULL; /* separator */
    struct mm_str host = ev->f[MM_F_SYSLOG_HOSTNAME];
    for (uint32_t i = 0; i < host.n; i++) {
        h = (h ^ (unsigned char)host.p[i]) * 1099511628211ULL;
    }
    return h != 0 ? h : 1;
}

static struct last *last_find(struct mm_parse_ctx *ctx, uint64_t key)
{
    size_t home = (size_t)(key ^ (key >> 32)) & (LAST_SLOTS - 1);
    for (size_t i = 0; i < LAST_PROBE; i++) {
        struct last *l = &ctx->last[(home + i) & (LAST_SLOTS - 1)];
        if (l->key == key) {
            return l;
        }
    }
    return NULL;
}

static void last_store(struct mm_parse_ctx *ctx, uint64_t key, size_t idx)
{
    size_t home = (size_t)(key ^ (key >> 32)) & (LAST_SLOTS - 1);
    struct last *victim = NULL;
    for (size_t i = 0; i < LAST_PROBE; i++) {
        struct last *l = &ctx->last[(home + i) & (LAST_SLOTS - 1)];
        if (l->key == key || l->key == 0) {
            victim = l;
            break;
        }
        /* unsigned difference: the oldest stamp, also across clock wrap */
        if (victim == NULL || ctx->clock - l->stamp > ctx->clock - victim->stamp) {
            victim = l;
        }
    }
    victim->key = key;
    victim->stamp = ctx->clock;
    victim->idx = (uint16_t)idx;
}

/*
 * What a parser may change, saved so that a NOMATCH can be undone.  Of the
 * well-known fields only those the header sets: the others are empty before
 * the body is parsed, and copying the whole array for every line cost more
 * than the rest of the bookkeeping (a NOMATCH, rare, clears it instead).
 */
static const uint8_t header_fields[] = {MM_SYSLOG_HEADER_FIELDS};
#define NHEADER (sizeof(header_fields) / sizeof(header_fields[0]))

struct undo {
    struct mm_str f[NHEADER];
    uint32_t nx, nx_dropped, scratch_used, flags;
    int64_t ts_ns;
};

_Static_assert(MM_F__COUNT <= 256, "header_fields holds field ids in bytes");

#ifndef NDEBUG
/* Whether every well-known field but the header's is empty (what undo_save relies on). */
static int only_header_fields(const struct mm_event *ev)
{
    int keep[MM_F__COUNT] = {0};
    for (size_t i = 0; i < NHEADER; i++) {
        keep[header_fields[i]] = 1;
    }
    for (size_t i = 0; i < MM_F__COUNT; i++) {
        if (!keep[i] && ev->f[i].p != NULL) {
            return 0;
        }
    }
    return 1;
}
#endif

static void undo_save(struct undo *u, const struct mm_event *ev)
{
    assert(only_header_fields(ev));
    for (size_t i = 0; i < NHEADER; i++) {
        u->f[i] = ev->f[header_fields[i]];
    }
    u->nx = ev->nx;
    u->nx_dropped = ev->nx_dropped;
    u->scratch_used = ev->scratch_used;
    u->flags = ev->flags;
    u->ts_ns = ev->ts_ns;
}

static void undo_restore(const struct undo *u, struct mm_event *ev)
{
    memset(ev->f, 0, sizeof(ev->f));
    for (size_t i = 0; i < NHEADER; i++) {
        ev->f[header_fields[i]] = u->f[i];
    }
    ev->nx = u->nx;
    ev->nx_dropped = u->nx_dropped;
    ev->scratch_used = u->scratch_used;
    ev->flags = u->flags;
    ev->ts_ns = u->ts_ns;
}

/* Offer the body to p; 1 when p kept the message (OK or MALFORMED). */
static int try_parser(const struct mm_parser *p, struct mm_event *ev, const char *body, size_t len,
                      const struct undo *u)
{
    enum mm_parse_rc rc = p->parse(ev, body, len);
    if (rc == MM_PARSE_NOMATCH) {
        undo_restore(u, ev);
        return 0;
    }
    ev->parser = p->name;
    if (rc == MM_PARSE_MALFORMED) {
        ev->flags |= MM_EV_MALFORMED;
    }
    return 1;
}

static size_t parser_index(const struct mm_parser *p)
{
    for (size_t i = 0; i < NPARSERS; i++) {
        if (parsers[i] == p) {
            return i;
        }
    }
    return NPARSERS;
}

void mm_parse_event(struct mm_parse_ctx *ctx, struct mm_event *ev, int64_t now_ns)
{
    const char *body;
    size_t len;
    struct undo u;
    int score[NSLOTS];
    size_t skip = NPARSERS; /* a parser already tried */

    if (ctx == NULL) {
        mm_syslog_parse_header(ev, NULL, now_ns, &body, &len);
        goto unparsed;
    }
    mm_syslog_header(ev, ctx->tz, &ctx->tzcache, now_ns, &body, &len);
    ctx->clock++;
    undo_save(&u, ev);

    const struct mm_parser *pinned = ctx->npins > 0 ? find_pin(ctx, ev) : NULL;
    if (pinned == &parser_syslog) {
        goto unparsed;
    }
    if (pinned != NULL) {
        if (try_parser(pinned, ev, body, len, &u)) {
            return;
        }
        skip = parser_index(pinned);
    }

    uint64_t key = source_key(ev);
    struct last *l = last_find(ctx, key);
    if (l != NULL && l->idx < NPARSERS && l->idx != skip) {
        const struct mm_parser *p = parsers[l->idx];
        if (p->detect(ev, body, len) > 0) {
            if (try_parser(p, ev, body, len, &u)) {
                l->stamp = ctx->clock;
                return;
            }
            skip = l->idx; /* the pinned parser, if any, is not retried by the scan either */
        }
    }

    for (size_t i = 0; i < NPARSERS; i++) {
        score[i] = 0;
        if (i == skip || (pinned != NULL && parsers[i] == pinned)) {
            continue;
        }
        int s = parsers[i]->detect(ev, body, len);
        score[i] = s > 0 ? s : 0;
        if (s >= MM_DETECT_CERTAIN) {
            /* a signature this strong is not contested: skip the other detectors */
            for (size_t j = i + 1; j < NPARSERS; j++) {
                score[j] = 0;
            }
            break;
        }
    }
    for (;;) {
        /* the best remaining candidate; ties go to the earlier in parsers.def */
        size_t best = NPARSERS;
        for (size_t i = 0; i < NPARSERS; i++) {
            if (score[i] > 0 && (best == NPARSERS || score[i] > score[best])) {
                best = i;
            }
        }
        if (best == NPARSERS) {
            break;
        }
        score[best] = 0;
        if (try_parser(parsers[best], ev, body, len, &u)) {
            last_store(ctx, key, best);
            return;
        }
    }

unparsed:
    ev->parser = parser_syslog.name;
    ev->flags |= MM_EV_UNPARSED;
}
