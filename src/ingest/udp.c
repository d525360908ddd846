/*
 * udp.c - the UDP receiver: one thread, epoll over every UDP socket and the
 * stop eventfd.
 *
 * The hot path of the daemon.  Per readable socket: recvmmsg() of up to
 * MM_UDP_BATCH datagrams into buffers allocated once (max_message + 1 bytes
 * each, so that MSG_TRUNC is reported for anything longer), then one
 * mm_msgq_push_batch() under one lock acquisition.  No allocation per message.
 * Under load (a batch came back between 1/8 full and full) the thread sleeps
 * 0.25 ms before the next recvmmsg() rather than going back to epoll: waking
 * for every few datagrams cost more CPU in context switches than receiving
 * them.  An idle or lightly loaded socket is read as soon as a datagram comes.
 * A full queue drops (and counts) the rest of the batch: UDP has no
 * back-pressure, and blocking here would only move the loss into the kernel
 * buffer.
 */
#include "ingest/ingest_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/log.h"

/* Batches read from one socket before looking at the others again. */
#define UDP_ROUNDS 16         /* recvmmsg() calls per wake-up, at most */
#define UDP_LINGER_NS 250000L /* under load: 0.25 ms lets ~100 datagrams gather at 400k/s */

struct mm_udp {
    struct mm_ingest *ing;                  /* borrowed */
    int ep;                                 /* epoll: UDP sockets + wake_fd */
    char *bufs;                             /* MM_UDP_BATCH * bufsz bytes */
    size_t bufsz;                           /* max_message + 1 */
    struct mmsghdr hdrs[MM_UDP_BATCH];
    struct iovec iov[MM_UDP_BATCH];
    struct sockaddr_storage peers[MM_UDP_BATCH];
    struct mm_msg msgs[MM_UDP_BATCH];
};

size_t mm_udp_trim(const char *p, size_t n)
{
    while (n > 0 && p[n - 1] == '\0') {
        n--;
    }
    if (n > 0 && p[n - 1] == '\n') {
        n--;
        if (n > 0 && p[n - 1] == '\r') {
            n--;
        }
    }
    return n;
}

static void rearm(struct mm_udp *st)
{
    for (size_t i = 0; i < MM_UDP_BATCH; i++) {
        st->hdrs[i].msg_hdr.msg_namelen = sizeof(st->peers[i]);
        st->hdrs[i].msg_hdr.msg_flags = 0;
    }
}

/* Read one socket until it would block (or UDP_ROUNDS batches). */
static void drain(struct mm_ingest *ing, struct mm_udp *st, int fd)
{
    struct mm_ingest_stats *s = &ing->stats;
    for (int round = 0; round < UDP_ROUNDS; round++) {
        rearm(st);
        int got = recvmmsg(fd, st->hdrs, MM_UDP_BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0) {
            if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                log_warn("udp: recvmmsg");
            }
            return;
        }
        int64_t now = mm_ingest_now_ns();
        size_t n = 0;
        uint64_t denied = 0, trunc = 0;
        for (int i = 0; i < got; i++) {
            struct msghdr *h = &st->hdrs[i].msg_hdr;
            const struct sockaddr *sa = (const struct sockaddr *)h->msg_name;
            if (!mm_allow_check(ing->allow, sa)) {
                denied++;
                continue;
            }
            size_t len = st->hdrs[i].msg_len;
            int truncated = 0;
            if ((h->msg_flags & MSG_TRUNC) != 0 || len > ing->max_message) {
                len = ing->max_message;
                truncated = 1;
                trunc++;
            }
            const char *p = (const char *)h->msg_iov->iov_base;
            len = mm_udp_trim(p, len);
            if (len == 0) {
                continue; /* nothing to log */
            }
            struct mm_msg *m = &st->msgs[n++];
            m->len = (uint32_t)len;
            m->transport = MM_LISTEN_UDP;
            m->truncated = (uint8_t)truncated;
            m->recv_ns = now;
            /* the queue copies only the sockaddr_in6-sized prefix */
            memcpy(&m->peer, sa, sizeof(struct sockaddr_in6));
            m->data = p;
        }
        size_t pushed = n > 0 ? mm_msgq_push_batch(ing->q, st->msgs, n) : 0;
        atomic_fetch_add_explicit(&s->received, pushed, memory_order_relaxed);
        if (pushed < n) {
            atomic_fetch_add_explicit(&s->dropped_queue, n - pushed, memory_order_relaxed);
        }
        if (denied > 0) {
            atomic_fetch_add_explicit(&s->dropped_denied, denied, memory_order_relaxed);
        }
        if (trunc > 0) {
            atomic_fetch_add_explicit(&s->truncated, trunc, memory_order_relaxed);
        }
        if (got < MM_UDP_BATCH / 8) {
            return; /* the socket is (nearly) empty: go back to epoll */
        }
        if (got < MM_UDP_BATCH) {
            /* busy but drained: let datagrams gather in the socket buffer for a moment
             * instead of waking for every few of them (each wake-up is a context switch) */
            struct timespec ts = {0, UDP_LINGER_NS};
            nanosleep(&ts, NULL);
        }
    }
}

