#!/usr/bin/python3
"""Virtual My Number card (個人番号カード) for tests, behind a real PC/SC stack.

Connects to the `vpcd` virtual reader driver of pcscd (Debian package
`vsmartcard-vpcd`) over TCP and answers APDUs the way an Individual Number Card
does, with SYNTHETIC holder data only.  Written from the public descriptions of
the card in jpki/myna (MIT), soltia48/myna-card (MIT), AokiApp/jsapdu (MIT) and
OpenSC's card-jpki.c; no code was copied from them or from vsmartcard.

    /usr/bin/python3 jpki_card.py --holder holders/sample.json \
        [--vpcd-port 35963] [--control-port N] [--log apdu.log] [--state state.json]

vpcd wire protocol (verified against the installed pcscd + libifdvpcd 3.3):
every message either way is a 2-byte big-endian length and a payload.  From
vpcd: 1-byte controls 00 power off, 01 power on, 02 reset (no answer
expected), 04 "send ATR" (answer = ATR bytes); anything longer is a C-APDU,
answered with the R-APDU.  vpcd listens; the card connects.  Closing the
socket is a card removal, connecting again an insertion.

Applications emulated (AIDs, EF ids, tags, status words: see README.md):
  JPKI AP              D3 92 F0 00 26 01 00 00 00 01   (公的個人認証AP)
  券面事項入力補助AP      D3 92 10 00 31 00 01 01 04 08   ("kenhojo")
  券面事項確認AP         D3 92 10 00 31 00 01 01 04 02   ("kenkaku")

Needs only the standard library plus `cryptography` (Debian
python3-cryptography) for the synthetic certificates and signatures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import secrets
import select
import signal
import socket
import socketserver
import struct
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))

# ATR of the contact interface as listed in OpenSC's card-jpki.c
# (3B E0 00 FF 81 31 FE 45 14: T=1, IFSC 254, no historical bytes).  Clients must
# identify the card by the JPKI token (EF 0006), not by this.
DEFAULT_ATR = bytes.fromhex("3BE000FF8131FE4514")

AID_JPKI = bytes.fromhex("D392F000260100000001")
AID_KENHOJO = bytes.fromhex("D3921000310001010408")  # 券面事項入力補助AP
AID_KENKAKU = bytes.fromhex("D3921000310001010402")  # 券面事項確認AP
DF_NAMES = {AID_JPKI: "jpki", AID_KENHOJO: "kenhojo", AID_KENKAKU: "kenkaku"}

TOKEN_LABEL_CARD = b"JPKIAPICCTOKEN2".ljust(32, b" ")

SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_INCOMPATIBLE_FILE = b"\x69\x81"
SW_SECURITY = b"\x69\x82"
SW_BLOCKED = b"\x69\x84"
SW_CONDITIONS = b"\x69\x85"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_SM_NOT_SUPPORTED = b"\x68\x82"
SW_SM_DATA_MISSING = b"\x69\xFC"
SW_WRONG_DATA = b"\x6A\x80"
SW_NOT_FOUND = b"\x6A\x82"
SW_WRONG_P1P2 = b"\x6A\x86"
SW_WRONG_PARAMS = b"\x6B\x00"
SW_INS = b"\x6D\x00"
SW_CLA = b"\x6E\x00"


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---------------------------------------------------------------------------
# BER-TLV as the card writes it
# ---------------------------------------------------------------------------

def ber_len(n: int) -> bytes:
    """Length octets the way the card writes them: one byte below 0x80, otherwise
    always the three-byte form 82 hh ll (e.g. 券面事項入力補助AP EF 0005 starts
    FF 40 82 00 9F although 0x9F would fit in 81 9F)."""
    if n < 0x80:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\x82" + n.to_bytes(2, "big")
    raise ValueError("TLV value too long")


def tlv(tag: int, value: bytes) -> bytes:
    tb = tag.to_bytes(1 if tag <= 0xFF else 2, "big")
    return tb + ber_len(len(value)) + value


def with_offsets(outer_tag: int, table_tag: int, fields: list[bytes]) -> bytes:
    """An outer template whose first object is an offset table: one big-endian
    u16 per following field, each the offset of that field's tag from the start
    of the file (outer header included)."""
    table_len = 2 + 1 + 2 * len(fields)
    body_len = table_len + sum(len(f) for f in fields)
    header_len = 2 + len(ber_len(body_len))
    offsets = b""
    pos = header_len + table_len
    for f in fields:
        offsets += pos.to_bytes(2, "big")
        pos += len(f)
    return tlv(outer_tag, tlv(table_tag, offsets) + b"".join(fields))


# ---------------------------------------------------------------------------
# Dates, eras, 照合番号
# ---------------------------------------------------------------------------

ERAS = [  # (first day, name, first Gregorian year)
    (dt.date(2019, 5, 1), "令和", 2019),
    (dt.date(1989, 1, 8), "平成", 1989),
    (dt.date(1926, 12, 25), "昭和", 1926),
    (dt.date(1912, 7, 30), "大正", 1912),
    (dt.date(1868, 1, 25), "明治", 1868),
]


def era_yymmdd(d: dt.date) -> str:
    """Date of birth as printed on the card for 照合番号B: era year, month, day
    (1980-02-17 is 昭和55年 → "550217")."""
    for start, _name, first_year in ERAS:
        if d >= start:
            y = d.year - first_year + 1
            if y > 99:
                raise ValueError("era year does not fit in two digits")
            return "%02d%02d%02d" % (y, d.month, d.day)
    raise ValueError("date before the Meiji era")


def code_b(birth: dt.date, expiry: dt.date, security_code: str) -> str:
    """照合番号B: era YYMMDD of birth + 4-digit expiry year + 4-digit security code."""
    return era_yymmdd(birth) + "%04d" % expiry.year + security_code


def my_number_check_digit(first11: str) -> str:
    """Check digit of an 個人番号 (番号法施行規則 第五条)."""
    total = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return "0" if r <= 1 else str(11 - r)


def parse_date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def parse_datetime(s: str) -> dt.datetime:
    if len(s) == 10:  # a date: end of that day in JST, as JPKI certificates do
        d = dt.date.fromisoformat(s)
        return dt.datetime(d.year, d.month, d.day, 14, 59, 59, tzinfo=dt.timezone.utc)
    v = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if v.tzinfo is None:
        v = v.replace(tzinfo=dt.timezone.utc)
    return v


# ---------------------------------------------------------------------------
# Small images (1-bit PNG, stdlib only)
# ---------------------------------------------------------------------------

def png_1bit(width: int, height: int, seed: bytes) -> bytes:
    """A 1-bit greyscale PNG with a frame and a pattern derived from `seed`.
    Stands in for the rendered name/address/number images of the card face."""
    h = hashlib.sha256(seed).digest()
    rows = b""
    for y in range(height):
        bits = []
        for x in range(width):
            black = (x in (0, width - 1) or y in (0, height - 1)
                     or (2 < y < height - 3 and (h[(x // 3) % 32] >> (y % 8)) & 1 and x % 3 != 2))
            bits.append(0 if black else 1)
        row = bytearray()
        for i in range(0, width, 8):
            byte = 0
            for j in range(8):
                byte = (byte << 1) | (bits[i + j] if i + j < width else 1)
            row.append(byte)
        rows += b"\x00" + bytes(row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


MINIMAL_JP2 = bytes.fromhex("0000000C6A5020200D0A870A00000014667479706A703220000000006A703220")


def load_photo(path: str | None) -> bytes:
    for p in [path, os.path.join(HERE, "assets", "face-synthetic.jp2")]:
        if p and os.path.exists(p):
            with open(p, "rb") as f:
                return f.read()
    return MINIMAL_JP2  # JP2 signature + ftyp boxes only (recognisable, not decodable)


# ---------------------------------------------------------------------------
# RSA helpers
# ---------------------------------------------------------------------------

SHA256_DIGESTINFO_PREFIX = bytes.fromhex("3031300D060960864801650304020105000420")


def raw_pkcs1_sign(key: rsa.RSAPrivateKey, payload: bytes) -> bytes:
    """PKCS#1 v1.5 type-1 padding of `payload` exactly as given, then the private
    key operation (the card's 80 2A P1=00 scheme)."""
    k = (key.key_size + 7) // 8
    if len(payload) > k - 11:
        raise ValueError("payload too long")
    em = b"\x00\x01" + b"\xFF" * (k - 3 - len(payload)) + b"\x00" + payload
    nums = key.private_numbers()
    s = pow(int.from_bytes(em, "big"), nums.d, nums.public_numbers.n)
    return s.to_bytes(k, "big")


def card_pubkey(key: rsa.RSAPrivateKey) -> bytes:
    """RSA public key in the card's own encoding: 90 exponent, 91 modulus."""
    pn = key.public_key().public_numbers()
    n = pn.n.to_bytes((key.key_size + 7) // 8, "big")
    e = pn.e.to_bytes(3, "big")
    return tlv(0x90, e) + tlv(0x91, n)


def key_id(number: str, group: str = "001") -> bytes:
    """16-byte key identifier: 7 digits, 08 05, 3 digits, 4 zero bytes.  The
    synthetic hierarchy uses numbers starting with 9 (production 5, test 6)."""
    return number.encode() + b"\x08\x05" + group.encode() + b"\x00" * 4


def cv_certificate(issuer: rsa.RSAPrivateKey, issuer_id: bytes, subject: rsa.RSAPrivateKey, subject_id: bytes) -> bytes:
    body = issuer_id + subject_id + card_pubkey(subject)
    assert len(body) == 297
    sig = issuer.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return tlv(0x7F21, tlv(0x5F4E, body) + tlv(0x5F37, sig))


class KeyStore:
    """RSA-2048 keys, optionally cached on disk (keygen costs ~0.3 s each)."""

    def __init__(self, cache_dir: str | None):
        self.cache_dir = cache_dir
        self.mem: dict[str, rsa.RSAPrivateKey] = {}

    def get(self, name: str) -> rsa.RSAPrivateKey:
        if name in self.mem:
            return self.mem[name]
        path = None
        if self.cache_dir:
            os.makedirs(self.cache_dir, exist_ok=True)
            path = os.path.join(self.cache_dir, "".join(c if c.isalnum() or c in "-_." else "_" for c in name) + ".pem")
            if os.path.exists(path):
                with open(path, "rb") as f:
                    key = serialization.load_pem_private_key(f.read(), None)
                self.mem[name] = key
                return key
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if path:
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
            os.replace(tmp, path)
        self.mem[name] = key
        return key


# ---------------------------------------------------------------------------
# Holder
# ---------------------------------------------------------------------------

class Holder:
    """Synthetic card holder, from holder JSON (see holders/sample.json)."""

    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        self.raw = d
        self.name: str = d["name"]
        self.address: str = d["address"]
        self.birth_date = parse_date(d["birth_date"])
        self.sex: str = str(d.get("sex", "1"))
        self.card_expiry = parse_date(d["card_expiry"])
        self.cert_not_after = parse_datetime(d["cert_not_after"])
        self.cert_not_before = parse_datetime(d.get("cert_not_before", "2026-01-05T00:00:00Z"))
        self.sign_cert_not_after = parse_datetime(d.get("sign_cert_not_after", d["cert_not_after"]))
        self.security_code: str = d["security_code"]
        self.pin: str = d["pin"]
        self.auth_pin: str = d.get("auth_pin", self.pin)
        self.sign_password: str = d.get("sign_password", "ABC123")
        self.my_number: str = d.get("my_number") or self._default_my_number()
        self.municipality_code: str = d.get("municipality_code", "13229")
        self.card_serial: str = d.get("card_serial") or hashlib.sha256(
            (self.name + d["birth_date"]).encode()).hexdigest()[:16].upper()
        self.tries_override: dict = d.get("tries", {})
        photo = d.get("photo")
        if photo and not os.path.isabs(photo):
            photo = os.path.join(os.path.dirname(self.path), photo)
        self.photo = load_photo(photo)
        self.has_sign_cert: bool = d.get("has_sign_certificate", True)
        self._validate()

    def _default_my_number(self) -> str:
        base = "9" + str(int(hashlib.sha256(self.name.encode()).hexdigest(), 16))[:10]
        return base + my_number_check_digit(base)

    def _validate(self):
        def digits(v, n, what):
            if not (isinstance(v, str) and len(v) == n and v.isdigit()):
                raise ValueError(f"{what} must be {n} ASCII digits")
        digits(self.security_code, 4, "security_code")
        digits(self.pin, 4, "pin")
        digits(self.auth_pin, 4, "auth_pin")
        digits(self.my_number, 12, "my_number")
        if not (6 <= len(self.sign_password) <= 16 and self.sign_password.isalnum()
                and self.sign_password.upper() == self.sign_password):
            raise ValueError("sign_password must be 6-16 upper-case alphanumerics")
        if self.sex not in ("1", "2", "3", "9", "0"):
            raise ValueError("sex must be one digit")
        if self.cert_not_after <= self.cert_not_before:
            raise ValueError("cert_not_after must be after cert_not_before")

    @property
    def code_b(self) -> str:
        return code_b(self.birth_date, self.card_expiry, self.security_code)

    @property
    def birth_key(self) -> str:
        return era_yymmdd(self.birth_date)

    def summary(self) -> dict:
        return {"path": self.path, "card_serial": self.card_serial, "name": self.name,
                "birth_date": self.birth_date.isoformat(), "card_expiry": self.card_expiry.isoformat(),
                "cert_not_after": self.cert_not_after.isoformat().replace("+00:00", "Z"),
                "code_b": self.code_b}


# ---------------------------------------------------------------------------
# Card file system
# ---------------------------------------------------------------------------

class EF:
    def __init__(self, fid: int, name: str, data: bytes = b"", read=None, violation: str | None = None):
        self.fid = fid
        self.name = name
        self.data = data
        # read: None = free; frozenset of key fids = any one of them verified; "never"
        self.read = read
        self.violation = violation


class Key:
    def __init__(self, fid: int, name: str, value: str | None, max_tries: int, violation: str | None = None,
                 issued_blocked: bool = False, signing_key: rsa.RSAPrivateKey | None = None):
        self.fid = fid
        self.name = name
        self.value = value            # None: no value can match (blocked reference)
        self.max_tries = max_tries
        self.violation = violation
        self.issued_blocked = issued_blocked
        self.signing_key = signing_key  # for private-key IEFs (not VERIFY-able)


class DF:
    def __init__(self, short: str, aid: bytes, title: str):
        self.short = short
        self.aid = aid
        self.title = title
        self.efs: dict[int, EF] = {}
        self.keys: dict[int, Key] = {}
        self.sign_key_ref: dict[int, int] = {}  # private-key EF -> key (PIN) EF that unlocks it
        self.default_sign_key: rsa.RSAPrivateKey | None = None

    def add_ef(self, ef: EF):
        self.efs[ef.fid] = ef

    def add_key(self, k: Key):
        self.keys[k.fid] = k


V_MYNUMBER = "individual-number"            # the 個人番号 itself / its image
V_MYNUMBER_KEY = "individual-number-key"    # 照合番号A is the 個人番号
V_SIGN_CERT = "signing-certificate"
V_SIGN_KEY = "signing-key"


def build_card(h: Holder, keys: KeyStore) -> dict[bytes, DF]:
    s = h.card_serial
    # authority keys are shared by every card of this process/key cache
    auth_ca, sign_ca = keys.get("authority-jpki-auth-ca"), keys.get("authority-jpki-sign-ca")
    kenmen_issuer, cv_root = keys.get("authority-kenmen-issuer"), keys.get("authority-cv-root")
    auth_key, sign_key = keys.get(f"card-{s}-jpki-auth"), keys.get(f"card-{s}-jpki-sign")
    card_key, session_key = keys.get(f"card-{s}-kenmen-card"), keys.get(f"card-{s}-kenhojo-session")

    # ---- JPKI AP ---------------------------------------------------------
    jpki = DF("jpki", AID_JPKI, "公的個人認証AP")
    auth_ca_cert = _ca_cert(auth_ca, "JPKI-SYNTHETIC-TEST for user authentication")
    sign_ca_cert = _ca_cert(sign_ca, "JPKI-SYNTHETIC-TEST for digital signature")
    auth_cert = _ee_cert(auth_key, auth_ca, auth_ca_cert, h, h.cert_not_after, sign=False)
    sign_cert = _ee_cert(sign_key, sign_ca, sign_ca_cert, h, h.sign_cert_not_after, sign=True)
    der = serialization.Encoding.DER
    token = bytearray(b" " * 160)
    token[0:32] = TOKEN_LABEL_CARD
    token[32:64] = b"SYNTHETIC-CARD-EMULATOR".ljust(32, b" ")
    token[64:80] = b"EMU01NJ".ljust(16, b" ")
    token[80:96] = hashlib.sha256(s.encode()).hexdigest()[:16].upper().encode()
    for off, val in [(96, 0x0000040D), (100, 1), (104, 0), (108, 1), (112, 0), (116, 16), (120, 6),
                     (124, 0xFFFFFFFF), (128, 0xFFFFFFFF), (132, 0xFFFFFFFF), (136, 0xFFFFFFFF)]:
        token[off:off + 4] = val.to_bytes(4, "big")
    token[140:144] = b"0301"
    jpki.add_ef(EF(0x0006, "token-info (CK_TOKEN_INFO, label JPKIAPICCTOKEN2)", bytes(token)))
    jpki.add_ef(EF(0x0008, "certificate availability", b"\x8F\x8F\x00" if h.has_sign_cert else b"\x00\x8F\x00"))
    jpki.add_ef(EF(0x0009, "unknown protected EF", b"\xFF" * 16, read="never"))
    jpki.add_ef(EF(0x000A, "利用者証明用電子証明書", auth_cert.public_bytes(der)))
    jpki.add_ef(EF(0x000B, "利用者証明用CA証明書", auth_ca_cert.public_bytes(der)))
    if h.has_sign_cert:
        jpki.add_ef(EF(0x0001, "署名用電子証明書", sign_cert.public_bytes(der), read=frozenset({0x001B}),
                       violation=V_SIGN_CERT))
        jpki.add_ef(EF(0x0002, "署名用CA証明書", sign_ca_cert.public_bytes(der)))
    jpki.add_key(Key(0x0017, "利用者証明用秘密鍵", None, 0, signing_key=auth_key))
    jpki.add_key(Key(0x0018, "利用者証明用暗証番号 (auth PIN)", h.auth_pin, 3))
    jpki.add_key(Key(0x001A, "署名用秘密鍵", None, 0, signing_key=sign_key, violation=V_SIGN_KEY))
    jpki.add_key(Key(0x001B, "署名用パスワード (sign password)", h.sign_password, 5, violation=V_SIGN_KEY))
    jpki.sign_key_ref = {0x0017: 0x0018, 0x001A: 0x001B}

    # ---- 券面事項入力補助AP (kenhojo) ---------------------------------------
    hojo = DF("kenhojo", AID_KENHOJO, "券面事項入力補助AP")
    mn_file = tlv(0xFF10, h.my_number.encode()) + b"\xFF\xFF"   # 15-byte object + 2 filler bytes
    basic4 = with_offsets(0xFF20, 0xDF21, [
        tlv(0xDF22, h.name.encode("utf-8")),
        tlv(0xDF23, h.address.encode("utf-8")),
        tlv(0xDF24, h.birth_date.strftime("%Y%m%d").encode()),
        tlv(0xDF25, h.sex.encode()),
    ])
    # DF32 hashes the outer value with the offset table skipped (DF22 .. end)
    outer_hdr = _header_len(basic4)
    table_total = _header_len(basic4[outer_hdr:]) + basic4[outer_hdr + 2]
    digest_src = basic4[outer_hdr + table_total:]
    integ_body = tlv(0xDF31, hashlib.sha256(mn_file).digest()) + tlv(0xDF32, hashlib.sha256(digest_src).digest())
    integ = tlv(0xFF30, integ_body + tlv(0xDF33, kenmen_issuer.sign(integ_body, padding.PKCS1v15(), hashes.SHA256())))
    hojo_issuer_id, hojo_card_id = key_id("9000033"), key_id("9" + h.municipality_code[:5].rjust(6, "0"))
    hojo.add_ef(EF(0x0001, "個人番号 (My Number)", mn_file, read=frozenset({0x0011, 0x0014}), violation=V_MYNUMBER))
    hojo.add_ef(EF(0x0002, "基本4情報", basic4, read=frozenset({0x0011, 0x0015})))
    hojo.add_ef(EF(0x0003, "integrity record (hashes + signature)", integ, read=frozenset({0x0011, 0x0014, 0x0015})))
    hojo.add_ef(EF(0x0004, "AP CV certificate", cv_certificate(cv_root, key_id("9000003"), kenmen_issuer, hojo_issuer_id)))
    hojo.add_ef(EF(0x0005, "AP basic information", tlv(0xFF40, tlv(0xDF41, b"\x01\x03\x0E\x01")
                                                        + tlv(0xDF42, key_id("9000034"))
                                                        + tlv(0xDF43, hashlib.sha256(s.encode()).digest() + b"\xFF" * 96))))
    hojo.add_ef(EF(0x0006, "session-key encryption public key", tlv(0xA1, card_pubkey(session_key)),
                   read=frozenset({0x0011, 0x0014, 0x0015})))
    pub = card_pubkey(card_key)
    hojo.add_ef(EF(0x0007, "signed AP public key", tlv(0xFF50, tlv(0xDF51, pub) + tlv(
        0xDF52, kenmen_issuer.sign(tlv(0xDF51, pub), padding.PKCS1v15(), hashes.SHA256()))),
        read=frozenset({0x0011, 0x0014, 0x0015})))
    hojo.add_ef(EF(0x0008, "unknown (16 x FF)", b"\xFF" * 16))
    hojo.add_key(Key(0x0011, "券面事項入力補助用暗証番号 (PIN)", h.pin, 3))
    hojo.add_key(Key(0x0012, "blocked reference (issued with 0 tries)", None, 0, issued_blocked=True))
    hojo.add_key(Key(0x0014, "照合番号A (= 個人番号)", h.my_number, 10, violation=V_MYNUMBER_KEY))
    hojo.add_key(Key(0x0015, "照合番号B", h.code_b, 10))
    hojo.default_sign_key = card_key

    # ---- 券面事項確認AP (kenkaku) ---------------------------------------------
    kaku = DF("kenkaku", AID_KENKAKU, "券面事項確認AP")
    age_body = tlv(0xDF11, h.birth_date.strftime("%Y%m%d").encode()) + tlv(0xDF12, pub)
    age = tlv(0xFF10, age_body + tlv(0xDF13, kenmen_issuer.sign(age_body, padding.PKCS1v15(), hashes.SHA256())))
    f22 = tlv(0xDF22, h.birth_date.strftime("%Y%m%d").encode())
    f23 = tlv(0xDF23, h.sex.encode())
    f24 = tlv(0xDF24, pub)
    f25 = tlv(0xDF25, png_1bit(192, 24, b"name:" + h.name.encode()))
    f26 = tlv(0xDF26, png_1bit(384, 48, b"addr:" + h.address.encode()))
    f27 = tlv(0xDF27, h.photo)
    digests = b"".join(hashlib.sha256(x).digest() for x in (f22 + f23 + f24, f25 + f26, f27))
    # signed in three groups, each SHA-256 hashed, the 96 bytes wrapped as one DigestInfo
    f28 = tlv(0xDF28, raw_pkcs1_sign(kenmen_issuer, _digestinfo_sha256(digests)))
    f29 = tlv(0xDF29, h.card_expiry.strftime("%Y%m%d").encode())
    f2a = tlv(0xDF2A, png_1bit(24, 12, b"sc:" + h.security_code.encode()))
    face = with_offsets(0xFF20, 0xDF21, [f22, f23, f24, f25, f26, f27, f28, f29, f2a])
    mn_img_body = tlv(0xDF41, png_1bit(72, 12, b"mn:" + h.my_number.encode())) + tlv(0xDF42, pub)
    mn_img = tlv(0xFF40, mn_img_body + tlv(0xDF43, kenmen_issuer.sign(mn_img_body, padding.PKCS1v15(), hashes.SHA256())))
    kaku_issuer_id = key_id("9000023")
    basic = tlv(0xFF30, tlv(0xDF31, b"\x06\x03\x0E\x01") + tlv(0xDF32, key_id("9000024")) + tlv(0xDF33, b"\x01")
                + tlv(0xDF34, h.municipality_code[:5].encode()) + tlv(0xDF35, key_id("9000025") + secrets.token_bytes(256)))
    kaku.add_ef(EF(0x0001, "age verification record (生年月日)", age, read=frozenset({0x0011})))
    kaku.add_ef(EF(0x0002, "券面事項 (card face)", face, read=frozenset({0x0012, 0x0013})))
    kaku.add_ef(EF(0x0003, "AP basic information", basic))
    kaku.add_ef(EF(0x0004, "AP CV certificate", cv_certificate(cv_root, key_id("9000003"), kenmen_issuer, kaku_issuer_id)))
    kaku.add_ef(EF(0x0005, "個人番号 image", mn_img, read=frozenset({0x0013}), violation=V_MYNUMBER))
    kaku.add_ef(EF(0x0006, "unknown (16 x FF)", b"\xFF" * 16, read=frozenset({0x0012, 0x0013})))
    kaku.add_key(Key(0x0011, "生年月日 (era YYMMDD)", h.birth_key, 10))
    kaku.add_key(Key(0x0012, "照合番号B", h.code_b, 10))
    kaku.add_key(Key(0x0013, "照合番号A (= 個人番号)", h.my_number, 10, violation=V_MYNUMBER_KEY))
    kaku.default_sign_key = card_key
    return {AID_JPKI: jpki, AID_KENHOJO: hojo, AID_KENKAKU: kaku}


def _header_len(b: bytes) -> int:
    tag_len = 2 if (b[0] & 0x1F) == 0x1F else 1
    first = b[tag_len]
    return tag_len + (1 if first < 0x80 else 1 + (first & 0x7F))


def _digestinfo_sha256(payload: bytes) -> bytes:
    """DigestInfo{sha256, OCTET STRING payload} with a payload of any length (the
    card-face signature wraps three concatenated SHA-256 values, 96 bytes)."""
    alg = bytes.fromhex("300D06096086480165030402010500")
    octet = b"\x04" + _der_len(len(payload)) + payload
    inner = alg + octet
    return b"\x30" + _der_len(len(inner)) + inner


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _ca_cert(key, ou: str) -> x509.Certificate:
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI-SYNTHETIC-TEST"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Madoguchi card emulator (not a real CA)"),
    ])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(int.from_bytes(hashlib.sha256(ou.encode()).digest()[:8], "big"))
            .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
            .not_valid_after(dt.datetime(2045, 12, 31, 14, 59, 59, tzinfo=dt.timezone.utc))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))


