using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Warden.Storage.Mapping;

/// <summary>
/// The stored spelling of each member of <typeparamref name="TEnum"/>: its <see cref="JsonStringEnumMemberNameAttribute"/>
/// (so the database and the JSON API agree), else the member name in lower case.
/// </summary>
internal static class EnumNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> s_toName = typeof(TEnum)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .ToFrozenDictionary(
            field => (TEnum)field.GetValue(null)!,
            field => field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name.ToLowerInvariant());

    private static readonly FrozenDictionary<string, TEnum> s_fromName =
        s_toName.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>All stored names.</summary>
    public static IReadOnlyCollection<string> Names => s_fromName.Keys;

    public static string ToName(TEnum value) =>
        s_toName.TryGetValue(value, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(TEnum).Name} has no member with this value.");

    public static TEnum FromName(string name) =>
        s_fromName.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"The database holds '{name}', which is not a known {typeof(TEnum).Name}.");
}
