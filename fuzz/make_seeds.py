#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz/ targets into OUT/<target>/ (standard library only).

usage: fuzz/make_seeds.py OUT [SHARED_DATA_DIR]

Seeds are small hand-made pages (legacy encodings, wrong declarations, odd structure) plus, when
SHARED_DATA_DIR (default: ../shared/data next to the repository) exists, real pages from it cut to
16 KiB so that the fuzzers stay fast.
"""
import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUT = 16 << 10

LEGACY = [  # (label, python codec, text)
    ("windows-1252", "cp1252", "Café “naïve” façade — 5 € à l'hôtel"),
    ("iso-8859-2", "iso-8859-2", "Zażółć gęślą jaźń"),
    ("iso-8859-7", "iso-8859-7", "Καλημέρα κόσμε"),
    ("windows-1251", "cp1251", "Привет, мир! Новости дня"),
    ("koi8-r", "koi8-r", "Привет, мир! Новости дня"),
    ("gbk", "gb18030", "中文网页新闻，今天天气很好。"),
    ("big5", "big5", "繁體中文新聞，今天天氣很好。"),
    ("shift_jis", "shift_jis", "日本語のテキスト、東京のニュース。"),
    ("euc-jp", "euc-jp", "日本語のテキスト、東京のニュース。"),
    ("iso-2022-jp", "iso-2022-jp", "日本語のテキスト"),
    ("euc-kr", "euc-kr", "한국어 텍스트 뉴스입니다."),
    ("tis-620", "cp874", "ภาษาไทย ข่าววันนี้"),
]

BODY = ("<p>Jakarta - Pemerintah mengumumkan kebijakan baru pada Selasa, 22 Oktober 2024 - "
        "13:38 WIB. Kebijakan ini berlaku mulai bulan depan untuk seluruh wilayah.</p>")

HTML = {
    "frameset": "<html><head><title>F</title></head><frameset cols='50%,50%'>"
                "<frame src='a.html'><frame src='b.html'></frameset></html>",
    "noscript": "<html><body><noscript><p>Aktifkan JavaScript untuk membaca berita ini dengan "
                "lengkap dan nyaman.</p></noscript></body></html>",
    "empty_body": "<!DOCTYPE html><html><head><title>Kosong</title></head><body></body></html>",
    "article": "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Judul Berita</title>"
               "<meta property='og:site_name' content='Situs'><meta name='author' "
               "content='Budi'><script type='application/ld+json'>{\"@type\":\"NewsArticle\","
               "\"datePublished\":\"2024-10-22T13:38:00+07:00\"}</script></head><body><nav>"
               "<a href='/'>Home</a></nav><article><h1>Judul Berita</h1>" + BODY * 4 +
               "</article><footer>(c) 2024</footer></body></html>",
    "nested": "<div>" * 2000 + "teks" + "</div>" * 2000,
    "table": "<table><tr><td>" + BODY + "</td><td><ul><li>a<li>b</ul></td></tr></table>",
    "comments": "<!-- <meta charset=big5> --><html><body><!--x-->" + BODY + "<![CDATA[ y ]]>",
    "unclosed": "<html><body><p>satu<p>dua<b><i>tiga</b></i><div><span>" + BODY,
}

DATES = [
    "Selasa, 22 Oktober 2024 - 13:38 WIB", "Kamis, 3 Agustus 2023 | 08:15 WITA",
    "22/10/2024 13:38", "22 Okt 2024", "October 22, 2024", "Oct 22, 2024, 1:38 PM ET",
    "2024-10-22T13:38:00Z", "2024-10-22T13:38:00+07:00", "15 menit yang lalu", "2 hours ago",
    "kemarin", "yesterday", "Senin, 01/01/2024 00:00 WIT", "Diperbarui 5 jam lalu",
    "Published 3 days ago", "31 Desember 1999 23:59", "29 Februari 2024", "Rabu (23/10/2024)",
    "12.30 WIB", "2024/10/22", "22-10-2024", "Monday, 14 March 2022 09:00 GMT+7",
]


def write(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared", "data")
    labels = ["", "utf-8", "UTF8", "windows-1252", "latin1", "iso-8859-2", "iso-8859-5",
              "iso-8859-7", "iso-8859-8-i", "windows-1251", "koi8-r", "koi8-u", "gbk",
              "gb18030", "big5", "shift_jis", "euc-jp", "iso-2022-jp", "euc-kr", "tis-620"]
    for label, codec, text in LEGACY:
        meta = "<html><head><meta charset='%s'><title>t</title></head><body><p>" % label
        page = meta.encode("ascii") + text.encode(codec) + b"</p></body></html>"
        undeclared = b"<html><body><p>" + (text * 8).encode(codec) + b"</p></body></html>"
        wrong = b"<meta charset='utf-8'><p>" + (text * 8).encode(codec) + b"</p>"
        for n, p in (("meta", page), ("undeclared", undeclared), ("wrong", wrong)):
            write(out, "extract_html", "%s_%s.html" % (label, n), p)
            # encoding_fuzz: first byte picks the transport label (index into its list).
            idx = labels.index(label) if label in labels else 0
            write(out, "encoding", "%s_%s" % (label, n), bytes([idx]) + p)
            write(out, "encoding", "%s_%s_none" % (label, n), bytes([0]) + p)
    for name, page in HTML.items():
        write(out, "extract_html", name + ".html", page)
        write(out, "encoding", name, b"\x00" + page.encode("utf-8"))
    write(out, "extract_html", "nul.html", b"<html><body><p>a\0b</p>\0</body></html>")
    write(out, "encoding", "utf16le", b"\x00" + "<html><p>héllo</p>".encode("utf-16-le"))
    write(out, "encoding", "utf16bom", b"\x00" + "<html><p>héllo</p>".encode("utf-16"))
    for i, d in enumerate(DATES):
        write(out, "date", "date_%02d.txt" % i, d)
        write(out, "extract_text", "dates_%02d.txt" % i,
              "Judul Berita Hari Ini\n%s\n%s\nBaca juga: berita lain\n" % (d, BODY[3:-4]))

    html_dir = os.path.join(shared, "aeb", "html")
    if os.path.isdir(html_dir):
        for name in sorted(os.listdir(html_dir))[:60]:
            with open(os.path.join(html_dir, name), "rb") as f:
                data = f.read(CUT)
            write(out, "extract_html", "aeb_" + name[:16] + ".html", data)
            write(out, "encoding", "aeb_" + name[:16], b"\x00" + data[:4096])
    text_dir = os.path.join(shared, "aeb", "pagetext")
    if os.path.isdir(text_dir):
        for name in sorted(os.listdir(text_dir))[:60]:
            with open(os.path.join(text_dir, name), "rb") as f:
                data = f.read(CUT)
            write(out, "extract_text", "aeb_" + name[:16] + ".txt", data)
            # filters: a language byte, then the page text (8 KB: the stages are linear)
            write(out, "filters", "aeb_" + name[:16] + ".txt", bytes([len(name) % 10]) + data[:8192])
            # date lines: short lines with digits from the page-text dumps
            for line in data.decode("utf-8", "replace").splitlines():
                if 8 <= len(line) <= 60 and sum(c.isdigit() for c in line) >= 4:
                    h = hashlib.sha1(line.encode()).hexdigest()[:12]
                    write(out, "date", "aeb_" + h + ".txt", line)
    seed_dir = os.path.join(shared, "seed")
    if os.path.isdir(seed_dir):
        for name in os.listdir(seed_dir):
            if name.endswith(".txt"):
                with open(os.path.join(seed_dir, name), "rb") as f:
                    write(out, "extract_text", "seed_" + name, f.read(CUT))


if __name__ == "__main__":
    main()
