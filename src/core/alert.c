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
    if (a->nevidence < MM_ALERT_MAX_EVIDENCE) {
        a->evidence[a->nevidence++] = copy;
        return MM_OK;
    }
    /* keep the first half; the second half slides to hold the latest lines */
    size_t half = MM_ALERT_MAX_EVIDENCE / 2;
    free(a->evidence[half]);
    memmove(&a->evidence[half], &a->evidence[half + 1],
            (MM_ALERT_MAX_EVIDENCE - half - 1) * sizeof(a->evidence[0]));
    a->evidence[MM_ALERT_MAX_EVIDENCE - 1] = copy;
    return MM_OK;
}

/*
 * Evidence lines may hold NUL bytes cut short by the C string; that is
 * accepted (the line is evidence for a human, not data).
 */
enum mm_err mm_alert_to_json(const struct mm_alert *a, struct mm_buf *out)
{
    char ts[40], first[40], last[40];
    const char *rid = a->rule_id ? a->rule_id : "";
    const char *title = a->rule_title ? a->rule_title : "";
    enum mm_err rc = mm_buf_printf(out, "{\"@timestamp\":\"%s\",\"id\":\"%016" PRIx64
                                        "\",\"rule\":{\"id\":",
                                   mm_time_format(a->ts_ns, ts, sizeof(ts)), a->id);
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
        rc = mm_buf_printf(out,
                           "},\"severity\":\"%s\",\"count\":%" PRIu64
                           ",\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"group\":",
                           mm_severity_name(a->severity), a->count,
                           mm_time_format(a->first_seen_ns, first, sizeof(first)),
                           mm_time_format(a->last_seen_ns, last, sizeof(last)));
    }
    /* the JSON blobs are appended as they are: printf would copy them twice, bytewise */
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, a->group_json ? a->group_json : "{}");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, ",\"fields\":");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, a->fields_json ? a->fields_json : "{}");
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
