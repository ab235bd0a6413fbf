using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Rx.Mediation.Bridging;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Connecting;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// A RabbitMQ (AMQP 0-9-1) endpoint: sends what routes give it to an exchange with publisher confirms, and feeds
/// the messages of its queues to the routes, acknowledging each only once the routes took it.
/// <para>
/// Connection: the first connect is retried by the endpoint with backoff (Unhealthy with the reason meanwhile, the
/// server keeps running); once connected, the client library's automatic recovery restores the connection, channels,
/// declared topology and consumers (Degraded while it does). With recovery off, or if a connection ends for good, the
/// endpoint connects afresh and declares its topology again.
/// </para>
/// </summary>
public sealed class RabbitMqEndpoint : MediationNode, IBrokerEndpoint
{
    private readonly RabbitMqOptions _options;
    private readonly ILogger _logger;
    private readonly SendPipeline<RabbitMqPublisher.Outgoing> _sender;
    private readonly RabbitMqConsumer? _consumer;
    private readonly SemaphoreSlim _channelGate = new(1, 1);
    private readonly object _healthGate = new();
    private CancellationTokenSource _stop = new();
    private Task _connectLoop = Task.CompletedTask;
    private readonly ConnectionSupervisor _supervisor;
    // Completed, with the reason, when the current connection is over (the supervisor then connects afresh).
    private TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IConnection? _connection;
    private volatile IChannel? _publishChannel;
    private volatile IChannel? _consumeChannel;
    private volatile string? _publishProblem;
    private volatile bool _recovering;
    private long _recoveryEpoch;
    private string? _lastRecoveryError;

    /// <summary>
    /// An endpoint built in code, e.g. in a console app with fluent routes: <paramref name="settings"/> are checked as
    /// configuration is (an <see cref="EndpointConfigurationException"/> names the setting); nothing connects until the
    /// engine starts the endpoint.
    /// </summary>
    public static RabbitMqEndpoint Create(string name, RabbitMqSettings settings, ILoggerFactory? loggerFactory = null) =>
        RabbitMqEndpointProvider.Create(EndpointContext.InCode(name, "rabbitmq", loggerFactory), settings);

