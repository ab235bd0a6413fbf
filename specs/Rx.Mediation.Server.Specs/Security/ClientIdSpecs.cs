using System.Text.RegularExpressions;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>A client id addresses events straight to its client: one the server hands out cannot be guessed or counted to.</summary>
public sealed partial class ClientIdSpecs
{
    [Fact]
    public void A_generated_client_id_carries_128_random_bits()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => ClientQuery.NewClientId()).ToList();

        ids.ShouldAllBe(id => RandomId().IsMatch(id));
        ids.Distinct().Count().ShouldBe(ids.Count);
        // Consecutive ids share no prefix beyond chance: nothing counts up.
        ids.Zip(ids.Skip(1)).Count(p => p.First[..6] == p.Second[..6]).ShouldBeLessThan(5);
    }

    [Fact]
    public async Task An_sse_client_that_gives_no_id_is_told_a_random_one()
    {
        await using var server = await RunningServer.StartAsync();
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);

        var first = await ClientIdOfAsync(server, timeout.Token);
        var second = await ClientIdOfAsync(server, timeout.Token);

        first.ShouldMatch(RandomId().ToString());
        second.ShouldMatch(RandomId().ToString());
        first.ShouldNotBe(second);
    }

    private static async Task<string> ClientIdOfAsync(RunningServer server, CancellationToken cancellationToken)
    {
        using var response = await server.Http.GetAsync("/sse?topic=t", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues(ClientQuery.ClientIdHeader).Single();
    }

    [GeneratedRegex("^c-[0-9a-f]{32}$")]
    private static partial Regex RandomId();
}
