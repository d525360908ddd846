/*
 * test_report_period.c - src/cli/report_period.c: the report's weeks and
 * days in a time zone (Asia/Tokyo; America/New_York and Europe/Berlin for
 * the DST changes, where a day has 25 or 23 hours), bucket lookup, the
 * number and change formatting, and that every label exists in both
 * languages.  report_period.c belongs to the mimamori executable, so it is
 * compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report_period.c"

#define S 1000000000LL
#define HOUR (3600 * S)
#define DAY (24 * HOUR)

static struct mm_tz *zone(const char *name)
{
    struct mm_tz *tz = NULL;
    assert_int_equal(mm_tz_load(&tz, name), MM_OK);
    return tz;
}

/* epoch ns of a UTC civil time */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
    struct mm_civil c = {y, mo, d, h, mi, 0, 0};
    return mm_civil_to_epoch_ns(&c);
}

static void test_week_tokyo(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Asia/Tokyo");
    int64_t since, until;
    /* Wed 2026-11-11 12:00 JST: the previous week is Mon 11-02 .. Mon 11-09 00:00 JST */
    int64_t now = utc(2026, 11, 11, 3, 0);
    mm_rp_week(tz, now, -1, &since, &until);
    assert_true(since == utc(2026, 11, 1, 15, 0));
    assert_true(until == utc(2026, 11, 8, 15, 0));
    /* the current week */
    mm_rp_week(tz, now, 0, &since, &until);
    assert_true(since == utc(2026, 11, 8, 15, 0));
    /* Monday 00:00 JST exactly: that Monday starts the current week */
    mm_rp_week(tz, utc(2026, 11, 8, 15, 0), -1, &since, &until);
    assert_true(since == utc(2026, 11, 1, 15, 0));
    /* one second before: still Sunday, the week before */
    mm_rp_week(tz, utc(2026, 11, 8, 14, 59), -1, &since, &until);
    assert_true(since == utc(2026, 10, 25, 15, 0));
    /* Sunday 23:00 UTC is Monday 08:00 JST: the report timer's Monday morning */
    mm_rp_week(tz, utc(2026, 11, 8, 23, 0), -1, &since, &until);
    assert_true(since == utc(2026, 11, 1, 15, 0));
    /* across a year end: Mon 2027-01-04 -> the week of Mon 2026-12-28 */
    mm_rp_week(tz, utc(2027, 1, 4, 1, 0), -1, &since, &until);
    assert_true(since == utc(2026, 12, 27, 15, 0));
    assert_true(until == utc(2027, 1, 3, 15, 0));
    mm_tz_free(tz);
}

static void test_week_dst(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("America/New_York");
    int64_t since, until;
    /* DST ends Sun 2026-11-01 02:00 EDT: the week Mon 10-26 .. Mon 11-02 has 169 hours */
    mm_rp_week(tz, utc(2026, 11, 4, 12, 0), -1, &since, &until);
    assert_true(since == utc(2026, 10, 26, 4, 0)); /* 00:00 EDT */
    assert_true(until == utc(2026, 11, 2, 5, 0));  /* 00:00 EST */
    assert_true(until - since == 7 * DAY + HOUR);
    struct rp_bucket b[10];
    size_t n = mm_rp_buckets(tz, since, until, 0, b, 10);
    assert_int_equal(n, 7);
    assert_int_equal(b[6].wday, 0); /* Sunday */
    assert_true(b[6].end - b[6].start == 25 * HOUR);
    assert_true(b[0].end - b[0].start == DAY);
    assert_string_equal(b[0].label, "10-26 Mon");
    mm_tz_free(tz);

    /* Europe/Berlin: DST starts Sun 2026-03-29, a 23-hour day */
    tz = zone("Europe/Berlin");
    mm_rp_week(tz, utc(2026, 3, 31, 12, 0), -1, &since, &until);
    assert_true(since == utc(2026, 3, 22, 23, 0)); /* 00:00 CET */
    assert_true(until == utc(2026, 3, 29, 22, 0)); /* 00:00 CEST */
    n = mm_rp_buckets(tz, since, until, 1, b, 10);
    assert_int_equal(n, 7);
    assert_true(b[6].end - b[6].start == 23 * HOUR);
    assert_string_equal(b[6].label, "03/29 (\xe6\x97\xa5)"); /* 日 */
    mm_tz_free(tz);
}

