/*
 * rules_int.h - private structures of the rules module.
 *
 * A rule is compiled from its YAML document into:
 *  - selections: each an OR of alternatives, each alternative an AND of field
 *    conditions; a field condition is a field reference, an operator and a
 *    list of values (OR, or AND with |all);
 *  - a condition tree over the selections;
 *  - a logsource gate (shared between rules with the same logsource) and the
 *    dispatch keys that say which events can possibly match it.
 *
 * Threading: a ruleset is immutable after load, except for its match scratch
 * (PCRE2 match data, candidate bitmaps, the per-event address cache and the
 * automata's seen marks, all keyed by disp.epoch), which is why
 * mm_ruleset_match() must be called from ONE thread at a time per ruleset
 * (the pipeline thread).
 *
 * Ownership: the ruleset owns its rules, and a rule owns every string in it.
 */
#ifndef MIMAMORI_RULES_INT_H
#define MIMAMORI_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "mimamori/config.h"
#include "mimamori/diag.h"
#include "mimamori/event.h"
#include "mimamori/net.h"
#include "mimamori/rules.h"
#include "mimamori/yaml.h"

/* A field as a rule names it: a well-known id, or an extra field by full name. */
struct fref {
    enum mm_field id; /* MM_F__COUNT when the field is an extra */
    char *name;       /* ECS name after alias resolution (owned) */
    size_t nlen;
    int virt;         /* enum vfield (lists_int.h): computed when read; 0 = an event field */
};

enum val_op {
    OP_EQ,       /* whole value equal */
    OP_CONTAINS, /* literal substring */
    OP_STARTS,   /* literal prefix */
    OP_ENDS,     /* literal suffix */
    OP_GLOB,     /* Sigma wildcards * and ? (anchored at both ends) */
    OP_RE,       /* PCRE2 */
    OP_CIDR,     /* address in prefix */
    OP_GT,
    OP_GTE,
    OP_LT,
    OP_LTE,
    OP_NULL,     /* field absent or empty */
    OP_EXISTS,   /* field present (num != 0) or absent (num == 0) */
    OP_IN_LIST   /* |in_list: the value is in the named list s (lists.c) */
};

struct cval {
    enum val_op op;
    int cased;          /* compare bytes exactly (else ASCII case-insensitive) */
    char *s;            /* literal or glob pattern, lowercased unless cased (owned) */
    size_t n;
    uint8_t *wild;      /* OP_GLOB: per byte of s, 0 literal, '*' or '?' (owned) */
    pcre2_code *re;     /* OP_RE (owned) */
    uint32_t ncaptures; /* OP_RE: named groups */
    struct mm_cidr cidr;
    double num;         /* OP_GT..OP_LTE, OP_EXISTS */
    const struct rlist *list; /* OP_IN_LIST: bound after load; NULL = undefined list */
    char **lit;         /* OP_RE: every match contains one of these (lowercased, owned) */
    size_t nlit;        /* 0: nothing known (prefilter.c, mm_rules_re_literals) */
};

struct fcond {
    struct fref f;
    int keyword;        /* Sigma keyword search: message (raw line when no message) */
    int all;            /* values are ANDed (|all) */
    struct cval *v;
    size_t nv;
    int line, col;
};

struct alt {
    struct fcond *c;    /* AND */
    size_t nc;
};

struct selection {
    char *name;         /* owned */
    struct alt *alts;   /* OR */
    size_t nalts;
    int line, col;
};

enum cnode_type { CN_SEL, CN_AND, CN_OR, CN_NOT, CN_ONE_OF, CN_ALL_OF };

struct cnode {
    enum cnode_type type;
    struct cnode *a, *b; /* AND/OR: a and b; NOT: a */
    size_t sel;          /* CN_SEL */
    size_t *sels;        /* CN_ONE_OF / CN_ALL_OF (owned) */
    size_t nsels;
};

struct example {
    char *line;         /* owned */
    size_t len;
    int want_match;
    int line_no, col;
    size_t n;           /* 1-based number within its list */
};

/* A distinct logsource restriction; events are tested against it once. */
struct gate {
    const char *const *parsers; /* static list: ev->parser or observer.vendor/product */
    const char *const *services; /* process.name / log.syslog.appname values */
    const char *const *categories; /* event.category values */
};

