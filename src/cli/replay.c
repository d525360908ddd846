/*
 * replay.c - `mimamori replay FILE...`: push log lines through parse and rules
 * with no sockets and no database.
 *
 *   --format jsonl   one JSON object per input line: flat ECS keys,
 *                    "mimamori.parser", and "alerts" (ids of rules that fired)
 *   --alerts         only the alerts, one JSON object each (final state of each
 *                    incident, in the order they were raised)
 *   default          a short human summary and the alerts, one line each
 *
 * Without -c, the config at the default path is used when it exists;
 * otherwise built-in defaults (UTC, no rules unless --rules is given).
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mimamori/alert.h"
#include "mimamori/buf.h"
#include "mimamori/log.h"
#include "mimamori/parse.h"
#include "mimamori/rules.h"
#include "mimamori/tz.h"

enum out_format { OUT_TEXT, OUT_JSONL, OUT_ALERTS };

#define REPLAY_MAX_MATCH 64

struct replay {
    enum out_format format;
    struct mm_parse_ctx *pctx;
    struct mm_ruleset *rules;
    struct mm_alerter *alerter;
    struct mm_corr *corr; /* correlation on event time (absence too) */
    int64_t corr_tick;    /* event time of the last timer run */
    int oom;
    struct mm_event *ev;
    struct mm_buf out;
    size_t max_message;
    /* incidents in the order raised; an update replaces its entry */
    struct mm_alert **alerts;
    size_t nalerts, capalerts;
    uint64_t lines, unparsed, malformed, matched;
    int64_t last_ts; /* event time of the previous line */
};

static int keep_alert(struct replay *r, struct mm_alert *a)
{
    if (a->is_update) {
        for (size_t i = r->nalerts; i-- > 0;) {
            if (r->alerts[i]->id == a->id) {
                mm_alert_free(r->alerts[i]);
                r->alerts[i] = a;
                return 0;
            }
        }
    }
    if (r->nalerts == r->capalerts) {
        size_t cap = r->capalerts ? r->capalerts * 2 : 64;
        struct mm_alert **p = realloc(r->alerts, cap * sizeof(*p));
        if (p == NULL) {
            mm_alert_free(a);
            return -1;
        }
        r->alerts = p;
        r->capalerts = cap;
    }
    r->alerts[r->nalerts++] = a;
    return 0;
}

/* ---- correlation: same engine as the daemon, timers on event time ---- */
static void emit_alert(void *arg, struct mm_alert *a)
{
    struct replay *r = arg;
    if (keep_alert(r, a) != 0) {
        r->oom = 1;
    }
}

/* Run the timers (absence, expiry) when event time has moved on by a second. */
static void corr_time(struct replay *r, int64_t ts, int force)
{
    if (r->corr != NULL && (force || ts - r->corr_tick >= 1000000000LL)) {
        r->corr_tick = ts;
        mm_corr_tick(r->corr, ts, r->alerter, emit_alert, r);
    }
}