enum mm_err mm_udp_new(struct mm_udp **out, struct mm_ingest *ing)
{
    *out = NULL;
    enum mm_err rc = MM_ENOMEM;
    struct mm_udp *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return MM_ENOMEM;
    }
    st->ing = ing;
    st->ep = -1;
    st->bufsz = ing->max_message + 1;
    st->bufs = malloc(MM_UDP_BATCH * st->bufsz);
    if (st->bufs == NULL) {
        goto fail;
    }
    for (size_t i = 0; i < MM_UDP_BATCH; i++) {
        st->iov[i].iov_base = st->bufs + i * st->bufsz;
        st->iov[i].iov_len = st->bufsz;
        st->hdrs[i].msg_hdr.msg_iov = &st->iov[i];
        st->hdrs[i].msg_hdr.msg_iovlen = 1;
        st->hdrs[i].msg_hdr.msg_name = &st->peers[i];
    }
    rc = MM_EIO;
    st->ep = epoll_create1(EPOLL_CLOEXEC);
    if (st->ep < 0) {
        log_warn("udp: epoll_create1");
        goto fail;
    }
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.fd = ing->wake_fd;
    if (epoll_ctl(st->ep, EPOLL_CTL_ADD, ing->wake_fd, &ev) != 0) {
        log_warn("udp: epoll_ctl");
        goto fail;
    }
    for (size_t i = 0; i < ing->nls; i++) {
        if (ing->ls[i].proto != MM_LISTEN_UDP) {
            continue;
        }
        ev.data.fd = ing->ls[i].fd;
        if (epoll_ctl(st->ep, EPOLL_CTL_ADD, ing->ls[i].fd, &ev) != 0) {
            log_warn("udp: epoll_ctl %s", ing->ls[i].url);
            goto fail;
        }
    }
    *out = st;
    return MM_OK;
fail:
    mm_udp_free(st);
    return rc;
}

void mm_udp_free(struct mm_udp *st)
{
    if (st == NULL) {
        return;
    }
    if (st->ep >= 0) {
        close(st->ep);
    }
    free(st->bufs);
    free(st);
}

void *mm_udp_thread(void *arg)
{
    mm_thread_name("mm-udp");
    struct mm_udp *st = arg;
    struct mm_ingest *ing = st->ing;
    struct epoll_event evs[16];
    while (!atomic_load_explicit(&ing->stop, memory_order_relaxed)) {
        int n = epoll_wait(st->ep, evs, 16, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            log_warn("udp: epoll_wait");
            break;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].data.fd != ing->wake_fd) {
                drain(ing, st, evs[i].data.fd);
            }
        }
    }
    return NULL;
}
