#!/usr/bin/env python3
"""Times `kohyo serve` after one-sheet edits on a synthetic site (examples/synth): edits
city0001/2024/projects/100.toml N times under a running server; reports event->ready (from the
server's log), save->edited page served (polling), and curl times of the edited page, the year
index, the KPI page and the municipality page, first request after each change.
Usage: kohyo serve --root SITE --port P > LOG & ; benches/serve_edits.py SITE http://127.0.0.1:P LOG N"""
import os, re, subprocess, sys, time, urllib.request, statistics
root, base, log, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sheet = os.path.join(root, "content/city0001/2024/projects/100.toml")
pages = {"page": "/city0001/2024/projects/100/", "year": "/city0001/2024/", "kpi": "/city0001/2024/kpi/",
         "muni": "/city0001/"}
def curl(path):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", base + path],
                         capture_output=True, text=True).stdout.split()
    assert out[0] == "200", (path, out)
    return float(out[1]) * 1000
def fetch(path):
    return urllib.request.urlopen(base + path).read().decode()
orig = open(sheet).read()
res = {k: [] for k in ["ready", "first", "e2e", "page", "year", "kpi", "muni", "page2"]}
for i in range(n):
    for p in pages.values():
        curl(p)  # warm: a person browsing
    time.sleep(0.5)
    marker = f"改訂{i}x{os.getpid()}"
    text = orig.replace('name = "生涯学習の機会の充実推進事業"', f'name = "生涯学習の機会の充実推進事業{marker}"')
    lines_before = open(log).read().count("ready in")
    tmp = sheet + ".tmp~"
    open(tmp, "w").write(text)
    t0 = time.perf_counter()
    os.rename(tmp, sheet)
    # end to end: save -> edited page served with the change (polling every 2 ms)
    while True:
        body = fetch(pages["page"])
        if marker in body:
            break
        time.sleep(0.002)
    res["e2e"].append((time.perf_counter() - t0) * 1000)
    time.sleep(0.3)
    m = re.findall(r"ready in ([\d.]+) ?(ms|s) \(([\d.]+) ?(ms|s) after", open(log).read())[-1]
    conv = lambda v, u: float(v) * (1000 if u == "s" else 1)
    res["ready"].append(conv(m[0], m[1])); res["first"].append(conv(m[2], m[3]))
    # the other pages, first request after the change (the edited page is cached by now)
    for k in ["year", "kpi", "muni"]:
        res[k].append(curl(pages[k]))
    res["page2"].append(curl(pages["page"]))
    # and the edited page's first request after a change, with nothing polling: edit again
    text2 = text.replace(marker, marker + "b")
    open(tmp, "w").write(text2); os.rename(tmp, sheet)
    time.sleep(0.5)
    res["page"].append(curl(pages["page"]))
    assert open(log).read().count("ready in") >= lines_before + 2
open(sheet, "w").write(orig)
for k, v in res.items():
    if v:
        print(f"{k:6} median {statistics.median(v):7.1f} ms  range {min(v):7.1f}-{max(v):7.1f}  n={len(v)}")
print("load", open("/proc/loadavg").read().strip())
