/*
 * Tests for src/notify/backoff.c: the back-off schedule (injected randomness:
 * no clock, no sleep) and Retry-After in both of its forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "notify/notify_int.h"

#define S 1000000000LL

static void test_schedule(void **state)
{
    (void)state;
    /* without jitter (rnd at its top) the wait doubles from 1 s and stops at the cap */
    int64_t want[] = {1 * S, 2 * S, 4 * S, 8 * S, 16 * S, 32 * S, 60 * S, 60 * S, 60 * S};
    for (unsigned a = 1; a <= 9; a++) {
        assert_true(mm_notify_backoff_ns(a, S, 60 * S, UINT32_MAX) == want[a - 1]);
        /* the jitter takes at most half away */
        assert_true(mm_notify_backoff_ns(a, S, 60 * S, 0) == want[a - 1] - want[a - 1] / 2);
        int64_t mid = mm_notify_backoff_ns(a, S, 60 * S, UINT32_MAX / 2);
        assert_true(mid > want[a - 1] / 2 && mid < want[a - 1]);
    }
    /* huge attempt counts do not overflow */
    assert_true(mm_notify_backoff_ns(1000, S, 300 * S, UINT32_MAX) == 300 * S);
    assert_true(mm_notify_backoff_ns(0, S, 60 * S, UINT32_MAX) == S);
}

static void test_retry_after(void **state)
{
    (void)state;
    /* 2026-11-21T10:00:00Z */
    const int64_t now = 1795255200LL * S;
    assert_true(mm_notify_retry_after_ns("120", 3, now) == 120 * S);
    assert_true(mm_notify_retry_after_ns(" 0 \r\n", 5, now) == 0);
    const char *date = "Sat, 21 Nov 2026 10:00:30 GMT";
    assert_true(mm_notify_retry_after_ns(date, strlen(date), now) == 30 * S);
    const char *past = "Sun, 06 Nov 1994 08:49:37 GMT";
    assert_true(mm_notify_retry_after_ns(past, strlen(past), now) == 0);
    const char *bad[] = {"", "soon", "-5", "12s", "Sat, 21 Nov 2026 10:00:30 JST",
                         "Sat, 21 Foo 2026 10:00:30 GMT", "Saturday, 21-Nov-26 10:00:30 GMT"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_true(mm_notify_retry_after_ns(bad[i], strlen(bad[i]), now) == -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_schedule),
                                       cmocka_unit_test(test_retry_after)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
