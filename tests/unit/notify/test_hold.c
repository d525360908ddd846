/*
 * Tests for src/notify/hold.c: when a smtp/webhook channel may send - quiet
 * hours in the configured zone, the rate limit, the digest window - with
 * injected times: no clock, no sleep.  Expected instants are written in UTC
 * with the zone's known offsets (and the known instants of its clock
 * changes), not computed with the zone code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mimamori/tz.h"
#include "notify/notify_int.h"

#define NS 1LL
#define S 1000000000LL
#define MIN (60 * S)
#define H (60 * MIN)

/* A UTC civil time as epoch ns. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s, int ns)
{
    struct mm_civil c = {
        .year = y, .mon = mo, .mday = d, .hour = h, .min = mi, .sec = s, .nsec = ns};
    return mm_civil_to_epoch_ns(&c);
}

static struct mm_tz *zone(const char *name)
{
    struct mm_tz *tz = NULL;
    assert_int_equal(mm_tz_load(&tz, name), MM_OK);
    assert_non_null(tz);
    return tz;
}

static struct mm_notify_chan quiet(int h0, int m0, int h1, int m1)
{
    struct mm_notify_chan c;
    memset(&c, 0, sizeof(c));
    c.name = "test";
    c.quiet_start = h0 * 60 + m0;
    c.quiet_end = h1 * 60 + m1;
    return c;
}

/* quiet_end, and release_at agreeing with it (held = why_held 1, free = t <= now) */
#define expect_quiet(c, tz, now, want_end) expect_quiet_at(c, tz, now, want_end, __FILE__, __LINE__)
static void expect_quiet_at(const struct mm_notify_chan *c, const struct mm_tz *tz, int64_t now,
                            int64_t want_end, const char *file, int line)
{
    struct mm_notify_hold h = {0};
    int why = -1;
    int64_t end = mm_notify_quiet_end(c, tz, now);
    int64_t t = mm_notify_release_at(&h, c, tz, now, &why);
    if (end != want_end) {
        print_error("quiet_end: %+.9f s from the expected end (now %+.9f s before it)\n",
                    (double)(end - want_end) / 1e9, (double)(want_end - now) / 1e9);
    }
    _assert_int_equal((uint64_t)end, (uint64_t)want_end, file, line);
    _assert_int_equal((uint64_t)t, (uint64_t)(want_end == 0 ? now : want_end), file, line);
    _assert_int_equal((uint64_t)why, (uint64_t)(want_end != 0), file, line);
}

/* 22:00-07:00 in Asia/Tokyo (UTC+9, no DST): 2026-11-21 22:00 JST = 13:00 UTC */
static void test_quiet_tokyo_across_midnight(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Asia/Tokyo");
    struct mm_notify_chan c = quiet(22, 0, 7, 0);
    const int64_t end = utc(2026, 11, 21, 22, 0, 0, 0); /* 2026-11-22 07:00:00.000 JST */

    /* inside, before midnight: 23:15:42.123456789 JST, seconds and ns of now included */
    expect_quiet(&c, tz, utc(2026, 11, 21, 14, 15, 42, 123456789), end);
    /* inside, after midnight: 03:59:59.999999999 JST */
    expect_quiet(&c, tz, utc(2026, 11, 21, 18, 59, 59, 999999999), end);
    /* 00:00:00 JST exactly */
    expect_quiet(&c, tz, utc(2026, 11, 21, 15, 0, 0, 0), end);
    /* the exact start is held, until the next 07:00 */
    expect_quiet(&c, tz, utc(2026, 11, 21, 13, 0, 0, 0), end);
    /* one ns before the start is not */
    expect_quiet(&c, tz, utc(2026, 11, 21, 12, 59, 59, 999999999), 0);
    /* one ns before the end: held for that ns */
    expect_quiet(&c, tz, end - 1, end);
    /* the exact end is not held */
    expect_quiet(&c, tz, end, 0);
    /* outside: noon, 07:00:01, 21:59 */
    expect_quiet(&c, tz, utc(2026, 11, 22, 3, 0, 0, 0), 0);
    expect_quiet(&c, tz, end + S, 0);
    expect_quiet(&c, tz, utc(2026, 11, 22, 12, 59, 0, 0), 0);
    /* the next night ends the next morning: 2026-11-23 07:00 JST */
    expect_quiet(&c, tz, utc(2026, 11, 22, 13, 30, 0, 5), utc(2026, 11, 22, 22, 0, 0, 0));
    /* end of a month and of a year: 2026-12-31 23:30 JST -> 2027-01-01 07:00 JST */
    expect_quiet(&c, tz, utc(2026, 12, 31, 14, 30, 0, 0), utc(2026, 12, 31, 22, 0, 0, 0));
    mm_tz_free(tz);
}

