// The official `openai` SDK, unchanged except for its base URL, against a running Warden gateway (SPEC DP-1).
// Run by Warden.Gateway.Tests (Sdk/NodeOpenAiSdkTests) against the standard test configuration, e.g.
//   GATEWAY_URL=http://127.0.0.1:8080/v1 API_KEY=wdn_… RESTRICTED_KEY=wdn_… REVOKED_KEY=wdn_… EXPIRED_KEY=wdn_… \
//     node --test gateway.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';

function required(name) {
  const value = process.env[name];
  assert.ok(value, `${name} must be set`);
  return value;
}

const baseURL = required('GATEWAY_URL');
const apiKey = required('API_KEY');
const restrictedKey = required('RESTRICTED_KEY');
const revokedKey = required('REVOKED_KEY');
const expiredKey = required('EXPIRED_KEY');

// No retries: the SDK retries 429/5xx by default and the status under test must be the gateway's first answer.
function client(key = apiKey) {
  return new OpenAI({ baseURL, apiKey: key, maxRetries: 0, timeout: 20_000 });
}

const messages = [{ role: 'user', content: 'Say hello to the gateway from the Node SDK.' }];

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Gets the current weather for a city.',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
    },
  },
};

test('chat completion', async () => {
  const completion = await client().chat.completions.create({ model: 'chat-default', messages });

  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.choices[0].message.content.split(' ').length, 16);
  assert.equal(completion.usage.completion_tokens, 16);
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + 16);
  assert.ok(completion._request_id, 'the gateway sends x-request-id');
});

test('streaming chat completion without a usage request: text assembled, no usage chunk', async () => {
  const stream = await client().chat.completions.create({ model: 'chat-default', messages, stream: true });

  let content = '';
  let finishReason = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.ok(!chunk.usage, 'the gateway strips the usage chunk it asked the upstream for');
    const choice = chunk.choices[0];
    content += choice.delta.content ?? '';
    finishReason = choice.finish_reason ?? finishReason;
  }

  assert.equal(chunks, 1 + 16 + 1);
  assert.equal(finishReason, 'stop');
  const whole = await client().chat.completions.create({ model: 'chat-default', messages });
  assert.equal(content, whole.choices[0].message.content, 'streamed and non-streamed answers are identical');
});

test('streaming chat completion with include_usage: final chunk carries usage', async () => {
  const stream = await client().chat.completions.create({
    model: 'chat-default',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });

  let content = '';
  let last = null;
  for await (const chunk of stream) {
    last = chunk;
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? '';
    }
  }

  assert.ok(last, 'chunks were received');
  assert.equal(last.choices.length, 0, 'the usage chunk has no choices');
  assert.ok(last.usage, 'the last chunk carries usage');
  assert.equal(last.usage.completion_tokens, 16);
  assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + 16);
  assert.equal(content.split(' ').length, 16);
});

test('tool call, non-streaming', async () => {
  const completion = await client().chat.completions.create({
    model: 'chat-default',
    messages: [{ role: 'user', content: 'Please call tool get_weather for Paris.' }],
    tools: [weatherTool],
  });

  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  const args = JSON.parse(call.function.arguments);
  assert.equal(typeof args.city, 'string');
  assert.equal(args.unit, 'celsius');

  // The tool result travels back through the gateway and gets an answer.
  const answer = await client().chat.completions.create({
    model: 'chat-default',
    messages: [
      { role: 'user', content: 'Please call tool get_weather for Paris.' },
      choice.message,
      { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' },
    ],
    tools: [weatherTool],
    tool_choice: 'none',
  });
  assert.equal(answer.choices[0].finish_reason, 'stop');
  assert.ok(answer.choices[0].message.content.length > 0);
});

test('tool call, streaming: name first, then argument pieces', async () => {
  const stream = await client().chat.completions.create({
    model: 'chat-default',
    messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
    tools: [weatherTool],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    stream: true,
  });

  let name = null;
  let id = null;
  let args = '';
  let pieces = 0;
  let finishReason = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) {
      continue;
    }
    for (const toolCall of choice.delta.tool_calls ?? []) {
      assert.equal(toolCall.index, 0);
      name ??= toolCall.function?.name ?? null;
      id ??= toolCall.id ?? null;
      if (toolCall.function?.arguments) {
        args += toolCall.function.arguments;
        pieces++;
      }
    }
    finishReason = choice.finish_reason ?? finishReason;
  }

  assert.equal(name, 'get_weather');
  assert.ok(id, 'the call has an id');
  assert.equal(finishReason, 'tool_calls');
  assert.ok(pieces > 1, `arguments arrive in pieces (got ${pieces})`);
  assert.equal(JSON.parse(args).unit, 'celsius');
});

