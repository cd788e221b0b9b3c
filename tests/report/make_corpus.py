#!/usr/bin/env python3
"""Builds a JSONL corpus of N documents for `kilang run` + `kilang report` at scale.

The texts are real: paragraphs of the gold article texts in ../shared/data (aeb/gold,
wceb-dev/*/gold) and the naive page-text dumps (aeb/pagetext), so language ID, the quality
filters and dedup all have real work. The mix gives every part of the report something to show:

  articles (a slice of one real text; some with shared footer lines -> repeated-line removal),
  exact copies and near copies (a few words changed) of earlier documents -> exact/MinHash dedup,
  page-text dumps (menus, link lists) and one-liners -> quality filters,
  spam that repeats one line -> repetition filter, e-mail addresses and phone numbers -> PII.

Deterministic: the same arguments give the same bytes.

usage: make_corpus.py --shared DIR --out DIR --docs N [--files F]
"""
import argparse
import glob
import gzip
import json
import os
import random

FOOTERS = [
    "Share this article on Facebook, Twitter and WhatsApp",
    "Subscribe to our newsletter for the latest news every morning",
    "All rights reserved. Reproduction without permission is prohibited.",
    "Baca juga berita terkini lainnya di halaman kami",
    "Follow us on Instagram for more stories like this one",
    "This article was updated to correct an earlier version",
    "Klik di sini untuk mengikuti saluran kami di Google News",
    "Sign up for our daily briefing and never miss a story",
]
SHORT = ["Home | About | Contact", "Loading...", "Page not found", "Login to continue",
         "Cookie settings", "Accept all cookies", "Next page >>", "Berita Terkini"]


def paragraphs_of(text):
    return [p.strip() for p in text.split("\n") if p.strip()]


def load(shared):
    texts = []
    for path in sorted(glob.glob(os.path.join(shared, "aeb/gold/*.json"))):
        with open(path, encoding="utf-8") as f:
            body = json.load(f).get("articleBody", "")
        if len(body) > 400:
            texts.append(paragraphs_of(body))
    for path in sorted(glob.glob(os.path.join(shared, "wceb-dev/*/gold/*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            body = f.read()
        if len(body) > 400:
            texts.append(paragraphs_of(body))
    dumps = []
    for path in sorted(glob.glob(os.path.join(shared, "aeb/pagetext/*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            dumps.append(paragraphs_of(f.read()))
    return texts, dumps


def tweak(text, rng):
    words = text.split(" ")
    for _ in range(max(1, len(words) // 60)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["the", "a", "news", "today", "report", "new", "said"])
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--files", type=int, default=10)
    a = ap.parse_args()
    rng = random.Random(19)
    texts, dumps = load(a.shared)
    os.makedirs(a.out, exist_ok=True)
    made = []  # earlier documents' texts, for copies
    per_file = (a.docs + a.files - 1) // a.files
    n = 0
    for fi in range(a.files):
        path = os.path.join(a.out, f"corpus-{fi:02d}.jsonl.gz")
        with gzip.GzipFile(path, "wb", compresslevel=1, mtime=0) as gz:
            for _ in range(min(per_file, a.docs - n)):
                r = rng.random()
                if r < 0.08 and made:
                    text = rng.choice(made)  # exact copy
                elif r < 0.14 and made:
                    text = tweak(rng.choice(made), rng)  # near copy
                elif r < 0.20:
                    text = rng.choice(SHORT)
                elif r < 0.25:
                    d = rng.choice(dumps)
                    s = rng.randrange(max(1, len(d) - 20))
                    text = "\n".join(d[s:s + rng.randint(5, 40)])
                elif r < 0.28:
                    line = rng.choice(rng.choice(texts))
                    text = "\n".join([line] * rng.randint(4, 12))
                else:
                    t = rng.choice(texts)
                    s = rng.randrange(len(t))
                    paras = t[s:s + rng.randint(3, 14)] or t
                    if rng.random() < 0.3:
                        paras = paras + rng.sample(FOOTERS, rng.randint(1, 2))
                    if rng.random() < 0.06:
                        who = f"{rng.choice(['redaksi', 'editor', 'info', 'news'])}{rng.randint(1, 99)}"
                        paras = paras + [f"Contact: {who}@example-news.co.id or +62 812 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"]
                    text = "\n".join(paras)
                    if len(made) < 20000:
                        made.append(text)
                doc = {"id": f"doc-{n:06d}", "text": text,
                       "url": f"https://site{n % 997}.example.org/a/{n}"}
                gz.write((json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8"))
                n += 1
    print(f"{n} documents in {a.files} files under {a.out}")


if __name__ == "__main__":
    main()
