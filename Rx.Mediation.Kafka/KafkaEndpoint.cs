using System.Diagnostics.CodeAnalysis;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Connectors;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Replay;

namespace Rx.Mediation.Kafka;

/// <summary>
/// A Kafka cluster as an endpoint: what routes send goes to Kafka through an idempotent producer (acks=all by default);
/// what it consumes from <see cref="KafkaEndpointOptions.ConsumeTopics"/> in its consumer group is offered to the routes,
/// at least once. Starting never fails for an unreachable cluster: the endpoint reports Unhealthy with the reason and
/// librdkafka keeps reconnecting; a metadata probe brings it back to Healthy.
/// <para>Replayable (<see cref="IReplayableSource"/>): the positions it consumed from can be read again, so a web client
/// that resumes with one (SSE <c>Last-Event-ID</c>, a poll cursor) gets the messages after it from Kafka, on any
/// server instance. See docs/endpoints/kafka.md, "Resume from the broker".</para>
/// </summary>
public sealed class KafkaEndpoint : MediationNode, IBrokerEndpoint, IReplayableSource
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private readonly KafkaEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly ILogger _librdkafka;
    private readonly KafkaHealth _health;
    private readonly object _gate = new();
    private IProducer<byte[]?, byte[]>? _producer;
    private KafkaSender? _sender;
    private KafkaConsumerLoop? _consumer;
    private CancellationTokenSource? _probeStop;
    private Task? _probe;
    private long _droppedBeforeStart;
    private readonly SemaphoreSlim _replayTurns;
    private readonly KafkaLiveStart _liveStart = new();

    /// <summary>
    /// An endpoint built in code, e.g. in a console app with fluent routes: <paramref name="settings"/> are checked as
    /// configuration is (an <see cref="EndpointConfigurationException"/> names the setting); nothing connects until the
    /// engine starts the endpoint.
    /// </summary>
    public static KafkaEndpoint Create(string name, KafkaSettings settings, ILoggerFactory? loggerFactory = null) =>
        KafkaEndpointProvider.Create(EndpointContext.InCode(name, "kafka", loggerFactory), settings);

    public KafkaEndpoint(KafkaEndpointOptions options, ILoggerFactory loggerFactory)
        : base(options.Name)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<KafkaEndpoint>();
        _librdkafka = loggerFactory.CreateLogger("Rx.Mediation.Kafka.librdkafka");
        _health = new KafkaHealth(options.Name, options.BootstrapServers, (state, detail) => SetHealth(state, detail), Counters, _logger, options.Tls);
        _replayTurns = new SemaphoreSlim(options.MaxReplays, options.MaxReplays);
        Pressure = HoldBackMarks(options.OutboundCapacity, options.OutboundMaxBytes);
    }

    public EndpointCounters Counters { get; } = new();

    /// <summary>Sends are confirmed by delivery reports (acks=all); offsets are committed only after a route accepted the message.</summary>
    public override DeliveryCapabilities Capabilities => DeliveryCapabilities.Both;

    public KafkaEndpointOptions Options => _options;

    /// <summary>
    /// The outbound queue's fill level: routes sending here hold back at half of <see cref="KafkaEndpointOptions.OutboundCapacity"/>,
    /// at most <see cref="MaxQueuedBeforeHoldingBack"/>, or at half of <see cref="KafkaEndpointOptions.OutboundMaxBytes"/>, and
    /// resume once the queue is empty.
    /// </summary>
    public override OutboundPressure Pressure { get; }

    /// <summary>
    /// Why so few: while the queue is empty a route's drain hands events to librdkafka itself (<see cref="KafkaSender.Enqueue"/>),
    /// while anything is queued every event goes through the queue and the send loop, a hand-off more per event. The
    /// queue only has to cover the moment between the in-flight window opening and the route resuming.
    /// </summary>
    public const int MaxQueuedBeforeHoldingBack = 512;

    internal static OutboundPressure HoldBackMarks(int queueCapacity, long queueMaxBytes = OutboundQueue.DefaultMaxBytes) =>
        new(Math.Max(1, Math.Min(queueCapacity / 2, MaxQueuedBeforeHoldingBack)), lowWater: 0, highWaterBytes: Math.Max(1, queueMaxBytes / 2), lowWaterBytes: 0);

    /// <summary>A position (see <see cref="KafkaPositions"/>) whose topics are all among those this endpoint consumes.</summary>
    public bool TryParsePosition(string text, [NotNullWhen(true)] out ReplayPosition? position)
    {
        position = null;
        if (_options.ConsumeTopics.Count == 0 || !KafkaPositions.TryParse(text, out var parsed)) return false;
        foreach (var stream in parsed.Offsets.Keys)
        {
            if (!KafkaPositions.TryParseStream(stream, out var topic, out _) || !_options.ConsumeTopics.Contains(topic, StringComparer.Ordinal)) return false;
        }
        position = parsed;
        return true;
    }

    public bool TryGetPosition(Event value, [NotNullWhen(true)] out ReplayPosition? position)
    {
        position = null;
        if (value.Source != Name || value.Kind != EventKind.Data) return false;
        if (!TryParsePosition(ResumeIds.Of(value), out var parsed) || parsed.At is null) return false;
        position = parsed;
        return true;
    }

    public string FormatPosition(ReplayPosition position) => KafkaPositions.Format(position);

    public IObservable<Event> ReplayAfter(ReplayPosition after) => KafkaReplay.After(_options, after, _replayTurns, _liveStart, _logger);

    public override void OnNext(Event value)
    {
        var sender = Volatile.Read(ref _sender);
        if (sender is not null)
        {
            sender.Enqueue(value);
            return;
        }
        Counters.CountDropped();
        if (Interlocked.Increment(ref _droppedBeforeStart) % 1000 == 1)
            _logger.LogWarning("Kafka endpoint '{Endpoint}' dropped event {Id}: the endpoint is not started", Name, value.Id);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_producer is not null) return Task.CompletedTask;
            _health.Starting();
            try
            {
                _producer = new ProducerBuilder<byte[]?, byte[]>(_options.ProducerProperties)
                    .SetErrorHandler((_, error) => _health.OnError("producer", error))
                    .SetLogHandler((_, message) => Log(message))
                    .Build();
                Volatile.Write(ref _sender, new KafkaSender(_options, _producer, Counters, Pressure, _logger));
                if (_options.ConsumeTopics.Count > 0)
                {
                    var builder = new ConsumerBuilder<byte[]?, byte[]>(_options.ConsumerProperties)
                        .SetErrorHandler((_, error) => _health.OnError("consumer", error))
                        .SetLogHandler((_, message) => Log(message));
                    _consumer = new KafkaConsumerLoop(_options, builder, (value, token) => ReceiveAsync(value, token), Counters, _liveStart, _logger);
                    _consumer.Start();
                }
            }
            catch (Exception ex) when (ex is KafkaException or InvalidOperationException or ArgumentException or DllNotFoundException)
            {
                // A bad librdkafka property or a missing native library: the server stays up and /readyz says why.
                SetHealth(NodeHealth.Unhealthy, $"could not start the Kafka client: {ex.Message}");
                _logger.LogError("Kafka endpoint '{Endpoint}' could not start: {Reason}", Name, ex.Message);
                return Task.CompletedTask;
            }
            _probeStop = new CancellationTokenSource();
            var probed = _producer;
            var probeStop = _probeStop.Token;
            _probe = Task.Run(() => ProbeAsync(probed, probeStop), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        KafkaSender? sender;
        KafkaConsumerLoop? consumer;
        IProducer<byte[]?, byte[]>? producer;
        lock (_gate)
        {
            sender = _sender;
            consumer = _consumer;
            producer = _producer;
            _consumer = null;
            _producer = null;
        }
        if (_probeStop is not null)
        {
            await _probeStop.CancelAsync();
            try
            {
                if (_probe is not null) await _probe;
            }
            catch (OperationCanceledException)
            {
            }
            _probeStop.Dispose();
            _probeStop = null;
        }
        // The consumer first: nothing more is offered to the routes, and what they accepted gets committed.
        if (consumer is not null) await Task.Run(() => consumer.Stop(_options.StopTimeout), CancellationToken.None);
        if (sender is not null)
        {
            await sender.FlushAsync(_options.StopTimeout, cancellationToken);
            Volatile.Write(ref _sender, null);
            await sender.DisposeAsync();
        }
        producer?.Dispose();
        _health.Stopped();
        _logger.LogInformation("Kafka endpoint '{Endpoint}' stopped: {Counters}", Name, Counters);
    }

    /// <summary>
    /// Asks the cluster for its metadata over the producer's own connections (a dependent admin client: no librdkafka
    /// client or broker connections of its own). StopAsync ends the probe before it disposes the producer.
    /// </summary>
    private async Task ProbeAsync(IProducer<byte[]?, byte[]> producer, CancellationToken cancellationToken)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var metadata = admin.GetMetadata(ProbeTimeout);
                if (metadata.Brokers.Count > 0) _health.OnReachable();
                else _health.OnUnreachable("the cluster reported no brokers");
            }
            catch (KafkaException ex)
            {
                _health.OnUnreachable($"{ex.Error.Reason} ({ex.Error.Code})");
            }
            var every = _health.State == NodeHealth.Healthy ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(500);
            await Task.Delay(every, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Log(LogMessage message)
    {
        // librdkafka's syslog levels: 0-3 errors, 4 warning, 5-6 notice/info, 7 debug. Connection errors also reach the
        // error handler (and health), so they are kept at debug here to avoid logging every reconnect attempt twice.
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        _librdkafka.Log(level, "Kafka endpoint '{Endpoint}' librdkafka {Facility}: {Message}", Name, message.Facility, message.Message);
    }
}
