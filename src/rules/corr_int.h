/*
 * corr_int.h - private to the correlation engine (corr_*.c).
 *
 * The engine (struct mm_corr) is owned by one thread (the pipeline's, or
 * replay's).  It holds one table per correlation rule of the bound ruleset;
 * a table maps a group key (the group-by values) to a group: the kind's
 * window state, a few evidence lines and, for value_count / new_value, a
 * small set of value hashes.  Tables survive a rebind to a new ruleset when
 * the rule id and its shape (what the state depends on) are unchanged.
 *
 * Bounds: a table holds at most the rule's max-groups groups (the least
 * recently updated one is evicted, counted); a value set at most the rule's
 * cap (value_count: its threshold, new_value: max-values, the least recently
 * seen value is forgotten); evidence is CORR_EV_FIRST + CORR_EV_LAST lines
 * of at most CORR_EV_LINE bytes.  Memory per group is therefore fixed by the
 * rule, and allocation happens only when a group is created, when an
 * evidence slot meets a longer line than before, or when a value set grows.
 *
 * Kinds (one file each) only say how big their per-group data is and what an
 * event does to it; keys, evidence, expiry, persistence and alerts are here.
 */
#ifndef MM_CORR_INT_H
#define MM_CORR_INT_H

#include "rules_int.h"

#define CORR_EV_FIRST 2   /* evidence: the first lines of the group since its last alert */
#define CORR_EV_LAST 3    /* ... and the latest ones */
#define CORR_EV_LINE 1024 /* an evidence line is cut at this many bytes */
#define CORR_NEV (CORR_EV_FIRST + CORR_EV_LAST)
#define CORR_TOLERANCE_NS (60LL * 1000000000LL) /* late events within this are still counted */
#define CORR_MAX_DELS 4096 /* removed groups remembered between saves; more = full snapshot */
#define CORR_TS_NONE INT64_MIN

struct cline {
    char *p;        /* a shared line (corr_state.c: one copy per event, reference-counted) */
    uint32_t n, cap; /* cap: the bytes counted for it in the memory statistics */
};

/* One value hash and when it was last seen (event time). h == 0: empty slot. */
struct vslot {
    uint64_t h;
    int64_t ts;
};

/* Open addressing, linear probing, backward-shift deletion. */
struct vset {
    struct vslot *s; /* owned, cap slots (a power of two), NULL until the first value */
    uint32_t cap, n;
};

struct cgroup {
    struct cgroup *hnext;         /* hash chain */
    struct cgroup *older, *newer; /* LRU, by last update */
    uint64_t hash;
    int64_t first_ns; /* event time of the first contributing event since the last alert */
    int64_t last_ns;  /* newest event time seen in the group */
    int64_t seen_ns;  /* absence: when the group was last heard (receive time live) */
    uint64_t nevents; /* contributing events since the last alert */
    uint8_t dirty;    /* changed since the last save */
    uint8_t saved;    /* a row exists in the database (a removal must be saved) */
    uint8_t fired;    /* absence: already reported silent */
    uint8_t nfirst, nlast, lastpos; /* evidence slots in use; next latest slot */
    struct cline ev[CORR_NEV];      /* [0, FIRST): first lines; [FIRST, NEV): ring of latest */
    struct vset vs;
    uint32_t klen;
    unsigned char *kd;   /* the kind's data, inside this allocation */
    unsigned char key[]; /* klen bytes: per group-by field (u32 length, bytes) */
};

struct ctable {
    char *rule_id; /* owned: tables are matched to rules by id on rebind */
    uint64_t shape;
    const struct mm_rule *rule; /* of the bound ruleset */
    struct cgroup **buckets;
    size_t nbuckets; /* a power of two */
    size_t n;
    struct cgroup *oldest, *newest;
    size_t kd_size;
    int64_t meta_first_ns; /* new_value: first event of the rule (learning period), 0 = none */
    int meta_dirty;
};

/* A removed group whose database row must go at the next save. */
struct cdel {
    char *rule_id;      /* owned */
    unsigned char *key; /* owned */
    uint32_t klen;
};

struct mm_corr {
    int live; /* absence on receive time (daemon), else on event time (replay) */
    int64_t tolerance_ns;
    struct mm_ruleset *rs; /* bound (a reference is held) */
    struct ctable **tabs;  /* per rs->corrs index */
    size_t ntabs;
    uint64_t seed; /* group hash seed (not persisted: keys are rehashed on restore) */
    int64_t hw_ns; /* newest event time fed */
    int full;      /* the next save must replace everything */
    struct cdel *dels;
    size_t ndels;
    unsigned char *kbuf; /* scratch for building a key */
    size_t kcap;
    struct mm_event *sev; /* scratch event for alerts raised by the timer */
    struct mm_corr_stats st;
};

/* What a kind sees for one contributing event. */
struct corr_hit {
    struct mm_corr *ce;
    struct ctable *t;
    const struct corr *co;
    struct cgroup *g;
    size_t step;
    int64_t ts; /* event time */
    const struct mm_event *ev;
};

struct corr_kind {
    /* bytes of per-group data (zeroed at creation, then init) */
    size_t (*kd_size)(const struct corr *co);
    void (*init)(const struct corr *co, struct cgroup *g);
    /* 1 when the correlation fires on this event */
    int (*feed)(struct corr_hit *h);
    /* after an alert: forget the window (kd re-initialised by the caller unless keep_kd) */
    int keep_values; /* new_value: the value set is the memory, not a window */
};

extern const struct corr_kind mm_corr_kind_count;    /* corr_count.c */
extern const struct corr_kind mm_corr_kind_distinct; /* corr_distinct.c */
extern const struct corr_kind mm_corr_kind_temporal; /* corr_sequence.c */
extern const struct corr_kind mm_corr_kind_ordered;  /* corr_sequence.c */
extern const struct corr_kind mm_corr_kind_absence;  /* corr_absence.c */
extern const struct corr_kind mm_corr_kind_newvalue; /* corr_newvalue.c */

/* corr_state.c: helpers for the kinds */
const struct corr_kind *mm_corr_kind(enum corr_type t);
/* Hash of a value, ASCII case-insensitive, never 0 (stable across runs: persisted). */
uint64_t mm_corr_value_hash(const char *p, size_t n);
/*
 * Record h seen at ts.  At cap, the least recently seen value is forgotten
 * first.  Returns 1 when h was not in the set, 0 when it was, -1 when out of
 * memory.
 */
int mm_corr_vset_touch(struct mm_corr *ce, struct vset *vs, uint64_t h, int64_t ts, uint32_t cap);
/* Forget values last seen at or before cutoff. */
void mm_corr_vset_expire(struct vset *vs, int64_t cutoff);
void mm_corr_vset_clear(struct vset *vs);

/* A ring of event times, ascending, stored as (u32 n, u32 head, i64 ts[cap]). */
struct tsring {
    uint32_t n, head;
    int64_t ts[];
};
size_t mm_corr_ring_size(uint64_t cap);
/* Insert t in order (an older t than all of a full ring is dropped); drop times <= cutoff. */
void mm_corr_ring_add(struct tsring *r, uint32_t cap, int64_t t, int64_t cutoff);
int64_t mm_corr_ring_oldest(const struct tsring *r, uint32_t cap);

#endif
