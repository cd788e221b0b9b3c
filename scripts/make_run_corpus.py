#!/usr/bin/env python3
"""Builds a Common Crawl-shaped WARC corpus from real HTML pages, for `kilang run` benches/tests.

Each output file is a sequence of per-record gzip members (as Common Crawl ships them): a
warcinfo record, then for every page a `request` and a `response` record (HTTP/1.1 200 with a
Content-Type header), and now and then a non-HTML response and a `metadata` record, so readers
see the same mix of record types as in a real crawl. Pages are taken in turn from the source
folder; the URL, record id and date vary per record. Deterministic: same arguments, same bytes.

usage: make_run_corpus.py --src DIR --out DIR [--files N] [--mb-per-file M] [--level L]
       [--compression gzip|none|zstd]
"""
import argparse
import gzip
import hashlib
import os
import subprocess
import sys
import uuid


def record(warc_type, headers, block):
    lines = ["WARC/1.0", f"WARC-Type: {warc_type}"] + headers + [f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--mb-per-file", type=float, default=200.0, help="uncompressed MB per file")
    ap.add_argument("--level", type=int, default=6)
    ap.add_argument("--compression", default="gzip", choices=["gzip", "none", "zstd"])
    a = ap.parse_args()
    pages = []
    for name in sorted(os.listdir(a.src)):
        if name.endswith((".html", ".htm")):
            with open(os.path.join(a.src, name), "rb") as f:
                pages.append(f.read())
    if not pages:
        sys.exit(f"no .html pages in {a.src}")
    os.makedirs(a.out, exist_ok=True)
    k = 0
    ext = {"gzip": ".warc.gz", "none": ".warc", "zstd": ".warc"}[a.compression]
    for fi in range(a.files):
        path = os.path.join(a.out, f"corpus-{fi:05d}{ext}")
        budget = int(a.mb_per_file * 1e6)
        written = 0
        with open(path, "wb") as out:
            def put(rec):
                nonlocal written
                written += len(rec)
                out.write(gzip.compress(rec, a.level, mtime=0) if a.compression == "gzip" else rec)
            put(record("warcinfo", [f"WARC-Date: 2024-05-01T00:00:00Z",
                                     f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=fi)}>",
                                     "Content-Type: application/warc-fields"],
                       b"software: kilang make_run_corpus.py\r\nformat: WARC File Format 1.0\r\n"))
            while written < budget:
                html = pages[k % len(pages)]
                h = hashlib.sha1(str(k).encode()).hexdigest()
                url = f"https://news{k % 97}.example.id/{2024 - k % 5}/artikel-{h[:12]}.html"
                date = f"2024-05-{1 + k % 28:02d}T{k % 24:02d}:{k % 60:02d}:{(k * 7) % 60:02d}Z"
                common = [f"WARC-Target-URI: {url}", f"WARC-Date: {date}"]
                req = (f"GET /{h[:12]}.html HTTP/1.1\r\nHost: news{k % 97}.example.id\r\n"
                       "User-Agent: CCBot/2.0\r\n\r\n").encode()
                put(record("request", common + [f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=2 * k + 1)}>",
                                                 "Content-Type: application/http; msgtype=request"], req))
                if k % 20 == 19:  # a non-HTML response now and then
                    body = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
                    ctype = "image/png"
                else:
                    body = html
                    ctype = "text/html; charset=UTF-8"
                http = (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                        "Server: nginx\r\n\r\n").encode() + body
                put(record("response", common + [f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=2 * k + 2)}>",
                                                  "Content-Type: application/http; msgtype=response"], http))
                if k % 50 == 0:
                    put(record("metadata", common + [f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=10**12 + k)}>",
                                                      "Content-Type: application/warc-fields"],
                               b"fetchTimeMs: 120\r\n"))
                k += 1
        if a.compression == "zstd":
            subprocess.run(["zstd", "-q", "-f", "--rm", "-3", path, "-o", path + ".zst"], check=True)
            path += ".zst"
        print(f"{path}\t{written}\t{os.path.getsize(path)}")


if __name__ == "__main__":
    main()
