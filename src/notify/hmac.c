/*
 * hmac.c - HMAC-SHA256 for the signature of generic webhooks, from libcrypto
 * (already loaded by libcurl's OpenSSL build: no new runtime dependency).
 * Tested with the RFC 4231 vectors in tests/unit/notify/test_hmac.c.
 */
#include "notify/notify_int.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

enum mm_err mm_notify_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                                  unsigned char out[MM_SHA256_LEN])
{
    unsigned int outlen = 0;
    static const unsigned char empty[1] = {0};
    if (keylen > 0x7fffffff) {
        return MM_EINVAL;
    }
    if (HMAC(EVP_sha256(), keylen ? key : empty, (int)keylen, len ? msg : empty, len, out,
             &outlen) == NULL ||
        outlen != MM_SHA256_LEN) {
        return MM_ENOMEM;
    }
    return MM_OK;
}

void mm_notify_hex(const unsigned char *p, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    out[2 * n] = '\0';
}
