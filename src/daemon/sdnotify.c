/*
 * sdnotify.c - systemd's notify protocol without libsystemd (Type=notify):
 * READY=1, RELOADING=1, STOPPING=1, STATUS=..., WATCHDOG=1, each one datagram
 * to $NOTIFY_SOCKET.  Every call is a no-op when not started by systemd.
 */
#include "daemon/daemon.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void mm_sd_notify(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (path == NULL || (path[0] != '/' && path[0] != '@')) {
        return;
    }
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    size_t len = strlen(path);
    if (len >= sizeof(sun.sun_path)) {
        return;
    }
    memcpy(sun.sun_path, path, len);
    if (sun.sun_path[0] == '@') {
        sun.sun_path[0] = '\0'; /* abstract socket */
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    socklen_t slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    (void)sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun, slen);
    close(fd);
}

void mm_sd_notifyf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    if (getenv("NOTIFY_SOCKET") == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    mm_sd_notify(buf);
}

/*
 * sd_watchdog_enabled(3): $WATCHDOG_USEC is the timeout, $WATCHDOG_PID (when
 * set) must be ours.  We ping at half the timeout, as systemd recommends.
 */
int64_t mm_sd_watchdog_interval_ns(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    if (usec == NULL || getenv("NOTIFY_SOCKET") == NULL) {
        return 0;
    }
    if (pid != NULL) {
        char *end;
        errno = 0;
        long long p = strtoll(pid, &end, 10);
        if (errno != 0 || end == pid || *end != '\0' || p != (long long)getpid()) {
            return 0;
        }
    }
    char *end;
    errno = 0;
    unsigned long long us = strtoull(usec, &end, 10);
    if (errno != 0 || end == usec || *end != '\0' || us == 0 || us > 3600ULL * 1000000ULL) {
        return 0;
    }
    return (int64_t)us * 1000 / 2;
}
