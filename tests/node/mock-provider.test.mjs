// The official `openai` SDK against the mock provider (`warden mock-provider`).
// Run by Warden.MockProvider.Tests (Clients/OpenAiNodeSdkTests) with MOCK_URL set to a running mock, e.g.
//   MOCK_URL=http://127.0.0.1:9090 node --test mock-provider.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';

const baseURL = process.env.MOCK_URL;
assert.ok(baseURL, 'MOCK_URL must point at a running mock provider');

const client = new OpenAI({ baseURL: baseURL + '/v1', apiKey: 'x', maxRetries: 0 });
const messages = [{ role: 'user', content: 'Hello from the Node SDK' }];

test('chat completion', async () => {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });

  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'gpt-4o-mini');
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.choices[0].message.content.split(' ').length, 16);
  assert.equal(completion.usage.completion_tokens, 16);
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + 16);
  assert.equal(completion.usage.prompt_tokens_details.cached_tokens, 0);
});

test('streaming chat completion with a usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });

  let content = '';
  let finishReason = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) {
      assert.equal(chunk.choices.length, 0, 'the usage chunk has no choices');
      usage = chunk.usage;
      continue;
    }
    const choice = chunk.choices[0];
    content += choice.delta.content ?? '';
    finishReason = choice.finish_reason ?? finishReason;
  }

  assert.equal(chunks, 1 + 16 + 1 + 1);
  assert.equal(finishReason, 'stop');
  assert.ok(usage, 'a usage chunk was received');
  assert.equal(usage.completion_tokens, 16);
  assert.equal(usage.total_tokens, usage.prompt_tokens + 16);

  const whole = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  assert.equal(content, whole.choices[0].message.content, 'streamed and non-streamed answers are identical');
});

test('streaming tool call through the SDK helper', async () => {
  const tools = [{
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  }];
  const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages, tools, tool_choice: 'required' });
  const final = await runner.finalChatCompletion();

  const call = final.choices[0].message.tool_calls[0];
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  assert.equal(call.function.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');
});

test('embeddings', async () => {
  const response = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first text', 'second text'] });

  assert.equal(response.object, 'list');
  assert.equal(response.data.length, 2);
  for (const [index, item] of response.data.entries()) {
    assert.equal(item.index, index);
    assert.equal(item.embedding.length, 8);
    const norm = Math.sqrt(item.embedding.reduce((sum, v) => sum + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-4, `unit length, got ${norm}`);
  }
  assert.ok(response.usage.prompt_tokens > 0);

  // The SDK asks for base64 by default when no encoding_format is given and decodes it; ask for floats explicitly too.
  const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'first text', encoding_format: 'float', dimensions: 16 });
  assert.equal(floats.data[0].embedding.length, 16);
});

test('models.list', async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    assert.equal(model.object, 'model');
    ids.push(model.id);
  }

  assert.ok(ids.includes('gpt-4o-mini'), `gpt-4o-mini listed: ${ids.join(', ')}`);
});

test('errors surface as the SDK error classes', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o-mini@status=429', messages }),
    (error) => error instanceof OpenAI.RateLimitError && error.status === 429 && error.code === 'rate_limit_exceeded',
  );
});
