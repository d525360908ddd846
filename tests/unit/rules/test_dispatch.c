/*
 * Tests for src/rules/dispatch.c: the indexed path (gates + required
 * literals) must give exactly the rules a full scan gives, over many rules
 * of every shape and many random-ish events.
 */
#include "rules_test.h"

static const char *const actions[] = {"login", "logout", "ssh_login", "invalid_user", "deny",
                                      "accept", "close", "Login", "LOGIN-FAIL", "ssl-login-fail"};
static const char *const users[] = {"root", "admin", "alice", "Bob", "administrator", "guest"};
static const char *const logids[] = {"0100032001", "0100032002", "0101039426", "0000000013",
                                     "0419016384"};
static const char *const parsers[] = {"syslog", "fortigate", "yamaha_rtx", "netfilter"};
static const char *const procs[] = {"sshd", "sudo", "cron", "root", "kernel"};
static const char *const cats[] = {"authentication", "network", "malware",
                                   "intrusion_detection", "web"};
static const char *const outcomes[] = {"success", "failure", "unknown"};
static const char *const msgs[] = {
    "Failed password for root from 203.0.113.9 port 4242 ssh2",
    "Accepted publickey for alice from 192.0.2.10 port 22 ssh2",
    "Invalid user admin from 198.51.100.7 port 2222",
    "connection closed by peer",
    "pam_unix(sudo:auth): authentication failure",
};
static const char *const ips[] = {"203.0.113.9", "192.168.1.10", "10.1.2.3", "2001:db8::5",
                                  "198.51.100.7", "[2001:db8::9]", "fe80::1%eth0", "10.1.2",
                                  "::ffff:203.0.113.77", "010.1.2.3", "not-an-ip", ""};
static const char *const domains[] = {"www.Example.com", "evil.bad-3.example.test", "cdn.example",
                                      "BAD-3.EXAMPLE.TEST", "example.test.evil", "a.b", ""};
static const char *const sigs[] = {"ET TROJAN Bench.Sig.7 beacon", "bench.sig.77",
                                   "Backdoor.Win32/Agent", "SQL Injection attempt", "xss"};
/* messages with shapes the regexes and literals below look for */
static const char *const texts[] = {
    "srcip=192.168.5.20 dstport=63001 action=deny",
    "srcip=192.168.15.2 proto=6 dstport=6300 ",
    "GET /index.php?id=1 UNION SELECT password FROM users",
    "user admin logged in via https",
    "Admin LOGIN failed: bad password",
    "abcabcab-cab ab.c",
    "failed to update signature database",
    "License expired on 2026-01-01",
};

static uint32_t rnd_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}
#define PICK(a) (a[rnd(sizeof(a) / sizeof(a[0]))])

static const char *const logsources[] = {
    "{product: linux}",     "{product: fortigate}", "{service: sshd}",
    "{category: authentication}", "{product: acme}", "{product: fortigate, category: malware}",
};

/* One random rule body (detection only). */
static const char *const regexes[] = {
    "srcip=192\\.168\\.5\\.[0-9]+ .*dstport=63[0-9]{3} ",
    "(?i)union\\s+select",
    "^(?:user|Admin) (?<user_name>\\S+) (logged|LOGIN)",
    "fail(ed)? to update",
    "(abc|cab)+-",
    "ab(?:c|x)?ab",
    "license (expired|revoked)|signature",
    "x?y*z{0,2}",
    "bench\\.sig\\.7\\b",
    "[a-c]{3}ab",
    "a\\.b$",
    "password(?= FROM)",
    "(?=.*admin)(?=.*https)",
    "\\x41dmin",
    "(?i:BAD-)3",
    "(administrator)?user",
    "(?:logged in via )?https|SELECT (password)*",
    "Admin LOGIN (failed)*",
};
static const char *const lits[] = {"password", "Admin", "ab", "bad-3.example.test", "example",
                                   "Bench.Sig.7", "cab", "a", "update", "SELECT"};

