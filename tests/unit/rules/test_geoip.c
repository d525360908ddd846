/*
 * Tests for src/rules/geoip.c: source/destination.geo.country_iso_code from a
 * MaxMind database, the parser's value winning, the enrichment of the event,
 * and the paths without a database or without libmaxminddb.
 *
 * The database is tests/fixtures/geoip/test-country.mmdb, written by
 * make_mmdb.py beside it (no MaxMind writer is packaged for Debian):
 *   198.51.100.0/24 US, 203.0.113.0/24 JP, 192.0.2.128/25 only a registered
 *   country NL, 2001:db8::/32 DE; everything else unknown.
 */
#include "mimamori/config.h"
#include "rules/lists_int.h"
#include "rules_test.h"

#define GDIR MM_FIXTURES "/geoip"

static struct mm_event ev;

static struct mm_config *cfg_of(const char *yaml, struct mm_diag *d)
{
    struct mm_config *c = NULL;
    enum mm_err rc = mm_config_load_mem(&c, "t.yaml", yaml, strlen(yaml), GDIR, d);
    if (rc != MM_OK) {
        mm_diag_print(d, stderr);
    }
    assert_int_equal(rc, MM_OK);
    return c;
}

/* One rule per country of interest, and one that only reads the field. */
static const char *rules_yaml =
    T_HEAD("src-us") "detection:\n  s:\n    source.geo.country_iso_code: US\n  condition: s\n"
    "---\n" T_HEAD("src-jp") "detection:\n  s:\n    src_ip|cidr: 0.0.0.0/0\n"
    "    source.geo.country_iso_code: JP\n  condition: s\n"
    "---\n" T_HEAD("src-none") "detection:\n  s:\n    source.geo.country_iso_code|exists: false\n"
    "  condition: s\n"
    "---\n" T_HEAD("dst-de") "detection:\n  s:\n    destination.geo.country_iso_code: DE\n"
    "  condition: s\n"
    "---\n" T_HEAD("src-foreign") "detection:\n  s:\n    source.geo.country_iso_code|exists: true\n"
    "  ok:\n    source.geo.country_iso_code|in_list: allowed\n  condition: s and not ok\n";

static struct mm_ruleset *load_with(const struct mm_config *c, struct mm_diag *d)
{
    struct mm_ruleset *rs = NULL;
    (void)mm_ruleset_load_mem_cfg(&rs, c, "t.yml", rules_yaml, strlen(rules_yaml), d);
    return rs;
}

static void event_src(const char *src, const char *dst)
{
    t_event(&ev, "x", 0);
    if (src != NULL) {
        t_set(&ev, "source.ip", src);
    }
    if (dst != NULL) {
        t_set(&ev, "destination.ip", dst);
    }
}

static const char *field(enum mm_field f, char *buf, size_t n)
{
    if (ev.f[f].p == NULL) {
        return NULL;
    }
    snprintf(buf, n, "%.*s", (int)ev.f[f].n, ev.f[f].p);
    return buf;
}

/* Without `geoip:` the fields come from the parser or not at all. */
static void test_no_database(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_config *c = cfg_of("lists:\n  allowed: {type: string, path: allowed.txt}\n", &d);
    struct mm_ruleset *rs = load_with(c, &d);
    assert_non_null(rs);
    assert_int_equal(mm_diag_errors(&d), 0);
    event_src("198.51.100.7", NULL);
    assert_false(t_matches(rs, &ev, "src-us"));
    assert_true(t_matches(rs, &ev, "src-none"));
    assert_false(t_matches(rs, &ev, "src-foreign"));
    /* a parser that logs the country (WatchGuard geo_src) is read as it is */
    event_src("198.51.100.7", NULL);
    t_set(&ev, "source.geo.country_iso_code", "USA");
    assert_false(t_matches(rs, &ev, "src-none"));
    assert_true(t_matches(rs, &ev, "src-foreign"));
    char buf[16];
    assert_string_equal(field(MM_F_SOURCE_GEO_COUNTRY, buf, sizeof(buf)), "USA");
    t_set(&ev, "source.geo.country_iso_code", "JPN");
    assert_false(t_matches(rs, &ev, "src-foreign"));
    mm_ruleset_unref(rs);
    mm_config_free(c);
    mm_diag_free(&d);
}

