#!/usr/bin/env python3
"""Summarises the CPU samples of a JFR recording: top frames (self) and io.switchboard frames (inclusive).

    python3 bench/jfr-top.py bench/target/jfr/fanout-1k-r1-switchboard.jfr [threads-regex]
"""
import collections, json, re, subprocess, sys

path = sys.argv[1]
thread_filter = re.compile(sys.argv[2]) if len(sys.argv) > 2 else None
raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", "jdk.ExecutionSample", path],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(raw)["recording"]["events"]
self_counts, incl, pkg = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for e in events:
    v = e["values"]
    thread = (v.get("sampledThread") or {}).get("javaName") or ""
    if thread_filter and not thread_filter.search(thread):
        continue
    frames = (v.get("stackTrace") or {}).get("frames") or []
    if not frames:
        continue
    total += 1
    names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
    self_counts[names[0]] += 1
    pkg[".".join(names[0].split(".")[:3])] += 1
    for n in set(names):
        if n.startswith("io.switchboard") or "jackson" in n or "websocketx" in n:
            incl[n] += 1
print(f"{total} samples")
print("\n-- top self frames")
for n, c in self_counts.most_common(25):
    print(f"{100*c/total:5.1f}%  {n}")
print("\n-- self by package")
for n, c in pkg.most_common(12):
    print(f"{100*c/total:5.1f}%  {n}")
print("\n-- inclusive: io.switchboard and jackson frames")
for n, c in incl.most_common(30):
    print(f"{100*c/total:5.1f}%  {n}")
