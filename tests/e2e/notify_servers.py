"""Servers for the notification end-to-end tests, all on 127.0.0.1: an HTTP
webhook receiver that can answer errors for a while, and an SMTP server
(aiosmtpd) with STARTTLS and AUTH using a certificate made for the test.
Every wait has a deadline; nothing here sleeps for a fixed time."""
import hashlib
import hmac
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import warnings

warnings.filterwarnings("ignore", message="Session.login_data")
# Debian's python3-aiosmtpd lives in dist-packages; the test may run under another python3
try:
    import aiosmtpd  # noqa: F401
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Webhook:
    """A threaded HTTP server.  answer(path, n) decides the status of the n-th
    request (1-based) to a path; every request is recorded with its receive time."""

    def __init__(self, answer=None, port=0):
        self.requests = []  # dicts: path, headers, body, status, t_ns
        self.lock = threading.Lock()
        self.counts = {}
        self.answer = answer or (lambda path, n: (200, {}))
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body in separate writes: no 40 ms stall

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                t = time.time_ns()
                with outer.lock:
                    k = outer.counts.get(self.path, 0) + 1
                    outer.counts[self.path] = k
                status, extra = outer.answer(self.path, k)
                reply = b'{"ok":true}' if status < 300 else b'{"error":"try later"}'
                self.send_response(status)
                for hk, hv in extra.items():
                    self.send_header(hk, hv)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                with outer.lock:
                    outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                           "body": body, "status": status, "t_ns": t})

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def got(self, path=None, status=None):
        with self.lock:
            return [r for r in self.requests
                    if (path is None or r["path"] == path) and (status is None or r["status"] == status)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def signature_ok(secret, req):
    want = "sha256=" + hmac.new(secret, req["body"], hashlib.sha256).hexdigest()
    return req["headers"].get("X-Mimamori-Signature") == want


def make_cert(d):
    """A self-signed certificate for 127.0.0.1, made now: no key is committed."""
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class Smtp:
    """aiosmtpd with STARTTLS required and AUTH (PLAIN/LOGIN) for user/password."""

    def __init__(self, cert, key, user, password):
        import ssl
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
        self.messages = []  # dicts: mail_from, rcpt, data, tls, auth
        self.lock = threading.Lock()
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with outer.lock:
                    outer.messages.append({"mail_from": envelope.mail_from,
                                           "rcpt": list(envelope.rcpt_tos),
                                           "data": envelope.original_content or envelope.content,
                                           "tls": session.ssl is not None,
                                           "auth": session.authenticated,
                                           "t_ns": time.time_ns()})
                return "250 2.0.0 queued as test"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            return AuthResult(success=ok, handled=False)

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     tls_context=ctx, require_starttls=True,
                                     authenticator=authenticator, auth_require_tls=True)
        self.controller.start()

    def close(self):
        self.controller.stop()


def rule(rid, title, prefix, level="high", tags=None):
    return """title: %s
id: %s
level: %s
tags: %s
logsource: {product: linux}
detection:
  sel:
    message|startswith: '%s'
  condition: sel
""" % (json.dumps(title, ensure_ascii=False), rid, level, json.dumps(tags or []), prefix)
