"""Shared helpers for the end-to-end tests: start a real `mimamori run` on free
ports with a temporary database, send it syslog over UDP and TCP, read its
SQLite database, stop it.  Everything stays on 127.0.0.1 / ::1 and every wait
has a deadline (no fixed sleeps)."""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.environ.get("MIMAMORI_BIN", "build/mimamori")
SOURCE = os.environ.get("MIMAMORI_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def wait_for(cond, timeout=10.0, what="condition", interval=0.02):
    """Poll cond() until it returns a true value; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            fail("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


class Daemon:
    """A `mimamori run` in a temporary directory.  Use as a context manager."""

    def __init__(self, rules=None, extra_config="", listen=("udp://127.0.0.1:0", "tcp://127.0.0.1:0"),
                 allowed=("127.0.0.0/8", "::1")):
        self.dir = tempfile.mkdtemp(prefix="mimamori-e2e-")
        self.rules_dir = os.path.join(self.dir, "rules")
        os.mkdir(self.rules_dir)
        if rules is None:
            # the shipped default ruleset
            for root, _, files in os.walk(os.path.join(SOURCE, "rules")):
                for f in files:
                    if f.endswith((".yml", ".yaml")):
                        rel = os.path.relpath(os.path.join(root, f), os.path.join(SOURCE, "rules"))
                        shutil.copy(os.path.join(root, f),
                                    os.path.join(self.rules_dir, rel.replace("/", "_")))
        else:
            for name, text in rules.items():
                self.write_rule(name, text)
        self.db = os.path.join(self.dir, "mimamori.db")
        self.alerts_file = os.path.join(self.dir, "alerts.jsonl")
        self.config = os.path.join(self.dir, "mimamori.yaml")
        lines = ["listen:"] + ["  - %s" % l for l in listen]
        lines += ["timezone: UTC", "database: mimamori.db", "rules: [rules]"]
        if allowed:
            lines += ["allowed_sources:"] + ['  - "%s"' % a for a in allowed]
        lines += ["notify:", "  - name: jsonfile", "    type: file", "    path: alerts.jsonl"]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n" + extra_config)
        self.proc = None
        self.log = []
        self.ports = {}

    def write_rule(self, name, text):
        with open(os.path.join(self.rules_dir, name), "w") as f:
            f.write(text)

    def start(self):
        self.proc = subprocess.Popen([BIN, "run", "-c", self.config, "-v"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     errors="replace")
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        wait_for(lambda: self.proc.poll() is not None or any("ready" in l for l in self.log),
                 15, "the daemon to say ready")
        if self.proc.poll() is not None:
            fail("daemon exited at start (%d):\n%s" % (self.proc.returncode, "".join(self.log)))
        for l in self.log:
            m = re.search(r"listening on (udp|tcp)://(.*):(\d+)", l)
            if m:
                self.ports.setdefault(m.group(1), int(m.group(3)))
        return self

    def _read_log(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def logtext(self):
        return "".join(self.log)

    def send_udp(self, lines, host="127.0.0.1"):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(fam, socket.SOCK_DGRAM) as s:
            for l in lines:
                s.sendto(l.encode() if isinstance(l, str) else l, (host, self.ports["udp"]))

    def send_tcp(self, lines, octet_counting=False, host="127.0.0.1"):
        with socket.create_connection((host, self.ports["tcp"]), timeout=10) as s:
            buf = bytearray()
            for l in lines:
                b = l.encode() if isinstance(l, str) else l
                if octet_counting:
                    buf += b"%d " % len(b) + b
                else:
                    buf += b + b"\n"
            s.sendall(bytes(buf))

    def query(self, sql, args=()):
        if not os.path.exists(self.db):
            return []
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=5)
        try:
            return con.execute(sql, args).fetchall()
        except sqlite3.OperationalError:
            return []
        finally:
            con.close()

    def alerts(self):
        return [json.loads(r[0]) for r in self.query("SELECT json FROM alerts ORDER BY seq")]

    def counter(self, name):
        rows = self.query("SELECT value FROM counters WHERE name = ?", (name,))
        return rows[0][0] if rows else 0

    def cli(self, *args, input=None, check=True):
        r = subprocess.run([BIN] + list(args), capture_output=True, text=True, input=input,
                           timeout=60)
        if check and r.returncode != 0:
            fail("mimamori %s exited %d:\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            fail("daemon did not stop within %ds after SIGTERM:\n%s" % (timeout, self.logtext()))
        self._reader.join(5)
        return self.proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if exc[0] is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print("daemon log:\n" + self.logtext(), file=sys.stderr)
            print("kept " + self.dir, file=sys.stderr)
        return False


def rfc3164(msg, app="sshd", host="gw01", pri=38, pid=4242):
    return "<%d>%s %s %s[%d]: %s" % (pri, time.strftime("%b %e %H:%M:%S", time.gmtime()), host,
                                      app, pid, msg)


def passed(name):
    print("PASS: " + name)
