using System.Security.Cryptography.X509Certificates;
using TppGate.Core.Trust.TrustedLists;
using TppGate.Testing.TrustedLists;

namespace TppGate.Core.Tests.Trust.TrustedLists;

/// <summary>Signers and CA certificates made in code, shared by the trusted-list tests (RSA keys are slow to make).</summary>
public sealed class TrustedListFixture : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public TestListSigner Pinned { get; } = Signer("OJ pinned LOTL signer");

    public TestListSigner Pivot1 { get; } = Signer("LOTL signer after pivot 1");

    public TestListSigner Pivot2 { get; } = Signer("LOTL signer after pivot 2");

    public TestListSigner Attacker { get; } = Signer("Attacker");

    public TestListSigner Portugal { get; } = Signer("PT scheme operator");

    public X509Certificate2 QwacCa { get; } = TestPki.CreateRoot("QWAC CA");

    public X509Certificate2 SealCa { get; } = TestPki.CreateRoot("Seal CA");

    public static TestListSigner Signer(string name) => TestListSigner.Create(name, Now.AddYears(-2), Now.AddYears(3));

    public TrustedListImport Import(byte[] lotl, IReadOnlyList<byte[]>? lists = null, IReadOnlyList<byte[]>? pivots = null, TrustedListState? previous = null, DateTimeOffset? at = null, TrustedListImportOptions? options = null, byte[]? pinned = null)
        => new TrustedListImporter(options ?? new TrustedListImportOptions()).Import(
            TrustedListSource.Of("lotl.xml", lotl),
            [.. (pivots ?? []).Select((p, i) => TrustedListSource.Of($"pivot-{i}.xml", p))],
            [.. (lists ?? []).Select((l, i) => TrustedListSource.Of($"list-{i}.xml", l))],
            [pinned ?? Pinned.Der],
            at ?? Now,
            previous ?? TrustedListState.Empty);

    /// <summary>A LOTL signed by the pinned signer that announces PT as signed by <see cref="Portugal"/>.</summary>
    public byte[] Lotl(long sequence = 300) => TestTrustedList.Lotl(sequence, Pinned).AnnounceNational("PT", Portugal).Sign(Pinned);

    public void Dispose()
    {
        foreach (var s in new[] { Pinned, Pivot1, Pivot2, Attacker, Portugal })
        {
            s.Dispose();
        }

        QwacCa.Dispose();
        SealCa.Dispose();
    }
}
