using System.Net;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>With a rate set, one address cannot POST faster: past its burst, 429 with Retry-After, counted, and room again later.</summary>
public sealed class PostRateSpecs
{
    [Fact]
    public async Task Past_its_burst_an_address_gets_429_with_retry_after_and_is_let_in_again_as_the_bucket_refills()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Security:PostsPerSecondPerAddress=2", "--Mediation:Security:PostBurstPerAddress=3"]);

        var refused = 0;
        for (var i = 0; i < 3; i++) (await PostAsync(server)).ShouldBe(HttpStatusCode.Accepted, $"POST {i + 1} of the burst of 3");
        using (var over = await server.Http.PostAsync("/events?topic=t", new StringContent("x")))
        {
            over.StatusCode.ShouldBe((HttpStatusCode)429);
            refused++;
            over.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
            (await over.Content.ReadAsStringAsync()).ShouldContain("PostsPerSecondPerAddress");
        }

        await Eventually.TrueAsync(() =>
        {
            var status = PostAsync(server).GetAwaiter().GetResult();
            if (status == (HttpStatusCode)429) refused++;
            return status == HttpStatusCode.Accepted;
        }, "the bucket refilled");

        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "post-rate")).ShouldBe(refused, "every 429 is counted");
    }

    [Fact]
    public async Task Without_a_rate_posts_are_not_limited()
    {
        await using var server = await RunningServer.StartAsync();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => PostAsync(server)));

        statuses.ShouldAllBe(s => s == HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_negative_rate_stops_the_start_naming_the_setting()
    {
        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(["--Mediation:Security:PostsPerSecondPerAddress=-1"]));

        error.Message.ShouldContain("Mediation:Security:PostsPerSecondPerAddress must not be negative");
    }

    private static async Task<HttpStatusCode> PostAsync(RunningServer server)
    {
        using var answer = await server.Http.PostAsync("/events?topic=t", new StringContent("x"));
        return answer.StatusCode;
    }
}
