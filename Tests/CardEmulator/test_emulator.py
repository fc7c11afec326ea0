#!/usr/bin/python3
"""Smoke test of the virtual My Number card through the real PC/SC stack.

    /usr/bin/python3 Tests/CardEmulator/test_emulator.py [--slot 0] [--write-recorded]

Starts pcscd if needed (start-pcsc.sh), starts jpki_card.py with the sample
holder, and talks to it with pyscard's raw PC/SC API (SCardConnect /
SCardTransmit / SCardReconnect), as a Swift client on libpcsclite would.
Exits non-zero on any failure.  Use /usr/bin/python3: Debian's python3-pyscard
lives in /usr/lib/python3/dist-packages.

--write-recorded also refreshes the hex blobs under recorded/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True

try:
    from smartcard import scard as S
except ImportError:
    sys.exit("pyscard missing: apt-get install python3-pyscard and run with /usr/bin/python3")
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, "jpki_card.py")
SAMPLE = os.path.join(HERE, "holders", "sample.json")
SHOWA64 = os.path.join(HERE, "holders", "showa64-expired-cert.json")
MINOR = os.path.join(HERE, "holders", "reiwa-minor.json")

AID_JPKI = "D392F000260100000001"
AID_KENHOJO = "D3921000310001010408"
AID_KENKAKU = "D3921000310001010402"

FAILURES: list[str] = []


def check(cond: bool, what: str):
    print(("  ok    " if cond else "  FAIL  ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


# ---------------------------------------------------------------------------
# PC/SC helpers
# ---------------------------------------------------------------------------

class PcscError(Exception):
    def __init__(self, where: str, hresult: int):
        super().__init__("%s: %s (0x%08X)" % (where, S.SCardGetErrorMessage(hresult), hresult & 0xFFFFFFFF))
        self.hresult = hresult


def ok(where, res):
    hresult = res[0]
    if hresult != S.SCARD_S_SUCCESS:
        raise PcscError(where, hresult)
    return res[1:] if len(res) > 2 else (res[1] if len(res) == 2 else None)


class Reader:
    def __init__(self, name_part: str):
        self.ctx = ok("SCardEstablishContext", S.SCardEstablishContext(S.SCARD_SCOPE_USER))
        readers = ok("SCardListReaders", S.SCardListReaders(self.ctx, []))
        names = [r for r in readers if name_part in r]
        if not names:
            raise RuntimeError("no reader matching %r in %r" % (name_part, readers))
        self.name = names[0]
        self.card = None
        self.proto = None

    def state(self) -> int:
        res = S.SCardGetStatusChange(self.ctx, 0, [(self.name, S.SCARD_STATE_UNAWARE)])
        states = ok("SCardGetStatusChange", res)
        return states[0][1]

    def wait_present(self, present: bool, timeout=8.0) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            st = self.state()
            if bool(st & S.SCARD_STATE_PRESENT) == present:
                return True
            time.sleep(0.1)
        return False

    def connect(self):
        res = S.SCardConnect(self.ctx, self.name, S.SCARD_SHARE_SHARED, S.SCARD_PROTOCOL_T0 | S.SCARD_PROTOCOL_T1)
        self.card, self.proto = ok("SCardConnect", res)

    def reset(self):
        self.proto = ok("SCardReconnect", S.SCardReconnect(self.card, S.SCARD_SHARE_SHARED,
                                                           S.SCARD_PROTOCOL_T0 | S.SCARD_PROTOCOL_T1,
                                                           S.SCARD_RESET_CARD))

    def disconnect(self):
        if self.card is not None:
            S.SCardDisconnect(self.card, S.SCARD_LEAVE_CARD)
            self.card = None

    def tx(self, apdu_hex: str) -> tuple[bytes, int]:
        cmd = list(bytes.fromhex(apdu_hex.replace(" ", "")))
        resp = ok("SCardTransmit", S.SCardTransmit(self.card, self.proto, cmd))
        resp = bytes(resp)
        return resp[:-2], (resp[-2] << 8) | resp[-1]

    def sw(self, apdu_hex: str) -> int:
        return self.tx(apdu_hex)[1]

    # card commands -----------------------------------------------------------------
    def select_df(self, aid: str) -> int:
        return self.sw("00A4040C%02X%s" % (len(aid) // 2, aid))

    def select_ef(self, fid: str) -> int:
        return self.sw("00A4020C02" + fid)

    def verify(self, secret: str | None) -> int:
        if secret is None:
            return self.sw("00200080")
        return self.sw("00200080%02X%s" % (len(secret), secret.encode().hex()))

    def read_binary(self, offset: int, le: int) -> tuple[bytes, int]:
        return self.tx("00B0%04X%02X" % (offset, le & 0xFF))

    def read_tlv_file(self) -> bytes:
        """Read a BER-TLV-shaped EF with short READ BINARYs: header first, then the rest
        in chunks of at most 256 bytes."""
        head, sw = self.read_binary(0, 8)
        if sw != 0x9000:
            raise RuntimeError("READ BINARY header: %04X" % sw)
        total = tlv_total_len(head)
        data = head[:min(len(head), total)]
        while len(data) < total:
            want = min(256, total - len(data))
            chunk, sw = self.read_binary(len(data), want)
            if sw != 0x9000:
                raise RuntimeError("READ BINARY at %d: %04X" % (len(data), sw))
            data += chunk
        return data


def tlv_total_len(b: bytes) -> int:
    tag_len = 2 if (b[0] & 0x1F) == 0x1F else 1
    first = b[tag_len]
    if first < 0x80:
        return tag_len + 1 + first
    n = first & 0x7F
    return tag_len + 1 + n + int.from_bytes(b[tag_len + 1:tag_len + 1 + n], "big")


def parse_tlvs(b: bytes, filler: bool = True) -> list[tuple[int, bytes, int]]:
    """[(tag, value, offset_of_tag)] for a sequence of BER-TLVs; with `filler`, a
    00 or FF byte where a tag should start ends the sequence."""
    out, pos = [], 0
    while pos < len(b) and not (filler and b[pos] in (0x00, 0xFF)):
        start = pos
        tag = b[pos]
        pos += 1
        if tag & 0x1F == 0x1F:
            tag = (tag << 8) | b[pos]
            pos += 1
        first = b[pos]
        pos += 1
        if first < 0x80:
            ln = first
        else:
            n = first & 0x7F
            ln = int.from_bytes(b[pos:pos + n], "big")
            pos += n
        out.append((tag, b[pos:pos + ln], start))
        pos += ln
    return out


def parse_offset_file(raw: bytes, outer_tag: int) -> dict[int, bytes]:
    tag, value, _ = parse_tlvs(raw, filler=False)[0]
    check(tag == outer_tag, "outer tag %04X" % outer_tag)
    header = tlv_total_len(raw) - len(value)
    fields = parse_tlvs(value)
    check(fields[0][0] == 0xDF21, "first object is the DF21 offset table")
    table = fields[0][1]
    offsets = [int.from_bytes(table[i:i + 2], "big") for i in range(0, len(table), 2)]
    starts = [header + f[2] for f in fields[1:]]
    check(offsets == starts, "DF21 offsets %s match the objects' positions" % offsets)
    return {t: v for t, v, _ in fields}


# ---------------------------------------------------------------------------
# Emulator process + control channel
# ---------------------------------------------------------------------------

class EmulatorProc:
    def __init__(self, tmp: str, holder: str, vpcd_port: int):
        self.tmp, self.holder, self.vpcd_port = tmp, holder, vpcd_port
        self.proc = None
        self.port = None

    def start(self):
        cmd = [sys.executable, "-B", EMULATOR, "--holder", self.holder, "--vpcd-port", str(self.vpcd_port),
               "--control-port", "0", "--log", os.path.join(self.tmp, "apdu.log"),
               "--state", os.path.join(self.tmp, "state.json"), "--key-cache", os.path.join(self.tmp, "keys")]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=open(os.path.join(self.tmp, "emulator.err"), "a"),
                                     text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY"):
            raise RuntimeError("emulator did not start: %r (see %s/emulator.err)" % (line, self.tmp))
        self.port = int(line.split("control=127.0.0.1:")[1].split()[0])
        print("  emulator:", line.strip())

    def cmd(self, line: str) -> dict:
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as s:
            f = s.makefile("rwb")
            f.write((line + "\n").encode())
            f.flush()
            return json.loads(f.readline().decode())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def ensure_pcscd():
    try:
        ctx = ok("ctx", S.SCardEstablishContext(S.SCARD_SCOPE_USER))
        readers = ok("list", S.SCardListReaders(ctx, []))
        S.SCardReleaseContext(ctx)
        if any("Virtual PCD" in r for r in readers):
            return
    except PcscError:
        pass
    print("starting pcscd via start-pcsc.sh")
    subprocess.run([os.path.join(HERE, "start-pcsc.sh")], check=True)


def load_holder(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def era_code_b(h: dict) -> str:
    # independent re-implementation (Showa/Heisei/Reiwa are enough here)
    b = dt.date.fromisoformat(h["birth_date"])
    for start, y0 in ((dt.date(2019, 5, 1), 2019), (dt.date(1989, 1, 8), 1989), (dt.date(1926, 12, 25), 1926)):
        if b >= start:
            return "%02d%02d%02d" % (b.year - y0 + 1, b.month, b.day) + h["card_expiry"][:4] + h["security_code"]
    raise ValueError(b)


# ---------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--slot", type=int, default=0, help="0 = Virtual PCD 00 00 (port 35963), 1 = 00 01 (35964)")
    ap.add_argument("--write-recorded", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    ensure_pcscd()
    reader_name = "Virtual PCD 00 %02d" % args.slot
    rd = Reader(reader_name)
    if rd.state() & S.SCARD_STATE_PRESENT:
        print("a card is already present in %s (another emulator running?)" % reader_name)
        return 2

    tmp = tempfile.mkdtemp(prefix="jpki-emu-test-")
    emu = EmulatorProc(tmp, SAMPLE, 35963 + args.slot)
    sample = load_holder(SAMPLE)
    recorded = {}
    try:
        emu.start()
        check(rd.wait_present(True), "card present in %s" % rd.name)
        rd.connect()

        print("[JPKI AP]")
        check(rd.select_df(AID_JPKI) == 0x9000, "SELECT JPKI AP")
        check(rd.select_ef("0006") == 0x9000, "SELECT EF 0006 (token)")
        d, sw = rd.read_binary(0, 0x20)
        check(sw == 0x9000 and d == b"JPKIAPICCTOKEN2".ljust(32, b" "), "token label %r" % d)
        d, sw = rd.read_binary(0, 0)
        check(sw == 0x9000 and len(d) == 160, "EF 0006 is a 160-byte CK_TOKEN_INFO (got %d)" % len(d))
        recorded["jpki-token-0006.hex"] = d

        check(rd.select_ef("000A") == 0x9000, "SELECT EF 000A (利用者証明用電子証明書)")
        der = rd.read_tlv_file()
        cert = x509.load_der_x509_certificate(der)
        recorded["jpki-authcert-000A.hex"] = der
        na = cert.not_valid_after_utc if hasattr(cert, "not_valid_after_utc") else cert.not_valid_after.replace(tzinfo=dt.timezone.utc)
        print("  auth certificate notAfter:", na.isoformat(), " subject:", cert.subject.rfc4514_string())
        want = dt.datetime.fromisoformat(sample["cert_not_after"].replace("Z", "+00:00"))
        check(na == want, "notAfter equals holder cert_not_after")
        d, sw = rd.tx("00B00000000000")  # one extended-Le READ BINARY
        check(sw == 0x9000 and d == der, "extended Le READ BINARY returns the same %d bytes" % len(der))
        check(rd.select_ef("000B") == 0x9000, "SELECT EF 000B (CA)")
        ca = x509.load_der_x509_certificate(rd.read_tlv_file())
        ca.public_key().verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        check(True, "auth certificate verifies under EF 000B")

        check(rd.select_ef("0018") == 0x9000, "SELECT EF 0018 (auth PIN)")
        check(rd.verify(None) == 0x63C3, "empty VERIFY on auth PIN -> 63C3")

        check(rd.select_ef("0001") == 0x9000, "SELECT EF 0001 (署名用電子証明書) answers 9000")
        check(rd.read_binary(0, 4)[1] == 0x6982, "READ of the signing certificate without password -> 6982")
        v = emu.cmd("violations")["entries"]
        check(len(v) == 2 and all("signing-certificate" in e["violation"] for e in v),
              "both APDUs on EF 0001 logged as signing-certificate violations")
        emu.cmd("reset-log")

        print("[券面事項入力補助AP]")
        code_b = era_code_b(sample)
        print("  照合番号B =", code_b)
        check(code_b == "55021720364821", "照合番号B = era YYMMDD + expiry year + security code")
        check(rd.select_df(AID_KENHOJO) == 0x9000, "SELECT 券面事項入力補助AP")
        check(rd.select_ef("0002") == 0x9000, "SELECT EF 0002 (基本4情報)")
        check(rd.read_binary(0, 0)[1] == 0x6982, "READ before VERIFY -> 6982")
        check(rd.select_ef("0015") == 0x9000, "SELECT EF 0015 (照合番号B)")
        check(rd.verify(None) == 0x63CA, "empty VERIFY -> 63CA (10 tries)")
        check(rd.verify("55021720360000") == 0x63C9, "wrong 照合番号B -> 63C9")
        check(rd.verify(None) == 0x63C9, "empty VERIFY -> 63C9 (counter persisted)")
        check(rd.verify(code_b) == 0x9000, "right 照合番号B -> 9000")
        check(rd.verify(None) == 0x9000, "empty VERIFY after success -> 9000")
        check(rd.select_ef("0002") == 0x9000, "SELECT EF 0002")
        basic4 = rd.read_tlv_file()
        recorded["kenhojo-basic4-0002.hex"] = basic4
        f = parse_offset_file(basic4, 0xFF20)
        name, addr = f[0xDF22].decode("utf-8"), f[0xDF23].decode("utf-8")
        print("  氏名=%s 住所=%s 生年月日=%s 性別=%s" % (name, addr, f[0xDF24].decode(), f[0xDF25].decode()))
        check(name == sample["name"] and "髙" in name and "﨑" in name, "DF22 name (UTF-8, 髙 and 﨑)")
        check(addr == sample["address"] and "５" in addr, "DF23 address (UTF-8, full-width digits)")
        check(f[0xDF24] == b"19800217", "DF24 birth date YYYYMMDD")
        check(f[0xDF25] == sample["sex"].encode(), "DF25 sex")
        # jpki/myna's way: 7 bytes, then the rest
        head, _ = rd.read_binary(0, 7)
        rest, _ = rd.read_binary(7, tlv_total_len(head) - 7)
        check(head + rest == basic4, "7-byte head + rest read gives the same file")
        check(rd.read_binary(len(basic4) + 10, 1)[1] == 0x6B00, "READ BINARY beyond the end -> 6B00")

        check(rd.select_df(AID_KENKAKU) == 0x9000 and rd.select_df(AID_KENHOJO) == 0x9000, "select another DF and back")
        check(rd.select_ef("0002") == 0x9000 and rd.read_binary(0, 0)[1] == 0x6982,
              "verification lost after selecting another DF")
        check(rd.select_ef("0011") == 0x9000 and rd.verify(None) == 0x63C3, "PIN EF 0011: 63C3 (3 tries)")
        check(rd.verify(sample["pin"]) == 0x9000, "4-digit PIN -> 9000")
        check(rd.select_ef("0002") == 0x9000 and rd.read_binary(0, 0)[1] == 0x9000, "PIN also opens EF 0002")
        rd.reset()
        check(rd.select_df(AID_KENHOJO) == 0x9000 and rd.select_ef("0002") == 0x9000
              and rd.read_binary(0, 0)[1] == 0x6982, "verification lost after a card reset")

        print("[券面事項確認AP]")
        check(rd.select_df(AID_KENKAKU) == 0x9000, "SELECT 券面事項確認AP")
        check(rd.select_ef("0002") == 0x9000 and rd.read_binary(0, 0)[1] == 0x6982, "card face before VERIFY -> 6982")
        check(rd.select_ef("0012") == 0x9000 and rd.verify(None) == 0x63CA, "EF 0012 (照合番号B): 63CA")
        check(rd.verify(code_b) == 0x9000, "照合番号B -> 9000")
        check(rd.select_ef("0002") == 0x9000, "SELECT EF 0002 (券面事項)")
        face = rd.read_tlv_file()
        recorded["kenkaku-cardface-0002.hex"] = face
        ff = parse_offset_file(face, 0xFF20)
        print("  card face: %d bytes, DF22=%s DF29=%s photo=%d bytes" % (len(face), ff[0xDF22].decode(),
                                                                        ff[0xDF29].decode(), len(ff[0xDF27])))
        check(ff[0xDF29] == sample["card_expiry"].replace("-", "").encode(), "DF29 card expiry 20360229")
        check(ff[0xDF22] == b"19800217" and ff[0xDF23] == b"2", "DF22 birth date, DF23 sex")
        check(ff[0xDF27][4:8] == b"jP  " and ff[0xDF25].startswith(b"\x89PNG"), "DF27 is JPEG 2000, DF25 PNG")
        check(sorted(ff) == [0xDF21] + list(range(0xDF22, 0xDF2B)), "DF21..DF2A present")

        print("[errors]")
        check(rd.select_ef("1234") == 0x6A82, "unknown EF -> 6A82")
        check(rd.select_df("D392F0002601000000FF") == 0x6A82, "unknown AID -> 6A82")
        check(rd.select_df(AID_KENKAKU) == 0x9000 and rd.read_binary(0, 0)[1] == 0x6986, "READ with no EF -> 6986")
        check(rd.sw("00FF000000") == 0x6D00, "unknown INS -> 6D00")

        print("[blocking and persistence]")
        check(rd.select_df(AID_KENHOJO) == 0x9000 and rd.select_ef("0011") == 0x9000, "SELECT PIN EF 0011")
        sws = [rd.verify("0000") for _ in range(3)]
        check(sws == [0x63C2, 0x63C1, 0x63C0], "three wrong PINs -> 63C2 63C1 63C0 (%s)" % ["%04X" % s for s in sws])
        check(rd.verify("0000") == 0x6984, "fourth attempt -> 6984 (blocked)")
        check(rd.verify(sample["pin"]) == 0x6984, "right PIN on a blocked key -> 6984")
        check(rd.verify(None) == 0x63C0, "empty VERIFY on a blocked key -> 63C0")
        rd.reset()
        check(rd.select_df(AID_KENHOJO) == 0x9000 and rd.select_ef("0011") == 0x9000 and rd.verify(None) == 0x63C0,
              "still blocked after a card reset")
        rd.disconnect()
        emu.stop()
        check(rd.wait_present(False), "emulator stopped -> card absent")
        emu.start()
        check(rd.wait_present(True), "emulator restarted with the same state file")
        rd.connect()
        check(rd.select_df(AID_KENHOJO) == 0x9000 and rd.select_ef("0011") == 0x9000 and rd.verify(None) == 0x63C0,
              "still blocked after restarting the emulator")
        st = {t["ref"]: t for t in emu.cmd("state")["tries"]}
        check(st["kenhojo/0011"]["blocked"] and st["kenhojo/0015"]["remaining"] == 10,
              "control `state`: kenhojo/0011 blocked, kenhojo/0015 back to 10")
        emu.cmd("reset-tries")
        check(rd.verify(None) == 0x63C3, "control `reset-tries` unblocks (63C3)")

        print("[violation log]")
        emu.cmd("reset-log")
        check(rd.select_ef("0001") == 0x9000, "SELECT 券面事項入力補助AP EF 0001 (個人番号) answers 9000")
        v = emu.cmd("violations")["entries"]
        check(len(v) == 1 and v[0]["violation"].startswith("individual-number:"), "logged as individual-number")
        check(rd.select_df(AID_KENKAKU) == 0x9000 and rd.select_ef("0005") == 0x9000
              and len(emu.cmd("violations")["entries"]) == 2, "券面事項確認AP EF 0005 (個人番号 image) flagged too")
        with open(os.path.join(tmp, "apdu.log"), encoding="utf-8") as fh:
            lines = [json.loads(x) for x in fh]
        check(all({"time", "capdu", "rapdu", "df", "ef", "violation"} <= set(e) for e in lines),
              "apdu.log: %d JSON lines with time/capdu/rapdu/df/ef/violation" % len(lines))

        print("[removal]")
        emu.cmd("remove")
        check(rd.wait_present(False), "reader reports the card removed")
        try:
            rd.tx("00A4040C0A" + AID_JPKI)
            check(False, "transmit on the old handle fails")
        except PcscError as e:
            print("  old handle:", e)
            check(e.hresult in (S.SCARD_W_REMOVED_CARD, S.SCARD_E_NO_SMARTCARD, S.SCARD_W_RESET_CARD),
                  "transmit on the old handle -> removed-card error")
        rd.card = None
        try:
            rd.connect()
            check(False, "SCardConnect without a card fails")
        except PcscError as e:
            print("  connect:", e)
            check(e.hresult == S.SCARD_E_NO_SMARTCARD, "SCardConnect -> SCARD_E_NO_SMARTCARD (no card)")
        r = emu.cmd("insert")
        check(r.get("connected") and rd.wait_present(True), "insert -> card present again")
        rd.connect()
        check(rd.select_df(AID_JPKI) == 0x9000, "JPKI AP selectable after re-insertion")

        print("[another card: load]")
        rd.disconnect()
        r = emu.cmd("load " + SHOWA64)
        check(r.get("ok"), "load showa64-expired-cert.json")
        check(rd.wait_present(True), "card present")
        rd.connect()
        other = load_holder(SHOWA64)
        check(era_code_b(other) == "64010720290907", "照合番号B for a 昭和64 birth = 64010720290907")
        check(rd.select_df(AID_KENHOJO) == 0x9000 and rd.select_ef("0015") == 0x9000
              and rd.verify(era_code_b(other)) == 0x9000, "its 照合番号B verifies")
        check(rd.select_ef("0002") == 0x9000, "SELECT EF 0002")
        b4 = rd.read_tlv_file()
        recorded["kenhojo-basic4-0002-long.hex"] = b4
        check(b4[2] == 0x82, "outer length > 127 uses the 82 hh ll form (%d bytes)" % len(b4))
        f2 = parse_offset_file(b4, 0xFF20)
        check(f2[0xDF22].decode() == other["name"], "name %s" % f2[0xDF22].decode())
        check(rd.select_df(AID_JPKI) == 0x9000 and rd.select_ef("000A") == 0x9000, "JPKI EF 000A")
        c2 = x509.load_der_x509_certificate(rd.read_tlv_file())
        na2 = c2.not_valid_after_utc if hasattr(c2, "not_valid_after_utc") else c2.not_valid_after.replace(tzinfo=dt.timezone.utc)
        print("  auth certificate notAfter:", na2.isoformat(), "(expired)" if na2 < dt.datetime.now(dt.timezone.utc) else "")
        check(na2.year == 2024, "expired certificate notAfter 2024-01-07")

        rd.disconnect()
        r = emu.cmd("load " + MINOR)
        check(r.get("ok") and rd.wait_present(True), "load reiwa-minor.json")
        rd.connect()
        check(rd.select_df(AID_JPKI) == 0x9000 and rd.select_ef("0001") == 0x6A82,
              "minor: no 署名用電子証明書 (EF 0001 -> 6A82)")
        check(rd.select_ef("0008") == 0x9000 and rd.read_binary(0, 0) == (b"\x00\x8F\x00", 0x9000),
              "minor: EF 0008 = 00 8F 00")

        if shutil.which("pkcs15-tool"):
            print("[OpenSC cross-check (independent JPKI driver)]")
            rd.disconnect()
            emu.cmd("load " + SAMPLE)
            rd.wait_present(True)
            p = subprocess.run(["pkcs15-tool", "--reader", str(args.slot), "--list-certificates"],
                               capture_output=True, text=True, timeout=60)
            out = p.stdout + p.stderr
            print("  " + "\n  ".join(l for l in out.splitlines() if "Certificate" in l or "Encoded" in l or "rror" in l))
            check("User Authentication Certificate" in out, "OpenSC's JPKI driver lists the user authentication certificate")
            p = subprocess.run(["pkcs15-tool", "--reader", str(args.slot), "--read-certificate", "01"],
                               capture_output=True, text=True, timeout=60)
            check("BEGIN CERTIFICATE" in p.stdout, "OpenSC reads certificate 01 (EF 000A)")
            p = subprocess.run(["pkcs15-tool", "--reader", str(args.slot), "--list-pins"],
                               capture_output=True, text=True, timeout=60)
            tries = [l.strip() for l in p.stdout.splitlines() if "Tries left" in l]
            print("  pins:", tries)
            check(tries[:1] == ["Tries left     : 3"], "OpenSC reads the auth PIN tries (3)")

        if args.write_recorded:
            rec = os.path.join(HERE, "recorded")
            os.makedirs(rec, exist_ok=True)
            for fn, data in recorded.items():
                with open(os.path.join(rec, fn), "w") as fh:
                    fh.write(data.hex().upper() + "\n")
                print("  wrote recorded/%s (%d bytes)" % (fn, len(data)))
    except Exception as e:  # any unexpected error is a failure
        import traceback
        traceback.print_exc()
        FAILURES.append("exception: %s" % e)
    finally:
        rd.disconnect()
        emu.stop()
        if args.keep or FAILURES:
            print("temporary files kept in", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    if FAILURES:
        print("\n%d FAILURE(S):" % len(FAILURES))
        for f in FAILURES:
            print("  -", f)
        return 1
    print("\nALL OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
