#!/usr/bin/env python3
"""gen_corpus.py - write a deterministic, realistic mix of gateway syslog lines.

The mix is what a small office's UTM/firewall/VPN gateway and a Linux bastion
send to mimamori: mostly FortiGate key=value traffic logs, some UTM (virus,
webfilter, ips) and event logs, Linux netfilter kernel lines, sshd auth lines
and PAN-OS CSV TRAFFIC/THREAT.  Headers vary as they do in the field:
FortiGate's bare `<PRI>body`, RFC 3164 (`<PRI>Mmm dd hh:mm:ss host tag: ...`,
space-padded day) and RFC 5424 (`<PRI>1 2026-11-02T03:12:09.123+09:00 ...`).

Addresses: outside hosts come from the documentation ranges (RFC 5737
192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 3849 2001:db8::/32), inside
hosts from 10.0.0.0/8 and 192.168.0.0/16: a fixed set of --inside-hosts
devices (150 by default, a small office), each VPN user signing in from two
home addresses.  --inside-hosts 0 draws every inside address at random, the
worst case for incident state: nearly every blocked device is a new incident.

A configurable share of lines (--alert-share) is drawn from kinds that the
default rules are meant to alert on: sshd password failures and invalid users,
FortiGate SSL-VPN login failures and admin login failures.  The rest are
kinds that should not alert by themselves (traffic, accepted logins, ...),
except the UTM virus/ips/webfilter blocks, which a rule set may reasonably
alert on too; their share is fixed (--utm-share).

Output is deterministic for a given --seed and --count.  One line per
message, LF-terminated, no blank lines.  With --stats a JSON object of counts
per kind goes to stderr.

python3 standard library only.
"""

import argparse
import json
import random
import sys
import time

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Event time: starts here (JST) and advances a few ms per line.
BASE_EPOCH = 1793577600  # 2026-11-02T00:00:00Z (09:00 JST)
TZ_OFFSET = 9 * 3600
TZ_TEXT = "+0900"

USERS_INSIDE = ["tanaka", "suzuki", "sato", "takahashi", "watanabe", "ito", "yamamoto",
                "nakamura", "kobayashi", "kato", "yoshida", "yamada", "sasaki", "alice", "bob"]
USERS_ATTACK = ["root", "admin", "test", "oracle", "ubuntu", "user", "postgres", "guest",
                "ftpuser", "pi", "support", "git", "deploy", "administrator", "sapservice"]
DOMAINS_OK = ["www.example.com", "mail.example.net", "cdn.example.org", "api.example.com",
              "intranet.example.jp", "docs.example.org", "update.example.net"]
DOMAINS_BAD = ["malware.example.test", "phish-login.example.test", "c2.bad.example",
               "dropper.example.invalid", "coinhive.example.test"]
SERVICES = [("HTTPS", 6, 443), ("HTTP", 6, 80), ("DNS", 17, 53), ("SMTPS", 6, 465),
            ("IMAPS", 6, 993), ("NTP", 17, 123), ("SSH", 6, 22), ("RDP", 6, 3389),
            ("SMB", 6, 445), ("QUIC", 17, 443)]
APPS = [("HTTPS.BROWSER", "Web.Client"), ("Microsoft.Office.365", "Collaboration"),
        ("Google.Services", "General.Interest"), ("DNS", "Network.Service"),
        ("Zoom", "Video/Audio"), ("Slack", "Collaboration"), ("Windows.Update", "Update")]
VIRUSES = ["EICAR_TEST_FILE", "W32/Agent.ABCD!tr", "JS/Phish.EXAMPLE!tr",
           "MSOffice/Agent.QX!tr.dldr", "W32/Emotet.EXAMPLE!tr"]
IPS_SIGS = [("Apache.Log4j.Error.Log.Remote.Code.Execution", 51006, "critical"),
            ("MS.SMB.Server.SMB1.Trans2.Secondary.Handling.Code.Execution", 43799, "critical"),
            ("SSH.Connection.Brute.Force", 19064, "medium"),
            ("HTTP.URI.SQL.Injection", 15621, "high"),
            ("Fortinet.FortiOS.SSL.VPN.Heap.Buffer.Overflow", 52904, "critical")]
WF_CATS = [(26, "Malicious Websites"), (61, "Phishing"), (86, "Spam URLs"),
           (90, "Newly Observed Domain")]
