namespace Warden.Gateway.Hosting;

/// <summary>Body of <c>/readyz</c>.</summary>
/// <param name="Status"><c>ready</c> or <c>not_ready</c>.</param>
/// <param name="AppliedRevision">The applied snapshot revision, if any.</param>
public sealed record ReadyzResponse(string Status, long? AppliedRevision);
