/*
 * sink.c - the baseline receiver for bench/: a UDP socket on 127.0.0.1 (or
 * ::1) drained with recvmmsg(2) in batches, counting messages and bytes and
 * doing nothing else.  What it sustains without loss is the ceiling of this
 * machine for any syslog receiver on one core.
 *
 * The kernel's drop count for the socket (SO_RXQ_OVFL) is reported too, so a
 * loss is attributed to the receive buffer and not guessed from differences.
 *
 * It stops when --count messages have arrived, when no message has arrived
 * for --idle-ms after the first one, after --duration seconds (at most 600),
 * or on SIGINT/SIGTERM; then prints one JSON object to stdout.  With
 * --ready-file it writes "ready" to that file once the socket is bound, so a
 * script can start the sender without sleeping.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define BUFSZ 65536

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void usage(void)
{
    fprintf(stderr, "usage: sink --port PORT [--host 127.0.0.1|::1] [--count N] [--idle-ms MS]\n"
                    "            [--duration S] [--rcvbuf BYTES] [--batch N] [--ready-file F]\n");
    exit(2);
}

static uint64_t num(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (s == NULL || *s == '\0' || *s == '-') {
        fprintf(stderr, "sink: %s: a number is required\n", opt);
        exit(2);
    }
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "sink: %s: '%s' is not a number in [%llu, %llu]\n", opt, s,
                (unsigned long long)lo, (unsigned long long)hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *ready = NULL;
    unsigned port = 0, batch = 256;
    uint64_t count = 0, idle_ms = 2000, duration = 600;
    int rcvbuf = 32 * 1024 * 1024;
    struct sockaddr_storage ss;
    socklen_t sslen;
    int fd, one = 1, got_buf = 0;
    socklen_t gl = sizeof(got_buf);
    struct sigaction sa;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            usage();
        }
        i++;
        if (strcmp(a, "--host") == 0) {
            host = v;
        } else if (strcmp(a, "--port") == 0) {
            port = (unsigned)num(a, v, 1, 65535);
        } else if (strcmp(a, "--count") == 0) {
            count = num(a, v, 1, UINT64_MAX / 2);
        } else if (strcmp(a, "--idle-ms") == 0) {
            idle_ms = num(a, v, 1, 600000);
        } else if (strcmp(a, "--duration") == 0) {
            duration = num(a, v, 1, 600);
        } else if (strcmp(a, "--rcvbuf") == 0) {
            rcvbuf = (int)num(a, v, 4096, 1 << 30);
        } else if (strcmp(a, "--batch") == 0) {
            batch = (unsigned)num(a, v, 1, MAX_BATCH);
        } else if (strcmp(a, "--ready-file") == 0) {
            ready = v;
        } else {
            usage();
        }
    }
    if (port == 0) {
        usage();
    }

    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1 &&
        ntohl(s4->sin_addr.s_addr) == INADDR_LOOPBACK) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        sslen = sizeof(*s4);
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 &&
               IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        sslen = sizeof(*s6);
    } else {
        fprintf(stderr, "sink: only 127.0.0.1 and ::1 are allowed\n");
        return 2;
    }

    fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "sink: socket: %s\n", strerror(errno));
        return 1;
    }
    /* SO_RCVBUFFORCE passes rmem_max when privileged; SO_RCVBUF is capped by it. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    }
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got_buf, &gl);
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
        fprintf(stderr, "sink: bind %s port %u: %s\n", host, port, strerror(errno));
        return 1;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (ready != NULL) {
        FILE *f = fopen(ready, "w");
        if (f != NULL) {
            fputs("ready\n", f);
            fclose(f);
        }
    }

    char *bufs = malloc((size_t)batch * BUFSZ);
    struct mmsghdr *msgs = calloc(batch, sizeof(*msgs));
    struct iovec *iov = calloc(batch, sizeof(*iov));
    char(*ctl)[CMSG_SPACE(sizeof(uint32_t))] = calloc(batch, sizeof(*ctl));
    if (bufs == NULL || msgs == NULL || iov == NULL || ctl == NULL) {
        fprintf(stderr, "sink: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < batch; i++) {
        iov[i].iov_base = bufs + (size_t)i * BUFSZ;
        iov[i].iov_len = BUFSZ;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    uint64_t received = 0, bytes = 0, calls = 0;
    uint32_t drops = 0;
    int64_t start = mono_ns(), first = 0, last = 0;
    int64_t end = start + (int64_t)duration * 1000000000LL;
    const char *why = "duration";

    for (;;) {
        if (stop_flag) {
            why = "signal";
            break;
        }
        if (count && received >= count) {
            why = "count";
            break;
        }
        int64_t now = mono_ns();
        if (now >= end) {
            break;
        }
        if (first != 0 && now - last >= (int64_t)idle_ms * 1000000LL) {
            why = "idle";
            break;
        }
        for (unsigned i = 0; i < batch; i++) {
            msgs[i].msg_hdr.msg_control = ctl[i];
            msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
        }
        int r = recvmmsg(fd, msgs, batch, MSG_DONTWAIT, NULL);
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                poll(&p, 1, 50);
                continue;
            }
            fprintf(stderr, "sink: recvmmsg: %s\n", strerror(errno));
            return 1;
        }
        calls++;
        last = mono_ns();
        if (first == 0) {
            first = last;
        }
        received += (uint64_t)r;
        for (int i = 0; i < r; i++) {
            bytes += msgs[i].msg_len;
        }
        /* the newest drop counter (cumulative) rides on the last datagram */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[r - 1].msg_hdr); c != NULL;
             c = CMSG_NXTHDR(&msgs[r - 1].msg_hdr, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
                memcpy(&drops, CMSG_DATA(c), sizeof(drops));
            }
        }
    }
    double el = last > first ? (double)(last - first) / 1e9 : 0.0;
    printf("{\"tool\":\"sink\",\"received\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"elapsed_s\":%.6f,"
           "\"rate\":%.1f,\"kernel_drops\":%" PRIu32 ",\"avg_batch\":%.1f,\"rcvbuf\":%d,"
           "\"stopped_by\":\"%s\"}\n",
           received, bytes, el, el > 0 ? (double)received / el : 0.0, drops,
           calls ? (double)received / (double)calls : 0.0, got_buf, why);
    free(bufs);
    free(msgs);
    free(iov);
    free(ctl);
    close(fd);
    return 0;
}
