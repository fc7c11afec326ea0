#!/usr/bin/env python3
"""A real SMTP server for Madoguchi's mail tests (aiosmtpd), on 127.0.0.1 only.

Every accepted message is written to --out as NNNN.eml. Recipients steer the answers:
  tempfail-N@…  answers 451 to the first N deliveries of a message to it, then accepts
  reject@…      answers 550 (a permanent refusal)
With --cert/--key the server offers STARTTLS and requires it; with --auth USER:PASS it requires
AUTH (PLAIN or LOGIN) after STARTTLS. Prints "READY port=N" when listening.
"""
import argparse
import os
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out):
        self.out = out
        self.count = 0
        self.tempfails = {}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local == "reject":
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("tempfail-"):
            limit = int(local.split("-")[1])
            with self.lock:
                seen = self.tempfails.get(address, 0)
                self.tempfails[address] = seen + 1
            if seen < limit:
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = os.path.join(self.out, "%04d.eml" % self.count)
        with open(name + ".tmp", "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\nX-TLS: %s\r\nX-Auth: %s\r\n" % (
                envelope.mail_from, ",".join(envelope.rcpt_tos), "yes" if session.ssl else "no",
                session.authenticated and "yes" or "no")).encode())
            f.write(envelope.original_content)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--auth", help="USER:PASS")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    kwargs = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        kwargs.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok)

        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
    port = args.port
    if port == 0:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    controller = Controller(Sink(args.out), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("READY port=%d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
