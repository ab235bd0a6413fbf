namespace Rx.Mediation.Server.Specs.Support;

/// <summary>The settings of the secured server the identity specs start, so each spec class names only what differs.</summary>
public static class SecuredSettings
{
    /// <summary>
    /// API-key clients <c>sensor-1</c> (role <c>devices</c>) and <c>ops</c> (<c>operators</c>) and JWTs from
    /// <see cref="SpecCredentials.JwtIssuer"/> (role <c>users</c>): devices publish under their own name and read their
    /// alerts, operators read everything, users publish and read under their <c>sub</c>.
    /// </summary>
    public static string[] SensorsOperatorsAndUsers(string sensorKey, string operatorKey, params string[] more) =>
    [
        .. SpecCredentials.ApiKey("sensor-1", sensorKey, "devices"),
        .. SpecCredentials.ApiKey("ops", operatorKey, "operators"),
        .. SpecCredentials.JwtIssuer(),
        "--Mediation:Security:Rights:devices:Publish:0=devices/{name}/#",
        "--Mediation:Security:Rights:devices:Subscribe:0=alerts/{name}/#",
        "--Mediation:Security:Rights:operators:Subscribe:0=#",
        "--Mediation:Security:Rights:users:Publish:0=users/{sub}/#",
        "--Mediation:Security:Rights:users:Subscribe:0=users/{sub}/#",
        .. more,
    ];
}
