/*
 * ingest.h - syslog intake: UDP (recvmmsg), TCP (RFC 6587 octet counting and
 * LF framing, many peers), IPv4 and IPv6, into a bounded message queue.
 *
 * Messages are copied into the queue's own memory (bounded in bytes).  When
 * the queue is full, UDP messages are dropped and counted; TCP readers wait
 * (back-pressure through the peer's TCP window).  Peers outside
 * allowed_sources are dropped and counted.  Messages longer than max_message
 * are truncated and counted.
 */
#ifndef MIMAMORI_INGEST_H
#define MIMAMORI_INGEST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mimamori/config.h"
#include "mimamori/err.h"

/* One received message, as stored in the queue.  Bytes follow the header. */
struct mm_msg {
    uint32_t len;        /* bytes of data */
    uint8_t transport;   /* MM_LISTEN_UDP / MM_LISTEN_TCP / MM_MSG_FILE */
    uint8_t truncated;   /* cut at max_message */
    int64_t recv_ns;     /* CLOCK_REALTIME when received */
    struct sockaddr_storage peer;
    const char *data;    /* borrowed: valid until released back to the queue */
};
#define MM_MSG_FILE 2

struct mm_msgq;

/* queue.c - multi-producer, single-consumer, bounded in bytes */
enum mm_err mm_msgq_new(struct mm_msgq **out, size_t bytes);
void mm_msgq_free(struct mm_msgq *q);
/*
 * Copy a message in.  block=0: MM_EFULL when there is no room (caller counts
 * the drop).  block=1: wait for room; MM_EIO when the queue was closed.
 */
enum mm_err mm_msgq_push(struct mm_msgq *q, const struct mm_msg *m, int block);
/*
 * As mm_msgq_push(block=1) but waits at most timeout_ms (< 0: forever):
 * MM_EFULL on timeout, so that a producer can check its own stop flag.
 */
enum mm_err mm_msgq_push_timed(struct mm_msgq *q, const struct mm_msg *m, int timeout_ms);
/*
 * Non-blocking push of n messages under one lock acquisition (the UDP path).
 * Pushes in order and stops at the first that does not fit; returns how many
 * were pushed (the caller counts the rest as dropped).  0 when closed.
 * A message larger than the whole queue gives MM_EINVAL from mm_msgq_push().
 */
size_t mm_msgq_push_batch(struct mm_msgq *q, const struct mm_msg *m, size_t n);
/*
 * Take up to max messages (waiting up to timeout_ms for the first).  They stay
 * valid until mm_msgq_release().  Returns 0 on timeout, or when closed and empty.
 */
size_t mm_msgq_pop(struct mm_msgq *q, struct mm_msg *out, size_t max, int timeout_ms);
void mm_msgq_release(struct mm_msgq *q, size_t n);
/* No more pushes: blocked producers return MM_EIO; the consumer drains what is left. */
void mm_msgq_close(struct mm_msgq *q);
int mm_msgq_closed_and_empty(struct mm_msgq *q);
size_t mm_msgq_depth(struct mm_msgq *q);

struct mm_ingest_stats {
    _Atomic uint64_t received;       /* messages accepted into the queue */
    _Atomic uint64_t dropped_queue;  /* UDP messages dropped: queue full */
    _Atomic uint64_t dropped_denied; /* messages from peers not in allowed_sources */
    _Atomic uint64_t truncated;      /* messages cut at max_message */
    _Atomic uint64_t tcp_conns;      /* TCP connections accepted in all */
    _Atomic uint64_t framing_errors; /* bad octet counts and the like */
    _Atomic uint64_t tcp_rejected;   /* TCP connections closed at once: over the limit */
    _Atomic uint64_t tcp_idle;       /* TCP connections closed for being idle */
};

struct mm_ingest;

/* ingest.c */
/* Bind every listener of cfg (errors are returned, nothing half-open is left). */
enum mm_err mm_ingest_open(struct mm_ingest **out, const struct mm_config *cfg,
                           struct mm_msgq *q);
/* The port actually bound for listener i (for "port 0" in tests). */
int mm_ingest_port(const struct mm_ingest *ing, size_t i);
enum mm_err mm_ingest_start(struct mm_ingest *ing); /* starts the receiver threads */
/* Stop receiving, close the sockets, join the threads.  Accepts NULL. */
void mm_ingest_stop(struct mm_ingest *ing);
void mm_ingest_free(struct mm_ingest *ing);
const struct mm_ingest_stats *mm_ingest_stats(const struct mm_ingest *ing);

/* framing.c - RFC 6587 on a TCP byte stream */
struct mm_framer {
    char *buf;           /* owned; holds at most max + 16 bytes */
    size_t len, cap;
    size_t max;          /* max_message */
    int skipping;        /* discarding the rest of an over-long LF-framed message */
    size_t skip_left;    /* bytes of an over-long octet-counted frame still to discard */
    int bad_count;       /* the current frame began with a bad octet count: LF-framed */
};
enum mm_err mm_framer_init(struct mm_framer *f, size_t max);
void mm_framer_free(struct mm_framer *f);
/*
 * Feed bytes; for each complete message call emit(arg, data, len, truncated).
 * Octet counting ("123 <34>...") when a frame starts with a digit, LF (or NUL)
 * framing otherwise.  Returns the number of framing errors seen.
 */
typedef void (*mm_frame_fn)(void *arg, const char *data, size_t len, int truncated);
size_t mm_framer_feed(struct mm_framer *f, const char *p, size_t n, mm_frame_fn emit, void *arg);
/* End of stream: emit a final unterminated message, if any. */
void mm_framer_finish(struct mm_framer *f, mm_frame_fn emit, void *arg);

#endif
