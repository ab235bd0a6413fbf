using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Rx.Mediation.Testing;

/// <summary>
/// A Kafka-protocol cluster for tests: librdkafka's built-in mock cluster, reached over real TCP on loopback ports by
/// any Kafka client (the endpoint under test, kcat). It runs inside the test process, on librdkafka's own threads; there
/// is no Kafka broker package here and no JVM. Brokers can be taken down and up again on the same ports, which stands in
/// for killing and restarting a broker process.
/// </summary>
/// <remarks>
/// The test kit's one P/Invoke binding: Confluent.Kafka has no API for the mock cluster. It binds to the native library
/// of the librdkafka.redist package the endpoint runs on, found as Confluent.Kafka finds it (see <see cref="Resolve"/>),
/// so the clients under test and the cluster share one librdkafka.
/// </remarks>
public sealed class KafkaMockCluster : IDisposable
{
    // A logical name, mapped to a file by Resolve; no file of this name exists.
    private const string Library = "librdkafka.redist";

    // The builds librdkafka.redist ships for Linux, in the order Confluent.Kafka tries them: its plain librdkafka.so
    // needs libsasl2.so.3, which Debian 12 lacks, and then both fall back to the centos8 build, which needs only glibc.
    private static readonly string[] Builds = ["librdkafka", "centos8-librdkafka"];

    private IntPtr _handle;
    private IntPtr _cluster;

    static KafkaMockCluster() => NativeLibrary.SetDllImportResolver(typeof(KafkaMockCluster).Assembly, Resolve);

    private KafkaMockCluster(IntPtr handle, IntPtr cluster, string bootstrap, int brokers)
    {
        _handle = handle;
        _cluster = cluster;
        BootstrapServers = bootstrap;
        BrokerCount = brokers;
    }

    /// <summary>"127.0.0.1:port,…", one entry per broker.</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    public static KafkaMockCluster Start(int brokers = 1)
    {
        IntPtr handle;
        try
        {
            var conf = rd_kafka_conf_new();
            var error = new StringBuilder(512);
            // The handle only hosts the cluster: its own "no bootstrap.servers" warning would just be noise on stderr.
            rd_kafka_conf_set(conf, "log_level", "3", error, (UIntPtr)error.Capacity);
            handle = rd_kafka_new(0 /* RD_KAFKA_PRODUCER */, conf, error, (UIntPtr)error.Capacity);
            if (handle == IntPtr.Zero) throw new BrokerUnavailableException("Kafka mock cluster", "rd_kafka_new failed: " + error);
        }
        catch (DllNotFoundException ex)
        {
            throw new BrokerUnavailableException("Kafka mock cluster", $"no librdkafka.redist native library next to the test assembly ({ex.Message})");
        }
        catch (EntryPointNotFoundException ex)
        {
            throw new BrokerUnavailableException("Kafka mock cluster", $"the loaded librdkafka has no mock cluster API ({ex.Message})");
        }
        var cluster = rd_kafka_mock_cluster_new(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(handle);
            throw new BrokerUnavailableException("Kafka mock cluster", "rd_kafka_mock_cluster_new returned null");
        }
        // A group's first member gets its partitions at once instead of after the broker's default 3 s, as on a broker
        // configured with group.initial.rebalance.delay.ms=0.
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
        var bootstrap = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster)) ?? "";
        return new KafkaMockCluster(handle, cluster, bootstrap, brokers);
    }

    /// <summary>Creates a topic (the mock cluster also auto-creates topics a client asks for, with several partitions).</summary>
    public void CreateTopic(string topic, int partitions = 1)
    {
        var error = rd_kafka_mock_topic_create(Cluster, topic, partitions, 1);
        if (error != 0) throw new InvalidOperationException($"could not create topic {topic} on the mock cluster: error {error}");
    }

    /// <summary>Disconnects the broker(s) and refuses new connections, as a killed broker would (-1 = all).</summary>
    public void SetDown(int brokerId = -1) => Check(rd_kafka_mock_broker_set_down(Cluster, brokerId), "set_down");

    /// <summary>Accepts connections again on the same port, as a restarted broker would.</summary>
    public void SetUp(int brokerId = -1) => Check(rd_kafka_mock_broker_set_up(Cluster, brokerId), "set_up");

    /// <summary>
    /// Delays the broker's answer to the next request of one API (e.g. 11, JoinGroup) by <paramref name="delay"/>, as
    /// a slow group coordinator would. The answer itself is a normal one.
    /// </summary>
    public void DelayNextRequest(short apiKey, TimeSpan delay, int brokerId = 1) =>
        Check(rd_kafka_mock_broker_push_request_error_rtts(Cluster, brokerId, apiKey, (UIntPtr)1, 0, (int)delay.TotalMilliseconds), "push_request_error_rtts");

    /// <summary>
    /// Loads the first build that opens, looked up by the same rules as Confluent.Kafka's own bindings: the app's
    /// deps.json lists the package's runtimes/linux-x64/native files (or they sit next to the app in a RID-specific
    /// build). dlopen of a file Confluent.Kafka already opened returns that same library.
    /// </summary>
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (var build in Builds)
        {
            if (NativeLibrary.TryLoad(build, assembly, searchPath, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    private IntPtr Cluster => _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(KafkaMockCluster));

    private static void Check(int error, string call)
    {
        if (error != 0) throw new InvalidOperationException($"rd_kafka_mock_broker_{call} failed with error {error}");
    }

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero) rd_kafka_mock_cluster_destroy(_cluster);
        if (_handle != IntPtr.Zero) rd_kafka_destroy(_handle);
        _cluster = IntPtr.Zero;
        _handle = IntPtr.Zero;
    }

    [DllImport(Library)] private static extern IntPtr rd_kafka_conf_new();
    [DllImport(Library)] private static extern int rd_kafka_conf_set(IntPtr conf, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, StringBuilder errstr, UIntPtr errstrSize);
    [DllImport(Library)] private static extern IntPtr rd_kafka_new(int type, IntPtr conf, StringBuilder errstr, UIntPtr errstrSize);
    [DllImport(Library)] private static extern void rd_kafka_destroy(IntPtr rk);
    [DllImport(Library)] private static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);
    [DllImport(Library)] private static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);
    [DllImport(Library)] private static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);
    [DllImport(Library)] private static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);
    [DllImport(Library)] private static extern int rd_kafka_mock_topic_create(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitions, int replicationFactor);
    [DllImport(Library)] private static extern int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);
    [DllImport(Library)] private static extern int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);
    // Variadic in C (cnt pairs of error code and round-trip time in ms); one pair, passed as the fixed arguments it ends in.
    [DllImport(Library)] private static extern int rd_kafka_mock_broker_push_request_error_rtts(IntPtr cluster, int brokerId, short apiKey, UIntPtr count, int error, int rttMs);
}
