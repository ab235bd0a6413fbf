using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.Connectors.Specs.Settings;

public sealed class SettingRulesSpecs
{
    [Fact]
    public void Defaults_within_their_bounds_have_no_problem() => SettingRules.Problems(new SampleSettings { Host = "h" }).ShouldBeEmpty();

    [Theory]
    [InlineData(nameof(SampleSettings.Port), 0, "must be between 1 and 65535, got 0")]
    [InlineData(nameof(SampleSettings.Port), 65536, "must be between 1 and 65535, got 65536")]
    [InlineData(nameof(SampleSettings.Capacity), 0, "must be at least 1, got 0")]
    [InlineData(nameof(SampleSettings.Retries), -1, "must not be negative, got -1")]
    public void A_number_out_of_its_declared_bounds_is_refused_naming_the_bounds_and_the_value(string setting, int value, string problem)
    {
        var settings = new SampleSettings { Host = "h" };
        typeof(SampleSettings).GetProperty(setting)!.SetValue(settings, value);

        SettingRules.Problems(settings).ShouldBe([(setting, problem)]);
    }

    [Fact]
    public void A_duration_bound_is_written_with_its_unit_as_the_configuration_takes_it()
    {
        SettingRules.Problems(new SampleSettings { Host = "h", KeepAlive = TimeSpan.FromSeconds(2) })
            .ShouldBe([(nameof(SampleSettings.KeepAlive), "must be between 5s and 65535s, got 2s")]);
        SettingRules.Problems(new SampleSettings { Host = "h", Interval = TimeSpan.Zero })
            .ShouldBe([(nameof(SampleSettings.Interval), "must be positive, got 0s")]);
        SettingRules.Problems(new SampleSettings { Host = "h", StopTimeout = TimeSpan.FromMilliseconds(-200) })
            .ShouldBe([(nameof(SampleSettings.StopTimeout), "must not be negative, got -200ms")]);
    }

    [Fact]
    public void An_unset_optional_setting_is_not_checked_against_its_bounds() =>
        SettingRules.Problems(new SampleSettings { Host = "h", Port = null }).ShouldBeEmpty();

    [Fact]
    public void A_required_setting_left_empty_is_refused_with_its_example()
    {
        SettingRules.Problems(new SampleSettings { Host = " " }).ShouldBe([(nameof(SampleSettings.Host), "is required (e.g. broker.example.com)")]);
        SettingRules.Problems(new SampleSettings()).ShouldBe([(nameof(SampleSettings.Host), "is required (e.g. broker.example.com)")]);
    }

    [Fact]
    public void A_former_name_is_refused_naming_the_new_one()
    {
        SettingRules.Problems(new SampleSettings { Host = "h", QueueCapacity = "40" })
            .ShouldBe([(nameof(SampleSettings.QueueCapacity), "was renamed Capacity, as on every connector (README, Changes)")]);
    }

    [Fact]
    public void Check_throws_the_first_problem_under_the_endpoints_key()
    {
        var error = Should.Throw<EndpointConfigurationException>(() =>
            SettingRules.Check(new SampleSettings { Host = "h", Capacity = 0, Retries = -1 }, "orders", "Mediation:Endpoints:orders"));

        error.Message.ShouldBe("endpoint 'orders': Mediation:Endpoints:orders:Capacity must be at least 1, got 0");
    }
}
