/*
 * Tests for src/config/config.c and keys.c: defaults, a full file, every
 * kind of error with its exact file:line:col text, several errors reported
 * together, relative paths, listen URLs, the shipped conf/mimamori.yaml, and
 * docs/configuration.md naming every key of the tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_int.h"
#include "mimamori/alert.h"
#include "mimamori/config.h"

#define FIX MM_FIXTURES "/config/"

/* Load text as "t.yaml" located in /a/b/c; returns the rc. */
static enum mm_err load_text(const char *text, struct mm_config **c, struct mm_diag *d)
{
    mm_diag_init(d);
    return mm_config_load_mem(c, "t.yaml", text, strlen(text), "/a/b/c", d);
}

/* The only error of a text that must fail. */
static void expect_one_error(const char *text, const char *msg)
{
    struct mm_config *c = (struct mm_config *)1;
    struct mm_diag d;
    assert_int_equal(load_text(text, &c, &d), MM_ECONFIG);
    assert_null(c);
    if (d.n != 1 || strcmp(d.msgs[0], msg) != 0) {
        mm_diag_print(&d, stderr);
    }
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msgs[0], msg);
    mm_diag_free(&d);
}

static struct mm_config *expect_ok(const char *text)
{
    struct mm_config *c = NULL;
    struct mm_diag d;
    enum mm_err rc = load_text(text, &c, &d);
    if (rc != MM_OK) {
        mm_diag_print(&d, stderr);
    }
    assert_int_equal(rc, MM_OK);
    assert_int_equal(mm_diag_errors(&d), 0);
    assert_non_null(c);
    mm_diag_free(&d);
    return c;
}

static char *real(const char *p)
{
    char *r = realpath(p, NULL);
    assert_non_null(r);
    return r;
}

static void check_defaults(const struct mm_config *c, const char *dir)
{
    char buf[PATH_MAX + 32];
    assert_string_equal(c->dir, dir);
    assert_int_equal(c->nlisten, 2);
    assert_int_equal(c->listen[0].proto, MM_LISTEN_UDP);
    assert_string_equal(c->listen[0].host, "127.0.0.1");
    assert_string_equal(c->listen[0].port, "5514");
    assert_string_equal(c->listen[0].url, "udp://127.0.0.1:5514");
    assert_int_equal(c->listen[1].proto, MM_LISTEN_TCP);
    assert_string_equal(c->listen[1].host, "127.0.0.1");
    assert_string_equal(c->listen[1].port, "5514");
    assert_string_equal(c->timezone, "UTC");
    snprintf(buf, sizeof(buf), "%s/mimamori.db", dir);
    assert_string_equal(c->database, buf);
    assert_int_equal(c->nrules, 1);
    snprintf(buf, sizeof(buf), "%s/rules", dir);
    assert_string_equal(c->rules[0], buf);
    assert_int_equal(c->nallowed, 0);
    assert_int_equal(c->nsources, 0);
    assert_int_equal(c->nnotify, 0);
    assert_int_equal(c->max_message, 8192);
    assert_int_equal(c->queue_bytes, 16u << 20);
    assert_int_equal(c->udp_rcvbuf, 8 << 20);
    assert_int_equal(c->batch_max, 1000);
    assert_int_equal(c->batch_ms, 20);
}

static void test_defaults(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    assert_int_equal(mm_config_default(&c, "/srv/mimamori"), MM_OK);
    check_defaults(c, "/srv/mimamori");
    assert_string_equal(c->path, "<defaults>");
    mm_config_free(c);
    mm_config_free(NULL);
}

static void test_empty_file(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    assert_int_equal(mm_config_load(&c, FIX "empty.yaml", &d), MM_OK);
    assert_int_equal(d.n, 0);
    char *dir = real(MM_FIXTURES "/config");
    check_defaults(c, dir);
    assert_string_equal(c->path, FIX "empty.yaml");
    free(dir);
    mm_config_free(c);
    mm_diag_free(&d);
}

/* Keys with an empty value count as absent: items commented out. */
static void test_null_values_are_defaults(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok("listen:\ntimezone: ~\nnotify:\nsources: null\nlimits:\n");
    check_defaults(c, "/a/b/c");
    mm_config_free(c);
    c = expect_ok("---\n");
    check_defaults(c, "/a/b/c");
    mm_config_free(c);
    c = expect_ok("limits:\n  batch_ms:\n");
    assert_int_equal(c->batch_ms, 20);
    mm_config_free(c);
}

