/*
 * Tests for the `translations:` attribute (src/rules/load.c) and the texts
 * by language (rule.c mm_rule_title_lang / mm_rule_description_lang /
 * mm_ruleset_texts, ruleset.c mm_ruleset_find).
 */
#include "rules_test.h"

#define T_DET "detection:\n  s: {a: b}\n  condition: s\n"

static void test_valid(void **state)
{
    (void)state;
    struct mm_ruleset *rs = t_load_ok(T_HEAD("a") "description: >\n  Block it.\n"
                                                  "translations:\n"
                                                  "  ja:\n"
                                                  "    title: 管理者がログイン\n"
                                                  "    description: >\n"
                                                  "      ブロックしてください。\n" T_DET);
    const struct mm_rule *r = mm_ruleset_find(rs, "a");
    assert_non_null(r);
    assert_string_equal(mm_rule_title_lang(r, "ja"), "管理者がログイン");
    assert_string_equal(mm_rule_description_lang(r, "ja"), "ブロックしてください。\n");
    /* English: the rule itself, for NULL, "en" and a language it does not have */
    assert_string_equal(mm_rule_title(r), "T a");
    assert_string_equal(mm_rule_title_lang(r, NULL), "T a");
    assert_string_equal(mm_rule_title_lang(r, "en"), "T a");
    assert_string_equal(mm_rule_description_lang(r, "en"), "Block it.\n");
    assert_string_equal(mm_rule_title_lang(r, "fr"), "T a");
    assert_null(mm_ruleset_find(rs, "b"));
    assert_null(mm_ruleset_find(NULL, "a"));
    mm_ruleset_unref(rs);
}

static void test_partial_and_absent(void **state)
{
    (void)state;
    /* only a title: the description falls back to English; no translations at all: English */
    struct mm_ruleset *rs =
        t_load_ok(T_HEAD("a") "description: Do this.\n"
                              "translations: {ja: {title: 題}}\n" T_DET "---\n" T_HEAD("b") T_DET);
    const struct mm_rule *a = mm_ruleset_find(rs, "a"), *b = mm_ruleset_find(rs, "b");
    assert_string_equal(mm_rule_title_lang(a, "ja"), "題");
    assert_string_equal(mm_rule_description_lang(a, "ja"), "Do this.");
    assert_string_equal(mm_rule_title_lang(b, "ja"), "T b");
    assert_string_equal(mm_rule_description_lang(b, "ja"), "");
    mm_ruleset_unref(rs);
}

static void test_correlation(void **state)
{
    (void)state;
    struct mm_ruleset *rs =
        t_load_ok(T_HEAD("base") "name: base\n" T_DET "---\n"
                                 "title: Many\nid: corr-1\nlevel: high\n"
                                 "translations:\n  ja:\n    title: 多数\n"
                                 "    description: 調べてください。\n"
                                 "correlation:\n  type: event_count\n  rules: [base]\n"
                                 "  timespan: 5m\n  condition: {gte: 3}\n");
    const struct mm_rule *c = mm_ruleset_find(rs, "corr-1");
    assert_non_null(c);
    assert_ptr_equal(c, mm_ruleset_corr(rs, 0));
    assert_string_equal(mm_rule_title_lang(c, "ja"), "多数");
    assert_string_equal(mm_rule_description_lang(c, "ja"), "調べてください。");
    mm_ruleset_unref(rs);
}

static void test_errors(void **state)
{
    (void)state;
    /* T_HEAD is 4 lines: translations: is line 5 */
    t_load_fails(T_HEAD("a") "translations:\n  jp:\n    title: x\n" T_DET,
                 "t.yml:6:3: unknown language 'jp' in 'translations' (ja)");
    t_load_fails(T_HEAD("a") "translations:\n  ja:\n    titel: x\n" T_DET,
                 "t.yml:7:5: unknown key 'titel' in 'translations.ja' (title, description)");
    t_load_fails(T_HEAD("a") "translations:\n  ja:\n    title: x\n    Description: y\n" T_DET,
                 "t.yml:8:5: unknown key 'Description' in 'translations.ja'");
    t_load_fails(T_HEAD("a") "translations: [ja]\n" T_DET,
                 "t.yml:5:15: 'translations' must be a mapping of languages, not a list");
    t_load_fails(T_HEAD("a") "translations:\n  ja: x\n" T_DET,
                 "t.yml:6:7: 'translations.ja' must be a mapping with 'title' and 'description'");
    t_load_fails(T_HEAD("a") "translations:\n  ja:\n    title:\n" T_DET,
                 "'translations.ja.title' must not be empty");
    t_load_fails(T_HEAD("a") "translations:\n  ja:\n    title: [x]\n" T_DET,
                 "t.yml:7:12: 'translations.ja.title' must be a string");
    t_load_fails(T_HEAD("a") "translations:\n  ja: {title: x}\n  ja: {title: y}\n" T_DET,
                 "duplicate");
    /* a correlation rule's translations are checked the same way */
    t_load_fails(T_HEAD("base") "name: base\n" T_DET "---\n"
                                "title: Many\nid: c\ntranslations: {ja: {tile: x}}\n"
                                "correlation:\n  type: event_count\n  rules: [base]\n"
                                "  timespan: 5m\n  condition: {gte: 3}\n",
                 "t.yml:12:21: unknown key 'tile' in 'translations.ja'");
    /* every problem is reported, not only the first */
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs =
        t_load(T_HEAD("a") "translations:\n  jp: {title: x}\n  ja: {titel: y}\n" T_DET, &d);
    assert_null(rs);
    assert_int_equal(mm_diag_errors(&d), 2);
    mm_diag_free(&d);
}

