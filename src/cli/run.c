/* run.c - `mimamori run [-c FILE] [-v]`: the daemon, in the foreground (systemd Type=notify). */
#include "cli/cli.h"

#include <stdio.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "mimamori/log.h"

static void usage(void)
{
    fprintf(stderr, "usage: mimamori run [-c FILE] [-v]\n");
}

int mm_cmd_run(int argc, char **argv)
{
    const char *cfgpath = NULL;
    int verbose = 0;
    int rc = mm_cli_getopt_common(argc, argv, usage, &cfgpath, &verbose);
    if (rc >= 0) {
        return rc;
    }
    /* journald stamps the time; a terminal gets it from us */
    mm_log_init(verbose ? MM_LOG_DEBUG : MM_LOG_INFO, isatty(STDERR_FILENO));
    struct mm_config *cfg = mm_cli_load_config(cfgpath);
    if (cfg == NULL) {
        return 1;
    }
    int status = mm_daemon_run(cfg);
    mm_config_free(cfg);
    return status;
}
