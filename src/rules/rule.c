/* rule.c - read-only accessors of a compiled rule; strings are owned by the ruleset. */
#include "rules_int.h"

const char *mm_rule_id(const struct mm_rule *r)
{
    return r->id;
}

const char *mm_rule_name(const struct mm_rule *r)
{
    return r->name;
}

const char *mm_rule_title(const struct mm_rule *r)
{
    return r->title;
}

const char *mm_rule_description(const struct mm_rule *r)
{
    return r->description != NULL ? r->description : "";
}

enum mm_severity mm_rule_severity(const struct mm_rule *r)
{
    return r->severity;
}

const char *mm_rule_tags_json(const struct mm_rule *r)
{
    return r->tags_json != NULL ? r->tags_json : "[]";
}

int64_t mm_rule_suppress_ns(const struct mm_rule *r)
{
    return r->suppress_ns;
}

size_t mm_rule_group_by(const struct mm_rule *r, const char *const **fields)
{
    *fields = (const char *const *)r->group_by;
    return r->ngroup;
}

const char *mm_rule_file(const struct mm_rule *r)
{
    return r->file;
}

int mm_rule_line(const struct mm_rule *r)
{
    return r->line;
}
