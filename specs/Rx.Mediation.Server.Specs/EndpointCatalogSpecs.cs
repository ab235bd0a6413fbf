using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Server;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

public sealed class EndpointCatalogSpecs
{
    private static (IReadOnlyList<Rx.Mediation.Nodes.IEndpoint>, IReadOnlyList<string>) Create(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return Composition.Catalog().Create(configuration, NullLoggerFactory.Instance);
    }

    [Fact]
    public void An_endpoint_is_made_by_the_provider_of_its_type()
    {
        var (endpoints, errors) = Create(("Mediation:Endpoints:archive:Type", "memory"), ("Mediation:Endpoints:archive:Subscriptions", "orders/#, audit"));

        errors.ShouldBeEmpty();
        var memory = endpoints.ShouldHaveSingleItem().ShouldBeOfType<MemoryEndpoint>();
        memory.Name.ShouldBe("archive");
        memory.Subscriptions.Select(s => s.Text).ShouldBe(["orders/#", "audit"]);
    }

    [Fact]
    public void An_unknown_type_names_the_key_and_the_known_types_and_stands_in_as_unavailable()
    {
        var (endpoints, errors) = Create(("Mediation:Endpoints:orders:Type", "kafkaa"));

        errors.ShouldHaveSingleItem().ShouldBe("endpoint 'orders': Mediation:Endpoints:orders:Type 'kafkaa' is not a known endpoint type (known: " + string.Join(", ", Composition.Catalog().KnownTypes) + ")");
        endpoints.ShouldHaveSingleItem().ShouldBeOfType<UnavailableEndpoint>().Name.ShouldBe("orders");
    }

    [Fact]
    public void A_missing_type_and_a_bad_setting_are_reported_with_their_keys()
    {
        var (_, errors) = Create(
            ("Mediation:Endpoints:nameless:Subscriptions", "x"),
            ("Mediation:Endpoints:bad:Type", "memory"),
            ("Mediation:Endpoints:bad:Subscriptions", "a/#/b"));

        errors.ShouldContain(e => e.StartsWith("endpoint 'nameless': Mediation:Endpoints:nameless:Type is required"));
        errors.ShouldContain(e => e.StartsWith("endpoint 'bad': Mediation:Endpoints:bad:Subscriptions has a bad filter"));
    }

    [Fact]
    public async Task A_misconfigured_endpoint_leaves_the_server_up_and_readyz_names_it()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:orders:Type=nope"]);

        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.PostAcceptedAsync("events", "still working")).ShouldNotBeNullOrEmpty();
        using var ready = await server.Http.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var orders = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "orders");
        orders.GetProperty("health").GetString().ShouldBe("Unhealthy");
        orders.GetProperty("detail").GetString()!.ShouldContain("Mediation:Endpoints:orders:Type 'nope'");
    }
}
