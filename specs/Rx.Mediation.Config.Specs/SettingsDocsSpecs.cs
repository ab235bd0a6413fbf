using Rx.Mediation.Amqp;
using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Connectors.Tls;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Kafka;
using Rx.Mediation.Mqtt;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Solace;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// Each connector's docs page, and docs/configuration.md for the web entrypoints, shows the settings table generated
/// from its settings class. With
/// <c>RX_MEDIATION_WRITE_SETTINGS_DOCS=1</c> (eng/docs-settings.sh) the specs write the tables instead of comparing them.
/// </summary>
public sealed class SettingsDocsSpecs
{
    /// <summary>Marker name → (page, settings class, section the class is bound under).</summary>
    private static readonly Dictionary<string, (string Page, Type Settings, string? Section)> Tables = new()
    {
        ["kafka"] = ("docs/endpoints/kafka.md", typeof(KafkaSettings), null),
        ["rabbitmq"] = ("docs/endpoints/rabbitmq.md", typeof(RabbitMqSettings), null),
        ["mqtt"] = ("docs/endpoints/mqtt.md", typeof(MqttSettings), null),
        ["amqp10"] = ("docs/endpoints/amqp10.md", typeof(AmqpSettings), null),
        ["solace"] = ("docs/endpoints/solace.md", typeof(SolaceSettings), null),
        ["tls"] = ("docs/endpoints/tls.md", typeof(TlsSettings), "Tls"),
        ["http"] = ("docs/configuration.md", typeof(HttpEntrypointOptions), null),
        ["websocket"] = ("docs/configuration.md", typeof(WebSocketEntrypointOptions), null),
        ["sse"] = ("docs/configuration.md", typeof(SseEntrypointOptions), null),
        ["poll"] = ("docs/configuration.md", typeof(PollEntrypointOptions), null),
    };

    public static TheoryData<string> Markers => new(Tables.Keys);

    [Theory]
    [MemberData(nameof(Markers))]
    public void Each_docs_page_shows_the_settings_table_generated_from_its_settings_class(string marker)
    {
        var (page, settings, section) = Tables[marker];
        var path = Path.Combine(RepositoryRoot(), page);
        var written = File.ReadAllText(path);
        var generated = SettingsTable.Replace(written, marker, SettingsTable.Markdown(settings, section));

        if (Environment.GetEnvironmentVariable("RX_MEDIATION_WRITE_SETTINGS_DOCS") == "1")
        {
            if (generated != written) File.WriteAllText(path, generated);
            return;
        }
        (generated == written).ShouldBeTrue(
            $"{page}: the table between <!-- settings:{marker} --> and <!-- /settings:{marker} --> is not the one {settings.Name} declares; "
            + "change the [Setting] declarations rather than the page, then run eng/docs-settings.sh to rewrite the table");
    }

    [Fact]
    public void Every_settings_class_in_the_server_has_a_docs_table()
    {
        var declared = Directory.GetFiles(AppContext.BaseDirectory, "Rx.Mediation*.dll")
            .Where(file => !Path.GetFileName(file).Contains(".Specs", StringComparison.Ordinal))
            .Select(file => System.Reflection.Assembly.LoadFrom(file))
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Where(type => !type.IsAbstract && type.GetProperties().Any(p => p.GetCustomAttributes(typeof(SettingAttribute), false).Length > 0))
            .Select(type => type.Name);

        declared.ShouldBe(Tables.Values.Select(t => t.Settings.Name), ignoreOrder: true);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Rx.Mediation.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no Rx.Mediation.sln above {AppContext.BaseDirectory}");
    }
}
