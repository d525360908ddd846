/*
 * tcp.c - the TCP receiver: one thread, level-triggered epoll over every TCP
 * listener, every peer and the stop eventfd.
 *
 * Peers are checked against the allow-list at accept; at most
 * MM_TCP_MAX_CONNS are kept (more are accepted and closed at once, counted in
 * tcp_rejected).  Each peer has a framer (RFC 6587) whose buffer is allocated
 * on its first bytes.  One read() of up to MM_TCP_READ_BYTES per readable
 * peer per round keeps a fast sender from starving the others.
 *
 * Back-pressure: framed messages are pushed blocking.  While the queue is
 * full this thread waits and reads nothing, so the kernel buffers fill and
 * the peers' TCP windows close: no loss, the senders slow down.  The wait is
 * done in MM_PUSH_WAIT_MS slices so that stop is noticed.
 */
#include "ingest/ingest_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/log.h"

struct conn {
    int kind;                      /* MM_EPOLL_CONN; first member */
    int fd;
    size_t slot;                   /* index in mm_tcp.conns */
    int64_t last_ms;               /* CLOCK_MONOTONIC of the last bytes */
    struct sockaddr_storage peer;
    struct mm_framer fr;
};

struct mm_tcp {
    struct mm_ingest *ing;         /* borrowed */
    int ep;                        /* epoll */
    int wake_kind;                 /* MM_EPOLL_WAKE: data.ptr of the eventfd */
    int spare_fd;                  /* given up on EMFILE to accept and close */
    char *rbuf;                    /* MM_TCP_READ_BYTES, one read at a time */
    struct conn **conns;           /* MM_TCP_MAX_CONNS slots, nconns used */
    size_t nconns;
};

/* What the framer callback needs. */
struct emit_ctx {
    struct mm_tcp *t;
    struct conn *c;
    int64_t now_ns;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void emit(void *arg, const char *data, size_t len, int truncated)
{
    struct emit_ctx *e = arg;
    struct mm_ingest *ing = e->t->ing;
    struct mm_msg m;
    m.len = (uint32_t)len;
    m.transport = MM_LISTEN_TCP;
    m.truncated = (uint8_t)truncated;
    m.recv_ns = e->now_ns;
    memcpy(&m.peer, &e->c->peer, sizeof(struct sockaddr_in6));
    m.data = data;
    if (truncated) {
        atomic_fetch_add_explicit(&ing->stats.truncated, 1, memory_order_relaxed);
    }
    for (;;) {
        if (atomic_load_explicit(&ing->stop, memory_order_relaxed)) {
            return; /* shutting down: whatever is left is not delivered */
        }
        enum mm_err rc = mm_msgq_push_timed(ing->q, &m, MM_PUSH_WAIT_MS);
        if (rc == MM_OK) {
            atomic_fetch_add_explicit(&ing->stats.received, 1, memory_order_relaxed);
            return;
        }
        if (rc != MM_EFULL) {
            /* queue closed, or a message larger than the whole queue */
            atomic_fetch_add_explicit(&ing->stats.dropped_queue, 1, memory_order_relaxed);
            return;
        }
    }
}

static void conn_close(struct mm_tcp *t, struct conn *c, int flush)
{
    if (flush) {
        struct emit_ctx e = {t, c, mm_ingest_now_ns()};
        mm_framer_finish(&c->fr, emit, &e);
    }
    /* close() removes the fd from the epoll set */
    close(c->fd);
    mm_framer_free(&c->fr);
    t->nconns--;
    if (c->slot != t->nconns) {
        t->conns[c->slot] = t->conns[t->nconns];
        t->conns[c->slot]->slot = c->slot;
    }
    t->conns[t->nconns] = NULL;
    free(c);
}

static void conn_read(struct mm_tcp *t, struct conn *c)
{
    struct mm_ingest *ing = t->ing;
    ssize_t n = read(c->fd, t->rbuf, MM_TCP_READ_BYTES);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        if (n < 0 && errno != ECONNRESET) {
            log_warn("tcp: read");
        }
        conn_close(t, c, 1);
        return;
    }
    c->last_ms = mono_ms();
    struct emit_ctx e = {t, c, mm_ingest_now_ns()};
    size_t errs = mm_framer_feed(&c->fr, t->rbuf, (size_t)n, emit, &e);
    if (errs > 0) {
        atomic_fetch_add_explicit(&ing->stats.framing_errors, errs, memory_order_relaxed);
    }
}

