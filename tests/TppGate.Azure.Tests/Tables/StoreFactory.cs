using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TppGate.Azure.Tables;
using TppGate.Core.Bindings;
using TppGate.Core.Certificates;
using TppGate.Testing.Azurite;

namespace TppGate.Azure.Tests.Tables;

/// <summary>Stores on a fresh table of an Azurite instance, and binding records with random certificates.</summary>
internal static class StoreFactory
{
    public static TableBindingStore Create(AzuriteInstance azurite, TableBindingStoreOptions? options = null, TimeProvider? time = null)
        => Create(azurite, AzuriteInstance.NewTableName(), null, options, time);

    /// <summary>A store on the named table whose requests (both clients) pass through <paramref name="faults"/>.</summary>
    public static TableBindingStore Create(
        AzuriteInstance azurite, string tableName, global::Azure.Core.Pipeline.HttpPipelinePolicy? faults, TableBindingStoreOptions? options = null, TimeProvider? time = null)
    {
        options ??= new TableBindingStoreOptions();
        options.ConnectionString = azurite.ConnectionString;
        options.TableName = tableName;
        var hotPath = TableBindingStore.CreateHotPathClientOptions(options);
        var admin = TableBindingStore.CreateAdminClientOptions(options);
        if (faults is not null)
        {
            hotPath.AddPolicy(faults, global::Azure.Core.HttpPipelinePosition.PerRetry);
            admin.AddPolicy(faults, global::Azure.Core.HttpPipelinePosition.PerRetry);
        }

        return new TableBindingStore(
            TableBindingStoreServiceCollectionExtensions.CreateClient(options, hotPath),
            TableBindingStoreServiceCollectionExtensions.CreateClient(options, admin),
            Options.Create(options),
            NullLogger<TableBindingStore>.Instance,
            time);
    }

    public static string RandomSha256() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static CertificateBinding Binding(string clientId, string? sha256 = null, DateTimeOffset? notAfter = null)
    {
        var sha = sha256 ?? RandomSha256();
        var now = DateTimeOffset.UtcNow;
        return new CertificateBinding
        {
            ClientId = clientId,
            Sha256 = sha,
            Thumbprint = Thumbprint.HexToX5tS256(sha),
            SpkiSha256 = RandomSha256(),
            Subject = "CN=tpp.example, O=Example TPP, 2.5.4.97=PSDGB-FCA-123456",
            Issuer = "CN=Example QTSP CA",
            OrganizationId = "PSDGB-FCA-123456",
            Roles = ["PSP_AI", "PSP_PI"],
            NcaId = "GB-FCA",
            NotBefore = now.AddDays(-1),
            NotAfter = notAfter ?? now.AddDays(365),
            ActiveFrom = now.AddMinutes(-5),
            CreatedBy = "ops@bank.example",
            CreatedAt = now,
            Note = "onboarding ticket 42",
        };
    }
}
