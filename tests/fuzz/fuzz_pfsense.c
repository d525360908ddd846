/* libFuzzer target for src/parse/pfsense.c: one input = one message body. */
#include "fuzz_parser.h"

MM_FUZZ_PARSER(mm_parser_pfsense)