/* One random rule body (detection only). */
static void gen_detection(char *out, size_t cap)
{
    const char *mods[] = {"contains", "endswith", "startswith", "contains|cased", "endswith|cased",
                          "contains|all", "re"};
    const char *flds[] = {"message", "url.domain", "threat.signature", "user.name"};
    switch (rnd(24)) {
    case 12:
        snprintf(out, cap, "  s: {%s|%s: '%s'}\n  condition: s\n", PICK(flds), PICK(mods),
                 PICK(lits));
        break;
    case 13:
        snprintf(out, cap, "  s: {message|re: '%s'}\n  condition: s\n", PICK(regexes));
        break;
    case 14:
        snprintf(out, cap, "  k: ['%s', '%s']\n  condition: k\n", PICK(lits), PICK(lits));
        break;
    case 15:
        snprintf(out, cap,
                 "  sel_a: {message|re: '%s'}\n  sel_b: {url.domain|endswith: '%s'}\n"
                 "  condition: 1 of sel_*\n",
                 PICK(regexes), PICK(lits));
        break;
    case 16:
        snprintf(out, cap,
                 "  a: {message|contains: '%s'}\n  b: {threat.signature|contains|cased: '%s'}\n"
                 "  condition: a and not b\n",
                 PICK(lits), PICK(lits));
        break;
    case 17:
        snprintf(out, cap,
                 "  a: {message|contains: '%s'}\n  b: {url.domain|endswith: '%s'}\n"
                 "  condition: not (a or b)\n",
                 PICK(lits), PICK(lits));
        break;
    case 18:
        snprintf(out, cap, "  s: {%s|cidr: ['%s', '%s']}\n  condition: s\n",
                 rnd(2) ? "source.ip" : "destination.ip",
                 PICK(((const char *const[]){"203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32",
                                             "192.168.1.10/32", "0.0.0.0/0", "::/0",
                                             "198.51.100.0/25", "fe80::/10"})),
                 PICK(((const char *const[]){"203.0.113.64/26", "10.1.0.0/16", "2001:db8::/48",
                                             "198.51.100.7"})));
        break;
    case 19:
        snprintf(out, cap,
                 "  s: {source.ip|cidr: 203.0.113.0/24}\n  f: {destination.ip|cidr: 10.0.0.0/8}\n"
                 "  condition: s and not f\n");
        break;
    case 20:
        snprintf(out, cap, "  s: {%s: '*%s*%s'}\n  condition: s\n", PICK(flds), PICK(lits),
                 PICK(lits));
        break;
    case 21:
        snprintf(out, cap,
                 "  s:\n    - {message|contains|all: ['%s', '%s']}\n"
                 "    - {url.domain|re: '%s'}\n  condition: s\n",
                 PICK(lits), PICK(lits), PICK(regexes));
        break;
    case 22:
        snprintf(out, cap,
                 "  a: {message|re: '%s'}\n  b: {source.ip|cidr: 10.0.0.0/8}\n"
                 "  condition: all of them\n",
                 PICK(regexes));
        break;
    case 23:
        snprintf(out, cap, "  k:\n    '|re': '%s'\n  condition: k\n", PICK(regexes));
        break;
    case 0:
        snprintf(out, cap, "  s: {event.action: %s}\n  condition: s\n", PICK(actions));
        break;
    case 1:
        snprintf(out, cap, "  s: {event.action: [%s, %s], user.name: %s}\n  condition: s\n",
                 PICK(actions), PICK(actions), PICK(users));
        break;
    case 2:
        snprintf(out, cap, "  s: {fortinet.logid|startswith: '%.6s'}\n  condition: s\n",
                 PICK(logids));
        break;
    case 3:
        snprintf(out, cap,
                 "  a: {user.name: %s}\n  b: {event.outcome: %s}\n  condition: a or b\n",
                 PICK(users), PICK(outcomes));
        break;
    case 4:
        snprintf(out, cap, "  a: {user.name: %s}\n  b: {event.action: %s}\n"
                           "  condition: not a and b\n",
                 PICK(users), PICK(actions));
        break;
    case 5:
        snprintf(out, cap, "  k: ['%.12s']\n  condition: k\n", PICK(msgs) + rnd(8));
        break;
    case 6:
        snprintf(out, cap,
                 "  sel_a: {user.name: '%c*'}\n  sel_b: {event.category: %s}\n"
                 "  condition: 1 of sel_*\n",
                 PICK(users)[0], PICK(cats));
        break;
    case 7:
        snprintf(out, cap,
                 "  sel_a: {user.name|startswith: %.2s}\n  sel_b: {event.category: %s}\n"
                 "  condition: all of sel_*\n",
                 PICK(users), PICK(cats));
        break;
    case 8:
        snprintf(out, cap,
                 "  s:\n    - {event.action: %s}\n    - {user.name|cased: %s}\n  condition: s\n",
                 PICK(actions), PICK(users));
        break;
    case 9:
        snprintf(out, cap, "  s: {source.ip|cidr: 203.0.113.0/24, event.action: %s}\n"
                           "  condition: s\n",
                 PICK(actions));
        break;
    case 10:
        snprintf(out, cap, "  s: {event.action|all: ['%s', '*']}\n  condition: s\n",
                 PICK(actions));
        break;
    default:
        snprintf(out, cap, "  s: {message|contains: '%.6s', user.name: [%s, null]}\n"
                           "  condition: s\n",
                 PICK(msgs) + rnd(10), PICK(users));
        break;
    }
}

