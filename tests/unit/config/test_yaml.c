/*
 * Tests for src/config/yaml.c: documents, node positions, scalars (quoted,
 * NUL), anchors and aliases refused, the depth limit, syntax error positions,
 * map helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/yaml.h"

static struct mm_ystream *parse_ok(const char *text)
{
    struct mm_ystream *s = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    enum mm_err rc = mm_yaml_load_mem(&s, "t.yaml", text, strlen(text), &d);
    mm_diag_print(&d, stderr);
    assert_int_equal(rc, MM_OK);
    assert_int_equal(d.n, 0);
    assert_non_null(s);
    mm_diag_free(&d);
    return s;
}

/* A text that must fail with exactly these messages. */
static void parse_fail(const char *text, size_t n, const char *const *msgs)
{
    struct mm_ystream *s = (struct mm_ystream *)1;
    struct mm_diag d;
    mm_diag_init(&d);
    assert_int_equal(mm_yaml_load_mem(&s, "t.yaml", text, strlen(text), &d), MM_ECONFIG);
    assert_null(s);
    if (d.n != n) {
        mm_diag_print(&d, stderr);
    }
    assert_int_equal(d.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(d.msgs[i], msgs[i]);
    }
    mm_diag_free(&d);
}

static void test_multi_document(void **state)
{
    (void)state;
    struct mm_ystream *s = parse_ok("a: 1\n---\nb: 2\n...\n---\n- x\n");
    assert_int_equal(s->ndocs, 3);
    assert_string_equal(s->file, "t.yaml");
    assert_int_equal(s->doc_lines[0], 1);
    assert_int_equal(s->doc_lines[1], 2);
    assert_int_equal(s->doc_lines[2], 5);
    assert_int_equal(s->docs[0]->type, MM_Y_MAP);
    assert_int_equal(s->docs[1]->type, MM_Y_MAP);
    assert_int_equal(s->docs[1]->line, 3);
    assert_int_equal(s->docs[2]->type, MM_Y_SEQ);
    assert_int_equal(s->docs[2]->line, 6);
    mm_yaml_free(s);
}

static void test_empty_documents(void **state)
{
    (void)state;
    struct mm_ystream *s = parse_ok("");
    assert_int_equal(s->ndocs, 0);
    mm_yaml_free(s);
    s = parse_ok("# only a comment\n");
    assert_int_equal(s->ndocs, 0);
    mm_yaml_free(s);
    /* "---" alone is a document whose root is a null scalar */
    s = parse_ok("---\n");
    assert_int_equal(s->ndocs, 1);
    assert_true(mm_yaml_is_null(s->docs[0]));
    mm_yaml_free(s);
    mm_yaml_free(NULL);
}

static void test_positions(void **state)
{
    (void)state;
    struct mm_ystream *s = parse_ok("# comment\n"
                                    "top:\n"
                                    "  key: value\n"
                                    "  list:\n"
                                    "    - one\n"
                                    "    - {a: b}\n"
                                    "flow: [x, \"y\"]\n");
    const struct mm_ynode *root = s->docs[0];
    assert_int_equal(root->line, 2);
    assert_int_equal(root->col, 1);
    assert_int_equal(mm_ymap_size(root), 2);
    const struct mm_ynode *k0 = mm_ymap_key(root, 0);
    assert_string_equal(k0->str, "top");
    assert_int_equal(k0->line, 2);
    assert_int_equal(k0->col, 1);
    const struct mm_ynode *top = mm_ymap_val(root, 0);
    assert_int_equal(top->type, MM_Y_MAP);
    assert_int_equal(top->line, 3);
    assert_int_equal(top->col, 3);
    const struct mm_ynode *v = mm_ymap_get(top, "key");
    assert_non_null(v);
    assert_string_equal(v->str, "value");
    assert_int_equal(v->line, 3);
    assert_int_equal(v->col, 8);
    assert_true(v->plain);
    const struct mm_ynode *list = mm_ymap_get(top, "list");
    assert_int_equal(list->type, MM_Y_SEQ);
    assert_int_equal(list->nkids, 2);
    assert_int_equal(list->kids[0]->line, 5);
    assert_int_equal(list->kids[0]->col, 7);
    assert_int_equal(list->kids[1]->type, MM_Y_MAP);
    assert_int_equal(list->kids[1]->line, 6);
    assert_int_equal(list->kids[1]->col, 7);
    const struct mm_ynode *flow = mm_ymap_get(root, "flow");
    assert_int_equal(flow->line, 7);
    assert_int_equal(flow->col, 7);
    assert_int_equal(flow->kids[1]->col, 11);
    assert_false(flow->kids[1]->plain);
    assert_null(mm_ymap_get(root, "nope"));
    assert_null(mm_ymap_get(v, "key")); /* not a map */
    assert_int_equal(mm_ymap_size(list), 0);
    mm_yaml_free(s);
}

