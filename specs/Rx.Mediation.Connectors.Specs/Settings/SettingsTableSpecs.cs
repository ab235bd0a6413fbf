using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.Connectors.Specs.Settings;

public sealed class SettingsTableSpecs
{
    private static string[] Rows(Type settings, string? section = null) =>
        SettingsTable.Markdown(settings, section).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Each_setting_is_a_row_with_its_key_yaml_key_type_bounds_default_and_description_in_declaration_order()
    {
        Rows(typeof(SampleSettings)).ShouldBe(
        [
            "| Setting | YAML key | Type | Default | Meaning |",
            "| --- | --- | --- | --- | --- |",
            "| `Host` | `host` | text | required | Broker host. |",
            "| `Port` | `port` | integer, 1–65535 | `1883`, `8883` with TLS | Broker port. |",
            "| `Capacity` | `capacity` | integer, ≥ 1 | `10000` | Events queued; past it new ones are dropped \\| counted. |",
            "| `MaxBytes` | `max-bytes` | integer | `33554432` (32 MiB) | Payload bytes queued at most. |",
            "| `Retries` | `retries` | integer, ≥ 0 | `0` | Resends. |",
            "| `KeepAlive` | `keep-alive` | duration, 5s–65535s | `30s` | Keep-alive. |",
            "| `Interval` | `interval` | duration, > 0 | `200ms` | Between attempts. |",
            "| `StopTimeout` | `stop-timeout` | duration, ≥ 0s | `2m` | How long stopping waits. |",
            "| `Retain` | `retain` | true/false | `false` | Publish with the retain flag. |",
            "| `Exchange` | `exchange` | text | `\"\"` | Where events go. |",
            "| `Tls:…` | `tls: …` | section | off | TLS to the broker. |",
            "| `Properties:{name}` | `properties: {name}` | map | none | Further client properties. |",
        ]);
    }

    [Fact]
    public void A_section_bound_under_a_key_of_the_endpoint_is_rendered_with_that_key()
    {
        var rows = Rows(typeof(Tls.TlsSettings), "Tls");

        rows.ShouldContain(row => row.StartsWith("| `Tls:CaFile` | `tls: ca-file` | text | the system's authorities |", StringComparison.Ordinal));
        rows.ShouldContain(row => row.StartsWith("| `Tls:CheckHostname` | `tls: check-hostname` | true/false | `true` |", StringComparison.Ordinal));
    }

    [Fact]
    public void A_public_setting_without_a_description_stops_the_table_naming_it()
    {
        Should.Throw<InvalidOperationException>(() => SettingsTable.Markdown(typeof(Undeclared)))
            .Message.ShouldBe("Undeclared.Forgotten is a setting without a [Setting] description: declare it, or mark a former name [Renamed]");
    }

    [Fact]
    public void The_table_replaces_what_is_between_its_markers_and_nothing_else()
    {
        var page = "# Kafka\n\n<!-- settings:kafka -->\n| old |\n<!-- /settings:kafka -->\n\nAfter.\n";

        SettingsTable.Replace(page, "kafka", "| new |\n").ShouldBe("# Kafka\n\n<!-- settings:kafka -->\n| new |\n<!-- /settings:kafka -->\n\nAfter.\n");
    }

    [Fact]
    public void A_page_without_the_markers_is_refused_naming_them() =>
        Should.Throw<InvalidOperationException>(() => SettingsTable.Replace("# Kafka\n", "kafka", "| new |\n"))
            .Message.ShouldContain("'<!-- settings:kafka -->' … '<!-- /settings:kafka -->'");

    private sealed class Undeclared
    {
        [Setting("Declared.")]
        public string? Declared { get; set; }

        public string? Forgotten { get; set; }
    }
}
