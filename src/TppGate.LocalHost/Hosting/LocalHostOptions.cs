namespace TppGate.LocalHost.Hosting;

/// <summary>The local run's settings (section "Local"). Every path is relative to the working directory unless rooted.</summary>
public sealed class LocalHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Local";

    /// <summary>The authorizer's HTTPS port; TLS requires a client certificate, as App Service's Required mode. Default 8443; 0 picks a free port.</summary>
    public int AuthorizerPort { get; set; } = 8443;

    /// <summary>The admin API's HTTPS port. Default 8444; 0 picks a free port.</summary>
    public int AdminPort { get; set; } = 8444;

    /// <summary>
    /// The plain-HTTP loopback port where the dev QTSP publishes its CRL (the sample QWAC's CRL distribution
    /// point, as a real QTSP's is http). Default 8480; 0 picks a free port.
    /// </summary>
    public int CrlPort { get; set; } = 8480;

    /// <summary>
    /// The key that the <c>X-Admin-Key</c> header must carry to act as TppGate.Admin on the admin port. When
    /// empty, one is generated on first run and kept in the data folder.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>Where the dev PKI, Azurite's data and the admin key live. Default ".local" (git-ignored).</summary>
    public string DataPath { get; set; } = ".local";

    /// <summary>
    /// Start Azurite (the pinned npm package under tools/azurite). Default true; false to use
    /// <c>Bindings:ConnectionString</c> (and <c>CrlStore:ConnectionString</c>, if CRLs are to be shared).
    /// </summary>
    public bool StartAzurite { get; set; } = true;

    /// <summary>Print TppGate's metrics to the console every few seconds (OpenTelemetry console exporter). Default false.</summary>
    public bool ConsoleMetrics { get; set; }

    /// <summary>Azurite's table port. Default 10002; 0 picks a free port.</summary>
    public int AzuriteTablePort { get; set; } = 10002;

    /// <summary>Azurite's blob port (the shared CRL store, decision 0016). Default 10000; 0 picks a free port.</summary>
    public int AzuriteBlobPort { get; set; } = 10000;
}
