/*
 * Tests for src/notify/message.c: RFC 2047 subjects (Japanese split between
 * characters into words of at most 75 characters, ASCII left alone), base64,
 * the RFC 5322 date, and the whole message: headers, Message-ID with the key,
 * text/plain alone or multipart/alternative, CRLF everywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify_int.h"

static int b64val(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(t, c);
    return p && c ? (int)(p - t) : -1;
}

/* Decode base64 (skipping CRLF) into out; returns the length. */
static size_t unb64(const char *s, size_t n, char *out)
{
    size_t o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int x = b64val(s[i]);
        if (x < 0) {
            continue;
        }
        v = (v << 6) | (unsigned)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((v >> bits) & 0xff);
        }
    }
    out[o] = '\0';
    return o;
}

static void test_base64(void **state)
{
    (void)state;
    struct mm_buf b;
    mm_buf_init(&b, 0);
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        mm_buf_reset(&b);
        assert_int_equal(mm_notify_base64(&b, in[i], strlen(in[i]), 0), MM_OK);
        assert_string_equal(b.p ? b.p : "", out[i]);
    }
    mm_buf_free(&b);
}

static void test_rfc2047(void **state)
{
    (void)state;
    struct mm_buf b;
    char dec[1024], all[1024] = "";
    mm_buf_init(&b, 0);
    assert_int_equal(mm_notify_rfc2047(&b, "plain ASCII", 11, 9), MM_OK);
    assert_string_equal(b.p, "plain ASCII");

    const char *ja = "[mimamori] 【高】SSH ログイン失敗の連続 (source.ip=203.0.113.9) 不正アクセスの疑い";
    mm_buf_reset(&b);
    assert_int_equal(mm_notify_rfc2047(&b, ja, strlen(ja), 9), MM_OK);
    /* words on folded lines; each word at most 75 characters; decoding them gives the text back */
    char *save = NULL;
    int words = 0;
    for (char *w = strtok_r(b.p, "\r\n ", &save); w != NULL; w = strtok_r(NULL, "\r\n ", &save)) {
        size_t n = strlen(w);
        assert_true(n <= 75);
        assert_memory_equal(w, "=?UTF-8?B?", 10);
        assert_string_equal(w + n - 2, "?=");
        size_t dl = unb64(w + 10, n - 12, dec);
        /* never split inside a UTF-8 character: each word is valid UTF-8 on its own */
        assert_true(dl > 0 && ((unsigned char)dec[0] & 0xc0) != 0x80);
        strcat(all, dec);
        words++;
    }
    assert_true(words >= 2);
    assert_string_equal(all, ja);
    /* "=?" in ASCII text must be encoded, or a reader would try to decode it */
    mm_buf_reset(&b);
    assert_int_equal(mm_notify_rfc2047(&b, "a =?b", 5, 9), MM_OK);
    assert_memory_equal(b.p, "=?UTF-8?B?", 10);
    mm_buf_free(&b);
}

static void test_date(void **state)
{
    (void)state;
    char buf[64];
    /* 2026-11-21T10:00:03Z was a Saturday */
    assert_string_equal(mm_notify_mail_date(1795255203LL * 1000000000, buf, sizeof(buf)),
                        "Sat, 21 Nov 2026 10:00:03 +0000");
    assert_string_equal(mm_notify_mail_date(0, buf, sizeof(buf)), "Thu, 01 Jan 1970 00:00:00 +0000");
}

static void test_message(void **state)
{
    (void)state;
    struct mm_buf b;
    char dec[4096];
    mm_buf_init(&b, 0);
    const char *to[] = {"a@example.jp", "b@example.jp"};
    struct mm_notify_mail m = {.from = "mm@example.jp",
                               .to = to,
                               .nto = 2,
                               .subject = "警告 test",
                               .text = "一行目\n二行目\n",
                               .key = "mm-00000000000000ff-mail",
                               .date_ns = 1795255203LL * 1000000000};
    assert_int_equal(mm_notify_mail_build(&b, &m), MM_OK);
    assert_non_null(strstr(b.p, "Date: Sat, 21 Nov 2026 10:00:03 +0000\r\n"));
    assert_non_null(strstr(b.p, "From: mm@example.jp\r\nTo: a@example.jp,\r\n b@example.jp\r\n"));
    assert_non_null(strstr(b.p, "Message-ID: <mm-00000000000000ff-mail@mimamori>\r\n"));
    assert_non_null(strstr(b.p, "X-Mimamori-Delivery: mm-00000000000000ff-mail\r\n"));
    assert_non_null(strstr(b.p, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(b.p, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                                "Content-Transfer-Encoding: base64\r\n\r\n"));
    assert_null(strstr(b.p, "multipart"));
    /* no bare LF anywhere */
    for (size_t i = 0; i < b.len; i++) {
        if (b.p[i] == '\n') {
            assert_true(i > 0 && b.p[i - 1] == '\r');
        }
    }
    const char *body = strstr(b.p, "\r\n\r\n") + 4;
    unb64(body, strlen(body), dec);
    assert_string_equal(dec, "一行目\r\n二行目\r\n"); /* canonical CRLF before encoding */

    mm_buf_reset(&b);
    m.html = "<p>一行目</p>";
    assert_int_equal(mm_notify_mail_build(&b, &m), MM_OK);
    const char *ct = strstr(b.p, "Content-Type: multipart/alternative; boundary=\"");
    assert_non_null(ct);
    char bnd[80];
    const char *q = ct + strlen("Content-Type: multipart/alternative; boundary=\"");
    size_t bl = (size_t)(strchr(q, '"') - q);
    assert_true(bl <= 70);
    memcpy(bnd, q, bl);
    bnd[bl] = '\0';
    char open[200], close[200];
    snprintf(open, sizeof(open), "\r\n--%s\r\nContent-Type: text/html; charset=UTF-8", bnd);
    snprintf(close, sizeof(close), "\r\n--%s--\r\n", bnd);
    assert_non_null(strstr(b.p, open));
    assert_non_null(strstr(b.p, close));
    assert_non_null(strstr(b.p, "Content-Type: text/plain; charset=UTF-8"));
    /* header injection through the configuration is refused */
    m.from = "x@example.jp\r\nBcc: evil@example.com";
    mm_buf_reset(&b);
    assert_int_equal(mm_notify_mail_build(&b, &m), MM_EINVAL);
    mm_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_base64), cmocka_unit_test(test_rfc2047),
                                       cmocka_unit_test(test_date), cmocka_unit_test(test_message)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
