/*
 * Tests for src/parse/routeros.c (MikroTik RouterOS).  The cases are data in
 * the vendor_cases.h / line_cases.h formats, kept in this file and written to
 * a temporary file at run time: body cases straight into the parser, then
 * whole syslog lines through the header and the registry (which parser takes
 * what, including the lines RouterOS must leave to other parsers).  Last,
 * every prefix of a few lines in an exactly-sized buffer (ASan) and junk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit/parse/line_cases.h"
#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_routeros;

static const char body_cases[] =
    "# firewall: log prefix, chain, interfaces, state, MAC, TCP flags, IPv4 with ports\n"
    "line firewall,info drop-tcp input: in:ether1-WAN out:(unknown 0), connection-state:new "
    "src-mac 00:17:10:88:bc:02, proto TCP (SYN), 36.97.161.219:59388->81.82.202.145:23, len 40\n"
    "detect >= 90\n"
    "observer.vendor = MikroTik\n"
    "observer.product = RouterOS\n"
    "observer.type = firewall\n"
    "event.kind = event\n"
    "event.category = network\n"
    "event.type = denied\n"
    "event.action = drop\n"
    "rule.name = drop-tcp\n"
    "routeros.chain = input\n"
    "observer.ingress.interface.name = ether1-WAN\n"
    "absent observer.egress.interface.name\n"
    "routeros.connection_state = new\n"
    "source.mac = 00:17:10:88:bc:02\n"
    "network.transport = tcp\n"
    "network.iana_number = 6\n"
    "routeros.tcp_flags = SYN\n"
    "source.ip = 36.97.161.219\n"
    "source.port = 59388\n"
    "destination.ip = 81.82.202.145\n"
    "destination.port = 23\n"
    "routeros.len = 40\n"
    "routeros.topics = firewall,info\n"
    "log.level = info\n"
    "# no prefix: nothing says what the rule did; IPv6 in brackets\n"
    "line firewall,info forward: in:WAN out:LAN, connection-state:new src-mac e4:41:64:93:a8:0f, "
    "proto UDP, [2001:db8:1234::1]:17850->[2001:db8:1234::2]:51413, len 112\n"
    "event.type = connection\n"
    "absent event.action\n"
    "absent rule.name\n"
    "routeros.chain = forward\n"
    "observer.ingress.interface.name = WAN\n"
    "observer.egress.interface.name = LAN\n"
    "network.transport = udp\n"
    "source.ip = 2001:db8:1234::1\n"
    "source.port = 17850\n"
    "destination.ip = 2001:db8:1234::2\n"
    "destination.port = 51413\n"
    "# an accept prefix, bridge(port) interface, old-style out:(none), no state\n"
    "line firewall,info ACCEPT-LAN prerouting: in:bridge(ether2) out:(none), src-mac "
    "c4:ad:34:c0:6e:e2, proto UDP, 192.168.88.5:48927->192.168.88.1:53, len 74\n"
    "event.type = allowed\n"
    "event.action = accept\n"
    "rule.name = ACCEPT-LAN\n"
    "observer.ingress.interface.name = bridge\n"
    "routeros.in_interface = bridge(ether2)\n"
    "absent observer.egress.interface.name\n"
    "absent routeros.connection_state\n"
    "# destination NAT: state with a comma, NAT a->(b->c)\n"
    "line firewall,info fwd forward: in:ether1 out:bridge, connection-state:new,dnat src-mac "
    "52:55:0A:00:02:02, proto TCP (SYN), 172.17.0.1:33202->192.168.88.9:80, NAT "
    "172.17.0.1:33202->(203.0.113.1:8080->192.168.88.9:80), len 44\n"
    "routeros.connection_state = new,dnat\n"
    "source.mac = 52:55:0A:00:02:02\n"
    "destination.ip = 192.168.88.9\n"
    "destination.nat.ip = 192.168.88.9\n"
    "destination.nat.port = 80\n"
    "absent source.nat.ip\n"
    "routeros.nat = 172.17.0.1:33202->(203.0.113.1:8080->192.168.88.9:80)\n"
    "routeros.len = 44\n"
    "# source NAT: NAT (a->b)->c\n"
    "line firewall,info masq srcnat: in:bridge out:ether1, proto UDP, "
    "192.168.88.20:51258->198.51.100.53:53, NAT (192.168.88.20:51258->203.0.113.10:40000)->"
    "198.51.100.53:53, len 73\n"
    "source.ip = 192.168.88.20\n"
    "source.nat.ip = 203.0.113.10\n"
    "source.nat.port = 40000\n"
    "absent destination.nat.ip\n"
    "routeros.chain = srcnat\n"
    "# both: NAT (a->b)->(c->d)\n"
    "line firewall,info both forward: in:ether1 out:ether2, proto TCP (ACK,PSH), "
    "10.0.0.2:1000->10.0.1.2:80, NAT (10.0.0.2:1000->192.0.2.1:2000)->(198.51.100.1:80->10.0.1.2:80), "
    "len 52\n"
    "source.nat.ip = 192.0.2.1\n"
    "source.nat.port = 2000\n"
    "destination.nat.ip = 10.0.1.2\n"
    "destination.nat.port = 80\n"
    "routeros.tcp_flags = ACK,PSH\n"
    "# ICMP: no ports, no comma after the state, type and code\n"
    "line firewall,info reject-out output: in:(unknown 0) out:ether1, connection-state:related "
    "proto ICMP (type 3, code 3), 192.168.88.1->198.51.100.7, len 84\n"
    "event.type = denied\n"
    "event.action = reject\n"
    "routeros.connection_state = related\n"
    "network.transport = icmp\n"
    "routeros.icmp_type = 3\n"
    "routeros.icmp_code = 3\n"
    "source.ip = 192.168.88.1\n"
    "absent source.port\n"
    "destination.ip = 198.51.100.7\n"
    "absent destination.port\n"
    "absent observer.ingress.interface.name\n"
    "observer.egress.interface.name = ether1\n"
    "# a firewall line without its addresses is ours but broken\n"
    "line firewall,info drop input: in:ether1 out:(unknown 0), proto TCP (SYN), len 40\n"
    "rc MALFORMED\n"
    "line firewall,info drop input: in:ether1 out:(unknown 0), proto TCP, client:1->router:53, len 40\n"
    "rc MALFORMED\n"
    "absent source.ip\n"
    "# logins\n"
    "line system,error,critical login failure for user admin from 10.127.0.35 via winbox\n"
    "detect >= 90\n"
    "event.category = authentication\n"
    "event.type = start\n"
    "event.action = login\n"
    "event.outcome = failure\n"
    "user.name = admin\n"
    "source.ip = 10.127.0.35\n"
    "network.protocol = winbox\n"
    "routeros.via = winbox\n"
    "log.level = critical\n"
    "absent observer.type\n"
    "line system,error,critical login failure for user admin from 192.168.88.6 via web\n"
    "network.protocol = http\n"
    "routeros.via = web\n"
    "line system,error,critical login failure for user admin from 192.0.2.9 via telnet\n"
    "network.protocol = telnet\n"
    "line system,error,critical login failure for user admin from 192.0.2.9 via api\n"
    "network.protocol = api\n"
    "line system,error,critical login failure for user  from 2001:470:1:c84::24 via ssh\n"
    "absent user.name\n"
    "source.ip = 2001:470:1:c84::24\n"
    "network.protocol = ssh\n"
    "event.outcome = failure\n"
    "line system,error,critical login failure for user user with space from 1.2.3.4 via ssh\n"
    "user.name = user with space\n"
    "source.ip = 1.2.3.4\n"
    "line system,error,critical login failure for user admin\n"
    "rc MALFORMED\n"
    "line system,info,account user admin logged in from 192.0.2.7 via winbox\n"
    "detect >= 90\n"
    "event.category = authentication\n"
    "event.type = start\n"
    "event.action = login\n"
    "event.outcome = success\n"
    "user.name = admin\n"
    "source.ip = 192.0.2.7\n"
    "network.protocol = winbox\n"
    "routeros.topics = system,info,account\n"
    "line system,info,account user admin logged out from 192.0.2.7 via telnet\n"
    "event.type = end\n"
    "event.action = logout\n"
    "event.outcome = success\n"
    "user.name = admin\n"
    "source.ip = 192.0.2.7\n"
    "network.protocol = telnet\n"
    "# configuration changes\n"
    "line system,info log rule changed by admin\n"
    "detect >= 90\n"
    "event.category = configuration\n"
    "event.type = change\n"
    "event.action = changed\n"
    "user.name = admin\n"
    "routeros.object = log rule\n"
    "line system,info mangle rule added by admin\n"
    "event.type = creation\n"
    "event.action = added\n"
    "routeros.object = mangle rule\n"
    "line system,info item removed by admin\n"
    "event.type = deletion\n"
    "event.action = removed\n"
    "line system,info mangle rule moved by admin\n"
    "event.action = moved\n"
    "line system,info user fred added by admin\n"
    "user.name = admin\n"
    "user.target.name = fred\n"
    "event.category = configuration\n"
    "line system,info user fred changed by admin\n"
    "user.target.name = fred\n"
    "event.action = changed\n"
    "# other RouterOS lines: topics and level only, low confidence\n"
    "line dhcp,info dhcp1 assigned 192.168.88.254 to 00:11:22:33:44:55\n"
    "detect < 50\n"
    "detect >= 1\n"
    "routeros.topics = dhcp,info\n"
    "log.level = info\n"
    "absent event.category\n"
    "observer.vendor = MikroTik\n"
    "line interface,info ether1 link up (speed 1G, full duplex)\n"
    "log.level = info\n"
    "# not RouterOS: no topics token, unknown topic words, no severity word\n"
    "line kernel: IN=eth0 OUT= MAC=00:11 SRC=192.0.2.1 DST=192.0.2.2 PROTO=TCP SPT=1 DPT=2\n"
    "detect = 0\n"
    "rc NOMATCH\n"
    "line Failed password for root from 192.0.2.1 port 22 ssh2\n"
    "detect = 0\n"
    "rc NOMATCH\n"
    "line date=2026-11-02 time=12:22:01 devname=FGT logid=0100032002 type=event action=login\n"
    "detect = 0\n"
    "rc NOMATCH\n"
    "line 146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,192.0.2.5,"
    "198.51.100.53,49724,853,0,S,1,,64240,,mss\n"
    "detect = 0\n"
    "rc NOMATCH\n"
    "line firewall,bogus drop input: in:ether1 out:x, proto TCP, 1.2.3.4:1->5.6.7.8:2, len 1\n"
    "detect = 0\n"
    "rc NOMATCH\n"
    "line system,account login failure for user admin from 10.0.0.1 via ssh\n"
    "detect = 0\n"
    "rc NOMATCH\n"
    "line firewall,info\n"
    "detect = 0\n"
    "rc NOMATCH\n"
    "line firewall,,info x\n"
    "detect = 0\n"
    "rc NOMATCH\n";

static const char line_cases[] =
    "# whole lines: the header, then the registry picks the parser\n"
    "line <134>Feb 15 11:25:46 gw.local system,error,critical login failure for user admin "
    "from 192.168.88.6 via web\n"
    "@parser = routeros\n"
    "host.hostname = gw.local\n"
    "source.ip = 192.168.88.6\n"
    "user.name = admin\n"
    "absent process.name\n"
    "line 2023-03-18T20:36:59.594792+01:00 10.120.127.1 firewall,info drop-tcp input: "
    "in:ether1-WAN out:(unknown 0), connection-state:new src-mac 00:17:10:88:bc:02, proto TCP "
    "(SYN), 36.97.161.219:59388->81.82.202.145:23, len 40\n"
    "@parser = routeros\n"
    "host.hostname = 10.120.127.1\n"
    "event.type = denied\n"
    "destination.port = 23\n"
    "line <30>system,info,account user admin logged in from 192.0.2.7 via ssh\n"
    "@parser = routeros\n"
    "event.outcome = success\n"
    "network.protocol = ssh\n"
    "# lines of other vendors stay theirs\n"
    "line <4>Nov  2 12:00:00 gw kernel: [123.456] DROP IN=eth0 OUT= "
    "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=192.0.2.1 LEN=40 TOS=0x00 "
    "PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=4444 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0\n"
    "@parser = netfilter\n"
    "line <38>Nov  2 12:00:00 host sshd[1234]: Failed password for root from 192.0.2.1 port "
    "22 ssh2\n"
    "@parser = sshd\n"
    "line <185>date=2026-11-02 time=12:22:01 devname=FGT60F-OFFICE devid=FGT60FTK20001234 "
    "logid=0100032002 type=event subtype=system level=alert vd=\"root\" logdesc=\"Admin login "
    "failed\" sn=0 user=\"root\" ui=ssh(203.0.113.99) action=login status=failed\n"
    "@parser = fortigate\n"
    "line <134>Nov  2 12:22:01 rtx1210 Login failed for SSH: 198.51.100.9 admin\n"
    "@parser = yamaha_rtx\n";

/* Write text to a temporary file; its path into path (>= 64 bytes). */
static void write_temp(const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/mm_routeros_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static void test_body_cases(void **state)
{
    (void)state;
    char path[256];
    write_temp(body_cases, path, sizeof(path));
    struct vc_stats st = vc_run_file(&mm_parser_routeros, path);
    unlink(path);
    assert_true(st.cases > 30);
    assert_int_equal(st.failures, 0);
}

static void test_line_cases(void **state)
{
    (void)state;
    char path[256];
    write_temp(line_cases, path, sizeof(path));
    struct lc_stats st = lc_run_file(LC_FULL, path);
    unlink(path);
    assert_true(st.cases >= 7);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a line: no read past the end (ASan); a firewall line cut before its
 * destination is never OK. */
static void test_prefixes(void **state)
{
    (void)state;
    static const char fw[] =
        "firewall,info drop-in input: in:ether1-WAN out:(unknown 0), connection-state:new,dnat "
        "src-mac 00:17:10:88:bc:02, proto ICMP (type 3, code 3), [2001:db8::1]:59388->"
        "[2001:db8::2]:23, NAT (10.0.0.1:1->192.0.2.1:2)->(198.51.100.1:3->10.0.1.2:4), len 40";
    /* "...->[2001:db8::2" is the first point the destination could be whole */
    size_t whole = (size_t)(strstr(fw, "::2]") - fw) + 3;
    assert_int_equal(vc_prefixes(&mm_parser_routeros, fw, whole), 0);
    static const char *const others[] = {
        "system,error,critical login failure for user a from b from 10.127.0.35 via winbox",
        "system,info,account user admin logged out from 192.0.2.7 via telnet",
        "system,info user fred removed by admin",
        "dhcp,info dhcp1 deassigned 192.168.88.254 from 00:11:22:33:44:55",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_true(vc_prefixes(&mm_parser_routeros, others[i], 0) >= 0);
    }
}

/* Junk and the suffixes of a line: no crash, no read outside the body. */
static void test_junk(void **state)
{
    (void)state;
    static const char *const junk[] = {
        "", " ", ",", "firewall,info ", "firewall,info : in:", "firewall,info x: in:",
        "firewall,info x: in: out:", "firewall,info x: in:a out:b, ->, len",
        "firewall,info x: in:a out:b, [->], NAT (, len 1",
        "firewall,info x: in:a out:b, [1.2.3.4->[::1]:, NAT ((->)->(->)), len x",
        "firewall,info x: in:(a out:b, proto (, 1.2.3.4->5.6.7.8",
        "firewall,info x: in:a out:b, proto TCP (, 1.2.3.4->5.6.7.8",
        "system,info,account user  logged in via",
        "system,info,account user x logged in ",
        "system,error login failure for user ",
        "system,info  by ", "system,info x added by ",
    };
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        size_t n = strlen(junk[i]);
        for (size_t k = 0; k <= n; k++) {
            char *b = malloc(k > 0 ? k : 1);
            assert_non_null(b);
            memcpy(b, junk[i] + (n - k), k);
            mm_event_reset(&vc_ev, b, k, 0);
            (void)mm_parser_routeros.detect(&vc_ev, b, k);
            enum mm_parse_rc rc = mm_parser_routeros.parse(&vc_ev, b, k);
            /* an address-less firewall line is never a whole one */
            if (k > 14 && memcmp(b, "firewall,info ", 14) == 0) {
                assert_int_not_equal(rc, MM_PARSE_OK);
            }
            free(b);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_cases),
        cmocka_unit_test(test_line_cases),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_junk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
