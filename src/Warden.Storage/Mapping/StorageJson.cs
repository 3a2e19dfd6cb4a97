using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Warden.Storage.Mapping;

/// <summary>Serialization used by the JSON value converters and comparers.</summary>
internal static class StorageJson
{
    public static string Serialize<T>(T? value)
        where T : class =>
        JsonSerializer.Serialize(value!, TypeInfo<T>());

    public static T Deserialize<T>(string json)
        where T : class =>
        JsonSerializer.Deserialize(json, TypeInfo<T>())
        ?? throw new InvalidOperationException($"A JSON column of type {typeof(T).Name} holds null.");

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>?)StorageJsonContext.Default.GetTypeInfo(typeof(T))
        ?? throw new InvalidOperationException($"{typeof(T)} is not registered in {nameof(StorageJsonContext)}.");
}
