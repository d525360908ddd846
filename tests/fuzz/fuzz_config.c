/*
 * fuzz_config.c - libFuzzer target for the configuration loader: YAML tree
 * (yaml.c), key tables and handlers (config.c, keys.c).
 *
 * Relative paths resolve against a directory that does not exist, so `rules`
 * paths fail their existence check without touching the tree the fuzzer
 * runs in.  Any outcome is fine except a crash, a leak or a half-built
 * config: a success must come with no errors, a failure with at least one.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mimamori/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mm_config *c = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    enum mm_err rc = mm_config_load_mem(&c, "fuzz.yaml", (const char *)data, size,
                                        "/nonexistent/mimamori-fuzz", &d);
    if (rc == MM_OK) {
        if (c == NULL || mm_diag_errors(&d) != 0 || c->nlisten == 0 || c->timezone == NULL ||
            c->database == NULL) {
            abort();
        }
    } else if (c != NULL || (rc == MM_ECONFIG && mm_diag_errors(&d) == 0)) {
        abort();
    }
    mm_config_free(c);
    mm_diag_free(&d);
    return 0;
}
