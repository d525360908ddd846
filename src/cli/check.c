/*
 * check.c - `mimamori check`: validate the config and the rules, run every
 * rule's examples, print every problem as file:line:col: reason, then
 * "configuration OK" (exit 0) or a count of errors (exit 1).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mimamori/log.h"
#include "mimamori/parse.h"
#include "mimamori/rules.h"
#include "mimamori/tz.h"

static void usage(void)
{
    fprintf(stderr, "usage: mimamori check [-c FILE] [--rules PATH]... [-q]\n");
}

int mm_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"rules", required_argument, NULL, 'r'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cfgpath = NULL;
    const char *extra[64];
    size_t nextra = 0;
    int quiet = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:r:qvh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cfgpath = optarg;
            break;
        case 'r':
            if (nextra < 64) {
                extra[nextra++] = optarg;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        case 'v':
            mm_log_init(MM_LOG_DEBUG, 0);
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_config *cfg = NULL;
    struct mm_ruleset *rs = NULL;
    struct mm_tz *tz = NULL;
    struct mm_parse_ctx *pctx = NULL;
    size_t nerr = 0;

    if (mm_config_load(&cfg, cfgpath, &d) != MM_OK) {
        goto report;
    }
    for (size_t i = 0; i < cfg->nsources; i++) {
        const char *p = cfg->sources[i].parser;
        if (p != NULL && mm_parser_find(p) == NULL) {
            mm_diag_error(&d, cfg->path, 0, 0, "source '%s': unknown parser '%s'",
                          cfg->sources[i].match, p);
        }
    }
    if (mm_tz_load(&tz, cfg->timezone) != MM_OK) {
        mm_diag_error(&d, cfg->path, 0, 0, "unknown time zone '%s'", cfg->timezone);
        goto report;
    }
    const char *paths[128];
    size_t npaths = 0;
    for (size_t i = 0; i < cfg->nrules && npaths < 128; i++) {
        paths[npaths++] = cfg->rules[i];
    }
    for (size_t i = 0; i < nextra && npaths < 128; i++) {
        paths[npaths++] = extra[i];
    }
    if (mm_ruleset_load_cfg(&rs, cfg, paths, npaths, &d) != MM_OK) {
        goto report;
    }
    struct mm_source_pin pins[64];
    size_t npins = mm_cli_source_pins(cfg, pins, 64);
    if (mm_parse_ctx_new(&pctx, tz, pins, npins) != MM_OK) {
        mm_diag_error(&d, cfg->path, 0, 0, "out of memory");
        goto report;
    }
    mm_ruleset_check_examples(rs, pctx, &d);

report:
    mm_diag_print(&d, stderr);
    nerr = mm_diag_errors(&d);
    if (nerr == 0) {
        if (!quiet) {
            printf("%s: %zu rules and %zu correlation rules loaded, examples passed\n"
                   "configuration OK\n",
                   cfg ? cfg->path : "-", rs ? mm_ruleset_count(rs) : (size_t)0,
                   rs ? mm_ruleset_corr_count(rs) : (size_t)0);
        }
    } else {
        fprintf(stderr, "%zu error%s\n", nerr, nerr == 1 ? "" : "s");
    }
    mm_diag_free(&d);
    mm_parse_ctx_free(pctx);
    mm_ruleset_unref(rs);
    mm_tz_free(tz);
    mm_config_free(cfg);
    return nerr == 0 ? 0 : 1;
}
