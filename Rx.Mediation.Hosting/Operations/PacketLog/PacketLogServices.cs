using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Engine;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>Registers the packet log: the tap, its counters, the writer and its place in the server's lifecycle.</summary>
public static class PacketLogServices
{
    /// <summary>Call before the engine's hosted service is added, so the log is attached before routes start.</summary>
    public static IServiceCollection AddPacketLog(this IServiceCollection services, PacketLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(_ => PacketLogOutput.StandardOutput);
        services.AddSingleton(_ => new PacketLogTap(options));
        services.AddSingleton(sp => sp.GetRequiredService<PacketLogTap>().Counters);
        services.AddSingleton(sp => new PacketLogWriter(
            sp.GetRequiredService<PacketLogTap>(), sp.GetRequiredService<PacketLogOutput>().Writer, sp.GetRequiredService<ILogger<PacketLogWriter>>()));
        services.AddSingleton(sp => new PacketLogReload(
            sp.GetRequiredService<PacketLogTap>(), sp.GetRequiredService<IConfiguration>(), sp.GetService<ConfigRuntime>(), sp.GetRequiredService<ILogger<PacketLogReload>>()));
        services.AddHostedService(sp => new PacketLogService(
            sp.GetRequiredService<PacketLogTap>(), sp.GetRequiredService<PacketLogWriter>(), sp.GetRequiredService<MediationEngine>(),
            sp.GetRequiredService<EntrypointRegistry>(), sp.GetRequiredService<PacketLogReload>()));
        return services;
    }
}
