using System.Text.Json;
using System.Text.RegularExpressions;

namespace TppGate.Infra.Tests;

/// <summary>Compiles infra/main.bicep to ARM JSON once and exposes every resource, nested modules included.</summary>
public sealed class CompiledInfraFixture : IAsyncLifetime
{
    public JsonDocument Template { get; private set; } = null!;

    public string TemplateText { get; private set; } = "";

    public string BuildErrors { get; private set; } = "";

    public IReadOnlyList<JsonElement> Resources { get; private set; } = [];

    /// <summary>Every role assignment with its role definition GUID, resolved through its template's variables.</summary>
    public IReadOnlyList<RoleAssignment> RoleAssignments { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var (exitCode, stdout, stderr) = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");
        BuildErrors = stderr;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({exitCode}): {stderr}");
        }

        TemplateText = stdout;
        Template = JsonDocument.Parse(stdout);
        var resources = new List<JsonElement>();
        var assignments = new List<RoleAssignment>();
        Collect(Template.RootElement, resources, assignments);
        Resources = resources;
        RoleAssignments = assignments;
    }

    public ValueTask DisposeAsync()
    {
        Template?.Dispose();
        return ValueTask.CompletedTask;
    }

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    public JsonElement Single(string type) => Assert.Single(OfType(type));

    // Templates in language version 2.0 keep resources in an object keyed by symbolic name; older ones in an array.
    private static void Collect(JsonElement template, List<JsonElement> into, List<RoleAssignment> assignments)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            return;
        }

        var items = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
        foreach (var resource in items)
        {
            into.Add(resource);
            if (resource.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            {
                assignments.Add(ToRoleAssignment(template, resource));
            }

            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                Collect(nested, into, assignments);
            }
        }
    }

    private static RoleAssignment ToRoleAssignment(JsonElement template, JsonElement resource)
    {
        var expression = resource.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;
        var variable = Regex.Match(expression, @"^\[variables\('([^']+)'\)\]$");
        if (variable.Success)
        {
            expression = template.GetProperty("variables").GetProperty(variable.Groups[1].Value).GetString()!;
        }

        var guid = Regex.Match(expression, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        Assert.True(guid.Success, "No role GUID in " + expression);
        return new RoleAssignment(
            resource.GetProperty("name").GetString()!,
            resource.GetProperty("scope").GetString()!,
            guid.Value,
            resource.GetProperty("properties").GetProperty("principalType").GetString()!);
    }
}

/// <summary>A role assignment as compiled: its name and scope expressions and the role GUID it grants.</summary>
public sealed record RoleAssignment(string Name, string Scope, string RoleGuid, string PrincipalType);
