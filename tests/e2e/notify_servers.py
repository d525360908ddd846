"""Servers for the notification end-to-end tests, all on 127.0.0.1: an HTTP
webhook receiver that can answer errors for a while, and an SMTP server
(aiosmtpd) with STARTTLS, implicit TLS (smtps) or no TLS at all, and AUTH,
using a certificate made for the test.
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
    request (1-based) to a path; every request is recorded with its method and
    receive time (any method is recorded: a test asserts that it was POST)."""

    def __init__(self, answer=None, port=0):
        self.requests = []  # dicts: method, path, headers, body, status, t_ns
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
                    outer.requests.append({"method": self.command, "path": self.path,
                                           "headers": dict(self.headers),
                                           "body": body, "status": status, "t_ns": t})

            do_PUT = do_PATCH = do_GET = do_POST

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


def make_cert(d, name="127.0.0.1", prefix=""):
    """A self-signed certificate for `name` (an IP address or a DNS name), made
    now: no key is committed."""
    key = os.path.join(d, prefix + "key.pem")
    cert = os.path.join(d, prefix + "cert.pem")
    san = ("IP:" if name.replace(".", "").isdigit() else "DNS:") + name
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=" + name,
                    "-addext", "subjectAltName=" + san],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class Smtp:
    """aiosmtpd with AUTH (PLAIN/LOGIN) for user/password (no AUTH when user is
    None) and, by mode:
      "starttls"  STARTTLS offered and required before MAIL (AUTH only after it)
      "smtps"     implicit TLS: the TLS handshake before the greeting (port 465 style)
      "plain"     no TLS offered at all (cert and key unused)"""

    def __init__(self, cert, key, user, password, mode="starttls"):
        import ssl
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
        self.messages = []  # dicts: mail_from, rcpt, data, tls, tls_version, auth
        self.lock = threading.Lock()
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                # STARTTLS sets session.ssl; with implicit TLS only the transport knows
                sslobj = server.transport.get_extra_info("ssl_object")
                with outer.lock:
                    outer.messages.append({"mail_from": envelope.mail_from,
                                           "rcpt": list(envelope.rcpt_tos),
                                           "data": envelope.original_content or envelope.content,
                                           "tls": session.ssl is not None or sslobj is not None,
                                           "tls_version": sslobj.version() if sslobj else None,
                                           "auth": session.authenticated,
                                           "t_ns": time.time_ns()})
                return "250 2.0.0 queued as test"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            return AuthResult(success=ok, handled=False)

        kw = {}
        if user is not None:
            kw["authenticator"] = authenticator
        if mode != "plain":
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(cert, key)
        if mode == "starttls":
            kw.update(tls_context=ctx, require_starttls=True, auth_require_tls=True)
        elif mode == "smtps":
            # aiosmtpd only counts STARTTLS as TLS for auth_require_tls: the whole
            # session is TLS here, so AUTH is allowed as it is
            kw.update(ssl_context=ctx, auth_require_tls=False)
        elif mode == "plain":
            kw.update(auth_require_tls=False)
        else:
            raise ValueError("mode " + mode)
        self.mode = mode
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kw)
        self.controller.start()

    def got(self):
        with self.lock:
            return list(self.messages)

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
