/*
 * Tests for src/notify/template.c, digest.c, route.c and the webhook bodies
 * of webhook.c: an alert read back from its JSON, the default messages in
 * English and Japanese (what, how bad, where, how often, since when, what to
 * do, evidence), filters, a digest worst first, routing by rule and tag, and
 * the body of each webhook format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/alert.h"
#include "mimamori/tz.h"
#include "notify/notify_int.h"

static const char *const A1 =
    "{\"@timestamp\":\"2026-11-21T10:00:03.120Z\",\"id\":\"00000000000000a1\","
    "\"rule\":{\"id\":\"ssh-brute\",\"title\":\"SSH brute force\",\"tags\":[\"attack.t1110\"]},"
    "\"severity\":\"high\",\"count\":12,\"first_seen\":\"2026-11-21T10:00:01.000Z\","
    "\"last_seen\":\"2026-11-21T10:03:12.000Z\",\"group\":{\"source.ip\":\"203.0.113.9\"},"
    "\"fields\":{\"source.ip\":\"203.0.113.9\",\"user.name\":\"root\"},"
    "\"evidence\":[\"<38>Nov 21 10:00:01 gw01 sshd[811]: Failed password for 太郎 <x> & y\"]}";
static const char *const A2 =
    "{\"id\":\"00000000000000a2\",\"rule\":{\"id\":\"vpn-fail\",\"title\":\"VPN login failed\","
    "\"tags\":[],\"description\":\"Call the user.\"},\"severity\":\"low\",\"count\":3,"
    "\"group\":{},\"fields\":{\"observer.name\":\"FGT60F\"},\"evidence\":[]}";
static const char *const A3 =
    "{\"id\":\"00000000000000a3\",\"rule\":{\"id\":\"ssh-brute\",\"title\":\"SSH brute force\"},"
    "\"severity\":\"critical\",\"count\":1,\"group\":{},\"fields\":{},\"evidence\":[\"x\"]}";

struct fx {
    struct mm_notify_alert a[3];
    struct mm_tz *tz;
    struct mm_notify_style st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(mm_notify_alert_load(&f->a[0], A1, strlen(A1)), MM_OK);
    assert_int_equal(mm_notify_alert_load(&f->a[1], A2, strlen(A2)), MM_OK);
    assert_int_equal(mm_notify_alert_load(&f->a[2], A3, strlen(A3)), MM_OK);
    assert_int_equal(mm_tz_load(&f->tz, "Asia/Tokyo"), MM_OK);
    f->st.tz = f->tz;
    f->st.channel = "office";
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 3; i++) {
        mm_notify_alert_release(&f->a[i]);
    }
    mm_tz_free(f->tz);
    free(f);
    return 0;
}

static void test_alert_load(void **state)
{
    struct fx *f = *state;
    assert_string_equal(f->a[0].rule_id, "ssh-brute");
    assert_int_equal(f->a[0].severity, MM_SEV_HIGH);
    assert_true(f->a[0].count == 12);
    assert_true(f->a[0].first_ns == 1795255201LL * 1000000000);
    assert_string_equal(f->a[1].description, "Call the user.");
    struct mm_notify_alert bad;
    assert_int_equal(mm_notify_alert_load(&bad, "[1,", 3), MM_EPARSE);
    assert_int_equal(mm_notify_alert_load(&bad, "[]", 2), MM_EPARSE);
}

static void test_default_en(void **state)
{
    struct fx *f = *state;
    struct mm_notify_msg m;
    mm_notify_msg_init(&m);
    assert_int_equal(mm_notify_compose_one(&m, &f->a[0], &f->st, 1), MM_OK);
    assert_string_equal(m.subject.p, "[mimamori] HIGH: SSH brute force (source.ip=203.0.113.9)");
    const char *want[] = {"Severity: HIGH\n", "Where: source.ip=203.0.113.9\n",
                          "Events: 12\n", "Since: 2026-11-21 19:00:01 +09:00\n",
                          "Latest: 2026-11-21 19:03:12 +09:00\n", "What to do:\nCheck the evidence",
                          "Evidence:\n<38>Nov 21 10:00:01 gw01 sshd[811]: Failed password for 太郎",
                          "alert 00000000000000a1, rule ssh-brute"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (strstr(m.text.p, want[i]) == NULL) {
            fprintf(stderr, "missing %s in:\n%s\n", want[i], m.text.p);
        }
        assert_non_null(strstr(m.text.p, want[i]));
    }
    /* the HTML part escapes the evidence */
    assert_non_null(strstr(m.html.p, "太郎 &lt;x&gt; &amp; y"));
    mm_notify_msg_free(&m);
    /* the rule's description is what to do; no group: the device */
    mm_notify_msg_init(&m);
    assert_int_equal(mm_notify_compose_one(&m, &f->a[1], &f->st, 0), MM_OK);
    assert_non_null(strstr(m.text.p, "What to do:\nCall the user.\n"));
    assert_non_null(strstr(m.text.p, "Where: FGT60F\n"));
    assert_int_equal(m.html.len, 0);
    mm_notify_msg_free(&m);
}

