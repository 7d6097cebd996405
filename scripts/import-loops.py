#!/usr/bin/env python3
"""Import loops between the .rs files of a crate: `python3 scripts/import-loops.py CRATE_SRC_DIR`.

Exits 1 when the crate has a loop (`make lint` runs it over the library, plugin and webhook).

Edges: every `use crate::…`/`use super::…`/`use self::…` (incl. `pub use` re-exports and
brace groups) and inline `crate::a::b` paths, resolved to the file of the longest module
prefix. `mod x;` declarations are not edges. `#[cfg(test)]` blocks and *tests.rs files are
skipped (test code). Prints each strongly connected component with more than one file."""
import os, re, sys

root = sys.argv[1].rstrip('/')
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            p = os.path.join(d, f)
            rel = os.path.relpath(p, root)[:-3].split(os.sep)
            if rel[-1] in ('mod', 'lib', 'main'):
                rel = rel[:-1]
            files[tuple(rel)] = p
mods = set(files)

def strip_tests(src):
    out, i = [], 0
    for m in re.finditer(r'#\[cfg\(test\)\]\s*(?:#\[path[^\]]*\]\s*)?mod\s+\w+\s*(\{|;)', src):
        if m.start() < i:
            continue
        out.append(src[i:m.start()])
        if m.group(1) == ';':
            i = m.end(); continue
        depth, j = 1, m.end()
        while depth and j < len(src):
            depth += {'{': 1, '}': -1}.get(src[j], 0); j += 1
        i = j
    out.append(src[i:])
    return ''.join(out)

def expand(tree):
    tree = re.sub(r'\s+', '', tree)
    m = re.match(r'^(.*?)\{(.*)\}$', tree)
    if not m:
        return [tree]
    prefix, inner = m.groups()
    parts, depth, cur = [], 0, ''
    for c in inner:
        if c == ',' and depth == 0:
            parts.append(cur); cur = ''; continue
        depth += (c == '{') - (c == '}'); cur += c
    parts.append(cur)
    return [prefix + q for p in parts if p for q in expand(p)]

def resolve(me, path):
    segs = [s for s in path.split('::') if s and s != 'self' or False]
    segs = path.split('::')
    if segs[0] == 'crate':
        base, segs = [], segs[1:]
    elif segs[0] in ('super', 'self'):
        base = list(me)
        while segs and segs[0] in ('super', 'self'):
            if segs[0] == 'super':
                base = base[:-1]
            segs = segs[1:]
    elif tuple(list(me) + segs[:1]) in mods:
        base = list(me)
    else:
        return None
    best = tuple(base)
    for i in range(len(segs)):
        cand = tuple(base + segs[:i + 1])
        if cand in mods:
            best = cand
        else:
            break
    return best

edges = {m: set() for m in mods}
for m, p in files.items():
    if p.endswith('tests.rs'):
        continue
    src = strip_tests(open(p).read())
    src = re.sub(r'//[^\n]*', '', src)
    aliases = {}
    for u in re.finditer(r'\buse\s+([^;]+);', src):
        for path in expand(u.group(1)):
            path = re.sub(r'as\w+$', '', path.split(' as ')[0])
            t = resolve(m, path)
            if t is not None and t != m:
                edges[m].add(t)
            if t is not None and t and path.split('::')[-1] == t[-1]:
                aliases[t[-1]] = t
    for alias, t in aliases.items():
        for c in re.finditer(r'(?<![:\w])' + alias + r'((?:::\w+)+)', src):
            cand, best = list(t), t
            for seg in c.group(1).split('::')[1:]:
                cand.append(seg)
                if tuple(cand) in mods:
                    best = tuple(cand)
                else:
                    break
            if best != m:
                edges[m].add(best)
    for c in re.finditer(r'\bcrate(?:::\w+)+', src):
        t = resolve(m, c.group(0))
        if t is not None and t != m:
            edges[m].add(t)

# Tarjan SCC
idx, low, on, st, out, n = {}, {}, set(), [], [], [0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v] = low[v] = n[0]; n[0] += 1; st.append(v); on.add(v)
    for w in edges[v]:
        if w not in idx:
            sc(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1:
            out.append(comp)
for v in sorted(mods):
    if v not in idx:
        sc(v)
name = lambda m: os.path.relpath(files[m], root)
print(f'{root}: {len(files)} files, {sum(map(len, edges.values()))} import edges, {len(out)} loop(s)')
for comp in out:
    print(f'  loop of {len(comp)} files: ' + ', '.join(sorted(name(c) for c in comp)))
if '--edges' in sys.argv:
    for m in sorted(edges):
        print(f'{name(m)} -> ' + ', '.join(sorted(name(t) for t in edges[m])))
sys.exit(1 if out else 0)
