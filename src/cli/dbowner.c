/*
 * dbowner.c - root reading the daemon's database becomes the database's owner.
 *
 * SQLite creates -wal and -shm files next to a WAL database, also for a
 * read-only connection when they are missing (the daemon is stopped).  Made
 * by root, they would belong to root and the daemon, running as `mimamori`,
 * could not open its own database any more.  So `sudo mimamori status` (and
 * alerts, digest, import) switch to the owner of the database, or of its
 * directory when there is no database yet, before opening anything.
 */
#include "cli/cli.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mm_cli_become_db_owner(const struct mm_config *cfg)
{
    struct stat sb;
    if (geteuid() != 0) {
        return 0;
    }
    if (stat(cfg->database, &sb) != 0) {
        char *copy = strdup(cfg->database);
        if (copy == NULL) {
            return -1;
        }
        int r = stat(dirname(copy), &sb);
        free(copy);
        if (r != 0) {
            return 0; /* nothing there yet: the verb reports it */
        }
    }
    if (sb.st_uid == 0) {
        return 0;
    }
    gid_t gid = sb.st_gid;
    if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
        setresuid(sb.st_uid, sb.st_uid, sb.st_uid) != 0) {
        fprintf(stderr, "mimamori: cannot become uid %u, the owner of %s: %s\n",
                (unsigned)sb.st_uid, cfg->database, strerror(errno));
        return -1;
    }
    return 0;
}