/* What mm_ruleset_texts handed over, one "id|title|description" line each ("-" for NULL). */
struct texts_seen {
    char buf[2048];
    size_t len;
    int calls, fail_at; /* fail_at: the call that returns an error (0 = none) */
};

static enum mm_err collect_text(void *arg, const char *id, const char *title,
                                const char *description)
{
    struct texts_seen *s = arg;
    s->calls++;
    if (s->calls == s->fail_at) {
        return MM_ENOMEM;
    }
    int n = snprintf(s->buf + s->len, sizeof(s->buf) - s->len, "%s|%s|%s\n", id,
                     title ? title : "-", description ? description : "-");
    assert_true(n > 0 && (size_t)n < sizeof(s->buf) - s->len);
    s->len += (size_t)n;
    return MM_OK;
}

static enum mm_err count_text(void *arg, const char *id, const char *title, const char *description)
{
    struct texts_seen *s = arg;
    s->calls += id != NULL && title != NULL && description != NULL;
    return MM_OK;
}

#define T_CORR(id, extra)                                                                          \
    "---\ntitle: Many\nid: " id "\nlevel: high\n" extra                                            \
    "correlation:\n  type: event_count\n  rules: [base]\n  timespan: 5m\n  condition: {gte: 3}\n"

/*
 * The texts the notify sender's table is built from: every detection and
 * correlation rule with a translation into the language, the parts it has,
 * nothing for the others.
 */
static void test_ruleset_texts(void **state)
{
    (void)state;
    /* clang-format off */
    static const char yaml[] =
        T_HEAD("b-title-only") "translations: {ja: {title: 題だけ}}\n" T_DET
        "---\n" T_HEAD("a-plain") "description: English only.\n" T_DET
        "---\n" T_HEAD("base") "name: base\n"
        "translations:\n  ja:\n    title: 基\n    description: >\n      折り畳み。\n" T_DET
        "---\n" T_HEAD("c-descr-only") "translations: {ja: {description: 説明だけ。}}\n" T_DET
        T_CORR("corr-ja", "translations: {ja: {title: 多数, description: 調べる。}}\n")
        T_CORR("corr-en", "");
    /* clang-format on */
    struct mm_ruleset *rs = t_load_ok(yaml);
    struct texts_seen seen;
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(mm_ruleset_texts(rs, "ja", collect_text, &seen), MM_OK);
    /* detection rules in load order, then correlation rules; the folded newline is the rule's */
    assert_string_equal(seen.buf, "b-title-only|題だけ|-\n"
                                  "base|基|折り畳み。\n\n"
                                  "c-descr-only|-|説明だけ。\n"
                                  "corr-ja|多数|調べる。\n");
    assert_int_equal(seen.calls, 4);

    /* a language no rule has, and English (the rules themselves): nothing */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(mm_ruleset_texts(rs, "fr", collect_text, &seen), MM_OK);
    assert_int_equal(mm_ruleset_texts(rs, "en", collect_text, &seen), MM_OK);
    assert_int_equal(mm_ruleset_texts(rs, NULL, collect_text, &seen), MM_OK);
    assert_int_equal(seen.calls, 0);

    /* the callback's first error stops the walk and is returned */
    memset(&seen, 0, sizeof(seen));
    seen.fail_at = 2;
    assert_int_equal(mm_ruleset_texts(rs, "ja", collect_text, &seen), MM_ENOMEM);
    assert_int_equal(seen.calls, 2);
    assert_string_equal(seen.buf, "b-title-only|題だけ|-\n");

    memset(&seen, 0, sizeof(seen));
    assert_int_equal(mm_ruleset_texts(NULL, "ja", collect_text, &seen), MM_OK);
    assert_int_equal(seen.calls, 0);
    mm_ruleset_unref(rs);
}

static int ascii(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s >= 0x80) {
            return 0;
        }
    }
    return 1;
}

/* Every rule shipped in rules/ has its Japanese title and description. */
static void test_default_rules_translated(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = NULL;
    const char *p = MM_SOURCE_DIR "/rules";
    enum mm_err rc = mm_ruleset_load(&rs, &p, 1, &d);
    mm_diag_print(&d, stderr);
    assert_int_equal(rc, MM_OK);
    size_t n = mm_ruleset_count(rs), nc = mm_ruleset_corr_count(rs), missing = 0;
    for (size_t i = 0; i < n + nc; i++) {
        const struct mm_rule *r = i < n ? mm_ruleset_rule(rs, i) : mm_ruleset_corr(rs, i - n);
        const char *t = mm_rule_title_lang(r, "ja"), *s = mm_rule_description_lang(r, "ja");
        /* translated: another pointer than the English text, and not ASCII */
        int ok = t != mm_rule_title(r) && s != mm_rule_description(r) && !ascii(t) &&
                 strstr(s, "\xe3\x80\x82") != NULL; /* 。 */
        if (!ok) {
            fprintf(stderr, "%s:%d: rule %s has no Japanese title and description\n",
                    mm_rule_file(r), mm_rule_line(r), mm_rule_id(r));
            missing++;
        }
        assert_ptr_equal(mm_ruleset_find(rs, mm_rule_id(r)), r);
    }
    assert_int_equal(n + nc, 45);
    assert_int_equal(missing, 0);
    /* and every one of them reaches the messages' table */
    struct texts_seen seen;
    memset(&seen, 0, sizeof(seen));
    seen.fail_at = -1;
    assert_int_equal(mm_ruleset_texts(rs, "ja", count_text, &seen), MM_OK);
    assert_int_equal(seen.calls, 45);
    mm_ruleset_unref(rs);
    mm_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_partial_and_absent),
        cmocka_unit_test(test_correlation),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_ruleset_texts),
        cmocka_unit_test(test_default_rules_translated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
