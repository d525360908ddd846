/*
 * fuzz_parser.h - what every per-parser libFuzzer target does: one parser's
 * detect() and parse() on arbitrary bytes, from an exactly-sized copy so that
 * ASan reports any read past the body.  A target names its parser:
 *
 *   #include "fuzz_parser.h"
 *   MM_FUZZ_PARSER(mm_parser_cef)
 */
#ifndef MM_FUZZ_PARSER_H
#define MM_FUZZ_PARSER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline int mm_fuzz_parser(const struct mm_parser *p, const uint8_t *data, size_t size)
{
    static struct mm_event ev;
    char *body = malloc(size > 0 ? size : 1);
    if (body == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(body, data, size);
    }
    mm_event_reset(&ev, body, size, 0);
    (void)p->detect(&ev, body, size);
    (void)p->parse(&ev, body, size);
    free(body);
    return 0;
}

#define MM_FUZZ_PARSER(parser)                                                                     \
    extern const struct mm_parser parser;                                                          \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                   \
    {                                                                                              \
        return mm_fuzz_parser(&parser, data, size);                                                \
    }

#endif
