namespace Warden.MockProvider.OpenAi;

/// <summary>A request parameter with a bad value, and the message OpenAI would send for it.</summary>
internal sealed record ParameterError(string Param, string Message);
