#!/usr/bin/env python3
"""Regenerate test/fuzz/seeds.txt: the texts the fuzzers start from.

One seed per line, as a JSON string (so tabs, newlines and odd bytes
survive): every deadline phrase of the sample ledger (deadline_text column
of the repository's data/sample-ledger.csv, or the file named as argument 1)
and every single-quoted literal of sql/deadline.sql, sql/region.sql and
sql/emission.sql (accepted and rejected forms alike; E'...' escapes are
decoded).  Every seed is tried against every type.
"""
import csv, json, os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
ledger = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'data', 'sample-ledger.csv')

seeds = []
with open(ledger, newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        if row.get('deadline_text'):
            seeds.append(row['deadline_text'])

literal = re.compile(r"(E?)'((?:[^']|'')*)'")
escapes = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', "'": "'"}
for name in ('deadline', 'region', 'emission'):
    with open(os.path.join(root, 'sql', name + '.sql'), encoding='utf-8') as f:
        for line in f:
            if line.lstrip().startswith('--'):
                continue
            for m in literal.finditer(line):
                s = m.group(2).replace("''", "'")
                if m.group(1):
                    s = re.sub(r'\\(.)', lambda e: escapes.get(e.group(1), e.group(1)), s)
                seeds.append(s)

seen, out = set(), []
for s in seeds:
    if s not in seen and len(s) < 200:
        seen.add(s)
        out.append(s)
with open(os.path.join(here, 'seeds.txt'), 'w', encoding='utf-8') as f:
    for s in out:
        f.write(json.dumps(s, ensure_ascii=False) + '\n')
print(f'{len(out)} seeds written to test/fuzz/seeds.txt')
