/*
 * privdrop.c - started as root without systemd (to bind port 514, say):
 * become the configured `user:` before anything is opened, keeping only
 * CAP_NET_BIND_SERVICE, and drop that too once the listeners are bound.
 *
 * Switching user before the database is opened means every file the daemon
 * creates belongs to that user from the start, so the daemon runs the same
 * under systemd (User=mimamori) and by hand.  No libcap: two capset(2) calls.
 */
#include "daemon/daemon.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mimamori/log.h"

#define MM_DEFAULT_USER "mimamori" /* the account the .deb creates */

/* Set permitted and effective to `keep` (a mask of the first 32 capabilities), inheritable to 0. */
static int caps_set(uint32_t keep)
{
    struct __user_cap_header_struct h;
    struct __user_cap_data_struct d[2];
    memset(&h, 0, sizeof(h));
    memset(d, 0, sizeof(d));
    h.version = _LINUX_CAPABILITY_VERSION_3;
    h.pid = 0;
    d[0].permitted = keep;
    d[0].effective = keep;
    return (int)syscall(SYS_capset, &h, d);
}

int mm_priv_drop_user(const char *user, int *dropped)
{
    *dropped = 0;
    if (geteuid() != 0) {
        return 0;
    }
    int explicit = user != NULL;
    if (!explicit) {
        user = MM_DEFAULT_USER;
    }
    if (strcmp(user, "root") == 0) {
        log_warnx("running as root (`user: root`): set `user:` to an unprivileged account");
        return 0;
    }
    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (pw == NULL && !explicit) {
        /* a checkout run by root: keep working, but say how to do better */
        log_warnx("running as root: user '%s' does not exist (create it with useradd --system "
                  "--no-create-home --shell /usr/sbin/nologin %s, or set `user:`)",
                  user, user);
        return 0;
    }
    if (pw == NULL) {
        log_warnx("started as root, but `user: %s` does not exist: create it or change `user:`",
                  user);
        return -1;
    }
    if (pw->pw_uid == 0) {
        log_warnx("user '%s' has uid 0: running as root", user);
        return 0;
    }
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0 || setgroups(1, &gid) != 0 ||
        setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
        log_warn("cannot switch to user '%s'", user);
        return -1;
    }
    (void)prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
    if (caps_set(1U << CAP_NET_BIND_SERVICE) != 0) {
        log_warn("cannot keep CAP_NET_BIND_SERVICE");
        return -1;
    }
    if (setresuid(0, 0, 0) == 0) {
        fatalx("could switch back to root after dropping privileges");
    }
    *dropped = 1;
    log_info("running as user %s (uid %u, gid %u)", user, (unsigned)uid, (unsigned)gid);
    return 0;
}

void mm_priv_drop_caps(void)
{
    if (caps_set(0) != 0) {
        log_warn("cannot drop CAP_NET_BIND_SERVICE");
    }
    (void)prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
}
