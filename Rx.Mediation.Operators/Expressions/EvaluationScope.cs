using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Operators.Expressions;

/// <summary>One evaluation: the event, and its payload parsed as JSON at most once, only if the expression reads <c>json</c>.</summary>
internal sealed class EvaluationScope(Event value) : IDisposable
{
    private JsonDocument? _document;
    private bool _parsed;

    public Event Event { get; } = value;

    /// <summary>The payload's JSON root, or null when the payload is not JSON.</summary>
    public object? Json
    {
        get
        {
            if (!_parsed)
            {
                _parsed = true;
                try
                {
                    _document = JsonDocument.Parse(Event.Payload);
                }
                catch (JsonException)
                {
                    _document = null;
                }
            }
            return _document is null ? null : ExpressionValues.FromJson(_document.RootElement);
        }
    }

    public void Dispose() => _document?.Dispose();
}