/* 12:00-13:00 in Tokyo: does not cross midnight */
static void test_quiet_same_day(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Asia/Tokyo");
    struct mm_notify_chan c = quiet(12, 0, 13, 0);
    const int64_t start = utc(2026, 11, 21, 3, 0, 0, 0); /* 12:00 JST */
    const int64_t end = utc(2026, 11, 21, 4, 0, 0, 0);   /* 13:00 JST */
    expect_quiet(&c, tz, start, end);
    expect_quiet(&c, tz, start + 30 * MIN + 15 * S + 250000000, end);
    expect_quiet(&c, tz, end - 1, end);
    expect_quiet(&c, tz, end, 0);
    expect_quiet(&c, tz, start - 1, 0);
    /* the other side of midnight is outside (not a 12:00-13:00 "across midnight") */
    expect_quiet(&c, tz, utc(2026, 11, 21, 14, 0, 0, 0), 0);  /* 23:00 JST */
    expect_quiet(&c, tz, utc(2026, 11, 21, 15, 30, 0, 0), 0); /* 00:30 JST */
    expect_quiet(&c, tz, utc(2026, 11, 20, 22, 0, 0, 0), 0);  /* 07:00 JST */
    mm_tz_free(tz);
}

/* start == end: no quiet hours at all */
static void test_quiet_none(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Asia/Tokyo");
    const int mins[] = {0, 1, 420, 720, 1320, 1439};
    for (size_t i = 0; i < sizeof(mins) / sizeof(mins[0]); i++) {
        struct mm_notify_chan c = quiet(mins[i] / 60, mins[i] % 60, mins[i] / 60, mins[i] % 60);
        for (int64_t now = utc(2026, 11, 21, 0, 0, 0, 0); now < utc(2026, 11, 22, 0, 0, 0, 0);
             now += 7 * MIN + 13 * S) {
            expect_quiet(&c, tz, now, 0);
        }
        /* the very minute they would start and end */
        int64_t at = utc(2026, 11, 21, 0, 0, 0, 0) + (int64_t)mins[i] * MIN - 9 * H;
        expect_quiet(&c, tz, at, 0);
    }
    mm_tz_free(tz);
}

/* no zone loaded: the quiet hours are in UTC */
static void test_quiet_utc(void **state)
{
    (void)state;
    struct mm_notify_chan c = quiet(22, 0, 7, 0);
    expect_quiet(&c, NULL, utc(2026, 11, 21, 23, 0, 0, 0), utc(2026, 11, 22, 7, 0, 0, 0));
    expect_quiet(&c, NULL, utc(2026, 11, 21, 13, 0, 0, 0), 0);
}

/*
 * Europe/Berlin, quiet 01:00-04:00 on the nights the clocks change.  The end
 * is the first instant the local clock reads 04:00.
 * Spring 2026-03-29: 02:00 CET (01:00 UTC) becomes 03:00 CEST: that night
 * lasts 2 h of real time, 01:00 CET = 00:00 UTC to 04:00 CEST = 02:00 UTC.
 */
