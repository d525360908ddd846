/*
 * Tests for src/rules/lists.c and lists_trie.c: list file formats, the
 * |in_list modifier, undefined lists, large lists, and change detection.
 */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/config.h"
#include "rules/lists_int.h"
#include "rules_test.h"

#define LDIR MM_FIXTURES "/lists"

static struct mm_event ev;

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

static const char *lists_yaml = "lists:\n"
                                "  bad_ips: {type: ip, path: bad_ips.txt}\n"
                                "  bad_domains: {type: domain, path: bad_domains.txt}\n"
                                "  vips: {type: string, path: vip_users.txt}\n"
                                "  vips_cased: {type: string, path: vip_users.txt, cased: true}\n";

static struct mm_ruleset *load_with(const struct mm_config *c, const char *rules, struct mm_diag *d)
{
    struct mm_ruleset *rs = NULL;
    (void)mm_ruleset_load_mem_cfg(&rs, c, "t.yml", rules, strlen(rules), d);
    return rs;
}

/* Does `field|in_list: list` match value? */
static struct mm_config *g_cfg;

static int setup(void **state)
{
    (void)state;
    g_cfg = cfg_of(lists_yaml);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mm_config_free(g_cfg);
    return 0;
}

static int in(const char *field, const char *list, const char *value)
{
    const struct mm_config *c = g_cfg;
    char yaml[512];
    snprintf(yaml, sizeof(yaml),
             T_HEAD("l") "detection:\n  s:\n    %s|in_list: %s\n  condition: s\n", field, list);
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = load_with(c, yaml, &d);
    if (rs == NULL) {
        mm_diag_print(&d, stderr);
    }
    assert_non_null(rs);
    mm_diag_free(&d);
    t_event(&ev, "x", 0);
    t_set(&ev, field, value);
    int r = t_matches(rs, &ev, "l");
    const struct mm_rule *out[4];
    assert_int_equal(mm_rules_match_all(rs, &ev, out, 4), (size_t)r);
    mm_ruleset_unref(rs);
    return r;
}

static void test_ip_formats(void **state)
{
    (void)state;
    assert_true(in("destination.ip", "bad_ips", "198.51.100.66"));
    assert_false(in("destination.ip", "bad_ips", "198.51.100.67"));
    assert_true(in("destination.ip", "bad_ips", "203.0.113.0"));
    assert_true(in("destination.ip", "bad_ips", "203.0.113.127"));
    assert_false(in("destination.ip", "bad_ips", "203.0.113.128"));
    assert_true(in("destination.ip", "bad_ips", "192.0.2.17"));   /* ip # comment */
    assert_true(in("destination.ip", "bad_ips", "192.0.2.200"));  /* CSV, quoted */
    assert_true(in("destination.ip", "bad_ips", "2001:db8:bad:1::5"));
    assert_false(in("destination.ip", "bad_ips", "2001:db8:bae::1"));
    assert_true(in("destination.ip", "bad_ips", "100.64.10.1"));  /* range */
    assert_true(in("destination.ip", "bad_ips", "100.64.10.20"));
    assert_false(in("destination.ip", "bad_ips", "100.64.10.21"));
    assert_true(in("destination.ip", "bad_ips", "10.99.255.255"));
    assert_false(in("destination.ip", "bad_ips", "not an address"));
    assert_false(in("destination.ip", "bad_ips", ""));
    /* an IPv4-mapped IPv6 address is the IPv4 address */
    assert_true(in("destination.ip", "bad_ips", "::ffff:198.51.100.66"));
}

