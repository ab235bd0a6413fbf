using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>Loads a YAML file into the representation model, which keeps every node's line and column.</summary>
public static class YamlDocumentLoader
{
    /// <summary>The root mapping, or null with the syntax error (or the wrong root) reported.</summary>
    public static YamlMappingNode? Load(string text, ConfigDiagnostics diagnostics)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // YamlDotNet wraps the real cause (e.g. a duplicate key) in an outer exception with the same position.
            var cause = ex.InnerException as YamlException ?? ex;
            diagnostics.Error(ConfigLocation.Of(diagnostics.File, cause.Start), Clean(cause.Message));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Some malformed input makes the scanner fail without a position; the last event it read is the nearest we have.
            diagnostics.Error(ConfigLocation.Of(diagnostics.File, parser.LastGood), $"malformed YAML after this point ({ex.Message})");
            return null;
        }
        if (stream.Documents.Count == 0)
        {
            diagnostics.Error(new ConfigLocation(diagnostics.File, 1, 1), "the file is empty; expected a mapping with 'routes:'");
            return null;
        }
        if (stream.Documents.Count > 1) diagnostics.Error(stream.Documents[1].RootNode, "only one YAML document is allowed per file");
        if (stream.Documents[0].RootNode is YamlMappingNode root) return root;
        diagnostics.Error(stream.Documents[0].RootNode, "the file must be a mapping (e.g. 'routes:' at the start of a line)");
        return null;
    }

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 40) - (Line: …): "; the location is ours to give.
    private static string Clean(string message)
    {
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && marker > 0 ? message[(marker + 3)..] : message;
    }

    private sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark LastGood { get; private set; } = new(0, 1, 1);

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } current) LastGood = current.End;
            return inner.MoveNext();
        }
    }
}
