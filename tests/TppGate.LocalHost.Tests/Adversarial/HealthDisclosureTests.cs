using System.Net;
using System.Text.Json;
using TppGate.LocalHost.Tests.Support;
using static TppGate.LocalHost.Tests.Support.Adversary;

namespace TppGate.LocalHost.Tests.Adversarial;

/// <summary>Issue 8 item 14 on the local host: the authorizer's anonymous health says only the status; the admin port shows details to the admin key.</summary>
public sealed class HealthDisclosureTests(LocalRunFixture local)
{
    [Fact]
    public async Task Anonymous_health_on_the_authorizer_port_says_only_healthy_and_the_admin_key_on_the_admin_port_sees_details()
    {
        using var anonymous = local.Authorizer(local.Catalogue.QwacAi);
        using var admin = local.Admin();

        using var plain = await anonymous.GetAsync("api/health", Ct);
        using var detailed = await admin.GetAsync("api/health", Ct);
        using var plainBody = JsonDocument.Parse(await plain.Content.ReadAsStringAsync(Ct));
        using var detailedBody = JsonDocument.Parse(await detailed.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(["status"], plainBody.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.OK, detailed.StatusCode);
        Assert.Equal(3, detailedBody.RootElement.GetProperty("trustAnchors").GetInt32());
    }
}