static void test_domain_formats(void **state)
{
    (void)state;
    assert_true(in("url.domain", "bad_domains", "evil.example"));
    assert_true(in("url.domain", "bad_domains", "www.evil.example"));
    assert_true(in("url.domain", "bad_domains", "WWW.EVIL.EXAMPLE."));
    assert_false(in("url.domain", "bad_domains", "notevil.example"));
    assert_false(in("url.domain", "bad_domains", "example"));
    assert_false(in("url.domain", "bad_domains", "tracker.example")); /* *. : below only */
    assert_true(in("url.domain", "bad_domains", "a.tracker.example"));
    assert_false(in("url.domain", "bad_domains", "ads.example"));
    assert_true(in("url.domain", "bad_domains", "x.y.ads.example"));
    assert_true(in("url.domain", "bad_domains", "phish.example")); /* hosts file */
    assert_true(in("url.domain", "bad_domains", "malware.example"));
    assert_false(in("url.domain", "bad_domains", "localhost"));
    assert_true(in("url.domain", "bad_domains", "cdn.adblock.example"));
    assert_true(in("url.domain", "bad_domains", "payload.example")); /* from a URL */
    assert_true(in("url.domain", "bad_domains", "mixed.case.example"));
    assert_false(in("url.domain", "bad_domains", ""));
}

static void test_string_lists(void **state)
{
    (void)state;
    assert_true(in("user.name", "vips", "admin"));
    assert_true(in("user.name", "vips", "ADMINISTRATOR"));
    assert_true(in("user.name", "vips", "taro.yamada"));
    assert_false(in("user.name", "vips", "taro"));
    assert_false(in("user.name", "vips", "# string list"));
    assert_true(in("user.name", "vips_cased", "Administrator"));
    assert_false(in("user.name", "vips_cased", "administrator"));
}

static void test_skipped_lines_warn(void **state)
{
    (void)state;
    struct mm_config *c = cfg_of(lists_yaml);
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = load_with(c, T_HEAD("x") "detection:\n  s: {a: b}\n  condition: s\n",
                                      &d);
    assert_non_null(rs);
    assert_int_equal(mm_diag_errors(&d), 0);
    assert_true(t_diag_has(&d, "bad_ips.txt:11:1: warning: list 'bad_ips': not an address"));
    assert_true(t_diag_has(&d, "bad_ips.txt:12:1"));
    assert_true(t_diag_has(&d, "bad_domains.txt:6:1")); /* 127.0.0.1 localhost */
    assert_true(t_diag_has(&d, "bad_domains.txt:10:1"));
    const struct rlist *l = mm_rules_env_list(rs->env, "bad_ips");
    assert_non_null(l);
    assert_int_equal(l->entries, 7);
    assert_int_equal(l->skipped, 2);
    mm_diag_free(&d);
    mm_ruleset_unref(rs);
    mm_config_free(c);
}

static void test_undefined_list_and_errors(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    const char *rule = T_HEAD("u") "detection:\n  s:\n    source.ip|in_list: nope\n"
                                   "  condition: s\n"
                                   "examples:\n  match: ['x']\n";
    struct mm_ruleset *rs = load_with(NULL, rule, &d);
    assert_non_null(rs); /* a warning, not an error: the rule never matches */
    assert_int_equal(mm_diag_errors(&d), 0);
    assert_true(t_diag_has(&d, "list 'nope' is not defined"));
    t_event(&ev, "x", 0);
    t_set(&ev, "source.ip", "198.51.100.66");
    assert_false(t_matches(rs, &ev, "u"));
    assert_true(rs->rules[0]->lists_undefined);
    mm_ruleset_unref(rs);
    mm_diag_free(&d);

    /* modifier misuse is an error */
    mm_diag_init(&d);
    rs = load_with(NULL,
                   T_HEAD("e") "detection:\n  s:\n    source.ip|in_list|cased: x\n"
                               "  condition: s\n",
                   &d);
    assert_null(rs);
    mm_diag_free(&d);
    mm_diag_init(&d);
    rs = load_with(NULL,
                   T_HEAD("e") "detection:\n  s:\n    source.ip|in_list|cidr: x\n"
                               "  condition: s\n",
                   &d);
    assert_null(rs);
    assert_true(t_diag_has(&d, "cannot be combined"));
    mm_diag_free(&d);

    /* config errors: type, missing file, unknown key */
    struct mm_config *c = NULL;
    mm_diag_init(&d);
    const char *bad = "lists:\n  a: {type: ipv4, path: bad_ips.txt}\n"
                      "  b: {type: ip, path: missing.txt}\n"
                      "  c: {type: ip}\n"
                      "  d: {type: ip, path: bad_ips.txt, colour: red}\n";
    assert_int_not_equal(mm_config_load_mem(&c, "t.yaml", bad, strlen(bad), LDIR, &d), MM_OK);
    assert_true(t_diag_has(&d, "t.yaml:2:13: lists.type: 'ipv4' is not one of ip, domain, string"));
    assert_true(t_diag_has(&d, "t.yaml:3:23: lists.path: '" LDIR "/missing.txt'"));
    assert_true(t_diag_has(&d, "t.yaml:4:6: lists: missing key 'path'"));
    assert_true(t_diag_has(&d, "t.yaml:5:36: unknown key 'colour'"));
    mm_diag_free(&d);
}

