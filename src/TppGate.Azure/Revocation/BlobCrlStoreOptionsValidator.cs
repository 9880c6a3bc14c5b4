using Microsoft.Extensions.Options;

namespace TppGate.Azure.Revocation;

/// <summary>Rejects options the CRL store cannot run with, at start-up rather than on the first request.</summary>
internal sealed class BlobCrlStoreOptionsValidator : IValidateOptions<BlobCrlStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, BlobCrlStoreOptions options)
    {
        var failures = new List<string>();
        if (!IsValidContainerName(options.ContainerName))
        {
            failures.Add("CrlStore:ContainerName must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString) && options.BlobServiceUri is not null)
        {
            failures.Add("Set CrlStore:ConnectionString or CrlStore:BlobServiceUri, not both.");
        }

        // Runs after CrlStore:Connection was resolved, so a connection name that resolves to nothing fails here.
        if (!string.IsNullOrWhiteSpace(options.Connection) && !options.IsConfigured)
        {
            failures.Add($"CrlStore:Connection names '{options.Connection}', which holds neither a connection string nor a section with blobServiceUri.");
        }

        // A token credential is only ever sent over TLS: Azure.Core refuses bearer tokens on http at the first
        // request, which would otherwise surface as "nothing stored" on every call instead of at start-up.
        if (options.BlobServiceUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("CrlStore:BlobServiceUri must be an absolute https URI (it is used with a token credential); for Azurite use CrlStore:ConnectionString.");
        }

        if (options.MaxCrlBytes is < 1024 or > 256 * 1024 * 1024)
        {
            failures.Add("CrlStore:MaxCrlBytes must be between 1 KiB and 256 MiB.");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero || options.NetworkTimeout > TimeSpan.FromSeconds(30)
            || options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout > TimeSpan.FromMinutes(1)
            || options.ListTimeout <= TimeSpan.Zero || options.ListTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("CrlStore:NetworkTimeout must be positive and at most 30 s, CrlStore:OperationTimeout at most 1 min, CrlStore:ListTimeout at most 5 min.");
        }

        if (options.MaxRetries is < 0 or > 5 || options.RetryDelay < TimeSpan.Zero)
        {
            failures.Add("CrlStore:MaxRetries must be 0-5 and CrlStore:RetryDelay cannot be negative.");
        }

        if (options.MaxListed < 1)
        {
            failures.Add("CrlStore:MaxListed must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsValidContainerName(string? name)
        => name is { Length: >= 3 and <= 63 }
           && char.IsAsciiLetterOrDigit(name[0])
           && char.IsAsciiLetterOrDigit(name[^1])
           && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
           && !name.Contains("--", StringComparison.Ordinal);
}
