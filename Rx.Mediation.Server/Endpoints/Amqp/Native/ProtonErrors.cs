using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonNative;

namespace Rx.Mediation.Server.Endpoints.Amqp.Native;

/// <summary>Proton's error codes and AMQP conditions as readable text.</summary>
internal static class ProtonErrors
{
    public static string CodeName(int code) => Utf8(pn_code(code)) ?? $"error {code}";

    /// <summary>"name: description" of a condition (e.g. <c>amqp:unauthorized-access: Authentication failed</c>), or null.</summary>
    public static string? Describe(IntPtr condition)
    {
        if (condition == IntPtr.Zero || !pn_condition_is_set(condition)) return null;
        var name = Utf8(pn_condition_get_name(condition));
        var description = Utf8(pn_condition_get_description(condition));
        return (name, description) switch
        {
            (null, null) => null,
            (_, null) => name,
            (null, _) => description,
            _ => $"{name}: {description}",
        };
    }
}