static void test_default_ja(void **state)
{
    struct fx *f = *state;
    struct mm_notify_msg m;
    mm_notify_msg_init(&m);
    f->st.ja = 1;
    assert_int_equal(mm_notify_compose_one(&m, &f->a[0], &f->st, 0), MM_OK);
    f->st.ja = 0;
    assert_string_equal(m.subject.p, "[mimamori] 【高】SSH brute force (source.ip=203.0.113.9)");
    const char *want[] = {"重大度: 高\n", "発生場所: source.ip=203.0.113.9\n", "回数: 12 件\n",
                          "発生日時: 2026-11-21 19:00:01 +09:00\n", "対応:\n以下のログを確認",
                          "証拠となるログ:\n<38>"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_non_null(strstr(m.text.p, want[i]));
    }
    mm_notify_msg_free(&m);
}

static void test_custom_and_filters(void **state)
{
    struct fx *f = *state;
    struct mm_buf b;
    mm_buf_init(&b, 0);
    assert_int_equal(mm_notify_render(&b,
                                      "{\"t\":\"{{title|json}}\",\"u\":\"{{fields.user.name}}\","
                                      "\"e\":\"{{evidence|json}}\",\"q\":\"{{ title|url }}\","
                                      "\"x\":\"{{nosuch}}\",\"c\":\"{{channel}}\"} {{ unclosed",
                                      &f->a[0], &f->st),
                     MM_OK);
    assert_non_null(strstr(b.p, "\"t\":\"SSH brute force\""));
    assert_non_null(strstr(b.p, "\"u\":\"root\""));
    assert_non_null(strstr(b.p, "\"q\":\"SSH%20brute%20force\""));
    assert_non_null(strstr(b.p, "\"x\":\"\""));
    assert_non_null(strstr(b.p, "\"c\":\"office\""));
    assert_non_null(strstr(b.p, "{{ unclosed"));
    mm_buf_free(&b);
    /* a subject is one line whatever the template says */
    struct mm_notify_msg m;
    mm_notify_msg_init(&m);
    f->st.subject = "a\n{{rule_id}}\tb";
    assert_int_equal(mm_notify_compose_one(&m, &f->a[0], &f->st, 0), MM_OK);
    f->st.subject = NULL;
    assert_string_equal(m.subject.p, "a ssh-brute b");
    mm_notify_msg_free(&m);
}

static void test_digest(void **state)
{
    struct fx *f = *state;
    struct mm_notify_alert *v[3] = {&f->a[1], &f->a[0], &f->a[2]};
    struct mm_notify_msg m;
    mm_notify_msg_init(&m);
    assert_int_equal(mm_notify_compose_digest(&m, v, 3, &f->st, 0), MM_OK);
    assert_string_equal(m.subject.p, "[mimamori] 3 alerts, 2 rules, worst CRITICAL");
    /* the worst first: critical, then high, then low */
    const char *c = strstr(m.text.p, "1. [CRITICAL] SSH brute force");
    const char *h = strstr(m.text.p, "2. [HIGH] SSH brute force\n   source.ip=203.0.113.9, 12 events");
    const char *l = strstr(m.text.p, "3. [LOW] VPN login failed\n   FGT60F, 3 events");
    assert_non_null(c);
    assert_non_null(h);
    assert_non_null(l);
    assert_true(c < h && h < l);
    mm_notify_msg_free(&m);
    mm_notify_msg_init(&m);
    f->st.ja = 1;
    assert_int_equal(mm_notify_compose_digest(&m, v, 3, &f->st, 0), MM_OK);
    f->st.ja = 0;
    assert_string_equal(m.subject.p, "[mimamori] アラート 3 件・ルール 2 種（最大 緊急）");
    mm_notify_msg_free(&m);
}

