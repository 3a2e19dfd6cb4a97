"""Configures a fresh Warden control plane for the end-to-end benchmark through its admin API, with full governance.

Creates organization `bench`, project `bench`, one consumer and its API key, the mock provider twice (latency 0 and
20 ms upstreams) behind the logical models `demo-model` and `demo-model-20ms`, and budgets and limits at every scope
that has them: organization, project and consumer monthly USD budgets, project and consumer TPM/RPM limits. They are
sized never to refuse during a run, so every request pays the full reservation and settle cost without a 429. The
project's guardrails mask every PII kind, so every request's text is scanned for all of them (the benchmark prompt
holds none, so the body is forwarded unchanged — the common case).
Prints the API key on stdout.

usage: configure.py CONTROL_PLANE_URL ADMIN_TOKEN MOCK0_PORT MOCK20_PORT
"""
import json
import sys
import urllib.error
import urllib.request

base, token, mock0, mock20 = sys.argv[1:5]


def call(method, path, body=None, expect=(200, 201)):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    if status not in expect:
        sys.exit(f"{method} {path} answered {status}: {text}")
    return json.loads(text) if text else None


call("POST", "/api/orgs", {"slug": "bench", "name": "Benchmark"})
call("POST", "/api/orgs/bench/projects", {"slug": "bench", "name": "Benchmark"})
project = "/api/orgs/bench/projects/bench"
consumer = call("POST", project + "/consumers", {"name": "load"})["id"]
key = call("POST", project + "/keys", {"consumerId": consumer, "name": "bench"})["key"]
for name, port in (("mock", mock0), ("mock-20ms", mock20)):
    call("POST", project + "/providers", {"name": name, "type": "mock", "baseUrl": f"http://127.0.0.1:{port}/v1"})
for model, provider in (("demo-model", "mock"), ("demo-model-20ms", "mock-20ms")):
    call("POST", project + "/routes", {
        "logicalModel": model, "strategy": "single", "maxAttempts": 1,
        "targets": [{"provider": provider, "upstreamModel": "gpt-4o-mini", "timeoutMs": 30000}],
    })

never = {"monthlyUsd": 1_000_000}
call("PUT", "/api/orgs/bench/budget", never)
call("PUT", project + "/budgets/project/-", never)
call("PUT", project + f"/budgets/consumer/{consumer}", never)
limit = {"tokensPerMinute": 1_000_000_000, "requestsPerMinute": 100_000_000}
call("PUT", project + "/limits/project/-", limit)
call("PUT", project + f"/limits/consumer/{consumer}", limit)
pii_kinds = ["email", "phone", "credit_card", "iban", "ssn", "ip_address", "thai_national_id", "secret"]
call("PUT", project + "/guardrails", {"piiRules": {kind: "mask" for kind in pii_kinds}})
print(key)
