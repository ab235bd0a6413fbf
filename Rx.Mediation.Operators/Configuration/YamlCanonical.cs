using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>
/// A node's meaning as text: quoting style, comments, key order and layout do not count. Two routes with the same
/// canonical text are the same route, so a reload keeps the running one.
/// </summary>
public static class YamlCanonical
{
    public static string Write(YamlNode node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    public static string Fingerprint(YamlNode node) =>
        "yaml:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Write(node))))[..32];

    private static void Write(YamlNode node, StringBuilder text)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                text.Append('"').Append((scalar.Value ?? "").Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
                break;
            case YamlSequenceNode sequence:
                text.Append('[');
                foreach (var item in sequence.Children)
                {
                    Write(item, text);
                    text.Append(',');
                }
                text.Append(']');
                break;
            case YamlMappingNode mapping:
                text.Append('{');
                foreach (var (key, value) in mapping.Children.OrderBy(c => Write(c.Key), StringComparer.Ordinal))
                {
                    Write(key, text);
                    text.Append(':');
                    Write(value, text);
                    text.Append(',');
                }
                text.Append('}');
                break;
            default:
                text.Append('?');
                break;
        }
    }
}
