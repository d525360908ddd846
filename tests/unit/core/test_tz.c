/*
 * Tests for src/core/tz.c: TZif zones, both sides of DST changes, the footer
 * rule past the last transition, UTC without a file, bad names.  Zone cases
 * skip when the system has no zoneinfo (tzdata not installed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mimamori/tz.h"

#define NS 1000000000LL

static int64_t civ(int y, int mo, int d, int h, int mi, int s)
{
    struct mm_civil c = {y, mo, d, h, mi, s, 0};
    return mm_civil_to_epoch_ns(&c);
}

/* Load a zone or skip the test when the system has no such file. */
static struct mm_tz *load_or_skip(const char *name)
{
    struct mm_tz *tz = NULL;
    enum mm_err rc = mm_tz_load(&tz, name);
    if (rc == MM_ENOTFOUND && access("/usr/share/zoneinfo", F_OK) != 0) {
        skip();
    }
    assert_int_equal(rc, MM_OK);
    assert_non_null(tz);
    return tz;
}

/* local civil -> utc -> local again, with the expected offset */
static void check_local(const struct mm_tz *tz, int y, int mo, int d, int h, int mi, int s,
                        int want_off)
{
    struct mm_civil c = {y, mo, d, h, mi, s, 123};
    int64_t ns = mm_tz_to_utc(tz, &c);
    assert_int_equal(ns, civ(y, mo, d, h, mi, s) + 123 - (int64_t)want_off * NS);
    struct mm_civil back;
    assert_int_equal(mm_tz_from_utc(tz, ns, &back), want_off);
    assert_int_equal(back.year, y);
    assert_int_equal(back.mon, mo);
    assert_int_equal(back.mday, d);
    assert_int_equal(back.hour, h);
    assert_int_equal(back.min, mi);
    assert_int_equal(back.sec, s);
    assert_int_equal(back.nsec, 123);
}