def _ee_cert(key, ca_key, ca_cert: x509.Certificate, h: Holder, not_after: dt.datetime, sign: bool) -> x509.Certificate:
    serial_seed = hashlib.sha256((h.card_serial + ("sign" if sign else "auth")).encode()).digest()
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "JP")]
    if sign:  # the real signing certificate carries the 基本4情報; the auth one carries none
        attrs += [x509.NameAttribute(NameOID.COMMON_NAME, h.name)]
    else:
        attrs += [x509.NameAttribute(NameOID.COMMON_NAME, serial_seed.hex()[:20].upper())]
    b = (x509.CertificateBuilder().subject_name(x509.Name(attrs)).issuer_name(ca_cert.subject)
         .public_key(key.public_key())
         .serial_number(int.from_bytes(serial_seed[:8], "big") >> 1)
         .not_valid_before(min(h.cert_not_before, not_after - dt.timedelta(days=1)))
         .not_valid_after(not_after)
         .add_extension(x509.KeyUsage(True, sign, False, False, False, False, False, False, False), critical=True)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    return b.sign(ca_key, hashes.SHA256())


# ---------------------------------------------------------------------------
# Persistent state (try counters, changed PINs)
# ---------------------------------------------------------------------------

class StateFile:
    def __init__(self, path: str | None):
        self.path = path
        self.data = {"cards": {}}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.data = json.load(f)
            self.data.setdefault("cards", {})

    def card(self, serial: str) -> dict:
        c = self.data["cards"].setdefault(serial, {})
        c.setdefault("tries", {})
        c.setdefault("values", {})
        return c

    def save(self):
        if not self.path:
            return
        d = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.data, f, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, self.path)


