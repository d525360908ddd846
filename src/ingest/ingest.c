/*
 * ingest.c - binds the listeners of the config, starts and stops the receiver
 * threads (udp.c, tcp.c), owns the counters.
 *
 * Every listener is bound in mm_ingest_open(), before any thread runs, so that
 * a wrong address or a port in use is a startup error naming the URL.  Threads
 * block every signal: signals are for the main thread.  Stop is an atomic flag
 * plus one write to an eventfd that both threads' epoll sets contain, so stop
 * takes effect at once rather than at the next timeout.
 */
#include "ingest/ingest_int.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/log.h"

#define DEFAULT_MAX_MESSAGE 8192

int64_t mm_ingest_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void set_rcvbuf(int fd, int want, const char *url)
{
    if (want <= 0) {
        return;
    }
    /* SO_RCVBUFFORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) != 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)) != 0) {
        log_warn("%s: SO_RCVBUF %d", url, want);
    }
    int got = 0;
    socklen_t gl = sizeof(got);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gl) != 0) {
        return;
    }
    /* the kernel reports twice the usable size (bookkeeping overhead) */
    log_debug("%s: receive buffer %d bytes (asked %d)", url, got, want);
    if (got / 2 < want) {
        log_info("%s: receive buffer is %d bytes, not %d: raise net.core.rmem_max "
                 "or run with CAP_NET_ADMIN to absorb bursts",
                 url, got / 2, want);
    }
}

static enum mm_err open_listener(struct mm_listener *l, const struct mm_listen *conf,
                                 int udp_rcvbuf)
{
    int udp = conf->proto == MM_LISTEN_UDP;
    const char *url = conf->url != NULL ? conf->url : "(listener)";
    l->kind = MM_EPOLL_LISTENER;
    l->proto = conf->proto;
    l->url = url;
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
    /* addresses only: no DNS at startup (a boot-order trap), as config.h documents */
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
    const char *host = conf->host;
    if (host != NULL && (host[0] == '\0' || strcmp(host, "*") == 0)) {
        host = NULL;
    }
    struct addrinfo *res = NULL;
    int g = getaddrinfo(host, conf->port, &hints, &res);
    if (g != 0) {
        log_warnx("%s: cannot resolve: %s", url, gai_strerror(g));
        return MM_ECONFIG;
    }
    enum mm_err rc = MM_EIO;
    int one = 1;
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_warn("%s: socket", url);
        goto fail;
    }
    /* "::" must not take IPv4 too, so that a 0.0.0.0 listener can coexist */
    if (res->ai_family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) {
        log_warn("%s: IPV6_V6ONLY", url);
        goto fail;
    }
    if (!udp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
        log_warn("%s: SO_REUSEADDR", url);
        goto fail;
    }
    if (udp) {
        set_rcvbuf(fd, udp_rcvbuf, url);
    }
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        log_warn("%s: bind", url);
        goto fail;
    }
    if (!udp && listen(fd, SOMAXCONN) != 0) {
        log_warn("%s: listen", url);
        goto fail;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        log_warn("%s: getsockname", url);
        goto fail;
    }
    if (ss.ss_family == AF_INET6) {
        l->port = ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
    } else {
        l->port = ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
    }
    l->fd = fd;
    freeaddrinfo(res);
    log_debug("%s: listening on port %d", url, l->port);
    return MM_OK;
fail:
    if (fd >= 0) {
        close(fd);
    }
    freeaddrinfo(res);
    return rc;
}

enum mm_err mm_ingest_open(struct mm_ingest **out, const struct mm_config *cfg,
                           struct mm_msgq *q)
{
    *out = NULL;
    enum mm_err rc = MM_ENOMEM;
    struct mm_ingest *ing = calloc(1, sizeof(*ing));
    if (ing == NULL) {
        return MM_ENOMEM;
    }
    ing->q = q;
    ing->wake_fd = -1;
    ing->max_message = cfg->max_message > 0 ? cfg->max_message : DEFAULT_MAX_MESSAGE;
    ing->tcp_idle_ms = MM_TCP_IDLE_MS;
    atomic_init(&ing->stop, 0);
    if (cfg->nlisten > 0) {
        ing->ls = calloc(cfg->nlisten, sizeof(*ing->ls));
        if (ing->ls == NULL) {
            goto fail;
        }
        for (size_t i = 0; i < cfg->nlisten; i++) {
            ing->ls[i].fd = -1;
        }
        ing->nls = cfg->nlisten;
    }
    rc = mm_allow_new(&ing->allow, cfg->allowed, cfg->nallowed);
    if (rc != MM_OK) {
        goto fail;
    }
    ing->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ing->wake_fd < 0) {
        log_warn("ingest: eventfd");
        rc = MM_EIO;
        goto fail;
    }
    for (size_t i = 0; i < ing->nls; i++) {
        rc = open_listener(&ing->ls[i], &cfg->listen[i], cfg->udp_rcvbuf);
        if (rc != MM_OK) {
            goto fail;
        }
    }
    *out = ing;
    return MM_OK;
