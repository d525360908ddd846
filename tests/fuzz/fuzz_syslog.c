/*
 * fuzz_syslog.c - the syslog header reader (src/parse/syslog.c) and the time
 * zone code behind it.  The input is copied into a buffer of exactly its size
 * so that ASan sees any read past the line.  The first byte picks the zone
 * (UTC, or Europe/Berlin when installed: DST arithmetic) and the receive time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"
#include "mimamori/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mm_event ev;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mm_tz *zones[2];
    static int loaded;
    if (!loaded) {
        loaded = 1;
        if (mm_tz_load(&zones[0], "UTC") != MM_OK) {
            abort();
        }
        if (mm_tz_load(&zones[1], "Europe/Berlin") != MM_OK) {
            zones[1] = zones[0];
        }
    }
    uint8_t sel = size > 0 ? data[0] : 0;
    /* a receive time near a new year, a DST change or an ordinary day */
    static const int64_t nows[] = {1798761570LL, 1774746000LL, 1781179200LL, 0};
    int64_t now = nows[(sel >> 1) & 3] * 1000000000LL;
    char *buf = malloc(size > 0 ? size : 1);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    mm_event_reset(&ev, buf, size, now);
    const char *body = NULL;
    size_t len = 0;
    mm_syslog_parse_header(&ev, zones[sel & 1], now, &body, &len);
    if (body < buf || body > buf + size || len > (size_t)(buf + size - body)) {
        abort();
    }
    struct mm_str m = mm_event_get(&ev, MM_F_MESSAGE);
    if (m.p != body || m.n != len) {
        abort();
    }
    free(buf);
    return 0;
}