# ---------------------------------------------------------------------------
# APDU parsing
# ---------------------------------------------------------------------------

class ApduError(Exception):
    pass


def parse_apdu(b: bytes):
    """Returns (cla, ins, p1, p2, data, le) where le is None (absent) or the
    number of bytes expected (short 00 = 256, extended 0000 = 65536)."""
    if len(b) < 4:
        raise ApduError("too short")
    cla, ins, p1, p2 = b[0], b[1], b[2], b[3]
    body = b[4:]
    if not body:
        return cla, ins, p1, p2, b"", None
    if len(body) == 1:
        return cla, ins, p1, p2, b"", body[0] or 256
    if body[0] != 0:  # short Lc
        lc = body[0]
        if len(body) == 1 + lc:
            return cla, ins, p1, p2, body[1:], None
        if len(body) == 2 + lc:
            return cla, ins, p1, p2, body[1:1 + lc], body[-1] or 256
        raise ApduError("bad short length")
    # extended
    if len(body) == 3:
        le = (body[1] << 8) | body[2]
        return cla, ins, p1, p2, b"", le or 65536
    lc = (body[1] << 8) | body[2]
    if lc == 0:
        raise ApduError("bad extended length")
    if len(body) == 3 + lc:
        return cla, ins, p1, p2, body[3:], None
    if len(body) == 5 + lc:
        le = (body[-2] << 8) | body[-1]
        return cla, ins, p1, p2, body[3:3 + lc], le or 65536
    raise ApduError("bad extended length")


