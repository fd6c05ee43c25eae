#!/usr/bin/env python3
"""Per-connection heap by class: the difference of two `jcmd GC.class_histogram` outputs divided by the
clients connected. Usage: tools/w3-histogram-diff.py /tmp/w3-probe/TAG [ROWS]"""
import re
import sys


def histogram(path):
    rows = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows


probe = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 40
clients = int(re.search(r'setup: (\d+) of', open(probe + '/load.log').read()).group(1))
before, after = histogram(probe + '/histo-before.txt'), histogram(probe + '/histo-after.txt')
delta = sorted(((size - before.get(name, (0, 0))[1], count - before.get(name, (0, 0))[0], name)
                for name, (count, size) in after.items()), reverse=True)
print(f'{clients} clients connected; heap per connection: {sum(d[0] for d in delta) / clients:.0f} B')
for size, count, name in delta[:limit]:
    print(f'{size / clients:8.1f} B {count / clients:6.2f} objects  {name}')
