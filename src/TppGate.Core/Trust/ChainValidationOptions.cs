namespace TppGate.Core.Trust;

/// <summary>Chain policy. The defaults are the secure ones.</summary>
public sealed class ChainValidationOptions
{
    /// <summary>Require the clientAuth EKU (1.3.6.1.5.5.7.3.2) on the leaf. Default true.</summary>
    public bool RequireClientAuthentication { get; set; } = true;

    /// <summary>Clock skew allowed at both ends of every validity period. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How revocation is checked. Default <see cref="RevocationCheck.NoCheck"/>.</summary>
    public RevocationCheck Revocation { get; set; } = RevocationCheck.NoCheck;

    /// <summary>Time allowed for fetching revocation data online. Default 2 seconds.</summary>
    public TimeSpan RevocationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether an unreachable CRL/OCSP responder still allows the certificate. Default false: deny.</summary>
    public bool AllowUnknownRevocation { get; set; }

    /// <summary>Refuse SHA-1 signatures and RSA keys under 2048 bits. Default true.</summary>
    public bool RejectWeakAlgorithms { get; set; } = true;
}
