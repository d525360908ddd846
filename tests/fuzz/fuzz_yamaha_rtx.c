/* libFuzzer target for src/parse/yamaha_rtx.c: detect() and parse() on arbitrary bytes. */
#include "fuzz_parser.h"

MM_FUZZ_PARSER(mm_parser_yamaha_rtx)
