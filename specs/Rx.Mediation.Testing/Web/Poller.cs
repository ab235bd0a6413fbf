using System.Collections.Concurrent;
using System.Text.Json;

namespace Rx.Mediation.Testing;

/// <summary>
/// A polling client as a browser would run one: long polls on one topic filter, each with the cursor the last answer
/// gave, until disposed. It keeps the id and payload of every item it was given.
/// </summary>
public sealed class Poller : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, string> _payloads = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private int _resets;

    private Poller(Uri baseAddress, string filter, int limit)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _loop = Task.Run(() => PollAsync($"/poll?topic={Uri.EscapeDataString(filter)}&limit={limit}&timeout=1", _stop.Token));
    }

    /// <summary>Payloads by event id, of every item polled so far.</summary>
    public IReadOnlyDictionary<string, string> Received => _payloads;

    /// <summary>How many answers said the cursor no longer worked (<c>"reset": true</c>) and polling started over.</summary>
    public int Resets => Volatile.Read(ref _resets);

    /// <summary>Faults when a poll is answered with anything but 200.</summary>
    public Task Loop => _loop;

    public static Poller Start(Uri baseAddress, string filter, int limit = 1000) => new(baseAddress, filter, limit);

    private async Task PollAsync(string query, CancellationToken stop)
    {
        var cursor = "";
        while (!stop.IsCancellationRequested)
        {
            string text;
            try
            {
                using var response = await _http.GetAsync(query + cursor, stop);
                text = await response.Content.ReadAsStringAsync(stop);
                ((int)response.StatusCode).ShouldBe(200, text);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            using var json = JsonDocument.Parse(text);
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
                _payloads[item.GetProperty("id").GetString()!] = item.GetProperty("payload").GetString()!;
            if (json.RootElement.TryGetProperty("reset", out var reset) && reset.GetBoolean()) Interlocked.Increment(ref _resets);
            cursor = "&cursor=" + Uri.EscapeDataString(json.RootElement.GetProperty("nextCursor").GetString()!);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _loop;
        }
        finally
        {
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
