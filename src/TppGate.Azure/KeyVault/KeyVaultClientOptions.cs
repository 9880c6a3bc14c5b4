using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace TppGate.Azure.KeyVault;

/// <summary>Builds the Key Vault client options the adapter uses: few retries and a short per-try timeout.</summary>
public static class KeyVaultClientOptions
{
    /// <summary>Creates <see cref="SecretClientOptions"/> from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static SecretClientOptions Create(KeyVaultTrustAnchorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new SecretClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(500);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        return clientOptions;
    }
}
