/*
 * cli.h - the verbs of the one binary, and helpers they share.
 * Each verb parses its own options (every verb takes -c/--config FILE and
 * -v) and returns the process exit status.
 */
#ifndef MIMAMORI_CLI_H
#define MIMAMORI_CLI_H

#include <stdint.h>

#include "mimamori/config.h"
#include "mimamori/diag.h"

/* run.c */
int mm_cmd_run(int argc, char **argv);
/* check.c */
int mm_cmd_check(int argc, char **argv);
/* replay.c */
int mm_cmd_replay(int argc, char **argv);
/* alerts.c */
int mm_cmd_alerts(int argc, char **argv);

/* common.c */
/* Load the config named by path (NULL = default) and print every error; NULL on failure. */
struct mm_config *mm_cli_load_config(const char *path);
/*
 * A point in time given on the command line: a duration back from now
 * ("90s", "30m", "24h", "7d", "2w") or an ISO date/time ("2026-11-02",
 * "2026-11-02T08:00:00", with an optional Z or +09:00; local time of the
 * configured zone otherwise).  Returns 0 and sets *ns, or -1.
 */
int mm_cli_parse_time(const char *s, const char *tzname, int64_t now_ns, int64_t *ns);
int64_t mm_cli_now_ns(void);
void mm_cli_usage(void);

#endif