static void test_civil(void **state)
{
    (void)state;
    assert_int_equal(civ(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(civ(2000, 3, 1, 0, 0, 0), 951868800LL * NS);
    assert_int_equal(civ(2024, 2, 29, 12, 0, 0), 1709208000LL * NS);
    assert_int_equal(civ(1969, 12, 31, 23, 59, 59), -1 * NS);
    /* month 13 is January of the next year */
    assert_int_equal(civ(2025, 13, 1, 0, 0, 0), civ(2026, 1, 1, 0, 0, 0));
    /* far outside the int64 ns range: saturates instead of overflowing */
    assert_int_equal(civ(99999, 1, 1, 0, 0, 0), INT64_MAX);
    assert_int_equal(civ(-99999, 1, 1, 0, 0, 0), INT64_MIN);
}

static void test_utc(void **state)
{
    (void)state;
    const char *names[] = {NULL, "", "UTC", "Etc/UTC"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct mm_tz *tz = NULL;
        assert_int_equal(mm_tz_load(&tz, names[i]), MM_OK);
        check_local(tz, 2026, 11, 2, 3, 12, 9, 0);
        check_local(tz, 1960, 1, 1, 0, 0, 0, 0);
        mm_tz_free(tz);
    }
    struct mm_tz *tz = NULL;
    assert_int_equal(mm_tz_load(&tz, ""), MM_OK);
    assert_string_equal(mm_tz_name(tz), "UTC");
    mm_tz_free(tz);
    /* a NULL zone is UTC too */
    struct mm_civil c;
    assert_int_equal(mm_tz_from_utc(NULL, -1, &c), 0);
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.sec, 59);
    assert_int_equal(c.nsec, 999999999);
}

static void test_tokyo(void **state)
{
    (void)state;
    struct mm_tz *tz = load_or_skip("Asia/Tokyo");
    assert_string_equal(mm_tz_name(tz), "Asia/Tokyo");
    check_local(tz, 2026, 1, 1, 0, 0, 0, 9 * 3600);
    check_local(tz, 2026, 7, 15, 12, 30, 0, 9 * 3600);
    /* far past the last transition: the footer "JST-9" */
    check_local(tz, 2100, 6, 1, 0, 0, 0, 9 * 3600);
    /* Japan had DST in 1948-1951 */
    check_local(tz, 1949, 6, 1, 12, 0, 0, 10 * 3600);
    mm_tz_free(tz);
}

static void test_berlin(void **state)
{
    (void)state;
    struct mm_tz *tz = load_or_skip("Europe/Berlin");
    /* 2026: CEST from Mar 29 01:00 UTC to Oct 25 01:00 UTC */
    check_local(tz, 2026, 3, 29, 1, 59, 59, 3600);
    check_local(tz, 2026, 3, 29, 3, 0, 0, 7200);
    check_local(tz, 2026, 7, 1, 12, 0, 0, 7200);
    check_local(tz, 2026, 10, 25, 3, 0, 0, 3600);
    check_local(tz, 2026, 12, 24, 18, 0, 0, 3600);

    struct mm_civil c;
    assert_int_equal(mm_tz_from_utc(tz, civ(2026, 3, 29, 0, 59, 59), &c), 3600);
    assert_int_equal(mm_tz_from_utc(tz, civ(2026, 3, 29, 1, 0, 0), &c), 7200);
    assert_int_equal(c.hour, 3);
    assert_int_equal(mm_tz_from_utc(tz, civ(2026, 10, 25, 0, 59, 59), &c), 7200);
    assert_int_equal(c.hour, 2);
    assert_int_equal(mm_tz_from_utc(tz, civ(2026, 10, 25, 1, 0, 0), &c), 3600);
    assert_int_equal(c.hour, 2);

    /* the gap: 02:30 does not exist; the earlier offset (+1) gives 01:30 UTC */
    struct mm_civil gap = {2026, 3, 29, 2, 30, 0, 0};
    assert_int_equal(mm_tz_to_utc(tz, &gap), civ(2026, 3, 29, 1, 30, 0));
    /* the overlap: 02:30 happens twice; the earlier offset (+2) gives 00:30 UTC */
    struct mm_civil ovl = {2026, 10, 25, 2, 30, 0, 0};
    assert_int_equal(mm_tz_to_utc(tz, &ovl), civ(2026, 10, 25, 0, 30, 0));

    /* past 2037 (end of the transition list in "fat" files): the footer rule */
    check_local(tz, 2050, 7, 1, 12, 0, 0, 7200);
    check_local(tz, 2050, 1, 1, 12, 0, 0, 3600);
    assert_int_equal(mm_tz_from_utc(tz, civ(2050, 3, 27, 0, 59, 59), &c), 3600);
    assert_int_equal(mm_tz_from_utc(tz, civ(2050, 3, 27, 1, 0, 0), &c), 7200);
    assert_int_equal(mm_tz_from_utc(tz, civ(2050, 10, 30, 0, 59, 59), &c), 7200);
    assert_int_equal(mm_tz_from_utc(tz, civ(2050, 10, 30, 1, 0, 0), &c), 3600);
    mm_tz_free(tz);
}

static void test_new_york(void **state)
{
    (void)state;
    struct mm_tz *tz = load_or_skip("America/New_York");
    /* 2026: EDT from Mar 8 07:00 UTC to Nov 1 06:00 UTC */
    check_local(tz, 2026, 3, 8, 1, 59, 0, -5 * 3600);
    check_local(tz, 2026, 3, 8, 3, 0, 0, -4 * 3600);
    check_local(tz, 2026, 11, 1, 0, 59, 0, -4 * 3600);
    check_local(tz, 2026, 11, 1, 2, 0, 0, -5 * 3600);
    check_local(tz, 2026, 12, 31, 23, 59, 59, -5 * 3600);
    check_local(tz, 2060, 7, 4, 12, 0, 0, -4 * 3600);
    struct mm_civil c;
    assert_int_equal(mm_tz_from_utc(tz, civ(2026, 11, 1, 5, 59, 59), &c), -4 * 3600);
    assert_int_equal(mm_tz_from_utc(tz, civ(2026, 11, 1, 6, 0, 0), &c), -5 * 3600);
    mm_tz_free(tz);
}

static void test_southern(void **state)
{
    (void)state;
    /* DST spans the new year: AEDT in January, AEST in July */
    struct mm_tz *tz = load_or_skip("Australia/Sydney");
    check_local(tz, 2026, 1, 15, 12, 0, 0, 11 * 3600);
    check_local(tz, 2026, 7, 15, 12, 0, 0, 10 * 3600);
    check_local(tz, 2070, 1, 15, 12, 0, 0, 11 * 3600);
    check_local(tz, 2070, 7, 15, 12, 0, 0, 10 * 3600);
    mm_tz_free(tz);
}

static void test_posix_string(void **state)
{
    (void)state;
    /* not a file: read as a POSIX TZ string */
    struct mm_tz *tz = NULL;
    assert_int_equal(mm_tz_load(&tz, "JST-9"), MM_OK);
    check_local(tz, 2026, 5, 5, 5, 5, 5, 9 * 3600);
    mm_tz_free(tz);
    assert_int_equal(mm_tz_load(&tz, "<+0530>-5:30"), MM_ENOTFOUND); /* '<' not allowed */
    assert_null(tz);
}

static void test_bad_names(void **state)
{
    (void)state;
    const char *bad[] = {"Mars/Olympus_Mons",
                         "../../etc/passwd",
                         "/etc/localtime",
                         "Europe/../../etc/passwd",
                         "Europe",
                         "Asia/Tokyo\n",
                         "Europe/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mm_tz *tz = (struct mm_tz *)(uintptr_t)1;
        assert_int_equal(mm_tz_load(&tz, bad[i]), MM_ENOTFOUND);
        assert_null(tz);
    }
    mm_tz_free(NULL);
}

static void test_tzdir(void **state)
{
    (void)state;
    /* a file that is not TZif is a parse error, not a crash */
    char dir[] = "/tmp/mm_tz_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/Bad", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("TZif2\0\0\0 not really", f);
    fclose(f);
    const char *old = getenv("TZDIR");
    setenv("TZDIR", dir, 1);
    struct mm_tz *tz = NULL;
    assert_int_equal(mm_tz_load(&tz, "Bad"), MM_EPARSE);
    if (old != NULL) {
        setenv("TZDIR", old, 1);
    } else {
        unsetenv("TZDIR");
    }
    unlink(path);
    rmdir(dir);
}

/* YYYY-MM-DD: real days only, leap years counted; what follows the 10 bytes is not read. */
static void test_civil_date(void **state)
{
    (void)state;
    struct mm_civil c;
    assert_int_equal(mm_civil_date("2026-11-22", 10, &c), 0);
    assert_int_equal(c.year, 2026);
    assert_int_equal(c.mon, 11);
    assert_int_equal(c.mday, 22);
    assert_int_equal(c.hour + c.min + c.sec + c.nsec, 0);
    assert_int_equal(mm_civil_date("2024-02-29 leap day", 19, &c), 0);
    assert_int_equal(mm_civil_date("2000-02-29", 10, &c), 0);
    static const char *const bad[] = {"2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01",
                                      "2026-00-10", "2026-01-00", "2026-1-01x", "2026/01/01",
                                      "20a6-01-01", "2026-01-3a"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (mm_civil_date(bad[i], 10, &c) == 0) {
            fail_msg("%s taken as a date", bad[i]);
        }
    }
    assert_int_equal(mm_civil_date("2026-01-0", 9, &c), -1); /* too short */
    assert_int_equal(mm_civil_date(NULL, 10, &c), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_date),
        cmocka_unit_test(test_civil),        cmocka_unit_test(test_utc),
        cmocka_unit_test(test_tokyo),        cmocka_unit_test(test_berlin),
        cmocka_unit_test(test_new_york),     cmocka_unit_test(test_southern),
        cmocka_unit_test(test_posix_string), cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_tzdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
