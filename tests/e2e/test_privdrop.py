"""Scenario: started as root without systemd, to bind a port below 1024.

`mimamori run` with `user: nobody`, started by root, binds a privileged TCP
port, then runs as nobody: every uid and gid of the process is nobody's, it
holds no capability, the database it created belongs to nobody, and a line
sent to the privileged port still becomes an alert.  Skipped unless run as
root with a `nobody` account.
"""
import os
import pwd
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from opsrules import RULES, failed  # noqa: E402


def free_low_port():
    for port in range(700, 1000):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    return None


def status_fields(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            k, _, v = l.partition(":")
            out[k] = v.split()
    return out


def main():
    if os.geteuid() != 0:
        print("SKIP: not root")
        return
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        print("SKIP: no user nobody")
        return
    port = free_low_port()
    if port is None:
        print("SKIP: no free port below 1024")
        return
    d = Daemon(rules=RULES, extra_config="user: nobody\n",
               listen=("udp://127.0.0.1:0", "tcp://127.0.0.1:%d" % port))
    os.chmod(d.dir, 0o777)  # nobody creates the database here
    with d:
        st = status_fields(d.proc.pid)
        if st["Uid"] != [str(nobody.pw_uid)] * 4 or st["Gid"] != [str(nobody.pw_gid)] * 4:
            fail("daemon should run as nobody: Uid %s Gid %s" % (st["Uid"], st["Gid"]))
        if int(st["CapEff"][0], 16) != 0 or int(st["CapPrm"][0], 16) != 0:
            fail("daemon should hold no capability after binding: %s %s"
                 % (st["CapEff"], st["CapPrm"]))
        if st["NoNewPrivs"] != ["1"]:
            fail("no_new_privs should be set")
        if os.stat(d.db).st_uid != nobody.pw_uid:
            fail("the database should belong to nobody")
        if d.ports.get("tcp") != port:
            fail("should listen on tcp port %d: %s" % (port, d.ports))
        d.send_tcp([rfc3164(failed("203.0.113.9"))])
        wait_for(lambda: len(d.alerts()) == 1, 10, "an alert from the privileged port")
        if d.stop() != 0:
            fail("daemon should exit 0")
    passed("root drops to `user:` after binding a privileged port")


if __name__ == "__main__":
    main()
