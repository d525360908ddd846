/*
 * rules.h - Sigma rules: load, compile, match; and the alerter that turns
 * matches into alerts with per-group suppression.
 *
 * A ruleset is built once from files (several rules per file as YAML
 * documents) and is immutable afterwards, so a running pipeline can keep
 * using the old one while SIGHUP builds a new one beside it; the swap is a
 * pointer exchange (refcounted).  Loading reports every problem as
 * file:line:col and fails as a whole: a set with any error is never used.
 *
 * Dispatch: rules are indexed by logsource and by the literals they require,
 * so a line is only tested against the rules that can match it.
 *
 * Correlation (Sigma correlation rules and mimamori's own kinds) hangs off
 * the same ruleset: a correlation rule consumes the matches of the rules it
 * names, keyed by its group-by fields, on event time.  Its state lives in a
 * correlation engine (struct mm_corr) owned by the pipeline thread, not in
 * the ruleset, so that it survives a reload (per rule id, while the rule's
 * shape is unchanged) and can be saved to and restored from the database.
 */
#ifndef MIMAMORI_RULES_H
#define MIMAMORI_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "mimamori/alert.h"
#include "mimamori/diag.h"
#include "mimamori/err.h"
#include "mimamori/event.h"

struct mm_rule;
struct mm_ruleset;
struct mm_parse_ctx;
struct mm_config;

/* ruleset.c */
/*
 * paths: files (*.yml, *.yaml) or directories, read recursively in name order
 * (at most 8 levels; hidden entries skipped).
 */
enum mm_err mm_ruleset_load(struct mm_ruleset **out, const char *const *paths, size_t npaths,
                            struct mm_diag *d);
/*
 * The same with what the configuration adds to rules: `lists:` (read from
 * their files now), `timezone`, `business_hours:` and `holidays:` (calendar
 * pseudo-fields) and `geoip:`.  cfg NULL = mm_ruleset_load (UTC, no lists).
 * A SIGHUP rebuild re-reads the list files; the set is swapped only if
 * complete.
 */
enum mm_err mm_ruleset_load_cfg(struct mm_ruleset **out, const struct mm_config *cfg,
                                const char *const *paths, size_t npaths, struct mm_diag *d);

/* lists.c */
/*
 * 1 when a list, holiday or GeoIP file the set was built from has changed on
 * disk (mtime, size or inode; also created or removed) and has then stayed
 * unchanged for one check interval, so a file being written is not read
 * half-way.  Each change is reported once.  Cheap to call on every event:
 * it stats the files at most once every 5 s of now_ns (CLOCK_REALTIME).
 * Pipeline thread only.  The caller rebuilds the set as for SIGHUP.
 */
int mm_ruleset_lists_changed(const struct mm_ruleset *rs, int64_t now_ns);
void mm_ruleset_ref(struct mm_ruleset *rs);
void mm_ruleset_unref(struct mm_ruleset *rs); /* frees at zero; accepts NULL */
size_t mm_ruleset_count(const struct mm_ruleset *rs);
const struct mm_rule *mm_ruleset_rule(const struct mm_ruleset *rs, size_t i);
/*
 * The detection or correlation rule whose `id` is id, NULL when there is none
 * (or rs is NULL).  A linear search: for reports and messages, not per event.
 */
const struct mm_rule *mm_ruleset_find(const struct mm_ruleset *rs, const char *id);

/* rule accessors (rule.c) - strings are owned by the ruleset */
const char *mm_rule_id(const struct mm_rule *r);
const char *mm_rule_name(const struct mm_rule *r); /* Sigma `name`, may be NULL */
const char *mm_rule_title(const struct mm_rule *r);
const char *mm_rule_description(const struct mm_rule *r);
/*
 * The title / description in a language of the rule's `translations:`
 * ("ja"); the English text when the rule has no such translation, or lang is
 * NULL or "en".  The description may be "" (never NULL).
 */
