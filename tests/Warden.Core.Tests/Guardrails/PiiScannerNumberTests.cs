using Warden.Core.Guardrails;
using static Warden.Core.Tests.Guardrails.PiiTestText;

namespace Warden.Core.Tests.Guardrails;

public sealed class PiiScannerNumberTests
{
    [Theory]
    [InlineData("4111111111111111")] // Visa 16
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("4222222222222")] // Visa 13
    [InlineData("4111111111111111110")] // Visa 19
    [InlineData("5555555555554444")] // Mastercard
    [InlineData("2223003122003222")] // Mastercard 2-series
    [InlineData("378282246310005")] // Amex
    [InlineData("3782 822463 10005")] // Amex 4-6-5
    [InlineData("6011111111111117")] // Discover
    [InlineData("6511111111111112")] // Discover 65
    [InlineData("3530111333300000")] // JCB
    [InlineData("3528111111111111116")] // JCB 19
    [InlineData("30569309025904")] // Diners 14
    [InlineData("6211111111111115")] // UnionPay
    public void Scan_ValidCardNumber_FindsCreditCard(string card)
    {
        AssertFinds($"my card is {card}, thanks", card, PiiKind.CreditCard);
    }

    [Theory]
    [InlineData("4111111111111112")] // Luhn fails
    [InlineData("1234567812345670")] // Luhn passes, no issuer starts with 1
    [InlineData("5555555555554444555")] // Mastercard is 16 digits only
    [InlineData("41111111111111111111")] // 20 digits
    [InlineData("4111 1111 1111 1111 1")] // a 17-digit run with Luhn failing, 16 valid prefix groups: see below
    public void Scan_NotACard_FindsNoCreditCard(string text)
    {
        var found = Find(text);
        if (text == "4111 1111 1111 1111 1")
        {
            // The valid 16 digits are a card; the lone digit after a space is left out (one-digit groups are not card groups).
            Assert.Equal([("4111 1111 1111 1111", PiiKind.CreditCard)], found);
            return;
        }

        Assert.DoesNotContain(found, f => f.Kind == PiiKind.CreditCard);
    }

    [Fact]
    public void Scan_CardGluedToLetters_IsNotFound()
    {
        AssertFindsNothing("id=x4111111111111111 and 4111111111111111y");
    }

    [Fact]
    public void Scan_BareCardFollowedByAnotherNumber_FindsBoth()
    {
        var found = Find("378282246310005 4111 1111 1111 1111");

        Assert.Equal([("378282246310005", PiiKind.CreditCard), ("4111 1111 1111 1111", PiiKind.CreditCard)], found);
    }

    [Fact]
    public void Scan_CardFollowedByMoreGroups_FindsTheCardPrefix()
    {
        AssertFinds("4111 1111 1111 1111 2024 x", "4111 1111 1111 1111", PiiKind.CreditCard);
    }

    [Theory]
    [InlineData("1103702071820")]
    [InlineData("1-1037-02071-82-0")]
    [InlineData("1 1037 02071 82 0")]
    [InlineData("3100100000006")]
    [InlineData("5-1234-56789-01-7")]
    public void Scan_ValidThaiNationalId_FindsIt(string id)
    {
        AssertFinds($"เลขบัตรประชาชน {id} ครับ", id, PiiKind.ThaiNationalId);
    }

    [Fact]
    public void Scan_ThaiIdRightNextToThaiText_FindsIt()
    {
        // Non-ASCII bytes are boundaries: no space is needed around the number.
        AssertFinds("เลขบัตร1103702071820ครับ", "1103702071820", PiiKind.ThaiNationalId);
    }

    [Theory]
    [InlineData("1103702071821")] // wrong check digit
    [InlineData("9103702071820")] // first digit 9
    [InlineData("0103702071820")] // first digit 0
    [InlineData("1-1037-02071-820")] // wrong grouping
    [InlineData("11037020718200")] // 14 digits
    public void Scan_InvalidThaiNationalId_FindsNoThaiId(string text)
    {
        AssertFindsNo(text, PiiKind.ThaiNationalId);
    }

    [Theory]
    [InlineData("123-45-6789")]
    [InlineData("123 45 6789")]
    [InlineData("078-05-1120")]
    public void Scan_ValidSsn_FindsSsn(string ssn)
    {
        AssertFinds($"SSN on file: {ssn}.", ssn, PiiKind.Ssn);
    }

    [Theory]
    [InlineData("000-12-3456")]
    [InlineData("666-12-3456")]
    [InlineData("900-12-3456")]
    [InlineData("999-12-3456")]
    [InlineData("123-00-4567")]
    [InlineData("123-45-0000")]
    [InlineData("123-45 6789")] // mixed separators
    [InlineData("1123-45-6789")] // longer first group
    [InlineData("123-45-67890")]
    public void Scan_InvalidSsn_FindsNoSsn(string text)
    {
        AssertFindsNo(text, PiiKind.Ssn);
    }

    [Theory]
    [InlineData("my ssn is 123456789")]
    [InlineData("Social Security number: 123456789")]
    [InlineData("SSN#123456789")]
    public void Scan_BareNineDigitsAfterKeyword_FindsSsn(string text)
    {
        AssertFinds(text, "123456789", PiiKind.Ssn);
    }

    [Fact]
    public void Scan_BareNineDigitsWithoutKeyword_FindsNothing()
    {
        AssertFindsNothing("order 123456789 shipped");
    }

    [Fact]
    public void Scan_BareNineDigitsWithKeywordTooFarAway_FindsNothing()
    {
        AssertFindsNothing("ssn is not needed for this long sentence here, order 123456789");
    }

    [Theory]
    [InlineData("192.168.1.1")]
    [InlineData("10.0.0.255")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    public void Scan_Ipv4_FindsIpAddress(string ip)
    {
        AssertFinds($"server at {ip}.", ip, PiiKind.IpAddress);
    }

    [Fact]
    public void Scan_Ipv4WithPort_FindsTheAddressOnly()
    {
        AssertFinds("connect to 192.168.1.10:8080 now", "192.168.1.10", PiiKind.IpAddress);
    }

    [Theory]
    [InlineData("256.1.1.1")]
    [InlineData("192.168.1")]
    [InlineData("192.168.01.1")] // leading zero
    [InlineData("version 1.2.3.4.5")]
    [InlineData("v1.2.3.4")]
    [InlineData("1.2.3.4.5.6")]
    [InlineData("3.14159")]
    [InlineData("released 2024.01.15")]
    public void Scan_NotAnIpv4_FindsNoIpAddress(string text)
    {
        AssertFindsNo(text, PiiKind.IpAddress);
    }

    [Theory]
    [InlineData("DE89370400440532013000")]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("FR1420041010050500013M02606")]
    [InlineData("NL91ABNA0417164300")]
    [InlineData("NO9386011117947")]
    [InlineData("CH9300762011623852957")]
    public void Scan_ValidIban_FindsIban(string iban)
    {
        AssertFinds($"pay to {iban} please", iban, PiiKind.Iban);
    }

    [Theory]
    [InlineData("DE89370400440532013001")] // mod-97 fails
    [InlineData("DE8937040044053201300")] // one short for Germany
    [InlineData("DE893704004405320130001")] // one long
    [InlineData("ZZ89370400440532013000")] // unknown country
    [InlineData("DE89 3704 0044 0532 013 000")] // groups not of four
    [InlineData("XDE89370400440532013000")] // glued to a letter
    public void Scan_InvalidIban_FindsNoIban(string text)
    {
        AssertFindsNo(text, PiiKind.Iban);
    }
}