/* load.c: one language of a rule's `translations:` (NULL = not translated) */
struct rule_tr {
    const char *lang;   /* static: an entry of the known languages */
    char *title, *description; /* owned */
};

struct corr;
struct corr_use;

struct mm_rule {
    size_t index;       /* load order */
    char *id, *name, *title, *description, *file;
    int line, col;
    enum mm_severity severity;
    char *tags_json;
    int64_t suppress_ns;
    char **group_by;    /* ECS names (owned) */
    struct fref *group_refs;
    size_t ngroup;
    char *ls_product, *ls_service, *ls_category; /* lowercased, may be NULL */
    size_t gate;        /* index into ruleset gates; SIZE_MAX = no restriction */
    struct selection *sels;
    size_t nsels;
    struct cnode *cond;
    int has_captures;
    struct example *ex;
    size_t nex;
    /* correlation (corr_load.c): NULL for a detection rule */
    struct corr *corr;
    struct corr_use *uses; /* the correlation steps that consume this rule's matches (owned) */
    size_t nuses;
    int silent;         /* referenced by a correlation and none says generate: true */
    int lists_undefined; /* an |in_list names a list the config lacks: examples skipped */
    struct rule_tr *tr;  /* `translations:` (owned), ntr of them */
    size_t ntr;
};

/* dispatch.c: (slot, kind, lowercased value) -> rules */
struct dentry {
    size_t slot;
    int prefix;         /* 0 exact value, 1 prefix */
    char *s;            /* lowercased (owned) */
    size_t n;
    uint64_t hash;
    size_t *rules;      /* owned */
    size_t nrules;
};

/*
 * Which gates a slot's rules belong to, so a slot none of whose rules can
 * pass is not even read.  Exact only while the set has at most 64 gates.
 */
struct gmask {
    uint64_t gates;     /* bit g: a rule of gate g */
    int other;          /* an ungated rule, or a gate >= 64: always read */
};

struct dslot {
    struct fref f;      /* borrowed from a rule */
    size_t *plens;      /* distinct prefix lengths, ascending (owned) */
    size_t nplens;
    int has_exact;
    struct gmask gm;
};

/* prefilter.c: one literal of an automaton and the rules that require it */
struct aclit {
    size_t *sub;        /* rules: the literal anywhere in the value (owned) */
    size_t nsub;
    size_t *suf;        /* rules: the literal at the end of the value (owned) */
    size_t nsuf;
};

/*
 * prefilter.c: an Aho-Corasick automaton over the literals that rules
 * require of one field (contains, endswith, a glob's literal run, a regex's
 * required literal), ASCII case-folded, as a DFA over byte classes.
 */
struct acfield {
    struct fref f;      /* borrowed from a rule */
    int keyword;        /* keyword search: message, or the raw line when there is none */
    struct gmask gm;
    struct aclit *lits; /* owned */
    size_t nlits, caplits;
    /* the trie while rules are added (freed by mm_rules_ac_build) */
    struct actrie *trie;
    size_t ntrie, captrie;
    /* the DFA (mm_rules_ac_build) */
    uint8_t cls[256];   /* byte -> class; 0 = a byte in no literal */
    uint32_t ncls;
    uint32_t nstates;
    /* nstates * ncls (owned); NULL: too big, every literal counts as seen.  An entry is
     * the next state's row offset (state * ncls) shifted left by one, the low bit set
     * when a literal ends in that state: no multiply per byte, one test for a hit. */
    uint32_t *delta;
    uint8_t start[256]; /* bytes that leave the root state: the others are skipped there */
    /* the first two bytes of every literal, in either case, as a bit per little-endian
     * 16-bit value (owned); NULL when a literal has one byte.  At the root, positions
     * whose pair starts no literal are skipped without touching the automaton. */
    uint64_t *pairs;
    /* the same pairs as nibble tables for a 16-positions-at-once test (prefilter.c,
     * skip_to_pair): per byte of the pair, the low and the high nibble's bucket bits */
    uint8_t nib[2][2][16];
    int vec;             /* the vector test is usable (SSSE3 at run time, and pairs) */
    int32_t *own;       /* per state: the literal that ends here, -1 none (owned) */
    uint32_t *report;   /* per state: first state on its fail chain with a literal, 0 none */
    uint32_t *dnext;    /* per state: the next such state after it (owned) */
    uint64_t *seen;     /* match scratch, per literal: epoch it was last reported (owned) */
};

