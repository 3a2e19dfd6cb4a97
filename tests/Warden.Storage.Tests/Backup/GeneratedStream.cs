using System.Security.Cryptography;

namespace Warden.Storage.Tests.Backup;

/// <summary>
/// A read-only, non-seekable stream of <c>length</c> deterministic pseudo-random bytes, made as they are read (so a
/// large payload never exists in memory), hashing what it serves. It can fail or call back at a given offset, to
/// model a backup source (a database dump) that breaks mid-way.
/// </summary>
internal sealed class GeneratedStream : Stream
{
    private readonly long _length;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ulong _state;
    private long _position;

    public GeneratedStream(long length, ulong seed = 0x9E3779B97F4A7C15)
    {
        _length = length;
        _state = seed | 1;
    }

    /// <summary>When set, reading past this offset throws <see cref="SourceFailure"/>.</summary>
    public long? FailAt { get; init; }

    /// <summary>Called (and awaited) each time the read position crosses a multiple of <see cref="CallbackEvery"/>.</summary>
    public Func<long, ValueTask>? OnProgress { get; init; }

    /// <summary>The interval of <see cref="OnProgress"/> calls.</summary>
    public long CallbackEvery { get; init; } = 8L * 1024 * 1024;

    /// <summary>The exception thrown at <see cref="FailAt"/>.</summary>
    public static InvalidOperationException SourceFailure => new("the backup source broke mid-way (test)");

    /// <summary>SHA-256 of every byte served so far (call once, after the stream was read to its end).</summary>
    public byte[] Sha256() => _hash.GetHashAndReset();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("a backup source has no known length");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (FailAt is { } failAt && _position >= failAt)
        {
            throw SourceFailure;
        }

        var count = (int)Math.Min(buffer.Length, _length - _position);
        if (FailAt is { } limit)
        {
            count = (int)Math.Min(count, limit - _position);
        }

        var span = buffer[..count];
        for (var i = 0; i < span.Length; i++)
        {
            // xorshift64: cheap, deterministic, incompressible enough for an object store.
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            span[i] = (byte)_state;
        }

        _hash.AppendData(span);
        _position += count;
        return count;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var before = _position;
        var read = Read(buffer.Span);
        if (OnProgress is not null && read > 0 && before / CallbackEvery != _position / CallbackEvery)
        {
            await OnProgress(_position);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
