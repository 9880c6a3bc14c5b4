namespace TppGate.Core.Eidas;

/// <summary>Stable codes of <see cref="Finding"/>s. The eIDAS work adds one constant per deviation it reports.</summary>
public static class FindingCodes
{
}
