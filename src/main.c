/*
 * main.c - the one binary: `mimamori VERB [options]`.
 * Each verb lives in src/cli/<verb>.c and parses its own options.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct verb {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct verb verbs[] = {
    {"run", mm_cmd_run, "run the daemon: receive syslog, parse, match rules, store alerts"},
    {"check", mm_cmd_check, "validate the config and rules, and run every rule's examples"},
    {"replay", mm_cmd_replay, "push log lines from files or stdin through parse and rules"},
    {"alerts", mm_cmd_alerts, "list alerts from the database; --follow tails them"},
    {"notify", mm_cmd_notify, "send a test message to a channel; show pending/failed/sent"},
    {"digest", mm_cmd_digest, "what happened in a period, grouped by incident, worst first"},
    {"status", mm_cmd_status, "is the daemon up; rates, drops, sources, outbox, database"},
    {"import", mm_cmd_import, "load old log files into the database, on their own timestamps"},
    {"report", mm_cmd_report, "the week's picture for the owner: text, HTML or JSON; mails it"},
};

void mm_cli_usage(void)
{
    fprintf(stderr, "usage: mimamori VERB [-c FILE] [-v] [options]\n\nverbs:\n");
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        fprintf(stderr, "  %-8s %s\n", verbs[i].name, verbs[i].help);
    }
    fprintf(stderr, "\n`mimamori VERB --help` shows the options of a verb.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        mm_cli_usage();
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        mm_cli_usage();
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("mimamori 0.1.0\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(argv[1], verbs[i].name) == 0) {
            return verbs[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "mimamori: unknown verb '%s'\n", argv[1]);
    mm_cli_usage();
    return 2;
}
