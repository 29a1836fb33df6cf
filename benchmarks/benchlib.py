"""Shared helpers for the benchmark scripts: building, timing, configurations, a stand-alone reference server.

Every script prints its own table and, with --json FILE, writes its rows there for benchmarks/run-all. A row is
one figure with the floor or peer it is compared with and the ratio figure / floor (1.0 is the floor).
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(*products):
    """Build the products in release mode and return the folder that holds the binaries."""
    for product in products:
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


def planable_sync():
    """Return the path of the release planable-sync binary, building it first."""
    return os.path.join(build("planable-sync"), "planable-sync")


def generate(directory, count, start=0, per_folder=1000):
    """Write `count` generated Markdown items into `directory` with benchmarks/gen-corpus."""
    subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "gen-corpus"), directory, "--count",
                    str(count), "--start", str(start), "--per-folder", str(per_folder)], check=True,
                   stdout=subprocess.DEVNULL)


def timed(command, cwd=None, check=True):
    """Run `command` under /usr/bin/time -v; return (wall seconds, peak RSS in KiB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        completed = subprocess.run(["/usr/bin/time", "-v", "-o", report.name] + command, cwd=cwd,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        text = report.read()
    if check and completed.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with status {completed.returncode}:\n{completed.stderr[-3000:]}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return wall, int(match.group(1)) if match else 0, completed.stdout


def sync_json(binary, config, check=True):
    """Run `planable-sync sync --format json`; return (wall seconds, peak RSS in KiB, parsed summary)."""
    wall, rss, output = timed([binary, "sync", "--config", config, "--format", "json", "--log-level", "error"],
                              check=check)
    return wall, rss, json.loads(output)


def write_config(folder, source_path, pages, api=None, template=None):
    """Write a configuration that syncs `source_path` to `pages` of Northwind Coffee; return its path.

    The sources list comes last, so a caller may append more sources. `api` is None for `api: embedded` with
    the real limits, a dict of embedded limits, or (url, token_file) for a stand-alone server.
    """
    if api is None:
        api_text = "api: embedded"
    elif isinstance(api, dict):
        api_text = "api:\n  embedded:\n" + "".join(f"    {key}: {value}\n" for key, value in api.items())
    else:
        api_text = f"api:\n  url: {api[0]}\n  token_file: {api[1]}"
    page_lines = "".join(f"  - {page}\n" for page in pages)
    text = (
        f"state: {folder}/state/planable-sync.sqlite\n"
        f"{api_text}\n"
        "workspace: Northwind Coffee\n"
        f"pages:\n{page_lines}"
        "truncate: true\n"
        "template: |\n"
        f"  {template or '{{title}}'}\n"
        "\n"
        "  {{summary}}\n"
        "notify: false\n"
        "sources:\n"
        "  - name: bench\n"
        "    type: directory\n"
        f"    path: {source_path}\n"
        '    link: "https://example.com/{{slug}}/"\n'
    )
    path = os.path.join(folder, "planable-sync.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


PAGES = ["Northwind LinkedIn", "Northwind Facebook", "Northwind X", "Northwind Threads"]


class ReferenceServer:
    """A stand-alone `planable-sync reference` on a free loopback port with the demo seed and its printed token."""

    def __init__(self, binary, folder):
        """Start the server on `folder`/reference.sqlite; a database from an earlier run keeps its saved token."""
        self.folder = folder
        database = os.path.join(folder, "reference.sqlite")
        self.token_file = os.path.join(folder, "token")
        saved = None
        if os.path.exists(database) and os.path.exists(self.token_file):
            with open(self.token_file) as handle:
                saved = handle.read().strip()

        self.log = open(os.path.join(folder, "reference.log"), "w+")
        self.process = subprocess.Popen([binary, "reference", "--listen", "127.0.0.1:0", "--database", database],
                                        stdout=self.log, stderr=subprocess.STDOUT)

        self.base, self.token = None, saved
        text = ""
        for _ in range(400):
            self.log.seek(0)
            text = self.log.read()
            base = re.search(r"listening on (\S+)", text)
            token = re.search(r"demo token \(write scope, every workspace\): (\S+)", text)
            if token:
                self.token = token.group(1)
            if base and self.token:
                self.base = base.group(1)
                break
            time.sleep(0.05)
        if self.base is None:
            self.stop()
            sys.exit(f"the reference server did not start:\n{text}")

        self.control_base = self.base.rsplit("/api/v1", 1)[0] + "/reference"
        with open(self.token_file, "w") as handle:
            handle.write(self.token + "\n")
        os.chmod(self.token_file, 0o600)

    def request(self, method, url, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def api(self, method, path, body=None):
        return self.request(method, self.base + path, body)

    def control(self, method, path, body=None):
        return self.request(method, self.control_base + path, body)

    def limits_off(self):
        self.control("POST", "/rate-limits", {"read": 100_000_000, "write": 100_000_000})

    def workspace_id(self, name="Northwind Coffee"):
        return next(w["id"] for w in self.api("GET", "/workspaces")["data"] if w["name"] == name)

    def page_ids(self, names):
        pages = {page["name"]: page["id"] for page in self.api("GET", "/pages?limit=100")["data"]}
        return [pages[name] for name in names]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def rss_kib(pid):
    """Return the resident set size of process `pid` in KiB, from /proc."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def median(values):
    return statistics.median(values) if values else float("nan")


def percentile(values, fraction):
    """Return the nearest-rank percentile of `values`, such as 0.95 for the 95th."""
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[rank - 1]


def row(benchmark, figure, value, unit, peer, peer_value, ratio=None):
    """Return one result row; the ratio defaults to value / peer_value."""
    if ratio is None and peer_value not in (None, 0):
        ratio = value / peer_value
    return {"benchmark": benchmark, "figure": figure, "value": value, "unit": unit, "peer": peer,
            "peer_value": peer_value, "ratio": ratio}


def number(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}"


def print_rows(rows, heading):
    print(heading)
    print(f"{'figure':<52} {'value':>12} {'unit':<10} {'floor or peer':<34} {'its value':>10} {'ratio':>7}")
    for item in rows:
        ratio = "-" if item["ratio"] is None else f"{item['ratio']:.2f}"
        print(f"{item['figure']:<52} {number(item['value']):>12} {item['unit']:<10} {item['peer']:<34} "
              f"{number(item['peer_value']):>10} {ratio:>7}")


def finish(rows, heading, json_path):
    print_rows(rows, heading)
    if json_path:
        with open(json_path, "w") as handle:
            json.dump(rows, handle, indent=1)