#ifdef MM_HAVE_MAXMINDDB
static struct mm_ruleset *load_db(struct mm_config **cp)
{
    struct mm_diag d;
    mm_diag_init(&d);
    *cp = cfg_of("geoip: test-country.mmdb\n"
                 "lists:\n  allowed: {type: string, path: allowed.txt}\n",
                 &d);
    struct mm_ruleset *rs = load_with(*cp, &d);
    if (rs == NULL || mm_diag_errors(&d) != 0) {
        mm_diag_print(&d, stderr);
    }
    assert_non_null(rs);
    assert_int_equal(mm_diag_errors(&d), 0);
    mm_diag_free(&d);
    return rs;
}

static void test_lookups(void **state)
{
    (void)state;
    struct mm_config *c;
    struct mm_ruleset *rs = load_db(&c);
    char buf[16];

    event_src("198.51.100.7", NULL);
    assert_true(t_matches(rs, &ev, "src-us"));
    assert_false(t_matches(rs, &ev, "src-none"));
    assert_true(t_matches(rs, &ev, "src-foreign"));
    /* the country found is added to the event (alerts and correlation see it) */
    assert_string_equal(field(MM_F_SOURCE_GEO_COUNTRY, buf, sizeof(buf)), "US");

    event_src("203.0.113.200", NULL);
    assert_true(t_matches(rs, &ev, "src-jp"));
    assert_false(t_matches(rs, &ev, "src-us"));
    assert_false(t_matches(rs, &ev, "src-foreign")); /* JP is in allowed.txt */

    /* only a registered country: taken as the country */
    event_src("192.0.2.200", NULL);
    assert_false(t_matches(rs, &ev, "src-none"));
    assert_true(t_matches(rs, &ev, "src-foreign"));
    assert_string_equal(field(MM_F_SOURCE_GEO_COUNTRY, buf, sizeof(buf)), "NL");

    /* not in the database, private, not an address, absent: no country */
    const char *unknown[] = {"192.0.2.1", "10.1.2.3", "not-an-ip", "2001:db9::1"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        event_src(unknown[i], NULL);
        assert_true(t_matches(rs, &ev, "src-none"));
        assert_false(t_matches(rs, &ev, "src-foreign"));
        assert_null(field(MM_F_SOURCE_GEO_COUNTRY, buf, sizeof(buf)));
    }
    event_src(NULL, NULL);
    assert_true(t_matches(rs, &ev, "src-none"));

    /* IPv6, destination side */
    event_src("192.168.1.10", "2001:db8:1::5");
    assert_true(t_matches(rs, &ev, "dst-de"));
    assert_string_equal(field(MM_F_DESTINATION_GEO_COUNTRY, buf, sizeof(buf)), "DE");

    /* the cache per side must not leak a previous answer */
    event_src("198.51.100.7", NULL);
    assert_true(t_matches(rs, &ev, "src-us"));
    event_src("198.51.100.8", NULL);
    assert_true(t_matches(rs, &ev, "src-us"));
    event_src("203.0.113.1", NULL);
    assert_false(t_matches(rs, &ev, "src-us"));

    /* a parser's value wins over the database */
    event_src("198.51.100.7", NULL);
    t_set(&ev, "source.geo.country_iso_code", "JP");
    assert_false(t_matches(rs, &ev, "src-us"));
    assert_true(t_matches(rs, &ev, "src-jp"));

    mm_ruleset_unref(rs);
    mm_config_free(c);
}

/* A file that is not a MaxMind database is an error of the rule set. */
static void test_bad_database(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_config *c = cfg_of("geoip: make_mmdb.py\n", &d);
    struct mm_ruleset *rs = load_with(c, &d);
    assert_true(mm_diag_errors(&d) > 0);
    assert_true(t_diag_has(&d, "geoip: cannot open the database"));
    mm_ruleset_unref(rs);
    mm_config_free(c);
    mm_diag_free(&d);
}
#else
/* Without libmaxminddb a configured database is a warning, and no country is looked up. */
static void test_no_library(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_config *c = cfg_of("geoip: test-country.mmdb\n"
                                 "lists:\n  allowed: {type: string, path: allowed.txt}\n",
                                 &d);
    struct mm_ruleset *rs = load_with(c, &d);
    assert_non_null(rs);
    assert_int_equal(mm_diag_errors(&d), 0);
    assert_true(t_diag_has(&d, "this build has no libmaxminddb"));
    event_src("198.51.100.7", NULL);
    assert_false(t_matches(rs, &ev, "src-us"));
    assert_true(t_matches(rs, &ev, "src-none"));
    mm_ruleset_unref(rs);
    mm_config_free(c);
    mm_diag_free(&d);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_database),
#ifdef MM_HAVE_MAXMINDDB
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_bad_database),
#else
        cmocka_unit_test(test_no_library),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
