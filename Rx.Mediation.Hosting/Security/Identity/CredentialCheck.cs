using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Authenticates a credential that did not come with a request (a WebSocket's first message) through the very handlers
/// requests go through, so a key or a token is judged the same wherever it comes from. A request's handlers remember
/// their first answer, so it is asked in a scope of its own, as if the credential were its <c>Authorization</c> header.
/// </summary>
internal static class CredentialCheck
{
    public static async Task<AuthenticateResult> AuthenticateAsync(IServiceProvider services, string credential)
    {
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var probe = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        probe.Request.Headers.Authorization = "Bearer " + credential;
        return await probe.AuthenticateAsync(MediationAuthentication.Scheme);
    }
}
