using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Core.Trust;
using TppGate.Pki;

namespace TppGate.Core.Tests.Authorization;

/// <summary>An authorizer over a store that counts reads and can be made to fail or hang, at a fake time.</summary>
internal sealed class AuthorizerHarness
{
    public AuthorizerHarness(AuthorizerOptions? options = null, TrustAnchorSet? anchors = null, bool useAnchors = true, Func<string, CertificateSourceFormat, string?, ulong>? keyHash = null)
    {
        var catalogue = CertificateCatalogue.Shared;
        Time = new FakeTimeProvider(catalogue.ReferenceTime.AddDays(10));
        Options = options ?? new AuthorizerOptions();
        Options.ApiRoles.TryAdd("accounts", ["PSP_AI"]);
        Options.ApiRoles.TryAdd("payments", ["PSP_PI"]);
        Anchors = new StaticTrustAnchorProvider(useAnchors ? anchors ?? new TrustAnchorSet([catalogue.Root.Certificate, catalogue.IssuingCa.Certificate], Time.GetUtcNow(), "test") : null);
        Store = new CountingStore(new InMemoryBindingStore(Time));
        Cache = new BindingCache(Options, Time);
        // Catalogue certificates name no revocation source; revocation through the authorizer: CrlRevocationAuthorizerTests.
        var chainOptions = new ChainValidationOptions { Revocation = RevocationCheck.NoCheck };
        var chain = new ChainValidator(Anchors, chainOptions, Time);
        Verifier = keyHash is null
            ? new CertificateVerifier(chain, Anchors, Options, new CertificateReaderOptions(), Time)
            : new CertificateVerifier(chain, Anchors, Options, new CertificateReaderOptions(), Time, keyHash);
        Authorizer = new Authorizer(Verifier, Cache, Store, Options, Time);
        Watcher = new BindingChangeWatcher(Store, Cache, Options, Time);
    }

    public FakeTimeProvider Time { get; }

    public AuthorizerOptions Options { get; }

    public StaticTrustAnchorProvider Anchors { get; }

    public CountingStore Store { get; }

    public BindingCache Cache { get; }

    public CertificateVerifier Verifier { get; }

    public Authorizer Authorizer { get; }

    public BindingChangeWatcher Watcher { get; }

    public static X509Certificate2 NewQwac(params Core.Eidas.Psd2Role[] roles)
        => CertificateCatalogue.Shared.IssuingCa.Issue(CertificateProfile.Qwac($"{Guid.NewGuid():N}.tpp.example", roles.Length == 0 ? [Core.Eidas.Psd2Role.AccountInformation] : roles));

    public async Task BindAsync(string clientId, X509Certificate2 certificate, DateTimeOffset? activeFrom = null, DateTimeOffset? activeUntil = null)
    {
        var binding = CertificateBinding.For(certificate, clientId, "test", Time.GetUtcNow()) with { ActiveFrom = activeFrom, ActiveUntil = activeUntil };
        var result = await Store.Inner.RegisterAsync(binding);
        Assert.Equal(RegisterOutcome.Created, result.Outcome);
    }

    public ValueTask<AuthorizationDecision> AskAsync(X509Certificate2 certificate, string? clientId, string? api = BerlinGroupApiRoles.Token, string? token = null)
        => Authorizer.AuthorizeAsync(new AuthorizationRequest(PkiExport.Base64Der(certificate), CertificateSourceFormat.Base64, null, clientId, api, token));

    /// <summary>A store that counts certificate look-ups and can fail or hang on demand.</summary>
    internal sealed class CountingStore(InMemoryBindingStore inner) : IBindingStore
    {
        private int _reads;

        public InMemoryBindingStore Inner => inner;

        public int Reads => Volatile.Read(ref _reads);

        public Exception? Failure { get; set; }

        public TaskCompletionSource? Hang { get; set; }

        public Task<RegisterResult> RegisterAsync(CertificateBinding binding, CancellationToken cancellationToken = default) => inner.RegisterAsync(binding, cancellationToken);

        public Task<RevokeResult> RevokeAsync(string clientId, string sha256, string actor, string reason, CancellationToken cancellationToken = default) => inner.RevokeAsync(clientId, sha256, actor, reason, cancellationToken);

        public Task<UpdateResult> UpdateAsync(string clientId, string sha256, BindingUpdate update, CancellationToken cancellationToken = default) => inner.UpdateAsync(clientId, sha256, update, cancellationToken);

        public async Task<CertificateBinding?> GetByCertificateAsync(string sha256, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            if (Failure is { } failure)
            {
                throw failure;
            }

            if (Hang is { } hang)
            {
                await hang.Task;
            }

            return await inner.GetByCertificateAsync(sha256, cancellationToken);
        }

        public Task<IReadOnlyList<CertificateBinding>> GetByClientAsync(string clientId, CancellationToken cancellationToken = default) => inner.GetByClientAsync(clientId, cancellationToken);

        public Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string clientId, CancellationToken cancellationToken = default) => inner.GetAuditAsync(clientId, cancellationToken);

        public Task<IReadOnlyList<CertificateBinding>> GetExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => inner.GetExpiringAsync(before, cancellationToken);

        public Task<ChangeFeedRead> ReadChangesAsync(long after, CancellationToken cancellationToken = default)
            => Failure is { } failure ? Task.FromException<ChangeFeedRead>(failure) : inner.ReadChangesAsync(after, cancellationToken);
    }
}
