using System.Reactive.Concurrency;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Engine;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Operations.Dashboard;

namespace Rx.Mediation.Hosting.Admin;

/// <summary>Registers and maps the admin API (<c>/admin</c>) and the dashboard (<c>/ui</c>), for a server with or without a configuration file.</summary>
public static class AdminSetup
{
    public static IServiceCollection AddAdminAndDashboard(this IServiceCollection services, AdminOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(new AdminAccess(options));
        services.AddSingleton(sp => new AdminSnapshotBuilder(
            sp.GetRequiredService<MediationEngine>(), sp.GetService<EntrypointRegistry>(), sp.GetService<ConfigStatus>(), Scheduler.Default));
        services.AddSingleton(new DashboardOptions());
        services.AddSingleton(sp => new DashboardHub(
            sp.GetRequiredService<MediationEngine>(), sp.GetRequiredService<AdminSnapshotBuilder>(), sp.GetRequiredService<DashboardOptions>(),
            TaskPoolScheduler.Default, sp.GetRequiredService<ILogger<DashboardHub>>()));
        return services;
    }

    /// <summary>Maps <c>/admin</c> and <c>/ui</c> when <see cref="AdminOptions.Enabled"/>; says in the log who may reach them.</summary>
    public static void MapAdminAndDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AdminOptions>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminSetup).FullName!);
        if (!options.Enabled)
        {
            log.LogInformation("Admin API and dashboard are disabled (Mediation:Admin:Enabled=false)");
            return;
        }
        // Built now, so 'startedAt' is the server's start, not the first request's.
        app.Services.GetRequiredService<AdminSnapshotBuilder>();
        app.MapAdminApi();
        app.MapDashboard();
        // Viewers' streams end as the server begins to stop, before the drain, so none holds shutdown up.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<DashboardHub>().Dispose());
        if (options.HasKey)
            log.LogInformation("Admin API (/admin) and dashboard (/ui): loopback clients, and remote clients sending the admin key");
        else if (options.AllowRemote)
            log.LogWarning("Admin API (/admin) and dashboard (/ui) answer every client without a key (AllowRemote with no Key): expose them only behind something that authenticates");
        else
            log.LogInformation("Admin API (/admin) and dashboard (/ui): loopback clients only (set an admin key to let remote clients in)");
    }
}
