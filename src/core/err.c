#include "mimamori/err.h"

const char *mm_strerror(enum mm_err e)
{
    switch (e) {
    case MM_OK:
        return "success";
    case MM_ENOMEM:
        return "out of memory";
    case MM_EIO:
        return "input/output error";
    case MM_ECONFIG:
        return "invalid configuration";
    case MM_ERULE:
        return "invalid rule";
    case MM_EPARSE:
        return "malformed input";
    case MM_EDB:
        return "database error";
    case MM_EFULL:
        return "container full";
    case MM_EINVAL:
        return "invalid argument";
    case MM_ENOTFOUND:
        return "not found";
    }
    return "unknown error";
}