static int replay_line(struct replay *r, const char *name, const char *line, size_t len,
                       int64_t now)
{
    struct mm_event *ev = r->ev;
    int truncated = 0;
    if (len > r->max_message) {
        len = r->max_message;
        truncated = 1;
    }
    mm_event_reset(ev, line, len, now);
    ev->source = name;
    if (truncated) {
        ev->flags |= MM_EV_TRUNCATED;
    }
    mm_parse_event(r->pctx, ev, now);
    /* a line that carries no time of its own happened when the line before it did */
    if (ev->ts_ns == now && r->last_ts != 0) {
        ev->ts_ns = r->last_ts;
    }
    r->last_ts = ev->ts_ns;
    r->lines++;
    if (ev->flags & MM_EV_UNPARSED) {
        r->unparsed++;
    }
    if (ev->flags & MM_EV_MALFORMED) {
        r->malformed++;
    }
    const struct mm_rule *hits[REPLAY_MAX_MATCH];
    size_t nhits = 0;
    if (r->rules != NULL) {
        nhits = mm_ruleset_match(r->rules, ev, hits, REPLAY_MAX_MATCH);
    }
    if (nhits > 0) {
        r->matched++;
    }
    if (r->corr != NULL) {
        corr_time(r, ev->ts_ns, 0);
        mm_corr_feed(r->corr, r->rules, ev, hits, nhits, r->alerter, emit_alert, r);
        if (r->oom) {
            log_warnx("out of memory keeping alerts");
            return -1;
        }
    }
    for (size_t i = 0; i < nhits; i++) {
        if (!mm_rule_alerts(hits[i])) {
            continue; /* used by a correlation without generate: true */
        }
        struct mm_alert *a = mm_alerter_fire(r->alerter, hits[i], ev);
        if (a != NULL && keep_alert(r, a) != 0) {
            log_warnx("out of memory keeping alerts");
            return -1;
        }
    }
    if (r->format != OUT_JSONL) {
        return 0;
    }
    struct mm_buf *o = &r->out;
    char ts[40];
    mm_buf_reset(o);
    mm_buf_puts(o, "{\"@timestamp\":\"");
    mm_buf_puts(o, mm_time_format(ev->ts_ns, ts, sizeof(ts)));
    mm_buf_puts(o, "\",\"mimamori.parser\":");
    mm_buf_json_str(o, ev->parser, strlen(ev->parser));
    if (ev->flags & MM_EV_MALFORMED) {
        mm_buf_puts(o, ",\"mimamori.malformed\":true");
    }
    if (ev->flags & MM_EV_TRUNCATED) {
        mm_buf_puts(o, ",\"mimamori.truncated\":true");
    }
    struct mm_buf fields;
    mm_buf_init(&fields, 0);
    if (mm_event_json_fields(ev, &fields) == MM_OK && fields.len > 0) {
        mm_buf_putc(o, ',');
        mm_buf_append(o, fields.p, fields.len);
    }
    mm_buf_free(&fields);
    mm_buf_puts(o, ",\"alerts\":[");
    for (size_t i = 0; i < nhits; i++) {
        const char *id = mm_rule_id(hits[i]);
        if (i > 0) {
            mm_buf_putc(o, ',');
        }
        mm_buf_json_str(o, id, strlen(id));
    }
    if (mm_buf_puts(o, "]}\n") != MM_OK) {
        log_warnx("line %llu: output too large", (unsigned long long)r->lines);
        return 0;
    }
    fwrite(o->p, 1, o->len, stdout);
    return 0;
}

static int replay_stream(struct replay *r, const char *name, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    int64_t now = mm_cli_now_ns();
    while ((n = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            len--;
        }
        if (replay_line(r, name, line, len, now) != 0) {
            rc = -1;
            break;
        }
    }
    if (ferror(f)) {
        log_warn("%s: read error", name);
        rc = -1;
    }
    free(line);
    return rc;
}

static void print_alert_text(const struct mm_alert *a)
{
    char first[40], last[40];
    printf("%-13s %-8s x%-5llu %s  %s  [%s .. %s]\n", a->rule_id, mm_severity_name(a->severity),
           (unsigned long long)a->count, a->rule_title, a->group_key ? a->group_key : "",
           mm_time_format(a->first_seen_ns, first, sizeof(first)),
           mm_time_format(a->last_seen_ns, last, sizeof(last)));
}

static void usage(void)
{
    fprintf(stderr, "usage: mimamori replay [-c FILE] [--rules PATH]... [--format text|jsonl] "
                    "[--alerts] FILE... (- for stdin)\n");
}

