using System.Reflection;
using System.Runtime.InteropServices;

namespace Rx.Mediation.Server.Endpoints.Kafka.Native;

/// <summary>
/// Binds Confluent.Kafka to the system's librdkafka (Debian's librdkafka1) once, the first time a Kafka endpoint starts.
/// Confluent.Kafka normally ships its own librdkafka (package librdkafka.redist, not available here) and opens it through a
/// library it calls <c>libdl</c>, a name Debian only has as <c>libdl.so.2</c>: the resolver maps both names. It is installed
/// lazily so that a server without a Kafka endpoint never needs librdkafka at all.
/// </summary>
internal static class KafkaNative
{
    /// <summary>The system library's soname; also what the test fixture's mock cluster binds to.</summary>
    public const string LibraryName = "librdkafka.so.1";

    private static readonly object Gate = new();
    private static bool _loaded;

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // A resolver is already installed for the assembly (e.g. by a test host): keep it, it serves the same purpose.
            }
            try
            {
                Confluent.Kafka.Library.Load(LibraryName);
            }
            catch (Exception ex) when (ex is DllNotFoundException or InvalidOperationException or TypeInitializationException)
            {
                throw new InvalidOperationException(
                    $"could not load {LibraryName} for Kafka ({ex.Message}); install Debian's librdkafka1 (eng/install-deps.sh)", ex);
            }
            _loaded = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name == "libdl") return NativeLibrary.Load("libdl.so.2");
        if (name.StartsWith("librdkafka", StringComparison.Ordinal)) return NativeLibrary.Load(LibraryName);
        return IntPtr.Zero;
    }
}
