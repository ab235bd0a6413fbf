using System.Diagnostics;
using Amqp;
using Amqp.Framing;
using Amqp.Sasl;
using Rx.Mediation.Events;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// AMQPNetLite (the client the endpoint uses) sending from a plain loop as the
/// AMQP 1.0 endpoint does: SASL ANONYMOUS, one session and sender link to the address, durable messages sent unsettled
/// within link credit, at most <c>MaxInFlight</c> = 1,000 unsettled, each counted when the broker settles it ACCEPTED.
/// Each message carries what the endpoint puts on an event's message (message id, content type, to, durable, creation
/// time, a data body), built here with the client's own types.
/// </summary>
internal static class DirectAmqp
{
    private const int MaxInFlight = 1_000;

    public static Throughput Send(string host, int port, string address, int count, byte[] payload)
    {
        var factory = new ConnectionFactory();
        factory.SASL.Profile = SaslProfile.Anonymous;
        var connection = factory.CreateAsync(new Address(host, port, null, null, "/", "AMQP")).GetAwaiter().GetResult();
        try
        {
            var sender = new SenderLink(new Session(connection), $"bench-direct-send-{address}", new Target { Address = address, Durable = 2 }, null);
            using var window = new SemaphoreSlim(MaxInFlight, MaxInFlight);
            using var done = new CountdownEvent(count);
            long accepted = 0, refused = 0;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                window.Wait();
                var message = new Message
                {
                    Header = new Header { Durable = true },
                    Properties = new Properties { MessageId = EventIds.Next(), ContentType = "text/plain; charset=utf-8", To = address, CreationTime = DateTime.UtcNow },
                    BodySection = new Data { Binary = payload },
                };
                sender.Send(message, (_, _, outcome, _) =>
                {
                    if (outcome is Accepted) Interlocked.Increment(ref accepted);
                    else Interlocked.Increment(ref refused);
                    window.Release();
                    done.Signal();
                }, null);
            }
            if (!done.Wait(TimeSpan.FromMinutes(3))) throw new TimeoutException($"the broker settled {accepted + refused} of {count} within 3 minutes");
            watch.Stop();
            return new Throughput("direct", accepted, watch.Elapsed, refused);
        }
        finally
        {
            connection.Close();
        }
    }
}
