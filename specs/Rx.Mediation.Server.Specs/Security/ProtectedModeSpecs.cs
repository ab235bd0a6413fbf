using System.Net;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Hosting.Security;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// Secure by default: the server cannot tell its clients apart yet, so it listens beyond loopback only when the
/// operator says anonymous clients are fine there (as Redis's protected mode does).
/// </summary>
public sealed class ProtectedModeSpecs
{
    [Fact]
    public async Task Listening_on_every_address_without_allowing_anonymous_clients_stops_the_start_saying_why()
    {
        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(["--Mediation:Url=http://0.0.0.0:0"]));

        error.Message.ShouldContain("Mediation:Url listens on 0.0.0.0, beyond loopback");
        error.Message.ShouldContain("Mediation:Security:AllowAnonymous=true");
    }

    [Fact]
    public async Task Allowing_anonymous_clients_lets_it_listen_on_every_address()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Url=http://0.0.0.0:0", "--Mediation:Security:AllowAnonymous=true"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.BaseAddress.Port}") };

        (await http.PostAsync("/events?topic=t", new StringContent("x"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://127.0.0.2:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://10.1.2.3:8080", false)]
    [InlineData("http://gateway.example:8080", false)]
    public void Only_loopback_listeners_run_anonymous_by_default(string url, bool allowed)
    {
        SecurityOptions.IsLoopback(url).ShouldBe(allowed);
        (new SecurityOptions().ProtectedModeProblem(url, "Mediation:Url") is null).ShouldBe(allowed);
        new SecurityOptions { AllowAnonymous = true }.ProtectedModeProblem(url, "Mediation:Url").ShouldBeNull();
    }
}
