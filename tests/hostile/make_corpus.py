#!/usr/bin/env python3
"""The attack corpus of issue 12: hostile inputs for `kilang run`, written into OUT/<case>/.

usage: make_corpus.py SHARED_DATA OUT

Every case is built from the real WARC samples in ../shared/data/warc (or from scratch) and comes
with what a correct run must report, computed here from the bytes the case was built from (record
offsets, gzip member offsets, counts of records): OUT/cases.json maps a case name to
  {"inputs": [...], "args": [...], "expect": {...}}
run_tests.py runs kilang on each case and checks the expectations. Standard library only.
"""
import gzip
import json
import os
import re
import sys
import zlib


# ---- WARC and gzip helpers ----

def warc_records(data):
    """(offset, bytes) of each record of a well-formed plain WARC, by its Content-Length."""
    out = []
    pos = 0
    while True:
        m = re.compile(rb"WARC/\d\.\d+\r?\n").search(data, pos)
        if not m:
            return out
        start = m.start()
        hdr_end = data.index(b"\r\n\r\n", start) + 4
        cl = int(re.search(rb"\nContent-Length:\s*(\d+)", data[start:hdr_end], re.I).group(1))
        end = hdr_end + cl
        while data[end:end + 1] in (b"\r", b"\n"):
            end += 1
        out.append((start, data[start:end]))
        pos = end


def record_type(rec):
    return re.search(rb"\nWARC-Type:\s*(\S+)", rec).group(1).decode()


def gz_member(payload):
    """One gzip member without a time stamp (deterministic bytes)."""
    return gzip.compress(payload, compresslevel=6, mtime=0)


def gzip_members(data):
    """File offsets of the gzip members of a (well-formed) multi-member gzip file."""
    offs = []
    pos = 0
    while pos < len(data):
        offs.append(pos)
        d = zlib.decompressobj(31)
        d.decompress(data[pos:])
        pos = len(data) - len(d.unused_data)
    return offs


def set_content_length(rec, value):
    return re.sub(rb"(\nContent-Length:\s*)\d+", lambda m: m.group(1) + value, rec, count=1)


# ---- the cases ----

