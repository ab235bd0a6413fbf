using System.Collections;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.Http;

namespace Rx.Mediation.Hosting;

/// <summary>
/// The web entrypoints the server answers for: one immutable snapshot, replaced in one step by <see cref="Publish"/>.
/// <para>ASP.NET Core's routing reads them through an <see cref="EndpointDataSource"/> whose change token fires on each
/// swap, so routing rebuilds its table: a published entrypoint's path answers, an unpublished one's answers 404. Each
/// routed endpoint dispatches through the live snapshot (by port, path and methods), so a request routing matched an
/// instant before a swap already reaches the entrypoint published now. Requests already running on an unpublished
/// entrypoint finish there. An entrypoint with a port of its own answers on that port only; the ports are those Kestrel
/// listens on since start (<see cref="ListenerPorts"/>), because Kestrel cannot open a listener while it runs.</para>
/// <para>As a list it is the current snapshot, so code that resolves <c>IReadOnlyList&lt;WebEntrypoint&gt;</c> sees live entrypoints.</para>
/// </summary>
public sealed class EntrypointRegistry : IReadOnlyList<WebEntrypoint>, IDisposable
{
    private readonly object _gate = new();
    private readonly Source _source = new();
    private readonly Subject<DropRecord> _drops = new();
    private readonly IObserver<DropRecord> _dropSink;
    private readonly Dictionary<WebEntrypoint, Route[]> _mapped = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<WebEntrypoint, IDisposable> _dropSubscriptions = new(ReferenceEqualityComparer.Instance);
    private IServiceProvider? _services;
    private WebEntrypoint[] _current;
    private Dictionary<string, RequestDelegate> _live = [];

    /// <param name="listenerPorts">The ports of the listeners Kestrel opens at start, besides the shared one.</param>
    public EntrypointRegistry(IEnumerable<WebEntrypoint> entrypoints, IEnumerable<int> listenerPorts)
    {
        _current = [.. entrypoints];
        ListenerPorts = listenerPorts.ToHashSet();
        // Client writer loops report drops from many threads; observers see them one at a time.
        _dropSink = Observer.Synchronize(_drops);
        foreach (var entrypoint in _current) FollowDrops(entrypoint);
    }

    /// <summary>The entrypoints published now.</summary>
    public IReadOnlyList<WebEntrypoint> Current => Volatile.Read(ref _current);

    /// <summary>Ports Kestrel listens on besides the shared listener: an entrypoint's own <c>port</c> must be one of them.</summary>
    public IReadOnlySet<int> ListenerPorts { get; }

    /// <summary>The shared listener's address once the server listens (for URLs in the log).</summary>
    public string? Listener { get; set; }

    /// <summary>Every event any entrypoint dropped (slow clients), from its registration until <see cref="Forget"/>.</summary>
    public IObservable<DropRecord> Drops => _drops.AsObservable();

    public int Count => Current.Count;

    public WebEntrypoint this[int index] => Current[index];

    public IEnumerator<WebEntrypoint> GetEnumerator() => Current.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Puts the registry's routes into the app; from now on they follow every <see cref="Publish"/>.</summary>
    public void MapInto(IEndpointRouteBuilder app)
    {
        lock (_gate)
        {
            _services = app.ServiceProvider;
            foreach (var entrypoint in Current) Prepare(entrypoint);
            app.DataSources.Add(_source);
            Switch(Current);
        }
    }

