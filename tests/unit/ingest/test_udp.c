/*
 * Tests for src/ingest/udp.c (and the listener part of ingest.c): real
 * sockets on 127.0.0.1 and ::1, ephemeral ports, waits with deadlines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ingest/ingest_int.h"

#define DEADLINE_MS 10000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct mm_config *mkcfg(const char *host, const char *cidr)
{
    struct mm_config *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    c->listen = calloc(1, sizeof(*c->listen));
    assert_non_null(c->listen);
    c->nlisten = 1;
    c->listen[0].proto = MM_LISTEN_UDP;
    c->listen[0].host = (char *)host;
    c->listen[0].port = (char *)"0";
    c->listen[0].url = (char *)"udp://test";
    c->max_message = 2048;
    c->queue_bytes = 16u << 20;
    c->udp_rcvbuf = 4 << 20;
    if (cidr != NULL) {
        c->allowed = calloc(1, sizeof(*c->allowed));
        assert_non_null(c->allowed);
        assert_int_equal(mm_cidr_parse(c->allowed, cidr, strlen(cidr)), MM_OK);
        c->nallowed = 1;
    }
    return c;
}

static void freecfg(struct mm_config *c)
{
    free(c->listen);
    free(c->allowed);
    free(c);
}

struct rig {
    struct mm_config *cfg;
    struct mm_msgq *q;
    struct mm_ingest *ing;
    int tx;                         /* sending socket, connected to the listener */
    struct sockaddr_storage txaddr; /* its local address */
};

/* Returns 0 when the address family is unavailable here (no IPv6). */
static int rig_up(struct rig *r, int family, const char *cidr)
{
    memset(r, 0, sizeof(*r));
    const char *host = family == AF_INET6 ? "::1" : "127.0.0.1";
    r->cfg = mkcfg(host, cidr);
    assert_int_equal(mm_msgq_new(&r->q, r->cfg->queue_bytes), MM_OK);
    enum mm_err rc = mm_ingest_open(&r->ing, r->cfg, r->q);
    if (rc != MM_OK && family == AF_INET6) {
        mm_msgq_free(r->q);
        freecfg(r->cfg);
        return 0;
    }
    assert_int_equal(rc, MM_OK);
    int port = mm_ingest_port(r->ing, 0);
    assert_true(port > 0);
    assert_int_equal(mm_ingest_start(r->ing), MM_OK);

    struct sockaddr_storage dst;
    memset(&dst, 0, sizeof(dst));
    socklen_t dl;
    if (family == AF_INET6) {
        struct sockaddr_in6 *d = (struct sockaddr_in6 *)&dst;
        d->sin6_family = AF_INET6;
        d->sin6_port = htons((uint16_t)port);
        d->sin6_addr = in6addr_loopback;
        dl = sizeof(*d);
    } else {
        struct sockaddr_in *d = (struct sockaddr_in *)&dst;
        d->sin_family = AF_INET;
        d->sin_port = htons((uint16_t)port);
        d->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        dl = sizeof(*d);
    }
    r->tx = socket(family, SOCK_DGRAM, 0);
    assert_true(r->tx >= 0);
    assert_int_equal(connect(r->tx, (struct sockaddr *)&dst, dl), 0);
    socklen_t sl = sizeof(r->txaddr);
    assert_int_equal(getsockname(r->tx, (struct sockaddr *)&r->txaddr, &sl), 0);
    return 1;
}

static void rig_down(struct rig *r)
{
    close(r->tx);
    mm_ingest_free(r->ing);
    mm_msgq_free(r->q);
    freecfg(r->cfg);
}

static uint64_t stat_sum(const struct mm_ingest_stats *s)
{
    return atomic_load(&s->received) + atomic_load(&s->dropped_queue) +
           atomic_load(&s->dropped_denied);
}

/* Send n datagrams "msg <i>\n", at most `window` ahead of what ingest has seen. */
static void send_many(struct rig *r, int n, int window)
{
    const struct mm_ingest_stats *s = mm_ingest_stats(r->ing);
    uint64_t base = stat_sum(s);
    char buf[64];
    for (int i = 0; i < n; i++) {
        int64_t dl = now_ms() + DEADLINE_MS;
        while ((int64_t)(i - (int64_t)(stat_sum(s) - base)) >= window) {
            assert_true(now_ms() < dl);
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL); /* polling interval, not a wait for an event */
        }
        int len = snprintf(buf, sizeof(buf), "msg %d\n", i);
        ssize_t w = send(r->tx, buf, (size_t)len, 0);
        assert_int_equal(w, len);
    }
}