class Corpus:
    def __init__(self, shared, out):
        self.shared = shared
        self.out = out
        self.cases = {}

    def path(self, case, name):
        d = os.path.join(self.out, case)
        os.makedirs(d, exist_ok=True)
        return os.path.join(d, name)

    def write(self, case, name, data):
        p = self.path(case, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def add(self, case, inputs, expect, args=()):
        self.cases[case] = {"inputs": inputs, "args": list(args), "expect": expect}

    def sample(self, name):
        with open(os.path.join(self.shared, "warc", name), "rb") as f:
            return f.read()


def lying_content_length(c):
    """Item 1: a Content-Length far over max_record_bytes must not hide the rest of the file."""
    plain = c.sample("resiliparse-warcfile.warc")
    recs = warc_records(plain)
    assert b"".join(r for _, r in recs) == plain, "the sample is not a clean WARC"
    responses = [i for i, (_, r) in enumerate(recs) if record_type(r) == "response"]
    for case, victim in (("lie_cl_plain", responses[1]), ("lie_cl_last", responses[-1])):
        bad = [r for _, r in recs]
        bad[victim] = set_content_length(bad[victim], b"999999999999")
        data = b"".join(bad)
        offsets = []
        pos = 0
        for r in bad:
            offsets.append(pos)
            pos += len(r)
        nxt = offsets[victim + 1] if victim + 1 < len(bad) else len(data)
        p = c.write(case, "lie.warc", data)
        c.add(case, [p], {
            "baseline": {"inputs": [c.write(case + "_clean", "clean.warc", plain)]},
            "docs_delta": -1,  # the lying record is unreadable, every other record is read
            "unreadable": [{"offset": offsets[victim],
                            "reason": ["Content-Length 999999999999",
                                       "bytes %d-%d" % (offsets[victim], nxt)]}],
            "unreadable_bytes": nxt - offsets[victim],
            "exit": 1,
        })
        # The same file as Common Crawl ships it: one gzip member per record. The lie is caught
        # at the member's end; offsets are the members' file offsets.
        members = [gz_member(r) for r in bad]
        moffs = []
        pos = 0
        for m in members:
            moffs.append(pos)
            pos += len(m)
        gz = b"".join(members)
        mnext = moffs[victim + 1] if victim + 1 < len(members) else len(gz)
        p = c.write(case + "_gz", "lie.warc.gz", gz)
        c.add(case + "_gz", [p], {
            "baseline": {"inputs": [c.write(case + "_gz_clean", "clean.warc.gz",
                                            b"".join(gz_member(r) for _, r in recs))]},
            "docs_delta": -1,
            "unreadable": [{"offset": moffs[victim],
                            "reason": ["Content-Length 999999999999",
                                       "bytes %d-%d" % (moffs[victim], mnext)]}],
            "exit": 1,
        })
    # Whole-file gzip: no member boundaries, the next WARC/ line is the resync point.
    bad = [r for _, r in recs]
    victim = responses[1]
    bad[victim] = set_content_length(bad[victim], b"999999999999")
    data = b"".join(bad)
    start = sum(len(r) for r in bad[:victim])
    nxt = start + len(bad[victim])
    p = c.write("lie_cl_wholegz", "lie.warc.gz", gzip.compress(data, mtime=0))
    c.add("lie_cl_wholegz", [p], {
        "baseline": {"inputs": [c.write("lie_cl_wholegz_clean", "clean.warc.gz",
                                        gzip.compress(plain, mtime=0))]},
        "docs_delta": -1,
        "unreadable": [{"offset": start, "reason": ["decoded bytes %d-%d" % (start, nxt)]}],
        "exit": 1,
    })
    # An honest record over max_record_bytes (whose body even holds a WARC/ line) stays one
    # unreadable item: the reader must not resynchronise inside it.
    body = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><pre>" +
            b"x" * 250000 + b"\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\n"
            b"hello\r\n\r\n" + b"y" * 50000 + b"</pre></body></html>")
    big = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:big>\r\n"
           b"WARC-Target-URI: http://example.com/big\r\nContent-Type: application/http\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body)) + body + b"\r\n\r\n"
    data = b"".join(r for _, r in recs[:3]) + big + b"".join(r for _, r in recs[3:])
    off = sum(len(r) for _, r in recs[:3])
    p = c.write("honest_big_record", "big.warc", data)
    c.add("honest_big_record", [p], {
        "baseline": {"inputs": [c.write("honest_big_record_clean", "clean.warc", plain)]},
        "docs_delta": 0,  # one more record than the clean file, and it is unreadable
        "unreadable": [{"offset": off, "reason": ["over max_record_bytes"]}],
        "exit": 1,
    }, args=["--set", "input.max_record_bytes=120000"])