    /// <summary>
    /// Maps an entrypoint that is about to be published, so that a path routing cannot take fails now, before anything
    /// changed, rather than during the switch. Throws <see cref="InvalidOperationException"/> naming the entrypoint.
    /// </summary>
    public void Prepare(WebEntrypoint entrypoint)
    {
        lock (_gate)
        {
            if (_mapped.ContainsKey(entrypoint)) return;
            var services = _services ?? throw new InvalidOperationException("the registry is not mapped into the app yet");
            try
            {
                _mapped[entrypoint] = Map(entrypoint, services, Dispatch);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"entrypoint '{entrypoint.Name}': path '{entrypoint.Path}' cannot be routed: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Replaces the published entrypoints in one step; routing answers from the new set as soon as this returns.</summary>
    public void Publish(IReadOnlyList<WebEntrypoint> entrypoints)
    {
        lock (_gate)
        {
            foreach (var entrypoint in entrypoints)
            {
                Prepare(entrypoint);
                FollowDrops(entrypoint);
            }
            foreach (var gone in _mapped.Keys.Where(e => !entrypoints.Contains(e)).ToList()) _mapped.Remove(gone);
            Volatile.Write(ref _current, [.. entrypoints]);
            Switch(entrypoints);
        }
    }

    /// <summary>Stops following the drop records of an entrypoint that was unpublished and has stopped.</summary>
    public void Forget(WebEntrypoint entrypoint)
    {
        lock (_gate)
        {
            if (Current.Contains(entrypoint)) return;
            if (_dropSubscriptions.Remove(entrypoint, out var subscription)) subscription.Dispose();
        }
    }

    /// <summary>The URL clients use for an entrypoint: its path on the shared listener, or on its own port.</summary>
    public string UrlOf(WebEntrypoint entrypoint)
    {
        var url = new UriBuilder(Listener ?? "http://127.0.0.1") { Path = entrypoint.Path };
        if (entrypoint.Port is { } port) url.Port = port;
        if (entrypoint.Scheme == "ws") url.Scheme = url.Scheme == "https" ? "wss" : "ws";
        // UriBuilder keeps the default port out of the text once the scheme changed; keep it explicit instead.
        return $"{url.Scheme}://{url.Host}:{url.Port}{url.Path}";
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var subscription in _dropSubscriptions.Values) subscription.Dispose();
            _dropSubscriptions.Clear();
        }
        _drops.OnCompleted();
    }

    private void FollowDrops(WebEntrypoint entrypoint)
    {
        lock (_gate)
        {
            if (!_dropSubscriptions.ContainsKey(entrypoint)) _dropSubscriptions[entrypoint] = entrypoint.DropRecords.Subscribe(_dropSink.OnNext);
        }
    }

    /// <summary>
    /// Requests go to the handler published now for their route, not to the one routing matched: routing rebuilds its
    /// table a moment after a swap, and meanwhile a request matched to a replaced entrypoint already reaches the new one
    /// (same path, port and methods), and one matched to a removed entrypoint is answered 404 as routing soon will.
    /// </summary>
    private void Switch(IEnumerable<WebEntrypoint> entrypoints)
    {
        var routes = entrypoints.SelectMany(e => _mapped[e]).ToList();
        Volatile.Write(ref _live, routes.ToDictionary(r => r.Key, r => r.Handler, StringComparer.Ordinal));
        _source.Set([.. routes.Select(r => r.Routed)]);
    }

    private Task Dispatch(string key, HttpContext context)
    {
        if (Volatile.Read(ref _live).TryGetValue(key, out var handler)) return handler(context);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>Lets the entrypoint map itself as it would on the app; routing gets endpoints that dispatch through the registry.</summary>
    private static Route[] Map(WebEntrypoint entrypoint, IServiceProvider services, Func<string, HttpContext, Task> dispatch)
    {
        var capture = new Capture(services);
        var conventions = entrypoint.Map(capture);
        if (entrypoint.Port is { } port) conventions.RequireHost($"*:{port}");
        // Its origins: the entrypoint's own list, if it has one, for the origin check, CORS and preflights (BrowserSafety).
        if (services.GetService(typeof(Security.OriginPolicy)) is Security.OriginPolicy origins) conventions.WithMetadata(origins.MarkFor(entrypoint.Name));
        var routes = new List<Route>();
        foreach (var endpoint in capture.DataSources.SelectMany(d => d.Endpoints))
        {
            if (endpoint is not RouteEndpoint { RequestDelegate: { } handler } route)
                throw new InvalidOperationException($"entrypoint '{entrypoint.Name}' mapped '{endpoint.DisplayName}', which is not a route with a handler");
            if (entrypoint is HttpPostEntrypoint http) handler = WithBodyLimit(handler, http.MaxBodyBytes);
            var methods = route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var key = $"{entrypoint.Port}|{route.RoutePattern.RawText}|{string.Join(",", methods.Order(StringComparer.Ordinal))}";
            var routed = new RouteEndpoint(context => dispatch(key, context), route.RoutePattern, route.Order, route.Metadata, route.DisplayName);
            routes.Add(new Route(key, routed, handler));
        }
        return [.. routes];
    }

    /// <summary>
    /// Kestrel's own body limit was set at start from the entrypoints then known; an HTTP entrypoint added later with a
    /// larger <c>max-body-bytes</c> raises it for its own requests, so it answers its own 413 with its own limit.
    /// </summary>
    private static RequestDelegate WithBodyLimit(RequestDelegate inner, long maxBodyBytes) => context =>
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false, MaxRequestBodySize: { } limit } && limit <= maxBodyBytes) feature.MaxRequestBodySize = maxBodyBytes + 1;
        return inner(context);
    };

    /// <summary>One mapped path: its key (port, pattern, methods), the endpoint routing matches, and the entrypoint's handler.</summary>
    private sealed record Route(string Key, RouteEndpoint Routed, RequestDelegate Handler);

    /// <summary>A route builder that only collects: entrypoints map onto it exactly as onto the app.</summary>
    private sealed class Capture(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;

        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }

    /// <summary>The endpoints routing reads, replaced in one step; the change token fires so routing rebuilds its table.</summary>
    private sealed class Source : EndpointDataSource
    {
        private readonly object _gate = new();
        private IReadOnlyList<Endpoint> _endpoints = [];
        private CancellationTokenSource _changed = new();

        public override IReadOnlyList<Endpoint> Endpoints => Volatile.Read(ref _endpoints);

        public override IChangeToken GetChangeToken()
        {
            lock (_gate) return new CancellationChangeToken(_changed.Token);
        }

        public void Set(IReadOnlyList<Endpoint> endpoints)
        {
            CancellationTokenSource previous;
            lock (_gate)
            {
                Volatile.Write(ref _endpoints, endpoints);
                previous = _changed;
                _changed = new CancellationTokenSource();
            }
            // Not disposed: routing may still be registering on the old token, which must then see it cancelled.
            previous.Cancel();
        }
    }
}