static void test_scalars(void **state)
{
    (void)state;
    struct mm_ystream *s = parse_ok("a: \"x\\0y\"\n"
                                    "b: ~\n"
                                    "c:\n"
                                    "d: \"\"\n"
                                    "e: 'null'\n"
                                    "f: null\n"
                                    "g: |\n  two\n  lines\n");
    const struct mm_ynode *r = s->docs[0];
    const struct mm_ynode *a = mm_ymap_get(r, "a");
    assert_int_equal(a->len, 3);
    assert_memory_equal(a->str, "x\0y", 4);
    assert_true(mm_yaml_is_null(mm_ymap_get(r, "b")));
    assert_true(mm_yaml_is_null(mm_ymap_get(r, "c")));
    assert_false(mm_yaml_is_null(mm_ymap_get(r, "d"))); /* quoted: an empty string */
    assert_false(mm_yaml_is_null(mm_ymap_get(r, "e")));
    assert_true(mm_yaml_is_null(mm_ymap_get(r, "f")));
    assert_string_equal(mm_ymap_get(r, "g")->str, "two\nlines\n");
    assert_false(mm_yaml_is_null(NULL));
    assert_string_equal(mm_yaml_type_name(MM_Y_SCALAR), "a scalar");
    assert_string_equal(mm_yaml_type_name(MM_Y_SEQ), "a list");
    assert_string_equal(mm_yaml_type_name(MM_Y_MAP), "a mapping");
    mm_yaml_free(s);
}

/* Duplicate keys are kept in the tree; lookups see the first.  The loaders
 * (config.c) report duplicates themselves. */
static void test_duplicate_keys_kept(void **state)
{
    (void)state;
    struct mm_ystream *s = parse_ok("a: 1\na: 2\n");
    assert_int_equal(mm_ymap_size(s->docs[0]), 2);
    assert_string_equal(mm_ymap_get(s->docs[0], "a")->str, "1");
    mm_yaml_free(s);
}

static void test_aliases_refused(void **state)
{
    (void)state;
    const char *const m1[] = {"t.yaml:1:4: YAML anchors are not supported",
                              "t.yaml:2:4: YAML aliases are not supported"};
    parse_fail("a: &x 1\nb: *x\n", 2, m1);
    const char *const m2[] = {"t.yaml:1:4: YAML anchors are not supported"};
    parse_fail("a: &x {b: 1}\n", 1, m2);
    parse_fail("a: &x [1]\n", 1, m2);
    /* the billion-laughs shape: every anchor reported, stops at the first alias */
    const char *const m3[] = {"t.yaml:1:5: YAML anchors are not supported",
                              "t.yaml:2:5: YAML anchors are not supported",
                              "t.yaml:2:9: YAML aliases are not supported"};
    parse_fail("a0: &a [x, x]\na1: &b [*a, *a]\n", 3, m3);
}

static char *nested(int depth)
{
    char *t = malloc((size_t)depth * 2 + 2);
    assert_non_null(t);
    for (int i = 0; i < depth; i++) {
        t[i] = '[';
        t[depth + i] = ']';
    }
    t[2 * depth] = '\n';
    t[2 * depth + 1] = '\0';
    return t;
}

static void test_depth_limit(void **state)
{
    (void)state;
    /* the root is depth 0: MM_YAML_MAX_DEPTH + 1 nested lists are fine */
    char *ok = nested(MM_YAML_MAX_DEPTH + 1);
    struct mm_ystream *s = parse_ok(ok);
    mm_yaml_free(s);
    free(ok);
    char *bad = nested(MM_YAML_MAX_DEPTH + 2);
    char want[64];
    snprintf(want, sizeof(want), "t.yaml:1:%d: nesting deeper than %d levels",
             MM_YAML_MAX_DEPTH + 2, MM_YAML_MAX_DEPTH);
    const char *const m[] = {want};
    parse_fail(bad, 1, m);
    free(bad);
    /* far deeper: still one message, no stack trouble */
    char *deep = nested(100000);
    parse_fail(deep, 1, m);
    free(deep);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    const char *const m1[] = {
        "t.yaml:2:2: did not find expected ',' or ']' while parsing a flow sequence"};
    parse_fail("a: [1, 2\nb: 3\n", 1, m1);
    const char *const m2[] = {"t.yaml:3:5: mapping values are not allowed in this context"};
    parse_fail("a:\n  b: 1\n   c: 2\n", 1, m2);
    const char *const m3[] = {"t.yaml:1:1: found character that cannot start any token while "
                              "scanning for the next token"};
    parse_fail("\ta: 1\n", 1, m3);
    const char *const m4[] = {"t.yaml:1:3: mapping keys must be scalars"};
    parse_fail("? [a]\n: 1\n", 1, m4);
    /* an error in the second document is reported at its line */
    const char *const m5[] = {"t.yaml:3:5: mapping values are not allowed in this context"};
    parse_fail("a: 1\n---\nb: c: d\n", 1, m5);
}

static void test_load_file(void **state)
{
    (void)state;
    struct mm_ystream *s = NULL;
    struct mm_diag d;
    mm_diag_init(&d);
    assert_int_equal(mm_yaml_load_file(&s, MM_FIXTURES "/config/full.yaml", &d), MM_OK);
    assert_int_equal(s->ndocs, 1);
    assert_string_equal(s->file, MM_FIXTURES "/config/full.yaml");
    mm_yaml_free(s);
    assert_int_equal(mm_yaml_load_file(&s, MM_FIXTURES "/config/nope.yaml", &d), MM_EIO);
    assert_null(s);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msgs[0],
                        MM_FIXTURES "/config/nope.yaml: cannot open: No such file or directory");
    mm_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_document),      cmocka_unit_test(test_empty_documents),
        cmocka_unit_test(test_positions),           cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_duplicate_keys_kept), cmocka_unit_test(test_aliases_refused),
        cmocka_unit_test(test_depth_limit),         cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