def damaged_gzip_member(c):
    """Item 2: one damaged gzip member is one unreadable item at the member's file offset."""
    gz = c.sample("dolma-sample-0000.warc.gz")
    moffs = gzip_members(gz)
    ends = moffs[1:] + [len(gz)]
    types = [record_type(zlib.decompressobj(31).decompress(gz[o:e])) for o, e in zip(moffs, ends)]
    victim = [i for i, t in enumerate(types) if t == "response"][3]
    o, e = moffs[victim], ends[victim]
    clean = c.write("gz_clean", "clean.warc.gz", gz)

    def case(name, data, reason):
        p = c.write(name, "damaged.warc.gz", data)
        c.add(name, [p], {"baseline": {"inputs": [clean]}, "docs_delta": -1,
                          "unreadable": [{"offset": o, "reason": reason}], "exit": 1})

    # A flipped CRC-32: the data decodes whole, so the record is read once and the member is
    # named in the warnings (not unreadable: nothing is lost).
    crc = bytearray(gz)
    crc[e - 8] ^= 0xFF
    p = c.write("gz_bad_crc", "damaged.warc.gz", bytes(crc))
    c.add("gz_bad_crc", [p], {"baseline": {"inputs": [clean]}, "docs_delta": 0, "unreadable": [],
                              "warnings": [{"offset": o, "reason": ["incorrect data check"]}],
                              "exit": 0})
    mid = bytearray(gz)
    mid[(o + e) // 2] ^= 0xFF  # deflate data in the middle of the member
    case("gz_bad_data", bytes(mid), ["gzip"])
    magic = bytearray(gz)
    magic[o] ^= 0xFF  # the member's magic number
    case("gz_bad_magic", bytes(magic), ["gzip"])

    # A response whose HTTP body is itself gzip (Content-Encoding: gzip), in a member written
    # without compression (level 0), so the member holds a valid inner gzip stream verbatim. Damage at the start of the member
    # makes the reader resynchronise on that inner stream, which decodes to HTML, not WARC: still
    # one unreadable item, at the member's offset.
    members = [zlib.decompressobj(31).decompress(gz[a:b]) for a, b in zip(moffs, ends)]
    html = b"<html><body>" + b"".join(b"<p>Paragraph %d of a page sent gzip-encoded.</p>" % i
                                      for i in range(300)) + b"</body></html>"
    inner = gzip.compress(html, mtime=0)
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\n\r\n" % len(inner)) + inner
    rec = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:inner-gzip>\r\n"
           b"WARC-Date: 2024-01-02T03:04:05Z\r\nWARC-Target-URI: http://example.com/gz\r\n"
           b"Content-Type: application/http; msgtype=response\r\n"
           b"Content-Length: %d\r\n\r\n" % len(http)) + http + b"\r\n\r\n"
    parts = [gz_member(m) for m in members]
    parts.insert(victim, gzip.compress(rec, compresslevel=0, mtime=0))
    data = b"".join(parts)
    o = sum(len(x) for x in parts[:victim])
    assert data[o:].find(b"\x1f\x8b\x08", 3) < len(parts[victim]), "inner gzip not stored verbatim"
    clean2 = c.write("gz_inner_clean", "clean.warc.gz", data)
    bad = bytearray(data)
    bad[o + 10] ^= 0xFF  # the first byte of the member's deflate data
    p = c.write("gz_inner_gzip", "damaged.warc.gz", bytes(bad))
    c.add("gz_inner_gzip", [p], {"baseline": {"inputs": [clean2]}, "docs_delta": -1,
                                 "unreadable": [{"offset": o, "reason": ["gzip"]}], "exit": 1})


def jsonl(docs):
    return b"".join(json.dumps(d).encode() + b"\n" for d in docs)


def hidden_folders(c):
    """Item 3: a sub-folder that cannot be listed, or reached through a link, is not skipped
    silently. Run as a non-root user (chmod 000 does not stop root)."""
    root = c.path("folders", "in")[:-len("/in")] + "/in"
    os.makedirs(root + "/locked", exist_ok=True)
    os.makedirs(root + "/plain", exist_ok=True)
    other = c.path("folders", "elsewhere")[:-len("/elsewhere")] + "/elsewhere"
    os.makedirs(other, exist_ok=True)
    docs = lambda tag, n: jsonl({"id": "%s%d" % (tag, i), "text": "Teks %s nomor %d." % (tag, i)}
                                for i in range(n))
    with open(root + "/plain/a.jsonl", "wb") as f:
        f.write(docs("a", 2))
    with open(root + "/locked/b.jsonl", "wb") as f:
        f.write(docs("b", 4))
    with open(other + "/c.jsonl", "wb") as f:
        f.write(docs("c", 3))
    for link, target in (("linked", other), ("loop", root)):
        if not os.path.lexists(root + "/" + link):
            os.symlink(target, root + "/" + link)
    os.chmod(root + "/locked", 0)
    c.add("folders", [root], {
        "as_nobody": True,
        "docs": 2 + 3,  # a.jsonl, and c.jsonl through the link; b.jsonl is behind chmod 000
        "unreadable": [{"file": root + "/locked", "offset": 0,
                        "reason": ["cannot list folder", "Permission denied"]}],
        "warnings": [{"file": root + "/loop", "offset": 0, "reason": ["already listed"]}],
        "exit": 1,
    })


def many_unreadable(c):
    """Item 4: a JSONL file whose records hold their text under a key kilang does not know
    ("body"): every one is unreadable, but memory, stats.json and stderr stay small: counts by
    reason, the first items, all of them in DIR/unreadable.jsonl.zst, and a hint naming the key
    to use. ("content" itself is read since item 8.)"""
    lines, offsets, pos = [], [], 0
    for i in range(3000):
        line = json.dumps({"id": "d%d" % i, "body": "Teks dokumen nomor %d dari korpus." % i,
                           "url": "http://contoh.id/%d" % i}).encode() + b"\n"
        offsets.append(pos)
        pos += len(line)
        lines.append(line)
    for i in range(10):  # a few records with "text" are read
        lines.append(json.dumps({"id": "t%d" % i, "text": "Teks %d." % i}).encode() + b"\n")
    p = c.write("many_unreadable", "content.jsonl", b"".join(lines))
    c.add("many_unreadable", [p], {
        "docs": 10,
        "unreadable_total": 3000,
        "unreadable_listed": 100,
        "unreadable_by_reason": {
            'corrupt input: no text key: none of "text", "raw_content", "content"': 3000},
        "unreadable_file_offsets": offsets,
        "warnings": [{"offset": 0, "reason": [
            '3000 of 3010 records have none of the text keys "text", "raw_content", "content"',
            "body (3000)", "--set input.jsonl_text_key=body"]}],
        "stderr_max_lines": 40,
        "exit": 1,
    })


