/*
 * Tests for src/ingest/tcp.c: concurrent clients with octet counting and LF
 * framing, back-pressure without loss, allow-list at accept, idle timeout.
 * Real sockets on 127.0.0.1 and ::1, ephemeral ports, waits with deadlines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ingest/ingest_int.h"

#define DEADLINE_MS 20000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct rig {
    struct mm_config cfg;
    struct mm_listen listen[2];
    struct mm_cidr allowed;
    struct mm_msgq *q;
    struct mm_ingest *ing;
    int port4, port6; /* port6 = 0: no IPv6 here */
};

static void rig_up(struct rig *r, size_t queue_bytes, const char *cidr, int idle_ms)
{
    memset(r, 0, sizeof(*r));
    r->listen[0] = (struct mm_listen){MM_LISTEN_TCP, (char *)"127.0.0.1", (char *)"0",
                                      (char *)"tcp://127.0.0.1:0"};
    r->listen[1] = (struct mm_listen){MM_LISTEN_TCP, (char *)"::1", (char *)"0",
                                      (char *)"tcp://[::1]:0"};
    r->cfg.listen = r->listen;
    r->cfg.nlisten = 2;
    r->cfg.max_message = 2048;
    r->cfg.queue_bytes = queue_bytes;
    if (cidr != NULL) {
        assert_int_equal(mm_cidr_parse(&r->allowed, cidr, strlen(cidr)), MM_OK);
        r->cfg.allowed = &r->allowed;
        r->cfg.nallowed = 1;
    }
    assert_int_equal(mm_msgq_new(&r->q, queue_bytes), MM_OK);
    if (mm_ingest_open(&r->ing, &r->cfg, r->q) != MM_OK) {
        r->cfg.nlisten = 1; /* no IPv6 on this host */
        assert_int_equal(mm_ingest_open(&r->ing, &r->cfg, r->q), MM_OK);
    }
    if (idle_ms > 0) {
        r->ing->tcp_idle_ms = idle_ms;
    }
    r->port4 = mm_ingest_port(r->ing, 0);
    r->port6 = r->cfg.nlisten > 1 ? mm_ingest_port(r->ing, 1) : 0;
    assert_true(r->port4 > 0);
    assert_int_equal(mm_ingest_start(r->ing), MM_OK);
}

static void rig_down(struct rig *r)
{
    mm_ingest_free(r->ing);
    mm_msgq_free(r->q);
}

static int dial(int family, int port)
{
    int fd = socket(family, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    int rc;
    if (family == AF_INET6) {
        struct sockaddr_in6 a;
        memset(&a, 0, sizeof(a));
        a.sin6_family = AF_INET6;
        a.sin6_port = htons((uint16_t)port);
        a.sin6_addr = in6addr_loopback;
        rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
    } else {
        struct sockaddr_in a;
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
    }
    assert_int_equal(rc, 0);
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A client: id, how many messages, octet counting or LF, written in odd chunks. */
struct client {
    int fd;
    int id;
    int n;
    int octet;
    int failed;
};

static void *client_main(void *arg)
{
    struct client *c = arg;
    char out[8192];
    size_t len = 0;
    uint32_t seed = (uint32_t)c->id * 7919u + 1;
    for (int i = 0; i < c->n; i++) {
        char msg[128];
        int m = snprintf(msg, sizeof(msg), "<13>c%d m%d %.*s", c->id, i, i % 50,
                         "..................................................");
        if (c->octet) {
            len += (size_t)snprintf(out + len, sizeof(out) - len, "%d %s", m, msg);
        } else {
            len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", msg,
                                    (i & 1) ? "\r\n" : "\n");
        }
        seed = seed * 1103515245u + 12345u;
        if (len > 4096 || i == c->n - 1) {
            /* flush in pieces of pseudo-random size */
            size_t off = 0;
            while (off < len) {
                seed = seed * 1103515245u + 12345u;
                size_t k = 1 + (seed >> 16) % 700;
                if (k > len - off) {
                    k = len - off;
                }
                if (write_all(c->fd, out + off, k) != 0) {
                    c->failed = 1;
                    return NULL;
                }
                off += k;
            }
            len = 0;
        }
    }
    close(c->fd);
    return NULL;
}

/* Pop until `total` messages came; check each client's sequence.  batch=1: slow. */
static void consume(struct rig *r, int nclients, int per_client, size_t batch)
{
    int *next = calloc((size_t)nclients, sizeof(int));
    assert_non_null(next);
    struct mm_msg out[256];
    int total = 0;
    int64_t dl = now_ms() + DEADLINE_MS;
    while (total < nclients * per_client) {
        assert_true(now_ms() < dl);
        size_t k = mm_msgq_pop(r->q, out, batch, 1000);
        for (size_t i = 0; i < k; i++) {
            int id, seq;
            char buf[160];
            assert_true(out[i].len < sizeof(buf));
            memcpy(buf, out[i].data, out[i].len);
            buf[out[i].len] = '\0';
            assert_int_equal(sscanf(buf, "<13>c%d m%d", &id, &seq), 2);
            assert_true(id >= 0 && id < nclients);
            assert_int_equal(seq, next[id]);
            char want[160];
            snprintf(want, sizeof(want), "<13>c%d m%d %.*s", id, seq, seq % 50,
                     "..................................................");
            assert_string_equal(buf, want);
            assert_int_equal(out[i].transport, MM_LISTEN_TCP);
            assert_false(out[i].truncated);
            next[id]++;
            total++;
        }
        mm_msgq_release(r->q, k);
    }
    free(next);
}

static void run_clients(struct rig *r, int nclients, int per_client, size_t batch)
{
    struct client *cs = calloc((size_t)nclients, sizeof(*cs));
    pthread_t *th = calloc((size_t)nclients, sizeof(*th));
    assert_non_null(cs);
    assert_non_null(th);
    for (int i = 0; i < nclients; i++) {
        int v6 = r->port6 > 0 && (i % 3) == 2;
        cs[i] = (struct client){dial(v6 ? AF_INET6 : AF_INET, v6 ? r->port6 : r->port4), i,
                                per_client, i & 1, 0};
        assert_int_equal(pthread_create(&th[i], NULL, client_main, &cs[i]), 0);
    }
    consume(r, nclients, per_client, batch);
    for (int i = 0; i < nclients; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_false(cs[i].failed);
    }
    const struct mm_ingest_stats *s = mm_ingest_stats(r->ing);
    /* the TCP thread counts a message after its push: the last count may trail the pop */
    uint64_t want = (uint64_t)nclients * (uint64_t)per_client;
    for (int64_t dl = now_ms() + 2000; atomic_load(&s->received) < want && now_ms() < dl;) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(atomic_load(&s->received), want);
    assert_int_equal(atomic_load(&s->dropped_queue), 0);
    assert_int_equal(atomic_load(&s->framing_errors), 0);
    assert_int_equal(atomic_load(&s->tcp_conns), (uint64_t)nclients);
    free(cs);
    free(th);
}

static void test_concurrent_clients(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, 16u << 20, NULL, 0);
    run_clients(&r, 8, 5000, 256);
    rig_down(&r);
}

