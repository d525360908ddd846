/*
 * yaml.h - a YAML document as a small tree of nodes with line and column,
 * built with libyaml.  Config and rule loaders walk it and report errors as
 * file:line:col.  Anchors/aliases are refused (they make billion-laughs trees)
 * and nesting is limited to MM_YAML_MAX_DEPTH.
 *
 * Ownership: mm_yaml_free() frees a whole stream (all documents and nodes).
 */
#ifndef MIMAMORI_YAML_H
#define MIMAMORI_YAML_H

#include <stddef.h>

#include "mimamori/diag.h"
#include "mimamori/err.h"

#define MM_YAML_MAX_DEPTH 64

enum mm_ynode_type { MM_Y_SCALAR, MM_Y_SEQ, MM_Y_MAP };

struct mm_ynode {
    enum mm_ynode_type type;
    int line, col;      /* 1-based position of the node's start */
    char *str;          /* scalar value, NUL-terminated (owned) */
    size_t len;         /* scalar length (may contain NUL bytes) */
    int plain;          /* scalar was unquoted (may be a number, bool or null) */
    struct mm_ynode **kids; /* SEQ: items; MAP: keys at 2i, values at 2i+1 (owned) */
    size_t nkids;       /* SEQ: item count; MAP: 2 * pair count */
};

struct mm_ystream {
    char *file;               /* owned copy of the file name used in diagnostics */
    struct mm_ynode **docs;   /* one root per YAML document ("---") */
    int *doc_lines;           /* line where each document starts */
    size_t ndocs;
};

/* yaml.c */
/* Parse a file; syntax errors go to d as file:line:col and MM_ECONFIG is returned. */
enum mm_err mm_yaml_load_file(struct mm_ystream **out, const char *path, struct mm_diag *d);
/* Parse a buffer; `name` is used in diagnostics. */
enum mm_err mm_yaml_load_mem(struct mm_ystream **out, const char *name, const char *buf,
                             size_t len, struct mm_diag *d);
void mm_yaml_free(struct mm_ystream *s);
/* MAP lookup by key; NULL when absent or not a map. */
const struct mm_ynode *mm_ymap_get(const struct mm_ynode *map, const char *key);
size_t mm_ymap_size(const struct mm_ynode *map);
const struct mm_ynode *mm_ymap_key(const struct mm_ynode *map, size_t i);
const struct mm_ynode *mm_ymap_val(const struct mm_ynode *map, size_t i);
/* A plain scalar that YAML 1.1/1.2 would read as null ("", "~", "null"). */
int mm_yaml_is_null(const struct mm_ynode *n);
const char *mm_yaml_type_name(enum mm_ynode_type t);

#endif
