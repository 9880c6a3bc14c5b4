using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Eidas;
using TppGate.Core.Trust;
using TppGate.LocalHost.Tests.Support;
using TppGate.Pki;
using TppGate.Testing.Fuzz;
using TppGate.Testing.Revocation;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>
/// Revocation through the whole decision pipeline (directly built Authorizer, chain validation Online, CRLs
/// served on loopback). The chain-level cases are in tests/TppGate.Core.Tests/Trust/RevocationTests.cs.
/// </summary>
public sealed class RevocationAuthorizerTests : IAsyncLifetime
{
    private const string Client = "revocation-client";
    private readonly CrlServer _server = new();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private QtspAuthority _root = null!;

    public ValueTask InitializeAsync()
    {
        _root = QtspAuthority.CreateRoot("Revocation Authorizer Test Root", _now.AddYears(-1), _now.AddYears(5));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _root.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Leaf_on_its_issuers_crl_is_certificate_revoked_even_though_it_is_bound()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url, leaf);
        var authorizer = await AuthorizerWithBindingAsync(leaf);

        var decision = await authorizer.AuthorizeAsync(Request(leaf), TestContext.Current.CancellationToken);

        Assert.Equal(DenyCode.CertificateRevoked, decision.Code);
    }

    [Fact]
    public async Task Leaf_absent_from_a_reachable_crl_is_allowed()
    {
        var url = _server.NewUrl();
        var leaf = Leaf(url);
        Publish(url);
        var authorizer = await AuthorizerWithBindingAsync(leaf);

        var decision = await authorizer.AuthorizeAsync(Request(leaf), TestContext.Current.CancellationToken);

        Assert.True(decision.IsAllowed, decision.Detail);
    }

    [Fact]
    public async Task Unreachable_crl_is_service_unavailable_not_an_allow()
    {
        var leaf = Leaf(CrlServer.ClosedUrl());
        var authorizer = await AuthorizerWithBindingAsync(leaf);

        var decision = await authorizer.AuthorizeAsync(Request(leaf), TestContext.Current.CancellationToken);

        Assert.Equal(DenyCode.ServiceUnavailable, decision.Code);
    }

    private X509Certificate2 Leaf(string crlUrl) => _root.Issue(CertificateProfile.Qwac($"revocation-{Guid.NewGuid():N}.tpp.example", Psd2Role.AccountInformation) with
    {
        NotBefore = _now.AddDays(-10),
        NotAfter = _now.AddDays(100),
        CrlDistributionPoint = crlUrl,
    });

    private void Publish(string url, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var c in revoked)
        {
            builder.AddEntry(c, _now.AddHours(-1), X509RevocationReason.KeyCompromise);
        }

        _server.Publish(url, builder.Build(_root.Certificate, BigInteger.One, _now.AddDays(7), HashAlgorithmName.SHA256, thisUpdate: _now.AddDays(-1)));
    }

    private static AuthorizationRequest Request(X509Certificate2 leaf) => new(Convert.ToBase64String(leaf.RawData), CertificateSourceFormat.Base64, null, Client, BerlinGroupApiRoles.Token, null);

    private async Task<Authorizer> AuthorizerWithBindingAsync(X509Certificate2 leaf)
    {
        var time = TimeProvider.System;
        var anchors = new StaticTrustAnchorProvider([X509CertificateLoader.LoadCertificate(_root.Certificate.RawData)], "revocation-test");
        var chainOptions = new ChainValidationOptions { Revocation = RevocationCheck.Online, RevocationTimeout = TimeSpan.FromSeconds(3) };
        var options = new AuthorizerOptions();
        var store = new InMemoryBindingStore();
        await store.RegisterAsync(CertificateBinding.For(leaf, Client, "test", _now), TestContext.Current.CancellationToken);
        var verifier = new CertificateVerifier(new ChainValidator(anchors, chainOptions, time), anchors, options, new CertificateReaderOptions(), time);
        return new Authorizer(verifier, new BindingCache(options, time), store, options, time);
    }
}
