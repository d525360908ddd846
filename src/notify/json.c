/*
 * json.c - a small DOM reader for the alert JSON that the store keeps.
 *
 * Only what notifications need: objects, arrays, strings (escapes decoded to
 * UTF-8), numbers and literals kept as text.  The input is our own output, but
 * it is read back from a file another program could have touched, so depth
 * (JSON_MAX_DEPTH) and size are bounded and every malformed input is refused.
 */
#include "notify/notify_int.h"

#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 32
#define JSON_MAX_LEN ((size_t)16 << 20)

struct reader {
    const char *p, *end;
    enum mm_err rc; /* MM_EPARSE or MM_ENOMEM once something failed */
};

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) {
        r->p++;
    }
}

static int hex4(const char *p, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        x <<= 4;
        if (c >= '0' && c <= '9') {
            x |= (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            x |= (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            x |= (unsigned)(c - 'A' + 10);
        } else {
            return -1;
        }
    }
    *v = x;
    return 0;
}

static void put_utf8(struct mm_buf *b, unsigned cp, enum mm_err *rc)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (*rc == MM_OK) {
        *rc = mm_buf_append(b, u, n);
    }
}

/* A string at r->p (the opening quote); owned result, NULL on error. */
static char *read_string(struct reader *r, size_t *len)
{
    struct mm_buf b;
    enum mm_err rc = MM_OK;
    mm_buf_init(&b, JSON_MAX_LEN);
    r->p++; /* the quote */
    while (rc == MM_OK) {
        if (r->p >= r->end) {
            rc = MM_EPARSE;
            break;
        }
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            break;
        }
        if (c < 0x20) {
            rc = MM_EPARSE;
            break;
        }
        if (c != '\\') {
            const char *q = r->p;
            while (q < r->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20) {
                q++;
            }
            rc = mm_buf_append(&b, r->p, (size_t)(q - r->p));
            r->p = q;
            continue;
        }
        if (r->end - r->p < 2) {
            rc = MM_EPARSE;
            break;
        }
        char e = r->p[1];
        r->p += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple != NULL && e != '\0') {
            static const char out[] = "\"\\/\b\f\n\r\t";
            rc = mm_buf_putc(&b, out[simple - "\"\\/bfnrt"]);
            continue;
        }
        unsigned cp;
        if (e != 'u' || r->end - r->p < 4 || hex4(r->p, &cp) != 0) {
            rc = MM_EPARSE;
            break;
        }
        r->p += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && r->end - r->p >= 6 && r->p[0] == '\\' &&
            r->p[1] == 'u') {
            unsigned lo;
            if (hex4(r->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                r->p += 6;
            }
        }
        if (cp >= 0xd800 && cp < 0xe000) {
            cp = 0xfffd; /* a lone surrogate */
        }
        put_utf8(&b, cp, &rc);
    }
    if (rc == MM_OK && b.p == NULL) { /* "": the buffer never allocated */
        b.p = calloc(1, 1);
        if (b.p == NULL) {
            rc = MM_ENOMEM;
        }
    }
    if (rc != MM_OK) {
        r->rc = rc == MM_ENOMEM ? MM_ENOMEM : MM_EPARSE;
        mm_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

static int parse_value(struct reader *r, struct mm_json *v, int depth);

/* Append a zeroed member to v->kids; NULL on ENOMEM. */
static struct mm_json *push(struct reader *r, struct mm_json *v, size_t *cap)
{
    if (v->nkids == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        struct mm_json *k = realloc(v->kids, ncap * sizeof(*k));
        if (k == NULL) {
            r->rc = MM_ENOMEM;
            return NULL;
        }
        v->kids = k;
        *cap = ncap;
    }
    struct mm_json *k = &v->kids[v->nkids++];
    memset(k, 0, sizeof(*k));
    return k;
}

static int parse_container(struct reader *r, struct mm_json *v, int depth, char close)
{
    size_t cap = 0;
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        skip_ws(r);
        char *key = NULL;
        size_t klen;
        if (close == '}') {
            if (r->p >= r->end || *r->p != '"' || (key = read_string(r, &klen)) == NULL) {
                if (r->rc == MM_OK) {
                    r->rc = MM_EPARSE;
                }
                return -1;
            }
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':') {
                free(key);
                r->rc = MM_EPARSE;
                return -1;
            }
            r->p++;
        }
        struct mm_json *k = push(r, v, &cap);
        if (k == NULL) {
            free(key);
            return -1;
        }
        k->key = key;
        if (parse_value(r, k, depth + 1) != 0) {
            return -1;
        }
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 0;
        }
        r->rc = MM_EPARSE;
        return -1;
    }
}

