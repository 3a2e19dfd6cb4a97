using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Warden.Core.Diagnostics;

namespace Warden.Gateway.Usage;

/// <summary>
/// The gateway's durable usage spool: batches the control plane could not take, kept on local disk until it can.
/// <para>
/// Append-only segment files <c>NNNNNNNNNNNNNNNNNNNN.seg</c> (numbered in write order, rolled at
/// <see cref="SegmentBytes"/>), each a sequence of records <c>[payload length:int32][event count:int32]
/// [CRC-32 of count and payload:uint32][payload]</c>, little-endian. Every append is flushed to disk (fsync) before it
/// returns. A process killed mid-write leaves a torn last record: on reading, the first record whose header is short,
/// whose length overruns the file or whose checksum does not match ends the segment, and the rest is ignored (logged).
/// After a restart new records always go to a new segment, so a torn tail is never appended to.
/// </para>
/// <para>
/// Records are read back oldest first (<see cref="TryPeek"/>); a segment file is deleted only when every record in it
/// has been <see cref="Acknowledge">acknowledged</see> by the control plane. A crash between a delivery and the deletion
/// re-sends that segment's records; ingest is idempotent by event id, so nothing counts twice.
/// </para>
/// One process per folder: <c>spool.lock</c> is held exclusively while the spool is open. Thread-safe.
/// </summary>
public sealed partial class UsageSpool : IDisposable
{
    /// <summary>Size at which the segment being written is closed and a new one started.</summary>
    public const long SegmentBytes = 4 * 1024 * 1024;

    private const int HeaderBytes = 12;
    private const string Extension = ".seg";

    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly FileStream _lockFile;
    private readonly Lock _gate = new();
    private readonly Queue<Segment> _sealed = new();
    private Segment? _active;
    private FileStream? _writer;
    private LoadedSegment? _head;
    private long _nextNumber;
    private long _pendingEvents;

    private UsageSpool(string directory, FileStream lockFile, ILogger logger)
    {
        _directory = directory;
        _lockFile = lockFile;
        _logger = logger;
    }

    /// <summary>The spool folder.</summary>
    public string Directory => _directory;

    /// <summary>Events spooled and not yet acknowledged.</summary>
    public long PendingEvents => Interlocked.Read(ref _pendingEvents);

    /// <summary>True while any event waits in the spool.</summary>
    public bool HasPending => PendingEvents > 0;

    /// <summary>Segment files on disk (including the one being written).</summary>
    public int SegmentCount
    {
        get
        {
            lock (_gate)
            {
                return _sealed.Count + (_active is null ? 0 : 1);
            }
        }
    }

    /// <summary>
    /// Opens (creating if needed) the spool in <paramref name="directory"/>, takes its lock and scans the existing
    /// segments. Throws <see cref="IOException"/> when another process holds the folder.
    /// </summary>
    public static UsageSpool Open(string directory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(logger);
        var full = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(full);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(full, "spool.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The usage spool folder '{full}' is in use by another process (Gateway:SpoolDir must be one per gateway).", ex);
        }

        var spool = new UsageSpool(full, lockFile, logger);
        try
        {
            spool.Scan();
        }
        catch
        {
            spool.Dispose();
            throw;
        }

