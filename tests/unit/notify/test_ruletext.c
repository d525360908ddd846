/*
 * Tests for src/notify/ruletext.c: the rules' Japanese titles and
 * descriptions read from rule files and directories, and a locale ja
 * message built with them (English when a rule has no translation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notify/notify_int.h"

static char dir[64];

static void put(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/mm-ruletext-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    char p[256];
    snprintf(p, sizeof(p), "%s/sub", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/.hidden", dir);
    mkdir(p, 0700);
    put("a.yml", "title: SSH brute force\nid: ssh-brute\ndescription: Block it.\n"
                 "translations:\n  ja:\n    title: SSHの総当たり\n    description: >\n"
                 "      ブロックしてください。\n"
                 "---\ntitle: No translation\nid: plain\n"
                 "---\ntitle: Title only\nid: title-only\ntranslations: {ja: {title: 題だけ}}\n");
    put("sub/b.yaml",
        "title: VPN login failed\nid: vpn-fail\n"
        "translations: {ja: {title: VPNログイン失敗, description: 確認してください。}}\n");
    put("sub/notes.txt", "id: txt\ntranslations: {ja: {title: 読まない}}\n");
    put(".hidden/c.yml", "id: hidden\ntranslations: {ja: {title: 読まない}}\n");
    put("broken.yml", "id: [broken\ntranslations: {ja: {title: 壊れた}}\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

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

static void test_directory(void **state)
{
    (void)state;
    struct mm_notify_texts *t = NULL;
    const char *paths[] = {dir};
    assert_int_equal(mm_notify_texts_load(&t, paths, 1, "ja"), MM_OK);
    /* a.yml (2 translated), sub/b.yaml; not the .txt, the hidden directory, the broken file */
    assert_int_equal(mm_notify_texts_count(t), 3);
    translated(t, "ssh-brute", "SSHの総当たり", "ブロックしてください。");
    translated(t, "vpn-fail", "VPNログイン失敗", "確認してください。");
    translated(t, "title-only", "題だけ", "English todo");
    translated(t, "plain", "English title", "English todo");
    translated(t, "hidden", "English title", "English todo");
    translated(t, "txt", "English title", "English todo");
    translated(NULL, "ssh-brute", "English title", "English todo");
    mm_notify_texts_free(t);
}

static void test_file_and_missing(void **state)
{
    (void)state;
    struct mm_notify_texts *t = NULL;
    char f[128], missing[128];
    snprintf(f, sizeof(f), "%s/sub/b.yaml", dir);
    snprintf(missing, sizeof(missing), "%s/nope", dir);
    const char *paths[] = {missing, f};
    assert_int_equal(mm_notify_texts_load(&t, paths, 2, "ja"), MM_OK);
    assert_int_equal(mm_notify_texts_count(t), 1);
    translated(t, "vpn-fail", "VPNログイン失敗", "確認してください。");
    translated(t, "ssh-brute", "English title", "English todo");
    mm_notify_texts_free(t);
    /* a language no rule has */
    assert_int_equal(mm_notify_texts_load(&t, paths, 2, "fr"), MM_OK);
    assert_int_equal(mm_notify_texts_count(t), 0);
    mm_notify_texts_free(t);
}

/* A locale ja mail of a translated rule: the Japanese title in subject and body. */
static void test_message(void **state)
{
    (void)state;
    struct mm_notify_texts *t = NULL;
    const char *paths[] = {dir};
    assert_int_equal(mm_notify_texts_load(&t, paths, 1, "ja"), MM_OK);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_file_and_missing),
        cmocka_unit_test(test_message),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