static void test_full_file(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    char buf[PATH_MAX + 32];
    mm_diag_init(&d);
    assert_int_equal(mm_config_load(&c, FIX "full.yaml", &d), MM_OK);
    assert_int_equal(d.n, 0); /* not even a warning: allowed_sources is set */
    char *dir = real(MM_FIXTURES "/config");
    char *parent = real(MM_FIXTURES);

    assert_int_equal(c->nlisten, 3);
    assert_int_equal(c->listen[0].proto, MM_LISTEN_UDP);
    assert_string_equal(c->listen[0].host, "0.0.0.0");
    assert_string_equal(c->listen[0].port, "514");
    assert_int_equal(c->listen[1].proto, MM_LISTEN_TCP);
    assert_string_equal(c->listen[1].host, "::1");
    assert_string_equal(c->listen[1].port, "6514");
    assert_string_equal(c->listen[1].url, "tcp://[::1]:6514");
    assert_string_equal(c->listen[2].port, "0");

    assert_string_equal(c->timezone, "Asia/Tokyo");
    snprintf(buf, sizeof(buf), "%s/var/full.db", parent);
    assert_string_equal(c->database, buf);
    assert_int_equal(c->nrules, 2);
    assert_string_equal(c->rules[0], dir);
    snprintf(buf, sizeof(buf), "%s/empty.yaml", dir);
    assert_string_equal(c->rules[1], buf);

    assert_int_equal(c->nallowed, 3);
    assert_int_equal(c->allowed[0].bits, 96 + 8);
    assert_int_equal(c->allowed[1].bits, 128);
    assert_int_equal(c->allowed[2].bits, 32);

    assert_int_equal(c->nsources, 3);
    assert_string_equal(c->sources[0].match, "192.168.1.1");
    assert_int_equal(c->sources[0].by_hostname, 0);
    assert_string_equal(c->sources[0].parser, "fortigate");
    assert_string_equal(c->sources[0].name, "office-fw");
    assert_string_equal(c->sources[1].match, "nas01");
    assert_int_equal(c->sources[1].by_hostname, 1);
    assert_null(c->sources[1].parser);
    assert_null(c->sources[1].name);
    assert_string_equal(c->sources[2].match, "10.1.0.0/16");
    assert_string_equal(c->sources[2].name, "branch");

    assert_int_equal(c->nnotify, 2);
    assert_string_equal(c->notify[0].name, "all");
    assert_string_equal(c->notify[0].type, "file");
    snprintf(buf, sizeof(buf), "%s/alerts.jsonl", dir);
    assert_string_equal(c->notify[0].path, buf);
    assert_int_equal(c->notify[0].min_severity, MM_SEV_INFORMATIONAL);
    assert_int_equal(c->notify[0].line, 23);
    assert_int_equal(c->notify[0].col, 5);
    assert_string_equal(c->notify[1].name, "urgent");
    assert_string_equal(c->notify[1].path, "/tmp/mimamori-urgent.jsonl");
    assert_int_equal(c->notify[1].min_severity, MM_SEV_HIGH);

    assert_int_equal(c->max_message, 4096);
    assert_int_equal(c->queue_bytes, 64u << 20);
    assert_int_equal(c->udp_rcvbuf, 1048576);
    assert_int_equal(c->batch_max, 500);
    assert_int_equal(c->batch_ms, 20);
    free(dir);
    free(parent);
    mm_config_free(c);
    mm_diag_free(&d);
}

static void test_unknown_key_file(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    assert_int_equal(mm_config_load(&c, FIX "bad_unknown.yaml", &d), MM_ECONFIG);
    assert_null(c);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msgs[0], FIX "bad_unknown.yaml:3:1: unknown key 'listne'");
    mm_diag_free(&d);
}

static void test_syntax_error_file(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    assert_int_equal(mm_config_load(&c, FIX "bad_syntax.yaml", &d), MM_ECONFIG);
    assert_null(c);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msgs[0], FIX "bad_syntax.yaml:3:2: did not find expected key while "
                                       "parsing a block mapping");
    mm_diag_free(&d);
}

static void test_missing_file(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    assert_int_equal(mm_config_load(&c, FIX "no-such.yaml", &d), MM_ECONFIG);
    assert_null(c);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msgs[0], FIX "no-such.yaml: cannot open: No such file or directory");
    mm_diag_free(&d);
}

