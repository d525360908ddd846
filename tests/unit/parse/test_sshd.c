/*
 * Tests for src/parse/sshd.c, pam.c and sudo.c: the cases in
 * tests/fixtures/parse/{sshd,pam,sudo}/cases.txt run through the whole
 * pipeline (header, registry, body parser); then every prefix of a few
 * lines, each in an exactly-sized buffer (ASan), straight into the parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/line_cases.h"

extern const struct mm_parser mm_parser_sshd;
extern const struct mm_parser mm_parser_pam;
extern const struct mm_parser mm_parser_sudo;

static void run(const char *path)
{
    struct lc_stats st = lc_run_file(LC_FULL, path);
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

static void test_sshd_cases(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/sshd/cases.txt");
}

static void test_pam_cases(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/pam/cases.txt");
}

static void test_sudo_cases(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/sudo/cases.txt");
}

static struct mm_event ev;

static void test_prefixes(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "Failed password for invalid user a from b from 192.0.2.1 port 22 ssh2: RSA SHA256:x",
        "Accepted publickey for alice from 2001:db8::1%eth0 port 50022 ssh2: ED25519 SHA256:y",
        "Connection closed by authenticating user root 192.0.2.77 port 42728 [preauth]",
        "Received disconnect from 203.0.113.58 port 40123:11: Bye Bye [preauth]",
        "Disconnecting invalid user u 192.0.2.42 port 38987: Change of username [preauth]",
        "message repeated 5 times: [ Failed password for root from 198.51.100.1 port 4 ssh2]",
        "Exit before auth from <::ffff:192.0.2.135:46154>: (user 'root', 0 fails): Exited",
        "Exit before auth (user 'root', 10 fails): Max auth tries reached - user 'root' from "
        "1.2.3.4:5",
        "Bad PAM password attempt for 'user23' from ::ffff:192.0.2.6:55992",
        "[825] Jul 10 23:53:52 Bad password attempt for 'root' from 192.0.2.8:52289",
        "drop connection #0 from [192.0.2.23]:48602 on [192.0.2.1]:22 penalty: exceeded",
        "reverse mapping checking getaddrinfo for ns.example.net [203.0.113.186] failed",
        "User mario from 2001:db8::7ac0%lo not allowed because listed in DenyUsers",
        "error: PAM: Authentication failure for illegal user test from 2001:db8::1946 via x",
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=x "
        "rhost=192.0.2.114  user=root",
        "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)",
        "(pam_unix)[1]: session opened for user news by (uid=0)",
        "pam_succeed_if(sshd:auth): requirement \"uid >= 1000\" not met by user \"root\"",
        "  alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls",
    };
    const struct mm_parser *ps[] = {&mm_parser_sshd, &mm_parser_pam, &mm_parser_sudo};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        size_t n = strlen(bodies[i]);
        for (size_t k = 0; k <= n; k++) {
            for (int from_end = 0; from_end < 2; from_end++) {
                char *b = malloc(k > 0 ? k : 1);
                assert_non_null(b);
                memcpy(b, bodies[i] + (from_end ? n - k : 0), k);
                for (size_t j = 0; j < 3; j++) {
                    mm_event_reset(&ev, b, k, 0);
                    (void)ps[j]->detect(&ev, b, k);
                    (void)ps[j]->parse(&ev, b, k);
                    /* the same with the program name of each */
                    mm_event_reset(&ev, b, k, 0);
                    static const char *const apps[] = {"sshd", "sshd(pam_unix)", "sudo"};
                    mm_event_set(&ev, MM_F_SYSLOG_APPNAME, apps[j], strlen(apps[j]));
                    (void)ps[j]->detect(&ev, b, k);
                    (void)ps[j]->parse(&ev, b, k);
                }
                free(b);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sshd_cases),
        cmocka_unit_test(test_pam_cases),
        cmocka_unit_test(test_sudo_cases),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