/* A queue of a few messages and a consumer taking one at a time: nothing lost. */
static void test_back_pressure(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, 4096, NULL, 0);
    run_clients(&r, 3, 20000, 1);
    rig_down(&r);
}

/* Stop while the TCP thread is blocked on a full queue. */
static void test_stop_while_blocked(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, 1024, NULL, 0);
    int fd = dial(AF_INET, r.port4);
    char msg[300];
    memset(msg, 'x', sizeof(msg));
    msg[sizeof(msg) - 1] = '\n';
    for (int i = 0; i < 20; i++) {
        assert_int_equal(write_all(fd, msg, sizeof(msg)), 0);
    }
    int64_t dl = now_ms() + DEADLINE_MS;
    /* wait until the queue is full: 1024 bytes hold 2 of these */
    while (mm_msgq_depth(r.q) < 2) {
        assert_true(now_ms() < dl);
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    mm_ingest_stop(r.ing); /* must return although the queue stays full */
    close(fd);
    rig_down(&r);
}

static void test_denied_at_accept(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, 65536, "10.0.0.0/8", 0);
    int fd = dial(AF_INET, r.port4);
    assert_int_equal(write_all(fd, "hello\n", 6), 0);
    /* the server closes: read gives EOF (or a reset) */
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, DEADLINE_MS), 1);
    char b[16];
    assert_true(read(fd, b, sizeof(b)) <= 0);
    close(fd);
    const struct mm_ingest_stats *s = mm_ingest_stats(r.ing);
    assert_int_equal(atomic_load(&s->dropped_denied), 1);
    assert_int_equal(atomic_load(&s->tcp_conns), 0);
    assert_int_equal(mm_msgq_depth(r.q), 0);
    rig_down(&r);
}

static void test_idle_and_eof_flush(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, 65536, NULL, 200);
    int fd = dial(AF_INET, r.port4);
    /* an unterminated line is delivered when the connection is closed for idleness */
    assert_int_equal(write_all(fd, "<13>last words", 14), 0);
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, DEADLINE_MS), 1);
    char b[16];
    assert_true(read(fd, b, sizeof(b)) <= 0);
    close(fd);
    const struct mm_ingest_stats *s = mm_ingest_stats(r.ing);
    assert_int_equal(atomic_load(&s->tcp_idle), 1);
    struct mm_msg out[4];
    size_t k = mm_msgq_pop(r.q, out, 4, DEADLINE_MS);
    assert_int_equal(k, 1);
    assert_int_equal(out[0].len, 14);
    assert_memory_equal(out[0].data, "<13>last words", 14);
    mm_msgq_release(r.q, k);
    rig_down(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_clients),
        cmocka_unit_test(test_back_pressure),
        cmocka_unit_test(test_stop_while_blocked),
        cmocka_unit_test(test_denied_at_accept),
        cmocka_unit_test(test_idle_and_eof_flush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