# ---------------------------------------------------------------------------
# The card
# ---------------------------------------------------------------------------

class Card:
    def __init__(self, holder: Holder, keys: KeyStore, state: StateFile, atr: bytes):
        self.holder = holder
        self.keystore = keys
        self.state = state
        self.atr = atr
        self.dfs = build_card(holder, keys)
        self.persist = state.card(holder.card_serial)
        for ref, n in holder.tries_override.items():
            self.persist["tries"].setdefault(ref, int(n))
        self.df: DF | None = None
        self.ef: int | None = None
        self.verified: set[int] = set()
        self.cold = True   # nothing selected since the last reset

    # --- state -----------------------------------------------------------
    def ref(self, df: DF, fid: int) -> str:
        return "%s/%04X" % (df.short, fid)

    def remaining(self, df: DF, k: Key) -> int:
        if k.issued_blocked:
            return 0
        return int(self.persist["tries"].get(self.ref(df, k.fid), k.max_tries))

    def set_remaining(self, df: DF, k: Key, n: int):
        self.persist["tries"][self.ref(df, k.fid)] = n
        self.state.save()

    def key_value(self, df: DF, k: Key) -> str | None:
        return self.persist["values"].get(self.ref(df, k.fid), k.value)

    def reset(self):
        self.df, self.ef, self.verified, self.cold = None, None, set(), True

    def tries_report(self) -> list[dict]:
        out = []
        for df in self.dfs.values():
            for k in df.keys.values():
                if k.max_tries == 0 and not k.issued_blocked:
                    continue  # private keys
                r = self.remaining(df, k)
                out.append({"ref": self.ref(df, k.fid), "df": df.short, "ef": "%04X" % k.fid, "name": k.name,
                            "remaining": r, "max": k.max_tries, "blocked": r == 0,
                            "verified": self.df is df and k.fid in self.verified})
        return out

    def reset_tries(self):
        self.persist["tries"].clear()
        self.state.save()

    def set_tries(self, ref: str, n: int):
        short, _, fid = ref.partition("/")
        for df in self.dfs.values():
            if df.short == short.lower() and int(fid, 16) in df.keys:
                k = df.keys[int(fid, 16)]
                self.set_remaining(df, k, max(0, min(n, k.max_tries)))
                return
        raise KeyError(ref)

    # --- dispatch --------------------------------------------------------
    def process(self, capdu: bytes) -> tuple[bytes, dict]:
        """Returns (rapdu, info) where info has the violation (or None)."""
        info = {"violation": None, "cmd": None}
        try:
            cla, ins, p1, p2, data, le = parse_apdu(capdu)
        except ApduError:
            return SW_WRONG_LENGTH, info
        if cla in (0x08, 0x0C):  # secure messaging is refused throughout
            return (SW_SM_NOT_SUPPORTED if ins == 0xA4 else SW_SM_DATA_MISSING), info
        if cla == 0x00:
            handler = {0xA4: self.select, 0xB0: self.read_binary, 0x20: self.verify,
                       0x24: self.change_reference_data, 0x84: self.get_challenge}.get(ins)
        elif cla == 0x80:
            handler = {0x2A: self.compute_signature}.get(ins)
        else:
            return SW_CLA, info
        if handler is None:
            return SW_INS, info
        return handler(p1, p2, data, le, info), info

    def _flag(self, info: dict, df: DF, obj):
        v = getattr(obj, "violation", None)
        if v:
            info["violation"] = "%s: %s %s EF %04X (%s)" % (v, df.short, df.title, obj.fid, obj.name)

    def _select_ef_id(self, fid: int, info: dict) -> bool:
        df = self.df
        if df is None:
            return False
        obj = df.efs.get(fid) or df.keys.get(fid)
        if obj is None:
            return False
        self.ef = fid
        self._flag(info, df, obj)
        return True

    # --- SELECT FILE -----------------------------------------------------
    def select(self, p1, p2, data, le, info):
        info["cmd"] = "SELECT"
        if p1 == 0x04:  # by DF name
            if p2 not in (0x0C, 0x00):
                return SW_WRONG_P1P2
            df = self.dfs.get(bytes(data))
            info["cmd"] = "SELECT DF"
            if df is None:
                return SW_NOT_FOUND
            if df is not self.df:
                self.verified = set()   # security status is per DF
            self.df, self.ef, self.cold = df, None, False
            return SW_OK
        if p1 == 0x02:  # EF under current DF
            info["cmd"] = "SELECT EF"
            if p2 not in (0x0C, 0x00):
                return SW_WRONG_P1P2
            if len(data) != 2:
                return SW_WRONG_LENGTH
            fid = int.from_bytes(data, "big")
            info["ef"] = "%04X" % fid
            return SW_OK if self._select_ef_id(fid, info) else SW_NOT_FOUND
        if p1 == 0x00:
            if not data:  # ISO "select MF": refused after a cold reset, a no-op with a DF current
                return SW_WRONG_P1P2 if self.cold or self.df is None else SW_OK
            return SW_NOT_FOUND  # 3F00 by id is not found either
        return SW_WRONG_P1P2

    # --- READ BINARY -----------------------------------------------------
    def read_binary(self, p1, p2, data, le, info):
        info["cmd"] = "READ BINARY"
        if data:
            return SW_WRONG_LENGTH
        if le is None:
            return SW_WRONG_LENGTH
        if p1 & 0x80:  # short EF identifier in P1, 8-bit offset in P2
            if p1 & 0x60:
                return SW_WRONG_P1P2
            if not self._select_ef_id(p1 & 0x1F, info):
                return SW_NOT_FOUND
            offset = p2
        else:
            offset = (p1 << 8) | p2
        if self.df is None or self.ef is None:
            return SW_NO_CURRENT_EF
        df = self.df
        if self.ef in df.keys:
            return SW_INCOMPATIBLE_FILE
        ef = df.efs[self.ef]
        self._flag(info, df, ef)
        if ef.read == "never":
            return SW_SECURITY
        if ef.read is not None and not (ef.read & self.verified):
            return SW_SECURITY
        if offset >= len(ef.data):
            return SW_WRONG_PARAMS
        # The card reads to the end of the file within Le (JICSAP 6.4.1) and says 9000.
        return ef.data[offset:offset + le] + SW_OK

    # --- VERIFY ------------------------------------------------------------
    def _key_for(self, p2, info) -> Key | bytes:
        if self.df is None:
            return SW_NO_CURRENT_EF
        if p2 == 0x80:
            if self.ef is None:
                return SW_NO_CURRENT_EF
            fid = self.ef
        elif 0x81 <= p2 <= 0x9E:
            fid = p2 & 0x1F
            if not self._select_ef_id(fid, info):
                return SW_NOT_FOUND
        else:
            return SW_WRONG_P1P2
        k = self.df.keys.get(fid)
        if k is None or k.signing_key is not None:
            return SW_INCOMPATIBLE_FILE if fid in self.df.efs or k is not None else SW_NOT_FOUND
        self._flag(info, self.df, k)
        return k

    def verify(self, p1, p2, data, le, info):
        info["cmd"] = "VERIFY"
        if p1 != 0x00:
            return SW_WRONG_P1P2
        k = self._key_for(p2, info)
        if isinstance(k, bytes):
            return k
        df = self.df
        left = self.remaining(df, k)
        if not data:  # query the counter without spending a try
            if left == 0:
                return b"\x63\xC0"
            if k.fid in self.verified:
                return SW_OK
            return bytes([0x63, 0xC0 | min(left, 15)])
        if len(data) > 16:
            return SW_WRONG_LENGTH
        if left == 0:
            return SW_BLOCKED
        value = self.key_value(df, k)
        if value is not None and bytes(data) == value.encode():
            if left != k.max_tries:
                self.set_remaining(df, k, k.max_tries)
            self.verified.add(k.fid)
            return SW_OK
        left -= 1
        self.set_remaining(df, k, left)
        self.verified.discard(k.fid)
        return bytes([0x63, 0xC0 | min(left, 15)])

    # --- CHANGE REFERENCE DATA (00 24 01 80) -------------------------------
    def change_reference_data(self, p1, p2, data, le, info):
        info["cmd"] = "CHANGE REFERENCE DATA"
        if p1 != 0x01:
            return SW_WRONG_P1P2
        k = self._key_for(p2, info)
        if isinstance(k, bytes):
            return k
        if k.fid not in self.verified:
            return SW_SECURITY
        if not (1 <= len(data) <= 16):
            return SW_WRONG_LENGTH
        self.persist["values"][self.ref(self.df, k.fid)] = bytes(data).decode("ascii", "replace")
        self.state.save()
        return SW_OK

    # --- GET CHALLENGE -----------------------------------------------------
    def get_challenge(self, p1, p2, data, le, info):
        info["cmd"] = "GET CHALLENGE"
        if p1 or p2:
            return SW_WRONG_P1P2
        if le is None or le > 256:
            return SW_CONDITIONS
        return secrets.token_bytes(le) + SW_OK

    # --- COMPUTE DIGITAL SIGNATURE (80 2A) ---------------------------------
    def compute_signature(self, p1, p2, data, le, info):
        info["cmd"] = "COMPUTE SIGNATURE"
        df = self.df
        if df is None:
            return SW_CONDITIONS
        if df.short == "jpki":
            if p2 == 0x80:
                fid = self.ef
            elif 0x81 <= p2 <= 0x9E:
                fid = p2 & 0x1F
                if not self._select_ef_id(fid, info):
                    return SW_NOT_FOUND
            else:
                return SW_WRONG_P1P2
            k = df.keys.get(fid) if fid is not None else None
            if k is None or k.signing_key is None:
                return SW_CONDITIONS
            self._flag(info, df, k)
            if df.sign_key_ref[fid] not in self.verified:
                return SW_SECURITY
            key = k.signing_key
        else:
            if p2 != 0x00 or df.default_sign_key is None:
                return SW_WRONG_P1P2
            key = df.default_sign_key
        try:
            if p1 == 0x00:
                sig = raw_pkcs1_sign(key, bytes(data))
            elif p1 == 0x01:
                sig = raw_pkcs1_sign(key, hashlib.sha256(data).digest())
            elif p1 == 0x02:
                if len(data) != 32:
                    return SW_WRONG_LENGTH
                sig = raw_pkcs1_sign(key, SHA256_DIGESTINFO_PREFIX + bytes(data))
            elif p1 == 0x03:
                sig = raw_pkcs1_sign(key, SHA256_DIGESTINFO_PREFIX + hashlib.sha256(data).digest())
            elif p1 in (0x04, 0x05):
                pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
                if p1 == 0x04:
                    if len(data) != 32:
                        return SW_WRONG_LENGTH
                    sig = key.sign(bytes(data), pss, Prehashed(hashes.SHA256()))
                else:
                    sig = key.sign(bytes(data), pss, hashes.SHA256())
            else:
                return SW_WRONG_P1P2
        except ValueError:
            return SW_WRONG_LENGTH
        return sig + SW_OK