static int parse_value(struct reader *r, struct mm_json *v, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        r->rc = MM_EPARSE;
        return -1;
    }
    skip_ws(r);
    if (r->p >= r->end) {
        r->rc = MM_EPARSE;
        return -1;
    }
    char c = *r->p;
    if (c == '{' || c == '[') {
        v->type = c == '{' ? MM_JSON_OBJ : MM_JSON_ARR;
        return parse_container(r, v, depth, c == '{' ? '}' : ']');
    }
    if (c == '"') {
        v->type = MM_JSON_STR;
        v->str = read_string(r, &v->len);
        return v->str == NULL ? -1 : 0;
    }
    const char *q = r->p;
    while (q < r->end && strchr(",]} \t\r\n", *q) == NULL) {
        q++;
    }
    size_t n = (size_t)(q - r->p);
    if (n == 0) {
        r->rc = MM_EPARSE;
        return -1;
    }
    if ((n == 4 && memcmp(r->p, "true", 4) == 0) || (n == 5 && memcmp(r->p, "false", 5) == 0)) {
        v->type = MM_JSON_BOOL;
    } else if (n == 4 && memcmp(r->p, "null", 4) == 0) {
        v->type = MM_JSON_NULL;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        for (size_t i = 0; i < n; i++) {
            if (strchr("0123456789+-.eE", r->p[i]) == NULL) {
                r->rc = MM_EPARSE;
                return -1;
            }
        }
        v->type = MM_JSON_NUM;
    } else {
        r->rc = MM_EPARSE;
        return -1;
    }
    v->str = strndup(r->p, n);
    if (v->str == NULL) {
        r->rc = MM_ENOMEM;
        return -1;
    }
    v->len = n;
    r->p = q;
    return 0;
}

static void release(struct mm_json *j)
{
    for (size_t i = 0; i < j->nkids; i++) {
        release(&j->kids[i]);
    }
    free(j->kids);
    free(j->key);
    free(j->str);
}

void mm_json_free(struct mm_json *j)
{
    if (j == NULL) {
        return;
    }
    release(j);
    free(j);
}

struct mm_json *mm_json_parse(const char *p, size_t len, enum mm_err *rc)
{
    struct reader r = {.p = p, .end = p + len, .rc = MM_OK};
    struct mm_json *j = calloc(1, sizeof(*j));
    if (j == NULL) {
        *rc = MM_ENOMEM;
        return NULL;
    }
    if (len > JSON_MAX_LEN) {
        r.rc = MM_EPARSE;
    } else if (parse_value(&r, j, 0) == 0) {
        skip_ws(&r);
        if (r.p != r.end) {
            r.rc = MM_EPARSE;
        }
    }
    *rc = r.rc;
    if (r.rc != MM_OK) {
        mm_json_free(j);
        return NULL;
    }
    return j;
}

const struct mm_json *mm_json_get(const struct mm_json *j, const char *key)
{
    if (j == NULL || j->type != MM_JSON_OBJ) {
        return NULL;
    }
    for (size_t i = 0; i < j->nkids; i++) {
        if (j->kids[i].key != NULL && strcmp(j->kids[i].key, key) == 0) {
            return &j->kids[i];
        }
    }
    return NULL;
}

const char *mm_json_str(const struct mm_json *j, const char *key, const char *def)
{
    const struct mm_json *v = mm_json_get(j, key);
    if (v == NULL || (v->type != MM_JSON_STR && v->type != MM_JSON_NUM)) {
        return def;
    }
    return v->str;
}
