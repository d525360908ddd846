/*
 * htmlesc.c - text from the database made safe for HTML (digest --format
 * html, the HTML report): markup characters as entities, control characters
 * as U+FFFD.  Attribute values are quoted with either quote, so both are
 * escaped.
 */
#include "cli/cli.h"

#include <stdio.h>

void mm_cli_html_escape(FILE *f, const char *s, int keep_newline)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\t' && !(*s == '\n' && keep_newline)) {
                fputs("&#xfffd;", f);
            } else {
                fputc(*s, f);
            }
        }
    }
}
