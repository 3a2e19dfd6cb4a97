namespace Warden.Core.Guardrails;

/// <summary>The kinds of personal data and secrets the PII guardrail detects (SPEC G-1).</summary>
public enum PiiKind
{
    /// <summary>An e-mail address.</summary>
    Email,

    /// <summary>A telephone number (international or a common national format).</summary>
    Phone,

    /// <summary>A payment card number that passes the Luhn check.</summary>
    CreditCard,

    /// <summary>An IBAN with a valid country length and mod-97 check digits.</summary>
    Iban,

    /// <summary>A US social security number.</summary>
    Ssn,

    /// <summary>An IPv4 or IPv6 address.</summary>
    IpAddress,

    /// <summary>A Thai national id (13 digits with a valid check digit).</summary>
    ThaiNationalId,

    /// <summary>An API key, token, private key or other high-entropy secret.</summary>
    Secret,
}