static void test_route(void **state)
{
    (void)state;
    char *inc[] = {"attack.t1110*"}, *exc[] = {"noisy-*"};
    struct mm_notify_conf nc;
    memset(&nc, 0, sizeof(nc));
    enum mm_err rc;
    assert_null(mm_notify_route_new(&nc, &rc)); /* no lists: every alert, no object */
    assert_int_equal(rc, MM_OK);
    assert_int_equal(mm_notify_route_match_parts(NULL, "x", NULL), 1);
    nc.include_tags = (struct mm_strlist){inc, 1};
    nc.exclude_rules = (struct mm_strlist){exc, 1};
    struct mm_notify_route *r = mm_notify_route_new(&nc, &rc);
    assert_non_null(r);
    assert_int_equal(mm_notify_route_match_parts(r, "ssh", "[\"attack.t1110.001\"]"), 1);
    assert_int_equal(mm_notify_route_match_parts(r, "ssh", "[\"attack.t1021\"]"), 0);
    assert_int_equal(mm_notify_route_match_parts(r, "ssh", NULL), 0);
    assert_int_equal(mm_notify_route_match_parts(r, "noisy-ssh", "[\"attack.t1110\"]"), 0);
    mm_notify_route_free(r);
    char *incr[] = {"vpn-*"}, *exct[] = {"test"};
    memset(&nc, 0, sizeof(nc));
    nc.include_rules = (struct mm_strlist){incr, 1};
    nc.exclude_tags = (struct mm_strlist){exct, 1};
    r = mm_notify_route_new(&nc, &rc);
    assert_int_equal(mm_notify_route_match_parts(r, "vpn-fail", "[]"), 1);
    assert_int_equal(mm_notify_route_match_parts(r, "vpn-fail", "[\"test\"]"), 0);
    assert_int_equal(mm_notify_route_match_parts(r, "ssh", "[]"), 0);
    mm_notify_route_free(r);
}

/* The body of one webhook format for alert a[0] (or the digest of all three). */
static char *body(struct fx *f, enum mm_notify_format fmt, size_t n, const char **ctype)
{
    struct mm_notify_chan c;
    memset(&c, 0, sizeof(c));
    c.kind = MM_NOTIFY_WEBHOOK;
    c.format = fmt;
    c.name = "hook";
    c.body = "{\"s\":\"{{subject|json}}\",\"sev\":\"{{severity}}\"}";
    struct mm_notify_alert *v[3] = {&f->a[0], &f->a[1], &f->a[2]};
    struct mm_notify_msg m;
    struct mm_buf b;
    mm_notify_msg_init(&m);
    mm_buf_init(&b, 0);
    if (n == 1) {
        assert_int_equal(mm_notify_compose_one(&m, v[0], &f->st, 0), MM_OK);
    } else {
        assert_int_equal(mm_notify_compose_digest(&m, v, n, &f->st, 0), MM_OK);
    }
    assert_int_equal(mm_notify_webhook_body(&b, &c, &m, v, n, &f->st, ctype), MM_OK);
    mm_notify_msg_free(&m);
    return b.p;
}

static void test_webhook_bodies(void **state)
{
    struct fx *f = *state;
    const char *ct;
    char *b = body(f, MM_FMT_GENERIC, 1, &ct);
    assert_string_equal(b, A1); /* the alert JSON as stored */
    assert_string_equal(ct, "application/json");
    free(b);
    b = body(f, MM_FMT_SLACK, 1, &ct);
    assert_memory_equal(b, "{\"text\":\"*[mimamori] HIGH: SSH brute force", 42);
    assert_non_null(strstr(b, "太郎 &lt;x&gt; &amp; y")); /* Slack's three escapes */
    free(b);
    b = body(f, MM_FMT_DISCORD, 1, &ct);
    assert_memory_equal(b, "{\"content\":\"**[mimamori]", 24);
    assert_non_null(strstr(b, ",\"allowed_mentions\":{\"parse\":[]}}"));
    free(b);
    b = body(f, MM_FMT_TEAMS, 1, &ct);
    assert_non_null(strstr(b, "\"contentType\":\"application/vnd.microsoft.card.adaptive\""));
    assert_non_null(strstr(b, "\"type\":\"AdaptiveCard\""));
    assert_non_null(strstr(b, "\"text\":\"[mimamori] HIGH: SSH brute force"));
    free(b);
    b = body(f, MM_FMT_CHATWORK, 1, &ct);
    assert_string_equal(ct, "application/x-www-form-urlencoded");
    /* the message's own brackets become full-width: Chatwork notation stays ours */
    static const char cw[] = "body=%5Binfo%5D%5Btitle%5D%EF%BC%BBmimamori%EF%BC%BD%20HIGH";
    assert_memory_equal(b, cw, sizeof(cw) - 1);
    free(b);
    b = body(f, MM_FMT_TEMPLATE, 1, &ct);
    assert_string_equal(b, "{\"s\":\"[mimamori] HIGH: SSH brute force (source.ip=203.0.113.9)\","
                           "\"sev\":\"high\"}");
    free(b);
    b = body(f, MM_FMT_GENERIC, 3, &ct);
    assert_memory_equal(b, "{\"digest\":{\"alerts\":3,\"subject\":\"[mimamori] 3 alerts", 51);
    assert_non_null(strstr(b, "\"alerts\":[{"));
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alert_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_en, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_ja, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
        cmocka_unit_test(test_route),
        cmocka_unit_test_setup_teardown(test_webhook_bodies, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