fail:
    mm_ingest_free(ing);
    return rc;
}

int mm_ingest_port(const struct mm_ingest *ing, size_t i)
{
    if (ing == NULL || i >= ing->nls) {
        return -1;
    }
    return ing->ls[i].port;
}

static int has_proto(const struct mm_ingest *ing, enum mm_listen_proto p)
{
    for (size_t i = 0; i < ing->nls; i++) {
        if (ing->ls[i].proto == p && ing->ls[i].fd >= 0) {
            return 1;
        }
    }
    return 0;
}

enum mm_err mm_ingest_start(struct mm_ingest *ing)
{
    if (ing->udp != NULL || ing->tcp != NULL || atomic_load(&ing->stop)) {
        return MM_EINVAL; /* started already, or stopped */
    }
    enum mm_err rc = MM_OK;
    if (has_proto(ing, MM_LISTEN_UDP)) {
        rc = mm_udp_new(&ing->udp, ing);
        if (rc != MM_OK) {
            return rc;
        }
    }
    if (has_proto(ing, MM_LISTEN_TCP)) {
        rc = mm_tcp_new(&ing->tcp, ing);
        if (rc != MM_OK) {
            return rc; /* mm_ingest_free() frees ing->udp */
        }
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (ing->udp != NULL) {
        int e = pthread_create(&ing->udp_thread, NULL, mm_udp_thread, ing->udp);
        if (e != 0) {
            errno = e;
            log_warn("ingest: cannot start the UDP thread");
            rc = MM_EIO;
        } else {
            ing->udp_running = 1;
        }
    }
    if (rc == MM_OK && ing->tcp != NULL) {
        int e = pthread_create(&ing->tcp_thread, NULL, mm_tcp_thread, ing->tcp);
        if (e != 0) {
            errno = e;
            log_warn("ingest: cannot start the TCP thread");
            rc = MM_EIO;
        } else {
            ing->tcp_running = 1;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != MM_OK) {
        mm_ingest_stop(ing);
    }
    return rc;
}

void mm_ingest_stop(struct mm_ingest *ing)
{
    if (ing == NULL) {
        return;
    }
    atomic_store(&ing->stop, 1);
    if (ing->wake_fd >= 0) {
        uint64_t one = 1;
        if (write(ing->wake_fd, &one, sizeof(one)) != (ssize_t)sizeof(one) && errno != EAGAIN) {
            log_warn("ingest: eventfd write");
        }
    }
    if (ing->udp_running) {
        pthread_join(ing->udp_thread, NULL);
        ing->udp_running = 0;
    }
    if (ing->tcp_running) {
        pthread_join(ing->tcp_thread, NULL);
        ing->tcp_running = 0;
    }
    mm_udp_free(ing->udp);
    ing->udp = NULL;
    mm_tcp_free(ing->tcp);
    ing->tcp = NULL;
    for (size_t i = 0; i < ing->nls; i++) {
        if (ing->ls[i].fd >= 0) {
            close(ing->ls[i].fd);
            ing->ls[i].fd = -1;
        }
    }
}

void mm_ingest_free(struct mm_ingest *ing)
{
    if (ing == NULL) {
        return;
    }
    mm_ingest_stop(ing);
    if (ing->wake_fd >= 0) {
        close(ing->wake_fd);
    }
    mm_allow_free(ing->allow);
    free(ing->ls);
    free(ing);
}

const struct mm_ingest_stats *mm_ingest_stats(const struct mm_ingest *ing)
{
    return &ing->stats;
}
