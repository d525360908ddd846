/* Tests for src/core/alert.c: severity names, dup/free, evidence, the JSON shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/alert.h"

static void test_severity(void **state)
{
    (void)state;
    assert_string_equal(mm_severity_name(MM_SEV_INFORMATIONAL), "informational");
    assert_string_equal(mm_severity_name(MM_SEV_CRITICAL), "critical");
    assert_int_equal(mm_severity_parse("high"), MM_SEV_HIGH);
    assert_int_equal(mm_severity_parse("Medium"), MM_SEV_MEDIUM);
    assert_int_equal(mm_severity_parse("info"), MM_SEV_INFORMATIONAL);
    assert_int_equal(mm_severity_parse("severe"), -1);
    assert_int_equal(mm_severity_parse(NULL), -1);
}

static struct mm_alert *sample(void)
{
    struct mm_alert *a = calloc(1, sizeof(*a));
    assert_non_null(a);
    a->id = 0x1a2b3c4d5e6fULL;
    a->rule_id = strdup("r-1");
    a->rule_title = strdup("SSH \"login\" failed");
    a->tags_json = strdup("[\"attack.t1110\"]");
    a->severity = MM_SEV_HIGH;
    a->count = 3;
    a->ts_ns = 1700000000123000000LL;
    a->first_seen_ns = 1700000000000000000LL;
    a->last_seen_ns = 1700000000123000000LL;
    a->group_key = strdup("source.ip=203.0.113.9");
    a->group_json = strdup("{\"source.ip\":\"203.0.113.9\"}");
    a->fields_json = strdup("{\"source.ip\":\"203.0.113.9\",\"source.port\":4242}");
    return a;
}

static void test_json_shape(void **state)
{
    (void)state;
    struct mm_alert *a = sample();
    assert_int_equal(mm_alert_add_evidence(a, "line \"one\"", 10), MM_OK);
    assert_int_equal(mm_alert_add_evidence(a, "bad \xff\xfe byte\ttab", 16), MM_OK);
    struct mm_buf b;
    mm_buf_init(&b, 0);
    assert_int_equal(mm_alert_to_json(a, &b), MM_OK);
    assert_string_equal(b.p,
                        "{\"@timestamp\":\"2023-11-14T22:13:20.123Z\",\"id\":\"00001a2b3c4d5e6f\","
                        "\"rule\":{\"id\":\"r-1\",\"title\":\"SSH \\\"login\\\" failed\","
                        "\"tags\":[\"attack.t1110\"]},\"severity\":\"high\",\"count\":3,"
                        "\"first_seen\":\"2023-11-14T22:13:20.000Z\","
                        "\"last_seen\":\"2023-11-14T22:13:20.123Z\","
                        "\"group\":{\"source.ip\":\"203.0.113.9\"},"
                        "\"fields\":{\"source.ip\":\"203.0.113.9\",\"source.port\":4242},"
                        "\"evidence\":[\"line \\\"one\\\"\",\"bad \\u00ff\\u00fe byte\\ttab\"]}");
    assert_null(strchr(b.p, '\n'));

    /* the rule's description (what to do) travels inside "rule" */
    a->rule_description = strdup("Block \"it\".");
    assert_non_null(a->rule_description);
    mm_buf_reset(&b);
    assert_int_equal(mm_alert_to_json(a, &b), MM_OK);
    assert_non_null(strstr(b.p, "\"tags\":[\"attack.t1110\"],"
                                "\"description\":\"Block \\\"it\\\".\"},\"severity\""));
    struct mm_alert *d = mm_alert_dup(a);
    assert_non_null(d);
    assert_string_equal(d->rule_description, a->rule_description);
    mm_alert_free(d);
    mm_buf_free(&b);
    mm_alert_free(a);
}

static void test_json_defaults(void **state)
{
    (void)state;
    struct mm_alert *a = calloc(1, sizeof(*a));
    assert_non_null(a);
    struct mm_buf b;
    mm_buf_init(&b, 0);
    assert_int_equal(mm_alert_to_json(a, &b), MM_OK);
    assert_non_null(strstr(b.p, "\"rule\":{\"id\":\"\",\"title\":\"\",\"tags\":[]}"));
    assert_non_null(strstr(b.p, "\"group\":{},\"fields\":{},\"evidence\":[]}"));
    mm_buf_free(&b);
    mm_alert_free(a);
}

static void test_evidence_and_dup(void **state)
{
    (void)state;
    struct mm_alert *a = sample();
    char line[32];
    for (int i = 0; i < 13; i++) {
        int n = snprintf(line, sizeof(line), "l%d", i);
        assert_int_equal(mm_alert_add_evidence(a, line, (size_t)n), MM_OK);
    }
    assert_int_equal(a->nevidence, MM_ALERT_MAX_EVIDENCE);
    assert_int_equal(a->evidence_seen, 13);
    assert_string_equal(a->evidence[0], "l0");
    assert_string_equal(a->evidence[4], "l4");
    assert_string_equal(a->evidence[5], "l8");
    assert_string_equal(a->evidence[9], "l12");
    /* long lines are cut */
    char *big = malloc(MM_ALERT_MAX_LINE * 2);
    assert_non_null(big);
    memset(big, 'a', MM_ALERT_MAX_LINE * 2);
    assert_int_equal(mm_alert_add_evidence(a, big, MM_ALERT_MAX_LINE * 2), MM_OK);
    assert_int_equal(strlen(a->evidence[9]), MM_ALERT_MAX_LINE);
    free(big);

    struct mm_alert *d = mm_alert_dup(a);
    assert_non_null(d);
    assert_true(d->id == a->id);
    assert_string_equal(d->rule_title, a->rule_title);
    assert_ptr_not_equal(d->rule_title, a->rule_title);
    assert_int_equal(d->nevidence, a->nevidence);
    assert_string_equal(d->evidence[5], "l9");
    struct mm_buf x, y;
    mm_buf_init(&x, 0);
    mm_buf_init(&y, 0);
    assert_int_equal(mm_alert_to_json(a, &x), MM_OK);
    assert_int_equal(mm_alert_to_json(d, &y), MM_OK);
    assert_string_equal(x.p, y.p);
    mm_buf_free(&x);
    mm_buf_free(&y);
    mm_alert_free(d);
    mm_alert_free(a);
    mm_alert_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_severity),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_json_defaults),
        cmocka_unit_test(test_evidence_and_dup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
