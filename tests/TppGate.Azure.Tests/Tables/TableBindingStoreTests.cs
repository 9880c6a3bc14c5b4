using TppGate.Azure.Tables;
using TppGate.Core.Bindings;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables;

public sealed class TableBindingStoreTests(AzuriteInstance azurite)
{
    private readonly TableBindingStore _store = StoreFactory.Create(azurite);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registered_binding_reads_back_by_certificate_by_client_and_in_the_audit()
    {
        var binding = StoreFactory.Binding("client-a");

        var result = await _store.RegisterAsync(binding, Ct);

        Assert.Equal(RegisterOutcome.Created, result.Outcome);
        var byCertificate = await _store.GetByCertificateAsync(binding.Sha256, Ct);
        Assert.NotNull(byCertificate);
        AssertSameBinding(binding, byCertificate);
        Assert.Equal(BindingStatus.Active, byCertificate.Status);

        var byClient = Assert.Single(await _store.GetByClientAsync("client-a", Ct));
        AssertSameBinding(binding, byClient);

        var audit = Assert.Single(await _store.GetAuditAsync("client-a", Ct));
        Assert.Equal(AuditAction.Registered, audit.Action);
        Assert.Equal(binding.CreatedBy, audit.Actor);
        Assert.Null(audit.Before);
        Assert.NotNull(audit.After);
        AssertSameBinding(binding, audit.After);
    }

    [Fact]
    public async Task Certificate_found_by_upper_case_hex_and_by_x5t_S256()
    {
        var binding = StoreFactory.Binding("client-a");
        await _store.RegisterAsync(binding, Ct);

        Assert.NotNull(await _store.GetByCertificateAsync(binding.Sha256.ToUpperInvariant(), Ct));
        Assert.NotNull(await _store.GetByCertificateAsync(binding.Thumbprint, Ct));
    }

    [Fact]
    public async Task Registering_the_same_binding_again_is_AlreadyBound_and_with_other_settings_SettingsDiffer_and_overwrites_nothing()
    {
        var first = StoreFactory.Binding("client-a");
        var created = await _store.RegisterAsync(first, Ct);

        var same = await _store.RegisterAsync(first with { CreatedBy = "someone-else", CreatedAt = first.CreatedAt.AddHours(1) }, Ct);
        var again = await _store.RegisterAsync(first with { CreatedBy = "someone-else", CreatedAt = first.CreatedAt.AddHours(1), Note = "second" }, Ct);
        var window = await _store.RegisterAsync(first with { ActiveUntil = first.NotAfter.AddDays(-1) }, Ct);

        Assert.Equal(RegisterOutcome.AlreadyBound, same.Outcome);
        Assert.Equal(RegisterOutcome.SettingsDiffer, again.Outcome);
        Assert.Equal(RegisterOutcome.SettingsDiffer, window.Outcome);
        Assert.Equal("onboarding ticket 42", again.Binding.Note);
        var stored = await _store.GetByCertificateAsync(first.Sha256, Ct);
        Assert.NotNull(stored);
        Assert.Equal(created.Binding.CreatedAt, stored.CreatedAt);
        Assert.Equal("ops@bank.example", stored.CreatedBy);
        Assert.Equal("onboarding ticket 42", stored.Note);
        Assert.Equal(stored, again.Binding with { Roles = stored.Roles });
        Assert.Single(await _store.GetAuditAsync("client-a", Ct));
    }

    [Fact]
    public async Task Certificate_bound_to_another_client_is_BoundElsewhere_and_audited_as_refused()
    {
        var binding = StoreFactory.Binding("client-a");
        await _store.RegisterAsync(binding, Ct);

        var other = await _store.RegisterAsync(binding with { ClientId = "client-b" }, Ct);

        Assert.Equal(RegisterOutcome.BoundElsewhere, other.Outcome);
        Assert.Equal("client-a", other.Binding.ClientId);
        Assert.Equal("client-a", (await _store.GetByCertificateAsync(binding.Sha256, Ct))!.ClientId);
        Assert.Empty(await _store.GetByClientAsync("client-b", Ct));
        Assert.Equal(AuditAction.Refused, Assert.Single(await _store.GetAuditAsync("client-b", Ct)).Action);
    }