/* Every kind of error in one file: all reported, in file order per block. */
static void test_many_errors(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    char rules[PATH_MAX + 128];
    mm_diag_init(&d);
    assert_int_equal(mm_config_load(&c, FIX "bad_many.yaml", &d), MM_ECONFIG);
    assert_null(c);
    char *dir = real(MM_FIXTURES "/config");
    snprintf(rules, sizeof(rules),
             FIX "bad_many.yaml:7:8: rules: '%s/no-such-rules-dir': No such file or directory",
             dir);
    const char *want[] = {
        FIX "bad_many.yaml:3:5: listen: '127.0.0.1:5514': missing scheme (expected "
            "udp://HOST:PORT or tcp://HOST:PORT)",
        FIX "bad_many.yaml:4:5: listen: 'udp://127.0.0.1:70000': the port must be a number "
            "from 0 to 65535",
        FIX "bad_many.yaml:5:5: listen: 'tcp://::1:5514': an IPv6 address must be in "
            "brackets, e.g. tcp://[::1]:5514",
        FIX "bad_many.yaml:6:11: timezone: unknown time zone 'Mars/Olympus_Mons' (not in "
            "/usr/share/zoneinfo)",
        rules,
        FIX "bad_many.yaml:8:18: allowed_sources: expected a list, got a scalar",
        FIX "bad_many.yaml:11:15: sources: give either 'address' or 'hostname', not both",
        FIX "bad_many.yaml:12:5: sources: each source needs 'address' or 'hostname'",
        FIX "bad_many.yaml:14:5: notify: a smtp channel needs 'url'",
        FIX "bad_many.yaml:20:5: notify: a file channel needs 'path'",
        FIX "bad_many.yaml:20:11: notify: duplicate channel name 'log' (first at line 17)",
        FIX "bad_many.yaml:24:19: notify.min_severity: 'urgent' is not one of informational, "
            "low, medium, high, critical",
        FIX "bad_many.yaml:22:5: notify: missing key 'name'",
        FIX "bad_many.yaml:26:16: limits.max_message: 100 is out of range (480..65535)",
        FIX "bad_many.yaml:27:16: limits.queue_bytes: expected a size in bytes (e.g. 8192, "
            "64k, 16M, 1G), got 'lots'",
        FIX "bad_many.yaml:28:14: limits.batch_max: expected a number, got a list",
        FIX "bad_many.yaml:29:1: unknown key 'colour'",
    };
    if (d.n != sizeof(want) / sizeof(want[0])) {
        mm_diag_print(&d, stderr);
    }
    assert_int_equal(d.n, sizeof(want) / sizeof(want[0]));
    assert_int_equal(mm_diag_errors(&d), d.n);
    for (size_t i = 0; i < d.n; i++) {
        assert_string_equal(d.msgs[i], want[i]);
    }
    free(dir);
    mm_diag_free(&d);
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_one_error("listen: {a: b}\n", "t.yaml:1:9: listen: expected a list, got a mapping");
    expect_one_error("timezone: UTC\nlimits: [1, 2]\n",
                     "t.yaml:2:9: limits: expected a mapping, got a list");
    expect_one_error("- a\n- b\n", "t.yaml:1:1: expected a mapping at the top level, got a list");
    expect_one_error("database: [a]\n", "t.yaml:1:11: database: expected a string, got a list");
    expect_one_error("rules: {a: 1}\n",
                     "t.yaml:1:8: rules: expected a path or a list of paths, got a mapping");
    expect_one_error("sources: [x]\n",
                     "t.yaml:1:11: sources: each item must be a mapping, got a scalar");
    expect_one_error("notify: [x]\n",
                     "t.yaml:1:10: notify: each channel must be a mapping, got a scalar");
    expect_one_error("notify:\n  name: x\n", "t.yaml:2:3: notify: expected a list, got a mapping");
    expect_one_error("database: \"a\\0b\"\n", "t.yaml:1:11: database: NUL byte in value");
    expect_one_error("database: \"\"\n", "t.yaml:1:11: database: empty path");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_one_error("timezone: UTC\nlimits:\n  batch_ms: 5\n  batch_ms: 6\n",
                     "t.yaml:4:3: duplicate key 'batch_ms' (first at line 3)");
    expect_one_error("timezone: UTC\n\ntimezone: UTC\n",
                     "t.yaml:3:1: duplicate key 'timezone' (first at line 1)");
    expect_one_error("\"bad\\x01key\": 1\n", "t.yaml:1:1: unknown key 'bad\\x01key'");
}

static void test_multi_document(void **state)
{
    (void)state;
    expect_one_error("timezone: UTC\n---\ntimezone: UTC\n",
                     "t.yaml:2:1: the configuration must be a single YAML document");
}

