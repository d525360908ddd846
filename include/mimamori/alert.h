/*
 * alert.h - an alert: a rule fired for a group of events.  One JSON shape
 * everywhere (replay, `alerts --format jsonl`, notifications):
 *
 *   {"@timestamp", "rule": {"id","title","tags","description"}, "severity", "count",
 *    "first_seen", "last_seen", "group": {field: value}, "fields": {ECS
 *    fields of the event that raised it}, "evidence": [raw lines]}
 *
 * An alert is self-contained (owns all its memory) because it leaves the
 * pipeline thread for the store writer.  Repeats of one incident within the
 * rule's suppress window carry the same id and update count, last_seen and
 * evidence instead of making a new alert.
 *
 * A delta update (delta 1, from the daemon's alerter) is an update that
 * carries only what changes: the scalars and the evidence lines offered since
 * the previous version (the first and the latest of them); its rule, group
 * and fields strings may be NULL.  The store writer merges it into the stored
 * row (mm_alert_to_json_update), so an open incident costs no copy of its
 * fields or evidence in memory.
 */
#ifndef MIMAMORI_ALERT_H
#define MIMAMORI_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "mimamori/buf.h"
#include "mimamori/err.h"

enum mm_severity {
    MM_SEV_INFORMATIONAL = 0,
    MM_SEV_LOW,
    MM_SEV_MEDIUM,
    MM_SEV_HIGH,
    MM_SEV_CRITICAL
};

#define MM_ALERT_MAX_EVIDENCE 10   /* raw lines kept per alert: the first 5 and the last 5 */
#define MM_ALERT_MAX_LINE 2048     /* an evidence line is cut at this many bytes */

struct mm_alert {
    uint64_t id;               /* unique, stable for the incident */
    int is_update;             /* 1 when this is a repeat of an alert already emitted */
    char *rule_id;
    char *rule_title;
    char *tags_json;           /* JSON array text, e.g. ["attack.t1110"] */
    char *rule_description;    /* what to do, from the rule's description; may be NULL */
    enum mm_severity severity;
    uint64_t count;
    int64_t ts_ns;             /* @timestamp: when the alert was raised or last updated */
    int64_t first_seen_ns;     /* event time of the first event */
    int64_t last_seen_ns;      /* event time of the latest event */
    int64_t recv_ns;           /* receive time of the latest event (for latency) */
    char *group_key;           /* canonical text of the group: "source.ip=1.2.3.4" (may be "") */
    char *group_json;          /* {"source.ip":"1.2.3.4"} */
    char *fields_json;         /* {ECS fields of the event that raised it} */
    char *evidence[MM_ALERT_MAX_EVIDENCE];
    size_t nevidence;
    uint64_t evidence_seen;    /* how many lines were offered as evidence in all */
    int delta;                 /* an update of a stored alert; see above */
    int evidence_tail;         /* a delta whose stored row holds its first half of evidence
                                  already: only the latest half of its lines is kept */
};

/* alert.c */
const char *mm_severity_name(enum mm_severity s);
/* "informational|low|medium|high|critical" (also "info"); -1 when unknown */
int mm_severity_parse(const char *s);
struct mm_alert *mm_alert_dup(const struct mm_alert *a);
void mm_alert_free(struct mm_alert *a);
/* Add a raw line as evidence (keeps the first half and the latest half). */
enum mm_err mm_alert_add_evidence(struct mm_alert *a, const char *line, size_t len);
/* The alert JSON shape, one line, no trailing newline. */
enum mm_err mm_alert_to_json(const struct mm_alert *a, struct mm_buf *out);
/*
 * The JSON of delta update a from the JSON of its stored previous version
 * (len bytes, as mm_alert_to_json wrote it): rule, group and fields from the
 * stored text, the scalars from a, the stored evidence with a's lines added
 * as mm_alert_add_evidence would.  MM_EINVAL when stored is not that shape.
 */
enum mm_err mm_alert_to_json_update(const struct mm_alert *a, const char *stored, size_t len,
                                    struct mm_buf *out);
/*
 * Two versions of one alert become one: newer takes what older has that a
 * delta newer lacks (strings, earlier evidence: newer's lines are added to
 * older's, moved, not copied).  older is left to be freed.
 */
void mm_alert_fold(struct mm_alert *older, struct mm_alert *newer);
/* Heap bytes held by a (for queue bounds; an estimate). */
size_t mm_alert_bytes(const struct mm_alert *a);

#endif