int mm_cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"format", required_argument, NULL, 'f'},
        {"alerts", no_argument, NULL, 'a'},       {"rules", required_argument, NULL, 'r'},
        {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *cfgpath = NULL;
    const char *rulepaths[64];
    size_t nrulepaths = 0;
    int verbose = 0;
    struct replay r;
    memset(&r, 0, sizeof(r));
    r.format = OUT_TEXT;
    int c;
    while ((c = getopt_long(argc, argv, "c:f:ar:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cfgpath = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0) {
                r.format = OUT_JSONL;
            } else if (strcmp(optarg, "text") == 0) {
                r.format = OUT_TEXT;
            } else {
                fprintf(stderr, "mimamori: unknown format '%s' (text, jsonl)\n", optarg);
                return 2;
            }
            break;
        case 'a':
            r.format = OUT_ALERTS;
            break;
        case 'r':
            if (nrulepaths == sizeof(rulepaths) / sizeof(rulepaths[0])) {
                fprintf(stderr, "mimamori: too many --rules\n");
                return 2;
            }
            rulepaths[nrulepaths++] = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    if (optind >= argc) {
        usage();
        return 2;
    }
    mm_log_init(verbose ? MM_LOG_DEBUG : MM_LOG_WARN, 0);

    int status = 1;
    struct mm_config *cfg = NULL;
    struct mm_tz *tz = NULL;
    if (cfgpath == NULL && access(MM_CONFIG_DEFAULT_PATH, R_OK) != 0) {
        char cwd[4096];
        if (getcwd(cwd, sizeof(cwd)) == NULL || mm_config_default(&cfg, cwd) != MM_OK) {
            fprintf(stderr, "mimamori: cannot set up the default configuration\n");
            return 1;
        }
        if (nrulepaths == 0) {
            /* defaults name a rules directory that may not exist here: no rules then */
            for (size_t i = 0; i < cfg->nrules; i++) {
                if (access(cfg->rules[i], R_OK) == 0 && nrulepaths < 64) {
                    rulepaths[nrulepaths++] = cfg->rules[i];
                }
            }
        }
    } else {
        cfg = mm_cli_load_config(cfgpath);
        if (cfg == NULL) {
            return 1;
        }
        if (nrulepaths == 0) {
            for (size_t i = 0; i < cfg->nrules && i < 64; i++) {
                rulepaths[nrulepaths++] = cfg->rules[i];
            }
        }
    }
    r.max_message = cfg->max_message ? cfg->max_message : 8192;
    if (mm_cli_load_tz(&tz, cfg) != 0) {
        goto done;
    }
    struct mm_source_pin pins[64];
    size_t npins = mm_cli_source_pins(cfg, pins, 64);
    if (mm_parse_ctx_new(&r.pctx, tz, pins, npins) != MM_OK) {
        fprintf(stderr, "mimamori: out of memory\n");
        goto done;
    }
    if (nrulepaths > 0) {
        r.rules = mm_cli_load_rules(cfg, rulepaths, nrulepaths);
        if (r.rules == NULL) {
            fprintf(stderr, "mimamori: rules not loaded\n");
            goto done;
        }
    }
    if (mm_alerter_new(&r.alerter, 100000) != MM_OK) {
        goto done;
    }
    if (r.rules != NULL && (mm_corr_new(&r.corr, 0) != MM_OK ||
                            mm_corr_bind(r.corr, r.rules) != MM_OK)) {
        goto done;
    }
    r.ev = malloc(sizeof(*r.ev));
    if (r.ev == NULL) {
        goto done;
    }
    mm_buf_init(&r.out, 0);
    status = 0;
    for (int i = optind; i < argc && status == 0; i++) {
        if (strcmp(argv[i], "-") == 0) {
            if (replay_stream(&r, "stdin", stdin) != 0) {
                status = 1;
            }
            continue;
        }
        FILE *f = fopen(argv[i], "r");
        if (f == NULL) {
            fprintf(stderr, "mimamori: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            break;
        }
        if (replay_stream(&r, argv[i], f) != 0) {
            status = 1;
        }
        fclose(f);
    }
    /* the end of the input is as far as event time goes: silences up to the last line */
    if (r.corr != NULL && r.last_ts != 0) {
        corr_time(&r, r.last_ts, 1);
    }
    /* the final state of every incident that repeats updated */
    if (r.alerter != NULL) {
        mm_alerter_flush(r.alerter, emit_alert, &r);
    }
    if (r.format == OUT_ALERTS) {
        for (size_t i = 0; i < r.nalerts; i++) {
            mm_buf_reset(&r.out);
            if (mm_alert_to_json(r.alerts[i], &r.out) == MM_OK) {
                fwrite(r.out.p, 1, r.out.len, stdout);
                fputc('\n', stdout);
            }
        }
    } else if (r.format == OUT_TEXT) {
        printf("%llu lines: %llu parsed by a vendor parser, %llu unparsed, %llu malformed; "
               "%llu matched a rule; %zu alerts\n",
               (unsigned long long)r.lines, (unsigned long long)(r.lines - r.unparsed),
               (unsigned long long)r.unparsed, (unsigned long long)r.malformed,
               (unsigned long long)r.matched, r.nalerts);
        for (size_t i = 0; i < r.nalerts; i++) {
            print_alert_text(r.alerts[i]);
        }
    }
    if (fflush(stdout) != 0) {
        status = 1;
    }
done:
    for (size_t i = 0; i < r.nalerts; i++) {
        mm_alert_free(r.alerts[i]);
    }
    free(r.alerts);
    mm_buf_free(&r.out);
    free(r.ev);
    mm_corr_free(r.corr);
    mm_alerter_free(r.alerter);
    mm_ruleset_unref(r.rules);
    mm_parse_ctx_free(r.pctx);
    mm_tz_free(tz);
    mm_config_free(cfg);
    return status;
}