static void wait_stat(const _Atomic uint64_t *v, uint64_t want)
{
    int64_t dl = now_ms() + DEADLINE_MS;
    while (atomic_load(v) < want) {
        assert_true(now_ms() < dl);
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

static void same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    assert_int_equal(a->ss_family, b->ss_family);
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        assert_int_equal(x->sin_port, y->sin_port);
        assert_memory_equal(&x->sin_addr, &y->sin_addr, sizeof(x->sin_addr));
    } else {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        assert_int_equal(x->sin6_port, y->sin6_port);
        assert_memory_equal(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
    }
}

static void receive_all(int family)
{
    struct rig r;
    if (!rig_up(&r, family, NULL)) {
        skip();
    }
    enum { N = 10000 };
    send_many(&r, N, 256);
    const struct mm_ingest_stats *s = mm_ingest_stats(r.ing);
    wait_stat(&s->received, N);
    assert_int_equal(atomic_load(&s->dropped_queue), 0);
    struct mm_msg out[512];
    int next = 0;
    int64_t t0 = 0;
    while (next < N) {
        size_t k = mm_msgq_pop(r.q, out, 512, DEADLINE_MS);
        assert_true(k > 0);
        for (size_t i = 0; i < k; i++) {
            char want[32];
            int len = snprintf(want, sizeof(want), "msg %d", next);
            assert_int_equal(out[i].len, len); /* the LF was stripped */
            assert_memory_equal(out[i].data, want, (size_t)len);
            assert_int_equal(out[i].transport, MM_LISTEN_UDP);
            assert_false(out[i].truncated);
            assert_true(out[i].recv_ns >= t0);
            t0 = out[i].recv_ns;
            same_peer(&out[i].peer, &r.txaddr);
            next++;
        }
        mm_msgq_release(r.q, k);
    }
    rig_down(&r);
}

static void test_receive_v4(void **state)
{
    (void)state;
    receive_all(AF_INET);
}

static void test_receive_v6(void **state)
{
    (void)state;
    receive_all(AF_INET6);
}

static void test_denied(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, AF_INET, "10.0.0.0/8");
    send_many(&r, 100, 64);
    const struct mm_ingest_stats *s = mm_ingest_stats(r.ing);
    wait_stat(&s->dropped_denied, 100);
    assert_int_equal(atomic_load(&s->received), 0);
    assert_int_equal(mm_msgq_depth(r.q), 0);
    rig_down(&r);
}

static void test_truncated_and_trim(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, AF_INET, NULL);
    char *big = malloc(10240);
    assert_non_null(big);
    memset(big, 'B', 10240);
    assert_int_equal(send(r.tx, big, 10240, 0), 10240);
    free(big);
    static const char crlf[] = "hello\r\n\0\0";
    assert_int_equal(send(r.tx, crlf, sizeof(crlf) - 1, 0), (ssize_t)sizeof(crlf) - 1);
    assert_int_equal(send(r.tx, "\n", 1, 0), 1); /* empty after trimming: not queued */
    assert_int_equal(send(r.tx, "x", 1, 0), 1);
    const struct mm_ingest_stats *s = mm_ingest_stats(r.ing);
    wait_stat(&s->received, 3);
    assert_int_equal(atomic_load(&s->truncated), 1);
    struct mm_msg out[8];
    size_t got = 0;
    while (got < 3) {
        size_t k = mm_msgq_pop(r.q, out + got, 8 - got, DEADLINE_MS);
        assert_true(k > 0);
        got += k;
    }
    assert_int_equal(out[0].len, 2048);
    assert_true(out[0].truncated);
    assert_int_equal(out[0].data[2047], 'B');
    assert_int_equal(out[1].len, 5);
    assert_memory_equal(out[1].data, "hello", 5);
    assert_int_equal(out[2].len, 1);
    mm_msgq_release(r.q, got);
    rig_down(&r);
}

static void test_trim_fn(void **state)
{
    (void)state;
    assert_int_equal(mm_udp_trim("ab\n", 3), 2);
    assert_int_equal(mm_udp_trim("ab\r\n", 4), 2);
    assert_int_equal(mm_udp_trim("ab\n\n", 4), 3);
    assert_int_equal(mm_udp_trim("ab\0\0", 4), 2);
    assert_int_equal(mm_udp_trim("ab\r", 3), 3);
    assert_int_equal(mm_udp_trim("\0", 1), 0);
    assert_int_equal(mm_udp_trim("", 0), 0);
}

static void test_bind_error(void **state)
{
    (void)state;
    struct mm_config *c = mkcfg("192.0.2.1", NULL); /* not a local address */
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 65536), MM_OK);
    struct mm_ingest *ing = (struct mm_ingest *)1;
    assert_int_not_equal(mm_ingest_open(&ing, c, q), MM_OK);
    assert_null(ing);
    c->listen[0].host = (char *)"not an address";
    assert_int_not_equal(mm_ingest_open(&ing, c, q), MM_OK);
    mm_ingest_stop(NULL);
    mm_ingest_free(NULL);
    mm_msgq_free(q);
    freecfg(c);
}

/* v4 0.0.0.0 and v6 :: on the same port: IPV6_V6ONLY lets both bind. */
static void test_dual_stack_coexist(void **state)
{
    (void)state;
    struct mm_config *c = mkcfg("0.0.0.0", NULL);
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 65536), MM_OK);
    struct mm_ingest *a = NULL, *b = NULL;
    assert_int_equal(mm_ingest_open(&a, c, q), MM_OK);
    char port[16];
    snprintf(port, sizeof(port), "%d", mm_ingest_port(a, 0));
    c->listen[0].host = (char *)"::";
    c->listen[0].port = port;
    enum mm_err rc = mm_ingest_open(&b, c, q);
    mm_ingest_free(b);
    mm_ingest_free(a);
    mm_msgq_free(q);
    freecfg(c);
    if (rc != MM_OK) {
        skip(); /* no IPv6 on this host */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_receive_v4),
        cmocka_unit_test(test_receive_v6),
        cmocka_unit_test(test_denied),
        cmocka_unit_test(test_truncated_and_trim),
        cmocka_unit_test(test_trim_fn),
        cmocka_unit_test(test_bind_error),
        cmocka_unit_test(test_dual_stack_coexist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
