#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# A CONNECT-only HTTP proxy on 127.0.0.1 for tests/connect/run.sh (Python's standard library
# only): each CONNECT's target is written to LOG ("CONNECT host:port"), then the bytes are
# tunnelled both ways untouched (TLS stays end to end). Any other method: 405, logged
# "REFUSED METHOD TARGET". The first line on stdout is the port listened on (port 0).
#
#   proxy.py LOG
import socket
import socketserver
import sys
import threading

LOG = sys.argv[1]
LOCK = threading.Lock()


def log(line):
    with LOCK, open(LOG, "a") as f:
        f.write(line + "\n")


def pump(src, dst):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            dst.sendall(b)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.settimeout(30)
        head = b""
        while b"\r\n\r\n" not in head:
            b = s.recv(4096)
            if not b:
                return
            head += b
            if len(head) > 65536:
                return
        head, rest = head.split(b"\r\n\r\n", 1)
        parts = head.split(b"\r\n")[0].decode("latin-1").split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            log("REFUSED %s" % " ".join(parts[:2]))
            s.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        target = parts[1]
        log("CONNECT %s" % target)
        host, _, port = target.rpartition(":")
        try:
            up = socket.create_connection((host.strip("[]"), int(port)), timeout=30)
        except (OSError, ValueError):
            s.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        s.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            up.sendall(rest)
        t = threading.Thread(target=pump, args=(up, s), daemon=True)
        t.start()
        pump(s, up)
        t.join(30)
        up.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
