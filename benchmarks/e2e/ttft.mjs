// Streaming client for run.sh: opens `runs` streaming chat completions, `concurrency` at a time, and measures the
// time to the first content chunk (TTFT) and the largest gap between two chunks of one stream (a stall detector).
// Usage: node ttft.mjs URL RUNS CONCURRENCY BODY_FILE [AUTH_HEADER] [PORTKEY_CUSTOM_HOST]
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [url, runsArg, concurrencyArg, bodyFile, auth, customHost] = process.argv.slice(2);
const runs = Number(runsArg);
const concurrency = Number(concurrencyArg);
const body = readFileSync(bodyFile);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers = { 'content-type': 'application/json', 'content-length': body.length };
if (auth) headers.authorization = auth;
if (customHost) {
  headers['x-portkey-provider'] = 'openai';
  headers['x-portkey-custom-host'] = customHost;
}

function once() {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    let first = null;
    let last = null;
    let maxGap = 0;
    let sawDone = false;
    const req = http.request(url, { method: 'POST', headers, agent }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        const now = process.hrtime.bigint();
        text += chunk.toString('utf8');
        if (first === null && text.includes('"content"')) first = now;
        if (last !== null) maxGap = Math.max(maxGap, Number(now - last) / 1e6);
        last = now;
      });
      res.on('end', () => {
        sawDone = text.includes('[DONE]');
        const ok = res.statusCode === 200 && first !== null && sawDone;
        resolve({ ok, ttftMs: first === null ? NaN : Number(first - start) / 1e6, totalMs: Number(process.hrtime.bigint() - start) / 1e6, maxGapMs: maxGap });
      });
      res.on('error', () => resolve({ ok: false }));
    });
    req.on('error', () => resolve({ ok: false }));
    req.end(body);
  });
}

const results = [];
let next = 0;
async function worker() {
  while (next < runs) {
    next++;
    results.push(await once());
  }
}
// One warm-up stream so connection setup is not in the figures.
await once();
await Promise.all(Array.from({ length: concurrency }, worker));
agent.destroy();

const ok = results.filter((r) => r.ok);
const pct = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ttft = ok.map((r) => r.ttftMs);
const total = ok.map((r) => r.totalMs);
console.log('TTFT_JSON ' + JSON.stringify({
  runs, concurrency, ok: ok.length, failed: results.length - ok.length,
  ttft_p50_ms: pct(ttft, 50), ttft_p99_ms: pct(ttft, 99),
  total_p50_ms: pct(total, 50), total_p99_ms: pct(total, 99),
  max_chunk_gap_ms: ok.length ? Math.max(...ok.map((r) => r.maxGapMs)) : null,
}));
