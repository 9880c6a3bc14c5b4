using TppGate.Cli.Admin;

namespace TppGate.Cli.Tests.Bindings;

/// <summary>How an admin API answer becomes an exit code and a message, whatever else the body carries.</summary>
public sealed class AdminAnswerTests
{
    [Fact]
    public void Problem_with_fields_added_later_still_yields_its_code_and_trace_id_and_exit_1()
    {
        var (answer, failure) = AdminClient.Interpret(409, "Conflict", """{"type":"urn:tppgate:error:CERTIFICATE_BLOCKED","title":"revoked","status":409,"code":"CERTIFICATE_BLOCKED","traceId":"abc123","retryAfter":null,"extensions":{"x":1}}""");

        Assert.Null(answer);
        Assert.Equal(1, failure!.ExitCode);
        Assert.Equal("CERTIFICATE_BLOCKED", failure.Code);
        Assert.Equal("abc123", failure.TraceId);
    }

    [Fact]
    public void Success_body_with_unknown_fields_is_kept_whole_for_json_output()
    {
        var (answer, failure) = AdminClient.Interpret(200, "OK", """{"bindings":[],"continuationToken":"t"}""");

        Assert.Null(failure);
        Assert.Equal("t", answer!.Body["continuationToken"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(401, 3)]
    [InlineData(403, 1)]
    [InlineData(404, 1)]
    [InlineData(400, 1)]
    [InlineData(302, 3)]
    [InlineData(500, 3)]
    [InlineData(503, 3)]
    public void Status_maps_to_the_documented_exit_code(int status, int exitCode)
    {
        var (_, failure) = AdminClient.Interpret(status, null, string.Empty);

        Assert.Equal(exitCode, failure!.ExitCode);
        Assert.Equal($"HTTP_{status}", failure.Code);
    }

    [Fact]
    public void Success_without_JSON_is_not_taken_for_an_answer()
    {
        var (answer, failure) = AdminClient.Interpret(200, "OK", "<html>sign in</html>");

        Assert.Null(answer);
        Assert.Equal(3, failure!.ExitCode);
        Assert.Equal("RESPONSE_INVALID", failure.Code);
    }

    [Fact]
    public void Control_characters_from_a_server_are_escaped_before_reaching_a_terminal()
        => Assert.Equal("bad\\u001b[31mred", CommandOutput.Safe("bad\u001b[31mred"));
}
