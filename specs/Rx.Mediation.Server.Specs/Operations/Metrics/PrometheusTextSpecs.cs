using System.Diagnostics.Metrics;
using Rx.Mediation.Hosting.Operations.Metrics;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Operations.Metrics;

public sealed class PrometheusTextSpecs
{
    private static MetricSeries Series(double value, params (string Name, string Value)[] labels) =>
        new([.. labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value))], value);

    [Theory]
    [InlineData("rx.mediation.route.events", "{event}", MetricKind.Counter, "rx_mediation_route_events_total")]
    [InlineData("rx.mediation.delivery.latency", "s", MetricKind.Histogram, "rx_mediation_delivery_latency_seconds")]
    [InlineData("rx.mediation.endpoint.in_flight", "{event}", MetricKind.Gauge, "rx_mediation_endpoint_in_flight")]
    [InlineData("http.request.body.size", "By", MetricKind.Histogram, "http_request_body_size_bytes")]
    [InlineData("queue.wait", "ms", MetricKind.Gauge, "queue_wait_milliseconds")]
    [InlineData("jobs_total", null, MetricKind.Counter, "jobs_total")]
    [InlineData("uptime.seconds", "s", MetricKind.Counter, "uptime_seconds_total")]
    [InlineData("9lives-and.more", null, MetricKind.Gauge, "_9lives_and_more")]
    [InlineData("ns:metric.name", "1", MetricKind.Gauge, "ns:metric_name")]
    public void Names_are_sanitised_with_the_unit_and_total_as_suffixes(string instrument, string? unit, MetricKind kind, string expected) =>
        PrometheusText.MetricName(instrument, unit, kind).ShouldBe(expected);

    [Fact]
    public void Label_names_are_made_valid()
    {
        PrometheusText.LabelName("route").ShouldBe("route");
        PrometheusText.LabelName("net.peer.name").ShouldBe("net_peer_name");
        PrometheusText.LabelName("1st").ShouldBe("_1st");
        PrometheusText.LabelName("__reserved").ShouldBe("_reserved");
    }

    [Fact]
    public void Label_values_escape_backslash_double_quote_and_line_feed_and_read_back_unchanged()
    {
        const string route = "orders \"EU\"\\west\nline two";
        PrometheusText.EscapeLabelValue(route).ShouldBe("orders \\\"EU\\\"\\\\west\\nline two");

        var text = PrometheusText.Write([new MetricData("rx.mediation.route.events", "{event}", "Events \"by\" stage\\ledger\nsecond line", MetricKind.Counter,
            [Series(3, ("route", route), ("stage", "accepted"))])]);

        text.ShouldContain("# HELP rx_mediation_route_events_total Events \"by\" stage\\\\ledger\\nsecond line\n");
        text.ShouldContain("rx_mediation_route_events_total{route=\"orders \\\"EU\\\"\\\\west\\nline two\",stage=\"accepted\"} 3\n");
        var parsed = ExpositionChecker.Check(text);
        parsed.Value("rx_mediation_route_events_total", ("route", route), ("stage", "accepted")).ShouldBe(3);
        parsed.Families["rx_mediation_route_events_total"].Help.ShouldBe("Events \"by\" stage\\ledger\nsecond line");
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_ending_with_inf_equal_to_count_then_sum_and_count()
    {
        var histogram = new HistogramPoint([0.01, 0.1, 1], [2, 0, 3, 1], Sum: 4.25, Count: 6);
        var text = PrometheusText.Write([new MetricData("rx.mediation.delivery.latency", "s", "Latency", MetricKind.Histogram,
            [new MetricSeries([new("node", "sse"), new("via", "write")], 0, histogram)])]);

        text.ShouldBe("""
            # HELP rx_mediation_delivery_latency_seconds Latency
            # TYPE rx_mediation_delivery_latency_seconds histogram
            rx_mediation_delivery_latency_seconds_bucket{node="sse",via="write",le="0.01"} 2
            rx_mediation_delivery_latency_seconds_bucket{node="sse",via="write",le="0.1"} 2
            rx_mediation_delivery_latency_seconds_bucket{node="sse",via="write",le="1"} 5
            rx_mediation_delivery_latency_seconds_bucket{node="sse",via="write",le="+Inf"} 6
            rx_mediation_delivery_latency_seconds_sum{node="sse",via="write"} 4.25
            rx_mediation_delivery_latency_seconds_count{node="sse",via="write"} 6

            """.Replace("\r\n", "\n"));
        ExpositionChecker.Check(text);
    }

    [Fact]
    public void Help_and_type_come_once_per_family_and_the_order_does_not_depend_on_the_input_order()
    {
        MetricData[] metrics =
        [
            new("b.gauge", null, "B", MetricKind.Gauge, [Series(2, ("x", "2")), Series(1, ("x", "1"))]),
            new("a.count", "{event}", "A", MetricKind.Counter, [Series(5, ("route", "z")), Series(7, ("route", "a"))]),
            // A second instrument with the same Prometheus name (another meter): one family, its new series added.
            new("a.count", "{event}", "A again", MetricKind.Counter, [Series(9, ("route", "m"))]),
            new("empty", null, "no series yet", MetricKind.Gauge, []),
        ];

        var text = PrometheusText.Write(metrics);
        PrometheusText.Write(metrics.Reverse()).ShouldBe(text.Replace("# HELP a_count_total A\n", "# HELP a_count_total A again\n"));
        text.ShouldBe("""
            # HELP a_count_total A
            # TYPE a_count_total counter
            a_count_total{route="a"} 7
            a_count_total{route="m"} 9
            a_count_total{route="z"} 5
            # HELP b_gauge B
            # TYPE b_gauge gauge
            b_gauge{x="1"} 1
            b_gauge{x="2"} 2

            """.Replace("\r\n", "\n"));
        ExpositionChecker.Check(text).Families.Keys.Order().ShouldBe(["a_count_total", "b_gauge"]);
    }

    [Fact]
    public void Special_values_are_written_as_prometheus_reads_them()
    {
        PrometheusText.FormatValue(double.PositiveInfinity).ShouldBe("+Inf");
        PrometheusText.FormatValue(double.NegativeInfinity).ShouldBe("-Inf");
        PrometheusText.FormatValue(double.NaN).ShouldBe("NaN");
        PrometheusText.FormatValue(0.1).ShouldBe("0.1");
        PrometheusText.FormatValue(1e-7).ShouldBe("1E-07");
        PrometheusText.FormatValue(123456789012).ShouldBe("123456789012");
        ExpositionChecker.Check("# TYPE g gauge\ng{a=\"b\"} 1E-07\ng{a=\"c\"} NaN\ng{a=\"d\"} -Inf\n");
    }

    [Theory]
    [InlineData("x 1\n", "no # TYPE")]
    [InlineData("# TYPE x counter\nx 1\n# HELP x late\n", "after its samples")]
    [InlineData("# TYPE x counter\n# TYPE x gauge\nx 1\n", "second TYPE")]
    [InlineData("# TYPE x counter\nx -1\n", "negative")]
    [InlineData("# TYPE x gauge\nx{a=\"b\\t\"} 1\n", "invalid escape")]
    [InlineData("# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n", "appears twice")]
    [InlineData("# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n", "appears twice")]
    [InlineData("# TYPE x gauge\nx{1a=\"1\"} 1\n", "invalid label name")]
    [InlineData("# TYPE x gauge\nx{__a=\"1\"} 1\n", "invalid label name")]
    [InlineData("# TYPE x gauge\nx one\n", "not a sample value")]
    [InlineData("# TYPE x gauge\nx 1", "end with a line feed")]
    [InlineData("# TYPE x gauge\nx{a=\"1\"} 1\n# TYPE y gauge\ny 1\nx{a=\"2\"} 1\n", "not one group")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "does not increase")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "equal _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n", "no _sum")]
    public void The_checker_refuses_what_the_format_forbids(string text, string problem) =>
        Should.Throw<ShouldAssertException>(() => ExpositionChecker.Check(text)).Message.ShouldContain(problem);

    [Fact]
    public void The_collector_aggregates_recorded_instruments_per_tag_set_and_reads_observable_ones_when_collecting()
    {
        using var meter = new Meter("Rx.Mediation.Specs.Collector." + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(i => ReferenceEquals(i.Meter, meter));
        var counter = meter.CreateCounter<long>("jobs", "{job}", "Jobs done");
        var histogram = meter.CreateHistogram("wait", "s", "Wait", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var observed = 0;
        meter.CreateObservableGauge("depth", () => new Measurement<int>(++observed, new KeyValuePair<string, object?>("queue", "q\"1")), "{item}", "Depth");

        // Tags in any order are one series.
        counter.Add(2, new KeyValuePair<string, object?>("a", "1"), new KeyValuePair<string, object?>("b", "2"));
        counter.Add(3, new KeyValuePair<string, object?>("b", "2"), new KeyValuePair<string, object?>("a", "1"));
        counter.Add(1, new KeyValuePair<string, object?>("a", 7));
        foreach (var value in new[] { 0.05, 0.1, 0.5, 3 }) histogram.Record(value, new KeyValuePair<string, object?>("node", "n"));

        var first = ExpositionChecker.Check(PrometheusText.Write(collector.Collect()));
        first.Value("jobs_total", ("a", "1"), ("b", "2")).ShouldBe(5);
        first.Value("jobs_total", ("a", "7")).ShouldBe(1);
        first.Value("wait_seconds_bucket", ("node", "n"), ("le", "0.1")).ShouldBe(2); // upper bounds are inclusive
        first.Value("wait_seconds_bucket", ("node", "n"), ("le", "1")).ShouldBe(3);
        first.Value("wait_seconds_bucket", ("node", "n"), ("le", "+Inf")).ShouldBe(4);
        first.Value("wait_seconds_count", ("node", "n")).ShouldBe(4);
        first.Value("wait_seconds_sum", ("node", "n")).ShouldNotBeNull().ShouldBe(3.65, 1e-9);
        first.Value("depth", ("queue", "q\"1")).ShouldBe(1);

        var second = ExpositionChecker.Check(PrometheusText.Write(collector.Collect()));
        second.Value("depth", ("queue", "q\"1")).ShouldBe(2);
        second.Value("jobs_total", ("a", "1"), ("b", "2")).ShouldBe(5);
    }

    [Fact]
    public void Repeated_recordings_with_the_same_tag_instances_land_in_their_own_series()
    {
        using var meter = new Meter("Rx.Mediation.Specs.Recent." + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(i => ReferenceEquals(i.Meter, meter));
        var histogram = meter.CreateHistogram("wait", "s", "Wait", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });
        var a = new KeyValuePair<string, object?>("node", "a");
        var b = new KeyValuePair<string, object?>("node", "b");
        // Equal to a's value but another string instance: the same series, found the long way.
        var alsoA = new KeyValuePair<string, object?>("node", new string(['a']));

        histogram.Record(0.5, a);
        histogram.Record(0.5, a);
        histogram.Record(2, b);
        histogram.Record(0.5, a);
        histogram.Record(2, alsoA);
        histogram.Record(2, b);
        histogram.Record(0.5, new KeyValuePair<string, object?>("node", 3)); // a boxed value: never remembered

        var text = ExpositionChecker.Check(PrometheusText.Write(collector.Collect()));
        text.Value("wait_seconds_count", ("node", "a")).ShouldBe(4);
        text.Value("wait_seconds_bucket", ("node", "a"), ("le", "1")).ShouldBe(3);
        text.Value("wait_seconds_count", ("node", "b")).ShouldBe(2);
        text.Value("wait_seconds_bucket", ("node", "b"), ("le", "1")).ShouldBe(0);
        text.Value("wait_seconds_count", ("node", "3")).ShouldBe(1);
    }

    [Fact]
    public void Instruments_of_other_meters_are_not_collected_and_a_disposed_meter_leaves()
    {
        using var other = new Meter("Rx.Mediation.Specs.Other");
        var meter = new Meter("Rx.Mediation.Specs.Mine");
        using var collector = new MetricsCollector(i => ReferenceEquals(i.Meter, meter));
        other.CreateCounter<long>("theirs").Add(1);
        meter.CreateCounter<long>("mine").Add(1);

        collector.Collect().Select(m => m.Name).ShouldBe(["mine"]);
        meter.Dispose();
        collector.Collect().ShouldBeEmpty();
    }
}