static void test_listen_parse(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        int proto;
        const char *host, *port;
    } good[] = {
        {"udp://127.0.0.1:5514", MM_LISTEN_UDP, "127.0.0.1", "5514"},
        {"tcp://[::1]:0", MM_LISTEN_TCP, "::1", "0"},
        {"tcp://[::]:65535", MM_LISTEN_TCP, "::", "65535"},
        {"udp://0.0.0.0:00514", MM_LISTEN_UDP, "0.0.0.0", "514"},
        {"tcp://[2001:db8::1]:6514", MM_LISTEN_TCP, "2001:db8::1", "6514"},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct mm_listen l;
        assert_int_equal(mm_listen_parse(&l, good[i].url), MM_OK);
        assert_int_equal(l.proto, good[i].proto);
        assert_string_equal(l.host, good[i].host);
        assert_string_equal(l.port, good[i].port);
        assert_string_equal(l.url, good[i].url);
        mm_listen_free(&l);
    }
    static const struct {
        const char *url, *why;
    } bad[] = {
        {"127.0.0.1:5514", "missing scheme (expected udp://HOST:PORT or tcp://HOST:PORT)"},
        {"", "missing scheme (expected udp://HOST:PORT or tcp://HOST:PORT)"},
        {"http://127.0.0.1:80", "unknown scheme (expected udp:// or tcp://)"},
        {"UDP://127.0.0.1:80", "unknown scheme (expected udp:// or tcp://)"},
        {"udp://127.0.0.1", "missing ':PORT'"},
        {"udp://127.0.0.1:", "the port must be a number from 0 to 65535"},
        {"udp://127.0.0.1:65536", "the port must be a number from 0 to 65535"},
        {"udp://127.0.0.1:1234567", "the port must be a number from 0 to 65535"},
        {"udp://127.0.0.1:-1", "the port must be a number from 0 to 65535"},
        {"udp://127.0.0.1:5514/x", "the port must be a number from 0 to 65535"},
        {"udp://127.0.0.1: 55", "the port must be a number from 0 to 65535"},
        {"tcp://::1:5514", "an IPv6 address must be in brackets, e.g. tcp://[::1]:5514"},
        {"tcp://[::1]5514", "missing ':PORT' after ']'"},
        {"tcp://[::1:5514", "missing ']' after the IPv6 address"},
        {"tcp://[1.2.3.4]:5", "not an IPv6 address inside [ ]"},
        {"tcp://[]:5", "not an IPv6 address inside [ ]"},
        {"udp://localhost:514", "host must be an IPv4 address or a bracketed IPv6 address"},
        {"udp://1.2.3:514", "host must be an IPv4 address or a bracketed IPv6 address"},
        {"udp://:514", "missing host (use 0.0.0.0 or [::] for every address)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mm_listen l;
        const char *why = NULL;
        assert_int_equal(mm_listen_parse(&l, bad[i].url), MM_EINVAL);
        assert_null(l.host);
        assert_int_equal(mm_cfg_listen_parse(&l, bad[i].url, &why), MM_EINVAL);
        assert_non_null(why);
        if (strcmp(why, bad[i].why) != 0) {
            fprintf(stderr, "url '%s'\n", bad[i].url);
        }
        assert_string_equal(why, bad[i].why);
    }
}

static void test_listen_in_file(void **state)
{
    (void)state;
    expect_one_error("listen:\n  - udp://127.0.0.1:5514\n  - udp://127.0.0.1:5514\n",
                     "t.yaml:3:5: listen: 'udp://127.0.0.1:5514' is listed twice");
    expect_one_error("listen: []\n", "t.yaml:1:9: listen: empty list (remove the key for the "
                                     "default)");
    /* UDP and TCP on one port are two sockets; port 0 may repeat (tests) */
    struct mm_config *c = expect_ok("listen: [udp://127.0.0.1:1, tcp://127.0.0.1:1, "
                                    "\"tcp://[::1]:0\", \"tcp://[::1]:0\"]\n");
    assert_int_equal(c->nlisten, 4);
    mm_config_free(c);
}

static void test_open_listen_warns(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    assert_int_equal(load_text("listen: [udp://0.0.0.0:514, \"tcp://[::1]:514\"]\n", &c, &d),
                     MM_OK);
    assert_int_equal(mm_diag_errors(&d), 0);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msgs[0], "t.yaml: warning: listen: udp://0.0.0.0:514 accepts every "
                                   "peer; set allowed_sources to restrict it");
    mm_diag_free(&d);
    mm_config_free(c);
    c = expect_ok("listen: [udp://0.0.0.0:514]\nallowed_sources: [192.0.2.0/24]\n");
    mm_config_free(c);
}

