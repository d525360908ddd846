/*
 * diag.h - diagnostics for config and rule files: "file:line:col: reason".
 *
 * Loaders add every error they find and go on where they can, so that
 * `mimamori check` reports them all at once; the caller decides to fail when
 * mm_diag_count() > 0.  A diag owns its messages.
 */
#ifndef MIMAMORI_DIAG_H
#define MIMAMORI_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct mm_diag {
    char **msgs;   /* owned, each "file:line:col: reason" */
    size_t n, cap;
    size_t nwarn;  /* how many of msgs are warnings (not counted as errors) */
    size_t nerr;
};

/* diag.c */
void mm_diag_init(struct mm_diag *d);
void mm_diag_free(struct mm_diag *d);
/* line/col are 1-based; 0 leaves them out of the message */
void mm_diag_error(struct mm_diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void mm_diag_warn(struct mm_diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
size_t mm_diag_errors(const struct mm_diag *d);
void mm_diag_print(const struct mm_diag *d, FILE *f);
/* move all messages of src to the end of dst */
void mm_diag_merge(struct mm_diag *dst, struct mm_diag *src);

#endif