PAN_APPS = ["ssl", "web-browsing", "dns", "ms-office365-base", "google-base", "ntp", "smtp"]
PAN_THREATS = [("Apache Log4j Remote Code Execution Vulnerability(91991)", "critical",
                "vulnerability", "reset-both"),
               ("HTTP SQL Injection Attempt(38195)", "high", "vulnerability", "reset-both"),
               ("Eicar File Detected(39040)", "medium", "virus", "reset-both"),
               ("Generic:malware.example.test(109001001)", "high", "spyware", "sinkhole")]


class Gen:
    def __init__(self, rng, inside_hosts=0):
        self.r = rng
        # A small office has a fixed set of devices; 0 draws every inside address at
        # random from the whole private ranges (a worst case: every device is new).
        self.inside = [self.any_inside_ip() for _ in range(inside_hosts)]
        # each VPN user signs in from a couple of home or mobile addresses
        self.homes = {u: [self.doc_ip4() for _ in range(2)] for u in USERS_INSIDE} \
            if inside_hosts else {}
        self.t_ms = 0  # event time offset in ms
        self.session = 100000000
        self.bastion_pid = 2000

    # --- addresses -------------------------------------------------------
    def doc_ip4(self):
        net = self.r.choice(("192.0.2", "198.51.100", "203.0.113"))
        return "%s.%d" % (net, self.r.randint(1, 254))

    def doc_ip6(self):
        return "2001:db8:%x:%x::%x" % (self.r.randint(0, 0xffff), self.r.randint(0, 0xff),
                                       self.r.randint(1, 0xffff))

    def outside_ip(self):
        return self.doc_ip6() if self.r.random() < 0.05 else self.doc_ip4()

    def attacker_ip(self):
        # few attackers, so that correlation (brute force) groups fill up
        return "203.0.113.%d" % self.r.choice((9, 23, 77, 101, 150, 199, 222))

    def inside_ip(self):
        if self.inside:
            return self.r.choice(self.inside)
        return self.any_inside_ip()

    def any_inside_ip(self):
        if self.r.random() < 0.7:
            return "192.168.%d.%d" % (self.r.choice((1, 10, 20)), self.r.randint(2, 250))
        return "10.%d.%d.%d" % (self.r.randint(0, 3), self.r.randint(0, 255),
                                self.r.randint(2, 250))

    def port(self):
        return self.r.randint(1024, 65535)

    # --- time and headers ------------------------------------------------
    def tick(self):
        self.t_ms += self.r.randint(0, 7)

    def now(self):
        return BASE_EPOCH + self.t_ms // 1000, self.t_ms % 1000

    def lt(self):
        sec, ms = self.now()
        return time.gmtime(sec + TZ_OFFSET), ms

    def rfc3164(self, pri, host, tag, body):
        t, _ = self.lt()
        return "<%d>%s %2d %02d:%02d:%02d %s %s: %s" % (
            pri, MONTHS[t.tm_mon - 1], t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, host, tag, body)

    def rfc5424(self, pri, host, app, procid, msgid, sd, body):
        t, ms = self.lt()
        ts = "%04d-%02d-%02dT%02d:%02d:%02d.%03d+09:00" % (
            t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ms)
        return "<%d>1 %s %s %s %s %s %s %s" % (pri, ts, host, app, procid, msgid, sd, body)

    def forti_head(self):
        t, ms = self.lt()
        sec, _ = self.now()
        ev = sec * 1000000000 + ms * 1000000 + self.r.randint(0, 999999)
        return ('date=%04d-%02d-%02d time=%02d:%02d:%02d devname="FGT60F-HQ" '
                'devid="FGT60FTK22090001" eventtime=%d tz="%s"' % (
                    t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ev, TZ_TEXT))

    def forti_wrap(self, level_pri, body):
        """FortiGate: mostly bare <PRI>, some through an RFC 3164 relay, some RFC 5424."""
        x = self.r.random()
        if x < 0.80:
            return "<%d>%s" % (level_pri, body)
        if x < 0.92:
            return self.rfc3164(level_pri, "FGT60F-HQ", "fortigate", body)
        return self.rfc5424(level_pri, "FGT60F-HQ", "-", "-", "-", "-", body)

    # --- FortiGate -----------------------------------------------------
    def fgt_traffic(self):
        svc, proto, dport = self.r.choice(SERVICES)
        self.session += 1
        outbound = self.r.random() < 0.85
        src, dst = (self.inside_ip(), self.outside_ip()) if outbound else \
            (self.outside_ip(), "192.168.1.%d" % self.r.randint(2, 20))
        action = self.r.choices(("close", "accept", "deny", "timeout", "server-rst"),
                                (50, 20, 15, 10, 5))[0]
        app, appcat = self.r.choice(APPS)
        body = ('%s logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" '
                'srcip=%s srcport=%d srcintf="%s" srcintfrole="%s" dstip=%s dstport=%d '
                'dstintf="%s" dstintfrole="%s" srccountry="Reserved" dstcountry="%s" '
                'sessionid=%d proto=%d action="%s" policyid=%d policytype="policy" '
                'poluuid="8b5f0c7e-2b7a-51ee-1d1f-2a8f7b0c1d%02x" policyname="%s" service="%s" '
                'trandisp="%s" duration=%d sentbyte=%d rcvdbyte=%d sentpkt=%d rcvdpkt=%d '
                'appid=%d app="%s" appcat="%s" apprisk="low"' % (
                    self.forti_head(), src, self.port(),
                    "internal" if outbound else "wan1", "lan" if outbound else "wan",
                    dst, dport, "wan1" if outbound else "internal",
                    "wan" if outbound else "lan",
                    "Reserved" if ":" in dst else "United States", self.session, proto,
                    action, 0 if action == "deny" else self.r.randint(1, 12),
                    self.r.randint(0, 255),
                    "LAN-to-WAN" if outbound else "WAN-to-DMZ", svc,
                    "snat" if outbound else "dnat", self.r.randint(0, 600),
                    self.r.randint(40, 2000000), self.r.randint(40, 9000000),
                    self.r.randint(1, 3000), self.r.randint(1, 9000),
                    self.r.randint(10000, 50000), app, appcat))
        if action == "deny":
            body += ' crscore=30 craction=131072 crlevel="high"'
        return self.forti_wrap(189, body)

    def fgt_utm(self):
        kind = self.r.choices(("virus", "webfilter", "ips"), (25, 50, 25))[0]
        self.session += 1
        src, dst = self.inside_ip(), self.doc_ip4()
        if kind == "virus":
            v = self.r.choice(VIRUSES)
            dom = self.r.choice(DOMAINS_BAD)
            body = ('%s logid="0211008192" type="utm" subtype="virus" eventtype="infected" '
                    'level="warning" vd="root" policyid=1 msg="File is infected." '
                    'action="blocked" service="HTTP" sessionid=%d srcip=%s dstip=%s srcport=%d '
                    'dstport=80 srcintf="internal" dstintf="wan1" proto=6 direction="incoming" '
                    'filename="invoice_%d.zip" quarskip="File-was-not-quarantined." virus="%s" '
                    'dtype="Virus" ref="http://www.fortinet.com/ve?vn=%s" virusid=%d '
                    'url="http://%s/dl/invoice_%d.zip" profile="default" user="%s" '
                    'analyticssubmit="false" crscore=50 craction=2 crlevel="critical"' % (
                        self.forti_head(), self.session, src, dst, self.port(),
                        self.r.randint(1000, 9999), v, v.replace("/", "%2F"),
                        self.r.randint(2000, 9000000), dom, self.r.randint(1000, 9999),
                        self.r.choice(USERS_INSIDE)))
            return self.forti_wrap(188, body)
        if kind == "webfilter":
            cat, catdesc = self.r.choice(WF_CATS)
            dom = self.r.choice(DOMAINS_BAD)
            body = ('%s logid="0316013056" type="utm" subtype="webfilter" eventtype="ftgd_blk" '
                    'level="warning" vd="root" policyid=1 sessionid=%d user="%s" srcip=%s '
                    'srcport=%d srcintf="internal" srcintfrole="lan" dstip=%s dstport=443 '
                    'dstintf="wan1" dstintfrole="wan" proto=6 service="HTTPS" hostname="%s" '
                    'profile="default" action="blocked" reqtype="direct" url="/%s" sentbyte=%d '
                    'rcvdbyte=0 direction="outgoing" msg="URL belongs to a denied category in '
                    'policy" method="domain" cat=%d catdesc="%s"' % (
                        self.forti_head(), self.session, self.r.choice(USERS_INSIDE), src,
                        self.port(), dst, dom, self.r.choice(("", "login", "index.php", "a/b.js")),
                        self.r.randint(200, 2000), cat, catdesc))
            return self.forti_wrap(188, body)
        sig, sid, sev = self.r.choice(IPS_SIGS)
        src, dst = self.doc_ip4(), "192.168.1.%d" % self.r.randint(2, 20)
        body = ('%s logid="0419016384" type="utm" subtype="ips" eventtype="signature" '
                'level="alert" vd="root" severity="%s" srcip=%s srccountry="Reserved" dstip=%s '
                'srcintf="wan1" srcintfrole="wan" dstintf="dmz" dstintfrole="dmz" sessionid=%d '
                'action="dropped" proto=6 service="HTTPS" policyid=4 attack="%s" srcport=%d '
                'dstport=443 direction="outgoing" attackid=%d profile="protect_server" '
                'ref="http://www.fortinet.com/ids/VID%d" incidentserialno=%d msg="web_app: %s," '
                'crscore=50 craction=4096 crlevel="critical"' % (
                    self.forti_head(), sev, src, dst, self.session, sig, self.port(), sid, sid,
                    self.r.randint(100000000, 999999999), sig))
        return self.forti_wrap(185, body)

    def fgt_admin_ok(self):
        ip = self.inside_ip()
        body = ('%s logid="0100032001" type="event" subtype="system" level="information" '
                'vd="root" logdesc="Admin login successful" sn="%d" user="admin" ui="https(%s)" '
                'method="https" srcip=%s dstip=192.168.1.99 action="login" status="success" '
                'reason="none" profile="super_admin" msg="Administrator admin logged in '
                'successfully from https(%s)"' % (self.forti_head(), self.r.randint(1, 2 ** 31),
                                                  ip, ip, ip))
        return self.forti_wrap(190, body)

    def fgt_admin_fail(self):
        ip = self.attacker_ip()
        user = self.r.choice(USERS_ATTACK)
        reason, why = self.r.choice((("name_invalid", "invalid user name"),
                                     ("passwd_invalid", "invalid password")))
        body = ('%s logid="0100032002" type="event" subtype="system" level="alert" vd="root" '
                'logdesc="Admin login failed" sn="0" user="%s" ui="https(%s)" method="https" '
                'srcip=%s dstip=198.51.100.1 action="login" status="failed" reason="%s" '
                'msg="Administrator %s login failed from https(%s) because of %s"' % (
                    self.forti_head(), user, ip, ip, reason, user, ip, why))
        return self.forti_wrap(185, body)

    def fgt_vpn_fail(self):
        ip = self.attacker_ip()
        user = self.r.choice(USERS_ATTACK + ["N/A"])
        body = ('%s logid="0101039426" type="event" subtype="vpn" level="alert" vd="root" '
                'logdesc="SSL VPN login fail" action="ssl-login-fail" tunneltype="ssl-web" '
                'tunnelid=0 remip=%s user="%s" group="N/A" dst_host="N/A" reason="%s" '
                'msg="SSL user failed to logged in"' % (
                    self.forti_head(), ip, user,
                    self.r.choice(("sslvpn_login_permission_denied", "sslvpn_login_unknown_user",
                                   "sslvpn_login_no_matching_policy"))))
        return self.forti_wrap(185, body)

    def fgt_vpn_ok(self):
        user = self.r.choice(USERS_INSIDE)
        body = ('%s logid="0101039947" type="event" subtype="vpn" level="information" vd="root" '
                'logdesc="SSL VPN tunnel up" action="tunnel-up" tunneltype="ssl-tunnel" '
                'tunnelid=%d remip=%s tunnelip=10.212.134.%d user="%s" group="SSLVPN-Users" '
                'dst_host="N/A" reason="tunnel established" msg="SSL tunnel established"' % (
                    self.forti_head(), self.r.randint(1, 2 ** 30),
                    self.r.choice(self.homes[user]) if self.homes else self.outside_ip(),
                    self.r.randint(200, 250), user))
        return self.forti_wrap(190, body)

    # --- Linux -----------------------------------------------------------
    def iptables(self):
        src = self.outside_ip() if self.r.random() < 0.8 else self.inside_ip()
        if ":" in src:
            dst = "2001:db8:0:1::10"
            head = "SRC=%s DST=%s LEN=80 TC=0 HOPLIMIT=%d FLOWLBL=%d" % (
                src, dst, self.r.randint(40, 64), self.r.randint(0, 1048575))
        else:
            dst = "192.0.2.10"
            head = "SRC=%s DST=%s LEN=60 TOS=0x00 PREC=0x00 TTL=%d ID=%d DF" % (
                src, dst, self.r.randint(40, 128), self.r.randint(1, 65535))
        proto = self.r.choices(("TCP", "UDP", "ICMP"), (75, 20, 5))[0]
        if proto == "TCP":
            tail = "PROTO=TCP SPT=%d DPT=%d WINDOW=%d RES=0x00 SYN URGP=0" % (
                self.port(), self.r.choice((22, 23, 80, 443, 445, 3389, 8080, 5900)),
                self.r.choice((1024, 29200, 64240, 65535)))
        elif proto == "UDP":
            tail = "PROTO=UDP SPT=%d DPT=%d LEN=%d" % (self.port(),
                                                       self.r.choice((53, 123, 161, 1900)),
                                                       self.r.randint(20, 500))
        else:
            tail = "PROTO=ICMP TYPE=8 CODE=0 ID=%d SEQ=%d" % (self.r.randint(1, 65535),
                                                              self.r.randint(1, 500))
        up = self.t_ms / 1000.0 + 86400.0
        prefix = self.r.choice(("IPTABLES-DROP: ", "[UFW BLOCK] ", "nft-drop-in: "))
        body = "[%12.6f] %sIN=eth0 OUT= MAC=00:16:3e:12:34:56:00:16:3e:65:43:21:08:00 %s %s" % (
            up, prefix, head, tail)
        return self.rfc3164(4, "gw01", "kernel", body)

    def sshd(self, fail):
        self.bastion_pid = 2000 + (self.bastion_pid + self.r.randint(1, 50)) % 30000
        pid = self.bastion_pid
        if fail:
            ip = self.attacker_ip()
            kind = self.r.choices(("pw_root", "pw_invalid", "invalid", "pam"), (40, 30, 20, 10))[0]
            user = self.r.choice(USERS_ATTACK)
            if kind == "pw_root":
                body = "Failed password for root from %s port %d ssh2" % (ip, self.port())
            elif kind == "pw_invalid":
                body = "Failed password for invalid user %s from %s port %d ssh2" % (
                    user, ip, self.port())
            elif kind == "invalid":
                body = "Invalid user %s from %s port %d" % (user, ip, self.port())
            else:
                body = ("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
                        "tty=ssh ruser= rhost=%s  user=root" % ip)
        else:
            ip = self.inside_ip()
            user = self.r.choice(USERS_INSIDE)
            kind = self.r.choices(("pk", "pw", "closed", "session"), (40, 10, 25, 25))[0]
            if kind == "pk":
                body = ("Accepted publickey for %s from %s port %d ssh2: ED25519 "
                        "SHA256:Xk0rT3ex4mpleF1ngerpr1ntAAAAAAAAAAAAAAAAAA" % (user, ip,
                                                                           self.port()))
            elif kind == "pw":
                body = "Accepted password for %s from %s port %d ssh2" % (user, ip, self.port())
            elif kind == "closed":
                body = "Connection closed by %s port %d" % (ip, self.port())
            else:
                body = "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)" % (
                    user, 1000 + USERS_INSIDE.index(user))
        if self.r.random() < 0.7:
            return self.rfc3164(38, "bastion", "sshd[%d]" % pid, body)
        return self.rfc5424(38, "bastion.example.jp", "sshd", str(pid), "-", "-", body)

    # --- PAN-OS ----------------------------------------------------------
    def pan_time(self):
        t, _ = self.lt()
        return "%04d/%02d/%02d %02d:%02d:%02d" % (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour,
                                                  t.tm_min, t.tm_sec)

    def panos(self):
        pt = self.pan_time()
        self.session += 1
        if self.r.random() < 0.85:
            src, dst = self.inside_ip(), self.doc_ip4()
            action = self.r.choices(("allow", "deny", "drop"), (85, 10, 5))[0]
            body = ("1,%s,012801012345,TRAFFIC,%s,2561,%s,%s,%s,198.51.100.2,%s,%s,,,%s,vsys1,"
                    "trust,untrust,ethernet1/2,ethernet1/1,Log-Forwarding,%s,%d,1,%d,%d,%d,%d,"
                    "0x400053,%s,%s,%d,%d,%d,%d,%s,%d,any,0,%d,0x0,192.168.0.0-192.168.255.255,"
                    "United States,0,%d,%d,%s,0,0,0,0,,PA-220,from-policy,,,0,,0,,N/A,0,0,0,0" % (
                        pt, "end" if action == "allow" else "drop", pt, src, dst,
                        dst if action == "allow" else "0.0.0.0",
                        "allow-outbound" if action == "allow" else "interzone-default",
                        self.r.choice(PAN_APPS), pt, self.session, self.port(),
                        self.r.choice((443, 80, 53, 123, 25)), self.port(), 443,
                        "tcp" if self.r.random() < 0.8 else "udp", action,
                        self.r.randint(100, 90000), self.r.randint(60, 40000),
                        self.r.randint(40, 50000), self.r.randint(1, 200), pt,
                        self.r.randint(0, 300), self.r.randint(10 ** 9, 10 ** 10),
                        self.r.randint(1, 100), self.r.randint(1, 100),
                        "tcp-fin" if action == "allow" else "policy-deny"))
        else:
            name, sev, sub, act = self.r.choice(PAN_THREATS)
            src, dst = self.doc_ip4(), "192.168.10.%d" % self.r.randint(2, 40)
            body = ('1,%s,012801012345,THREAT,%s,2561,%s,%s,%s,%s,192.168.10.5,dmz-inbound,,,'
                    'web-browsing,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,Log-Forwarding,%s,%d,'
                    '1,%d,80,0,0,0x2000,tcp,%s,"index.php",%s,any,%s,client-to-server,%d,0x0,'
                    'United States,192.168.0.0-192.168.255.255,0,,0,,,0,,,,,,,,0,0,0,0,0,,PA-220,'
                    % (pt, sub, pt, src, dst, src, pt, self.session, self.port(), act, name, sev,
                       self.r.randint(10 ** 9, 10 ** 10)))
        # PAN-OS: RFC 3164 header with no tag, the CSV follows the hostname
        t, _ = self.lt()
        return "<14>%s %2d %02d:%02d:%02d PA-220 %s" % (MONTHS[t.tm_mon - 1], t.tm_mday,
                                                     t.tm_hour, t.tm_min, t.tm_sec, body)


