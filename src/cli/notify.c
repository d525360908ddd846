/*
 * notify.c - `mimamori notify test CHANNEL` and `mimamori notify status`.
 *
 * test: sends one test message through the channel, exactly as the daemon
 * would, and prints what the endpoint answered (exit 0 when it accepted).
 * status: pending / failed / sent per channel from the outbox, with the
 * latest error and, for pending rows, when the next attempt is planned.  The
 * database is opened read-only.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/log.h"
#include "mimamori/notify.h"
#include "mimamori/store.h"

struct status_row {
    char channel[65];
    int64_t pending, failed, sent;
    int64_t last_sent_ns, next_try_ns;
    char error[200];
};

struct status_list {
    struct status_row *rows;
    size_t n;
    int nomem;
};

static int collect(void *arg, const struct mm_notify_state_count *c)
{
    struct status_list *l = arg;
    struct status_row *r = l->n > 0 ? &l->rows[l->n - 1] : NULL;
    if (r == NULL || strcmp(r->channel, c->channel) != 0) {
        struct status_row *nr = realloc(l->rows, (l->n + 1) * sizeof(*nr));
        if (nr == NULL) {
            l->nomem = 1;
            return 1;
        }
        l->rows = nr;
        r = &l->rows[l->n++];
        memset(r, 0, sizeof(*r));
        snprintf(r->channel, sizeof(r->channel), "%s", c->channel);
    }
    if (strcmp(c->state, "pending") == 0) {
        r->pending = c->count;
        r->next_try_ns = c->next_try_ns;
    } else if (strcmp(c->state, "failed") == 0) {
        r->failed = c->count;
    } else {
        r->sent = c->count;
        r->last_sent_ns = c->last_sent_ns;
    }
    /* the error worth showing: a failure's, else a pending row's */
    if (c->last_error != NULL && (strcmp(c->state, "failed") == 0 || r->error[0] == '\0') &&
        strcmp(c->state, "sent") != 0) {
        mm_log_escape(r->error, sizeof(r->error), c->last_error, strlen(c->last_error));
    }
    return 0;
}

static int cmd_status(struct mm_config *cfg)
{
    struct mm_store *st = NULL;
    struct status_list l = {0};
    enum mm_err rc = mm_store_open(&st, cfg->database, 1);
    if (rc != MM_OK) {
        return 1;
    }
    rc = mm_notify_status(st, collect, &l);
    mm_store_close(st);
    if (rc != MM_OK || l.nomem) {
        free(l.rows);
        fprintf(stderr, "notify status: cannot read the outbox\n");
        return 1;
    }
    int64_t now = mm_cli_now_ns();
    printf("%-20s %-8s %8s %8s %8s  %s\n", "CHANNEL", "TYPE", "PENDING", "FAILED", "SENT",
           "LAST ERROR");
    /* configured channels first (also those with no rows yet), then rows of removed ones */
    for (size_t i = 0; i < cfg->nnotify + l.n; i++) {
        const char *name;
        const char *type = "-";
        if (i < cfg->nnotify) {
            name = cfg->notify[i].name;
            type = cfg->notify[i].type;
        } else {
            name = l.rows[i - cfg->nnotify].channel;
            int known = 0;
            for (size_t k = 0; k < cfg->nnotify; k++) {
                known |= strcmp(cfg->notify[k].name, name) == 0;
            }
            if (known) {
                continue;
            }
            type = "(removed)";
        }
        struct status_row empty = {0}, *r = &empty;
        for (size_t k = 0; k < l.n; k++) {
            if (strcmp(l.rows[k].channel, name) == 0) {
                r = &l.rows[k];
            }
        }
        printf("%-20s %-8s %8lld %8lld %8lld  %s", name, type, (long long)r->pending,
               (long long)r->failed, (long long)r->sent, r->error[0] ? r->error : "-");
        if (r->pending > 0 && r->next_try_ns > now) {
            printf(" (next try in %llds)", (long long)((r->next_try_ns - now) / 1000000000 + 1));
        }
        printf("\n");
    }
    free(l.rows);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: mimamori notify test CHANNEL [-c FILE] [-v]\n"
                    "       mimamori notify status [-c FILE]\n");
}

int mm_cmd_notify(int argc, char **argv)
{
    const char *config = NULL;
    int verbose = 0;
    int rc = mm_cli_getopt_common(argc, argv, usage, &config, &verbose);
    if (rc >= 0) {
        return rc;
    }
    mm_log_init(verbose ? MM_LOG_DEBUG : MM_LOG_INFO, 0);
    int nargs = argc - optind;
    const char *sub = nargs > 0 ? argv[optind] : NULL;
    if (sub == NULL || (strcmp(sub, "test") == 0 && nargs != 2) ||
        (strcmp(sub, "status") == 0 && nargs != 1) ||
        (strcmp(sub, "test") != 0 && strcmp(sub, "status") != 0)) {
        usage();
        return 2;
    }
    struct mm_config *cfg = mm_cli_load_config(config);
    if (cfg == NULL) {
        return 1;
    }
    int status = strcmp(sub, "test") == 0 ? mm_notify_test(cfg, argv[optind + 1], stdout)
                                          : cmd_status(cfg);
    mm_config_free(cfg);
    return status;
}
