using System.Collections;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Warden.Storage.Tests;

/// <summary>
/// Compares entities property by property using the EF model, so a property added later is checked without
/// touching the tests.
/// </summary>
internal static class EntityAssert
{
    /// <summary>Every mapped property holds a non-default value (null, 0, false, empty collections all fail).</summary>
    public static void AllPropertiesSet(IEntityType entityType, object entity)
    {
        foreach (var property in entityType.GetProperties())
        {
            Assert.True(property.PropertyInfo is not null, $"{Name(entityType, property)} is a shadow property; map it to a CLR property.");
            var value = property.PropertyInfo!.GetValue(entity);
            var isDefault = value switch
            {
                null => true,
                string s => s.Length == 0,
                IEnumerable sequence => !sequence.GetEnumerator().MoveNext(),
                _ => value.Equals(Activator.CreateInstance(value.GetType())),
            };
            Assert.False(isDefault, $"{Name(entityType, property)} is not set in the test data ({value ?? "null"}).");
        }
    }

    /// <summary>Every mapped property of <paramref name="actual"/> equals the one of <paramref name="expected"/>.</summary>
    public static void AllPropertiesEqual(IEntityType entityType, object expected, object actual)
    {
        foreach (var property in entityType.GetProperties())
        {
            var expectedValue = property.PropertyInfo!.GetValue(expected);
            var actualValue = property.PropertyInfo!.GetValue(actual);
            Assert.True(
                ValuesEqual(expectedValue, actualValue),
                $"{Name(entityType, property)}: expected {Describe(expectedValue)}, read back {Describe(actualValue)}.");
        }
    }

    private static bool ValuesEqual(object? expected, object? actual)
    {
        switch (expected, actual)
        {
            case (null, null):
                return true;
            case (null, _) or (_, null):
                return false;
            case (string e, string a):
                return string.Equals(e, a, StringComparison.Ordinal);
            case (DateTimeOffset e, DateTimeOffset a):
                // Same instant and read back as UTC.
                return e == a && a.Offset == TimeSpan.Zero;
            case (decimal e, decimal a):
                return e == a;
            case (IDictionary e, IDictionary a):
                return e.Count == a.Count && e.Keys.Cast<object>().All(key => a.Contains(key) && ValuesEqual(e[key], a[key]));
            case (IEnumerable e, IEnumerable a):
                var left = e.Cast<object?>().ToList();
                var right = a.Cast<object?>().ToList();
                return left.Count == right.Count && left.Zip(right).All(pair => ValuesEqual(pair.First, pair.Second));
            default:
                return expected.Equals(actual);
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        DateTimeOffset time => time.ToString("O"),
        IDictionary dictionary => "{" + string.Join(", ", dictionary.Keys.Cast<object>().Select(k => $"{k}={dictionary[k]}")) + "}",
        string s => $"\"{s}\"",
        IEnumerable sequence => "[" + string.Join(", ", sequence.Cast<object?>()) + "]",
        _ => value.ToString() ?? "",
    };

    private static string Name(IEntityType entityType, IProperty property) => $"{entityType.ClrType.Name}.{property.Name}";
}
