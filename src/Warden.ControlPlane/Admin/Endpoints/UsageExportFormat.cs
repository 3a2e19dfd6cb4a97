namespace Warden.ControlPlane.Admin.Endpoints;

/// <summary>The body format of a usage export.</summary>
public enum UsageExportFormat
{
    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,

    /// <summary>A JSON array of row objects.</summary>
    Json,
}
