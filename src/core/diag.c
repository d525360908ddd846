#include "mimamori/diag.h"

#include "mimamori/buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void mm_diag_init(struct mm_diag *d)
{
    memset(d, 0, sizeof(*d));
}

void mm_diag_free(struct mm_diag *d)
{
    if (d == NULL) {
        return;
    }
    for (size_t i = 0; i < d->n; i++) {
        free(d->msgs[i]);
    }
    free(d->msgs);
    memset(d, 0, sizeof(*d));
}

static void push(struct mm_diag *d, char *m)
{
    if (d->n == d->cap) {
        char **p = mm_grow(d->msgs, &d->cap, sizeof(*p), 8);
        if (p == NULL) {
            free(m);
            return;
        }
        d->msgs = p;
    }
    d->msgs[d->n++] = m;
}

static void vadd(struct mm_diag *d, const char *kind, const char *file, int line, int col,
                 const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static void vadd(struct mm_diag *d, const char *kind, const char *file, int line, int col,
                 const char *fmt, va_list ap)
{
    char reason[1024];
    char *m;
    vsnprintf(reason, sizeof(reason), fmt, ap);
    size_t cap = strlen(reason) + (file ? strlen(file) : 0) + 64;
    m = malloc(cap);
    if (m == NULL) {
        return;
    }
    if (line > 0 && col > 0) {
        snprintf(m, cap, "%s:%d:%d: %s%s", file ? file : "-", line, col, kind, reason);
    } else if (line > 0) {
        snprintf(m, cap, "%s:%d: %s%s", file ? file : "-", line, kind, reason);
    } else {
        snprintf(m, cap, "%s: %s%s", file ? file : "-", kind, reason);
    }
    push(d, m);
}

void mm_diag_error(struct mm_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, "", file, line, col, fmt, ap);
    va_end(ap);
    d->nerr++;
}

void mm_diag_warn(struct mm_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(d, "warning: ", file, line, col, fmt, ap);
    va_end(ap);
    d->nwarn++;
}

size_t mm_diag_errors(const struct mm_diag *d)
{
    return d->nerr;
}

void mm_diag_print(const struct mm_diag *d, FILE *f)
{
    for (size_t i = 0; i < d->n; i++) {
        fprintf(f, "%s\n", d->msgs[i]);
    }
}

void mm_diag_merge(struct mm_diag *dst, struct mm_diag *src)
{
    for (size_t i = 0; i < src->n; i++) {
        push(dst, src->msgs[i]);
    }
    dst->nerr += src->nerr;
    dst->nwarn += src->nwarn;
    free(src->msgs);
    memset(src, 0, sizeof(*src));
}