    [Fact]
    public async Task One_client_may_hold_several_certificates()
    {
        var first = StoreFactory.Binding("client-a");
        var second = StoreFactory.Binding("client-a");
        await _store.RegisterAsync(first, Ct);
        await _store.RegisterAsync(second, Ct);

        var bindings = await _store.GetByClientAsync("client-a", Ct);

        Assert.Equal(new[] { first.Sha256, second.Sha256 }.Order(StringComparer.Ordinal), bindings.Select(b => b.Sha256).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Fifty_parallel_registrations_of_one_certificate_bind_it_exactly_once()
    {
        var sha = StoreFactory.RandomSha256();
        await _store.InitializeAsync(Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => _store.RegisterAsync(StoreFactory.Binding($"client-{i}", sha), Ct), Ct)));

        var created = Assert.Single(results, r => r.Outcome == RegisterOutcome.Created);
        Assert.Equal(49, results.Count(r => r.Outcome == RegisterOutcome.BoundElsewhere));
        Assert.All(results, r => Assert.Equal(created.Binding.ClientId, r.Binding.ClientId));
        Assert.Equal(created.Binding.ClientId, (await _store.GetByCertificateAsync(sha, Ct))!.ClientId);
        Assert.Single(await _store.GetByClientAsync(created.Binding.ClientId, Ct));
    }

    [Fact]
    public async Task Revoked_certificate_cannot_be_registered_again_to_any_client()
    {
        var binding = StoreFactory.Binding("client-a");
        await _store.RegisterAsync(binding, Ct);

        var revoke = await _store.RevokeAsync("client-a", binding.Sha256, "security@bank.example", "key compromise", Ct);
        var same = await _store.RegisterAsync(binding, Ct);
        var other = await _store.RegisterAsync(binding with { ClientId = "client-b" }, Ct);

        Assert.Equal(RevokeOutcome.Revoked, revoke.Outcome);
        Assert.Equal(BindingStatus.Revoked, revoke.Binding!.Status);
        Assert.Equal(RegisterOutcome.Blocked, same.Outcome);
        Assert.Equal(RegisterOutcome.Blocked, other.Outcome);
        var stored = await _store.GetByCertificateAsync(binding.Sha256, Ct);
        Assert.Equal(BindingStatus.Revoked, stored!.Status);
        Assert.Equal("security@bank.example", stored.RevokedBy);
        Assert.Equal("key compromise", stored.RevocationReason);
        Assert.False(stored.IsUsableAt(DateTimeOffset.UtcNow));

        var audit = await _store.GetAuditAsync("client-a", Ct);
        Assert.Equal([AuditAction.Registered, AuditAction.Revoked, AuditAction.Refused], audit.Select(a => a.Action));
        Assert.Equal(BindingStatus.Active, audit[1].Before!.Status);
        Assert.Equal(BindingStatus.Revoked, audit[1].After!.Status);
        Assert.Equal("key compromise", audit[1].Reason);
    }

    [Fact]
    public async Task Revoking_twice_is_AlreadyRevoked_and_revoking_for_the_wrong_client_is_NotFound()
    {
        var binding = StoreFactory.Binding("client-a");
        await _store.RegisterAsync(binding, Ct);

        var wrongClient = await _store.RevokeAsync("client-b", binding.Sha256, "ops", "test", Ct);
        var first = await _store.RevokeAsync("client-a", binding.Sha256, "ops", "test", Ct);
        var second = await _store.RevokeAsync("client-a", binding.Sha256, "ops", "again", Ct);
        var unknown = await _store.RevokeAsync("client-a", StoreFactory.RandomSha256(), "ops", "test", Ct);

        Assert.Equal(RevokeOutcome.NotFound, wrongClient.Outcome);
        Assert.Equal(RevokeOutcome.Revoked, first.Outcome);
        Assert.Equal(RevokeOutcome.AlreadyRevoked, second.Outcome);
        Assert.Equal("test", second.Binding!.RevocationReason);
        Assert.Equal(RevokeOutcome.NotFound, unknown.Outcome);
    }

