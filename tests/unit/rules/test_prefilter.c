/*
 * Tests for src/rules/prefilter.c: the literals taken from regexes must be
 * in every subject the regex matches (checked against PCRE2 itself over
 * random patterns and subjects), and the automaton must find exactly what a
 * plain substring search finds.
 */
#include "rules_test.h"

#include <ctype.h>

static uint32_t rnd_state = 777;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

/* Literals of pat as one string "a|b|c" ("" when none). */
static void lits_of(const char *pat, char *out, size_t cap)
{
    char **lit = NULL;
    size_t n = 0;
    assert_int_equal(mm_rules_re_literals(pat, strlen(pat), &lit, &n), MM_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s", i ? "|" : "", lit[i]);
        free(lit[i]);
    }
    free(lit);
}

static void test_re_literals_table(void **state)
{
    (void)state;
    static const struct {
        const char *pat, *want;
    } cases[] = {
        {"srcip=192\\.168\\.5\\.[0-9]+ .*dstport=6", "srcip=192.168.5."},
        {"Failed (?:password|publickey) for", "password|publickey"}, /* min 8 beats 7 */
        {"^Accepted (?:password|publickey) for root from", " for root from"},
        {"(?:password|publickey)", "password|publickey"},
        {"abc|de", "abc|de"},
        {"abc|d?", ""},   /* a branch that needs nothing */
        {"(abc)?x", "x"}, /* optional group: not required */
        {"(abcdef)*x", "x"},
        {"(abcdef)+x", "abcdef"},
        {"(abcdef){0,3}xy", "xy"},
        {"(abcdef){2}xy", "abcdef"},
        {"colou?r", "colo"}, /* u is optional: the run stops before it */
        {"ab+cd", "ab"},     /* b repeated: "ab" and "cd" are each required, not "abcd" */
        {"a{2,}bcd", "bcd"},
        {"UNION\\s+SELECT", "select"},
        {"(?i)Admin", "admin"},
        {"(?=abcdef)x", "x"}, /* lookahead: not counted */
        {"x(?<!abcdef)", "x"},
        {"\\x41bcdef", ""}, /* escapes with arguments: give up */
        {"\\Qa.b\\E", ""},
        {"(?x) a b c", ""}, /* extended mode: spaces mean nothing */
        {"(*UTF)abc", ""},
        {"(a)\\1", ""}, /* back-reference */
        {"[abc]def[x-z]", "def"},
        {"[]abc]def", "def"},
        {"[^]]defg", "defg"},
        {"[[:alpha:]]xyz", "xyz"},
        {"a.b.c", "a"},
        {"(?<user_name>\\S+) logged", " logged"},
        {"(?P<x>abc)d", "abc"},
        {"x{,3}yz", "yz"},
        {"a{x", ""}, /* '{' that is not a quantifier: give up */
        {"(?#comment)abc", "abc"},
        {"(?i:BAD-)3", "bad-"},
        {"(ab|cd)(efgh|ij)", "ab|cd"},
        {"(?|(abc)|(xyz))", "abc|xyz"},
        {"", ""},
        {"\\.", "."},
        {"a\\bc", "a"}, /* \b is an assertion: it ends the run */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char got[256];
        lits_of(cases[i].pat, got, sizeof(got));
        if (strcmp(got, cases[i].want) != 0) {
            fprintf(stderr, "pattern '%s': got '%s', want '%s'\n", cases[i].pat, got,
                    cases[i].want);
            fail();
        }
    }
}

/* A random pattern over a small alphabet, with the constructs the extractor models. */
static void gen_re(char *out, size_t cap, int depth)
{
    size_t o = strlen(out);
    int atoms = 1 + (int)rnd(5);
    for (int i = 0; i < atoms && o + 24 < cap; i++) {
        switch (rnd(depth < 3 ? 14 : 9)) {
        case 0:
        case 1:
        case 2:
            out[o++] = "abcAB -"[rnd(7)];
            break;
        case 3:
            memcpy(out + o, "\\.", 2);
            o += 2;
            break;
        case 4:
            memcpy(out + o, rnd(2) ? "[ab]" : "[^a]", 4);
            o += 4;
            break;
        case 5:
            out[o++] = '.';
            break;
        case 6:
            memcpy(out + o, rnd(2) ? "\\b" : "\\s", 2);
            o += 2;
            break;
        case 7:
            out[o++] = rnd(2) ? '^' : '$';
            break;
        case 8:
            out[o++] = "abc"[rnd(3)];
            break;
        default: {
            static const char *const open[] = {"(", "(?:", "(?=", "(?!", "(?i:", "(?<n>"};
            const char *op = open[rnd(6)];
            memcpy(out + o, op, strlen(op));
            o += strlen(op);
            out[o] = '\0';
            gen_re(out, cap - 8, depth + 1);
            o = strlen(out);
            if (rnd(3) == 0) {
                out[o++] = '|';
                out[o] = '\0';
                gen_re(out, cap - 8, depth + 1);
                o = strlen(out);
            }
            out[o++] = ')';
            break;
        }
        }
        if (o > 0 && out[o - 1] != '^' && out[o - 1] != '$' && rnd(4) == 0) {
            static const char *const q[] = {"?", "*", "+", "{2}", "{0,2}", "{1,3}", "*?", "++"};
            const char *s = q[rnd(8)];
            memcpy(out + o, s, strlen(s));
            o += strlen(s);
        }
        out[o] = '\0';
    }
    if (depth == 0 && rnd(4) == 0 && o + 2 < cap) {
        out[o++] = '|';
        out[o] = '\0';
        gen_re(out, cap, depth + 1);
    }
}