def other_tools_jsonl(c):
    """Item 8: JSONL written by other tools: dolma (text/id/source/added/metadata), RedPajama
    (raw_content), "content"; every field of the input record reaches the output's metadata."""
    recs = [
        {"id": "dolma-1", "text": "Teks dari dolma.", "source": "common-crawl",
         "added": "2023-03-01T00:00:00Z", "created": "2022-12-01",
         "metadata": {"url": "http://a.id/1", "length": 16, "nested": {"a": [1, 2]}}},
        {"raw_content": "Teks dari RedPajama.", "url": "http://b.id/2", "language": "id",
         "perplexity": 123.5, "line_ids": [0, 1]},
        {"content": "Teks dengan kunci content.", "lang": "ms", "title": "Judul",
         "metadata": {"k": 1}, "k": 2},
    ]
    p = c.write("other_tools", "mixed.jsonl", jsonl(recs))
    expect_records = {
        "dolma-1": {"text": "Teks dari dolma.", "metadata": {
            "url": "http://a.id/1", "input_source": "common-crawl",
            "added": "2023-03-01T00:00:00Z", "created": "2022-12-01", "length": 16,
            "nested": {"a": [1, 2]}}},
        "mixed-2": {"text": "Teks dari RedPajama.", "metadata": {
            "url": "http://b.id/2", "language": "id", "perplexity": 123.5, "line_ids": [0, 1]}},
        "mixed-3": {"text": "Teks dengan kunci content.", "metadata": {
            "input_lang": "ms", "input_title": "Judul", "k": 2}},
    }
    for case, cfg in (("other_tools", "extract-only"), ("other_tools_dedup", "extract-dedup")):
        c.add(case, [p], {"docs": 3, "unreadable": [], "exit": 0, "config": cfg,
                          "records": expect_records})


def transport_charset(c):
    """Item 17: a UTF-16 page with no byte order mark is read by its HTTP charset (it was
    removed as not_text); a UTF-16 label on UTF-8 bytes does not garble the page."""
    para = ("Pemerintah kota mengumumkan jadwal baru untuk layanan bus umum mulai pekan depan. "
            "Warga diminta memeriksa informasi resmi di situs dinas perhubungan setempat. ")
    html = ("<html><head><title>Berita kota</title></head><body><article><p>" + para * 4 +
            "</p><p>" + para * 4 + "</p></article></body></html>")
    recs = []
    for rid, charset, body in (("u16le", "utf-16le", html.encode("utf-16-le")),
                               ("u16be", "utf-16be", html.encode("utf-16-be")),
                               ("lying", "utf-16le", html.encode("utf-8"))):
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=" + charset.encode() +
                b"\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
        recs.append((b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:" +
                     rid.encode() + b">\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n"
                     b"WARC-Target-URI: http://contoh.id/" + rid.encode() + b"\r\n"
                     b"Content-Type: application/http; msgtype=response\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(http)) + http + b"\r\n\r\n")
    p = c.write("charset_utf16", "utf16.warc", b"".join(recs))
    want = {"text_contains": "Pemerintah kota mengumumkan jadwal baru", "metadata": {}}
    c.add("charset_utf16", [p], {"docs": 3, "unreadable": [], "exit": 0,
                                 "removed_by_stage": {},
                                 "records": {"u16le": want, "u16be": want, "lying": want}})


def main():
    shared, out = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    c = Corpus(shared, out)
    lying_content_length(c)
    damaged_gzip_member(c)
    hidden_folders(c)
    many_unreadable(c)
    other_tools_jsonl(c)
    transport_charset(c)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(c.cases, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