const char *mm_rule_title_lang(const struct mm_rule *r, const char *lang);
const char *mm_rule_description_lang(const struct mm_rule *r, const char *lang);
/*
 * Hand fn the texts of every detection and correlation rule (in that order,
 * each in load order) that has a translation into lang: its id and the
 * translated title and description, either NULL where the translation lacks
 * it (strings borrowed for the call).  Rules without one are skipped: their
 * messages keep the English texts the alerts carry.  Stops at fn's first
 * error and returns it.  This is how a table outside this module (the notify
 * sender's rule texts, which must not hold a ruleset) is filled from the
 * rules in force.
 */
typedef enum mm_err (*mm_rule_text_fn)(void *arg, const char *id, const char *title,
                                       const char *description);
enum mm_err mm_ruleset_texts(const struct mm_ruleset *rs, const char *lang, mm_rule_text_fn fn,
                             void *arg);
enum mm_severity mm_rule_severity(const struct mm_rule *r);
const char *mm_rule_tags_json(const struct mm_rule *r);
int64_t mm_rule_suppress_ns(const struct mm_rule *r); /* 0 = every match is a new alert */
size_t mm_rule_group_by(const struct mm_rule *r, const char *const **fields);
const char *mm_rule_file(const struct mm_rule *r);
int mm_rule_line(const struct mm_rule *r);

/* match.c */
/*
 * Test ev against every rule that can apply; store up to max matching rules
 * in out (in rule load order) and return how many matched.  Named captures of
 * `re` modifiers are added to ev as extra fields.
 */
size_t mm_ruleset_match(const struct mm_ruleset *rs, struct mm_event *ev,
                        const struct mm_rule **out, size_t max);

/* examples.c */
/* Run every rule's `examples:` (match / nomatch lines) through ctx; failures go to d. */
size_t mm_ruleset_check_examples(const struct mm_ruleset *rs, struct mm_parse_ctx *ctx,
                                 struct mm_diag *d);

/* alerter.c - per-group suppression; owned by one thread */
struct mm_alerter;
/* max_groups bounds the suppression table (oldest evicted first, counted). */
enum mm_err mm_alerter_new(struct mm_alerter **out, size_t max_groups);
/*
 * on: flushes hand out delta updates (struct mm_alert, delta 1) that only the
 * store writer can complete, and open incidents keep no strings or flushed
 * evidence.  Off (the default): every update is a full copy (replay).
 */
void mm_alerter_set_delta(struct mm_alerter *al, int on);
void mm_alerter_free(struct mm_alerter *al);
/*
 * A rule matched ev: return a new alert (is_update 0, owned by the caller),
 * or NULL when the match went into an open incident of the rule's suppress
 * window (count, last_seen and evidence updated in place) — or when out of
 * memory.  Updated incidents are handed out by mm_alerter_flush().
 */
struct mm_alert *mm_alerter_fire(struct mm_alerter *al, const struct mm_rule *r,
                                 const struct mm_event *ev);
/*
 * Hand every incident updated since the last flush to emit (one copy or
 * delta each, is_update 1, owned by emit); returns how many.  The pipeline calls it a
 * few times a second and at the end, so repeats cost one store write per
 * flush instead of one per line.
 */
typedef void (*mm_alert_emit_fn)(void *arg, struct mm_alert *a);
size_t mm_alerter_flush(struct mm_alerter *al, mm_alert_emit_fn emit, void *arg);
/*
 * The same, but paced (now_ns, min_ns and max_ns on any one clock): an open
 * incident goes out at most once per its interval, which is min_ns after its
 * first update and doubles, up to max_ns, while it stays busy (updated again
 * within twice its interval); one that was quiet longer starts again at min_ns.
 * Called often, it spreads the updates of many busy incidents over time, and a
 * long attack costs the store one row write per max_ns instead of per min_ns.
 * Finished incidents go at once.
 */
size_t mm_alerter_flush_due(struct mm_alerter *al, int64_t now_ns, int64_t min_ns,
                            int64_t max_ns, mm_alert_emit_fn emit, void *arg);
