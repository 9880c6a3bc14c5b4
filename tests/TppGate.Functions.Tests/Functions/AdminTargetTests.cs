using TppGate.Functions.Tests.Support;
using TppGate.Http.Callers;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests.Functions;

/// <summary>
/// The admin app as the authorizer (issue 8 item 15): App Service Authentication leaves <c>/api/health</c> open and
/// matches that exclusion on the raw target, so a target that only becomes an admin route once dot segments are
/// removed must not reach an admin handler. It is 400 PATH_NOT_CANONICAL before the caller is even looked at.
/// Client ids holding '/' or '\' still travel encoded (%2F, %5C): <c>BindingAttackTests</c> in the local host tests
/// round-trips them over real HTTP, which this in-process host, decoding the whole path, cannot.
/// </summary>
public sealed class AdminTargetTests(AzuriteInstance azurite)
{
    [Theory]
    [InlineData("GET", "/api/health/../bindings/anyone")]
    [InlineData("GET", "/api/health/%2e%2e/bindings/anyone")]
    [InlineData("GET", "/api/health%2f..%2fbindings/anyone")]
    [InlineData("GET", "/api/./bindings/anyone/audit")]
    [InlineData("POST", "/api/health/../bindings")]
    public async Task Non_canonical_target_reaching_an_admin_function_is_path_not_canonical(string method, string target)
    {
        await using var admin = await FunctionsAppHost.StartAsync(AppService.Settings(azurite));
        KeyValuePair<string, string>[] headers = [AppService.Principal(Caller.AdminRole)];

        var answer = await admin.SendAsync(method, target, headers, method == "POST" ? "{}" : null);

        Assert.NotNull(answer.FunctionName);
        Assert.Equal((400, "PATH_NOT_CANONICAL"), (answer.Status, answer.Code));
    }
}