static void test_relative_paths(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok("database: ../x.db\n"
                                    "notify:\n"
                                    "  - {name: a, type: file, path: ./y.jsonl}\n"
                                    "  - {name: b, type: file, path: /abs/z.jsonl}\n"
                                    "  - {name: c, type: file, path: ../../../../../q}\n"
                                    "  - {name: d, type: file, path: sub/../f}\n"
                                    "  - {name: e, type: file, path: ..}\n"
                                    "  - {name: f, type: file, path: .hidden}\n"
                                    "  - {name: g, type: file, path: .//w}\n");
    assert_string_equal(c->database, "/a/b/x.db");
    assert_string_equal(c->notify[0].path, "/a/b/c/y.jsonl");
    assert_string_equal(c->notify[1].path, "/abs/z.jsonl");
    assert_string_equal(c->notify[2].path, "/q");
    /* later components may cross symbolic links: kept as written */
    assert_string_equal(c->notify[3].path, "/a/b/c/sub/../f");
    assert_string_equal(c->notify[4].path, "/a/b");
    assert_string_equal(c->notify[5].path, "/a/b/c/.hidden");
    assert_string_equal(c->notify[6].path, "/a/b/c/w");
    mm_config_free(c);

    /* a config given by a relative name resolves against its real directory */
    char *dir = real(MM_FIXTURES "/config");
    char *parent = real(MM_FIXTURES);
    assert_int_equal(chdir(parent), 0);
    struct mm_diag d;
    char buf[PATH_MAX + 32];
    mm_diag_init(&d);
    assert_int_equal(mm_config_load(&c, "config/full.yaml", &d), MM_OK);
    assert_string_equal(c->path, "config/full.yaml");
    assert_string_equal(c->dir, dir);
    snprintf(buf, sizeof(buf), "%s/var/full.db", parent);
    assert_string_equal(c->database, buf);
    mm_config_free(c);
    mm_diag_free(&d);
    free(dir);
    free(parent);
}

static void test_rules(void **state)
{
    (void)state;
    struct mm_diag d;
    struct mm_config *c = NULL;
    char want[PATH_MAX + 128];
    char *dir = real(MM_FIXTURES "/config");
    mm_diag_init(&d);
    const char text[] = "rules: [nope, empty.yaml]\n";
    assert_int_equal(mm_config_load_mem(&c, "r.yaml", text, strlen(text), dir, &d), MM_ECONFIG);
    assert_int_equal(d.n, 1);
    snprintf(want, sizeof(want), "r.yaml:1:9: rules: '%s/nope': No such file or directory", dir);
    assert_string_equal(d.msgs[0], want);
    mm_diag_free(&d);

    const char one[] = "rules: full.yaml\n";
    assert_int_equal(mm_config_load_mem(&c, "r.yaml", one, strlen(one), dir, &d), MM_OK);
    assert_int_equal(c->nrules, 1);
    snprintf(want, sizeof(want), "%s/full.yaml", dir);
    assert_string_equal(c->rules[0], want);
    mm_config_free(c);
    mm_diag_free(&d);

    const char dev[] = "rules: /dev/null\n";
    assert_int_equal(mm_config_load_mem(&c, "r.yaml", dev, strlen(dev), dir, &d), MM_ECONFIG);
    assert_string_equal(d.msgs[0],
                        "r.yaml:1:8: rules: '/dev/null' is neither a file nor a directory");
    mm_diag_free(&d);
    free(dir);

    expect_one_error("rules: \"\"\n", "t.yaml:1:8: rules: empty path");
}

static void test_timezone(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok("timezone: Asia/Tokyo\n");
    assert_string_equal(c->timezone, "Asia/Tokyo");
    mm_config_free(c);
    c = expect_ok("timezone: Etc/GMT-9\n");
    mm_config_free(c);
    expect_one_error("timezone: Asia/Tokio\n", "t.yaml:1:11: timezone: unknown time zone "
                                               "'Asia/Tokio' (not in /usr/share/zoneinfo)");
    /* names stay below the zone directory; files there that are not zones are refused */
    expect_one_error("timezone: ../../../etc/passwd\n",
                     "t.yaml:1:11: timezone: unknown time zone '../../../etc/passwd' (not in "
                     "/usr/share/zoneinfo)");
    expect_one_error("timezone: Asia/../Asia/Tokyo\n",
                     "t.yaml:1:11: timezone: unknown time zone 'Asia/../Asia/Tokyo' (not in "
                     "/usr/share/zoneinfo)");
    expect_one_error("timezone: Asia\n", "t.yaml:1:11: timezone: unknown time zone 'Asia' (not "
                                         "in /usr/share/zoneinfo)");
    expect_one_error("timezone: zone.tab\n", "t.yaml:1:11: timezone: unknown time zone "
                                             "'zone.tab' (not in /usr/share/zoneinfo)");
}

static void test_allowed_sources(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok("allowed_sources: [127.0.0.0/8, \"::1\", 10.1.2.3/32]\n");
    assert_int_equal(c->nallowed, 3);
    mm_config_free(c);
    expect_one_error("allowed_sources:\n  - 10.0.0.0/8\n  - 10.0.0.0/33\n",
                     "t.yaml:3:5: allowed_sources: '10.0.0.0/33' is not an IP address or CIDR "
                     "prefix");
    expect_one_error("allowed_sources: [example.com]\n",
                     "t.yaml:1:19: allowed_sources: 'example.com' is not an IP address or CIDR "
                     "prefix");
}