        return spool;
    }

    /// <summary>Appends one batch and flushes it to disk before returning.</summary>
    public void Append(ReadOnlySpan<byte> payload, int eventCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventCount);
        var size = HeaderBytes + payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(0), payload.Length);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), eventCount);
            var crc = Crc32.Append(0, buffer.AsSpan(4, 4));
            crc = Crc32.Append(crc, payload);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), crc);
            payload.CopyTo(buffer.AsSpan(HeaderBytes));

            lock (_gate)
            {
                if (_active is null)
                {
                    var number = _nextNumber++;
                    var path = SegmentPath(number);
                    _writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
                    _active = new Segment(number, path);
                }

                _writer!.Write(buffer, 0, size);
                _writer.Flush(flushToDisk: true);
                _active.Events += eventCount;
                _active.Bytes += size;
                Interlocked.Add(ref _pendingEvents, eventCount);
                if (_active.Bytes >= SegmentBytes)
                {
                    SealActive();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The oldest record not yet acknowledged, if any. The segment being written is closed first when it is the only
    /// one left, so appends that follow go behind it.
    /// </summary>
    public bool TryPeek(out SpoolRecord record)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_sealed.Count == 0 && _active is { Events: > 0 })
                {
                    SealActive();
                }

                if (!_sealed.TryPeek(out var segment))
                {
                    record = default;
                    return false;
                }

                if (_head is null || _head.Segment.Number != segment.Number)
                {
                    var data = File.ReadAllBytes(segment.Path);
                    var records = Parse(data, out _);
                    _head = new LoadedSegment(segment, data, records);
                }

                if (_head.Cursor < _head.Records.Count)
                {
                    var (offset, length, events) = _head.Records[_head.Cursor];
                    record = new SpoolRecord(segment.Number, _head.Cursor, _head.Data.AsMemory(offset, length), events);
                    return true;
                }

                // Nothing (left) in it: an empty or wholly torn segment.
                DeleteHead();
            }
        }
    }

    /// <summary>Marks <paramref name="record"/> delivered; deletes its segment once every record in it is.</summary>
    public void Acknowledge(SpoolRecord record)
    {
        lock (_gate)
        {
            if (_head is null || _head.Segment.Number != record.Segment || _head.Cursor != record.Index)
            {
                throw new InvalidOperationException("Spool records must be acknowledged in order.");
            }

            _head.Cursor++;
            Interlocked.Add(ref _pendingEvents, -record.EventCount);
            if (_head.Cursor >= _head.Records.Count)
            {
                DeleteHead();
            }
        }
    }

    /// <summary>
    /// Moves a record the control plane refused as malformed to <c>rejected/</c> (kept for inspection, never re-sent)
    /// and acknowledges it, so one bad batch cannot block the spool.
    /// </summary>
    public string Reject(SpoolRecord record)
    {
        var path = SaveRejected(record.Payload.Span, string.Create(CultureInfo.InvariantCulture, $"{record.Segment:D20}-{record.Index:D6}"));
        Acknowledge(record);
        return path;
    }

    /// <summary>Keeps a batch the control plane refused as malformed under <c>rejected/</c> and returns its path.</summary>
    public string SaveRejected(ReadOnlySpan<byte> payload, string? name = null)
    {
        var folder = Path.Combine(_directory, "rejected");
        System.IO.Directory.CreateDirectory(folder);
        name ??= "live-" + Guid.CreateVersion7().ToString("N", CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, name + ".json");
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(payload);
            file.Flush(flushToDisk: true);
        }

        return path;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
            _lockFile.Dispose();
        }
    }

    /// <summary>Splits a segment's bytes into records; stops at the first torn or corrupt one.</summary>
    internal static List<(int Offset, int Length, int Events)> Parse(ReadOnlySpan<byte> data, out int validBytes)
    {
        var records = new List<(int, int, int)>();
        var position = 0;
        while (data.Length - position >= HeaderBytes)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(data[position..]);
            var events = BinaryPrimitives.ReadInt32LittleEndian(data[(position + 4)..]);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 8)..]);
            if (length < 0 || events < 0 || length > data.Length - position - HeaderBytes)
            {
                break;
            }

            var payload = data.Slice(position + HeaderBytes, length);
            if (Crc32.Append(Crc32.Append(0, data.Slice(position + 4, 4)), payload) != crc)
            {
                break;
            }

            records.Add((position + HeaderBytes, length, events));
            position += HeaderBytes + length;
        }

        validBytes = position;
        return records;
    }

    private void Scan()
    {
        var numbers = new List<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                numbers.Add(number);
            }
        }

        numbers.Sort();
        foreach (var number in numbers)
        {
            var path = SegmentPath(number);
            var data = File.ReadAllBytes(path);
            var records = Parse(data, out var valid);
            if (valid < data.Length)
            {
                LogTornTail(_logger, Path.GetFileName(path), data.Length - valid, records.Count);
            }

            var events = records.Sum(r => (long)r.Events);
            if (records.Count == 0)
            {
                File.Delete(path);
                continue;
            }

            _sealed.Enqueue(new Segment(number, path) { Events = events, Bytes = data.Length });
            _pendingEvents += events;
        }

        // New records always start a new segment: never append behind a torn tail.
        _nextNumber = numbers.Count == 0 ? 1 : numbers[^1] + 1;
        LogOpened(_logger, _directory, _pendingEvents, _sealed.Count);
    }

    private void SealActive()
    {
        _writer?.Dispose();
        _writer = null;
        if (_active is null)
        {
            return;
        }

        if (_active.Events > 0)
        {
            _sealed.Enqueue(_active);
        }
        else
        {
            File.Delete(_active.Path);
        }

        _active = null;
    }

    private void DeleteHead()
    {
        var segment = _sealed.Dequeue();
        File.Delete(segment.Path);
        if (_head is not null && _head.Segment.Number == segment.Number)
        {
            // Records the reader skipped as torn were never counted as pending.
            _head = null;
        }
    }

    private string SegmentPath(long number) => Path.Combine(_directory, number.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    [LoggerMessage(EventId = WardenEventIds.UsageSpoolTornTail, Level = LogLevel.Warning, Message = "Usage spool segment {Segment}: ignored a torn tail of {Bytes} bytes after {Records} intact record(s) (the process stopped mid-write)")]
    private static partial void LogTornTail(ILogger logger, string segment, int bytes, int records);

    [LoggerMessage(EventId = WardenEventIds.UsageSpoolOpened, Level = LogLevel.Information, Message = "Usage spool {Directory}: {Events} event(s) waiting in {Segments} segment(s)")]
    private static partial void LogOpened(ILogger logger, string directory, long events, int segments);

    private sealed class Segment(long number, string path)
    {
        public long Number { get; } = number;

        public string Path { get; } = path;

        public long Events { get; set; }

        public long Bytes { get; set; }
    }

    private sealed class LoadedSegment(Segment segment, byte[] data, List<(int Offset, int Length, int Events)> records)
    {
        public Segment Segment { get; } = segment;

        public byte[] Data { get; } = data;

        public List<(int Offset, int Length, int Events)> Records { get; } = records;

        public int Cursor { get; set; }
    }
}
