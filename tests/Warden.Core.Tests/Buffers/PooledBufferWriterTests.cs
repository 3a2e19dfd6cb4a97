using System.Buffers;
using System.Text.Json;
using Warden.Core.Buffers;

namespace Warden.Core.Tests.Buffers;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Writes_GrowPastTheFirstRental_AndKeepEveryByte()
    {
        using var writer = new PooledBufferWriter(16);
        var expected = new byte[10_000];
        new Random(7).NextBytes(expected);

        // Uneven pieces force several growths, each of which must copy what was written before.
        for (var offset = 0; offset < expected.Length;)
        {
            var piece = Math.Min(333, expected.Length - offset);
            writer.Write(expected.AsSpan(offset, piece));
            offset += piece;
        }

        Assert.Equal(expected.Length, writer.WrittenCount);
        Assert.True(writer.WrittenSpan.SequenceEqual(expected));
        Assert.True(writer.WrittenMemory.Span.SequenceEqual(expected));
    }

    [Fact]
    public void Utf8JsonWriter_Output_IsComplete_AndResetStartsOver()
    {
        using var writer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(writer))
        {
            json.WriteStartObject();
            json.WriteString("text", new string('x', 5_000));
            json.WriteEndObject();
        }

        using (var parsed = JsonDocument.Parse(writer.WrittenMemory))
        {
            Assert.Equal(5_000, parsed.RootElement.GetProperty("text").GetString()!.Length);
        }

        writer.ResetWrittenCount();
        writer.Write("{}"u8);
        Assert.Equal("{}"u8.ToArray(), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Advance_PastTheBuffer_Throws_AndUseAfterDispose_Throws()
    {
        var writer = new PooledBufferWriter(256);
        var length = writer.GetSpan(10).Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(length + 1));
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.GetMemory(1));
        Assert.Equal(0, writer.WrittenCount);
        writer.Dispose(); // a second dispose is harmless
    }
}