static void test_ipset_merge(void **state)
{
    (void)state;
    struct ipset s = {0};
    struct mm_cidr c;
    const char *pfx[] = {"10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24", "10.0.0.5",
                         "192.168.0.0/16", "192.168.5.0/24", "::/0"};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(mm_cidr_parse(&c, pfx[i], strlen(pfx[i])), MM_OK);
        assert_int_equal(mm_ipset_add(&s, &c), MM_OK);
    }
    assert_int_equal(mm_ipset_finish(&s), MM_OK);
    assert_int_equal(s.n, 2); /* 10.0.0.0-10.0.1.255 and 192.168/16 */
    struct mm_addr a;
    mm_addr_parse(&a, "10.0.1.255", 10);
    assert_true(mm_ipset_has(&s, &a));
    mm_addr_parse(&a, "10.0.2.0", 8);
    assert_false(mm_ipset_has(&s, &a));
    assert_int_equal(mm_cidr_parse(&c, pfx[6], strlen(pfx[6])), MM_OK);
    assert_int_equal(mm_ipset_add(&s, &c), MM_OK);
    assert_int_equal(mm_ipset_finish(&s), MM_OK);
    assert_int_equal(s.n, 1);
    assert_true(mm_ipset_has(&s, &a));
    mm_ipset_free(&s);
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 1;
}

