using System.Net.Http.Headers;
using System.Text;

namespace Warden.Gateway.Tests.BadInput;

/// <summary>
/// Malformed requests a gateway meets in the wild: broken JSON, wrong types, invalid UTF-8, absurd nesting and numbers,
/// oversize bodies, wrong content types, broken credentials, wrong methods and paths. Every one must get a 4xx with
/// an OpenAI-style JSON error (SPEC DP-2), never a 5xx.
/// </summary>
internal static class MalformedRequestCorpus
{
    /// <summary>A request every gate accepts; cases change one thing about it.</summary>
    public const string ValidChat = """{"model":"chat-default","messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>Just over the default 10 MiB body limit.</summary>
    public const int OversizeBytes = 11 * 1024 * 1024;

    private const int Bad = 400;

    public static IReadOnlyDictionary<string, MalformedCase> All { get; } = Build();

    private static Dictionary<string, MalformedCase> Build()
    {
        var cases = new List<MalformedCase>
        {
            // Not JSON at all, or JSON with extensions System.Text.Json (rightly) refuses.
            Chat("json: truncated object", """{"model":"chat-default","messages":[{"role":"user","content":"hi"}""", "invalid_json"),
            Chat("json: truncated inside a string", """{"model":"chat-de""", "invalid_json"),
            Chat("json: trailing comma in object", """{"model":"chat-default","messages":[{"role":"user","content":"hi"}],}""", "invalid_json"),
            Chat("json: trailing comma in array", """{"model":"chat-default","messages":[{"role":"user","content":"hi"},]}""", "invalid_json"),
            Chat("json: single-quoted strings", """{'model':'chat-default','messages':[{'role':'user','content':'hi'}]}""", "invalid_json"),
            Chat("json: unquoted property names", """{model:"chat-default",messages:[{role:"user",content:"hi"}]}""", "invalid_json"),
            Chat("json: NaN literal", """{"model":"chat-default","temperature":NaN,"messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("json: Infinity literal", """{"model":"chat-default","temperature":Infinity,"messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("json: line comment", "{\"model\":\"chat-default\", // the model\n\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_json"),
            Chat("json: block comment", """{"model":"chat-default",/* the model */"messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("json: two concatenated objects", ValidChat + ValidChat, "invalid_json"),
            Chat("json: garbage after the object", ValidChat + " trailing garbage", "invalid_json"),
            Chat("json: garbage before the object", "xyz" + ValidChat, "invalid_json"),
            Chat("json: invalid escape \\x41", """{"model":"chat-default","messages":[{"role":"user","content":"\x41"}]}""", "invalid_json"),
            Chat("json: short unicode escape \\u12", """{"model":"chat-default","messages":[{"role":"user","content":"\u12"}]}""", "invalid_json"),
            Chat("json: raw control character in a string", "{\"model\":\"chat-default\",\"messages\":[{\"role\":\"user\",\"content\":\"a\u0001b\"}]}", "invalid_json"),
            Chat("json: number with leading zero", """{"model":"chat-default","max_tokens":012,"messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("json: hexadecimal number", """{"model":"chat-default","max_tokens":0x10,"messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("json: capitalised True", """{"model":"chat-default","stream":True,"messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("json: missing colon", """{"model" "chat-default","messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("json: whitespace only", "  \r\n\t ", "invalid_json"),
            Chat("body: empty", "", "invalid_json"),

            // Invalid UTF-8 in an otherwise valid body.
            ChatBytes("utf-8: raw 0xFF byte", Utf8Around([0xFF]), "invalid_json"),
            ChatBytes("utf-8: overlong encoding of '/' (C0 AF)", Utf8Around([0xC0, 0xAF]), "invalid_json"),
            ChatBytes("utf-8: overlong 3-byte NUL (E0 80 80)", Utf8Around([0xE0, 0x80, 0x80]), "invalid_json"),
            ChatBytes("utf-8: truncated multi-byte sequence (E2 82)", Utf8Around([0xE2, 0x82]), "invalid_json"),
            ChatBytes("utf-8: encoded surrogate (ED A0 80)", Utf8Around([0xED, 0xA0, 0x80]), "invalid_json"),
            ChatBytes("utf-8: lone continuation byte (80)", Utf8Around([0x80]), "invalid_json"),
            ChatBytes("utf-8: code point above U+10FFFF (F4 90 80 80)", Utf8Around([0xF4, 0x90, 0x80, 0x80]), "invalid_json"),
            ChatBytes("utf-8: UTF-16LE body", Encoding.Unicode.GetBytes(ValidChat), "invalid_json"),

            // Valid JSON, but not an object.
            Chat("body: null", "null", "invalid_request"),
            Chat("body: empty array", "[]", "invalid_request"),
            Chat("body: a string", "\"string\"", "invalid_request"),
            Chat("body: a number", "42", "invalid_request"),
            Chat("body: true", "true", "invalid_request"),

            // model
            Chat("model: number", """{"model":42,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "model"),
            Chat("model: array", """{"model":["chat-default"],"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "model"),
            Chat("model: object", """{"model":{"id":"chat-default"},"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "model"),
            Chat("model: null", """{"model":null,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "model"),
            Chat("model: empty string", """{"model":"","messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "model"),
            Chat("model: missing", """{"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "model"),
            // Unpaired surrogate escapes: the JSON grammar allows them, but they decode to no valid text (I-JSON,
            // RFC 7493 §2.1, forbids them) and every later gate that reads text would have to cope: rejected up front.
            Chat("unpaired surrogate: \\ud800 in model", """{"model":"\ud800","messages":[{"role":"user","content":"hi"}]}""", null),
            Chat("unpaired surrogate: \\ud800 in content", """{"model":"chat-default","messages":[{"role":"user","content":"a\ud800b"}]}""", null),
            Chat("unpaired surrogate: low \\udc00 alone in content", """{"model":"chat-default","messages":[{"role":"user","content":"\udc00"}]}""", null),
            Chat("unpaired surrogate: \\ud800 then \\u0041 in a content part", """{"model":"chat-default","messages":[{"role":"user","content":[{"type":"text","text":"\ud800\u0041"}]}]}""", null),
            new("model: unknown", 404, "model_not_found", "model", key => Post(key, "chat/completions", """{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}""")),

            // messages
            Chat("messages: object", """{"model":"chat-default","messages":{"role":"user","content":"hi"}}""", "invalid_request", "messages"),
            Chat("messages: string", """{"model":"chat-default","messages":"hi"}""", "invalid_request", "messages"),
            Chat("messages: null", """{"model":"chat-default","messages":null}""", "invalid_request", "messages"),
            Chat("messages: missing", """{"model":"chat-default"}""", "invalid_request", "messages"),
            Chat("messages: empty array", """{"model":"chat-default","messages":[]}""", "invalid_request", "messages"),
            Chat("message: a string", """{"model":"chat-default","messages":["hi"]}""", "invalid_request", "messages[0]"),
            Chat("message: null", """{"model":"chat-default","messages":[null]}""", "invalid_request", "messages[0]"),
            Chat("message: second one is a number", """{"model":"chat-default","messages":[{"role":"user","content":"hi"},7]}""", "invalid_request", "messages[1]"),
            Chat("role: missing", """{"model":"chat-default","messages":[{"content":"hi"}]}""", "invalid_request", "messages[0].role"),
            Chat("role: unknown", """{"model":"chat-default","messages":[{"role":"wizard","content":"hi"}]}""", "invalid_request", "messages[0].role"),
            Chat("role: number", """{"model":"chat-default","messages":[{"role":1,"content":"hi"}]}""", "invalid_request", "messages[0].role"),
            Chat("role: null", """{"model":"chat-default","messages":[{"role":null,"content":"hi"}]}""", "invalid_request", "messages[0].role"),
            Chat("content: number", """{"model":"chat-default","messages":[{"role":"user","content":42}]}""", "invalid_request", "messages[0].content"),
            Chat("content: object", """{"model":"chat-default","messages":[{"role":"user","content":{"text":"hi"}}]}""", "invalid_request", "messages[0].content"),
            Chat("content: boolean", """{"model":"chat-default","messages":[{"role":"user","content":true}]}""", "invalid_request", "messages[0].content"),

            // stream and stream_options
            Chat("stream: string", """{"model":"chat-default","stream":"true","messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "stream"),
            Chat("stream: number", """{"model":"chat-default","stream":1,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "stream"),
            Chat("stream_options: string", """{"model":"chat-default","stream":true,"stream_options":"include_usage","messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "stream_options"),
            Chat("stream_options: array", """{"model":"chat-default","stream":true,"stream_options":[true],"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "stream_options"),
            Chat("stream_options.include_usage: string", """{"model":"chat-default","stream":true,"stream_options":{"include_usage":"yes"},"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "stream_options.include_usage"),

            // Numbers: wrong types, out of range, absurd magnitudes.
            Chat("max_tokens: string", """{"model":"chat-default","max_tokens":"10","messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_tokens"),
            Chat("max_tokens: negative", """{"model":"chat-default","max_tokens":-5,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_tokens"),
            Chat("max_tokens: zero", """{"model":"chat-default","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_tokens"),
            Chat("max_tokens: float", """{"model":"chat-default","max_tokens":1.5,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_tokens"),
            Chat("max_tokens: 1e400", """{"model":"chat-default","max_tokens":1e400,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_tokens"),
            Chat("max_tokens: 1000-digit integer", $$"""{"model":"chat-default","max_tokens":{{HugeInteger}},"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_tokens"),
            Chat("max_tokens: above int32", """{"model":"chat-default","max_tokens":2147483648,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_tokens"),
            Chat("max_completion_tokens: zero", """{"model":"chat-default","max_completion_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "max_completion_tokens"),
            Chat("n: zero", """{"model":"chat-default","n":0,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "n"),
            Chat("n: 129", """{"model":"chat-default","n":129,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "n"),
            Chat("n: string", """{"model":"chat-default","n":"2","messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "n"),
            Chat("temperature: string", """{"model":"chat-default","temperature":"hot","messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "temperature"),
            Chat("temperature: 1e400", """{"model":"chat-default","temperature":1e400,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "temperature"),
            Chat("temperature: 1000-digit integer", $$"""{"model":"chat-default","temperature":{{HugeInteger}},"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "temperature"),
            Chat("top_p: -1e400", """{"model":"chat-default","top_p":-1e400,"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "top_p"),
            Chat("top_p: array", """{"model":"chat-default","top_p":[0.5],"messages":[{"role":"user","content":"hi"}]}""", "invalid_request", "top_p"),

            // Deep nesting: rejected by the depth bound before any work.
            Chat("nesting: 1,000 nested arrays as the body", new string('[', 1000) + new string(']', 1000), "invalid_json"),
            Chat("nesting: 1,000 nested arrays as the content", $$"""{"model":"chat-default","messages":[{"role":"user","content":{{new string('[', 1000) + new string(']', 1000)}}}]}""", "invalid_json"),
            Chat("nesting: 100 nested objects inside a content part", $$"""{"model":"chat-default","messages":[{"role":"user","content":[{"type":"text","text":"hi","extra":{{Nested(100)}}}]}]}""", "invalid_json"),
            Chat("nesting: 1,000 nested objects in an unknown field", $$"""{"model":"chat-default","metadata":{{Nested(1000)}},"messages":[{"role":"user","content":"hi"}]}""", "invalid_json"),
            Chat("nesting: 1,000 unclosed arrays", """{"model":"chat-default","x":""" + new string('[', 1000), "invalid_json"),

            // Size: the 10 MiB cap, with and without a declared length.
            new("size: 11 MiB with Content-Length", 413, "payload_too_large", Request: key => Post(key, "chat/completions", OversizeBody())),
            new("size: 11 MiB chunked (no Content-Length)", 413, "payload_too_large", Request: key => Chunked(key, OversizeBody())),

            // Content type
            WithContentType("content type: text/plain", "text/plain"),
            WithContentType("content type: form-urlencoded", "application/x-www-form-urlencoded"),
            WithContentType("content type: multipart/form-data", "multipart/form-data; boundary=x"),
            WithContentType("content type: missing", null),

            // Credentials (the body is valid: only the key is wrong).
            new("auth: no Authorization header", 401, "invalid_api_key", Request: _ => Post(null, "chat/completions", ValidChat)),
            WithAuthorization("auth: Basic credentials", "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("user:password"))),
            WithAuthorization("auth: Bearer without a token", "Bearer"),
            WithAuthorization("auth: Bearer with only spaces", "Bearer    "),
            WithAuthorization("auth: Token scheme with a valid key", null, key => "Token " + key),
            WithAuthorization("auth: garbled key", "Bearer !!not-a-key!!"),
            WithAuthorization("auth: right prefix, unknown public id", "Bearer wdn_222222222222_" + new string('2', 32)),
            WithAuthorization("auth: right prefix and public id, wrong secret", null, key => "Bearer " + key[..17] + new string(key[17] == '2' ? '3' : '2', 32)),
            WithAuthorization("auth: valid key minus its last character", null, key => "Bearer " + key[..^1]),
            WithAuthorization("auth: two keys in one header", null, key => $"Bearer {key}, Bearer {key}"),
            new("auth: two Authorization header lines", 401, "invalid_api_key", RawRequest: (key, host) =>
                RawHttp.Build("POST", "/v1/chat/completions", host, ["Content-Type: application/json", $"Authorization: Bearer {key}", "Authorization: Bearer wdn_garbled"], Encoding.UTF8.GetBytes(ValidChat))),
            new("auth: garbled api-key header", 401, "invalid_api_key", Request: _ =>
            {
                var request = Post(null, "chat/completions", ValidChat);
                request.Headers.Add("api-key", "garbled");
                return request;
            }),

            // Methods and paths
            Method("method: GET /v1/chat/completions", HttpMethod.Get, "chat/completions", 405, "method_not_allowed"),
            Method("method: PUT /v1/embeddings", HttpMethod.Put, "embeddings", 405, "method_not_allowed"),
            Method("method: DELETE /v1/completions", HttpMethod.Delete, "completions", 405, "method_not_allowed"),
            Method("method: POST /v1/models", HttpMethod.Post, "models", 405, "method_not_allowed"),
            Method("method: PATCH /v1/models", HttpMethod.Patch, "models", 405, "method_not_allowed"),
            Method("method: OPTIONS /v1/chat/completions", HttpMethod.Options, "chat/completions", 405, "method_not_allowed"),
            Method("path: unknown under /v1", HttpMethod.Post, "nothing/here", 404, "not_found"),
            Method("path: typo /v1/chat/completion", HttpMethod.Post, "chat/completion", 404, "not_found"),
            Method("path: /v2/chat/completions", HttpMethod.Post, "/v2/chat/completions", 404, "not_found"),

            // Embeddings and legacy completions
            Embeddings("embeddings: empty input array", """{"model":"embed","input":[]}""", "input"),
            Embeddings("embeddings: empty input string", """{"model":"embed","input":""}""", "input"),
            Embeddings("embeddings: input number", """{"model":"embed","input":42}""", "input"),
            Embeddings("embeddings: input object", """{"model":"embed","input":{"text":"hi"}}""", "input"),
            Embeddings("embeddings: input missing", """{"model":"embed"}""", "input"),
            Embeddings("embeddings: model missing", """{"input":"hi"}""", "model"),
            new("completions: prompt missing", Bad, "invalid_request", "prompt", key => Post(key, "completions", """{"model":"chat-default","max_tokens":5}""")),
            new("completions: prompt object", Bad, "invalid_request", "prompt", key => Post(key, "completions", """{"model":"chat-default","prompt":{"text":"hi"}}""")),
            new("completions: truncated JSON", Bad, "invalid_json", Request: key => Post(key, "completions", """{"model":"chat-default","prompt":"hi""")),
        };

        var byName = new Dictionary<string, MalformedCase>(StringComparer.Ordinal);
        foreach (var @case in cases)
        {
            byName.Add(@case.Name, @case);
        }

        return byName;
    }

    private static string HugeInteger => "1" + new string('0', 1000);

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static byte[] Utf8Around(byte[] invalid) =>
        [.. """{"model":"chat-default","messages":[{"role":"user","content":"before"""u8, .. invalid, .. """after"}]}"""u8];

    private static byte[] OversizeBody()
    {
        var prefix = "{\"model\":\"chat-default\",\"messages\":[{\"role\":\"user\",\"content\":\""u8;
        var suffix = "\"}]}"u8;
        var body = new byte[OversizeBytes];
        body.AsSpan().Fill((byte)'a');
        prefix.CopyTo(body);
        suffix.CopyTo(body.AsSpan(body.Length - suffix.Length));
        return body;
    }

    private static MalformedCase Chat(string name, string body, string? code, string? param = null, int? status = Bad) =>
        new(name, status, code, param, key => Post(key, "chat/completions", body));

    private static MalformedCase ChatBytes(string name, byte[] body, string code) =>
        new(name, Bad, code, Request: key => Post(key, "chat/completions", body));

    private static MalformedCase Embeddings(string name, string body, string param) =>
        new(name, Bad, "invalid_request", param, key => Post(key, "embeddings", body));

    private static MalformedCase WithContentType(string name, string? contentType) =>
        new(name, 415, "unsupported_media_type", Request: key =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(ValidChat)) };
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return request;
        });

    private static MalformedCase WithAuthorization(string name, string? value, Func<string, string>? fromKey = null) =>
        new(name, 401, "invalid_api_key", Request: key =>
        {
            var request = Post(null, "chat/completions", ValidChat);
            request.Headers.TryAddWithoutValidation("Authorization", value ?? fromKey!(key));
            return request;
        });

    private static MalformedCase Method(string name, HttpMethod method, string path, int status, string code) =>
        new(name, status, code, Request: key =>
        {
            var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (method != HttpMethod.Get && method != HttpMethod.Delete)
            {
                request.Content = new StringContent(ValidChat, Encoding.UTF8, "application/json");
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return request;
        });

    private static HttpRequestMessage Post(string? key, string path, string body) => Post(key, path, Encoding.UTF8.GetBytes(body));

    private static HttpRequestMessage Post(string? key, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private static HttpRequestMessage Chunked(string key, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new UnknownLengthContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    // Content whose length is not known up front, so HttpClient sends it with chunked transfer coding.
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
