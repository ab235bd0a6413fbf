using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Engine;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Server;

namespace Rx.Mediation.Testing;

/// <summary>The real server (same composition as Program) on a free loopback port, with a client for it.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(WebApplication app)
    {
        App = app;
        BaseAddress = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public MediationEngine Engine => App.Services.GetRequiredService<MediationEngine>();

    public T Entrypoint<T>() where T : WebEntrypoint => App.Services.GetRequiredService<IReadOnlyList<WebEntrypoint>>().OfType<T>().Single();

    public Uri WebSocketUri(string pathAndQuery) => new($"ws://{BaseAddress.Authority}{pathAndQuery}");

    public static Task<RunningServer> StartAsync(Action<MediationServerBuilder>? configure = null) => StartAsync([], configure);

    /// <summary>
    /// The server with one route, <c>slow</c>: everything POSTed to <c>http</c> goes through <paramref name="bridge"/> to
    /// <paramref name="target"/> (typically a <see cref="RecordingNode"/> that never returns, so the bridge fills up).
    /// </summary>
    public static Task<RunningServer> StartWithSlowRouteAsync(RecordingNode target, Rx.Mediation.Bridging.BridgeOptions bridge) =>
        StartAsync(b =>
        {
            b.Nodes.Add(target);
            b.Routes = [new Rx.Mediation.Routing.RouteDefinition
            {
                Name = "slow",
                Sources = [new Rx.Mediation.Routing.SourceBinding("http")],
                Targets = [target.Name],
                Bridge = bridge,
            }];
        });

    /// <summary>Starts with extra command-line settings, e.g. <c>--Mediation:Endpoints:k:Type=kafka</c>.</summary>
    public static async Task<RunningServer> StartAsync(string[] settings, Action<MediationServerBuilder>? configure = null)
    {
        // Specs assert on behaviour, not logs; warnings still show what went wrong.
        var app = Composition.Build(
            ["--Mediation:Url=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning", .. settings],
            configure);
        await app.StartAsync();
        return new RunningServer(app);
    }

    public Task<HttpResponseMessage> PostAsync(string topic, string body, string contentType = "text/plain") =>
        Http.PostAsync($"/events?topic={Uri.EscapeDataString(topic)}", new StringContent(body, System.Text.Encoding.UTF8, contentType));

    /// <summary>Posts and returns the id from the 202 answer.</summary>
    public async Task<string> PostAcceptedAsync(string topic, string body)
    {
        using var response = await PostAsync(topic, body);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(202, text);
        using var json = System.Text.Json.JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await App.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
