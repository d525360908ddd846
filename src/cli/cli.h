/*
 * cli.h - the verbs of the one binary, and helpers they share.
 * Each verb parses its own options (every verb takes -c/--config FILE and
 * -v) and returns the process exit status.
 */
#ifndef MIMAMORI_CLI_H
#define MIMAMORI_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
/* digest.c */
int mm_cmd_digest(int argc, char **argv);
/* status.c */
int mm_cmd_status(int argc, char **argv);
/* import.c */
int mm_cmd_import(int argc, char **argv);
/* report.c (report_*.c print it) */
int mm_cmd_report(int argc, char **argv);

/* notify.c */
int mm_cmd_notify(int argc, char **argv);

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
/*
 * The options every verb shares: -c/--config FILE, -h/--help and, when
 * verbose is not NULL, -v/--verbose.  Returns -1 when the verb goes on
 * (optind at the first operand), else its exit status: 0 after --help, 2
 * after a bad option (usage printed either way).
 */
int mm_cli_getopt_common(int argc, char **argv, void (*usage)(void), const char **cfgpath,
                         int *verbose);
/* "--min-severity LEVEL": 0 and *sev, or -1 with a message. */
int mm_cli_parse_severity(const char *s, int *sev);
/*
 * --since/--until TIME: s NULL leaves *ns alone.  -1 with
 * "mimamori: bad --OPT 'S' (e.g. EXAMPLES)" when TIME is not one.
 */
int mm_cli_parse_time_opt(const char *opt, const char *s, const char *examples, const char *tzname,
                          int64_t now_ns, int64_t *ns);
#define MM_CLI_SINCE_EG "30m, 24h, 7d, 2026-11-02" /* examples of alerts and digest */
#define MM_CLI_UNTIL_EG "1h, 2026-11-09"
/* A verb that reads the database: load the config, then become the database's
 * owner (dbowner.c).  NULL (printed) on failure. */
struct mm_config *mm_cli_load_config_db(const char *path);
struct mm_tz;
/* The configured time zone; -1 with "unknown time zone" printed. */
int mm_cli_load_tz(struct mm_tz **tz, const struct mm_config *cfg);
struct mm_store;
/* The database, read-only; -1 with a hint to start `mimamori run` printed. */
int mm_cli_open_store_ro(struct mm_store **st, const struct mm_config *cfg);
struct mm_ruleset;
/* Load the rule files in paths and print every diagnostic; NULL on failure. */
struct mm_ruleset *mm_cli_load_rules(const struct mm_config *cfg, const char *const *paths,
                                     size_t npaths);
struct mm_source_pin;
/* The configured sources as parser pins (at most cap); returns how many. */
size_t mm_cli_source_pins(const struct mm_config *cfg, struct mm_source_pin *pins, size_t cap);

/* htmlesc.c */
/*
 * Text from logs made safe inside HTML elements and attribute values:
 * < > & " ' as entities, control characters as U+FFFD, tab kept and newline
 * kept when keep_newline is set.
 */
void mm_cli_html_escape(FILE *f, const char *s, int keep_newline);

/* dbowner.c */
/*
 * Run by root on a database that belongs to another user (the daemon's):
 * become that user, so that files SQLite makes beside it stay the daemon's.
 * 0 when done or not needed, -1 (printed) on failure.
 */
int mm_cli_become_db_owner(const struct mm_config *cfg);

/* format.c - terminal output: colour, relative times, aligned UTF-8 columns */
struct mm_tz;
/* Colour on fd: a terminal, NO_COLOR unset or empty, TERM not "dumb". */
int mm_fmt_use_color(int fd);
/* The SGR sequence for a severity; end it with MM_FMT_RESET. */
const char *mm_fmt_sev_color(int sev);
#define MM_FMT_RESET "\033[0m"
#define MM_FMT_DIM "\033[2m"
#define MM_FMT_BOLD "\033[1m"
#define MM_FMT_WARN "\033[1;33m"
/* Text from logs made safe for a terminal: valid UTF-8 kept, controls and bad bytes as \xNN. */
const char *mm_fmt_escape(const char *s, char *dst, size_t cap);
/* Terminal columns of UTF-8 text (East Asian wide characters take two). */
size_t mm_fmt_width(const char *s);
/* Print s in exactly width columns: padded, or cut with an ellipsis; right-aligned if right. */
void mm_fmt_cell(FILE *f, const char *s, size_t width, int right);
/* "just now", "42s ago", "3m ago", "2h ago", "5d ago" ("in 3m" for the future, "never" for 0). */
void mm_fmt_ago(int64_t now_ns, int64_t t_ns, char *dst, size_t cap);
/* A span: "45s", "12m", "3h 12m", "2d 4h". */
void mm_fmt_span(int64_t ns, char *dst, size_t cap);
/* "2026-11-21 10:00:03" in tz ("-" for 0). */
void mm_fmt_time(const struct mm_tz *tz, int64_t ns, char *dst, size_t cap);
/* "1,234,567" */
void mm_fmt_count(uint64_t v, char *dst, size_t cap);
/* "812 B", "12.3 MiB" */
void mm_fmt_bytes(uint64_t v, char *dst, size_t cap);

#endif
