#!/usr/bin/env python3
"""Makes a news-like workload of a given size for bench/scale.sh, as JSONL articles.

Repeating the five bundled articles would flatter caches, so the workload is built from varied
real text: the raw sentences of UD English-EWT (`# text =` lines of train, dev and test, in
order) cut into articles of 12 to 40 sentences, interleaved with the bundled articles, in which
every capitalized word that is not sentence-initial is replaced by a proper noun drawn from
EWT (so each copy names different people, places and organizations). Deterministic: the same
arguments give the same bytes.

usage: workload.py --ud DIR --corpus DIR --mb N --out FILE
"""
import argparse
import glob
import json
import os
import random
import re


def ewt_sentences(ud):
    sentences, propns = [], set()
    for split in ("train", "dev", "test"):
        for path in sorted(glob.glob(os.path.join(ud, f"*-ud-{split}.conllu"))):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.startswith("# text = "):
                        sentences.append(line[9:].strip())
                    elif line and line[0].isdigit():
                        cols = line.split("\t")
                        if len(cols) > 3 and cols[3] == "PROPN" and cols[1][:1].isupper() and cols[1].isalpha():
                            propns.add(cols[1])
    return sentences, sorted(propns)


def bundled(corpus):
    texts = []
    for path in sorted(glob.glob(os.path.join(corpus, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    return texts


NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")


def permuted(text, names, rng):
    mapping = {}

    def swap(m):
        word = m.group(0)
        if word not in mapping:
            mapping[word] = rng.choice(names)
        return mapping[word]

    return NAME.sub(swap, text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ud", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--mb", type=float, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    rng = random.Random(20261122)
    sentences, names = ewt_sentences(args.ud)
    articles = bundled(args.corpus)
    target = int(args.mb * 1_000_000)
    written, n, cursor = 0, 0, 0
    outlets = ["Daily Ledger", "Evening Courier", "Northern Post", "Harbor Times", "Valley Tribune"]
    with open(args.out, "w", encoding="utf-8") as out:
        while written < target:
            if n % 4 == 3:
                text = permuted(articles[(n // 4) % len(articles)], names, rng)
            else:
                size = rng.randint(12, 40)
                chunk = [sentences[(cursor + i) % len(sentences)] for i in range(size)]
                cursor += size
                paragraphs = [" ".join(chunk[i:i + 4]) for i in range(0, len(chunk), 4)]
                text = "\n\n".join(paragraphs)
            day = 1 + n % 28
            record = {
                "id": f"w{n:07d}",
                "title": text.split("\n", 1)[0][:80],
                "outlet": outlets[n % len(outlets)],
                "date": f"2022-{1 + (n // 28) % 12:02d}-{day:02d}",
                "text": text,
            }
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(text.encode("utf-8"))
            n += 1
    print(f"{args.out}: {n} articles, {written / 1e6:.1f} MB of text")


if __name__ == "__main__":
    main()
