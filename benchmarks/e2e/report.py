"""Turns the figures collected by run.sh (one JSON object per line) into the JSON and markdown reports."""
import json
import os
import platform
import subprocess
import sys

figures_path, json_path, md_path, settings = sys.argv[1:5]
figures = {}
with open(figures_path, encoding="utf-8") as handle:
    for line in handle:
        row = json.loads(line)
        figures.setdefault(row["target"], {})[row["test"]] = row["data"]


def command_output(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


with open("/proc/meminfo", encoding="utf-8") as handle:
    mem_kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
machine = {
    "cpus": os.cpu_count(),
    "memory_gb": round(mem_kb / 1024 / 1024, 1),
    "kernel": platform.release(),
    "dotnet": command_output("dotnet", "--version"),
    "node": command_output("node", "--version"),
    "wrk": command_output("sh", "-c", "wrk -v 2>&1 | head -1"),
}
report = {"machine": machine, "settings": settings, "figures": figures}
with open(json_path, "w", encoding="utf-8") as handle:
    json.dump(report, handle, indent=2)


def get(target, test, field):
    return figures.get(target, {}).get(test, {}).get(field)


def ms(us):
    return "n/a" if us is None else f"{us / 1000:.2f}"


def fmt(value, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f}"


def added(target, field):
    value, base = get(target, "latency_c1", field), get("direct", "latency_c1", field)
    return "—" if target == "direct" or value is None or base is None else f"{(value - base) / 1000:+.2f}"


def added_ttft(target, field):
    value, base = get(target, "ttft_c1", field), get("direct", "ttft_c1", field)
    return "—" if target == "direct" or value is None or base is None else f"{value - base:+.2f}"


def rps_ratio(target):
    value, base = get(target, "throughput_20ms", "rps"), get("direct", "throughput_20ms", "rps")
    return "—" if target == "direct" or not value or not base else f"{100 * value / base:.0f} %"


def rss(target, test):
    value = get(target, test, "rss_kb")
    return "n/a" if value is None else f"{value / 1024:.0f}"


names = {"direct": "direct (mock)", "warden": "Warden (memory counters)", "warden_redis": "Warden (Redis counters)", "portkey": "Portkey 1.15.2"}
lines = [
    f"Machine: {machine['cpus']} cores, {machine['memory_gb']} GB RAM, Linux {machine['kernel']}, .NET SDK {machine['dotnet']}, "
    f"Node {machine['node']}, {machine['wrk']}. Settings: {settings}.",
    "",
    "| | p50 c=1 (ms) | p99 c=1 (ms) | p99.9 c=1 (ms) | added p50 / p99 (ms) | req/s @20 ms upstream | % of direct | p99 @20 ms (ms) | non-2xx / socket errors | TTFT p50 / p99 c=1 (ms) | added TTFT p50 / p99 (ms) | concurrent streams ok, TTFT p99, max gap (ms) | RSS idle / peak (MB) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]
for target in [t for t in ("direct", "warden", "warden_redis", "portkey") if t in figures]:
    errors = f"{get(target, 'throughput_20ms', 'non_2xx')} / {get(target, 'throughput_20ms', 'socket_errors')}"
    streams = figures.get(target, {}).get("streams_concurrent", {})
    stream_cell = (
        f"{streams.get('ok')}/{streams.get('runs')}, {fmt(streams.get('ttft_p99_ms'))}, {fmt(streams.get('max_chunk_gap_ms'))}"
        if streams else "n/a")
    peak = "—" if target == "direct" else rss(target, "rss_peak")
    lines.append(
        f"| {names[target]} | {ms(get(target, 'latency_c1', 'p50_us'))} | {ms(get(target, 'latency_c1', 'p99_us'))} "
        f"| {ms(get(target, 'latency_c1', 'p999_us'))} | {added(target, 'p50_us')} / {added(target, 'p99_us')} "
        f"| {fmt(get(target, 'throughput_20ms', 'rps'), 0)} | {rps_ratio(target)} | {ms(get(target, 'throughput_20ms', 'p99_us'))} "
        f"| {errors} | {fmt(get(target, 'ttft_c1', 'ttft_p50_ms'))} / {fmt(get(target, 'ttft_c1', 'ttft_p99_ms'))} "
        f"| {added_ttft(target, 'ttft_p50_ms')} / {added_ttft(target, 'ttft_p99_ms')} | {stream_cell} "
        f"| {rss(target, 'rss_idle')} / {peak} |")
warden_rps, portkey_rps = get("warden", "throughput_20ms", "rps"), get("portkey", "throughput_20ms", "rps")
if warden_rps and portkey_rps:
    lines += ["", f"Warden / Portkey throughput at 20 ms upstream: {warden_rps / portkey_rps:.1f}×."]
cp_idle, cp_after = get("control_plane", "rss_idle", "rss_kb"), get("control_plane", "rss_after", "rss_kb")
if cp_idle:
    lines += ["", f"Control plane (PostgreSQL, ledger ingest) RSS: {cp_idle / 1024:.0f} MB idle, {cp_after / 1024:.0f} MB after the run."]
soak = figures.get("warden", {}).get("soak")
if soak and soak.get("rss_kb_samples"):
    samples = [kb for _, kb in soak["rss_kb_samples"]]
    minute = max(1, len(samples) // max(1, soak["seconds"] // 60))  # samples per minute
    first, last = samples[:minute], samples[-minute:]
    lines += ["", f"Soak: {soak['seconds']} s at 20 ms upstream, {soak['wrk']['rps']:.0f} req/s, p99 {soak['wrk']['p99_us'] / 1000:.1f} ms, "
              f"{soak['wrk']['non_2xx']} non-2xx; gateway RSS first minute {sum(first) / len(first) / 1024:.0f} MB, "
              f"last minute {sum(last) / len(last) / 1024:.0f} MB, max {max(samples) / 1024:.0f} MB ({len(samples)} samples)."]
rows = get("warden", "ledger", "rows")
if rows is not None:
    lines += ["", f"Usage ledger rows in PostgreSQL after the run: {rows}."]
with open(md_path, "w", encoding="utf-8") as handle:
    handle.write("\n".join(lines) + "\n")
