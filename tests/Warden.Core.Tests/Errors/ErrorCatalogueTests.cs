using Warden.Core.Errors;

namespace Warden.Core.Tests.Errors;

public sealed class ErrorCatalogueTests
{
    [Fact]
    public void EveryError_HasADescriptor()
    {
        foreach (var error in Enum.GetValues<GatewayError>())
        {
            var descriptor = ErrorCatalogue.Describe(error);
            Assert.InRange(descriptor.Status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Code));
            Assert.False(string.IsNullOrWhiteSpace(descriptor.DefaultMessage));
        }
    }

    [Fact]
    public void Codes_AreUnique()
    {
        var codes = ErrorCatalogue.All.Values.Select(d => d.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(GatewayError.InvalidJson, 400, "invalid_json")]
    [InlineData(GatewayError.InvalidApiKey, 401, "invalid_api_key")]
    [InlineData(GatewayError.KeyRevoked, 401, "key_revoked")]
    [InlineData(GatewayError.KeyExpired, 401, "key_expired")]
    [InlineData(GatewayError.GuardrailBlocked, 403, "guardrail_blocked")]
    [InlineData(GatewayError.ModelNotAllowed, 403, "model_not_allowed")]
    [InlineData(GatewayError.TenantMismatch, 403, "tenant_mismatch")]
    [InlineData(GatewayError.ModelNotFound, 404, "model_not_found")]
    [InlineData(GatewayError.PayloadTooLarge, 413, "payload_too_large")]
    [InlineData(GatewayError.BudgetExceeded, 429, "budget_exceeded")]
    [InlineData(GatewayError.RateLimitExceeded, 429, "rate_limit_exceeded")]
    [InlineData(GatewayError.UpstreamError, 502, "upstream_error")]
    [InlineData(GatewayError.UpstreamUnavailable, 503, "upstream_unavailable")]
    [InlineData(GatewayError.UpstreamTimeout, 504, "upstream_timeout")]
    [InlineData(GatewayError.NotReady, 503, "not_ready")]
    public void Describe_MatchesTheSpecTable(GatewayError error, int status, string code)
    {
        var descriptor = ErrorCatalogue.Describe(error);

        Assert.Equal(status, descriptor.Status);
        Assert.Equal(code, descriptor.Code);
    }
}