    public RabbitMqEndpoint(string name, RabbitMqOptions options, ILoggerFactory loggerFactory) : base(name)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<RabbitMqEndpoint>();
        _sender = new SendPipeline<RabbitMqPublisher.Outgoing>(name, options.SendPipeline, new RabbitMqPublisher(options, PublishChannelAsync), Counters, _logger,
            ReportPublishProblem);
        _supervisor = new ConnectionSupervisor(name, new ConnectionSupervisorOptions
        {
            Kind = "RabbitMQ", Target = options.DisplayAddress, InitialDelay = options.NetworkRecoveryInterval, MaxDelay = TimeSpan.FromSeconds(30),
        }, Counters, SetHealth, _logger);
        if (options.Queues.Count > 0) _consumer = new RabbitMqConsumer(name, options, Counters, _logger, ReceiveAsync);
    }

    public RabbitMqOptions Options => _options;

    public EndpointCounters Counters { get; } = new();

    /// <summary>
    /// The outbound queue's fill level: routes sending here hold back at half of <see cref="RabbitMqOptions.OutboundCapacity"/>
    /// or of <see cref="RabbitMqOptions.OutboundMaxBytes"/>.
    /// Counts what waits in the queue, not the up to MaxInFlight events being published.
    /// </summary>
    public override OutboundPressure Pressure => _sender.Pressure;

    /// <summary>Publisher confirms for sends; consumed messages are acked only after a route accepted them.</summary>
    public override DeliveryCapabilities Capabilities => DeliveryCapabilities.Both;

    public override void OnNext(Event value) => _sender.Enqueue(value);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetHealth(NodeHealth.Starting, $"connecting to {_options.DisplayAddress}");
        _stop = new CancellationTokenSource();
        _sender.Start();
        var stop = _stop.Token;
        _connectLoop = Task.Run(() => _supervisor.RunAsync(ConnectOnceAsync, ex => _options.Tls?.Describe(ex) ?? RabbitMqErrors.Describe(ex), stop));
        // A short wait so a reachable broker is ready when the server reports ready; an unreachable one never blocks startup.
        await Task.WhenAny(_supervisor.FirstAttempt, _connectLoop, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Consuming ends first: the routes are stopping, and closing the channel hands unacknowledged deliveries back
        // to the broker at once instead of refusing them one by one while the outbound queue is flushed.
        if (_consumeChannel is { } consuming)
        {
            _consumeChannel = null;
            try
            {
                await consuming.CloseAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogDebug("RabbitMQ endpoint '{Endpoint}': closing the consuming channel: {Error}", Name, RabbitMqErrors.Describe(ex));
            }
        }
        await _sender.StopAsync(_options.StopTimeout);
        await _stop.CancelAsync();
        try
        {
            await _connectLoop;
        }
        catch (OperationCanceledException)
        {
        }
        await CloseAsync();
        SetHealth(NodeHealth.Stopped);
        _logger.LogInformation("RabbitMQ endpoint '{Endpoint}' stopped: {Counters}", Name, Counters);
    }

    /// <summary>
    /// One connection with its topology and channels (a half-open one from a failed attempt is closed first); the task
    /// it returns completes when the connection ends for good: recovery off, or recovery that did not succeed in time.
    /// </summary>
    private async Task<Task<string>> ConnectOnceAsync(CancellationToken stop)
    {
        await CloseAsync();
        var lost = _lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await ConnectAsync(stop);
        UpdateHealth();
        return lost.Task;
    }

    private async Task ConnectAsync(CancellationToken stop)
    {
        var factory = new ConnectionFactory
        {
            Uri = _options.Address,
            AutomaticRecoveryEnabled = _options.AutomaticRecoveryEnabled,
            TopologyRecoveryEnabled = _options.TopologyRecoveryEnabled,
            NetworkRecoveryInterval = _options.NetworkRecoveryInterval,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            ClientProvidedName = $"rx-mediation:{Name}",
        };
        factory.Password = _options.Password; // after Uri, which would set it from the URI's user info
        if (_options.Tls is { } tls)
        {
            var host = tls.ServerName ?? _options.Address.Host;
            factory.Ssl = new SslOption
            {
                Enabled = true,
                ServerName = host,
                CertificateValidationCallback = tls.CallbackFor(host),
                Certs = tls.ClientCertificate is { } certificate ? new System.Security.Cryptography.X509Certificates.X509CertificateCollection { certificate } : null,
            };
        }
        var connection = await factory.CreateConnectionAsync(stop);
        _connection = connection;
        connection.ConnectionShutdownAsync += OnShutdownAsync;
        connection.RecoverySucceededAsync += OnRecoveredAsync;
        connection.ConnectionRecoveryErrorAsync += OnRecoveryErrorAsync;
        await using (var declaring = await connection.CreateChannelAsync(cancellationToken: stop))
        {
            await RabbitMqTopology.DeclareAsync(declaring, _options, stop);
        }
        _publishChannel = await connection.CreateChannelAsync(PublishChannelOptions(), stop);
        if (_consumer is not null)
        {
            var consuming = await connection.CreateChannelAsync(cancellationToken: stop);
            _consumeChannel = consuming;
            await _consumer.StartAsync(consuming, stop);
        }
        _recovering = false;
    }

    private CreateChannelOptions PublishChannelOptions() =>
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    /// <summary>The publishing channel once it is open; reopened when the broker closed it but the connection lives.</summary>
    private async Task<IChannel> PublishChannelAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = _connection;
            var channel = _publishChannel;
            if (channel is { IsOpen: true }) return channel;
            if (connection is { IsOpen: true } && !_recovering)
            {
                await _channelGate.WaitAsync(cancellationToken);
                try
                {
                    if (_publishChannel is { IsOpen: true } current) return current;
                    if (connection.IsOpen)
                    {
                        _publishChannel = await connection.CreateChannelAsync(PublishChannelOptions(), cancellationToken);
                        if (channel is not null) _ = channel.DisposeAsync().AsTask();
                        continue;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogDebug("RabbitMQ endpoint '{Endpoint}': reopening the publishing channel failed: {Error}", Name, RabbitMqErrors.Describe(ex));
                }
                finally
                {
                    _channelGate.Release();
                }
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private Task OnShutdownAsync(object sender, ShutdownEventArgs reason)
    {
        if (_stop.IsCancellationRequested || reason.Initiator == ShutdownInitiator.Application) return Task.CompletedTask;
        var why = RabbitMqAddress.MaskText(reason.ReplyText);
        if (!_options.AutomaticRecoveryEnabled)
        {
            _lost.TrySetResult(why);
            return Task.CompletedTask;
        }
        // The client library recovers the connection itself; the supervisor steps in only if that does not succeed in time.
        var detail = $"connection to {_options.DisplayAddress} lost ({why}), recovering";
        _logger.LogWarning("RabbitMQ endpoint '{Endpoint}': {Detail}", Name, detail);
        _recovering = true;
        SetHealth(NodeHealth.Degraded, detail);
        _ = WatchRecoveryAsync(_connection, Interlocked.Increment(ref _recoveryEpoch));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Automatic recovery that has not succeeded within a bound (seen under heavy load: a recovery attempt against a
    /// half-booted broker that never completes) is abandoned: the endpoint drops the connection and connects afresh,
    /// declaring its topology and consumers again. Events keep waiting in the outbound queue meanwhile.
    /// </summary>
    private async Task WatchRecoveryAsync(IConnection? connection, long epoch)
    {
        var bound = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, _options.NetworkRecoveryInterval.Ticks * 10));
        try
        {
            await Task.Delay(bound, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (!_recovering || Interlocked.Read(ref _recoveryEpoch) != epoch || !ReferenceEquals(connection, _connection)) return;
        _lost.TrySetResult($"automatic recovery did not succeed within {bound.TotalSeconds:0} s");
    }

    private Task OnRecoveredAsync(object sender, AsyncEventArgs args)
    {
        _recovering = false;
        _lastRecoveryError = null;
        Counters.CountReconnect();
        _logger.LogInformation("RabbitMQ endpoint '{Endpoint}' recovered its connection to {Address}", Name, _options.DisplayAddress);
        UpdateHealth();
        return Task.CompletedTask;
    }

    private Task OnRecoveryErrorAsync(object sender, ConnectionRecoveryErrorEventArgs args)
    {
        var detail = $"connection to {_options.DisplayAddress} lost, recovering: {RabbitMqErrors.Describe(args.Exception)}";
        // Each attempt fails the same way while the broker is down: log when the reason changes, not every attempt.
        if (detail != _lastRecoveryError) _logger.LogWarning("RabbitMQ endpoint '{Endpoint}': {Detail}", Name, detail);
        _lastRecoveryError = detail;
        SetHealth(NodeHealth.Degraded, detail);
        return Task.CompletedTask;
    }

    private void ReportPublishProblem(string? problem)
    {
        _publishProblem = problem;
        if (!_recovering && _connection is { IsOpen: true }) UpdateHealth();
    }

    private void UpdateHealth()
    {
        lock (_healthGate)
        {
            if (_publishProblem is { } problem) SetHealth(NodeHealth.Degraded, problem);
            else SetHealth(NodeHealth.Healthy);
        }
    }

    private async Task CloseAsync()
    {
        var connection = _connection;
        _connection = null;
        _publishChannel = null;
        _consumeChannel = null;
        if (connection is null) return;
        connection.ConnectionShutdownAsync -= OnShutdownAsync;
        try
        {
            await connection.CloseAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex)
        {
            _logger.LogDebug("RabbitMQ endpoint '{Endpoint}': closing the connection: {Error}", Name, RabbitMqErrors.Describe(ex));
        }
        await connection.DisposeAsync();
    }
}
