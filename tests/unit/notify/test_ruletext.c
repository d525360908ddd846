/*
 * Tests for src/notify/ruletext.c: the table rule id -> title and
 * description in one language (filled by the daemon from its loaded
 * ruleset), alerts translated with it (English where the table has
 * nothing), and a locale ja message built with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/notify.h"
#include "notify/notify_int.h"

#define ALERT                                                                                      \
    "{\"id\":\"00000000000000a1\",\"rule\":{\"id\":\"%s\",\"title\":\"English title\","            \
    "\"description\":\"English todo\"},\"severity\":\"high\",\"count\":2,\"group\":{},"            \
    "\"fields\":{},\"evidence\":[\"a line\"]}"

/* The alert of rule_id translated with t: its title and description. */
static void translated(const struct mm_notify_texts *t, const char *rule_id, const char *title,
                       const char *descr)
{
    char json[512];
    snprintf(json, sizeof(json), ALERT, rule_id);
    struct mm_notify_alert a;
    assert_int_equal(mm_notify_alert_load(&a, json, strlen(json)), MM_OK);
    mm_notify_alert_translate(&a, t);
    assert_string_equal(a.title, title);
    assert_string_equal(a.description, descr);
    mm_notify_alert_release(&a);
}

/* The table of the rules below, added out of id order as a ruleset hands them over. */
static struct mm_notify_texts *sample(void)
{
    struct mm_notify_texts *t = NULL;
    assert_int_equal(mm_notify_texts_new(&t, "ja"), MM_OK);
    /* a folded description (`>`) ends with a newline, which the table drops */
    assert_int_equal(mm_notify_texts_add(t, "vpn-fail", "VPNログイン失敗", "確認してください。\n"),
                     MM_OK);
    assert_int_equal(mm_notify_texts_add(t, "ssh-brute", "SSHの総当たり", "ブロックしてください。"),
                     MM_OK);
    assert_int_equal(mm_notify_texts_add(t, "title-only", "題だけ", NULL), MM_OK);
    assert_int_equal(mm_notify_texts_add(t, "descr-only", "", "説明だけ。"), MM_OK);
    /* nothing in the language: not an entry */
    assert_int_equal(mm_notify_texts_add(t, "nothing", NULL, ""), MM_OK);
    return t;
}

static void test_table(void **state)
{
    (void)state;
    struct mm_notify_texts *t = sample();
    assert_string_equal(mm_notify_texts_lang(t), "ja");
    assert_int_equal(mm_notify_texts_count(t), 4);
    translated(t, "ssh-brute", "SSHの総当たり", "ブロックしてください。");
    translated(t, "vpn-fail", "VPNログイン失敗", "確認してください。");
    translated(t, "title-only", "題だけ", "English todo");
    translated(t, "descr-only", "English title", "説明だけ。");
    translated(t, "nothing", "English title", "English todo");
    translated(t, "unknown", "English title", "English todo");
    translated(t, "ssh", "English title", "English todo"); /* a prefix is not the id */
    translated(NULL, "ssh-brute", "English title", "English todo");
    /* an id added again replaces its entry */
    assert_int_equal(mm_notify_texts_add(t, "ssh-brute", "新しい題", NULL), MM_OK);
    assert_int_equal(mm_notify_texts_count(t), 4);
    translated(t, "ssh-brute", "新しい題", "English todo");
    assert_int_equal(mm_notify_texts_add(t, "", "x", "y"), MM_EINVAL);
    assert_int_equal(mm_notify_texts_add(t, NULL, "x", "y"), MM_EINVAL);
    assert_int_equal(mm_notify_texts_count(t), 4);
    mm_notify_texts_free(t);
    mm_notify_texts_free(NULL);
    assert_null(mm_notify_texts_lang(NULL));
    assert_int_equal(mm_notify_texts_count(NULL), 0);
}

/* An empty table (no rule has the language) translates nothing. */
static void test_empty(void **state)
{
    (void)state;
    struct mm_notify_texts *t = NULL;
    assert_int_equal(mm_notify_texts_new(&t, "ja"), MM_OK);
    assert_int_equal(mm_notify_texts_count(t), 0);
    translated(t, "ssh-brute", "English title", "English todo");
    mm_notify_texts_free(t);
}

/* The table keeps copies: the ruleset it came from may be freed by a reload. */
static void test_copies(void **state)
{
    (void)state;
    char id[] = "rule-a", title[] = "題名", descr[] = "対応。";
    struct mm_notify_texts *t = NULL;
    assert_int_equal(mm_notify_texts_new(&t, "ja"), MM_OK);
    assert_int_equal(mm_notify_texts_add(t, id, title, descr), MM_OK);
    memset(id, 'x', sizeof(id) - 1);
    memset(title, 'x', sizeof(title) - 1);
    memset(descr, 'x', sizeof(descr) - 1);
    translated(t, "rule-a", "題名", "対応。");
    mm_notify_texts_free(t);
}

/* Many rules in any order: every one is found (the array stays sorted as it grows). */
static void test_many(void **state)
{
    (void)state;
    struct mm_notify_texts *t = NULL;
    assert_int_equal(mm_notify_texts_new(&t, "ja"), MM_OK);
    enum { N = 997 }; /* prime: i * 389 % N visits every i once, far from sorted */
    char id[32], title[32];
    for (int i = 0; i < N; i++) {
        int k = (i * 389) % N;
        snprintf(id, sizeof(id), "r%d", k);
        snprintf(title, sizeof(title), "題%d", k);
        assert_int_equal(mm_notify_texts_add(t, id, title, NULL), MM_OK);
    }
    assert_int_equal(mm_notify_texts_count(t), N);
    for (int k = 0; k < N; k++) {
        snprintf(id, sizeof(id), "r%d", k);
        snprintf(title, sizeof(title), "題%d", k);
        translated(t, id, title, "English todo");
    }
    translated(t, "r997", "English title", "English todo");
    mm_notify_texts_free(t);
}

/* A locale ja mail of a translated rule: the Japanese title in subject and body. */
static void test_message(void **state)
{
    (void)state;
    struct mm_notify_texts *t = sample();
    char json[512];
    snprintf(json, sizeof(json), ALERT, "ssh-brute");
    struct mm_notify_alert a;
    assert_int_equal(mm_notify_alert_load(&a, json, strlen(json)), MM_OK);
    mm_notify_alert_translate(&a, t);
    struct mm_notify_style st;
    memset(&st, 0, sizeof(st));
    st.ja = 1;
    struct mm_notify_msg m;
    mm_notify_msg_init(&m);
    assert_int_equal(mm_notify_compose_one(&m, &a, &st, 1), MM_OK);
    assert_non_null(strstr(m.subject.p, "SSHの総当たり"));
    assert_non_null(strstr(m.text.p, "対応:\nブロックしてください。\n\n証拠"));
    assert_null(strstr(m.text.p, "English"));
    assert_non_null(strstr(m.html.p, "SSHの総当たり"));
    mm_notify_msg_free(&m);
    mm_notify_alert_release(&a);
    mm_notify_texts_free(t);
}

/* With no sender (no mail or webhook channel) a table handed over is freed (ASan: no leak). */
static void test_no_sender(void **state)
{
    (void)state;
    mm_notify_sender_set_texts(NULL, sample());
    mm_notify_sender_set_texts(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),   cmocka_unit_test(test_empty),
        cmocka_unit_test(test_copies),  cmocka_unit_test(test_many),
        cmocka_unit_test(test_message), cmocka_unit_test(test_no_sender),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
