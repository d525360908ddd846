/* libFuzzer target for src/parse/cisco_asa.c: one input = one message body. */
#include "fuzz_parser.h"

MM_FUZZ_PARSER(mm_parser_cisco_asa)
