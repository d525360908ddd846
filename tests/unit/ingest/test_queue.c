/* Tests for src/ingest/queue.c: order, byte bound, EFULL, blocking, wraparound, producers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "mimamori/ingest.h"

static struct mm_msg mk(const char *s, size_t len)
{
    struct mm_msg m;
    memset(&m, 0, sizeof(m));
    m.len = (uint32_t)len;
    m.transport = MM_LISTEN_UDP;
    m.recv_ns = 42;
    m.peer.ss_family = AF_INET;
    m.data = s;
    return m;
}

static void test_order_and_fields(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 4096), MM_OK);
    char txt[16];
    for (int i = 0; i < 10; i++) {
        int n = snprintf(txt, sizeof(txt), "msg %d", i);
        struct mm_msg m = mk(txt, (size_t)n);
        m.truncated = (uint8_t)(i & 1);
        assert_int_equal(mm_msgq_push(q, &m, 0), MM_OK);
    }
    assert_int_equal(mm_msgq_depth(q), 10);
    struct mm_msg out[16];
    size_t k = mm_msgq_pop(q, out, 4, 0);
    assert_int_equal(k, 4);
    size_t k2 = mm_msgq_pop(q, out + 4, 16, 0);
    assert_int_equal(k2, 6);
    for (int i = 0; i < 10; i++) {
        int n = snprintf(txt, sizeof(txt), "msg %d", i);
        assert_int_equal(out[i].len, n);
        assert_memory_equal(out[i].data, txt, (size_t)n);
        assert_int_equal(out[i].truncated, i & 1);
        assert_int_equal(out[i].recv_ns, 42);
        assert_int_equal(out[i].peer.ss_family, AF_INET);
    }
    mm_msgq_release(q, 10);
    assert_int_equal(mm_msgq_pop(q, out, 16, 0), 0);
    /* timeout with nothing queued */
    assert_int_equal(mm_msgq_pop(q, out, 16, 20), 0);
    mm_msgq_free(q);
}

static void test_byte_bound_efull(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 4096), MM_OK);
    char big[1000];
    memset(big, 'x', sizeof(big));
    struct mm_msg m = mk(big, sizeof(big));
    size_t n = 0;
    while (mm_msgq_push(q, &m, 0) == MM_OK) {
        n++;
        assert_true(n < 10);
    }
    /* 4096 bytes hold 3 or 4 records of 1000 bytes + header, never more */
    assert_true(n >= 3 && n <= 4);
    assert_int_equal(mm_msgq_push(q, &m, 0), MM_EFULL);
    /* a small one may still fit the remainder, a big one does not */
    struct mm_msg out[8];
    assert_int_equal(mm_msgq_pop(q, out, 1, 0), 1);
    /* popped but not released still takes room */
    assert_int_equal(mm_msgq_push(q, &m, 0), MM_EFULL);
    mm_msgq_release(q, 1);
    assert_int_equal(mm_msgq_push(q, &m, 0), MM_OK);
    /* larger than the whole queue */
    char huge[5000];
    memset(huge, 'y', sizeof(huge));
    struct mm_msg h = mk(huge, sizeof(huge));
    assert_int_equal(mm_msgq_push(q, &h, 1), MM_EINVAL);
    assert_int_equal(mm_msgq_push_batch(q, &h, 1), 0);
    mm_msgq_free(q);
}

struct pusher {
    struct mm_msgq *q;
    enum mm_err rc;
};

static void *blocking_pusher(void *arg)
{
    struct pusher *p = arg;
    static const char body[1000] = {'z'};
    struct mm_msg m = mk(body, sizeof(body));
    p->rc = mm_msgq_push(p->q, &m, 1);
    return NULL;
}

static void fill(struct mm_msgq *q)
{
    static const char body[1000] = {'z'};
    struct mm_msg m = mk(body, sizeof(body));
    while (mm_msgq_push(q, &m, 0) == MM_OK) {
    }
}

static void test_blocking_released_by_pop(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 4096), MM_OK);
    fill(q);
    size_t before = mm_msgq_depth(q);
    struct pusher p = {q, MM_EINVAL};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, blocking_pusher, &p), 0);
    struct mm_msg out[8];
    /* pop everything that is there; the pusher gets in once room is released */
    size_t total = 0;
    while (total < before + 1) {
        size_t k = mm_msgq_pop(q, out, 8, 5000);
        assert_true(k > 0);
        mm_msgq_release(q, k);
        total += k;
    }
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(p.rc, MM_OK);
    mm_msgq_free(q);
}

static void test_blocking_released_by_close(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 4096), MM_OK);
    fill(q);
    struct pusher p = {q, MM_OK};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, blocking_pusher, &p), 0);
    mm_msgq_close(q);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(p.rc, MM_EIO);
    /* closed: no pushes; the consumer drains what is left */
    assert_false(mm_msgq_closed_and_empty(q));
    struct mm_msg out[8];
    size_t k;
    while ((k = mm_msgq_pop(q, out, 8, -1)) > 0) {
        mm_msgq_release(q, k);
    }
    assert_true(mm_msgq_closed_and_empty(q));
    struct mm_msg m = mk("x", 1);
    assert_int_equal(mm_msgq_push(q, &m, 0), MM_EIO);
    mm_msgq_free(q);
}

