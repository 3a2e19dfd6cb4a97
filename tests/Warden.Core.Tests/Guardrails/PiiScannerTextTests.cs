using Warden.Core.Guardrails;
using Warden.Core.Keys;
using static Warden.Core.Tests.Guardrails.PiiTestText;

namespace Warden.Core.Tests.Guardrails;

public sealed class PiiScannerTextTests
{
    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("alice.smith+tag@mail.example.co.uk")]
    [InlineData("a_b-c%d@sub-domain.example.org")]
    [InlineData("x@ex.io")]
    [InlineData("ALICE@EXAMPLE.COM")]
    public void Scan_Email_FindsEmail(string email)
    {
        AssertFinds($"write to <{email}>.", email, PiiKind.Email);
    }

    [Fact]
    public void Scan_EmailAtSentenceEnd_LeavesTheDotOut()
    {
        AssertFinds("Mail alice@example.com.", "alice@example.com", PiiKind.Email);
    }

    [Fact]
    public void Scan_EmailBetweenThaiText_FindsEmail()
    {
        AssertFinds("อีเมลalice@example.comครับ", "alice@example.com", PiiKind.Email);
    }

    [Theory]
    [InlineData("alice@localhost")] // no dot
    [InlineData("alice@example.c")] // one-letter TLD
    [InlineData("alice@example.c0m")] // TLD with a digit
    [InlineData("alice@-example.com")]
    [InlineData("alice@example-.com")]
    [InlineData("alice..smith@example.com")]
    [InlineData(".@example.com")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    [InlineData("user@@example.com")]
    [InlineData("follow @example on x.com")]
    public void Scan_NotAnEmail_FindsNoEmail(string text)
    {
        AssertFindsNo(text, PiiKind.Email);
    }

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("fe80::1ff:fe23:4567:890a")]
    [InlineData("::1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("2001:DB8:0:0:8:800:200C:417A")]
    public void Scan_Ipv6_FindsIpAddress(string ip)
    {
        AssertFinds($"host [{ip}] is down.", ip, PiiKind.IpAddress);
    }

    [Theory]
    [InlineData("std::vector<int>")]
    [InlineData("Foo::Bar::Baz")]
    [InlineData("dead::beef")] // no decimal digit: reads as code, not an address
    [InlineData("12:30:45")]
    [InlineData("00:1a:2b:3c:4d:5e")] // MAC address
    [InlineData("1::2::3")]
    [InlineData("2001:db8:85a3:0:0:8a2e:370:7334:1")] // nine groups
    [InlineData("12345::1")]
    [InlineData("ratio 3:2:1")]
    public void Scan_NotAnIpv6_FindsNoIpAddress(string text)
    {
        AssertFindsNo(text, PiiKind.IpAddress);
    }

    public static TheoryData<string> KnownSecrets => new()
    {
        "sk-" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3",
        "sk-proj-" + "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12",
        "sk-ant-api03-" + "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90-Uv12_Wx34",
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAY34FZKBOKMUTVV7A",
        "ghp_" + "1234567890abcdefghijABCDEFGHIJ123456",
        "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
        "xoxb-" + "1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "AIza" + "SyA1234567890abcdefghijklmnopqrstuv",
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "rk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "pk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "wdn_" + "abcdefghijkm_abcdefghijkmnpqrstuvwxyz23456789",
    };

    [Theory]
    [MemberData(nameof(KnownSecrets))]
    public void Scan_KnownSecretFormat_FindsSecret(string secret)
    {
        AssertFinds($"key: {secret} (do not share)", secret, PiiKind.Secret);
    }

    [Fact]
    public void Scan_GeneratedWardenKey_FindsSecret()
    {
        var key = ApiKeyFormat.Generate().Key;
        AssertFinds($"use {key} for the gateway", key, PiiKind.Secret);
    }

    [Fact]
    public void Scan_KeyAfterName_MasksTheValueOnly()
    {
        AssertFinds("OPENAI_API_KEY=sk-aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5 ok", "sk-aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", PiiKind.Secret);
    }

    [Fact]
    public void Scan_BearerToken_FindsTheTokenAfterTheWord()
    {
        AssertFinds("Authorization: Bearer 0a1b2c3d4e5f.g6h7i8j9k0-l1m2n3~o4p5", "0a1b2c3d4e5f.g6h7i8j9k0-l1m2n3~o4p5", PiiKind.Secret);
    }

    [Fact]
    public void Scan_BearerInProse_FindsNothing()
    {
        AssertFindsNothing("Send a Bearer token in the header; bearer authentication is standard.");
    }

    [Fact]
    public void Scan_PemPrivateKey_FindsTheWholeBlock()
    {
        const string Pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF\nY2lTiGVK8Rz+Ab1c\n-----END RSA PRIVATE KEY-----";
        AssertFinds($"here:\n{Pem}\nthanks", Pem, PiiKind.Secret);
    }

    [Fact]
    public void Scan_TruncatedPemPrivateKey_FindsToTheEnd()
    {
        const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn";
        AssertFinds($"oops {Pem}", Pem, PiiKind.Secret);
    }

    [Fact]
    public void Scan_PemCertificate_FindsNothing()
    {
        AssertFindsNothing("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
    }

    [Theory]
    [InlineData("Q2xhdWRlIGlzIGFuIEFJIGFzc2lzdGFudDEyMw7Xk")]
    [InlineData("xY9kL2mN8pQ4rS6tU1vW3zA5bC7dE0fG")]
    [InlineData("a8F3kL0pQ7zX2mN9vB4cR6tY1uI5oP3sD8fG")]
    public void Scan_HighEntropyToken_FindsSecret(string token)
    {
        AssertFinds($"token {token} end", token, PiiKind.Secret);
    }

    [Fact]
    public void Scan_HighEntropyValueAfterName_FindsTheValueOnly()
    {
        AssertFinds("secret=xY9kL2mN8pQ4rS6tU1vW3zA5bC7dE0fG==", "xY9kL2mN8pQ4rS6tU1vW3zA5bC7dE0fG==", PiiKind.Secret);
    }

    [Theory]
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd80709")] // git SHA-1
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")] // SHA-256
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("123e4567-e89b-12d3-a456-426614174000")] // UUID
    [InlineData("AddAuthenticationServices2024Extensions")]
    [InlineData("getUserAccountBalanceForPeriod2024")]
    [InlineData("HttpClientFactoryServiceCollection2Extensions")]
    [InlineData("ThisIsAVeryLongIdentifierNameVersion2")]
    [InlineData("MY_CONSTANT_VALUE_FOR_CONFIG_2024_ABC")]
    [InlineData("Abc123Abc123Abc123Abc123Abc123Abc123")]
    [InlineData("src/Warden.Core/Guardrails/PiiScanner2.cs")]
    [InlineData("/usr/Local/lib/Python3/site/Packages/X1/abc")]
    [InlineData("supercalifragilisticexpialidocious")]
    [InlineData("sk-learn")]
    [InlineData("AKIA1234")]
    [InlineData("AKIAIOSFODNN7EXAMPLE1")] // 21 characters
    [InlineData("sk-this-is-not-a-real-key-example")]
    [InlineData("Embeddings_UnknownModel_SdkThrows404ModelNotFound")] // test name
    [InlineData("20261124134745_UsageRecordsOccurredAtIndex")] // migration name
    [InlineData("20261124T101500Z-ab12cd/manifest")] // time-stamped object name
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")] // an alphabet
    [InlineData("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")]
    public void Scan_NotASecret_FindsNoSecret(string text)
    {
        AssertFindsNo($"value {text} here", PiiKind.Secret);
    }

    [Fact]
    public void Scan_VeryLongBase64Blob_IsDataNotASecret()
    {
        var blob = Convert.ToBase64String(Enumerable.Range(0, 600).Select(i => (byte)(i * 7919 % 251)).ToArray());
        AssertFindsNo($"data:image/png;base64,{blob}", PiiKind.Secret);
    }
}
