/* Tests for src/core/handoff.c: in-order batches between two real threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "mimamori/handoff.h"

#define SLOTS 4
#define BATCH 16

struct ring {
    struct mm_handoff *h;
    uint64_t item[SLOTS][BATCH]; /* the caller's batches, indexed by slot */
    size_t n[SLOTS];
    uint64_t batches; /* the producer makes this many */
    atomic_ulong published;
};

static void *producer(void *arg)
{
    struct ring *r = arg;
    uint64_t next = 0;
    for (uint64_t b = 0; b < r->batches; b++) {
        int s = mm_handoff_claim(r->h);
        size_t k = (size_t)(b % BATCH) + 1; /* batches of varying size */
        for (size_t i = 0; i < k; i++) {
            r->item[s][i] = next++;
        }
        r->n[s] = k;
        mm_handoff_publish(r->h, s);
        atomic_fetch_add(&r->published, 1);
    }
    mm_handoff_finish(r->h);
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Every item arrives once, in order, and the end is reported after the last batch. */
static void test_in_order(void **state)
{
    (void)state;
    static struct ring r;
    assert_int_equal(mm_handoff_new(&r.h, SLOTS), MM_OK);
    r.batches = 5000;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
    uint64_t want = 0, got_batches = 0;
    for (;;) {
        int s = mm_handoff_take(r.h, 2000);
        if (s == MM_HANDOFF_DONE) {
            break;
        }
        assert_true(s >= 0 && s < SLOTS);
        for (size_t i = 0; i < r.n[s]; i++) {
            assert_true(r.item[s][i] == want);
            want++;
        }
        got_batches++;
        mm_handoff_release(r.h, s);
    }
    pthread_join(t, NULL);
    assert_true(got_batches == r.batches);
    mm_handoff_free(r.h);
}

/* The consumer may hold several slots; the producer waits only when all are out. */
static void test_producer_waits_when_full(void **state)
{
    (void)state;
    static struct ring r;
    assert_int_equal(mm_handoff_new(&r.h, SLOTS), MM_OK);
    r.batches = SLOTS + 1;
    atomic_store(&r.published, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
    int held[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
        held[i] = mm_handoff_take(r.h, 5000);
        assert_int_equal(held[i], i);
    }
    sleep_ms(50);
    assert_int_equal(atomic_load(&r.published), SLOTS); /* the fifth waits for a slot */
    mm_handoff_release(r.h, held[0]);
    assert_int_equal(mm_handoff_take(r.h, 5000), 0); /* slot 0 again, refilled */
    for (int i = 1; i < SLOTS; i++) {
        mm_handoff_release(r.h, held[i]);
    }
    mm_handoff_release(r.h, 0);
    assert_int_equal(mm_handoff_take(r.h, 5000), MM_HANDOFF_DONE);
    pthread_join(t, NULL);
    mm_handoff_free(r.h);
}

/* Nothing published: a timed take times out, a zero timeout does not wait. */
static void test_timeout(void **state)
{
    (void)state;
    struct mm_handoff *h;
    assert_int_equal(mm_handoff_new(&h, 2), MM_OK);
    assert_int_equal(mm_handoff_take(h, 0), MM_HANDOFF_TIMEOUT);
    assert_int_equal(mm_handoff_take(h, 20), MM_HANDOFF_TIMEOUT);
    int s = mm_handoff_claim(h);
    mm_handoff_publish(h, s);
    mm_handoff_finish(h);
    assert_int_equal(mm_handoff_take(h, 0), s); /* what was published still comes first */
    mm_handoff_release(h, s);
    assert_int_equal(mm_handoff_take(h, 0), MM_HANDOFF_DONE);
    mm_handoff_free(h);
}

static void test_bad_size(void **state)
{
    (void)state;
    struct mm_handoff *h = (struct mm_handoff *)1;
    assert_int_equal(mm_handoff_new(&h, 0), MM_EINVAL);
    assert_null(h);
    mm_handoff_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_producer_waits_when_full),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_bad_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
