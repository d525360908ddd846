/*
 * fuzz_rules.c - rule files: bytes -> YAML -> rule compiler -> dispatch
 * build, then one match over a fixed event so compiled values are exercised.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mimamori/rules.h"
#include "rules/rules_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mm_event ev;
    static const char raw[] = "Failed password for root from 203.0.113.9 port 4242 ssh2";
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = NULL;
    if (mm_ruleset_load_mem(&rs, "fuzz.yml", (const char *)data, size, &d) == MM_OK) {
        mm_event_reset(&ev, raw, sizeof(raw) - 1, 0);
        mm_event_set(&ev, MM_F_MESSAGE, raw, sizeof(raw) - 1);
        mm_event_set(&ev, MM_F_USER_NAME, "root", 4);
        mm_event_set(&ev, MM_F_SOURCE_IP, "203.0.113.9", 11);
        mm_event_set(&ev, MM_F_SOURCE_PORT, "4242", 4);
        mm_event_add(&ev, "fortinet", "logid", 5, "0100032002", 10);
        const struct mm_rule *out[16];
        (void)mm_ruleset_match(rs, &ev, out, 16);
        (void)mm_rules_match_all(rs, &ev, out, 16);
        mm_ruleset_unref(rs);
    }
    mm_diag_free(&d);
    return 0;
}
