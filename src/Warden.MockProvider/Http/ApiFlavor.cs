namespace Warden.MockProvider.Http;

/// <summary>Which provider an endpoint imitates: decides the shape of error bodies and headers.</summary>
internal enum ApiFlavor
{
    OpenAi,
    Anthropic,
}
