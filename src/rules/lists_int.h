/*
 * lists_int.h - what rules see beyond the event: named lists (lists.c,
 * lists_trie.c), local calendar time (calendar.c) and GeoIP (geoip.c).
 *
 * All of it hangs off the ruleset as one `struct rules_env`, built from the
 * configuration together with the rules, so SIGHUP (and a changed list file)
 * rebuilds it beside the running set and the swap is the ruleset's.
 *
 * Threading: everything is immutable after the build except the caches at
 * the end of struct rules_env (last calendar time, last GeoIP answers) and
 * the change-check state, which belong to the one thread that calls
 * mm_ruleset_match() (the pipeline), like the rest of the match scratch.
 *
 * Ownership: the env owns its lists, zone, holidays, GeoIP handle and file
 * stamps; mm_rules_env_free() accepts NULL and half-built envs.
 */
#ifndef MIMAMORI_LISTS_INT_H
#define MIMAMORI_LISTS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mimamori/config.h"
#include "mimamori/diag.h"
#include "mimamori/event.h"
#include "mimamori/net.h"
#include "mimamori/tz.h"

/* ---- lists_trie.c: the lookup structures ---- */

/*
 * IP set: the union of the prefixes as sorted, disjoint, non-adjacent ranges
 * [lo, hi] of 128-bit addresses (IPv4 mapped into ::ffff:0:0/96).  A lookup
 * is a binary search: about 19 comparisons of 16 bytes for 500 000 entries,
 * 32 bytes per range.  (A binary trie would take up to 128 steps and several
 * times the memory for the same answer; see docs/rules.md "Lists".)
 */
struct iprange {
    uint8_t lo[16];
    uint8_t hi[16];
};

struct ipset {
    struct iprange *r; /* owned; sorted and merged after mm_ipset_finish() */
    size_t n, cap;
    /* IPv4 index: ranges that can hold an address whose top 16 bits are k are
     * r[v4idx[k] .. v4idx[k + 1]); cuts the search to a few cache lines */
    uint32_t *v4idx;   /* 65537 entries (owned), NULL when empty */
};

enum mm_err mm_ipset_add(struct ipset *s, const struct mm_cidr *c);
enum mm_err mm_ipset_add_range(struct ipset *s, const struct mm_addr *lo, const struct mm_addr *hi);
enum mm_err mm_ipset_finish(struct ipset *s); /* sort and merge; call once, after the adds */
int mm_ipset_has(const struct ipset *s, const struct mm_addr *a);
void mm_ipset_free(struct ipset *s);

/*
 * String set: open addressing over an arena of the (normalized) strings.
 * A domain set stores each domain once with a flag saying whether the name
 * itself, names under it, or both are listed; a lookup probes the value and
 * each of its parent domains (one probe per label).
 */
#define SS_SELF 1u /* the string itself is listed */
#define SS_SUBS 2u /* names below it (domains) are listed */

struct sslot {
    uint64_t hash;  /* 0 = empty */
    uint32_t off;   /* into arena */
    uint32_t len;
    uint32_t flags; /* SS_* */
};

struct strset {
    struct sslot *tab; /* owned, cap a power of two */
    size_t cap, used;
    char *arena;       /* owned */
    size_t alen, acap;
    int cased;         /* compare bytes exactly; else strings are stored lowercased */
};

enum mm_err mm_strset_add(struct strset *s, const char *p, size_t n, uint32_t flags);
/* flags of p[0..n) (0 when absent); p is folded as the set was built */
uint32_t mm_strset_get(const struct strset *s, const char *p, size_t n);
/* 1 when the domain p[0..n) or one of its parents is listed */
int mm_strset_has_domain(const struct strset *s, const char *p, size_t n);
void mm_strset_free(struct strset *s);

/* ---- lists.c ---- */

struct rlist {
    char *name;      /* owned */
    int type;        /* enum mm_list_type */
    struct ipset ip;
    struct strset str;
    size_t entries;  /* lines taken */
    size_t skipped;  /* lines that were not an entry of this type */
};

/* A file the ruleset was built from, to notice when it changes. */
struct fstamp {
    char *path;      /* owned */
    int64_t mtime_ns;
    int64_t size;
    uint64_t ino;
    int exists;
};