static void test_sources(void **state)
{
    (void)state;
    expect_one_error("sources:\n  - address: 300.1.1.1\n",
                     "t.yaml:2:14: sources.address: '300.1.1.1' is not an IP address or CIDR "
                     "prefix");
    expect_one_error("sources:\n  - hostname: \"bad host\"\n",
                     "t.yaml:2:15: sources.hostname: 'bad host' is not a host name");
    expect_one_error("sources:\n  - address: 10.0.0.1\n    parsr: asa\n",
                     "t.yaml:3:5: unknown key 'parsr'");
    expect_one_error("sources:\n  - name: x\n",
                     "t.yaml:2:5: sources: each source needs 'address' or 'hostname'");
}

static void test_notify(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok("notify:\n"
                                    "  - name: a\n    type: file\n    path: a.jsonl\n"
                                    "    min_severity: critical\n"
                                    "  - name: b\n    type: file\n    path: b.jsonl\n"
                                    "    min_severity: Medium\n");
    assert_int_equal(c->notify[0].min_severity, MM_SEV_CRITICAL);
    assert_int_equal(c->notify[1].min_severity, MM_SEV_MEDIUM);
    mm_config_free(c);
    expect_one_error("notify:\n  - {name: a, type: file, path: x}\n"
                     "  - {name: a, type: file, path: y}\n",
                     "t.yaml:3:12: notify: duplicate channel name 'a' (first at line 2)");
    expect_one_error("notify:\n  - name: w\n    type: webhook\n    url: ftp://x/\n",
                     "t.yaml:4:10: notify.url: a webhook channel needs http:// or https://");
    expect_one_error("notify:\n  - {name: a, type: pager, path: x}\n",
                     "t.yaml:2:21: notify.type: unknown channel type 'pager' (expected smtp, "
                     "webhook or file)");
    expect_one_error("notify:\n  - {name: a, path: x}\n", "t.yaml:2:5: notify: missing key 'type'");
    expect_one_error("notify:\n  - {name: a, type: file, path: }\n",
                     "t.yaml:2:5: notify: a file channel needs 'path'");
    expect_one_error("notify:\n  - {name: \"a b\", type: file, path: x}\n",
                     "t.yaml:2:12: notify.name: 'a b' must be 1 to 64 letters, digits, '-', '_' "
                     "or '.'");
    expect_one_error("notify:\n  - {name: a, type: file, path: x, min_severity: 3}\n",
                     "t.yaml:2:50: notify.min_severity: '3' is not one of informational, low, "
                     "medium, high, critical");
    expect_one_error("notify:\n  - {name: a, type: file, path: x, too: y}\n",
                     "t.yaml:2:36: unknown key 'too'");
}

/* smtp and webhook channels: every key converted, and the checks that need several keys */
static void test_notify_remote(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok(
        "notify:\n"
        "  - name: mail\n    type: smtp\n    url: smtp://mail.example.jp:587\n"
        "    starttls: optional\n    username: mm\n    password_file: pw\n"
        "    from: mm@example.jp\n    to: [a@example.jp, b@example.jp]\n"
        "    digest: 10m\n    locale: ja\n    html: true\n    quiet_hours: 22:00-07:00\n"
        "    rate_limit: 10/1h\n    include_tags: [attack.*]\n    exclude_rules: noisy-*\n"
        "  - name: chat\n    type: webhook\n    url: https://hooks.example/x\n"
        "    format: slack\n    headers: ['X-A: 1']\n    tls_verify: false\n"
        "    retry_max: 30s\n    secret_file: key\n");
    const struct mm_notify_conf *m = &c->notify[0], *w = &c->notify[1];
    assert_string_equal(m->type, "smtp");
    assert_string_equal(m->starttls, "optional");
    assert_string_equal(m->password_file, "/a/b/c/pw");
    assert_int_equal(m->to.n, 2);
    assert_string_equal(m->to.v[1], "b@example.jp");
    assert_true(m->digest_ns == 600000000000LL);
    assert_string_equal(m->locale, "ja");
    assert_int_equal(m->html, 1);
    assert_int_equal(m->quiet_start, 22 * 60);
    assert_int_equal(m->quiet_end, 7 * 60);
    assert_int_equal(m->rate_max, 10);
    assert_true(m->rate_period_ns == 3600000000000LL);
    assert_int_equal(m->include_tags.n, 1);
    assert_string_equal(m->exclude_rules.v[0], "noisy-*");
    assert_int_equal(m->tls_verify, 1);
    assert_string_equal(w->format, "slack");
    assert_int_equal(w->headers.n, 1);
    assert_int_equal(w->tls_verify, 0);
    assert_true(w->retry_max_ns == 30000000000LL);
    assert_string_equal(w->secret_file, "/a/b/c/key");
    assert_string_equal(w->locale, "en");
    mm_config_free(c);
    expect_one_error("notify:\n  - {name: m, type: smtp, url: \"smtp://x\", to: a@b}\n",
                     "t.yaml:2:5: notify: a smtp channel needs 'from'");
    expect_one_error("notify:\n  - {name: m, type: smtp, url: \"http://x\", from: a@b, to: a@b}\n",
                     "t.yaml:2:32: notify.url: a smtp channel needs smtp://HOST[:PORT] or smtps://");
    expect_one_error("notify:\n  - {name: w, type: webhook, url: \"http://x\", digest: 5x}\n",
                     "t.yaml:2:55: notify.digest: '5x' is not a duration (e.g. 30s, 10m, 2h; at "
                     "most 7d)");
    expect_one_error("notify:\n  - {name: w, type: webhook, url: \"http://x\", format: chatwork}\n",
                     "t.yaml:2:5: notify: a chatwork webhook needs 'token_file'");
    expect_one_error("notify:\n  - {name: w, type: webhook, url: \"http://x\", quiet_hours: 7-9}\n",
                     "t.yaml:2:60: notify.quiet_hours: '7-9' is not a time range like "
                     "22:00-07:00 (local time)");
    expect_one_error("notify:\n  - {name: w, type: webhook, url: \"http://x\", headers: [nocolon]}\n",
                     "t.yaml:2:57: notify.headers: 'nocolon' is not a 'Name: value' line");
}

