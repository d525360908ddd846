/* libFuzzer target for src/parse/json.c: detect() and parse() on arbitrary bytes. */
#include "fuzz_parser.h"

MM_FUZZ_PARSER(mm_parser_json)
