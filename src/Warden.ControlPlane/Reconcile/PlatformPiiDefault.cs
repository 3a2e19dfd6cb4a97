using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Warden.Core.Guardrails;
using Warden.Core.Snapshots;
using Warden.Storage;
using Warden.Storage.Entities;

namespace Warden.ControlPlane.Reconcile;

/// <summary>
/// The platform-level PII default (SPEC G-1): one <see cref="PlatformSetting"/> under <see cref="SettingKey"/> whose
/// value is a JSON object of PII kind → action, e.g. <c>{"credit_card":"block","email":"mask"}</c>. Every project
/// without PII rules of its own enforces it; the snapshot carries it as <see cref="ConfigPart.PlatformPiiRules"/>.
/// </summary>
public static class PlatformPiiDefault
{
    /// <summary>The <see cref="PlatformSetting"/> key.</summary>
    public const string SettingKey = "guardrails.pii.default";

    /// <summary>
    /// The entity id configuration revisions record for a change of the default (a platform setting has a string key,
    /// revisions a GUID; any fixed value serves, as only the entity kind decides what the reconcile loop rebuilds).
    /// </summary>
    public static readonly Guid EntityId = new("6d9a1f52-3c0e-4b7e-9f3a-2a51c0de0001");

    /// <summary>The stored JSON of <paramref name="rules"/>, keys in ordinal order.</summary>
    public static string Serialize(IReadOnlyDictionary<string, PiiAction> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (kind, action) in rules.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WriteString(kind, action == PiiAction.Block ? "block" : "mask");
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Parses a stored value. Entries with an unknown kind or action are skipped rather than failing the snapshot
    /// (the admin API never stores them; a value written by a newer release must not stop this one publishing).
    /// </summary>
    public static SortedDictionary<string, PiiAction> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var rules = new SortedDictionary<string, PiiAction>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(value);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return rules;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!PiiKinds.TryParse(property.Name, out _) || property.Value.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            switch (property.Value.GetString())
            {
                case "mask":
                    rules[property.Name] = PiiAction.Mask;
                    break;
                case "block":
                    rules[property.Name] = PiiAction.Block;
                    break;
            }
        }

        return rules;
    }

    /// <summary>The stored default, or null when the platform sets none.</summary>
    public static async Task<(SortedDictionary<string, PiiAction> Rules, DateTimeOffset UpdatedAt)?> ReadAsync(WardenDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var setting = await db.PlatformSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == SettingKey, cancellationToken);
        return setting is null ? null : (Parse(setting.Value), setting.UpdatedAt);
    }

    /// <summary>The wire form of <paramref name="rules"/>.</summary>
    public static Dictionary<string, PiiRuleAction> ToWire(IReadOnlyDictionary<string, PiiAction> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => kv.Value == PiiAction.Block ? PiiRuleAction.Block : PiiRuleAction.Mask, StringComparer.Ordinal);
    }
}
