/* libFuzzer target for src/parse/routeros.c: one input = one message body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"

extern const struct mm_parser mm_parser_routeros;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mm_event ev;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exactly-sized copy, so that ASan sees any read past the body */
    char *body = malloc(size > 0 ? size : 1);
    if (body == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(body, data, size);
    }
    mm_event_reset(&ev, body, size, 0);
    (void)mm_parser_routeros.detect(&ev, body, size);
    (void)mm_parser_routeros.parse(&ev, body, size);
    free(body);
    return 0;
}
