/*
 * ingest_int.h - private to src/ingest/: the listener table shared by
 * ingest.c (binds, starts, stops), udp.c (one receiver thread over every UDP
 * socket) and tcp.c (one epoll thread over every TCP listener and peer), and
 * the allow-list.
 *
 * Ownership: struct mm_ingest owns the sockets, the allow-list, the wakeup
 * eventfd and the threads; the queue is borrowed from the caller and must
 * outlive mm_ingest_stop().
 */
#ifndef MIMAMORI_INGEST_INT_H
#define MIMAMORI_INGEST_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mimamori/config.h"
#include "mimamori/ingest.h"
#include "mimamori/net.h"

#define MM_UDP_BATCH 64           /* datagrams per recvmmsg() and per queue lock */
#define MM_TCP_MAX_CONNS 1024     /* peers beyond this are accepted and closed */
#define MM_TCP_IDLE_MS (10 * 60 * 1000) /* a silent peer is closed after this */
#define MM_TCP_READ_BYTES 65536   /* one read() per readable peer */
#define MM_PUSH_WAIT_MS 100       /* TCP waits for room in slices, to notice stop */

/* allow.c */
struct mm_allow {
    struct mm_cidr *nets; /* owned copy of cfg->allowed */
    size_t n;             /* 0 = every peer is allowed */
};
/* Copies nets (may be NULL when n == 0). */
enum mm_err mm_allow_new(struct mm_allow **out, const struct mm_cidr *nets, size_t n);
void mm_allow_free(struct mm_allow *a);
/* 1 when sa may send to us; a NULL list allows everything. */
int mm_allow_check(const struct mm_allow *a, const struct sockaddr *sa);

/* What an epoll_event's data.ptr points to starts with one of these. */
enum mm_epoll_kind { MM_EPOLL_WAKE = 1, MM_EPOLL_LISTENER, MM_EPOLL_CONN };

/* One bound socket. */
struct mm_listener {
    int kind;                   /* MM_EPOLL_LISTENER; first member */
    enum mm_listen_proto proto;
    int fd;                     /* -1 once closed */
    int port;                   /* actually bound, host order */
    const char *url;            /* borrowed from the config, for messages */
};

struct mm_ingest {
    struct mm_msgq *q;          /* borrowed */
    struct mm_allow *allow;     /* owned */
    struct mm_listener *ls;     /* owned, nls entries, in cfg->listen order */
    size_t nls;
    size_t max_message;         /* from the config, >= 1 */
    int tcp_idle_ms;            /* MM_TCP_IDLE_MS; tests may lower it */
    int wake_fd;                /* eventfd: written once by mm_ingest_stop() */
    atomic_int stop;            /* set by mm_ingest_stop() */
    struct mm_udp *udp;         /* owned; NULL without UDP listeners */
    struct mm_tcp *tcp;         /* owned; NULL without TCP listeners */
    pthread_t udp_thread, tcp_thread;
    int udp_running, tcp_running; /* the thread exists and must be joined */
    struct mm_ingest_stats stats;
};

/*
 * udp.c - one receiver thread over every UDP socket.  mm_udp_new() allocates
 * everything the thread needs (so that mm_ingest_start() can report failure);
 * the thread owns nothing else.  mm_udp_free() after the thread was joined.
 */
struct mm_udp;
enum mm_err mm_udp_new(struct mm_udp **out, struct mm_ingest *ing);
void *mm_udp_thread(void *udp);
void mm_udp_free(struct mm_udp *u);
/*
 * Trim what senders append to a datagram: trailing NULs, then one "\n" or
 * "\r\n".  Returns the new length.
 */
size_t mm_udp_trim(const char *p, size_t n);

/* tcp.c - one epoll thread over every TCP listener and peer; same pattern */
struct mm_tcp;
enum mm_err mm_tcp_new(struct mm_tcp **out, struct mm_ingest *ing);
void *mm_tcp_thread(void *tcp);
/* Closes the peers still open. */
void mm_tcp_free(struct mm_tcp *t);

/* ingest.c */
int64_t mm_ingest_now_ns(void);

#endif
