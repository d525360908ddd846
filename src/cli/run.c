/* run.c - `mimamori run [-c FILE] [-v]`: the daemon, in the foreground (systemd Type=notify). */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "mimamori/log.h"

int mm_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cfgpath = NULL;
    int verbose = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cfgpath = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fprintf(stderr, "usage: mimamori run [-c FILE] [-v]\n");
            return 0;
        default:
            fprintf(stderr, "usage: mimamori run [-c FILE] [-v]\n");
            return 2;
        }
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