int mm_alerter_dirty(const struct mm_alerter *al);
uint64_t mm_alerter_evictions(const struct mm_alerter *al);

/* corr_load.c / corr_state.c - correlation rules and the correlation engine */
/* Correlation rules are kept apart from the detection rules above. */
size_t mm_ruleset_corr_count(const struct mm_ruleset *rs);
const struct mm_rule *mm_ruleset_corr(const struct mm_ruleset *rs, size_t i);
/*
 * Does a match of r raise an alert of its own?  No when correlations refer to
 * it and none of them says `generate: true` (Sigma semantics).
 */
int mm_rule_alerts(const struct mm_rule *r);

struct mm_corr;

struct mm_corr_stats {
    uint64_t groups;  /* groups held now */
    uint64_t bytes;   /* memory held by groups (approximate) */
    uint64_t evicted; /* groups dropped because a rule's max-groups was reached */
    uint64_t expired; /* groups dropped because their window passed */
    uint64_t late;    /* events older than their group's newest minus the tolerance (ignored) */
    uint64_t fired;   /* times a correlation condition held */
};

/* Where alerts raised by the engine go; the callee owns the alert. */
typedef void (*mm_corr_emit_fn)(void *arg, struct mm_alert *a);

/*
 * live: absence is timed on receive time with the wall clock (the daemon);
 * otherwise everything runs on event time (replay, tests).
 */
enum mm_err mm_corr_new(struct mm_corr **out, int live);
void mm_corr_free(struct mm_corr *ce); /* accepts NULL */
/*
 * Bind to a ruleset (a reference is taken).  A table whose rule id and shape
 * are still there is kept, the others are dropped.  mm_corr_feed() rebinds by
 * itself when given another ruleset.
 */
enum mm_err mm_corr_bind(struct mm_corr *ce, struct mm_ruleset *rs);
/*
 * ev matched hits (from mm_ruleset_match on rs): update the correlations that
 * use them; alerts of correlations whose condition holds go through al (its
 * suppression) to emit.  Costs nothing for hits no correlation uses.
 */
void mm_corr_feed(struct mm_corr *ce, struct mm_ruleset *rs, const struct mm_event *ev,
                  const struct mm_rule *const *hits, size_t nhits, struct mm_alerter *al,
                  mm_corr_emit_fn emit, void *arg);
/*
 * Timers: absence alerts, and dropping groups whose window has passed.  Live:
 * call about once a second with the wall clock; replay: with event time as
 * it advances and once at the end of the input.
 */
void mm_corr_tick(struct mm_corr *ce, int64_t now_ns, struct mm_alerter *al, mm_corr_emit_fn emit,
                  void *arg);
void mm_corr_get_stats(const struct mm_corr *ce, struct mm_corr_stats *st);

/*
 * Persistence.  A record is one group of one rule: an opaque key and blob
 * (versioned; host byte order).  rule_id NULL means "forget every saved
 * record" (a full snapshot follows); blob NULL means "forget this record".
 */
struct mm_corr_record {
    const char *rule_id;
    const void *key;
    size_t klen;
    const void *blob;
    size_t blen;
    int64_t updated_ns; /* newest event time of the group */
};
typedef enum mm_err (*mm_corr_save_fn)(void *arg, const struct mm_corr_record *rec);
/*
 * Hand fn what changed since the last save (or everything when full, or when
 * the engine needs it: after a restore, a rebind that dropped tables, or too
 * many removals).  Records are borrowed for the call.
 */
enum mm_err mm_corr_save(struct mm_corr *ce, int full, mm_corr_save_fn fn, void *arg);
/*
 * Restore one saved record into the bound ruleset's tables; records of rules
 * that are gone or changed shape are ignored (MM_ENOTFOUND).  now_ns: live
 * absence counts silence from the restart, not from before it.
 */
enum mm_err mm_corr_restore(struct mm_corr *ce, const struct mm_corr_record *rec, int64_t now_ns);

#endif