    [Fact]
    public async Task Revocation_racing_registrations_never_leaves_the_certificate_active()
    {
        await _store.InitializeAsync(Ct);

        async Task Round(int round)
        {
            var binding = StoreFactory.Binding($"race-{round}");
            await _store.RegisterAsync(binding, Ct);
            var attempts = new List<Task>
            {
                _store.RevokeAsync(binding.ClientId, binding.Sha256, "ops", "race", Ct),
                _store.RevokeAsync(binding.ClientId, binding.Sha256, "ops", "race twice", Ct),
            };
            attempts.AddRange(Enumerable.Range(0, 4).Select(i => (Task)_store.RegisterAsync(i % 2 == 0 ? binding : binding with { ClientId = $"other-{round}-{i}" }, Ct)));
            await Task.WhenAll(attempts);

            var stored = await _store.GetByCertificateAsync(binding.Sha256, Ct);
            Assert.Equal(BindingStatus.Revoked, stored!.Status);
            Assert.Equal(RegisterOutcome.Blocked, (await _store.RegisterAsync(binding, Ct)).Outcome);
            Assert.Single(await _store.GetAuditAsync(binding.ClientId, Ct), a => a.Action == AuditAction.Revoked);
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Round(i), Ct)));
    }

    [Fact]
    public async Task Revocation_racing_the_first_registration_never_leaves_a_revoked_certificate_active()
    {
        await _store.InitializeAsync(Ct);

        async Task Round(int round)
        {
            var binding = StoreFactory.Binding($"first-{round}");
            var register = _store.RegisterAsync(binding, Ct);
            var revoke = _store.RevokeAsync(binding.ClientId, binding.Sha256, "ops", "race", Ct);
            await Task.WhenAll(register, revoke);

            var stored = await _store.GetByCertificateAsync(binding.Sha256, Ct);
            Assert.NotNull(stored);
            if ((await revoke).Outcome == RevokeOutcome.Revoked)
            {
                Assert.Equal(BindingStatus.Revoked, stored.Status);
            }
            else
            {
                Assert.Equal(RevokeOutcome.NotFound, (await revoke).Outcome);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Round(i), Ct)));
    }

    public static TheoryData<string> HostileClientIds() =>
    [
        "a/b", "a\\b", "a#b", "a?b", "a%2Fb", "a~b", "a\u0000b", "a\u001fb", "a\u007fb", "a\u0085b", "a\u009fb",
        "it's", "\"quoted\"", "' or 1 eq 1 or '", "x' or PartitionKey ne '", "a b", "a&b=c", "élan-Ω-😀",
        new string('x', BindingKeys.MaxClientIdLength), new string('/', BindingKeys.MaxClientIdLength),
    ];

    [Theory]
    [MemberData(nameof(HostileClientIds))]
    public async Task Client_ids_with_key_and_query_syntax_round_trip(string clientId)
    {
        var binding = StoreFactory.Binding(clientId);

        Assert.Equal(RegisterOutcome.Created, (await _store.RegisterAsync(binding, Ct)).Outcome);

        Assert.Equal(clientId, (await _store.GetByCertificateAsync(binding.Sha256, Ct))!.ClientId);
        Assert.Equal(binding.Sha256, Assert.Single(await _store.GetByClientAsync(clientId, Ct)).Sha256);
        Assert.Equal(clientId, Assert.Single(await _store.GetAuditAsync(clientId, Ct)).ClientId);
        Assert.Equal(RevokeOutcome.Revoked, (await _store.RevokeAsync(clientId, binding.Sha256, "ops", "test", Ct)).Outcome);
    }

    [Fact]
    public async Task Client_ids_that_escape_alike_stay_apart()
    {
        // Pairs an escaping that forgot itself, case, or a length cut-off would merge.
        string[] ids =
        [
            "a/b", "a%2Fb", "a%252Fb", "a_2Fb", "A/B", "a/", "a", "a\u0000", "a\u0001", "' or 1 eq 1", "' or 1 eq 2",
            new string('/', 200) + "a", new string('/', 200) + "b", "~" + new string('0', 64),
        ];
        var bindings = ids.Select(id => StoreFactory.Binding(id)).ToArray();
        foreach (var binding in bindings)
        {
            await _store.RegisterAsync(binding, Ct);
        }

        foreach (var binding in bindings)
        {
            var listed = Assert.Single(await _store.GetByClientAsync(binding.ClientId, Ct));
            Assert.Equal(binding.Sha256, listed.Sha256);
            Assert.Equal(binding.ClientId, Assert.Single(await _store.GetAuditAsync(binding.ClientId, Ct)).ClientId);
        }
    }

    [Fact]
    public async Task Unknown_certificate_and_client_are_empty_values_not_exceptions()
    {
        Assert.Null(await _store.GetByCertificateAsync(StoreFactory.RandomSha256(), Ct));
        Assert.Null(await _store.GetByCertificateAsync("not a thumbprint", Ct));
        Assert.Empty(await _store.GetByClientAsync("nobody", Ct));
        Assert.Empty(await _store.GetByClientAsync(new string('x', BindingKeys.MaxClientIdLength + 1), Ct));
        Assert.Empty(await _store.GetAuditAsync("nobody", Ct));
        Assert.Equal(RevokeOutcome.NotFound, (await _store.RevokeAsync("nobody", "zz", "ops", "test", Ct)).Outcome);
    }

    [Fact]
    public async Task Invalid_registrations_are_programmer_errors()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.RegisterAsync(StoreFactory.Binding(""), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.RegisterAsync(StoreFactory.Binding("a\ud800b"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.RegisterAsync(StoreFactory.Binding("a") with { Sha256 = "abc" }, Ct));
    }

    [Fact]
    public async Task Change_feed_numbers_registrations_and_revocations_and_reads_on_from_a_position()
    {
        var first = StoreFactory.Binding("client-a");
        var second = StoreFactory.Binding("client-b");
        var empty = await _store.ReadChangesAsync(-1, Ct);
        Assert.False(empty.Complete);
        Assert.Equal(0, empty.Position);
        await _store.RegisterAsync(first, Ct);
        await _store.RegisterAsync(second, Ct);
        await _store.RevokeAsync("client-a", first.Sha256, "ops", "test", Ct);

        var all = await _store.ReadChangesAsync(0, Ct);

        Assert.True(all.Complete);
        Assert.Equal(3, all.Position);
        Assert.Equal([1L, 2, 3], all.Changes.Select(c => c.Sequence));
        Assert.Equal([first.Sha256, second.Sha256, first.Sha256], all.Changes.Select(c => c.Sha256));
        Assert.Equal([BindingChangeKind.Register, BindingChangeKind.Register, BindingChangeKind.Revoke], all.Changes.Select(c => c.Kind));
        var later = await _store.ReadChangesAsync(2, Ct);
        Assert.True(later.Complete);
        Assert.Equal(first.Sha256, Assert.Single(later.Changes).Sha256);
        var none = await _store.ReadChangesAsync(3, Ct);
        Assert.True(none.Complete);
        Assert.Empty(none.Changes);
    }

    [Fact]
    public async Task Expiring_lists_active_bindings_whose_certificate_ends_before_the_date()
    {
        var now = DateTimeOffset.UtcNow;
        var soon = StoreFactory.Binding("client-a", notAfter: now.AddDays(10));
        var later = StoreFactory.Binding("client-a", notAfter: now.AddDays(100));
        var soonButRevoked = StoreFactory.Binding("client-b", notAfter: now.AddDays(5));
        foreach (var binding in new[] { soon, later, soonButRevoked })
        {
            await _store.RegisterAsync(binding, Ct);
        }

        await _store.RevokeAsync("client-b", soonButRevoked.Sha256, "ops", "test", Ct);

        var expiring = await _store.GetExpiringAsync(now.AddDays(30), Ct);

        Assert.Equal(soon.Sha256, Assert.Single(expiring).Sha256);
    }

    private static void AssertSameBinding(CertificateBinding expected, CertificateBinding actual)
    {
        Assert.Equal(expected.ClientId, actual.ClientId);
        Assert.Equal(expected.Sha256, actual.Sha256);
        Assert.Equal(expected.Thumbprint, actual.Thumbprint);
        Assert.Equal(expected.SpkiSha256, actual.SpkiSha256);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Issuer, actual.Issuer);
        Assert.Equal(expected.OrganizationId, actual.OrganizationId);
        Assert.Equal(expected.Roles, actual.Roles);
        Assert.Equal(expected.NcaId, actual.NcaId);
        Assert.Equal(expected.NotBefore, actual.NotBefore);
        Assert.Equal(expected.NotAfter, actual.NotAfter);
        Assert.Equal(expected.ActiveFrom, actual.ActiveFrom);
        Assert.Equal(expected.ActiveUntil, actual.ActiveUntil);
        Assert.Equal(expected.CreatedBy, actual.CreatedBy);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.Note, actual.Note);
    }
}
