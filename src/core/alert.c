/*
 * alert.c - the alert object and its one JSON shape.
 *
 * An alert owns every string in it (it crosses from the pipeline thread to
 * the store writer).  Evidence keeps the first MM_ALERT_MAX_EVIDENCE/2 lines
 * and the latest MM_ALERT_MAX_EVIDENCE/2, each cut at MM_ALERT_MAX_LINE bytes;
 * evidence_seen counts every line offered.
 */
#include "mimamori/alert.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mimamori/event.h"

static const char *const sev_names[] = {"informational", "low", "medium", "high", "critical"};

const char *mm_severity_name(enum mm_severity s)
{
    if ((unsigned)s < sizeof(sev_names) / sizeof(sev_names[0])) {
        return sev_names[s];
    }
    return "unknown";
}

int mm_severity_parse(const char *s)
{
    if (s == NULL) {
        return -1;
    }
    for (size_t i = 0; i < sizeof(sev_names) / sizeof(sev_names[0]); i++) {
        if (strcasecmp(s, sev_names[i]) == 0) {
            return (int)i;
        }
    }
    if (strcasecmp(s, "info") == 0) {
        return MM_SEV_INFORMATIONAL;
    }
    return -1;
}

void mm_alert_free(struct mm_alert *a)
{
    if (a == NULL) {
        return;
    }
    free(a->rule_id);
    free(a->rule_title);
    free(a->tags_json);
    free(a->rule_description);
    free(a->group_key);
    free(a->group_json);
    free(a->fields_json);
    for (size_t i = 0; i < a->nevidence && i < MM_ALERT_MAX_EVIDENCE; i++) {
        free(a->evidence[i]);
    }
    free(a);
}

/* strdup that keeps NULL as NULL; *fail set when an allocation fails */
static char *dup_or_null(const char *s, int *fail)
{
    if (s == NULL) {
        return NULL;
    }
    char *d = strdup(s);
    if (d == NULL) {
        *fail = 1;
    }
    return d;
}

struct mm_alert *mm_alert_dup(const struct mm_alert *a)
{
    struct mm_alert *n = calloc(1, sizeof(*n));
    if (n == NULL) {
        return NULL;
    }
    int fail = 0;
    n->id = a->id;
    n->is_update = a->is_update;
    n->severity = a->severity;
    n->count = a->count;
    n->ts_ns = a->ts_ns;
    n->first_seen_ns = a->first_seen_ns;
    n->last_seen_ns = a->last_seen_ns;
    n->recv_ns = a->recv_ns;
    n->evidence_seen = a->evidence_seen;
    n->evidence_tail = a->evidence_tail;
    n->delta = a->delta;
    n->rule_id = dup_or_null(a->rule_id, &fail);
    n->rule_title = dup_or_null(a->rule_title, &fail);
    n->tags_json = dup_or_null(a->tags_json, &fail);
    n->rule_description = dup_or_null(a->rule_description, &fail);
    n->group_key = dup_or_null(a->group_key, &fail);
    n->group_json = dup_or_null(a->group_json, &fail);
    n->fields_json = dup_or_null(a->fields_json, &fail);
    size_t ne = a->nevidence < MM_ALERT_MAX_EVIDENCE ? a->nevidence : MM_ALERT_MAX_EVIDENCE;
    for (size_t i = 0; i < ne; i++) {
        n->evidence[i] = dup_or_null(a->evidence[i], &fail);
        n->nevidence = i + 1;
    }
    if (fail) {
        mm_alert_free(n);
        return NULL;
    }
    return n;
}

/*
 * The slot for the next of *n evidence items of elem bytes in arr: the end
 * while there is room, else the last after the latest half slid down by one
 * (the item at MM_ALERT_MAX_EVIDENCE / 2 leaves: the caller freed it).
 */
static size_t evidence_slot(void *arr, size_t elem, size_t *n)
{
    if (*n < MM_ALERT_MAX_EVIDENCE) {
        return (*n)++;
    }
    size_t half = MM_ALERT_MAX_EVIDENCE / 2;
    char *base = arr;
    memmove(base + half * elem, base + (half + 1) * elem,
            (MM_ALERT_MAX_EVIDENCE - half - 1) * elem);
    return MM_ALERT_MAX_EVIDENCE - 1;
}

/* Add an owned line (keeps the first half and the latest half, or only the latest). */
static void evidence_push(struct mm_alert *a, char *line)
{
    size_t half = MM_ALERT_MAX_EVIDENCE / 2;
    if (a->evidence_tail && a->nevidence >= half) {
        /* the first half is in the stored row: these could only be dropped by the merge */
        free(a->evidence[0]);
        memmove(a->evidence, a->evidence + 1, (half - 1) * sizeof(a->evidence[0]));
        a->evidence[half - 1] = line;
        a->nevidence = half;
        return;
    }
    if (a->nevidence >= MM_ALERT_MAX_EVIDENCE) {
        a->nevidence = MM_ALERT_MAX_EVIDENCE;
        free(a->evidence[MM_ALERT_MAX_EVIDENCE / 2]);
    }
    a->evidence[evidence_slot(a->evidence, sizeof(a->evidence[0]), &a->nevidence)] = line;
}