static int has_folded(const char *h, size_t hn, const char *nd)
{
    size_t nn = strlen(nd);
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t j = 0;
        while (j < nn && tolower((unsigned char)h[i + j]) == (unsigned char)nd[j]) {
            j++;
        }
        if (j == nn) {
            return 1;
        }
    }
    return 0;
}

static void test_re_literals_sound(void **state)
{
    (void)state;
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    size_t with_lits = 0, matches = 0, checked = 0;
    for (int p = 0; p < 3000; p++) {
        char pat[512] = "";
        gen_re(pat, sizeof(pat) - 32, 0);
        int ec;
        PCRE2_SIZE eo;
        uint32_t opts = rnd(2) ? PCRE2_CASELESS : 0;
        pcre2_code *re =
            pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
        if (re == NULL) {
            continue;
        }
        checked++;
        char **lit = NULL;
        size_t nlit = 0;
        assert_int_equal(mm_rules_re_literals(pat, strlen(pat), &lit, &nlit), MM_OK);
        with_lits += nlit > 0;
        for (int s = 0; s < 200 && nlit > 0; s++) {
            char subj[16];
            size_t n = rnd(14);
            for (size_t i = 0; i < n; i++) {
                subj[i] = "abcABC .-x"[rnd(10)];
            }
            if (pcre2_match(re, (PCRE2_SPTR)subj, n, 0, 0, md, NULL) < 0) {
                continue;
            }
            matches++;
            size_t k = 0;
            while (k < nlit && !has_folded(subj, n, lit[k])) {
                k++;
            }
            if (k == nlit) {
                fprintf(stderr, "pattern '%s' matched '%.*s' without any of its literals:", pat,
                        (int)n, subj);
                for (size_t i = 0; i < nlit; i++) {
                    fprintf(stderr, " '%s'", lit[i]);
                }
                fprintf(stderr, "\n");
                fail();
            }
        }
        for (size_t i = 0; i < nlit; i++) {
            free(lit[i]);
        }
        free(lit);
        pcre2_code_free(re);
    }
    pcre2_match_data_free(md);
    /* the generator must give the extractor work, or this proves nothing */
    assert_true(checked > 1000);
    assert_true(with_lits > checked / 4);
    assert_true(matches > 2000);
}

/*
 * The automaton over random literals finds exactly what a substring search finds.
 * With literals of two bytes or more the position filter is on: it is checked both
 * with its 16-positions vector test and byte by byte, over texts long enough for the
 * vector, in an alphabet whose bytes share nibbles (a/q/A/Q, 1/!/q) and case.
 */
static void automaton_round(int minlen, size_t maxtext, const char *alpha_lit,
                            const char *alpha_text)
{
    enum { NLIT = 60, NRULE = 60 };
    char lit[NLIT][8];
    size_t nal = strlen(alpha_lit), nat = strlen(alpha_text);
    struct mm_buf y;
    mm_buf_init(&y, 0);
    for (int i = 0; i < NRULE; i++) {
        size_t n = (size_t)minlen + rnd(6 - (unsigned)minlen);
        for (size_t k = 0; k < n; k++) {
            lit[i][k] = alpha_lit[rnd((unsigned)nal)];
        }
        lit[i][n] = '\0';
        assert_int_equal(mm_buf_printf(&y,
                                       "%sid: a%d\ntitle: a\nlevel: low\n"
                                       "logsource: {product: acme}\n"
                                       "detection:\n  s: {message|%s: '%s'}\n"
                                       "  condition: s\n",
                                       i ? "---\n" : "", i, rnd(2) ? "contains" : "endswith",
                                       lit[i]),
                         MM_OK);
    }
    struct mm_ruleset *rs = t_load_ok(y.p);
    mm_buf_free(&y);
    assert_int_equal(rs->disp.nac, 1);
    struct acfield *ac = &rs->disp.ac[0];
    if (minlen >= 2) {
        assert_non_null(ac->pairs); /* the position filter is on */
    }
    int vec = ac->vec;
    for (int e = 0; e < 200; e++) {
        char text[256];
        size_t n = rnd((unsigned)maxtext);
        for (size_t k = 0; k < n; k++) {
            text[k] = alpha_text[rnd((unsigned)nat)];
        }
        struct mm_str v = {text, (uint32_t)n};
        for (int pass = 0; pass < 2; pass++) {
            ac->vec = pass == 0 ? vec : 0;
            memset(rs->cand, 0, rs->disp.nwords * sizeof(uint64_t));
            (*rs->disp.epoch)++;
            mm_rules_ac_scan(rs, ac, v, *rs->disp.epoch, rs->cand);
            for (int i = 0; i < NRULE; i++) {
                const struct fcond *f = &rs->rules[i]->sels[0].alts[0].c[0];
                size_t ln = strlen(lit[i]);
                int want;
                if (f->v[0].op == OP_ENDS) {
                    want = n >= ln && has_folded(text + n - ln, ln, f->v[0].s);
                } else {
                    want = has_folded(text, n, f->v[0].s);
                }
                int got = (rs->cand[i / 64] >> (i % 64)) & 1;
                assert_int_equal(got, want);
            }
        }
    }
    ac->vec = vec;
    mm_ruleset_unref(rs);
}

static void test_automaton(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        automaton_round(1, 40, "abcAB.", "abcABC.x");
    }
    for (int round = 0; round < 20; round++) {
        automaton_round(2, 256, "aqAQ1!x", "aqAQ1!x. bQ");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_re_literals_table),
        cmocka_unit_test(test_re_literals_sound),
        cmocka_unit_test(test_automaton),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
