#include "mimamori/yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void node_free(struct mm_ynode *n)
{
    if (n == NULL) {
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        node_free(n->kids[i]);
    }
    free(n->kids);
    free(n->str);
    free(n);
}

void mm_yaml_free(struct mm_ystream *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->ndocs; i++) {
        node_free(s->docs[i]);
    }
    free(s->docs);
    free(s->doc_lines);
    free(s->file);
    free(s);
}

static int add_kid(struct mm_ynode *parent, struct mm_ynode *kid)
{
    struct mm_ynode **k = realloc(parent->kids, (parent->nkids + 1) * sizeof(*k));
    if (k == NULL) {
        return -1;
    }
    parent->kids = k;
    parent->kids[parent->nkids++] = kid;
    return 0;
}

struct builder {
    yaml_parser_t parser;
    const char *file;
    struct mm_diag *d;
    int failed;
};

static void parser_error(struct builder *b)
{
    yaml_parser_t *p = &b->parser;
    const char *what = p->problem ? p->problem : "YAML syntax error";
    if (p->context != NULL) {
        mm_diag_error(b->d, b->file, (int)p->problem_mark.line + 1,
                      (int)p->problem_mark.column + 1, "%s %s", what, p->context);
    } else {
        mm_diag_error(b->d, b->file, (int)p->problem_mark.line + 1,
                      (int)p->problem_mark.column + 1, "%s", what);
    }
    b->failed = 1;
}

/* Build the node that starts with event ev (already read). Returns NULL on error. */
static struct mm_ynode *build(struct builder *b, yaml_event_t *ev, int depth)
{
    struct mm_ynode *n = calloc(1, sizeof(*n));
    if (n == NULL) {
        mm_diag_error(b->d, b->file, 0, 0, "out of memory");
        b->failed = 1;
        return NULL;
    }
    n->line = (int)ev->start_mark.line + 1;
    n->col = (int)ev->start_mark.column + 1;
    if (depth > MM_YAML_MAX_DEPTH) {
        mm_diag_error(b->d, b->file, n->line, n->col, "nesting deeper than %d levels",
                      MM_YAML_MAX_DEPTH);
        b->failed = 1;
        free(n);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n->type = MM_Y_SCALAR;
        n->len = ev->data.scalar.length;
        n->str = malloc(n->len + 1);
        if (n->str == NULL) {
            b->failed = 1;
            free(n);
            return NULL;
        }
        memcpy(n->str, ev->data.scalar.value, n->len);
        n->str[n->len] = '\0';
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (ev->data.scalar.anchor != NULL) {
            mm_diag_error(b->d, b->file, n->line, n->col, "YAML anchors are not supported");
            b->failed = 1;
        }
        return n;
    case YAML_ALIAS_EVENT:
        mm_diag_error(b->d, b->file, n->line, n->col, "YAML aliases are not supported");
        b->failed = 1;
        free(n);
        return NULL;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
        n->type = is_map ? MM_Y_MAP : MM_Y_SEQ;
        /* refused like scalar anchors: only aliases could use them */
        if ((is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor) != NULL) {
            mm_diag_error(b->d, b->file, n->line, n->col, "YAML anchors are not supported");
            b->failed = 1;
        }
        for (;;) {
            yaml_event_t kev;
            if (!yaml_parser_parse(&b->parser, &kev)) {
                parser_error(b);
                node_free(n);
                return NULL;
            }
            if (kev.type == end) {
                yaml_event_delete(&kev);
                break;
            }
            struct mm_ynode *kid = build(b, &kev, depth + 1);
            yaml_event_delete(&kev);
            if (kid == NULL || add_kid(n, kid) != 0) {
                node_free(kid);
                node_free(n);
                b->failed = 1;
                return NULL;
            }
            if (is_map && (n->nkids % 2) == 1 && kid->type != MM_Y_SCALAR) {
                mm_diag_error(b->d, b->file, kid->line, kid->col, "mapping keys must be scalars");
                b->failed = 1;
            }
        }
        return n;
    }
    default:
        mm_diag_error(b->d, b->file, n->line, n->col, "unexpected YAML event");
        b->failed = 1;
        free(n);
        return NULL;
    }
}

