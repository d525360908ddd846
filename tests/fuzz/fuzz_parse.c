/*
 * fuzz_parse.c - the whole parse path: header, registry, every registered
 * body parser (mm_parse_event).  The input is copied into a buffer of exactly
 * its size so that ASan catches a parser reading past the line.  One context
 * lives across inputs, so the per-source memory is exercised too; the first
 * byte picks one of a few sources, one of them pinned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/buf.h"
#include "mimamori/parse.h"
#include "mimamori/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mm_event ev;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mm_tz *tz;
    static struct mm_parse_ctx *ctx;
    static struct mm_buf out;
    if (ctx == NULL) {
        if (mm_tz_load(&tz, "Asia/Tokyo") != MM_OK && mm_tz_load(&tz, "UTC") != MM_OK) {
            abort();
        }
        static const struct mm_source_pin pins[] = {{"198.51.100.0/24", "sshd", "pinned"}};
        if (mm_parse_ctx_new(&ctx, tz, pins, 1) != MM_OK) {
            abort();
        }
        mm_buf_init(&out, 0);
    }
    static const char *const sources[] = {"192.0.2.1", "198.51.100.9", "/var/log/auth.log", NULL};
    char *buf = malloc(size > 0 ? size : 1);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    mm_event_reset(&ev, buf, size, 1781179200LL * 1000000000LL);
    ev.source = sources[size > 0 ? data[0] & 3 : 3];
    mm_parse_event(ctx, &ev, 1781179200LL * 1000000000LL);
    if (ev.parser == NULL || ev.nx > MM_EVENT_MAX_EXTRA || ev.scratch_used > MM_EVENT_SCRATCH) {
        abort();
    }
    /* every value must be readable: the JSON writer touches each byte */
    mm_buf_reset(&out);
    (void)mm_event_json_fields(&ev, &out);
    free(buf);
    return 0;
}