/* EMFILE: accept with the spare descriptor's slot and close at once. */
static void shed_one(struct mm_tcp *t, int lfd)
{
    if (t->spare_fd < 0) {
        return;
    }
    close(t->spare_fd);
    t->spare_fd = -1;
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        atomic_fetch_add_explicit(&t->ing->stats.tcp_rejected, 1, memory_order_relaxed);
    }
    t->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void do_accept(struct mm_tcp *t, struct mm_listener *l)
{
    struct mm_ingest *ing = t->ing;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                log_warnx("tcp: %s: out of file descriptors, closing a new peer", l->url);
                shed_one(t, l->fd);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                       errno != ECONNABORTED) {
                log_warn("tcp: %s: accept", l->url);
            }
            return;
        }
        if (!mm_allow_check(ing->allow, (struct sockaddr *)&ss)) {
            atomic_fetch_add_explicit(&ing->stats.dropped_denied, 1, memory_order_relaxed);
            close(fd);
            continue;
        }
        if (t->nconns >= MM_TCP_MAX_CONNS) {
            atomic_fetch_add_explicit(&ing->stats.tcp_rejected, 1, memory_order_relaxed);
            close(fd);
            continue;
        }
        struct conn *c = calloc(1, sizeof(*c));
        if (c == NULL || mm_framer_init(&c->fr, ing->max_message) != MM_OK) {
            free(c);
            close(fd);
            atomic_fetch_add_explicit(&ing->stats.tcp_rejected, 1, memory_order_relaxed);
            continue;
        }
        c->kind = MM_EPOLL_CONN;
        c->fd = fd;
        c->peer = ss;
        c->last_ms = mono_ms();
        struct epoll_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.ptr = c;
        if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            log_warn("tcp: epoll_ctl");
            mm_framer_free(&c->fr);
            free(c);
            close(fd);
            continue;
        }
        c->slot = t->nconns;
        t->conns[t->nconns++] = c;
        atomic_fetch_add_explicit(&ing->stats.tcp_conns, 1, memory_order_relaxed);
    }
}

static void sweep_idle(struct mm_tcp *t)
{
    int64_t now = mono_ms();
    size_t i = 0;
    while (i < t->nconns) {
        struct conn *c = t->conns[i];
        if (now - c->last_ms >= t->ing->tcp_idle_ms) {
            atomic_fetch_add_explicit(&t->ing->stats.tcp_idle, 1, memory_order_relaxed);
            conn_close(t, c, 1); /* moves the last one into slot i */
        } else {
            i++;
        }
    }
}

enum mm_err mm_tcp_new(struct mm_tcp **out, struct mm_ingest *ing)
{
    *out = NULL;
    enum mm_err rc = MM_ENOMEM;
    struct mm_tcp *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return MM_ENOMEM;
    }
    t->ing = ing;
    t->ep = -1;
    t->spare_fd = -1;
    t->wake_kind = MM_EPOLL_WAKE;
    t->rbuf = malloc(MM_TCP_READ_BYTES);
    t->conns = calloc(MM_TCP_MAX_CONNS, sizeof(*t->conns));
    if (t->rbuf == NULL || t->conns == NULL) {
        goto fail;
    }
    rc = MM_EIO;
    t->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    t->ep = epoll_create1(EPOLL_CLOEXEC);
    if (t->ep < 0) {
        log_warn("tcp: epoll_create1");
        goto fail;
    }
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &t->wake_kind;
    if (epoll_ctl(t->ep, EPOLL_CTL_ADD, ing->wake_fd, &ev) != 0) {
        log_warn("tcp: epoll_ctl");
        goto fail;
    }
    for (size_t i = 0; i < ing->nls; i++) {
        if (ing->ls[i].proto != MM_LISTEN_TCP) {
            continue;
        }
        ev.data.ptr = &ing->ls[i];
        if (epoll_ctl(t->ep, EPOLL_CTL_ADD, ing->ls[i].fd, &ev) != 0) {
            log_warn("tcp: epoll_ctl %s", ing->ls[i].url);
            goto fail;
        }
    }
    *out = t;
    return MM_OK;
fail:
    mm_tcp_free(t);
    return rc;
}

void mm_tcp_free(struct mm_tcp *t)
{
    if (t == NULL) {
        return;
    }
    while (t->nconns > 0) {
        conn_close(t, t->conns[t->nconns - 1], 0);
    }
    if (t->ep >= 0) {
        close(t->ep);
    }
    if (t->spare_fd >= 0) {
        close(t->spare_fd);
    }
    free(t->conns);
    free(t->rbuf);
    free(t);
}

void *mm_tcp_thread(void *arg)
{
    mm_thread_name("mm-tcp");
    struct mm_tcp *t = arg;
    struct mm_ingest *ing = t->ing;
    struct epoll_event evs[64];
    int64_t next_sweep = mono_ms() + 1000;
    while (!atomic_load_explicit(&ing->stop, memory_order_relaxed)) {
        int64_t wait = next_sweep - mono_ms();
        if (wait < 0) {
            wait = 0;
        }
        int n = epoll_wait(t->ep, evs, 64, (int)wait);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            log_warn("tcp: epoll_wait");
            break;
        }
        for (int i = 0; i < n && !atomic_load_explicit(&ing->stop, memory_order_relaxed); i++) {
            int kind = *(int *)evs[i].data.ptr;
            if (kind == MM_EPOLL_LISTENER) {
                do_accept(t, evs[i].data.ptr);
            } else if (kind == MM_EPOLL_CONN) {
                /*
                 * Safe: a peer is freed only by its own event (each fd comes
                 * once per epoll_wait) or by sweep_idle() after the round.
                 */
                conn_read(t, evs[i].data.ptr);
            }
        }
        if (mono_ms() >= next_sweep) {
            sweep_idle(t);
            next_sweep = mono_ms() + 1000;
        }
    }
    return NULL;
}