# ---------------------------------------------------------------------------
# APDU log
# ---------------------------------------------------------------------------

class ApduLog:
    def __init__(self, path: str | None, echo: bool):
        self.path = path
        self.echo = echo
        self.entries: list[dict] = []
        self.lock = threading.Lock()
        if path:
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)

    def add(self, entry: dict):
        with self.lock:
            self.entries.append(entry)
            if self.path:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if self.echo or entry.get("violation"):
            flag = ("  !! " + entry["violation"]) if entry.get("violation") else ""
            print("APDU %s -> %s [%s/%s]%s" % (entry["capdu"], entry["rapdu"], entry["df"], entry["ef"], flag),
                  file=sys.stderr, flush=True)

    def reset(self):
        with self.lock:
            self.entries = []

    def snapshot(self, only_violations=False) -> list[dict]:
        with self.lock:
            return [e for e in self.entries if e.get("violation")] if only_violations else list(self.entries)


# ---------------------------------------------------------------------------
# vpcd link
# ---------------------------------------------------------------------------

def recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


class Emulator:
    def __init__(self, args):
        self.args = args
        self.lock = threading.RLock()
        self.keys = KeyStore(args.key_cache)
        self.state = StateFile(args.state)
        self.log = ApduLog(args.log, args.verbose)
        self.atr = bytes.fromhex(args.atr) if args.atr else DEFAULT_ATR
        self.card = Card(Holder(args.holder), self.keys, self.state, self.atr)
        self.want_inserted = not args.removed
        self.sock: socket.socket | None = None
        self.connected = threading.Event()
        self.contacted = threading.Event()   # vpcd has talked to this connection
        self.stop = threading.Event()
        self.powered = False
        self.thread = threading.Thread(target=self._run, name="vpcd", daemon=True)

    # --- vpcd loop -----------------------------------------------------------
    def _run(self):
        while not self.stop.is_set():
            if not self.want_inserted:
                self._close()
                time.sleep(0.05)
                continue
            if self.sock is None:
                try:
                    s = socket.create_connection((self.args.vpcd_host, self.args.vpcd_port), timeout=2)
                    s.settimeout(None)
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    with self.lock:
                        self.sock = s
                        self.card.reset()
                        self.powered = False
                    self.contacted.clear()
                    self.connected.set()
                except OSError:
                    time.sleep(0.3)
                    continue
            try:
                r, _, _ = select.select([self.sock], [], [], 0.1)
            except (OSError, ValueError):
                self._close()
                continue
            if not r:
                continue
            try:
                hdr = recv_exact(self.sock, 2)
                if hdr is None:
                    raise OSError("vpcd closed the connection")
                n = struct.unpack(">H", hdr)[0]
                msg = recv_exact(self.sock, n) if n else b""
                if msg is None:
                    raise OSError("vpcd closed the connection")
                reply = self._handle(msg)
                if reply is not None:
                    self.sock.sendall(struct.pack(">H", len(reply)) + reply)
            except OSError:
                self._close()
                time.sleep(0.2)

    def _handle(self, msg: bytes) -> bytes | None:
        self.contacted.set()
        if len(msg) == 1:
            c = msg[0]
            with self.lock:
                if c == 0x00:      # power off
                    self.powered = False
                    self.card.reset()
                elif c == 0x01:    # power on
                    self.powered = True
                    self.card.reset()
                elif c == 0x02:    # reset
                    self.card.reset()
                elif c == 0x04:    # ATR
                    return self.card.atr
            return None
        with self.lock:
            card = self.card
            rapdu, info = card.process(msg)
            entry = {"time": now_iso(), "capdu": msg.hex().upper(), "rapdu": rapdu.hex().upper(),
                     "df": card.df.short if card.df else None,
                     "ef": ("%04X" % card.ef) if card.ef is not None else None,
                     "cmd": info.get("cmd"), "violation": info.get("violation")}
        self.log.add(entry)
        return rapdu

    def _close(self):
        with self.lock:
            s, self.sock = self.sock, None
            self.connected.clear()
            self.contacted.clear()
        if s is not None:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    # --- control operations -----------------------------------------------------
    def insert(self, wait: float = 5.0) -> dict:
        self.want_inserted = True
        ok = self.connected.wait(wait)
        seen = ok and self.contacted.wait(max(0.0, wait))
        return {"ok": ok, "inserted": True, "connected": ok, "seen_by_pcscd": bool(seen)}

    def remove(self) -> dict:
        self.want_inserted = False
        deadline = time.time() + 2
        while self.sock is not None and time.time() < deadline:
            time.sleep(0.02)
        return {"ok": True, "inserted": False}

    def load(self, path: str) -> dict:
        holder = Holder(path)          # validate before touching the current card
        was = self.want_inserted
        if was:
            self.remove()
            time.sleep(self.args.swap_delay)   # let pcscd's presence poll see the removal
        with self.lock:
            self.card = Card(holder, self.keys, self.state, self.atr)
        res = {"ok": True, "holder": holder.summary()}
        if was:
            res["insert"] = self.insert()
        return res

    def status(self) -> dict:
        with self.lock:
            c = self.card
            return {"ok": True, "inserted": self.want_inserted, "connected": self.sock is not None,
                    "powered": self.powered, "holder": c.holder.summary(),
                    "df": c.df.short if c.df else None, "ef": ("%04X" % c.ef) if c.ef is not None else None,
                    "tries": c.tries_report(),
                    "violations": len(self.log.snapshot(only_violations=True))}

    def command(self, line: str) -> dict:
        parts = line.strip().split(None, 1)
        if not parts:
            return {"ok": False, "error": "empty command"}
        cmd, arg = parts[0].lower(), (parts[1].strip() if len(parts) > 1 else "")
        try:
            if cmd == "ping":
                return {"ok": True, "pong": True}
            if cmd == "insert":
                return self.insert(float(arg) if arg else 5.0)
            if cmd == "remove":
                return self.remove()
            if cmd == "load":
                if not arg:
                    return {"ok": False, "error": "load needs a holder.json path"}
                return self.load(arg)
            if cmd in ("state", "status"):
                return self.status()
            if cmd == "log":
                return {"ok": True, "entries": self.log.snapshot()}
            if cmd == "violations":
                return {"ok": True, "entries": self.log.snapshot(only_violations=True)}
            if cmd == "reset-log":
                self.log.reset()
                return {"ok": True}
            if cmd == "reset-tries":
                with self.lock:
                    self.card.reset_tries()
                return self.status()
            if cmd == "set-tries":
                ref, n = arg.split()
                with self.lock:
                    self.card.set_tries(ref, int(n))
                return self.status()
            if cmd in ("shutdown", "quit", "exit"):
                threading.Timer(0.1, self.shutdown).start()
                return {"ok": True, "shutdown": True}
            return {"ok": False, "error": "unknown command %r" % cmd}
        except Exception as e:  # report, keep serving
            return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}

    def shutdown(self):
        self.stop.set()
        self._close()
        if getattr(self, "server", None):
            threading.Thread(target=self.server.shutdown, daemon=True).start()


