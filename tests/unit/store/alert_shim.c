/*
 * TEMPORARY stand-in for src/core/alert.c while it is being written.
 * Included by the store tests only when present; delete it once alert.c lands.
 */
#include <stdlib.h>

#include "mimamori/alert.h"
#include "mimamori/buf.h"

void mm_alert_free(struct mm_alert *a)
{
    if (a == NULL) {
        return;
    }
    free(a->rule_id);
    free(a->rule_title);
    free(a->tags_json);
    free(a->group_key);
    free(a->group_json);
    free(a->fields_json);
    for (size_t i = 0; i < a->nevidence; i++) {
        free(a->evidence[i]);
    }
    free(a);
}

enum mm_err mm_alert_to_json(const struct mm_alert *a, struct mm_buf *out)
{
    enum mm_err rc = mm_buf_puts(out, "{\"rule\":{\"id\":");
    if (rc == MM_OK) {
        rc = mm_buf_json_str(out, a->rule_id, strlen(a->rule_id));
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, ",\"title\":");
    }
    if (rc == MM_OK) {
        rc = mm_buf_json_str(out, a->rule_title, strlen(a->rule_title));
    }
    if (rc == MM_OK) {
        rc = mm_buf_printf(out, "},\"severity\":%d,\"count\":%llu}", (int)a->severity,
                           (unsigned long long)a->count);
    }
    return rc;
}
