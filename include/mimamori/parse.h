/*
 * parse.h - from raw message to event: the syslog header, then the body with
 * the parser of the vendor that sent it.
 *
 * A parser is a descriptor (name, detect, parse) in a file of its own under
 * src/parse/, listed once in src/parse/parsers.def.  detect() is a cheap
 * signature test (memcmp/memchr only) returning a confidence 0..100; parse()
 * fills the event from the body and must never read outside body[0..len).
 * Values are slices of the body or static strings; unescaped or composed
 * values go to the event's scratch area.  Every vendor key stays reachable as
 * an extra field "<ns>.<key>" (e.g. "fortinet.logid").
 *
 * A parse context belongs to one thread: it remembers which parser took each
 * source's last message (tried first next time) and holds the sources pinned
 * in the config.
 */
#ifndef MIMAMORI_PARSE_H
#define MIMAMORI_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "mimamori/event.h"
#include "mimamori/tz.h"

enum mm_parse_rc {
    MM_PARSE_OK,       /* the body was this parser's and was read */
    MM_PARSE_NOMATCH,  /* not this parser's: try another */
    MM_PARSE_MALFORMED /* this parser's, but broken; the fields set so far stay */
};

/*
 * A detect() score at or above this is a signature no other vendor writes:
 * the registry stops asking the remaining detectors.
 */
#define MM_DETECT_CERTAIN 90

struct mm_parser {
    const char *name; /* as printed in mimamori.parser and used in the config */
    int (*detect)(const struct mm_event *ev, const char *body, size_t len);
    enum mm_parse_rc (*parse)(struct mm_event *ev, const char *body, size_t len);
};

/* A source pinned to a parser in the config (`sources:`). */
struct mm_source_pin {
    const char *match;  /* peer address, CIDR or syslog hostname */
    const char *parser; /* parser name */
    const char *name;   /* display name, may be NULL */
};

struct mm_parse_ctx;

/* registry.c */
size_t mm_parser_count(void);
const struct mm_parser *mm_parser_at(size_t i);
const struct mm_parser *mm_parser_find(const char *name);
/* tz is borrowed and must outlive ctx; pins are copied. */
enum mm_err mm_parse_ctx_new(struct mm_parse_ctx **out, const struct mm_tz *tz,
                             const struct mm_source_pin *pins, size_t npins);
void mm_parse_ctx_free(struct mm_parse_ctx *ctx);
/*
 * Parse ev->raw (set up by mm_event_reset, ev->source set by the caller):
 * header, then the body.  Never fails: ev->parser is always set ("syslog" when
 * no vendor parser took the body, with MM_EV_UNPARSED) and `message` holds the
 * body.  now_ns anchors the year of year-less timestamps.
 */
void mm_parse_event(struct mm_parse_ctx *ctx, struct mm_event *ev, int64_t now_ns);

/* syslog.c */
/*
 * Read an RFC 5424, RFC 3164 or bare "<PRI>body" header from ev->raw.  Sets
 * log.syslog.*, host.hostname, process.name/pid, message and ev->ts_ns; body
 * gets the rest of the line.  A line with no recognisable header is all body.
 */
void mm_syslog_parse_header(struct mm_event *ev, const struct mm_tz *tz, int64_t now_ns,
                            const char **body, size_t *bodylen);

/* kv.c - key=value bodies: k=v k="quoted \"v\"" k='v', separated by spaces or sep */
struct mm_kv_iter {
    const char *p, *end;
    char sep; /* pair separator besides blanks ('\0' = blanks only, ',' for CSV-ish) */
};
void mm_kv_init(struct mm_kv_iter *it, const char *p, size_t len, char sep);
/*
 * Next pair; returns 1 with key/val set, 0 at the end.  *escaped is set when
 * the value was quoted and holds backslash escapes (use mm_kv_unescape).
 * A key with no '=' yields an empty value.
 */
int mm_kv_next(struct mm_kv_iter *it, struct mm_str *key, struct mm_str *val, int *escaped);
/* Unescape a quoted value into the event scratch; returns the new slice. */
struct mm_str mm_kv_unescape(struct mm_event *ev, struct mm_str v);
/* Add every pair of the body as extra fields under ns; returns the pair count. */
size_t mm_kv_parse(struct mm_event *ev, const char *ns, const char *body, size_t len, char sep);

#endif