# ---------------------------------------------------------------------------
# Control channel: line protocol or HTTP on the same port
# ---------------------------------------------------------------------------

HTTP_METHODS = (b"GET ", b"POST ", b"PUT ", b"DELETE ", b"HEAD ")


class ControlHandler(socketserver.StreamRequestHandler):
    emulator: Emulator = None  # set by serve()

    def handle(self):
        first = self.rfile.readline(65536)
        if not first:
            return
        if first.startswith(HTTP_METHODS):
            return self.handle_http(first)
        line = first
        while line:
            text = line.decode("utf-8", "replace").strip()
            if text:
                res = self.emulator.command(text)
                self.wfile.write((json.dumps(res, ensure_ascii=False) + "\n").encode("utf-8"))
                self.wfile.flush()
                if text.lower() in ("quit", "shutdown", "exit"):
                    return
            line = self.rfile.readline(65536)

    def handle_http(self, first: bytes):
        try:
            method, target, _ = first.decode("latin-1").split(" ", 2)
        except ValueError:
            return
        length = 0
        while True:
            h = self.rfile.readline(65536)
            if not h or h in (b"\r\n", b"\n"):
                break
            k, _, v = h.decode("latin-1").partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip() or 0)
        body = self.rfile.read(length).decode("utf-8", "replace").strip() if length else ""
        u = urllib.parse.urlsplit(target)
        q = dict(urllib.parse.parse_qsl(u.query))
        cmd = u.path.strip("/") or "state"
        arg = body or q.get("path") or ""
        if cmd == "set-tries":
            arg = body or "%s %s" % (q.get("ref", ""), q.get("n", ""))
        elif cmd == "insert":
            arg = q.get("wait", "")
        res = self.emulator.command((cmd + " " + arg).strip())
        payload = json.dumps(res, ensure_ascii=False).encode("utf-8")
        status = "200 OK" if res.get("ok") else "400 Bad Request"
        self.wfile.write(("HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                          "Content-Length: %d\r\nConnection: close\r\n\r\n" % (status, len(payload))).encode() + payload)


class ControlServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Virtual My Number card for vpcd/pcscd (synthetic data only)")
    ap.add_argument("--holder", required=True, help="holder JSON (see holders/sample.json)")
    ap.add_argument("--vpcd-host", default="127.0.0.1")
    ap.add_argument("--vpcd-port", type=int, default=35963,
                    help="35963 = reader 'Virtual PCD 00 00', 35964 = 'Virtual PCD 00 01'")
    ap.add_argument("--control-port", type=int, default=None,
                    help="line/HTTP control server on 127.0.0.1 (0 = pick a free port)")
    ap.add_argument("--log", help="append every APDU as a JSON line to this file")
    ap.add_argument("--state", help="JSON file keeping try counters (and changed PINs) across runs")
    ap.add_argument("--key-cache", help="directory to cache generated RSA keys (speeds up restarts)")
    ap.add_argument("--removed", action="store_true", help="start with the card out of the reader")
    ap.add_argument("--atr", help="override the ATR (hex)")
    ap.add_argument("--swap-delay", type=float, default=1.0, help="seconds out of the reader during `load`")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every APDU to stderr")
    args = ap.parse_args(argv)

    emu = Emulator(args)
    emu.thread.start()
    ctl = ""
    if args.control_port is not None:
        ControlHandler.emulator = emu
        server = ControlServer(("127.0.0.1", args.control_port), ControlHandler)
        emu.server = server
        ctl = " control=127.0.0.1:%d" % server.server_address[1]
        threading.Thread(target=server.serve_forever, name="control", daemon=True).start()

    def on_signal(signum, frame):
        emu.shutdown()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    print("READY%s vpcd=%s:%d holder=%s serial=%s" % (ctl, args.vpcd_host, args.vpcd_port,
                                                      emu.card.holder.path, emu.card.holder.card_serial), flush=True)
    while not emu.stop.is_set():
        emu.stop.wait(0.5)
    emu._close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