enum mm_err mm_alert_add_evidence(struct mm_alert *a, const char *line, size_t len)
{
    if (len > MM_ALERT_MAX_LINE) {
        len = MM_ALERT_MAX_LINE;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        return MM_ENOMEM;
    }
    if (len > 0) {
        memcpy(copy, line, len);
    }
    copy[len] = '\0';
    a->evidence_seen++;
    evidence_push(a, copy);
    return MM_OK;
}

/* *dst takes *src when it has none (strings of a delta that the older version has) */
static void take_str(char **dst, char **src)
{
    if (*dst == NULL) {
        *dst = *src;
        *src = NULL;
    }
}

void mm_alert_fold(struct mm_alert *older, struct mm_alert *newer)
{
    if (!newer->delta) {
        return; /* a full version supersedes everything before it */
    }
    take_str(&newer->rule_id, &older->rule_id);
    take_str(&newer->rule_title, &older->rule_title);
    take_str(&newer->tags_json, &older->tags_json);
    take_str(&newer->rule_description, &older->rule_description);
    take_str(&newer->group_key, &older->group_key);
    take_str(&newer->group_json, &older->group_json);
    take_str(&newer->fields_json, &older->fields_json);
    size_t ne = newer->nevidence < MM_ALERT_MAX_EVIDENCE ? newer->nevidence : MM_ALERT_MAX_EVIDENCE;
    for (size_t i = 0; i < ne; i++) {
        evidence_push(older, newer->evidence[i]);
    }
    memcpy(newer->evidence, older->evidence, sizeof(newer->evidence));
    newer->nevidence = older->nevidence;
    older->nevidence = 0;
    newer->evidence_seen += older->evidence_seen;
    newer->delta = older->delta;
    newer->evidence_tail = older->evidence_tail; /* the lines were pushed by older's rule */
}

static size_t str_bytes(const char *s)
{
    return s != NULL ? strlen(s) + 1 : 0;
}

size_t mm_alert_bytes(const struct mm_alert *a)
{
    size_t n = sizeof(*a) + str_bytes(a->rule_id) + str_bytes(a->rule_title) +
               str_bytes(a->tags_json) + str_bytes(a->rule_description) + str_bytes(a->group_key) +
               str_bytes(a->group_json) + str_bytes(a->fields_json);
    size_t ne = a->nevidence < MM_ALERT_MAX_EVIDENCE ? a->nevidence : MM_ALERT_MAX_EVIDENCE;
    for (size_t i = 0; i < ne; i++) {
        n += str_bytes(a->evidence[i]);
    }
    return n;
}

/* {"@timestamp":…,"id":…, */
static enum mm_err json_head(const struct mm_alert *a, struct mm_buf *out)
{
    char ts[40];
    return mm_buf_printf(out, "{\"@timestamp\":\"%s\",\"id\":\"%016" PRIx64 "\",",
                         mm_time_format(a->ts_ns, ts, sizeof(ts)), a->id);
}

/* "rule":{"id","title","tags"[,"description"]} */
static enum mm_err json_rule(const struct mm_alert *a, struct mm_buf *out)
{
    const char *rid = a->rule_id ? a->rule_id : "";
    const char *title = a->rule_title ? a->rule_title : "";
    enum mm_err rc = mm_buf_puts(out, "\"rule\":{\"id\":");
    if (rc == MM_OK) {
        rc = mm_buf_json_str(out, rid, strlen(rid));
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, ",\"title\":");
    }
    if (rc == MM_OK) {
        rc = mm_buf_json_str(out, title, strlen(title));
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, ",\"tags\":");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, a->tags_json ? a->tags_json : "[]");
    }
    if (rc == MM_OK && a->rule_description != NULL) {
        rc = mm_buf_puts(out, ",\"description\":");
        if (rc == MM_OK) {
            rc = mm_buf_json_str(out, a->rule_description, strlen(a->rule_description));
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_putc(out, '}');
    }
    return rc;
}

/* ,"severity","count","first_seen","last_seen" */
static enum mm_err json_state(const struct mm_alert *a, struct mm_buf *out)
{
    char first[40], last[40];
    return mm_buf_printf(out,
                         ",\"severity\":\"%s\",\"count\":%" PRIu64
                         ",\"first_seen\":\"%s\",\"last_seen\":\"%s\"",
                         mm_severity_name(a->severity), a->count,
                         mm_time_format(a->first_seen_ns, first, sizeof(first)),
                         mm_time_format(a->last_seen_ns, last, sizeof(last)));
}

/* ,"group":…,"fields":… (the JSON blobs are appended as they are) */
static enum mm_err json_group(const struct mm_alert *a, struct mm_buf *out)
{
    enum mm_err rc = mm_buf_puts(out, ",\"group\":");
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, a->group_json ? a->group_json : "{}");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, ",\"fields\":");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, a->fields_json ? a->fields_json : "{}");
    }
    return rc;
}