static void gen_event(struct mm_event *ev)
{
    const char *msg = rnd(2) ? PICK(msgs) : PICK(texts);
    t_event(ev, msg, 0);
    if (rnd(6) == 0) {
        ev->f[MM_F_MESSAGE].p = NULL; /* keywords then search the raw line */
        ev->f[MM_F_MESSAGE].n = 0;
    }
    ev->parser = PICK(parsers);
    if (rnd(4)) {
        t_set(ev, "event.action", PICK(actions));
    }
    if (rnd(3)) {
        t_set(ev, "user.name", PICK(users));
    }
    if (rnd(2)) {
        t_set(ev, "process.name", PICK(procs));
    }
    if (rnd(2)) {
        t_set(ev, "event.category", PICK(cats));
    }
    if (rnd(2)) {
        t_set(ev, "event.outcome", PICK(outcomes));
    }
    if (rnd(2)) {
        t_set(ev, "source.ip", PICK(ips));
    }
    if (rnd(2)) {
        t_set(ev, "fortinet.logid", PICK(logids));
    }
    if (rnd(5) == 0) {
        t_set(ev, "observer.vendor", "Fortinet");
    }
    if (rnd(2)) {
        t_set(ev, "destination.ip", PICK(ips));
    }
    if (rnd(2)) {
        t_set(ev, "url.domain", PICK(domains));
    }
    if (rnd(2)) {
        t_set(ev, "threat.signature", PICK(sigs));
    }
}

/* On a mismatch: the event and the rules only one side found. */
static void print_diff(const struct mm_event *ev, const struct mm_rule *const *a, size_t na,
                       const struct mm_rule *const *b, size_t nb)
{
    fprintf(stderr, "event: raw='%.*s' parser=%s\n", (int)ev->rawlen, ev->raw, ev->parser);
    for (int f = 0; f < MM_F__COUNT; f++) {
        if (ev->f[f].p != NULL) {
            fprintf(stderr, "  %s='%.*s'\n", mm_fields[f].name, (int)ev->f[f].n, ev->f[f].p);
        }
    }
    for (uint32_t i = 0; i < ev->nx; i++) {
        fprintf(stderr, "  x%u='%.*s'\n", i, (int)ev->x[i].val.n, ev->x[i].val.p);
    }
    for (int side = 0; side < 2; side++) {
        const struct mm_rule *const *p = side ? b : a, *const *q = side ? a : b;
        size_t np = side ? nb : na, nq = side ? na : nb;
        for (size_t i = 0; i < np; i++) {
            size_t j = 0;
            while (j < nq && q[j] != p[i]) {
                j++;
            }
            if (j == nq) {
                fprintf(stderr, "only %s: %s line %d\n", side ? "full scan" : "dispatch",
                        mm_rule_id(p[i]), mm_rule_line(p[i]));
            }
        }
    }
}