static enum mm_err load(struct mm_ystream **out, const char *name, const char *buf, size_t len,
                        struct mm_diag *d)
{
    struct builder b;
    memset(&b, 0, sizeof(b));
    b.file = name;
    b.d = d;
    *out = NULL;
    struct mm_ystream *s = calloc(1, sizeof(*s));
    if (s == NULL || (s->file = strdup(name)) == NULL) {
        free(s);
        return MM_ENOMEM;
    }
    if (!yaml_parser_initialize(&b.parser)) {
        mm_yaml_free(s);
        return MM_ENOMEM;
    }
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&b.parser, &ev)) {
            parser_error(&b);
            break;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_DOCUMENT_START_EVENT) {
            int line = (int)ev.start_mark.line + 1;
            yaml_event_delete(&ev);
            yaml_event_t root;
            if (!yaml_parser_parse(&b.parser, &root)) {
                parser_error(&b);
                break;
            }
            struct mm_ynode *r = NULL;
            if (root.type != YAML_DOCUMENT_END_EVENT) {
                r = build(&b, &root, 0);
            }
            int was_end = root.type == YAML_DOCUMENT_END_EVENT;
            yaml_event_delete(&root);
            if (b.failed) {
                node_free(r);
                break;
            }
            if (!was_end) {
                yaml_event_t dend;
                if (!yaml_parser_parse(&b.parser, &dend)) {
                    parser_error(&b);
                    node_free(r);
                    break;
                }
                yaml_event_delete(&dend);
            }
            if (r == NULL) {
                continue; /* an empty document */
            }
            struct mm_ynode **docs = realloc(s->docs, (s->ndocs + 1) * sizeof(*docs));
            int *lines = realloc(s->doc_lines, (s->ndocs + 1) * sizeof(*lines));
            if (docs != NULL) {
                s->docs = docs;
            }
            if (lines != NULL) {
                s->doc_lines = lines;
            }
            if (docs == NULL || lines == NULL) {
                node_free(r);
                b.failed = 1;
                break;
            }
            s->docs[s->ndocs] = r;
            s->doc_lines[s->ndocs] = line;
            s->ndocs++;
            continue;
        }
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT) {
            break;
        }
    }
    yaml_parser_delete(&b.parser);
    if (b.failed) {
        mm_yaml_free(s);
        return MM_ECONFIG;
    }
    *out = s;
    return MM_OK;
}

enum mm_err mm_yaml_load_mem(struct mm_ystream **out, const char *name, const char *buf,
                             size_t len, struct mm_diag *d)
{
    return load(out, name, buf, len, d);
}

#define YAML_MAX_FILE (16u << 20)

enum mm_err mm_yaml_load_file(struct mm_ystream **out, const char *path, struct mm_diag *d)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        mm_diag_error(d, path, 0, 0, "cannot open: %s", strerror(errno));
        return MM_EIO;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > YAML_MAX_FILE) {
                mm_diag_error(d, path, 0, 0, "file larger than %u bytes", YAML_MAX_FILE);
                free(buf);
                fclose(f);
                return MM_ECONFIG;
            }
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return MM_ENOMEM;
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) {
            break;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        mm_diag_error(d, path, 0, 0, "read error");
        free(buf);
        return MM_EIO;
    }
    enum mm_err rc = load(out, path, buf ? buf : "", len, d);
    free(buf);
    return rc;
}

const struct mm_ynode *mm_ymap_get(const struct mm_ynode *map, const char *key)
{
    if (map == NULL || map->type != MM_Y_MAP) {
        return NULL;
    }
    size_t kl = strlen(key);
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const struct mm_ynode *k = map->kids[i];
        if (k->type == MM_Y_SCALAR && k->len == kl && memcmp(k->str, key, kl) == 0) {
            return map->kids[i + 1];
        }
    }
    return NULL;
}

size_t mm_ymap_size(const struct mm_ynode *map)
{
    return (map != NULL && map->type == MM_Y_MAP) ? map->nkids / 2 : 0;
}

const struct mm_ynode *mm_ymap_key(const struct mm_ynode *map, size_t i)
{
    return map->kids[2 * i];
}

const struct mm_ynode *mm_ymap_val(const struct mm_ynode *map, size_t i)
{
    return map->kids[2 * i + 1];
}

int mm_yaml_is_null(const struct mm_ynode *n)
{
    return n != NULL && n->type == MM_Y_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
            strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

const char *mm_yaml_type_name(enum mm_ynode_type t)
{
    switch (t) {
    case MM_Y_SCALAR:
        return "a scalar";
    case MM_Y_SEQ:
        return "a list";
    case MM_Y_MAP:
        return "a mapping";
    }
    return "?";
}
