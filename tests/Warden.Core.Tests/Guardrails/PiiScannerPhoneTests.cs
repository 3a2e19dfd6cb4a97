using Warden.Core.Guardrails;
using static Warden.Core.Tests.Guardrails.PiiTestText;

namespace Warden.Core.Tests.Guardrails;

public sealed class PiiScannerPhoneTests
{
    [Theory]
    [InlineData("+1 (555) 123-4567")]
    [InlineData("+1 555 123 4567")]
    [InlineData("+1-555-123-4567")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("+44 (0)20 7946 0958")]
    [InlineData("+66 81 234 5678")]
    [InlineData("+66812345678")]
    [InlineData("+33 1 23 45 67 89")]
    [InlineData("+49.30.1234567")]
    public void Scan_InternationalPhone_FindsPhone(string phone)
    {
        AssertFinds($"call me at {phone} tomorrow", phone, PiiKind.Phone);
    }

    [Theory]
    [InlineData("(555) 123-4567")]
    [InlineData("(555)123-4567")]
    [InlineData("(02) 123 4567")]
    [InlineData("1 (555) 123-4567")]
    [InlineData("555-123-4567")]
    [InlineData("555.123.4567")]
    [InlineData("555 123 4567")]
    [InlineData("1-555-123-4567")]
    [InlineData("020 7946 0958")]
    [InlineData("07700 900123")]
    [InlineData("081-234-5678")]
    [InlineData("02-123-4567")]
    [InlineData("01 23 45 67 89")]
    public void Scan_NationalPhone_FindsPhone(string phone)
    {
        AssertFinds($"call me at {phone} tomorrow", phone, PiiKind.Phone);
    }

    [Fact]
    public void Scan_PhoneNextToThaiText_FindsPhone()
    {
        AssertFinds("โทร081-234-5678นะคะ", "081-234-5678", PiiKind.Phone);
    }

    [Fact]
    public void Scan_InternationalPhoneFollowedByACount_LeavesTheCountOut()
    {
        AssertFinds("+1 555 123 4567 2 times", "+1 555 123 4567", PiiKind.Phone);
    }

    [Theory]
    [InlineData("5551234567")] // bare digits, no separators
    [InlineData("call 0812345678 now")]
    [InlineData("2024-01-15")] // date
    [InlineData("15.01.2024")]
    [InlineData("01-02-2024")]
    [InlineData("12:30:45")] // time
    [InlineData("1.2.3")] // version
    [InlineData("10.0.19045.3803")]
    [InlineData("192.168.1.1")] // IP
    [InlineData("123 456")]
    [InlineData("+1234567")] // too short
    [InlineData("+1234567890123456")] // too long
    [InlineData("155-123-4567")] // NANP area code cannot start with 1
    [InlineData("055.123.4567")] // dots: North American shape only
    [InlineData("555-1234-567")]
    [InlineData("555-123-4567-89")]
    [InlineData("x555-123-4567")]
    [InlineData("ISBN 978-3-16-148410-0")]
    [InlineData("2+2=4 and 3+12345678")]
    [InlineData("price 1,234,567.89")]
    public void Scan_NotAPhone_FindsNoPhone(string text)
    {
        AssertFindsNo(text, PiiKind.Phone);
    }

    [Fact]
    public void Scan_CardNumberWithSpaces_IsACardNotAPhone()
    {
        AssertFinds("4111 1111 1111 1111", "4111 1111 1111 1111", PiiKind.CreditCard);
    }
}
