namespace Rx.Mediation.Testing;

/// <summary>
/// A broker a test needs could not be started. Tests never skip silently: the run fails with this reason.
/// eng/install-deps.sh installs every broker the suite uses.
/// </summary>
public sealed class BrokerUnavailableException(string broker, string reason, string? output = null)
    : Exception($"{broker} could not be started for the tests: {reason}. Run eng/install-deps.sh (README's test command does).{(output is null ? "" : "\n--- broker output ---\n" + output)}");
