using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Warden.Storage.Mapping;

/// <summary>Mapping helpers shared by the entity configurations.</summary>
internal static class PropertyBuilderExtensions
{
    /// <summary>Maps the property to a JSON text column (the PostgreSQL context turns these into <c>jsonb</c>).</summary>
    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> builder)
        where T : class =>
        builder.HasConversion(new JsonValueConverter<T>(), new JsonValueComparer<T>());

    /// <summary>True when <paramref name="converterType"/> is a <see cref="JsonValueConverter{T}"/>.</summary>
    public static bool IsJsonConverter(Type? converterType) =>
        converterType is { IsGenericType: true } && converterType.GetGenericTypeDefinition() == typeof(JsonValueConverter<>);
}
