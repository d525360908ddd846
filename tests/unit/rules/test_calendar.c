/*
 * Tests for src/rules/calendar.c: the mimamori.time.* pseudo-fields in the
 * configured zone, business hours, weekdays, holidays (config dates and a
 * file), dispatch, and the config keys' errors.
 */
#include <unistd.h>

#include "mimamori/config.h"
#include "mimamori/tz.h"
#include "rules_test.h"

#define LDIR MM_FIXTURES "/lists"

static struct mm_event ev;
static struct mm_config *g_cfg;

static struct mm_config *cfg_of(const char *yaml)
{
    struct mm_config *c = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    enum mm_err rc = mm_config_load_mem(&c, "t.yaml", yaml, strlen(yaml), LDIR, &d);
    if (rc != MM_OK) {
        mm_diag_print(&d, stderr);
    }
    assert_int_equal(rc, MM_OK);
    mm_diag_free(&d);
    return c;
}

/* Epoch ns of a Tokyo local time. */
static int64_t jst(int y, int mo, int d, int h, int mi)
{
    struct mm_civil c = {y, mo, d, h, mi, 0, 0};
    return mm_civil_to_epoch_ns(&c) - 9LL * 3600 * 1000000000LL;
}

/* Does a rule with selection body `sel` match an event at ts (config g_cfg)? */
static int at(const char *sel, int64_t ts)
{
    char yaml[1024];
    snprintf(yaml, sizeof(yaml), T_HEAD("c") "detection:\n  s:\n%s  condition: s\n", sel);
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = NULL;
    (void)mm_ruleset_load_mem_cfg(&rs, g_cfg, "t.yml", yaml, strlen(yaml), &d);
    if (rs == NULL) {
        mm_diag_print(&d, stderr);
    }
    assert_non_null(rs);
    mm_diag_free(&d);
    t_event(&ev, "x", ts);
    ev.ts_ns = ts;
    t_set(&ev, "event.action", "login");
    int r = t_matches(rs, &ev, "c");
    const struct mm_rule *out[4];
    assert_int_equal(mm_rules_match_all(rs, &ev, out, 4), (size_t)r);
    mm_ruleset_unref(rs);
    return r;
}

