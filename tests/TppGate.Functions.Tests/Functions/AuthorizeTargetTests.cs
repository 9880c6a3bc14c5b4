using TppGate.Functions.Tests.Support;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// Issue 8 item 15 on the composed authorizer: a raw target that only becomes /api/authorize once dot segments
/// are removed (or encoded dots and slashes decoded) is 400 PATH_NOT_CANONICAL before anything is decided.
/// </summary>
public sealed class AuthorizeTargetTests(AzuriteInstance azurite)
{
    [Theory]
    [InlineData("/api/health/../authorize")]
    [InlineData("/api/health/%2e%2e/authorize")]
    [InlineData("/api/health%2f..%2fauthorize")]
    [InlineData("/api/./authorize")]
    public async Task Non_canonical_target_reaching_the_authorize_function_is_path_not_canonical(string target)
    {
        await using var authorizer = await FunctionsAppHost.StartAsync(AppService.Settings(azurite, "Authorizer"));
        KeyValuePair<string, string>[] headers = [AppService.ClientCertificate(Pki.CertificateCatalogue.Shared.QwacAi), new("X-Client-Id", "c"), new("X-Tpp-Api", "accounts")];

        var canonical = await authorizer.SendAsync("GET", "/api/authorize", headers);
        var answer = await authorizer.SendAsync("GET", target, headers);

        Assert.NotEqual("PATH_NOT_CANONICAL", canonical.Code);
        Assert.Equal(("Authorize", 400, "PATH_NOT_CANONICAL"), (answer.FunctionName, answer.Status, answer.Code));
    }
}
