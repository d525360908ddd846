/*
 * sdnotify.c - tell systemd (Type=notify) that we are READY or STOPPING:
 * one datagram to $NOTIFY_SOCKET.  A no-op when not started by systemd.
 */
#include "daemon/daemon.h"

#include <stddef.h>
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