static int setup(void **state)
{
    (void)state;
    g_cfg = cfg_of("timezone: Asia/Tokyo\n"
                   "holidays: [2026-11-23, holidays.txt]\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mm_config_free(g_cfg);
    return 0;
}

static void test_hours_and_weekdays(void **state)
{
    (void)state;
    int64_t mon10 = jst(2026, 11, 2, 10, 0); /* Monday 10:00 JST = 01:00 UTC */
    assert_true(at("    mimamori.time.business_hours: true\n", mon10));
    assert_true(at("    mimamori.time.weekday: mon\n", mon10));
    assert_true(at("    mimamori.time.hour: 10\n", mon10));
    assert_true(at("    mimamori.time.hour|gte: 9\n    mimamori.time.hour|lt: 18\n", mon10));
    assert_true(at("    mimamori.time.date: '2026-11-02'\n", mon10));
    assert_true(at("    mimamori.time.workday: true\n", mon10));
    assert_true(at("    mimamori.time.holiday: false\n", mon10));
    assert_true(at("    mimamori.time.minute: 0\n", mon10));
    /* the edges: 09:00 is in, 18:00 is out */
    assert_true(at("    mimamori.time.business_hours: true\n", jst(2026, 11, 2, 9, 0)));
    assert_false(at("    mimamori.time.business_hours: true\n", jst(2026, 11, 2, 8, 59)));
    assert_false(at("    mimamori.time.business_hours: true\n", jst(2026, 11, 2, 18, 0)));
    assert_true(at("    mimamori.time.business_hours: false\n", jst(2026, 11, 2, 22, 30)));
    assert_true(at("    mimamori.time.hour|gte: 22\n", jst(2026, 11, 2, 22, 30)));
    /* 23:30 UTC on Sunday is Monday 08:30 in Tokyo */
    assert_true(at("    mimamori.time.weekday: mon\n", jst(2026, 11, 2, 8, 30)));
    /* the weekend */
    assert_true(at("    mimamori.time.weekday: [sat, sun]\n", jst(2026, 11, 7, 11, 0)));
    assert_true(at("    mimamori.time.business_hours: false\n", jst(2026, 11, 8, 11, 0)));
    assert_false(at("    mimamori.time.workday: true\n", jst(2026, 11, 8, 11, 0)));
    /* combined with an ordinary field: dispatch keys on event.action only */
    assert_true(at("    event.action: login\n    mimamori.time.business_hours: false\n",
                   jst(2026, 11, 2, 3, 0)));
    assert_false(at("    event.action: login\n    mimamori.time.business_hours: false\n",
                    jst(2026, 11, 2, 11, 0)));
    assert_false(at("    event.action: logout\n    mimamori.time.business_hours: false\n",
                    jst(2026, 11, 2, 3, 0)));
}

static void test_holidays(void **state)
{
    (void)state;
    int64_t culture = jst(2026, 11, 3, 10, 0);  /* from holidays.txt */
    int64_t labour = jst(2026, 11, 23, 10, 0);  /* a date in the config */
    int64_t normal = jst(2026, 11, 4, 10, 0);
    assert_true(at("    mimamori.time.holiday: true\n", culture));
    assert_true(at("    mimamori.time.business_hours: false\n", culture));
    assert_true(at("    mimamori.time.holiday: true\n", labour));
    assert_false(at("    mimamori.time.holiday: true\n", normal));
    assert_true(at("    mimamori.time.business_hours: true\n", normal));
    /* the holiday is the local date: 2026-11-02 23:30 UTC is the 3rd in Tokyo */
    assert_true(at("    mimamori.time.holiday: true\n", jst(2026, 11, 3, 8, 30)));
    assert_false(at("    mimamori.time.holiday: true\n", jst(2026, 11, 2, 23, 59)));
}

static void test_custom_hours_and_defaults(void **state)
{
    (void)state;
    struct mm_config *saved = g_cfg;
    g_cfg = cfg_of("timezone: Asia/Tokyo\n"
                   "business_hours: {start: '08:30', end: '17:15', days: [mon, tue, wed, thu, "
                   "fri, sat]}\n");
    assert_true(at("    mimamori.time.business_hours: true\n", jst(2026, 11, 7, 8, 30)));
    assert_false(at("    mimamori.time.business_hours: true\n", jst(2026, 11, 7, 17, 15)));
    assert_false(at("    mimamori.time.business_hours: true\n", jst(2026, 11, 8, 12, 0)));
    /* holiday files are not read without the key */
    assert_true(at("    mimamori.time.business_hours: true\n", jst(2026, 11, 3, 12, 0)));
    mm_config_free(g_cfg);
    /* no config: UTC, 09:00-18:00 Monday to Friday */
    g_cfg = NULL;
    int64_t utc_mon10 = jst(2026, 11, 2, 19, 0); /* 10:00 UTC */
    assert_true(at("    mimamori.time.business_hours: true\n", utc_mon10));
    assert_true(at("    mimamori.time.hour: 10\n", utc_mon10));
    g_cfg = saved;
}

static void test_errors(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = t_load(T_HEAD("e") "detection:\n  s:\n    mimamori.time.hours: 3\n"
                                               "  condition: s\n",
                                   &d);
    assert_null(rs);
    assert_true(t_diag_has(&d, "t.yml:7:5: unknown calendar field 'mimamori.time.hours'"));
    mm_diag_free(&d);

    struct mm_config *c = NULL;
    mm_diag_init(&d);
    const char *bad = "holidays: [2026-02-30, nothere.txt]\n"
                      "business_hours: {start: '9:00', end: '25:00', days: [mon, someday]}\n";
    assert_int_not_equal(mm_config_load_mem(&c, "t.yaml", bad, strlen(bad), LDIR, &d), MM_OK);
    assert_true(t_diag_has(&d, "t.yaml:1:12: holidays: '2026-02-30' is not a valid date"));
    assert_true(t_diag_has(&d, "t.yaml:1:24: holidays: '" LDIR "/nothere.txt'"));
    assert_true(t_diag_has(&d, "business_hours.start: '9:00' is not a time HH:MM"));
    assert_true(t_diag_has(&d, "business_hours.end: '25:00' is not a time HH:MM"));
    assert_true(t_diag_has(&d, "business_hours.days: 'someday' is not one of"));
    mm_diag_free(&d);

    /* a holiday file with a bad line fails the ruleset */
    char dir[] = "/tmp/mm-hol-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/h.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("# ok\n2026-01-01 new year\nJanuary 2nd\n", f);
    fclose(f);
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "holidays: %s\n", path);
    c = cfg_of(yaml);
    mm_diag_init(&d);
    rs = NULL;
    const char *rule = T_HEAD("h") "detection:\n  s: {a: b}\n  condition: s\n";
    assert_int_not_equal(mm_ruleset_load_mem_cfg(&rs, c, "t.yml", rule, strlen(rule), &d), MM_OK);
    assert_true(t_diag_has(&d, "h.txt:3:1: holidays: expected a date YYYY-MM-DD"));
    mm_diag_free(&d);
    mm_config_free(c);
    unlink(path);
    rmdir(dir);
}

/* The shipped Japanese holiday file loads and knows 2026-09-22 (a sandwiched day). */
static void test_jp_holiday_file(void **state)
{
    (void)state;
    struct mm_config *saved = g_cfg;
    g_cfg = cfg_of("timezone: Asia/Tokyo\nholidays: " MM_SOURCE_DIR "/conf/holidays-jp.txt\n");
    assert_true(at("    mimamori.time.holiday: true\n", jst(2026, 9, 22, 12, 0)));
    assert_true(at("    mimamori.time.holiday: true\n", jst(2027, 3, 22, 12, 0)));
    assert_false(at("    mimamori.time.holiday: true\n", jst(2026, 9, 24, 12, 0)));
    mm_config_free(g_cfg);
    g_cfg = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hours_and_weekdays),
        cmocka_unit_test(test_holidays),
        cmocka_unit_test(test_custom_hours_and_defaults),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_jp_holiday_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
