namespace TppGate.Core.Eidas;

/// <summary>Roles of a payment service provider (ETSI TS 119 495 clause 5.1, OIDs 0.4.0.19495.1.1-4).</summary>
public enum Psd2Role
{
    /// <summary>PSP_AS: account servicing (a bank).</summary>
    AccountServicing = 1,

    /// <summary>PSP_PI: payment initiation.</summary>
    PaymentInitiation = 2,

    /// <summary>PSP_AI: account information.</summary>
    AccountInformation = 3,

    /// <summary>PSP_IC: issuing of card-based payment instruments.</summary>
    CardIssuing = 4,
}

/// <summary>Canonical names of <see cref="Psd2Role"/> as TS 119 495 writes them.</summary>
public static class Psd2Roles
{
    /// <summary>The canonical name: PSP_AS, PSP_PI, PSP_AI or PSP_IC.</summary>
    public static string ToCanonicalName(this Psd2Role role) => role switch
    {
        Psd2Role.AccountServicing => "PSP_AS",
        Psd2Role.PaymentInitiation => "PSP_PI",
        Psd2Role.AccountInformation => "PSP_AI",
        Psd2Role.CardIssuing => "PSP_IC",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>Reads a canonical name (case-sensitive, as the standard writes it).</summary>
    public static bool TryParseCanonicalName(string? name, out Psd2Role role)
    {
        role = name switch
        {
            "PSP_AS" => Psd2Role.AccountServicing,
            "PSP_PI" => Psd2Role.PaymentInitiation,
            "PSP_AI" => Psd2Role.AccountInformation,
            "PSP_IC" => Psd2Role.CardIssuing,
            _ => 0,
        };
        return role != 0;
    }
}