static void test_quiet_dst_spring(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Europe/Berlin");
    struct mm_notify_chan c = quiet(1, 0, 4, 0);
    const int64_t start = utc(2026, 3, 29, 0, 0, 0, 0); /* 01:00 CET */
    const int64_t end = utc(2026, 3, 29, 2, 0, 0, 0);   /* 04:00 CEST */
    expect_quiet(&c, tz, start - 1, 0);                 /* 00:59:59.999999999 CET */
    expect_quiet(&c, tz, start, end);
    expect_quiet(&c, tz, utc(2026, 3, 29, 0, 30, 12, 5), end); /* 01:30:12 CET, before the change */
    expect_quiet(&c, tz, utc(2026, 3, 29, 1, 0, 0, 0) - 1, end); /* 01:59:59.999999999 CET */
    expect_quiet(&c, tz, utc(2026, 3, 29, 1, 0, 0, 0), end);     /* 03:00:00 CEST */
    expect_quiet(&c, tz, utc(2026, 3, 29, 1, 30, 0, 0), end);    /* 03:30 CEST */
    expect_quiet(&c, tz, end - 1, end);
    expect_quiet(&c, tz, end, 0);
    /* the night before and the night after: an ordinary 3 h */
    expect_quiet(&c, tz, utc(2026, 3, 28, 0, 30, 0, 0), utc(2026, 3, 28, 3, 0, 0, 0));
    expect_quiet(&c, tz, utc(2026, 3, 29, 23, 30, 0, 0), utc(2026, 3, 30, 2, 0, 0, 0));
    mm_tz_free(tz);
}

/*
 * Autumn 2026-10-25: 03:00 CEST (01:00 UTC) becomes 02:00 CET, the hour
 * 02:00-03:00 comes twice: the night lasts 4 h, 01:00 CEST = 23:00 UTC the
 * day before to 04:00 CET = 03:00 UTC.
 */
static void test_quiet_dst_autumn(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Europe/Berlin");
    struct mm_notify_chan c = quiet(1, 0, 4, 0);
    const int64_t start = utc(2026, 10, 24, 23, 0, 0, 0); /* 01:00 CEST */
    const int64_t end = utc(2026, 10, 25, 3, 0, 0, 0);    /* 04:00 CET */
    expect_quiet(&c, tz, start - 1, 0);
    expect_quiet(&c, tz, start, end);
    expect_quiet(&c, tz, utc(2026, 10, 24, 23, 30, 0, 0), end); /* 01:30 CEST */
    expect_quiet(&c, tz, utc(2026, 10, 25, 0, 30, 0, 0), end);  /* 02:30 CEST, first pass */
    expect_quiet(&c, tz, utc(2026, 10, 25, 1, 30, 0, 0), end);  /* 02:30 CET, second pass */
    expect_quiet(&c, tz, utc(2026, 10, 25, 2, 59, 59, 0), end); /* 03:59:59 CET */
    expect_quiet(&c, tz, end, 0);
    /* quiet hours that end inside the repeated hour: 00:30-02:30 */
    struct mm_notify_chan r = quiet(0, 30, 2, 30);
    /* from the first pass: the first 02:30 (CEST, 00:30 UTC) */
    expect_quiet(&r, tz, utc(2026, 10, 25, 0, 10, 0, 0), utc(2026, 10, 25, 0, 30, 0, 0));
    /* back in the range on the second pass (02:10 CET): until 02:30 CET (01:30 UTC) */
    expect_quiet(&r, tz, utc(2026, 10, 25, 1, 10, 0, 0), utc(2026, 10, 25, 1, 30, 0, 0));
    expect_quiet(&r, tz, utc(2026, 10, 25, 1, 30, 0, 0), 0);
    mm_tz_free(tz);
}

/*
 * America/New_York: 2026-03-08 02:00 EST (07:00 UTC) becomes 03:00 EDT;
 * 2026-11-01 02:00 EDT (06:00 UTC) becomes 01:00 EST.
 */
static void test_quiet_dst_new_york(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("America/New_York");
    struct mm_notify_chan c = quiet(1, 0, 4, 0);
    /* spring: 01:30 EST (06:30 UTC) -> 04:00 EDT (08:00 UTC) */
    expect_quiet(&c, tz, utc(2026, 3, 8, 6, 30, 0, 0), utc(2026, 3, 8, 8, 0, 0, 0));
    expect_quiet(&c, tz, utc(2026, 3, 8, 8, 0, 0, 0), 0);
    /* autumn: 01:30 EDT (05:30 UTC) -> 04:00 EST (09:00 UTC); 01:30 EST (06:30 UTC) too */
    expect_quiet(&c, tz, utc(2026, 11, 1, 5, 30, 0, 0), utc(2026, 11, 1, 9, 0, 0, 0));
    expect_quiet(&c, tz, utc(2026, 11, 1, 6, 30, 0, 0), utc(2026, 11, 1, 9, 0, 0, 0));
    expect_quiet(&c, tz, utc(2026, 11, 1, 9, 0, 0, 0), 0);
    mm_tz_free(tz);
}

