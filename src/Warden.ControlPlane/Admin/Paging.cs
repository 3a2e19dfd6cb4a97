using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Warden.ControlPlane.Admin;

/// <summary>A page of a list: the items, and the offset of the next page (null on the last one).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int? NextOffset);

/// <summary>
/// Offset pagination for every admin list: <c>?limit=</c> (1-200, default 50) and <c>?offset=</c>. Lists are ordered
/// by a stable key so pages do not overlap.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Reads and validates <c>limit</c> and <c>offset</c> from the query.</summary>
    public static (int Offset, int Limit) Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = new Validation();
        var limit = DefaultLimit;
        var offset = 0;
        if (request.Query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            validation.Add("limit", $"must be an integer from 1 to {MaxLimit}.");
        }

        if (request.Query.TryGetValue("offset", out var o) && !int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            validation.Add("offset", "must be a non-negative integer.");
        }

        validation.ThrowIfInvalid();
        return (offset, limit);
    }

    /// <summary>Fetches one page of an ordered query and maps it.</summary>
    public static async Task<Page<TView>> ToPageAsync<TEntity, TView>(this IQueryable<TEntity> ordered, HttpRequest request, Func<TEntity, TView> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        var (offset, limit) = Read(request);
        var rows = await ordered.Skip(offset).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(map).ToList();
        return new Page<TView>(items, offset, limit, rows.Count > limit ? offset + limit : null);
    }
}
