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
            if (cause.Message.Contains("tab character", StringComparison.Ordinal) && FirstTab(text, cause.Start) is { } tab)
            {
                // The scanner reports a tab at the end of the line before it; the tab itself is what to fix.
                diagnostics.Error(new ConfigLocation(diagnostics.File, tab.Line, tab.Column), "a tab indents this line: YAML indents with spaces only");
                return null;
            }
            if (parser.OpenFlow is { } open && cause.Message.Contains("did not find expected", StringComparison.Ordinal))
            {
                diagnostics.Error(ConfigLocation.Of(diagnostics.File, open.Start), Unclosed(open));
                return null;
            }
            diagnostics.Error(ConfigLocation.Of(diagnostics.File, cause.Start), Clean(cause.Message));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Some malformed input makes the scanner fail without a position or words of its own (an unclosed
            // bracket across lines is one): name the bracket if one is open, else the last point read well.
            diagnostics.Error(
                parser.OpenFlow is { } open ? ConfigLocation.Of(diagnostics.File, open.Start) : ConfigLocation.Of(diagnostics.File, parser.LastGood),
                parser.OpenFlow is { } bracket ? Unclosed(bracket) : "malformed YAML after this point: check quotes, brackets and indentation");
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

    private static string Unclosed(NodeEvent open) =>
        open is SequenceStart ? "this '[' is never closed: end the list with ']' and separate its items with ','" : "this '{' is never closed: end the mapping with '}' and separate its entries with ','";

    /// <summary>The first tab at or after <paramref name="from"/> (1-based line and column), if any.</summary>
    private static (int Line, int Column)? FirstTab(string text, Mark from)
    {
        var lines = text.Split('\n');
        for (var line = (int)Math.Max(from.Line, 1); line <= lines.Length; line++)
        {
            var column = lines[line - 1].IndexOf('\t', StringComparison.Ordinal);
            if (line == from.Line && column >= 0 && column + 1 < from.Column) column = lines[line - 1].IndexOf('\t', (int)from.Column - 1);
            if (column >= 0) return (line, column + 1);
        }
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
        // Every collection open at this point, innermost on top.
        private readonly Stack<NodeEvent> _open = new();

        public Mark LastGood { get; private set; } = new(0, 1, 1);

        /// <summary>The innermost <c>[</c> or <c>{</c> not yet closed.</summary>
        public NodeEvent? OpenFlow => _open.FirstOrDefault(e => e is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow });

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } current) LastGood = current.End;
            if (!inner.MoveNext()) return false;
            switch (inner.Current)
            {
                case SequenceStart or MappingStart:
                    _open.Push((NodeEvent)inner.Current);
                    break;
                case SequenceEnd or MappingEnd when _open.Count > 0:
                    _open.Pop();
                    break;
            }
            return true;
        }
    }
}
