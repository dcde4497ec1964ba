#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# A man in the middle for tests/connect/run.sh: an HTTPS server (the test's certificate) in
# front of the real `registrar serve`, doing to airreg-connect what a hostile or broken
# registrar could. Python's standard library only.
#
#   hostile.py MODE CERT KEY UPSTREAM CAFILE LOG [KEY-FILE]
#
# UPSTREAM: the real server's base URL (https://127.0.0.1:PORT); CAFILE: the CA it is
# checked with. LOG: one line a request, "METHOD PATH -> what was done". The first line on
# stdout is the port listened on (127.0.0.1, port 0: the system's choice).
# MODE "@FILE": the mode is FILE's first line, read again at each request (one process
# plays every mode, the test rewriting FILE between runs). A "%s" in LOG or KEY-FILE is
# the mode at that request.
# MODE (each relays every request it does not name to the real server, answer back):
#   forward    relays everything
#   cut        closes the connection, unanswered and not relayed, on every POST (the
#              getactivationkey after a PUT that was relayed; an unregister's deactivate)
#   oversize   answers getactivationkey 200 with a 10 MiB JSON body
#   dupkey     answers getactivationkey 200 with {"activationKey": "x", "activationKey": "y"}
#   notjson    answers getactivationkey 200 with a body that is not JSON
#   foreign    answers getactivationkey 200 with FOREIGN-KEY-FILE's activation key: one the
#              same registrar issued for another stamp
#   replay     the same, FOREIGN-KEY-FILE holding an older key of this very stamp
#   current    the same, KEY-FILE holding the key this stamp holds now
#   bigkey     answers getactivationkey 200 with {"activationKey": 70,000 letters}
#   extramember relays getactivationkey, its answer with a member more
#   wrongreg   relays the PUT, its answer naming another CloudId
#   wrongdeact relays the deactivate, its answer naming the next serial
#   wrongstatus relays the deactivate, its answer's status "Registered"
#   rename     relays the requests of registration hname as north's (the answers as they come)
#   renamekey  the same, the PUT's answer naming hname (as asked): the key is north's
#   noops      answers GET operations 200 {"value": []}
#   stalelast  relays a GET of a registration, its answer's lastKeySerial 0 (a later key hidden)
#   armerror   answers the PUT 409 with an ARM error body (RegistrationNameConflict)
#   armescape  answers the PUT 409 with an ARM error whose code and message hold a newline,
#              a backslash, terminal controls (ESC, C1 CSI) and a bidirectional override
#   status     answers a PUT of registration sNNN with HTTP status NNN and an ARM error
#              (code CodeNNN)
#   redirect   answers getactivationkey 302 to the real server's same path
#   chunked    answers getactivationkey 200 with 10 MiB of JSON in chunks (no Content-Length)
#   trickle    answers getactivationkey 200, then its body one byte every half second
import http.client
import http.server
import json
import ssl
import sys
import threading
import time
import urllib.parse

MODE_ARG, CERT, KEY, UPSTREAM, CAFILE, LOG_ARG = sys.argv[1:7]
KEY_ARG = sys.argv[7] if len(sys.argv) > 7 else None
UP = urllib.parse.urlsplit(UPSTREAM)
LOCK = threading.Lock()


def mode():
    if MODE_ARG.startswith("@"):
        with open(MODE_ARG[1:]) as f:
            return f.readline().strip()
    return MODE_ARG


def per_mode(arg, m):
    return arg.replace("%s", m) if arg else arg


