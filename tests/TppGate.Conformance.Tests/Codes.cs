using TppGate.Core.Eidas;

namespace TppGate.Conformance.Tests;

/// <summary>The finding codes the corpus expects: the eIDAS reader's own constants, so a rename breaks the build here.</summary>
internal static class Codes
{
    public const string RoleNameNonstandard = FindingCodes.Psd2RoleNameNonstandard;
    public const string RolesEmpty = FindingCodes.Psd2RolesEmpty;
    public const string RoleOidUnknown = FindingCodes.Psd2RoleOidUnknown;
    public const string RoleNameMismatch = FindingCodes.Psd2RoleNameMismatch;
    public const string NcaIdInvalid = FindingCodes.Psd2NcaIdInvalid;
    public const string NcaNameInvalid = FindingCodes.Psd2NcaNameInvalid;
    public const string OrgIdNotPsd = FindingCodes.OrgIdNotPsd;
    public const string OrgIdMalformed = FindingCodes.OrgIdMalformed;
}
