/*
 * err.h - the one error type of mimamori.
 *
 * Every function that can fail returns enum mm_err; MM_OK is zero so that
 * "if (rc != MM_OK) goto fail;" reads the same everywhere.  Outcomes that are
 * not errors (a parser that does not recognise a line, a send to retry) have
 * their own enums in their modules.
 */
#ifndef MIMAMORI_ERR_H
#define MIMAMORI_ERR_H

enum mm_err {
    MM_OK = 0,
    MM_ENOMEM,   /* allocation failed */
    MM_EIO,      /* read/write/socket error, errno says more */
    MM_ECONFIG,  /* configuration is invalid */
    MM_ERULE,    /* a rule failed to load or compile */
    MM_EPARSE,   /* malformed input */
    MM_EDB,      /* SQLite error */
    MM_EFULL,    /* a bounded container is full */
    MM_EINVAL,   /* invalid argument */
    MM_ENOTFOUND /* no such thing */
};

/* err.c */
const char *mm_strerror(enum mm_err e);

#endif
