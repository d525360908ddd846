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
                                  "198.51.100.7"};

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
static void gen_detection(char *out, size_t cap)
{
    switch (rnd(12)) {
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
    const char *msg = PICK(msgs);
    t_event(ev, msg, 0);
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
    /* the index must be in use, or this test proves nothing */
    assert_true(rs->disp.nindexed > NRULES / 3);
    static struct mm_event ev;
    const struct mm_rule *a[NRULES], *b[NRULES];
    size_t total = 0;
    for (int e = 0; e < NEVENTS; e++) {
        gen_event(&ev);
        size_t na = mm_ruleset_match(rs, &ev, a, NRULES);
        size_t nb = mm_rules_match_all(rs, &ev, b, NRULES);
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
        /* or with a keyword side: not indexable */
        T_HEAD("k2") "detection:\n  a: {user.name: x}\n  b: ['kw']\n  condition: a or b\n---\n"
        /* not: not indexable */
        T_HEAD("k3") "detection:\n  a: {user.name: x}\n  condition: not a\n---\n"
        /* contains: not indexable */
        T_HEAD("k4") "detection:\n  a: {user.name|contains: x}\n  condition: a\n");
    assert_int_equal(rs->disp.nindexed, 1);
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