static void test_index_equals_full_scan(void **state)
{
    (void)state;
    enum { NRULES = 300, NEVENTS = 3000 };
    struct mm_buf y;
    mm_buf_init(&y, 0);
    for (int i = 0; i < NRULES; i++) {
        char det[512];
        gen_detection(det, sizeof(det));
        assert_int_equal(mm_buf_printf(&y, "%stitle: r%d\nid: r%d\nlevel: low\nlogsource: %s\n"
                                           "detection:\n%s",
                                       i ? "---\n" : "", i, i, PICK(logsources), det),
                         MM_OK);
    }
    struct mm_ruleset *rs = t_load_ok(y.p);
    mm_buf_free(&y);
    assert_int_equal(mm_ruleset_count(rs), NRULES);
    /* the index and the prefilter must be in use, or this test proves nothing */
    assert_true(rs->disp.nindexed > NRULES / 2);
    assert_true(rs->disp.nprefilter > NRULES / 5);
    assert_true(rs->disp.nac >= 4 && rs->disp.ncs >= 2);
    static struct mm_event ev, ev2;
    const struct mm_rule *a[NRULES], *b[NRULES];
    size_t total = 0;
    for (int e = 0; e < NEVENTS; e++) {
        gen_event(&ev);
        ev2 = ev; /* captures change the event: each path gets it as it came */
        size_t na = mm_ruleset_match(rs, &ev, a, NRULES);
        size_t nb = mm_rules_match_all(rs, &ev2, b, NRULES);
        if (na != nb) {
            print_diff(&ev2, a, na, b, nb);
        }
        assert_int_equal(na, nb);
        for (size_t i = 0; i < na; i++) {
            assert_ptr_equal(a[i], b[i]);
        }
        total += na;
    }
    assert_true(total > 100); /* the events do hit rules */
    mm_ruleset_unref(rs);
}

static void test_keys_chosen(void **state)
{
    (void)state;
    struct mm_ruleset *rs = t_load_ok(
        /* and: keyed on the selective field, not the outcome */
        T_HEAD("k1") "detection:\n  s: {event.outcome: failure, fortinet.logid: '0100032002'}\n"
                     "  condition: s\n---\n"
        /* or with a keyword side: a value key or the keyword literal */
        T_HEAD("k2") "detection:\n  a: {user.name: x}\n  b: ['kw']\n  condition: a or b\n---\n"
        /* not: not indexable */
        T_HEAD("k3") "detection:\n  a: {user.name: x}\n  condition: not a\n---\n"
        /* contains: the literal, through the automaton of user.name */
        T_HEAD("k4") "detection:\n  a: {user.name|contains: x}\n  condition: a\n");
    assert_int_equal(rs->disp.nindexed, 3);
    assert_int_equal(rs->disp.nprefilter, 2);
    static struct mm_event ev;
    t_event(&ev, "kw", 0);
    t_set(&ev, "event.outcome", "failure");
    assert_false(t_matches(rs, &ev, "k1"));
    assert_true(t_matches(rs, &ev, "k2"));
    assert_true(t_matches(rs, &ev, "k3"));
    t_set(&ev, "fortinet.logid", "0100032002");
    assert_true(t_matches(rs, &ev, "k1"));
    mm_ruleset_unref(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_equals_full_scan),
        cmocka_unit_test(test_keys_chosen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
