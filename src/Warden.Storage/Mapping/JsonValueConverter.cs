using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Warden.Storage.Mapping;

/// <summary>Stores a dictionary or list of records as JSON text (<c>jsonb</c> on PostgreSQL, TEXT on SQLite).</summary>
internal sealed class JsonValueConverter<T>()
    : ValueConverter<T, string>(value => StorageJson.Serialize(value), json => StorageJson.Deserialize<T>(json))
    where T : class;