struct rules_env {
    struct rlist *lists;
    size_t nlists;
    struct mm_tz *tz;      /* owned; UTC without a config */
    int bh_start, bh_end;  /* minutes after midnight, [start, end) */
    unsigned bh_days;      /* bit 0 Sunday .. bit 6 Saturday */
    int32_t *holidays;     /* sorted days since 1970-01-01 (owned) */
    size_t nholidays;
    void *geo;             /* MMDB_s * (owned), NULL = no GeoIP database */
    struct fstamp *files;  /* list files, holiday files, the .mmdb */
    size_t nfiles;
    /* ---- mutable: the pipeline thread only ---- */
    int64_t t_ts;          /* calendar cache: the event time it holds, INT64_MIN = none */
    int t_hour, t_min, t_wday, t_holiday, t_workday, t_business;
    char t_hour_s[4], t_min_s[4], t_date_s[16];
    char geo_key[2][48];   /* GeoIP cache per side (source, destination): address text */
    char geo_cc[2][8];     /* its country code, "" = none */
    unsigned geo_used;     /* sides looked up since the last mm_rules_geo_begin() */
    unsigned geo_always;   /* sides to look up for every matched event: a group-by or a
                            * correlation reads them (set when binding) */
    int64_t next_check;    /* mm_ruleset_lists_changed(): next stat, ns */
    uint64_t *pending;     /* per file: the signature seen at the last check (owned) */
    uint64_t *reported;    /* per file: the signature last built or reported (owned) */
};

/* Build the env from cfg (NULL = UTC, default business hours, nothing else). */
enum mm_err mm_rules_env_new(struct rules_env **out, const struct mm_config *cfg,
                             struct mm_diag *d);
void mm_rules_env_free(struct rules_env *env);
/* Record path's current stamp for the change check. */
enum mm_err mm_rules_env_stamp(struct rules_env *env, const char *path);
const struct rlist *mm_rules_env_list(const struct rules_env *env, const char *name);
/* v is the field value; st/addr cache the address parse of v across values. */
int mm_rlist_has(const struct rlist *l, struct mm_str v, int *addr_state, struct mm_addr *addr);

/* ---- calendar.c ---- */

/* Pseudo-fields (struct fref.virt); 0 = an ordinary field. */
struct fref;
/* The value of a field for matching: pseudo-fields computed, others as mm_rules_fref_get(). */
struct mm_str mm_rules_field_value(struct rules_env *env, const struct fref *f,
                                   const struct mm_event *ev);
enum vfield {
    VF_NONE = 0,
    VF_T_HOUR,      /* mimamori.time.hour: 0..23 */
    VF_T_MINUTE,    /* mimamori.time.minute: 0..59 */
    VF_T_WEEKDAY,   /* mimamori.time.weekday: mon..sun */
    VF_T_DATE,      /* mimamori.time.date: YYYY-MM-DD */
    VF_T_HOLIDAY,   /* mimamori.time.holiday: true/false */
    VF_T_WORKDAY,   /* mimamori.time.workday: a business day that is not a holiday */
    VF_T_BUSINESS,  /* mimamori.time.business_hours: workday and inside the hours */
    VF_GEO_SRC,     /* source.geo.country_iso_code (parser's, else GeoIP) */
    VF_GEO_DST      /* destination.geo.country_iso_code */
};

/* The pseudo-field of a name, VF_NONE when it is not one, -1 for an unknown mimamori.time.*. */
int mm_rules_vfield(const char *name, size_t n);
enum mm_err mm_rules_calendar_setup(struct rules_env *env, const struct mm_config *cfg,
                                    struct mm_diag *d);
struct mm_str mm_rules_time_get(struct rules_env *env, int vf, int64_t ts_ns);

/* ---- geoip.c ---- */

enum mm_err mm_rules_geo_open(struct rules_env *env, const char *path, struct mm_diag *d);
void mm_rules_geo_close(struct rules_env *env);
/* side 0 source, 1 destination: the event's value, else the GeoIP answer for its address */
struct mm_str mm_rules_geo_get(struct rules_env *env, int side, const struct mm_event *ev);
/* Start of an event's match / after it: copy looked-up countries into ev. */
void mm_rules_geo_begin(struct rules_env *env);
void mm_rules_geo_enrich(struct rules_env *env, struct mm_event *ev, unsigned sides);

#endif