static void test_buckets(void **state)
{
    (void)state;
    struct mm_tz *tz = zone("Asia/Tokyo");
    struct rp_bucket b[RP_MAX_BUCKETS];
    /* a partial first and last day */
    int64_t since = utc(2026, 11, 2, 3, 0), until = utc(2026, 11, 4, 3, 0); /* 12:00 JST */
    size_t n = mm_rp_buckets(tz, since, until, 0, b, RP_MAX_BUCKETS);
    assert_int_equal(n, 3);
    assert_true(b[0].start == since);
    assert_true(b[0].end == utc(2026, 11, 2, 15, 0));
    assert_true(b[2].end == until);
    assert_int_equal(mm_rp_bucket_of(b, n, since), 0);
    assert_int_equal(mm_rp_bucket_of(b, n, utc(2026, 11, 2, 15, 0)), 1);
    assert_int_equal(mm_rp_bucket_of(b, n, until), -1);
    assert_int_equal(mm_rp_bucket_of(b, n, since - 1), -1);
    /* a year: months */
    since = utc(2025, 12, 31, 15, 0); /* 2026-01-01 JST */
    until = utc(2026, 12, 31, 15, 0);
    n = mm_rp_buckets(tz, since, until, 0, b, RP_MAX_BUCKETS);
    assert_int_equal(n, 12);
    assert_string_equal(b[0].label, "2026-01");
    assert_string_equal(b[11].label, "2026-12");
    assert_true(b[1].start == utc(2026, 1, 31, 15, 0));
    /* an empty period */
    assert_int_equal(mm_rp_buckets(tz, since, since, 0, b, RP_MAX_BUCKETS), 0);
    assert_int_equal(mm_rp_wday(2026, 11, 2), 1);
    assert_int_equal(mm_rp_wday(1970, 1, 1), 4);
    mm_tz_free(tz);
}

static void test_numbers(void **state)
{
    (void)state;
    char b[64];
    int dir;
    mm_rp_count(0, b, sizeof(b));
    assert_string_equal(b, "0");
    mm_rp_count(999, b, sizeof(b));
    assert_string_equal(b, "999");
    mm_rp_count(1234567, b, sizeof(b));
    assert_string_equal(b, "1,234,567");
    mm_rp_change(112, 100, 0, b, sizeof(b), &dir);
    assert_string_equal(b, "\xe2\x96\xb2 12 (+12%)");
    assert_int_equal(dir, 1);
    mm_rp_change(80, 100, 0, b, sizeof(b), &dir);
    assert_string_equal(b, "\xe2\x96\xbc 20 (-20%)");
    assert_int_equal(dir, -1);
    mm_rp_change(5, 5, 0, b, sizeof(b), &dir);
    assert_string_equal(b, "\xe2\x86\x92 0");
    assert_int_equal(dir, 0);
    mm_rp_change(3, 0, 0, b, sizeof(b), &dir);
    assert_string_equal(b, "\xe2\x96\xb2 3 (new)");
    mm_rp_change(3, 0, 1, b, sizeof(b), &dir);
    assert_string_equal(b, "\xe2\x96\xb2 3 (\xe6\x96\xb0\xe8\xa6\x8f)"); /* 新規 */
    mm_rp_change(1001, 1000, 0, b, sizeof(b), &dir);
    assert_string_equal(b, "\xe2\x96\xb2 1 (+<1%)");
    mm_rp_change(2, 3, 0, b, sizeof(b), &dir); /* 33.3 % */
    assert_string_equal(b, "\xe2\x96\xbc 1 (-33%)");
    mm_rp_change(1, 6, 0, b, sizeof(b), &dir); /* 83.3 % */
    assert_string_equal(b, "\xe2\x96\xbc 5 (-83%)");
    mm_rp_change(2500000, 1000000, 0, b, sizeof(b), &dir);
    assert_string_equal(b, "\xe2\x96\xb2 1,500,000 (+150%)");
    char intro[256];
    mm_rp_intro(0, 1, intro, sizeof(intro));
    assert_non_null(strstr(intro, "1 high or critical alert needs"));
    mm_rp_intro(1, 0, intro, sizeof(intro));
    assert_non_null(strstr(intro, "\xe9\x87\x8d\xe5\xa4\xa7")); /* 重大 */
}

static void test_labels(void **state)
{
    (void)state;
    for (int l = 0; l < L__COUNT; l++) {
        assert_non_null(en[l]);
        assert_non_null(ja[l]);
        assert_true(strlen(en[l]) > 0 && strlen(ja[l]) > 0);
    }
    assert_string_equal(mm_rp_severity(1, 4), "\xe9\x87\x8d\xe5\xa4\xa7");
    assert_string_equal(mm_rp_weekday(0, 0), "Sun");
    assert_string_equal(mm_rp_weekday(1, 1), "\xe6\x9c\x88"); /* 月 */
    struct mm_tz *tz = zone("Asia/Tokyo");
    char t[40];
    mm_rp_time(tz, 0, utc(2026, 11, 4, 1, 0), t, sizeof(t));
    assert_string_equal(t, "Wed 11-04 10:00");
    mm_rp_time(tz, 1, utc(2026, 11, 4, 1, 0), t, sizeof(t));
    assert_string_equal(t, "11/04(\xe6\xb0\xb4) 10:00"); /* 水 */
    mm_tz_free(tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_week_tokyo), cmocka_unit_test(test_week_dst),
        cmocka_unit_test(test_buckets),    cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
