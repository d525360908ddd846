/* Tests for src/notify/hmac.c: the HMAC-SHA256 test vectors of RFC 4231 (cases 1-4, 6, 7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "notify/notify_int.h"

static void check(const void *key, size_t klen, const void *msg, size_t mlen, const char *want)
{
    unsigned char mac[MM_SHA256_LEN];
    char hex[2 * MM_SHA256_LEN + 1];
    assert_int_equal(mm_notify_hmac_sha256(key, klen, msg, mlen, mac), MM_OK);
    mm_notify_hex(mac, sizeof(mac), hex);
    assert_string_equal(hex, want);
}

static void test_rfc4231(void **state)
{
    (void)state;
    unsigned char k[131];
    memset(k, 0x0b, 20);
    check(k, 20, "Hi There", 8,
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    check("Jefe", 4, "what do ya want for nothing?", 28,
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    unsigned char d[50];
    memset(k, 0xaa, 20);
    memset(d, 0xdd, 50);
    check(k, 20, d, 50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    for (int i = 0; i < 25; i++) {
        k[i] = (unsigned char)(i + 1);
    }
    memset(d, 0xcd, 50);
    check(k, 25, d, 50, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    memset(k, 0xaa, 131);
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    check(k, 131, m6, strlen(m6),
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    const char *m7 = "This is a test using a larger than block-size key and a larger than "
                     "block-size data. The key needs to be hashed before being used by the HMAC "
                     "algorithm.";
    check(k, 131, m7, strlen(m7),
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rfc4231)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