/* 3 per minute: sends at t, t+10s, t+20s; the 4th at t+60s; then the window slides */
static void test_rate_limit(void **state)
{
    (void)state;
    struct mm_notify_chan c = quiet(0, 0, 0, 0);
    c.rate_max = 3;
    c.rate_period_ns = MIN;
    struct mm_notify_hold h;
    assert_int_equal(mm_notify_hold_init(&h, &c), MM_OK);
    const int64_t t = utc(2026, 11, 21, 10, 0, 0, 120000000);
    int why = -1;

    assert_true(mm_notify_release_at(&h, &c, NULL, t, &why) == t);
    assert_int_equal(why, 0);
    mm_notify_count_sent(&h, &c, t);
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 10 * S, &why) == t + 10 * S);
    assert_int_equal(why, 0);
    mm_notify_count_sent(&h, &c, t + 10 * S);
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 20 * S, &why) == t + 20 * S);
    assert_int_equal(why, 0);
    mm_notify_count_sent(&h, &c, t + 20 * S);

    /* spent: the 4th waits for t+60s, not a ns before */
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 20 * S, &why) == t + 60 * S);
    assert_int_equal(why, 1);
    why = -1;
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 60 * S - 1, &why) == t + 60 * S);
    assert_int_equal(why, 1);
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 60 * S, &why) == t + 60 * S);
    assert_int_equal(why, 0);
    mm_notify_count_sent(&h, &c, t + 60 * S);

    /* the window slides: the 5th waits for the 2nd send + 60 s */
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 60 * S, &why) == t + 70 * S);
    assert_int_equal(why, 1);
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 70 * S, &why) == t + 70 * S);
    assert_int_equal(why, 0);
    mm_notify_count_sent(&h, &c, t + 70 * S);
    /* the 6th: the 3rd + 60 s; the 7th after that: the 4th (t+60s) + 60 s */
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 70 * S, &why) == t + 80 * S);
    assert_int_equal(why, 1);
    mm_notify_count_sent(&h, &c, t + 80 * S);
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 80 * S, &why) == t + 120 * S);
    assert_int_equal(why, 1);
    /* a long pause: free at once */
    assert_true(mm_notify_release_at(&h, &c, NULL, t + H, &why) == t + H);
    assert_int_equal(why, 0);
    mm_notify_hold_release(&h);
    mm_notify_hold_release(&h); /* twice is harmless */

    /* no rate limit: any number of sends, never held, no ring */
    struct mm_notify_chan free_c = quiet(0, 0, 0, 0);
    assert_int_equal(mm_notify_hold_init(&h, &free_c), MM_OK);
    assert_null(h.sent_at);
    for (int i = 0; i < 100; i++) {
        mm_notify_count_sent(&h, &free_c, t + i);
    }
    assert_true(mm_notify_release_at(&h, &free_c, NULL, t + 100, &why) == t + 100);
    assert_int_equal(why, 0);
    mm_notify_hold_release(&h);
}

/* digest 5 min: a window starts at each send; holding in it does not set why_held */
static void test_digest_window(void **state)
{
    (void)state;
    struct mm_notify_chan c = quiet(0, 0, 0, 0);
    c.digest_ns = 5 * MIN;
    struct mm_notify_hold h;
    assert_int_equal(mm_notify_hold_init(&h, &c), MM_OK);
    const int64_t t = utc(2026, 11, 21, 10, 0, 0, 0);
    int why = -1;
    /* the first message goes at once */
    assert_true(mm_notify_release_at(&h, &c, NULL, t, &why) == t);
    assert_int_equal(why, 0);
    mm_notify_count_sent(&h, &c, t);
    assert_true(h.window_end == t + 5 * MIN);
    why = -1;
    assert_true(mm_notify_release_at(&h, &c, NULL, t + S, &why) == t + 5 * MIN);
    assert_int_equal(why, 0); /* the digest window is not a "held" (see sender.c look()) */
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 5 * MIN - 1, &why) == t + 5 * MIN);
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 5 * MIN, &why) == t + 5 * MIN);
    assert_int_equal(why, 0);
    /* a send at the window's end starts the next one */
    mm_notify_count_sent(&h, &c, t + 5 * MIN);
    assert_true(mm_notify_release_at(&h, &c, NULL, t + 6 * MIN, &why) == t + 10 * MIN);
    /* without digest a window_end is ignored */
    struct mm_notify_chan nd = quiet(0, 0, 0, 0);
    assert_true(mm_notify_release_at(&h, &nd, NULL, t + 6 * MIN, &why) == t + 6 * MIN);
    assert_int_equal(why, 0);
    mm_notify_hold_release(&h);
}

