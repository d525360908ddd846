/*
 * Tests for src/store/state.c and the writer's state path: batches of
 * correlation state rows written, replaced, deleted, cleared, read back; a
 * full snapshot in several batches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mimamori/config.h"
#include "mimamori/store.h"
#include "store/store_int.h"

struct fx {
    char dir[64];
    char db[PATH_MAX];
};

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm-state-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/mimamori.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

struct seen {
    size_t n;
    char rows[16][64]; /* "rule:key:blob" */
};

static enum mm_err collect(void *arg, const char *rule_id, const void *key, size_t klen,
                           const void *blob, size_t blen, int64_t updated_ns)
{
    struct seen *s = arg;
    assert_true(s->n < 16);
    snprintf(s->rows[s->n++], 64, "%s:%.*s:%.*s:%lld", rule_id, (int)klen, (const char *)key,
             (int)blen, (const char *)blob, (long long)updated_ns);
    return MM_OK;
}

static int has(const struct seen *s, const char *row)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->rows[i], row) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_write_replace_delete_clear(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    assert_true(mm_store_schema_version(st) >= 3);
    struct mm_state_batch *b = NULL;
    assert_int_equal(mm_state_batch_new(&b), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r1", "k1", 2, "b1", 2, 10), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r1", "k2", 2, "b2", 2, 20), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r2", "", 0, "b3", 2, 30), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r1", "k1", 2, "B1", 2, 11), MM_OK); /* replaces */
    assert_int_equal(mm_state_batch_rows(b), 4);
    assert_int_equal(mm_store_state_write(st, b), MM_OK);
    mm_state_batch_free(b);

    struct seen s;
    memset(&s, 0, sizeof(s));
    assert_int_equal(mm_store_state_load(st, collect, &s), MM_OK);
    assert_int_equal(s.n, 3);
    assert_true(has(&s, "r1:k1:B1:11") && has(&s, "r1:k2:b2:20") && has(&s, "r2::b3:30"));

    assert_int_equal(mm_state_batch_new(&b), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r1", "k2", 2, NULL, 0, 0), MM_OK); /* delete */
    assert_int_equal(mm_store_state_write(st, b), MM_OK);
    mm_state_batch_free(b);
    memset(&s, 0, sizeof(s));
    assert_int_equal(mm_store_state_load(st, collect, &s), MM_OK);
    assert_int_equal(s.n, 2);

    /* a full snapshot: clear, then the rows */
    assert_int_equal(mm_state_batch_new(&b), MM_OK);
    assert_int_equal(mm_state_batch_add(b, NULL, NULL, 0, NULL, 0, 0), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r9", "k", 1, "z", 1, 1), MM_OK);
    assert_int_equal(mm_store_state_write(st, b), MM_OK);
    mm_state_batch_free(b);
    memset(&s, 0, sizeof(s));
    assert_int_equal(mm_store_state_load(st, collect, &s), MM_OK);
    assert_int_equal(s.n, 1);
    assert_true(has(&s, "r9:k:z:1"));
    mm_store_close(st);
}

static void test_through_the_writer(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    struct mm_config *cfg = NULL;
    assert_int_equal(mm_config_default(&cfg, f->dir), MM_OK);
    cfg->nnotify = 0;
    struct mm_store_writer *w = NULL;
    assert_int_equal(mm_store_writer_start(&w, st, cfg), MM_OK);
    for (int i = 0; i < 3; i++) {
        struct mm_state_batch *b = NULL;
        assert_int_equal(mm_state_batch_new(&b), MM_OK);
        char key[8];
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(mm_state_batch_add(b, "r", key, 2, "v", 1, i), MM_OK);
        mm_store_writer_put_state(w, b);
    }
    mm_store_writer_stop(w); /* commits what is queued */
    mm_config_free(cfg);

    assert_int_equal(mm_store_open(&st, f->db, 1), MM_OK);
    struct seen s;
    memset(&s, 0, sizeof(s));
    assert_int_equal(mm_store_state_load(st, collect, &s), MM_OK);
    assert_int_equal(s.n, 3);
    mm_store_close(st);
}

static size_t load_rows(struct mm_store *st, struct seen *s)
{
    memset(s, 0, sizeof(*s));
    assert_int_equal(mm_store_state_load(st, collect, s), MM_OK);
    return s->n;
}

/*
 * A full snapshot handed over in pieces: until its last piece the old rows
 * stay (a crash in between loses nothing), then the rows it did not write go.
 */
static void test_snapshot_in_pieces(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    struct mm_state_batch *b = NULL;
    assert_int_equal(mm_state_batch_new(&b), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r1", "k1", 2, "old", 3, 1), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r1", "k2", 2, "old", 3, 1), MM_OK);
    assert_int_equal(mm_state_batch_add(b, "r2", "k3", 2, "old", 3, 1), MM_OK);
    assert_int_equal(mm_store_state_write(st, b), MM_OK);
    mm_state_batch_free(b);

    for (int round = 0; round < 2; round++) { /* the second round reuses the key table */
        assert_int_equal(mm_state_batch_new(&b), MM_OK);
        assert_int_equal(mm_state_batch_add(b, NULL, NULL, 0, NULL, 0, 0), MM_OK);
        assert_int_equal(mm_state_batch_add(b, "r1", "k1", 2, "new", 3, 2), MM_OK);
        assert_true(mm_state_batch_bytes(b) >= 7);
        mm_state_batch_set_more(b);
        assert_int_equal(mm_store_state_write(st, b), MM_OK);
        mm_state_batch_free(b);
        struct seen s;
        assert_int_equal(load_rows(st, &s), round == 0 ? 3 : 2); /* nothing gone yet */
        assert_true(has(&s, "r1:k1:new:2"));

        assert_int_equal(mm_state_batch_new(&b), MM_OK);
        assert_int_equal(mm_state_batch_add(b, "r2", "k3", 2, "new", 3, 2), MM_OK);
        assert_int_equal(mm_store_state_write(st, b), MM_OK); /* the last piece */
        mm_state_batch_free(b);
        assert_int_equal(load_rows(st, &s), 2);
        assert_true(has(&s, "r1:k1:new:2") && has(&s, "r2:k3:new:2"));

        /* a later save of changes only does not delete anything */
        assert_int_equal(mm_state_batch_new(&b), MM_OK);
        assert_int_equal(mm_state_batch_add(b, "r9", "k9", 2, "x", 1, 3), MM_OK);
        assert_int_equal(mm_store_state_write(st, b), MM_OK);
        mm_state_batch_free(b);
        assert_int_equal(load_rows(st, &s), 3);
        assert_int_equal(mm_state_batch_new(&b), MM_OK);
        assert_int_equal(mm_state_batch_add(b, "r9", "k9", 2, NULL, 0, 0), MM_OK);
        assert_int_equal(mm_store_state_write(st, b), MM_OK);
        mm_state_batch_free(b);
    }
    mm_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_replace_delete_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_through_the_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_in_pieces, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