/*
 * Evidence lines may hold NUL bytes cut short by the C string; that is
 * accepted (the line is evidence for a human, not data).
 */
enum mm_err mm_alert_to_json(const struct mm_alert *a, struct mm_buf *out)
{
    enum mm_err rc = json_head(a, out);
    if (rc == MM_OK) {
        rc = json_rule(a, out);
    }
    if (rc == MM_OK) {
        rc = json_state(a, out);
    }
    if (rc == MM_OK) {
        rc = json_group(a, out);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, ",\"evidence\":[");
    }
    size_t ne = a->nevidence < MM_ALERT_MAX_EVIDENCE ? a->nevidence : MM_ALERT_MAX_EVIDENCE;
    for (size_t i = 0; i < ne && rc == MM_OK; i++) {
        if (i > 0) {
            rc = mm_buf_putc(out, ',');
        }
        if (rc == MM_OK) {
            const char *e = a->evidence[i] ? a->evidence[i] : "";
            rc = mm_buf_json_str(out, e, strlen(e));
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "]}");
    }
    return rc;
}

/* ---- updates merged into the stored JSON ---- */

/*
 * An evidence item of the merged list: a stored element (JSON text with its
 * quotes, copied as it is, so the bytes stay exactly those first written) or
 * a new raw line (escaped on output).
 */
struct ev_item {
    const char *p;
    size_t n;
    int raw;
};

/* The pieces of a stored alert JSON that an update keeps. */
struct stored_parts {
    const char *rule, *rule_end;   /* "rule":{…} */
    const char *group, *group_end; /* ,"group":…,"fields":… */
    const char *ev;                /* the first byte after ,"evidence":[ */
};

/*
 * These markers cannot occur inside a JSON string (its quotes would be
 * escaped), so the first one after the previous part is the part's edge.
 */
static int stored_split(const char *s, struct stored_parts *sp)
{
    static const char ev_mark[] = ",\"evidence\":[";
    const char *r = strstr(s, ",\"rule\":{");
    const char *re = r != NULL ? strstr(r, "},\"severity\":\"") : NULL;
    const char *g = re != NULL ? strstr(re, ",\"group\":") : NULL;
    const char *e = g != NULL ? strstr(g, ev_mark) : NULL;
    if (e == NULL) {
        return -1;
    }
    sp->rule = r + 1;
    sp->rule_end = re + 1;
    sp->group = g;
    sp->group_end = e;
    sp->ev = e + sizeof(ev_mark) - 1;
    return 0;
}

/* The stored evidence array's elements (JSON strings) into items; -1 when malformed. */
static int stored_evidence(const char *p, const char *end, struct ev_item *it, size_t *n)
{
    while (p < end && *p != ']') {
        if (*p != '"') {
            return -1;
        }
        const char *q = p + 1;
        while (q < end && *q != '"') {
            q += (*q == '\\' && q + 1 < end) ? 2 : 1;
        }
        if (q >= end) {
            return -1;
        }
        size_t k = evidence_slot(it, sizeof(*it), n);
        it[k] = (struct ev_item){p, (size_t)(q + 1 - p), 0};
        p = q + 1;
        if (p < end && *p == ',') {
            p++;
        }
    }
    return p < end ? 0 : -1;
}

static enum mm_err json_items(const struct ev_item *it, size_t n, struct mm_buf *out)
{
    enum mm_err rc = mm_buf_puts(out, ",\"evidence\":[");
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        if (i > 0) {
            rc = mm_buf_putc(out, ',');
        }
        if (rc == MM_OK) {
            rc = it[i].raw ? mm_buf_json_str(out, it[i].p, it[i].n)
                           : mm_buf_append(out, it[i].p, it[i].n);
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "]}");
    }
    return rc;
}

enum mm_err mm_alert_to_json_update(const struct mm_alert *a, const char *stored, size_t len,
                                    struct mm_buf *out)
{
    struct stored_parts sp;
    struct ev_item it[MM_ALERT_MAX_EVIDENCE];
    size_t n = 0;
    if (stored == NULL || strlen(stored) != len || stored_split(stored, &sp) != 0 ||
        stored_evidence(sp.ev, stored + len, it, &n) != 0) {
        return MM_EINVAL;
    }
    size_t ne = a->nevidence < MM_ALERT_MAX_EVIDENCE ? a->nevidence : MM_ALERT_MAX_EVIDENCE;
    for (size_t i = 0; i < ne; i++) {
        const char *e = a->evidence[i] ? a->evidence[i] : "";
        it[evidence_slot(it, sizeof(*it), &n)] = (struct ev_item){e, strlen(e), 1};
    }
    enum mm_err rc = json_head(a, out);
    if (rc == MM_OK) {
        rc = mm_buf_append(out, sp.rule, (size_t)(sp.rule_end - sp.rule));
    }
    if (rc == MM_OK) {
        rc = json_state(a, out);
    }
    if (rc == MM_OK) {
        rc = mm_buf_append(out, sp.group, (size_t)(sp.group_end - sp.group));
    }
    if (rc == MM_OK) {
        rc = json_items(it, n, out);
    }
    return rc;
}
