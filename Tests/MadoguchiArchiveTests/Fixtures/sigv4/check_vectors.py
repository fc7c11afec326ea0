#!/usr/bin/env python3
"""Independent AWS Signature V4 implementation (hashlib/hmac only) that checks the
fixtures beside it:

  * every aws4_testsuite vector directory here (<name>/<name>.req, .creq, .sts, .authz,
    .sreq): canonical request, string to sign, Authorization header and signed request;
  * s3-examples.json: the AWS S3 API reference examples (header signing and a presigned
    URL), plus the signing-key derivation example.

    python3 check_vectors.py            # the fixtures beside this file
    python3 check_vectors.py DIR        # another aws4_testsuite tree (e.g. botocore's)

Exits 1 if anything does not match. The canonical URI is built the S3 way: every byte of
the path except unreserved characters and '/' is percent-encoded exactly once, and the
path is never normalised ('.', '..', '//' are kept).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
from urllib.parse import unquote_to_bytes

UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

# The suite's fixed inputs, as in botocore tests/unit/auth/test_sigv4.py.
SUITE_ACCESS_KEY = "AKIDEXAMPLE"
SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_REGION = "us-east-1"
SUITE_SERVICE = "service"

# Upstream files known to be wrong; compared, reported, not counted as failures.
KNOWN_BAD = {
    # Its Signature= (5fa00fa3...) is not the one in its own .authz (07ec1639..., which
    # this script reproduces): the value is pieces of the token string glued together.
    "get-vanilla-with-session-token.sreq",
}


# --------------------------------------------------------------------------- SigV4 core

def uri_encode(data: str | bytes, encode_slash: bool = True) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    out = []
    for b in raw:
        if b in UNRESERVED or (b == 0x2F and not encode_slash):
            out.append(chr(b))
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def canonical_uri(path: str) -> str:
    """S3 rule: encode once, keep '/', no normalisation. `path` is the raw (decoded) path."""
    return uri_encode(path or "/", encode_slash=False)


def canonical_query(pairs: list[tuple[str | bytes, str | bytes]]) -> str:
    """pairs are decoded names/values; each is encoded (with '/' -> %2F) and sorted by
    encoded name, then encoded value (byte order)."""
    enc = sorted((uri_encode(k), uri_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in enc)


def parse_query(query: str) -> list[tuple[bytes, bytes]]:
    """Split a raw query string from a request line and percent-decode its parts."""
    pairs = []
    for part in query.split("&"):
        if part == "":
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote_to_bytes(name), unquote_to_bytes(value)))
    return pairs


def canonical_header_value(value: str) -> str:
    return " ".join(value.strip().split())  # trim, collapse runs of whitespace


def canonical_headers(headers: list[tuple[str, str]]) -> tuple[str, str]:
    """headers: (name, value) in request order; duplicates joined with ',' in that order."""
    merged: dict[str, list[str]] = {}
    for name, value in headers:
        merged.setdefault(name.strip().lower(), []).append(canonical_header_value(value))
    names = sorted(merged)
    block = "".join(f"{n}:{','.join(merged[n])}\n" for n in names)
    return block, ";".join(names)


def canonical_request(method: str, path: str, query_pairs, headers, payload_hash: str):
    block, signed = canonical_headers(headers)
    creq = "\n".join([
        method, canonical_uri(path), canonical_query(query_pairs), block, signed, payload_hash,
    ])
    return creq, signed


def scope_of(amz_date: str, region: str, service: str) -> str:
    return f"{amz_date[:8]}/{region}/{service}/aws4_request"


def string_to_sign(amz_date: str, scope: str, creq: str) -> str:
    return "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(creq.encode("utf-8")).hexdigest()])


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    k = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def signature(secret: str, amz_date: str, region: str, service: str, sts: str) -> str:
    key = signing_key(secret, amz_date[:8], region, service)
    return hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(access_key: str, scope: str, signed: str, sig: str, sep: str = ", ") -> str:
    return f"{ALGORITHM} Credential={access_key}/{scope}{sep}SignedHeaders={signed}{sep}Signature={sig}"


# --------------------------------------------------------------------------- checking

class Checker:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.known: list[str] = []
        self.passed = 0

    def eq(self, what: str, got: str, want: str) -> None:
        if got == want:
            self.passed += 1
        elif what in KNOWN_BAD:
            self.known.append(what)
        else:
            self.failures.append(f"{what}\n  got:  {got!r}\n  want: {want!r}")


def read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read().replace("\r\n", "\n")


def split_req(text: str) -> tuple[str, str, str]:
    """(head, separator, body); a head that merely ends in a newline has no body."""
    head, sep, body = text.partition("\n\n")
    if not sep and head.endswith("\n"):
        head = head[:-1]
    return head, sep, body


def parse_req(text: str):
    head, sep, body = split_req(text)
    lines = head.split("\n")
    request_line = lines[0]
    method, rest = request_line.split(" ", 1)
    target, _version = rest.rsplit(" ", 1)
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # obs-fold continuation line
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
            continue
        name, _, value = line.partition(":")
        headers.append((name, value))
    path, _, query = target.partition("?")
    return method, path, query, headers, body if sep else ""


def check_suite_vector(c: Checker, directory: str, name: str) -> None:
    base = os.path.join(directory, name)
    req = read(base + ".req")
    want_creq, want_sts = read(base + ".creq"), read(base + ".sts")
    want_authz, want_sreq = read(base + ".authz"), read(base + ".sreq")

    method, raw_path, raw_query, headers, body = parse_req(req)
    path = unquote_to_bytes(raw_path)  # request-line path, decoded to bytes, then re-encoded once
    headers = list(headers)
    # A token the .req does not carry but the .creq signs (get-vanilla-with-session-token):
    # supply it before signing, as botocore's runner does.
    token_in_creq = [l.split(":", 1)[1] for l in want_creq.split("\n") if l.startswith("x-amz-security-token:")]
    if token_in_creq and not any(n.lower() == "x-amz-security-token" for n, _ in headers):
        headers.append(("X-Amz-Security-Token", token_in_creq[0]))
    amz_date = next(v.strip() for n, v in headers if n.lower() == "x-amz-date")
    payload_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()

    creq, signed = canonical_request(method, path, parse_query(raw_query), headers, payload_hash)
    scope = scope_of(amz_date, SUITE_REGION, SUITE_SERVICE)
    sts = string_to_sign(amz_date, scope, creq)
    sig = signature(SUITE_SECRET, amz_date, SUITE_REGION, SUITE_SERVICE, sts)
    authz = authorization(SUITE_ACCESS_KEY, scope, signed, sig)
    c.eq(f"{name}.creq", creq, want_creq)
    c.eq(f"{name}.sts", sts, want_sts)
    c.eq(f"{name}.authz", authz, want_authz)

    # .sreq = the .req's head, any header added after signing (post-sts-header-after adds
    # X-Amz-Security-Token), then the Authorization header, then the body.
    head = split_req(req)[0]
    sreq_head = want_sreq.partition("\n\n")[0].split("\n")
    added = [l for l in sreq_head if l not in head.split("\n") and not l.startswith("Authorization:")]
    sreq = "\n".join([head] + added + [f"Authorization: {authz}"])
    if body or want_sreq.partition("\n\n")[1]:
        sreq += "\n\n" + body
    c.eq(f"{name}.sreq", sreq, want_sreq)


def find_suite_vectors(root: str):
    for dirpath, _dirs, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith(".req"):
                yield dirpath, f[:-4]


def check_s3_examples(c: Checker, path: str) -> None:
    doc = json.load(open(path, encoding="utf-8"))
    ex = doc["signingKeyExample"]
    c.eq("signingKeyExample", signing_key(ex["secret"], ex["date"], ex["region"], ex["service"]).hex(),
         ex["signingKey"])
    for e in doc["headerExamples"]:
        headers = list(e["headers"].items())
        creq, signed = canonical_request(e["method"], e["path"], e["query"], headers, e["payloadHash"])
        scope = scope_of(e["date"], e["region"], e["service"])
        sts = string_to_sign(e["date"], scope, creq)
        sig = signature(e["secret"], e["date"], e["region"], e["service"], sts)
        n = e["name"]
        if "payload" in e:
            c.eq(f"{n} payloadHash", hashlib.sha256(e["payload"].encode()).hexdigest(), e["payloadHash"])
        c.eq(f"{n} canonicalRequest", creq, e["canonicalRequest"])
        c.eq(f"{n} canonicalRequestHash", hashlib.sha256(creq.encode()).hexdigest(), e["canonicalRequestHash"])
        c.eq(f"{n} signedHeaders", signed, e["signedHeaders"])
        c.eq(f"{n} stringToSign", sts, e["stringToSign"])
        c.eq(f"{n} signature", sig, e["signature"])
        c.eq(f"{n} authorization", authorization(e["accessKey"], scope, signed, sig, sep=","), e["authorization"])
    for e in doc["presignedExamples"]:
        scope = scope_of(e["date"], e["region"], e["service"])
        auth_query = [
            ("X-Amz-Algorithm", ALGORITHM),
            ("X-Amz-Credential", f"{e['accessKey']}/{scope}"),
            ("X-Amz-Date", e["date"]),
            ("X-Amz-Expires", str(e["expires"])),
            ("X-Amz-SignedHeaders", e["signedHeaders"]),
        ]
        creq, signed = canonical_request(e["method"], e["path"], e["query"] + auth_query,
                                         list(e["headers"].items()), e["payloadHash"])
        sts = string_to_sign(e["date"], scope, creq)
        sig = signature(e["secret"], e["date"], e["region"], e["service"], sts)
        n = e["name"]
        c.eq(f"{n} signedHeaders", signed, e["signedHeaders"])
        c.eq(f"{n} canonicalRequest", creq, e["canonicalRequest"])
        c.eq(f"{n} canonicalRequestHash", hashlib.sha256(creq.encode()).hexdigest(), e["canonicalRequestHash"])
        c.eq(f"{n} stringToSign", sts, e["stringToSign"])
        c.eq(f"{n} signature", sig, e["signature"])
        url = f"{e['scheme']}://{e['headers']['host']}{canonical_uri(e['path'])}?" \
              f"{canonical_query(auth_query)}&X-Amz-Signature={sig}"
        c.eq(f"{n} url", url, e["url"])


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else here
    c = Checker()
    vectors = list(find_suite_vectors(root))
    for directory, name in vectors:
        check_suite_vector(c, directory, name)
    examples = os.path.join(root, "s3-examples.json")
    if os.path.exists(examples):
        check_s3_examples(c, examples)
    for f in c.failures:
        print("FAIL", f)
    for k in c.known:
        print("KNOWN-BAD upstream file, ignored:", k)
    print(f"{len(vectors)} suite vectors + s3-examples.json")
    print(f"{c.passed} passed, {len(c.failures)} failed, {len(c.known)} skipped")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