/* ipcache.c: rules keyed by a cidr prefix of one field */
struct ckey {
    struct mm_addr net; /* masked */
    size_t *rules;      /* owned */
    size_t nrules;
};

struct clen {
    uint8_t bits;       /* mm_cidr bits (IPv4 prefixes are 96 + n) */
    struct ckey *keys;  /* sorted by net (owned) */
    size_t nkeys;
};

struct cslot {
    struct fref f;      /* borrowed from a rule */
    struct gmask gm;
    struct clen *lens;  /* owned */
    size_t nlens;
};

/*
 * ipcache.c: the addresses of the event's well-known fields, parsed at most
 * once per event.  An entry is valid for the epoch it was filled in and for
 * the exact slice it was parsed from, so a field a capture sets later is
 * parsed again.
 */
struct ipent {
    uint64_t epoch;
    const char *p;
    uint32_t n;
    int state;          /* 1 an address, -1 not one */
    struct mm_addr addr;
};

struct dispatch {
    struct dslot *slots;
    size_t nslots;
    struct dentry *tab; /* open addressing, cap a power of two, s == NULL empty */
    size_t cap, used;
    uint64_t *always;   /* bitmap over rules: no key, always a candidate */
    size_t nwords;
    size_t nindexed;    /* rules with keys (of any kind) */
    size_t nprefilter;  /* of those, rules with a literal (automaton) or cidr key */
    struct acfield *ac; /* owned */
    size_t nac;
    struct cslot *cs;   /* owned */
    size_t ncs;
    size_t *rgate;      /* per rule: its gate, SIZE_MAX none (owned) */
    /* match scratch (one thread, see top) */
    uint64_t *epoch;    /* bumped per event (owned) */
    struct ipent *ipc;  /* MM_F__COUNT entries (owned) */
    uint64_t *cand2;    /* candidates recomputed after a capture (owned) */
};

struct mm_ruleset {
    atomic_int refs;
    struct mm_rule **rules;
    size_t n, cap;
    struct gate *gates;
    size_t ngates;
    struct dispatch disp;
    /* match scratch: one thread at a time (see top) */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    uint32_t max_ovec;
    uint64_t *cand;     /* candidate bitmap, disp.nwords */
    signed char *gate_res; /* per gate: -1 unknown, 0 no, 1 yes */
    struct rules_env *env; /* lists, calendar, GeoIP (lists_int.h; owned) */
    /* correlation rules (corr_load.c): kept apart from rules[] so that dispatch never sees them */
    struct mm_rule **corrs;
    size_t ncorrs, capcorrs;
};

#define MM_RE_MATCH_LIMIT 100000u
#define MM_RE_DEPTH_LIMIT 1000u

/* ruleset.c */
/* Load one buffer as a rule file (used by the fuzzer and tests). */
enum mm_err mm_ruleset_load_mem(struct mm_ruleset **out, const char *name, const char *buf,
                                size_t len, struct mm_diag *d);

/* load.c */
/* Compile every document of a stream into rs (errors go to d). */
void mm_rules_load_stream(struct mm_ruleset *rs, const struct mm_ystream *ys, struct mm_diag *d);
void mm_rule_free(struct mm_rule *r);

/* compile.c */
/* detection: mapping -> sels/cond of r; returns the error count it added. */
size_t mm_rules_compile_detection(struct mm_rule *r, const struct mm_ynode *det, const char *file,
                                  struct mm_diag *d);
void mm_rules_selection_free(struct selection *s);

/* condition.c */
struct cnode *mm_rules_parse_condition(const struct mm_rule *r, const struct mm_ynode *cond,
                                       const char *file, struct mm_diag *d);
void mm_rules_cnode_free(struct cnode *c);

/* fields.c */
/* Resolve a rule field name (alias or ECS or vendor); 0 or MM_ENOMEM. */
enum mm_err mm_rules_fref_init(struct fref *f, const char *name, size_t n);
void mm_rules_fref_free(struct fref *f);
/* The value of a field in ev: well-known first, then extras (last wins). */
struct mm_str mm_rules_fref_get(const struct fref *f, const struct mm_event *ev);
/* Canonical ECS name of an alias, or NULL when name is not an alias. */
const char *mm_rules_alias(const char *name, size_t n);
/* Logsource -> gate lists; returns 1 when the logsource restricts events. */
int mm_rules_logsource_map(const char *product, const char *service, const char *category,
                           const char *const **parsers, const char *const **services,
                           const char *const **categories);