/* quiet hours, rate limit and digest together: the latest wins */
static void test_latest_wins(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Asia/Tokyo");
    struct mm_notify_chan c = quiet(22, 0, 7, 0);
    c.rate_max = 2;
    c.rate_period_ns = H;
    c.digest_ns = 10 * MIN;
    struct mm_notify_hold h;
    int why = -1;

    /* quiet hours latest: sends at 21:00 and 21:50 JST, rate 2/1h, windows to 22:00 */
    assert_int_equal(mm_notify_hold_init(&h, &c), MM_OK);
    const int64_t j2100 = utc(2026, 11, 21, 12, 0, 0, 0); /* 21:00 JST */
    const int64_t j0700 = utc(2026, 11, 21, 22, 0, 0, 0); /* 07:00 JST next morning */
    mm_notify_count_sent(&h, &c, j2100);
    mm_notify_count_sent(&h, &c, j2100 + 50 * MIN);
    /* 21:55: rate until 22:00, digest until 22:00: both, and neither is quiet */
    assert_true(mm_notify_release_at(&h, &c, tz, j2100 + 55 * MIN, &why) == j2100 + H);
    assert_int_equal(why, 1);
    /* 22:05: rate free again (22:00), digest over (22:00), quiet until 07:00 */
    assert_true(mm_notify_release_at(&h, &c, tz, j2100 + 65 * MIN, &why) == j0700);
    assert_int_equal(why, 1);
    mm_notify_hold_release(&h);

    /* rate limit latest: two sends at 06:50 and 06:58 JST, rate 2/1h: until 07:50 */
    assert_int_equal(mm_notify_hold_init(&h, &c), MM_OK);
    mm_notify_count_sent(&h, &c, j0700 - 10 * MIN);
    mm_notify_count_sent(&h, &c, j0700 - 2 * MIN);
    assert_true(mm_notify_release_at(&h, &c, tz, j0700 - MIN, &why) == j0700 + 50 * MIN);
    assert_int_equal(why, 1);
    assert_true(mm_notify_release_at(&h, &c, tz, j0700 + 10 * MIN, &why) == j0700 + 50 * MIN);
    assert_int_equal(why, 1);
    mm_notify_hold_release(&h);

    /* digest latest: one send at 06:58 JST, window until 07:08; at 06:59 quiet until 07:00 */
    assert_int_equal(mm_notify_hold_init(&h, &c), MM_OK);
    mm_notify_count_sent(&h, &c, j0700 - 2 * MIN);
    assert_true(mm_notify_release_at(&h, &c, tz, j0700 - MIN, &why) == j0700 + 8 * MIN);
    assert_int_equal(why, 1); /* held by the quiet hours too: what waited goes as one digest */
    /* after 07:00 only the window holds */
    assert_true(mm_notify_release_at(&h, &c, tz, j0700 + MIN, &why) == j0700 + 8 * MIN);
    assert_int_equal(why, 0);
    assert_true(mm_notify_release_at(&h, &c, tz, j0700 + 8 * MIN, &why) == j0700 + 8 * MIN);
    assert_int_equal(why, 0);
    mm_notify_hold_release(&h);
    mm_tz_free(tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_tokyo_across_midnight),
        cmocka_unit_test(test_quiet_same_day),
        cmocka_unit_test(test_quiet_none),
        cmocka_unit_test(test_quiet_utc),
        cmocka_unit_test(test_quiet_dst_spring),
        cmocka_unit_test(test_quiet_dst_autumn),
        cmocka_unit_test(test_quiet_dst_new_york),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_digest_window),
        cmocka_unit_test(test_latest_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