# kind -> (weight, alerting?)
NORMAL = [("fgt_traffic", 62.0), ("iptables", 12.0), ("panos", 9.0), ("sshd_ok", 6.0),
          ("fgt_admin_ok", 0.5), ("fgt_vpn_ok", 1.5)]
ALERTING = [("sshd_fail", 60.0), ("fgt_vpn_fail", 30.0), ("fgt_admin_fail", 10.0)]


def make(g, kind):
    if kind == "sshd_ok":
        return g.sshd(False)
    if kind == "sshd_fail":
        return g.sshd(True)
    return getattr(g, kind)()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=100000, help="lines to write (default 100000)")
    ap.add_argument("--out", default="-", help="output file (default stdout)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--alert-share", type=float, default=0.01,
                    help="fraction of lines meant to raise alerts (default 0.01)")
    ap.add_argument("--utm-share", type=float, default=0.03,
                    help="fraction of FortiGate UTM virus/webfilter/ips lines (default 0.03)")
    ap.add_argument("--inside-hosts", type=int, default=150,
                    help="devices inside the office (default 150); 0: every inside address "
                         "random, so nearly every blocked device is a new incident (a flood)")
    ap.add_argument("--stats", action="store_true", help="print counts per kind to stderr")
    a = ap.parse_args()
    if a.count < 0 or a.inside_hosts < 0 or not (0.0 <= a.alert_share <= 1.0) \
            or not (0.0 <= a.utm_share <= 1.0) or a.alert_share + a.utm_share > 1.0:
        ap.error("--count must be >= 0; shares in [0,1] and summing to at most 1")

    rng = random.Random(a.seed)
    g = Gen(rng, a.inside_hosts)
    nk = [k for k, _ in NORMAL]
    nw = [w for _, w in NORMAL]
    ak = [k for k, _ in ALERTING]
    aw = [w for _, w in ALERTING]
    counts = {}
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8", newline="\n")
    try:
        buf = []
        for _ in range(a.count):
            g.tick()
            x = rng.random()
            if x < a.alert_share:
                kind = rng.choices(ak, aw)[0]
            elif x < a.alert_share + a.utm_share:
                kind = "fgt_utm"
            else:
                kind = rng.choices(nk, nw)[0]
            counts[kind] = counts.get(kind, 0) + 1
            buf.append(make(g, kind))
            if len(buf) >= 4096:
                out.write("\n".join(buf))
                out.write("\n")
                buf.clear()
        if buf:
            out.write("\n".join(buf))
            out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if a.stats:
        counts["_alerting"] = sum(counts.get(k, 0) for k in ak)
        counts["_total"] = a.count
        print(json.dumps(counts, sort_keys=True), file=sys.stderr)


if __name__ == "__main__":
    main()