/* dispatch.c */
enum mm_err mm_rules_dispatch_build(struct mm_ruleset *rs);
void mm_rules_dispatch_free(struct dispatch *dp);
/* Fill cand (disp.nwords words) with the candidate rules for ev; sets rs->gate_res. */
void mm_rules_dispatch_candidates(const struct mm_ruleset *rs, const struct mm_event *ev,
                                  uint64_t *cand);
int mm_rules_gate_pass(const struct mm_ruleset *rs, size_t gate, const struct mm_event *ev);
/* Rules of a key that was hit: candidates if their gate passed. */
static inline void mm_rules_dispatch_hit(const struct mm_ruleset *rs, uint64_t *cand,
                                         const size_t *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t ri = rules[i];
        size_t g = rs->disp.rgate[ri];
        if (g != SIZE_MAX && rs->gate_res[g] != 1) {
            continue;
        }
        cand[ri / 64] |= 1ULL << (ri % 64);
    }
}

/* prefilter.c */
/*
 * The literals one of which every match of the PCRE2 pattern must contain,
 * lowercased, into *lit (owned by the caller; *nlit 0 when none is known).
 * Conservative: only plain literal runs, through groups that are required;
 * alternations give one literal per branch; anything unusual gives none.
 */
enum mm_err mm_rules_re_literals(const char *pat, size_t n, char ***lit, size_t *nlit);
/* Add a literal (folded here) required by rule; suffix: it must end the value. */
enum mm_err mm_rules_ac_add(struct acfield *ac, const char *s, size_t n, int suffix, size_t rule);
/* Turn the trie into the DFA. */
enum mm_err mm_rules_ac_build(struct acfield *ac);
void mm_rules_ac_free(struct acfield *ac);
/* Scan v once; the rules of every literal found become candidates. */
void mm_rules_ac_scan(const struct mm_ruleset *rs, const struct acfield *ac, struct mm_str v,
                      uint64_t epoch, uint64_t *cand);

/* ipcache.c */
/* The address in v, the value of field f: 1 and *out, or 0 when v is not one. */
int mm_rules_addr_of(const struct mm_ruleset *rs, const struct fref *f, struct mm_str v,
                     struct mm_addr *out);
/* Cache an address that another parser found for field f's value v (state 1 / -1). */
void mm_rules_addr_put(const struct mm_ruleset *rs, const struct fref *f, struct mm_str v,
                       int state, const struct mm_addr *a);
/* The cache entry of f's value v when known this epoch, else NULL. */
const struct ipent *mm_rules_addr_peek(const struct mm_ruleset *rs, const struct fref *f,
                                       struct mm_str v);
enum mm_err mm_rules_cidr_add(struct cslot *cs, const struct mm_cidr *c, size_t rule);
void mm_rules_cidr_free(struct cslot *cs);
/* Rules whose prefix holds the address of cs's field become candidates. */
void mm_rules_cidr_scan(const struct mm_ruleset *rs, const struct cslot *cs, struct mm_str v,
                        uint64_t *cand);

/* lists.c: point every |in_list at its list (warns about undefined ones) */
struct rlist;
struct rules_env;
void mm_rules_lists_bind(struct mm_ruleset *rs, struct mm_diag *d);
/* ruleset.c: mm_ruleset_load_mem with a configuration (lists, calendar, GeoIP) */
enum mm_err mm_ruleset_load_mem_cfg(struct mm_ruleset **out, const struct mm_config *cfg,
                                    const char *name, const char *buf, size_t len,
                                    struct mm_diag *d);

/* match.c */
/* Evaluate one rule's condition against ev (no dispatch, no gate). */
int mm_rules_eval(const struct mm_ruleset *rs, const struct mm_rule *r, const struct mm_event *ev);
/* The brute-force path: every rule, gate then condition (tests compare with dispatch). */
size_t mm_rules_match_all(const struct mm_ruleset *rs, struct mm_event *ev,
                          const struct mm_rule **out, size_t max);