static void test_limits(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok("limits:\n  max_message: 480\n  queue_bytes: 1G\n"
                                    "  udp_rcvbuf: 512k\n  batch_max: 100000\n"
                                    "  batch_ms: \"10000\"\n");
    assert_int_equal(c->max_message, 480);
    assert_int_equal(c->queue_bytes, 1u << 30);
    assert_int_equal(c->udp_rcvbuf, 512 << 10);
    assert_int_equal(c->batch_max, 100000);
    assert_int_equal(c->batch_ms, 10000);
    mm_config_free(c);
    c = expect_ok("limits: {max_message: 63K, queue_bytes: 1048576, udp_rcvbuf: 4096}\n");
    assert_int_equal(c->max_message, 63 * 1024);
    assert_int_equal(c->queue_bytes, 1u << 20);
    assert_int_equal(c->udp_rcvbuf, 4096);
    mm_config_free(c);
}

/* `retention:` ages, their defaults, 0 = forever, and the errors */
static void test_retention(void **state)
{
    (void)state;
    struct mm_config *c = expect_ok("timezone: UTC\n");
    assert_true(c->retention_alerts_ns == 365LL * 86400 * 1000000000);
    assert_true(c->retention_rollups_ns == 400LL * 86400 * 1000000000);
    mm_config_free(c);
    c = expect_ok("retention: {alerts: 52w, rollups: 0}\n");
    assert_true(c->retention_alerts_ns == 364LL * 86400 * 1000000000);
    assert_true(c->retention_rollups_ns == 0);
    mm_config_free(c);
    c = expect_ok("retention:\n  alerts: 72h\n");
    assert_true(c->retention_alerts_ns == 3LL * 86400 * 1000000000);
    mm_config_free(c);
    expect_one_error("retention: {alerts: 3x}\n",
                     "t.yaml:1:21: retention.alerts: '3x' is not an age (e.g. 90d, 52w, 8760h; 0 "
                     "keeps forever)");
    expect_one_error("retention: {rollups: 36601d}\n",
                     "t.yaml:1:22: retention.rollups: '36601d' is not an age (e.g. 90d, 52w, "
                     "8760h; 0 keeps forever)");
    expect_one_error("retention: {evidence: 30d}\n", "t.yaml:1:13: unknown key 'evidence'");
}