def log(line, m):
    with LOCK, open(per_mode(LOG_ARG, m), "a") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as libcurl uses it; 100-continue answered

    def log_message(self, fmt, *args):  # the log file says what was done, not stderr
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def answer(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:  # the client gave up reading (an oversized answer): expected
            self.close_connection = True

    def relay(self, data, tamper=None, path=None):
        ctx = ssl.create_default_context(cafile=CAFILE)
        c = http.client.HTTPSConnection(UP.hostname, UP.port, context=ctx, timeout=30)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("authorization", "content-type", "accept", "user-agent")}
        c.request(self.command, path or self.path, body=data if data or self.command != "GET" else None,
                  headers=headers)
        r = c.getresponse()
        out = r.read()
        ctype = r.getheader("Content-Type") or "application/json"
        c.close()
        if tamper and r.status < 300:
            doc = json.loads(out)
            tamper(doc)
            out = json.dumps(doc).encode()
            log("%s %s -> relayed %d, tampered (%s)" % (self.command, self.path, r.status, self.mode),
                self.mode)
        else:
            log("%s %s -> relayed %d" % (self.command, self.path, r.status), self.mode)
        self.answer(r.status, out, ctype)

    def handle_any(self):
        MODE = self.mode = mode()
        data = self.body()
        path = self.path.split("?")[0]  # the route; the log names self.path whole
        is_key = self.command == "POST" and path.endswith("/getactivationkey")
        if MODE == "cut" and self.command == "POST":
            log("%s %s -> cut" % (self.command, self.path), self.mode)
            self.close_connection = True
            try:  # no answer at all: the TLS connection closed under the client
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        if MODE == "oversize" and is_key:
            log("%s %s -> oversize" % (self.command, self.path), self.mode)
            big = b'{"activationKey": "' + b"A" * (10 * 1024 * 1024) + b'"}'
            self.answer(200, big)
            return
        if MODE == "chunked" and is_key:
            log("%s %s -> chunked" % (self.command, self.path), self.mode)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            parts = [b'{"activationKey": "'] + [b"A" * 65536] * 160 + [b'"}']
            try:
                for p in parts:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p))
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except OSError:
                self.close_connection = True
            return
        if MODE == "trickle" and is_key:
            log("%s %s -> trickle" % (self.command, self.path), self.mode)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(240):  # two minutes at most
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            self.close_connection = True
            return
        if MODE == "dupkey" and is_key:
            log("%s %s -> dupkey" % (self.command, self.path), self.mode)
            self.answer(200, b'{"activationKey": "x", "activationKey": "y"}')
            return
        if MODE == "notjson" and is_key:
            log("%s %s -> notjson" % (self.command, self.path), self.mode)
            self.answer(200, b"<html>this is not JSON</html>", "application/json")
            return
        if MODE == "bigkey" and is_key:
            log("%s %s -> bigkey" % (self.command, self.path), self.mode)
            self.answer(200, json.dumps({"activationKey": "A" * 70000}).encode())
            return
        if MODE == "extramember" and is_key:
            return self.relay(data, lambda d: d.__setitem__("extra", 1))
        if MODE == "wrongreg" and self.command == "PUT":
            return self.relay(data, lambda d: d["properties"].__setitem__(
                "cloudId", "00000000-0000-4000-8000-000000000000"))
        if MODE == "wrongdeact" and self.command == "POST" and path.endswith("/deactivate"):
            return self.relay(data, lambda d: d.__setitem__("serial", d["serial"] + 1))
        if MODE in ("rename", "renamekey") and "/registrations/hname" in path:
            other = self.path.replace("/registrations/hname", "/registrations/north")
            if MODE == "renamekey" and self.command == "PUT":
                return self.relay(data, lambda d: d.__setitem__("name", "hname"), other)
            return self.relay(data, None, other)
        if MODE == "noops" and path.endswith("/operations"):
            log("%s %s -> noops" % (self.command, self.path), self.mode)
            self.answer(200, b'{"value": []}')
            return
        if MODE == "stalelast" and self.command == "GET" and "/registrations/" in path:
            return self.relay(data, lambda d: d["properties"].__setitem__("lastKeySerial", 0))
        if MODE == "wrongstatus" and self.command == "POST" and path.endswith("/deactivate"):
            return self.relay(data, lambda d: d.__setitem__("status", "Registered"))
        if MODE in ("foreign", "replay", "current") and is_key:
            log("%s %s -> %s" % (self.command, self.path, MODE), self.mode)
            with open(per_mode(KEY_ARG, MODE)) as f:
                key = f.read().strip()
            self.answer(200, json.dumps({"activationKey": key}).encode())
            return
        if MODE == "armerror" and self.command == "PUT":
            log("%s %s -> armerror" % (self.command, self.path), self.mode)
            self.answer(409, json.dumps({"error": {
                "code": "RegistrationNameConflict",
                "message": "the hostile server says this name is taken"}}).encode())
            return
        if MODE == "armescape" and self.command == "PUT":
            log("%s %s -> armescape" % (self.command, self.path), self.mode)
            self.answer(409, json.dumps({"error": {
                "code": "Conflict\u001b[2J",
                "message": "no\nairreg-connect: imported the activation key of east: serial 99\\ "
                           "\u001b]0;title\u0007\u009b31m\u202eevil"}}).encode())
            return
        name = path.rsplit("/", 1)[-1]
        if MODE == "status" and self.command == "PUT" and len(name) == 4 and name[0] == "s" \
                and name[1:].isdigit():
            log("%s %s -> status %s" % (self.command, self.path, name[1:]), self.mode)
            self.answer(int(name[1:]), json.dumps({"error": {
                "code": "Code" + name[1:],
                "message": "status %s from the hostile server" % name[1:]}}).encode())
            return
        if MODE == "redirect" and is_key:
            log("%s %s -> redirect" % (self.command, self.path), self.mode)
            self.send_response(302)
            self.send_header("Location", UPSTREAM + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.relay(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that hung up: not news
        pass


srv = Server(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
