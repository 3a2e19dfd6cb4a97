using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Warden.Storage.Mapping;

/// <summary>Stores an enum as its <see cref="EnumNames{TEnum}"/> spelling (e.g. <c>azure-openai</c>, <c>org_admin</c>).</summary>
internal sealed class EnumNameConverter<TEnum>()
    : ValueConverter<TEnum, string>(value => EnumNames<TEnum>.ToName(value), name => EnumNames<TEnum>.FromName(name))
    where TEnum : struct, Enum;
