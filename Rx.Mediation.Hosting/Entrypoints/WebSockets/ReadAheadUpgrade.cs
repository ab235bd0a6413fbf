using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// Hands the WebSocket middleware the upgraded connection behind a <see cref="ReadAheadStream"/>. The middleware takes
/// the upgrade feature when the request arrives, so this is put in before it (<see cref="WebSocketReadAheadSetup.UseWebSocketReadAhead"/>).
/// </summary>
internal sealed class ReadAheadUpgrade(IHttpUpgradeFeature upgrade) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => upgrade.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync() => new ReadAheadStream(await upgrade.UpgradeAsync().ConfigureAwait(false));
}

internal static class WebSocketReadAheadSetup
{
    /// <summary>Puts <see cref="ReadAheadUpgrade"/> in front of WebSocket upgrades; call before <c>UseWebSockets</c>.</summary>
    public static IApplicationBuilder UseWebSocketReadAhead(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade and not ReadAheadUpgrade)
                context.Features.Set<IHttpUpgradeFeature>(new ReadAheadUpgrade(upgrade));
            return next(context);
        });
}
