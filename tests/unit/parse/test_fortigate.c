/* Tests for src/parse/fortigate.c: the cases in tests/fixtures/parse/fortigate/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_fortigate;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_fortigate, MM_FIXTURES "/parse/fortigate/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a real line: no read past the end (ASan), never OK without type=. */
static void test_prefixes(void **state)
{
    (void)state;
    static const char line[] =
        "date=2024-05-13 time=11:45:04 devname=\"FGT60F\" devid=\"FGT60FTK20001234\" "
        "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" srcip=192.0.2.1 "
        "srcport=1234 dstip=198.51.100.1 dstport=443 proto=6 action=\"deny\" msg=\"a \\\"b\\\"\"";
    /* up to "type=" the line is no FortiGate record yet */
    assert_int_equal(vc_prefixes(&mm_parser_fortigate, line, 88), 0);
}

/* The time of a FortiGate body parsed with recv 7 (what stays when it carries no time). */
static int64_t parsed_time(const char *fields)
{
    static char line[512];
    int n = snprintf(line, sizeof(line),
                     "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" %s", fields);
    mm_event_reset(&vc_ev, line, (size_t)n, 7);
    assert_int_equal(mm_parser_fortigate.parse(&vc_ev, line, (size_t)n), MM_PARSE_OK);
    return vc_ev.ts_ns;
}

/* The device's clock: eventtime in s/ms/us/ns, else date + time + tz; else unchanged. */
static void test_device_time(void **state)
{
    (void)state;
    const int64_t t = 1715568304LL * 1000000000LL; /* 2024-05-13T02:45:04Z = 11:45:04 +0900 */
    assert_true(parsed_time("eventtime=1715568304815101919") == t + 815101919);
    assert_true(parsed_time("eventtime=1715568304815101") == t + 815101000);
    assert_true(parsed_time("eventtime=1715568304815") == t + 815000000);
    assert_true(parsed_time("eventtime=1715568304") == t);
    assert_true(parsed_time("date=2024-05-13 time=11:45:04 tz=\"+0900\"") == t);
    assert_true(parsed_time("date=2024-05-12 time=21:45:04 tz=\"-0500\"") == t);
    assert_true(parsed_time("date=2024-05-13 time=11:45:04 tz=\"+09:00\"") == t);
    /* eventtime wins over date/time */
    assert_true(parsed_time("date=2020-01-01 time=00:00:00 tz=\"+0000\" eventtime=1715568304") == t);
    /* nothing usable: the time the caller set stays */
    assert_true(parsed_time("date=2024-05-13 time=11:45:04") == 7);          /* no tz */
    assert_true(parsed_time("eventtime=17155683048") == 7);                  /* 11 digits */
    assert_true(parsed_time("eventtime=9999999999999999999") == 7);          /* past 2262 */
    assert_true(parsed_time("date=2024-13-13 time=11:45:04 tz=\"+0900\"") == 7); /* month 13 */
    assert_true(parsed_time("date=2024-05-13 time=11:45:04 tz=\"JST\"") == 7);
    /* out of int64 nanoseconds once the offset is taken off (found by fuzzing) */
    assert_true(parsed_time("date=0000-01-01 time=00:00:00 tz=\"+0900\"") == 7);
    assert_true(parsed_time("date=9999-12-31 time=23:59:59 tz=\"-1400\"") == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_device_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