/* 300 000 entries: loads, and lookups agree with a linear scan on a sample. */
static void test_large_lists(void **state)
{
    (void)state;
    char dir[] = "/tmp/mm-lists-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ipath[256], dpath[256];
    snprintf(ipath, sizeof(ipath), "%s/ips.txt", dir);
    snprintf(dpath, sizeof(dpath), "%s/domains.txt", dir);
    FILE *fi = fopen(ipath, "w");
    FILE *fd = fopen(dpath, "w");
    assert_non_null(fi);
    assert_non_null(fd);
    enum { N = 300000 };
    static uint32_t ips[N];
    static uint8_t bits[N];
    for (size_t i = 0; i < N; i++) {
        ips[i] = rnd() | (rnd() << 16);
        bits[i] = (i % 10 == 0) ? (uint8_t)(16 + rnd() % 16) : 32;
        fprintf(fi, "%u.%u.%u.%u/%u ; feed\n", ips[i] >> 24, (ips[i] >> 16) & 255,
                (ips[i] >> 8) & 255, ips[i] & 255, bits[i]);
        fprintf(fd, "host%zu.bad%zu.example\n", i, i % 1000);
    }
    fclose(fi);
    fclose(fd);
    char yaml[1024];
    snprintf(yaml, sizeof(yaml),
             "lists:\n  big: {type: ip, path: %s}\n  bigd: {type: domain, path: %s}\n", ipath,
             dpath);
    struct mm_config *c = cfg_of(yaml);
    struct mm_diag d;
    mm_diag_init(&d);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct mm_ruleset *rs =
        load_with(c, T_HEAD("b") "detection:\n  s:\n    destination.ip|in_list: big\n"
                                 "  d:\n    url.domain|in_list: bigd\n  condition: s or d\n",
                  &d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_non_null(rs);
    fprintf(stderr, "# 300k ip + 300k domain entries loaded in %.0f ms\n",
            (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    const struct rlist *l = mm_rules_env_list(rs->env, "big");
    assert_int_equal(l->entries, N);
    /* sample: brute force over the prefixes says the same */
    for (size_t k = 0; k < 300; k++) {
        uint32_t probe = (k % 2 == 0) ? ips[rnd() % N] ^ (rnd() % 4) : (rnd() | (rnd() << 16));
        int want = 0;
        for (size_t i = 0; i < N && !want; i++) {
            uint32_t mask = bits[i] == 32 ? 0xffffffffu : ~(0xffffffffu >> bits[i]);
            want = (probe & mask) == (ips[i] & mask);
        }
        char txt[32];
        snprintf(txt, sizeof(txt), "%u.%u.%u.%u", probe >> 24, (probe >> 16) & 255,
                 (probe >> 8) & 255, probe & 255);
        struct mm_addr a;
        assert_int_equal(mm_addr_parse(&a, txt, strlen(txt)), MM_OK);
        assert_int_equal(mm_ipset_has(&l->ip, &a), want);
    }
    /* the hot path: a million lookups well under a second */
    t_event(&ev, "x", 0);
    t_set(&ev, "url.domain", "www.host77.bad77.example");
    assert_true(t_matches(rs, &ev, "b"));
    t_set(&ev, "url.domain", "www.host77.bad78.example");
    assert_false(t_matches(rs, &ev, "b"));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct mm_addr a;
    size_t hits = 0;
    for (uint32_t i = 0; i < 1000000; i++) {
        uint32_t p = rnd() | (rnd() << 16);
        a = (struct mm_addr){{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, (uint8_t)(p >> 24),
                              (uint8_t)(p >> 16), (uint8_t)(p >> 8), (uint8_t)p}};
        hits += (size_t)mm_ipset_has(&l->ip, &a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    fprintf(stderr, "# 1M ip lookups in %.0f ms (%zu hits)\n", ms, hits);
    assert_true(ms < 2000.0);
    mm_ruleset_unref(rs);
    mm_diag_free(&d);
    mm_config_free(c);
    unlink(ipath);
    unlink(dpath);
    rmdir(dir);
}

static void test_change_detection(void **state)
{
    (void)state;
    char dir[] = "/tmp/mm-lchg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/l.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("192.0.2.1\n", f);
    fclose(f);
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "lists:\n  l: {type: ip, path: %s}\n", path);
    struct mm_config *c = cfg_of(yaml);
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = load_with(c, T_HEAD("c") "detection:\n  s: {a: b}\n  condition: s\n",
                                      &d);
    assert_non_null(rs);
    const int64_t s = 1000000000LL;
    int64_t now = 1000 * s;
    assert_false(mm_ruleset_lists_changed(rs, now));
    /* rewritten (new size, new inode): reported after it stayed unchanged one interval */
    snprintf(yaml, sizeof(yaml), "%s.new", path);
    f = fopen(yaml, "w");
    fputs("192.0.2.1\n192.0.2.2\n", f);
    fclose(f);
    assert_int_equal(rename(yaml, path), 0);
    assert_false(mm_ruleset_lists_changed(rs, now + 1 * s)); /* within the interval: no stat */
    assert_false(mm_ruleset_lists_changed(rs, now + 6 * s)); /* seen once: wait */
    assert_true(mm_ruleset_lists_changed(rs, now + 12 * s)); /* stable: report */
    assert_false(mm_ruleset_lists_changed(rs, now + 18 * s)); /* once */
    /* removed: a change too */
    unlink(path);
    assert_false(mm_ruleset_lists_changed(rs, now + 24 * s));
    assert_true(mm_ruleset_lists_changed(rs, now + 30 * s));
    /* a set without list files never reports */
    struct mm_ruleset *plain = t_load_ok(T_HEAD("p") "detection:\n  s: {a: b}\n  condition: s\n");
    assert_false(mm_ruleset_lists_changed(plain, now + 100 * s));
    mm_ruleset_unref(plain);
    mm_ruleset_unref(rs);
    mm_diag_free(&d);
    mm_config_free(c);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_formats),
        cmocka_unit_test(test_domain_formats),
        cmocka_unit_test(test_string_lists),
        cmocka_unit_test(test_skipped_lines_warn),
        cmocka_unit_test(test_undefined_list_and_errors),
        cmocka_unit_test(test_ipset_merge),
        cmocka_unit_test(test_large_lists),
        cmocka_unit_test(test_change_detection),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
