/* libFuzzer target for src/parse/leef.c: detect() and parse() on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"

extern const struct mm_parser mm_parser_leef;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mm_event ev;
    /* an exactly-sized copy: ASan reports any read past the line */
    char *buf = malloc(size > 0 ? size : 1);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    mm_event_reset(&ev, buf, size, 0);
    (void)mm_parser_leef.detect(&ev, buf, size);
    (void)mm_parser_leef.parse(&ev, buf, size);
    free(buf);
    return 0;
}
