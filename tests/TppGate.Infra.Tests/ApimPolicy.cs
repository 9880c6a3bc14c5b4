using System.Reflection;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TppGate.Infra.Tests;

/// <summary>infra/apim/authorize-policy.xml, and its service-naming expression compiled into a callable method.</summary>
internal static class ApimPolicy
{
    /// <summary>The expression's one line that touches APIM's context; the rest is plain C# over <c>path</c>.</summary>
    public const string PathInput = "var path = context.Request.Url.Path;";

    public static string PathOnDisk { get; } = Path.Combine(BicepCli.RepositoryRoot, "infra", "apim", "authorize-policy.xml");

    public static XDocument Load() => XDocument.Load(PathOnDisk);

    public static string Variable(string name) =>
        Assert.Single(Load().Descendants("set-variable"), v => v.Attribute("name")!.Value == name).Attribute("value")!.Value;

    private static readonly Lazy<Func<string, string>> ServiceNamer = new(CompileServiceNamer);

    /// <summary>Runs the policy's own tppgateApi expression on a request path.</summary>
    public static string NameService(string path) => ServiceNamer.Value(path);

    private static Func<string, string> CompileServiceNamer()
    {
        var expression = Variable("tppgateApi").Trim();
        Assert.StartsWith("@{", expression, StringComparison.Ordinal);
        Assert.EndsWith("}", expression, StringComparison.Ordinal);
        var body = expression[2..^1];
        Assert.Equal(1, CountOf(body, PathInput));
        Assert.DoesNotContain("context", body.Replace(PathInput, "", StringComparison.Ordinal), StringComparison.Ordinal);
        var source = "using System; using System.Linq;\npublic static class PolicyExpression\n{\n    public static string Run(string path)\n    {\n"
            + body.Replace(PathInput, "", StringComparison.Ordinal) + "\n    }\n}\n";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "ApimPolicyExpression",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) + "\n" + source);
        var method = Assembly.Load(image.ToArray()).GetType("PolicyExpression")!.GetMethod("Run")!;
        return path => (string)method.Invoke(null, [path])!;
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
