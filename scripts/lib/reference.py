#!/usr/bin/env python3
"""The independent reference vectors (../shared/reference) for the system tests.

  reference.py request REFERENCE          prints an OpenAI embeddings request of its sentences
  reference.py check REFERENCE ANSWER WHO  exits 0 when ANSWER's vectors match (cosine >= 0.9999)
"""
import json
import math
import sys


def request(reference_file):
    reference = json.load(open(reference_file))
    print(json.dumps({"input": [s["text"] for s in reference["sentences"]],
                      "model": "all-minilm-l6-v2"}))


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def check(reference_file, answer_file, who):
    reference = json.load(open(reference_file))["sentences"]
    try:
        answer = json.load(open(answer_file))
        got = [d["embedding"] for d in sorted(answer["data"], key=lambda d: d["index"])]
    except (ValueError, KeyError) as e:
        sys.exit("not an embeddings answer: %r: %s" % (e, open(answer_file).read()[:500]))
    if len(got) != len(reference):
        sys.exit("%d vectors for %d sentences" % (len(got), len(reference)))
    worst = min(cosine(g, r["embedding"]) for g, r in zip(got, reference))
    print("%d vectors %s; lowest cosine to the reference %.6f" % (len(got), who, worst),
          file=sys.stderr)
    sys.exit(0 if worst >= 0.9999 else 1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["request"] and len(sys.argv) == 3:
        request(sys.argv[2])
    elif sys.argv[1:2] == ["check"] and len(sys.argv) == 5:
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
