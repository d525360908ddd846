/* libFuzzer target for src/parse/routeros.c: one input = one message body. */
#include "fuzz_parser.h"

MM_FUZZ_PARSER(mm_parser_routeros)
