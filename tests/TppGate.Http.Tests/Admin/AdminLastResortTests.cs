using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using TppGate.Core.Authorization;
using TppGate.Core.Bindings;
using TppGate.Core.Trust;
using TppGate.Http.Admin;
using TppGate.Http.Callers;

namespace TppGate.Http.Tests.Admin;

/// <summary>A defect behind the admin API is a 503 problem with a code and a trace id, never a 500 with an empty body.</summary>
public sealed class AdminLastResortTests
{
    [Fact]
    public async Task Unexpected_failure_in_the_store_is_a_503_problem_with_a_body()
    {
        var options = new AuthorizerOptions();
        var time = TimeProvider.System;
        var anchors = new StaticTrustAnchorProvider(null);
        var handlers = new AdminHandlers(new DefectiveStore(), new BindingCache(options, time), new ChainValidator(anchors, new ChainValidationOptions(), time), options, new Reader(), time, NullLogger<AdminHandlers>.Instance);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        var result = await handlers.ListAsync(context, "tpp-1");
        await result.ExecuteAsync(context);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        var body = JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray()).RootElement;
        Assert.Equal("SERVICE_UNAVAILABLE", body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("traceId").GetString()));
    }

    private sealed class Reader : ICallerResolver
    {
        public Caller? Resolve(HttpRequest request) => new("reader", null, new HashSet<string> { Caller.ReaderRole });
    }

    /// <summary>A store with a defect: every call throws what no handler expects.</summary>
    private sealed class DefectiveStore : IBindingStore
    {
        public Task<RegisterResult> RegisterAsync(CertificateBinding binding, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");

        public Task<RevokeResult> RevokeAsync(string clientId, string sha256, string actor, string reason, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");

        public Task<UpdateResult> UpdateAsync(string clientId, string sha256, BindingUpdate update, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");

        public Task<CertificateBinding?> GetByCertificateAsync(string sha256, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");

        public Task<IReadOnlyList<CertificateBinding>> GetByClientAsync(string clientId, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");

        public Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string clientId, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");

        public Task<IReadOnlyList<CertificateBinding>> GetExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");

        public Task<ChangeFeedRead> ReadChangesAsync(long after, CancellationToken cancellationToken = default) => throw new InvalidOperationException("defect");
    }
}
