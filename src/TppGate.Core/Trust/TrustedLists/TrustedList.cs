namespace TppGate.Core.Trust.TrustedLists;

/// <summary>
/// What the import reads from one trusted list (ETSI TS 119 612): the scheme information, the pointers to other
/// lists (the LOTL's) and the trust services (a national list's). Certificates stay DER bytes until one is used.
/// </summary>
/// <param name="Type">TSLType, e.g. <see cref="TrustedListUris.LotlType"/>.</param>
/// <param name="SequenceNumber">TSLSequenceNumber; a list with a lower number than one accepted before is a rollback.</param>
/// <param name="Territory">SchemeTerritory (ISO 3166 alpha-2, with EL for Greece and EU for the LOTL).</param>
/// <param name="IssueTime">ListIssueDateTime.</param>
/// <param name="NextUpdate">NextUpdate; null when the list is closed (an empty NextUpdate).</param>
/// <param name="SchemeInformationUris">SchemeInformationURI entries in document order; the LOTL names its pivots here.</param>
/// <param name="Pointers">PointersToOtherTSL.</param>
/// <param name="Services">Every TSPService, with the TSP that provides it.</param>
public sealed record TrustedList(
    string Type,
    long SequenceNumber,
    string Territory,
    DateTimeOffset IssueTime,
    DateTimeOffset? NextUpdate,
    IReadOnlyList<string> SchemeInformationUris,
    IReadOnlyList<TrustedListPointer> Pointers,
    IReadOnlyList<TrustService> Services);

/// <summary>One OtherTSLPointer: where another list is and which certificates may sign it.</summary>
/// <param name="Territory">SchemeTerritory from AdditionalInformation.</param>
/// <param name="Type">TSLType from AdditionalInformation.</param>
/// <param name="MimeType">MimeType from AdditionalInformation; XML and PDF pointers both occur.</param>
/// <param name="Location">TSLLocation.</param>
/// <param name="SigningCertificates">DER of every X509Certificate in ServiceDigitalIdentities.</param>
public sealed record TrustedListPointer(
    string? Territory,
    string? Type,
    string? MimeType,
    string? Location,
    IReadOnlyList<byte[]> SigningCertificates);

/// <summary>One TSPService, as its current ServiceInformation describes it (ServiceHistory is not read).</summary>
/// <param name="TspName">The TSP's name (English when given, else the first).</param>
/// <param name="ServiceName">The service's name (English when given, else the first).</param>
/// <param name="ServiceType">ServiceTypeIdentifier.</param>
/// <param name="Status">ServiceStatus.</param>
/// <param name="StatusStartingTime">StatusStartingTime, when readable.</param>
/// <param name="AdditionalServiceInformation">AdditionalServiceInformation URIs from ServiceInformationExtensions.</param>
/// <param name="Certificates">DER of every X509Certificate in ServiceDigitalIdentity.</param>
public sealed record TrustService(
    string TspName,
    string ServiceName,
    string ServiceType,
    string Status,
    DateTimeOffset? StatusStartingTime,
    IReadOnlyList<string> AdditionalServiceInformation,
    IReadOnlyList<byte[]> Certificates);
