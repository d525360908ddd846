/* Tests for src/core/event.c: extras by name (mm_xfield_is, mm_event_find), mm_event_add. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mimamori/event.h"

static struct mm_event ev;

/* The compare as first written: measure the namespace, then compare all. */
static int xfield_ref(const struct mm_xfield *x, const char *name, size_t n)
{
    if (x->ns == NULL) {
        return x->key.n == n && memcmp(x->key.p, name, n) == 0;
    }
    size_t nl = strlen(x->ns);
    return n == nl + 1 + x->key.n && memcmp(name, x->ns, nl) == 0 && name[nl] == '.' &&
           memcmp(name + nl + 1, x->key.p, x->key.n) == 0;
}

static void test_xfield_is(void **state)
{
    (void)state;
    static const char *const nss[] = {NULL, "", "fortinet", "f", "fortinetx", "cef"};
    static const char *const keys[] = {"", "logid", "type", "x", "fortinet.logid", "a.b"};
    static const char *const queries[] = {
        "fortinet.logid", "fortinet.type", "logid", ".logid", "f.logid", "fortinetx.logid",
        "fortinet.logi", "fortinet.logidx", "fortinet.", "fortinet", "", ".", "x", "cef.x",
        "fortinet.fortinet.logid", "a.b", "cef.a.b", "fortinet,logid", "fortinet.x",
        "fortinetxlogid",
    };
    for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++) {
        for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
            struct mm_xfield x = {nss[i], {keys[j], (uint32_t)strlen(keys[j])}, {"v", 1}};
            for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
                size_t n = strlen(queries[q]);
                if (mm_xfield_is(&x, queries[q], n) != xfield_ref(&x, queries[q], n)) {
                    fail_msg("ns %s key %s name %s", nss[i] ? nss[i] : "(null)", keys[j],
                             queries[q]);
                }
            }
        }
    }
    /* a name holding a NUL where the namespace ends: no read past the namespace */
    struct mm_xfield x = {"ab", {"k", 1}, {"v", 1}};
    assert_false(mm_xfield_is(&x, "ab\0x.k", 6));
    assert_true(mm_xfield_is(&x, "ab.k", 4));
}

static void test_add_find(void **state)
{
    (void)state;
    static const char raw[] = "raw";
    mm_event_reset(&ev, raw, 3, 0);
    assert_int_equal(mm_event_add(&ev, "fortinet", "logid", 5, "13", 2), MM_OK);
    assert_int_equal(mm_event_add(&ev, NULL, "source.ip", 9, "192.0.2.1", 9), MM_OK);
    assert_int_equal(mm_event_add(&ev, NULL, "source.ip", 9, "192.0.2.2", 9), MM_OK);
    assert_int_equal(mm_event_add(&ev, NULL, "custom.name", 11, "c", 1), MM_OK);
    assert_int_equal(ev.nx, 2); /* the well-known name went to its slot, once */
    struct mm_str s = mm_event_find(&ev, "source.ip", 9);
    assert_int_equal(s.n, 9);
    assert_memory_equal(s.p, "192.0.2.1", 9);
    s = mm_event_find(&ev, "fortinet.logid", 14);
    assert_int_equal(s.n, 2);
    assert_memory_equal(s.p, "13", 2);
    s = mm_event_find(&ev, "custom.name", 11);
    assert_int_equal(s.n, 1);
    assert_null(mm_event_find(&ev, "fortinet.logi", 13).p);
    mm_event_set_cstr(&ev, MM_F_EVENT_KIND, "event");
    assert_int_equal(ev.f[MM_F_EVENT_KIND].n, 5);
    /* the list is bounded */
    for (int i = 0; i < MM_EVENT_MAX_EXTRA + 5; i++) {
        mm_event_add(&ev, "x", "k", 1, "v", 1);
    }
    assert_int_equal(ev.nx, MM_EVENT_MAX_EXTRA);
    assert_int_equal(ev.nx_dropped, 7);
    assert_int_equal(mm_event_add(&ev, NULL, "other", 5, "v", 1), MM_EFULL);
    assert_int_equal(ev.nx_dropped, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xfield_is),
        cmocka_unit_test(test_add_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
