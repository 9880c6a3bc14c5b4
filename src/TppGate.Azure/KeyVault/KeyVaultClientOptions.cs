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
        return ApplyRetry(new SecretClientOptions(), options.MaxRetries, options.NetworkTimeout);
    }

    /// <summary>
    /// Sets the retry policy every Key Vault client here shares (secrets and certificates): exponential back-off from
    /// 0.5 s to at most 8 s, <paramref name="maxRetries"/> retries, <paramref name="networkTimeout"/> per try.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="clientOptions"/> is null.</exception>
    public static T ApplyRetry<T>(T clientOptions, int maxRetries, TimeSpan networkTimeout)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = maxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(500);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        clientOptions.Retry.NetworkTimeout = networkTimeout;
        return clientOptions;
    }
}
