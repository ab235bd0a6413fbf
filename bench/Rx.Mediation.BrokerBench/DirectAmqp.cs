using System.Diagnostics;
using System.Runtime.InteropServices;
using Rx.Mediation.Events;
using Rx.Mediation.Server.Endpoints.Amqp;
using Rx.Mediation.Server.Endpoints.Amqp.Native;
using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonConstants;
using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonNative;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// Qpid Proton C (through the endpoint's own <see cref="ProtonNative"/> binding and <see cref="ProtonMessageCodec"/>)
/// sending from a plain proactor loop on one thread, as the AMQP 1.0 endpoint does: SASL ANONYMOUS, one session and
/// sender link to the address, durable messages sent unsettled within link credit, at most <c>MaxInFlight</c> = 1,000
/// unsettled, each counted when the broker settles it ACCEPTED. Each message is encoded as the endpoint encodes an
/// event (message id, content type, to, durable, creation time, a data body).
/// </summary>
internal static class DirectAmqp
{
    private const int MaxInFlight = 1_000;

    public static Throughput Send(string host, int port, string address, int count, byte[] payload)
    {
        Throughput? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = Run(host, port, address, count, payload);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }) { IsBackground = true, Name = "amqp10-direct" };
        thread.Start();
        if (!thread.Join(TimeSpan.FromMinutes(3))) throw new TimeoutException("the direct AMQP 1.0 sender did not finish within 3 minutes");
        if (failure is not null) throw new InvalidOperationException("direct AMQP 1.0 sender failed: " + failure.Message, failure);
        return result!;
    }

    private static Throughput Run(string host, int port, string address, int count, byte[] payload)
    {
        var proactor = pn_proactor();
        using var codec = new ProtonMessageCodec();
        var tag = Marshal.AllocHGlobal(sizeof(long));
        long nextTag = 0;
        int sent = 0, inFlight = 0;
        long accepted = 0, refused = 0;
        var sender = IntPtr.Zero;
        string? error = null;
        var watch = new Stopwatch();
        try
        {
            var connection = pn_connection();
            pn_connection_set_container(connection, $"rx-bench-direct-{Guid.NewGuid():N}");
            pn_connection_set_hostname(connection, host);
            pn_proactor_connect2(proactor, connection, pn_transport(), $"{host}:{port}");

            void SendWhileCredit()
            {
                while (sent < count && inFlight < MaxInFlight && pn_link_credit(sender) > 0)
                {
                    var encoded = codec.Encode(new AmqpMessage
                    {
                        MessageId = EventIds.Next(),
                        ContentType = "text/plain; charset=utf-8",
                        Address = address,
                        Durable = true,
                        CreationTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                        Body = payload,
                    });
                    Marshal.WriteInt64(tag, ++nextTag);
                    pn_delivery(sender, new PnBytes(sizeof(long), tag));
                    var written = pn_link_send(sender, encoded, (nuint)encoded.Length);
                    pn_link_advance(sender);
                    if (written < 0) throw new InvalidOperationException($"pn_link_send failed: {written}");
                    sent++;
                    inFlight++;
                }
            }

            var exit = false;
            while (!exit)
            {
                var batch = pn_proactor_wait(proactor);
                IntPtr evt;
                while ((evt = pn_event_batch_next(batch)) != IntPtr.Zero)
                {
                    switch (pn_event_type(evt))
                    {
                        case PN_CONNECTION_INIT:
                            var c = pn_event_connection(evt);
                            pn_connection_open(c);
                            var session = pn_session(c);
                            pn_session_open(session);
                            sender = pn_sender(session, $"bench-direct-send-{address}");
                            pn_terminus_set_address(pn_link_target(sender), address);
                            pn_terminus_set_durability(pn_link_target(sender), PN_DELIVERIES);
                            pn_link_open(sender);
                            break;
                        case PN_LINK_FLOW:
                            if (!watch.IsRunning) watch.Start();
                            SendWhileCredit();
                            break;
                        case PN_DELIVERY:
                            var delivery = pn_event_delivery(evt);
                            var state = pn_delivery_remote_state(delivery);
                            if (state is 0 or PN_RECEIVED) break;
                            if (state == PN_ACCEPTED) accepted++;
                            else refused++;
                            pn_delivery_settle(delivery);
                            inFlight--;
                            if (accepted + refused == count)
                            {
                                watch.Stop();
                                pn_connection_close(pn_event_connection(evt));
                            }
                            else
                            {
                                SendWhileCredit();
                            }
                            break;
                        case PN_TRANSPORT_ERROR:
                            error = ProtonErrors.Describe(pn_transport_condition(pn_event_transport(evt)));
                            break;
                        case PN_TRANSPORT_CLOSED:
                        case PN_PROACTOR_INACTIVE:
                            exit = true;
                            break;
                    }
                }
                pn_proactor_done(proactor, batch);
            }
        }
        finally
        {
            pn_proactor_free(proactor);
            Marshal.FreeHGlobal(tag);
        }
        if (accepted + refused < count) throw new InvalidOperationException($"connection ended after {accepted} accepted of {count}: {error ?? "closed"}");
        return new Throughput("direct", accepted, watch.Elapsed, refused);
    }
}