/* ---- correlation (corr_*.c) ---- */

enum corr_type {
    CORR_EVENT_COUNT,      /* Sigma event_count */
    CORR_VALUE_COUNT,      /* Sigma value_count */
    CORR_TEMPORAL,         /* Sigma temporal */
    CORR_TEMPORAL_ORDERED, /* Sigma temporal_ordered (+ step counts, `not:` steps) */
    CORR_ABSENCE,          /* mimamori: a group that sent falls silent */
    CORR_NEW_VALUE         /* mimamori: first time a value is seen in a group */
};

/* A count condition as inclusive bounds: gt 9 == gte 10 -> lo 10. */
struct corr_cond {
    uint64_t lo;        /* at least (0 = no lower bound) */
    uint64_t hi;        /* at most (UINT64_MAX = no upper bound) */
};

/* One entry of `rules:`. */
struct corr_step {
    char *ref;          /* name or id as written (owned) */
    int line, col;
    const struct mm_rule *rule; /* resolved at the end of the load (borrowed) */
    int forbid;         /* `- not: rule`: this event between two steps abandons the sequence */
    struct corr_cond count; /* temporal_ordered step count (default lo 1) */
    struct fref *group_refs; /* one per group-by field, through aliases (owned) */
};

/* The consumer side: rule r feeds step `step` of correlation `corr`. */
struct corr_use {
    const struct mm_rule *corr; /* borrowed */
    size_t step;
};

struct corr {
    enum corr_type type;
    size_t index;       /* in rs->corrs */
    struct corr_step *steps;
    size_t nsteps;
    size_t ngroup_refs; /* entries of each step's group_refs (== the rule's ngroup) */
    int64_t timespan_ns;
    struct corr_cond cond;
    struct fref field;  /* value_count / new_value (name NULL when absent) */
    int generate;       /* Sigma generate: the referenced rules keep raising their own alerts */
    size_t max_groups;  /* per-rule cap on groups (`max-groups:`) */
    size_t max_values;  /* per-group cap on distinct values (value_count, new_value) */
    int64_t learning_ns; /* new_value: no alert during this long after the first event */
    uint64_t shape;     /* hash of what state depends on; state survives reloads only if equal */
    struct corr_alias *aliases; /* Sigma aliases, resolved into steps' group_refs (owned) */
    size_t naliases;
};

/* aliases: {name: {rule: field, ...}} */
struct corr_alias {
    char *name;         /* owned */
    char **rules;       /* rule name or id (owned) */
    char **fields;      /* that rule's field (owned) */
    size_t n;
    int line, col;
};

#define CORR_DEFAULT_MAX_GROUPS 10000
#define CORR_DEFAULT_MAX_VALUES 1024
#define CORR_MAX_STEPS 16
#define CORR_MAX_RING 10000 /* event_count / counted steps: thresholds up to this */

/* alerter.c */
/*
 * A correlation fired: like mm_alerter_fire(), but the group values (one per
 * group-by field of r), the evidence lines and the number of contributing
 * events are given; first_ns is the event time of the first of them.
 */
struct mm_alert *mm_alerter_fire_corr(struct mm_alerter *al, const struct mm_rule *r,
                                      const struct mm_event *ev, const struct mm_str *group,
                                      const struct mm_str *lines, size_t nlines, uint64_t count,
                                      int64_t first_ns);

/* corr_load.c */
/*
 * The correlation part of a rule document (`correlation:`, `generate:`,
 * `max-groups:`, `max-values:`) into r->corr; the rest of the document was
 * read by load.c.  Returns the error count it added.
 */
size_t mm_corr_load(struct mm_rule *r, const struct mm_ynode *doc, const char *file,
                    struct mm_diag *d);
/* Append a loaded correlation rule to rs->corrs (takes r); -1 when out of memory. */
int mm_corr_add(struct mm_ruleset *rs, struct mm_rule *r);
/* After every file: resolve references, aliases, consumers, cycles, generate. */
void mm_corr_resolve(struct mm_ruleset *rs, struct mm_diag *d);
void mm_corr_free_rule(struct corr *c);
/* "30s", "5m", "1h", "2d"; at most max_days; 0 ok only when allow_zero. */
int mm_corr_parse_duration(const char *s, int64_t *ns, int max_days);

#endif