static void test_limits_errors(void **state)
{
    (void)state;
    expect_one_error("limits: {max_message: 64k}\n",
                     "t.yaml:1:23: limits.max_message: 64k is out of range (480..65535)");
    expect_one_error("limits: {queue_bytes: 1023k}\n",
                     "t.yaml:1:23: limits.queue_bytes: 1023k is out of range (1M..1G)");
    expect_one_error("limits: {batch_max: -1}\n",
                     "t.yaml:1:21: limits.batch_max: expected a number, got '-1'");
    expect_one_error("limits: {batch_max: 0x10}\n",
                     "t.yaml:1:21: limits.batch_max: expected a number, got '0x10'");
    expect_one_error("limits: {batch_max: 10k}\n",
                     "t.yaml:1:21: limits.batch_max: expected a number, got '10k'");
    expect_one_error("limits: {batch_ms: 99999999999999999999999}\n",
                     "t.yaml:1:20: limits.batch_ms: 99999999999999999999999 is out of range "
                     "(1..10000)");
    expect_one_error("limits: {udp_rcvbuf: 9999999999G}\n",
                     "t.yaml:1:22: limits.udp_rcvbuf: 9999999999G is out of range (4k..1G)");
    expect_one_error("limits: {udp_rcvbuf: 16T}\n",
                     "t.yaml:1:22: limits.udp_rcvbuf: expected a size in bytes (e.g. 8192, 64k, "
                     "16M, 1G), got '16T'");
    expect_one_error("limits: {batch_ms: 0}\n",
                     "t.yaml:1:20: limits.batch_ms: 0 is out of range (1..10000)");
}

/* The file the README runs with must load cleanly, warnings included. */
static void test_shipped_config(void **state)
{
    (void)state;
    struct mm_config *c = NULL;
    struct mm_diag d;
    char buf[PATH_MAX + 32];
    mm_diag_init(&d);
    enum mm_err rc = mm_config_load(&c, MM_SOURCE_DIR "/conf/mimamori.yaml", &d);
    mm_diag_print(&d, stderr);
    assert_int_equal(rc, MM_OK);
    assert_int_equal(d.n, 0);
    char *src = real(MM_SOURCE_DIR);
    assert_int_equal(c->nlisten, 2);
    assert_string_equal(c->listen[0].url, "udp://127.0.0.1:5514");
    assert_string_equal(c->listen[1].url, "tcp://127.0.0.1:5514");
    assert_string_equal(c->timezone, "Asia/Tokyo");
    snprintf(buf, sizeof(buf), "%s/var/mimamori.db", src);
    assert_string_equal(c->database, buf);
    snprintf(buf, sizeof(buf), "%s/rules", src);
    assert_int_equal(c->nrules, 1);
    assert_string_equal(c->rules[0], buf);
    assert_int_equal(c->nallowed, 2);
    assert_int_equal(c->nnotify, 1);
    snprintf(buf, sizeof(buf), "%s/var/alerts.jsonl", src);
    assert_string_equal(c->notify[0].path, buf);
    assert_int_equal(c->max_message, 8192);
    assert_int_equal(c->queue_bytes, 16u << 20);
    free(src);
    mm_config_free(c);
    mm_diag_free(&d);
}

/* docs/configuration.md names every key of the tables (code and docs agree). */
static void test_docs_name_every_key(void **state)
{
    (void)state;
    FILE *f = fopen(MM_SOURCE_DIR "/docs/configuration.md", "rb");
    assert_non_null(f);
    static char doc[256 * 1024];
    size_t n = fread(doc, 1, sizeof(doc) - 1, f);
    fclose(f);
    doc[n] = '\0';
    const struct cfg_table *tables[] = {&mm_config_top, &mm_config_limits, &mm_config_source,
                                        &mm_config_channel, &mm_config_retention};
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        for (size_t i = 0; i < tables[t]->nkeys; i++) {
            const struct cfg_key *k = &tables[t]->keys[i];
            char want[96];
            snprintf(want, sizeof(want), "### `%s`", k->name);
            if (strstr(doc, want) == NULL) {
                fprintf(stderr, "docs/configuration.md lacks a heading %s\n", want);
            }
            assert_non_null(strstr(doc, want));
            /* the documented default is the table's */
            if (k->def != NULL && k->kind != CFG_TABLE) {
                const char *at = strstr(doc, want);
                const char *next = strstr(at + 1, "### ");
                char def[256];
                snprintf(def, sizeof(def), "Default: `%s`", k->def);
                const char *d = strstr(at, def);
                if (d == NULL || (next != NULL && d > next)) {
                    fprintf(stderr, "docs: %s should say %s\n", want, def);
                }
                assert_true(d != NULL && (next == NULL || d < next));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_retention),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_null_values_are_defaults),
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_unknown_key_file),
        cmocka_unit_test(test_syntax_error_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_many_errors),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_multi_document),
        cmocka_unit_test(test_listen_parse),
        cmocka_unit_test(test_listen_in_file),
        cmocka_unit_test(test_open_listen_warns),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_timezone),
        cmocka_unit_test(test_allowed_sources),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_notify),
        cmocka_unit_test(test_notify_remote),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_limits_errors),
        cmocka_unit_test(test_shipped_config),
        cmocka_unit_test(test_docs_name_every_key),
        /* last: changes the working directory */
        cmocka_unit_test(test_relative_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