static void test_push_timed(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 4096), MM_OK);
    fill(q);
    static const char body[1000] = {'z'};
    struct mm_msg m = mk(body, sizeof(body));
    assert_int_equal(mm_msgq_push_timed(q, &m, 10), MM_EFULL);
    mm_msgq_free(q);
}

/* Varied sizes through a small ring, with pops and releases lagging behind. */
static void test_wraparound(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 3000), MM_OK);
    char buf[700];
    uint32_t seed = 12345;
    size_t pushed = 0, checked = 0;
    size_t held = 0; /* popped, not released */
    struct mm_msg out[64];
    size_t lens[1 << 12];
    while (checked < 3000) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 8) % 600;
        if (pushed < 3000) {
            memset(buf, (int)('a' + pushed % 26), len);
            struct mm_msg m = mk(buf, len);
            if (mm_msgq_push(q, &m, 0) == MM_OK) {
                lens[pushed % 4096] = len;
                pushed++;
                continue;
            }
        }
        /* full (or done): pop a few, check them, release part of what is held */
        size_t k = mm_msgq_pop(q, out + held, 3, 0);
        for (size_t i = 0; i < k; i++) {
            struct mm_msg *o = &out[held + i];
            assert_int_equal(o->len, lens[checked % 4096]);
            for (size_t j = 0; j < o->len; j++) {
                assert_int_equal(o->data[j], (char)('a' + checked % 26));
            }
            checked++;
        }
        held += k;
        /* the held records stay intact while later pushes wrap around */
        if (held > 0 && (held >= 4 || k == 0)) {
            for (size_t i = 0; i < held; i++) {
                if (out[i].len > 0) {
                    assert_true(out[i].data[0] >= 'a' && out[i].data[0] <= 'z');
                    assert_int_equal(out[i].data[0], out[i].data[out[i].len - 1]);
                }
            }
            mm_msgq_release(q, held);
            held = 0;
        }
    }
    assert_int_equal(mm_msgq_depth(q), 0);
    mm_msgq_free(q);
}

#define PER_PRODUCER 100000

struct producer {
    struct mm_msgq *q;
    int id;
};

static void *producer_main(void *arg)
{
    struct producer *p = arg;
    char buf[32];
    for (uint32_t i = 0; i < PER_PRODUCER; i++) {
        buf[0] = (char)p->id;
        memcpy(buf + 1, &i, sizeof(i));
        struct mm_msg m = mk(buf, 5 + (i % 20));
        if (mm_msgq_push(p->q, &m, 1) != MM_OK) {
            return (void *)1;
        }
    }
    return NULL;
}

static void test_two_producers(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 64 * 1024), MM_OK);
    struct producer p[2] = {{q, 0}, {q, 1}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, producer_main, &p[i]), 0);
    }
    uint32_t next[2] = {0, 0};
    struct mm_msg out[256];
    while (next[0] < PER_PRODUCER || next[1] < PER_PRODUCER) {
        size_t k = mm_msgq_pop(q, out, 256, 10000);
        assert_true(k > 0);
        for (size_t i = 0; i < k; i++) {
            int id = out[i].data[0];
            assert_true(id == 0 || id == 1);
            uint32_t seq;
            memcpy(&seq, out[i].data + 1, sizeof(seq));
            assert_int_equal(seq, next[id]);
            assert_int_equal(out[i].len, 5 + (seq % 20));
            next[id]++;
        }
        mm_msgq_release(q, k);
    }
    for (int i = 0; i < 2; i++) {
        void *ret;
        assert_int_equal(pthread_join(th[i], &ret), 0);
        assert_null(ret);
    }
    assert_int_equal(mm_msgq_depth(q), 0);
    mm_msgq_free(q);
}

static void test_batch(void **state)
{
    (void)state;
    struct mm_msgq *q;
    assert_int_equal(mm_msgq_new(&q, 1024), MM_OK);
    char body[100];
    memset(body, 'b', sizeof(body));
    struct mm_msg ms[20];
    for (int i = 0; i < 20; i++) {
        ms[i] = mk(body, sizeof(body));
    }
    size_t n = mm_msgq_push_batch(q, ms, 20);
    /* 1024 / (48 + 100 -> 152) = 6 */
    assert_int_equal(n, 6);
    assert_int_equal(mm_msgq_depth(q), 6);
    mm_msgq_close(q);
    assert_int_equal(mm_msgq_push_batch(q, ms, 1), 0);
    mm_msgq_free(q);
}

static void test_new_invalid(void **state)
{
    (void)state;
    struct mm_msgq *q = (struct mm_msgq *)1;
    assert_int_equal(mm_msgq_new(&q, 8), MM_EINVAL);
    assert_null(q);
    mm_msgq_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_fields),
        cmocka_unit_test(test_byte_bound_efull),
        cmocka_unit_test(test_blocking_released_by_pop),
        cmocka_unit_test(test_blocking_released_by_close),
        cmocka_unit_test(test_push_timed),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_two_producers),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_new_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