test('tool call, streaming through the SDK helper', async () => {
  const runner = client().chat.completions.stream({
    model: 'chat-default',
    messages,
    tools: [weatherTool],
    tool_choice: 'required',
  });
  const final = await runner.finalChatCompletion();

  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');
});

test('embeddings for two inputs', async () => {
  const response = await client().embeddings.create({ model: 'embed', input: ['first text', 'second text'] });

  assert.equal(response.object, 'list');
  assert.equal(response.data.length, 2);
  assert.deepEqual(response.data.map(d => d.index), [0, 1]);
  const [first, second] = response.data.map(d => d.embedding);
  assert.equal(first.length, second.length);
  assert.notDeepEqual(first, second);
  const norm = Math.sqrt(first.reduce((sum, x) => sum + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-3, `unit length, got ${norm}`);
  assert.ok(response.usage.prompt_tokens > 0);
});

test('models.list shows the key\'s models; a restricted key sees only its allow-list', async () => {
  const all = [];
  for await (const model of client().models.list()) {
    all.push(model.id);
  }
  const restricted = [];
  for await (const model of client(restrictedKey).models.list()) {
    restricted.push(model.id);
  }

  assert.ok(all.includes('chat-default'), `chat-default missing from ${all}`);
  assert.ok(all.includes('embed'));
  assert.ok(all.includes('restricted-model'));
  assert.deepEqual(restricted, ['chat-default']);
});

// Every DP-2 status the standard test configuration can produce. 429 comes from upstream rate limiting here;
// budget and limit 429s and guardrail_blocked come from gates that are still pass-through.
const errorCases = [
  { name: '400 max_tokens zero', status: 400, code: 'invalid_request', param: 'max_tokens', body: { model: 'chat-default', messages, max_tokens: 0 } },
  { name: '400 empty messages', status: 400, code: 'invalid_request', param: 'messages', body: { model: 'chat-default', messages: [] } },
  { name: '401 invalid key', status: 401, code: 'invalid_api_key', key: 'wdn_garbled', body: { model: 'chat-default', messages } },
  { name: '401 revoked key', status: 401, code: 'key_revoked', key: revokedKey, body: { model: 'chat-default', messages } },
  { name: '401 expired key', status: 401, code: 'key_expired', key: expiredKey, body: { model: 'chat-default', messages } },
  { name: '403 model not allowed', status: 403, code: 'model_not_allowed', key: restrictedKey, body: { model: 'restricted-model', messages } },
  { name: '404 unknown model', status: 404, code: 'model_not_found', body: { model: 'no-such-model', messages } },
  { name: '413 message over 10 MiB', status: 413, code: 'payload_too_large', body: { model: 'chat-default', messages: [{ role: 'user', content: 'a'.repeat(10 * 1024 * 1024 + 1024) }] } },
  { name: '429 every upstream target rate limited', status: 429, code: 'rate_limit_exceeded', body: { model: 'always-429', messages } },
  { name: '502 upstream answers 503', status: 502, code: 'upstream_error', body: { model: 'always-503', messages } },
  { name: '502 upstream answers 503 (streaming)', status: 502, code: 'upstream_error', body: { model: 'always-503', messages, stream: true } },
  { name: '503 upstream unreachable', status: 503, code: 'upstream_unavailable', body: { model: 'unreachable', messages } },
  { name: '504 upstream never answers', status: 504, code: 'upstream_timeout', body: { model: 'always-timeout', messages } },
];

for (const c of errorCases) {
  test(`error ${c.name}`, async () => {
    await assert.rejects(
      async () => {
        const result = await client(c.key).chat.completions.create(c.body);
        if (c.body.stream) {
          for await (const _ of result) {
            // A gate failure must come before the first chunk.
          }
        }
      },
      (err) => {
        assert.ok(err instanceof OpenAI.APIError, `expected an APIError, got ${err?.constructor?.name}: ${err?.message}`);
        const detail = `${err.message}${err.cause ? ` (cause: ${err.cause.code ?? err.cause.message})` : ''}`;
        assert.equal(err.status, c.status, detail);
        assert.equal(err.code, c.code, detail);
        assert.ok(err.type, 'the error has a type');
        assert.ok(err.requestID, 'the error response carries x-request-id');
        if (c.param) {
          assert.equal(err.param, c.param);
        }
        return true;
      });
  });
}

test('error 404 unknown embedding model', async () => {
  await assert.rejects(
    () => client().embeddings.create({ model: 'no-such-embedding-model', input: 'text' }),
    (err) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found');
});

test('error 401 on models.list with a garbled key', async () => {
  await assert.rejects(
    () => client('garbled').models.list(),
    (err) => err instanceof OpenAI.AuthenticationError && err.code === 'invalid_api_key');
});
