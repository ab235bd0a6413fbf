using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Threading.Channels;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Bridging;

/// <summary>
/// The bounded hand-off between hot sources and a route's operator chain.
/// <para>
/// Sources <see cref="Offer"/> events from any thread; a full bridge applies its <see cref="OverflowStrategy"/>
/// and reports every drop. A bridge is full when it holds <see cref="BridgeOptions.Capacity"/> events or
/// <see cref="BridgeOptions.MaxBytes"/> payload bytes, whichever comes first. The drain runs on the route's <see cref="IScheduler"/> and takes every event
/// available in one pass, so one scheduled work item serves a whole burst, events reach the chain one at a time
/// (Rx's serialization rule), and in virtual time drops are deterministic.
/// </para>
/// </summary>
public sealed class Bridge
{
    // After this many events in one pass the drain yields, so other work on a shared scheduler gets a turn: well below
    // a web client's send queue, whose writer would otherwise wait out a whole pass while that queue overflows.
    private const int MaxEventsPerPass = 256;

    // How many events the drain takes from the channel at once before delivering them.
    private const int MaxEventsInHand = 32;

    private const int Open = 0, Completing = 1, Finished = 2;

    private readonly string _route;
    private readonly BridgeOptions _options;
    private readonly IScheduler _scheduler;
    private readonly IObserver<Event> _downstream;
    private readonly Action<Event, DropReason> _onDrop;
    private readonly Action<Event, Exception> _onDeliveryFault;
    private readonly Channel<Event> _channel;

    // Backpressure's waiting line: ours rather than the channel's WriteAsync, so that waiters are admitted by
    // the drain itself (deterministic in virtual time) and their timeouts run on the route's scheduler.
    private readonly object _gate = new();
    private readonly Queue<Waiter> _waiting = new();
    private int _waitingLive;
    // One timer for the whole line, due at its oldest waiter's deadline (every waiter waits as long, so deadlines grow
    // along the line): under sustained backpressure nearly every event waits, and a timer each cost more than the event.
    private bool _expiryArmed;
    private readonly int _promoteWaitersAt;
    private readonly long _promoteWaitersAtBytes;

    // Payload bytes in the channel and in hand; and, apart, in the waiting line, which has a budget as large again.
    private readonly PayloadBudget _bytes;
    private readonly PayloadBudget _waitingBytes;

    private PaddedInt _drain;
    private int _state;
    private bool _failed;
    private volatile bool _handedOver;
    private readonly bool _spinBeforeYield;
    private readonly Func<long>? _arrivals;

    // The targets' fill levels: while one is saturated the drain leaves events in the channel (see OutboundPressure).
    private readonly OutboundPressure[] _pressures;
    private readonly Action _resume;
    private int _heldBack;

    // Under backpressure, fed by a relay that cannot wait (the in-memory broker): holds back the routes sending there.
    private readonly UpstreamHold? _upstream;

    // Events taken from the channel in one go by the drain (only the drain touches them): _hand[_handNext.._handCount)
    // are still to be delivered. Some stay in hand across drains when a target holds the route back mid-handful.
    private readonly Event[] _hand;
    private int _handNext, _handCount;
    private Exception? _completionError;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="arrivals">
    /// Optional: a count that grows whenever a producer's event has been taken (the route's accepted count). A drain
    /// on a real thread watches it, lock-free, for a moment before giving back its turn.
    /// </param>
    /// <param name="pressures">
    /// Optional: the fill levels of the targets downstream. While any is saturated the drain stops taking events, so
    /// they wait here under this bridge's overflow strategy instead of overflowing the target.
    /// </param>
    /// <param name="upstream">
    /// Optional: the pressures of the relays this bridge's events come through without waiting (the in-memory broker).
    /// Under backpressure the bridge counts as saturated in them from half full until it is back at a quarter, so the
    /// routes sending to the relay hold back instead of this bridge overflowing (see <see cref="UpstreamHold"/>).
    /// </param>
    public Bridge(
        string route,
        BridgeOptions options,
        IScheduler scheduler,
        IObserver<Event> downstream,
        Action<Event, DropReason> onDrop,
        Action<Event, Exception>? onDeliveryFault = null,
        Func<long>? arrivals = null,
        IReadOnlyList<OutboundPressure>? pressures = null,
        IReadOnlyList<OutboundPressure>? upstream = null)
    {
        _route = route;
        _options = options.Validate();
        _scheduler = scheduler;
        _downstream = downstream;
        _onDrop = onDrop;
        _onDeliveryFault = onDeliveryFault ?? ((_, _) => { });
        _arrivals = arrivals;
        _pressures = pressures is null ? [] : [.. pressures.Distinct()];
        _resume = ResumeAfterPressure;
        if (_options.Overflow == OverflowStrategy.Backpressure && upstream is { Count: > 0 }) _upstream = new UpstreamHold(_options.Capacity, _options.MaxBytes, upstream);
        _hand = new Event[Math.Min(MaxEventsInHand, _options.Capacity)];
        _promoteWaitersAt = _options.Capacity / 2;
        _promoteWaitersAtBytes = _options.MaxBytes / 2;
        _bytes = new PayloadBudget(_options.MaxBytes);
        _waitingBytes = new PayloadBudget(_options.MaxBytes);
        // Only the pool and thread schedulers run the drain beside its producers; elsewhere (virtual time, immediate,
        // inline) a spin would only burn the producer's own thread.
        _spinBeforeYield = scheduler is TaskPoolScheduler or ThreadPoolScheduler or DefaultScheduler or NewThreadScheduler or EventLoopScheduler;
        var channelOptions = new BoundedChannelOptions(options.Capacity)
        {
            FullMode = options.Overflow switch
            {
                OverflowStrategy.DropHead => BoundedChannelFullMode.DropOldest,
                OverflowStrategy.DropTail => BoundedChannelFullMode.DropNewest,
                _ => BoundedChannelFullMode.Wait,
            },
            // Drop-buffer empties the channel, and drop-head evicts its oldest events for the byte budget, from the
            // producers' side too.
            SingleReader = options.Overflow is not (OverflowStrategy.DropBuffer or OverflowStrategy.DropHead),
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        };
        _channel = Channel.CreateBounded<Event>(channelOptions, options.Overflow switch
        {
            OverflowStrategy.DropHead => e => Evicted(e, DropReason.DropHead),
            OverflowStrategy.DropTail => e => Evicted(e, DropReason.DropTail),
            _ => null,
        });
    }

    public BridgeOptions Options => _options;

    /// <summary>Events buffered, including sources waiting under backpressure.</summary>
    public int Count => _channel.Reader.Count + Volatile.Read(ref _waitingLive) + Math.Max(0, Volatile.Read(ref _handCount) - Volatile.Read(ref _handNext));

    /// <summary>Payload bytes buffered, including those of sources waiting under backpressure.</summary>
    public long Bytes => _bytes.Held + _waitingBytes.Held;

    public bool IsOpen => Volatile.Read(ref _state) == Open;

    /// <summary>Whether the drain is holding back because a target downstream is saturated.</summary>
    public bool IsHeldBack => Volatile.Read(ref _heldBack) != 0;

    /// <summary>Whether this bridge holds back the routes sending to the relays it reads through (see <see cref="UpstreamHold"/>).</summary>
    public bool IsHoldingUpstream => _upstream?.IsHolding == true;

    /// <summary>Completes once the bridge has drained after <see cref="Complete"/> and told its downstream.</summary>
    public Task Completion => _finished.Task;

    public Admission Offer(Event value) => Offer(value, null);

    public ValueTask<Admission> OfferAsync(Event value, CancellationToken cancellationToken = default)
    {
        if (_options.Overflow != OverflowStrategy.Backpressure) return new(Offer(value, null));
        // Fast path: open, nobody waiting and room in the channel: no waiter, no task, no allocation.
        if (Volatile.Read(ref _state) == Open && Volatile.Read(ref _waitingLive) == 0 && TryWriteWithinBudget(value))
        {
            _upstream?.Written(1, value.Payload.Length);
            ScheduleDrain();
            return new(Admission.Accepted);
        }
        var waiter = new Waiter(value, new TaskCompletionSource<Admission>(TaskCreationOptions.RunContinuationsAsynchronously));
        var admission = Offer(value, waiter);
        if (!waiter.Parked) return new(admission);
        if (cancellationToken.CanBeCanceled)
        {
            // Unregistered when the waiter is settled (no task per waiter to dispose it); one settled before the
            // registration exists is unregistered here.
            waiter.Registration = cancellationToken.Register(static state =>
            {
                var (bridge, w) = ((Bridge, Waiter))state!;
                bridge.GiveUp(w, DropReason.Cancelled);
            }, (this, waiter));
            if (waiter.IsResolved) waiter.Registration.Unregister();
        }
        return new(waiter.Completion!.Task);
    }

    /// <summary>Stops taking events; what is buffered still drains, then the downstream sees completion (or <paramref name="error"/>).</summary>
    public void Complete(Exception? error = null)
    {
        if (Interlocked.CompareExchange(ref _state, Completing, Open) != Open) return;
        _completionError = error;
        ScheduleDrain();
    }

    /// <summary>
    /// Completes a bridge whose route is being replaced. A source that read the routes just before the swap may still
    /// offer here: that late event is answered <see cref="Admission.Moved"/>, not refused and counted, so the engine
    /// hands it to the successor route.
    /// </summary>
    internal void HandOver()
    {
        _handedOver = true;
        Complete();
    }

    /// <summary>Gives up on what is still buffered (e.g. the drain timed out at shutdown): each event is dropped and counted.</summary>
    public int Abandon()
    {
        Interlocked.Exchange(ref _state, Finished);
        _channel.Writer.TryComplete();
        var dropped = 0;
        // Held back by a target, the drain is not running and may still have events in hand.
        while (_handNext < _handCount)
        {
            var value = _hand[_handNext];
            _hand[_handNext++] = null!;
            if (value is null) continue;
            dropped++;
            Evicted(value, DropReason.DrainTimeout);
        }
        while (_channel.Reader.TryRead(out var value))
        {
            dropped++;
            Evicted(value, DropReason.DrainTimeout);
        }
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var waiter))
            {
                if (!waiter.TryResolve()) continue;
                LeaveLine(waiter);
                dropped++;
                _onDrop(waiter.Event, DropReason.DrainTimeout);
                waiter.Settle(Admission.Rejected("the route stopped", _options.RetryAfter));
            }
        }
        _upstream?.Release();
        _finished.TrySetResult();
        return dropped;
    }

    private Admission Offer(Event value, Waiter? waiter)
    {
        if (Volatile.Read(ref _state) != Open) return Refuse(value, _failed ? DropReason.RouteFailed : DropReason.Stopped);
        var writer = _channel.Writer;
        var size = value.Payload.Length;
        switch (_options.Overflow)
        {
            case OverflowStrategy.DropHead:
                // The channel makes room for the count itself and reports what it dropped through the callback; room
                // for the bytes is made here, oldest first. Events already in the drain's hand cannot be taken back:
                // when they alone leave no room, the arriving event is refused.
                while (!_bytes.TryTake(size))
                {
                    if (!_channel.Reader.TryRead(out var oldest)) return OverBudget(value);
                    Evicted(oldest, DropReason.ByteBudget);
                }
                if (!writer.TryWrite(value)) return Withdraw(value);
                break;

            case OverflowStrategy.DropTail:
                // The channel can give up its newest event for the count, but not for the bytes: the arriving event,
                // the newest of all, is refused instead, which keeps the same older events.
                if (!_bytes.TryTake(size)) return OverBudget(value);
                if (!writer.TryWrite(value)) return Withdraw(value);
                break;

            case OverflowStrategy.DropNew:
                if (!_bytes.TryTake(size)) return OverBudget(value);
                if (!writer.TryWrite(value))
                {
                    if (!IsOpen) return Withdraw(value);
                    _bytes.Give(size);
                    _onDrop(value, DropReason.DropNew);
                    return Admission.Rejected($"route '{_route}' is full", _options.RetryAfter);
                }
                break;

            case OverflowStrategy.DropBuffer:
                while (!_bytes.TryTake(size))
                {
                    if (!IsOpen) return Refuse(value, DropReason.Stopped);
                    if (EvictAll(DropReason.ByteBudget) == 0) return OverBudget(value);
                }
                while (!writer.TryWrite(value))
                {
                    if (!IsOpen) return Withdraw(value);
                    EvictAll(DropReason.DropBuffer);
                }
                break;

            case OverflowStrategy.Fail:
                if (!_bytes.TryTake(size))
                {
                    if (!IsOpen) return Refuse(value, DropReason.Stopped);
                    return Overflowed(value, DropReason.ByteBudget, new BridgeOverflowException(_route, _options.Capacity, _options.MaxBytes));
                }
                if (!writer.TryWrite(value))
                {
                    if (!IsOpen) return Withdraw(value);
                    _bytes.Give(size);
                    return Overflowed(value, DropReason.Overflow, new BridgeOverflowException(_route, _options.Capacity));
                }
                break;

            case OverflowStrategy.Backpressure:
                var admission = OfferOrWait(value, waiter);
                if (!admission.IsAccepted || waiter is { Parked: true }) return admission;
                break;
        }
        ScheduleDrain();
        return Admission.Accepted;
    }

    private Admission OfferOrWait(Event value, Waiter? waiter)
    {
        // Fast path: nobody waiting and room in the channel.
        if (Volatile.Read(ref _waitingLive) == 0 && TryWriteWithinBudget(value))
        {
            _upstream?.Written(1, value.Payload.Length);
            return Admission.Accepted;
        }
        var written = false;
        lock (_gate)
        {
            if (_waitingLive == 0 && TryWriteWithinBudget(value)) written = true;
            else if (!IsOpen) return Refuse(value, DropReason.Stopped);
            else if (Park(value, waiter) is { } refused) return refused;
        }
        // Counted outside the lock: releasing a hold resumes the routes sending to the relay, which may run them here.
        if (written) _upstream?.Written(1, value.Payload.Length);
        // A sync source cannot await: its event waits in line and counts as taken (or, on timeout, as dropped).
        else ScheduleDrain();
        return Admission.Accepted;
    }

    /// <summary>Puts the source in the waiting line (under the gate); the refusal when it cannot wait.</summary>
    private Admission? Park(Event value, Waiter? waiter)
    {
        if (_options.BackpressureTimeout <= TimeSpan.Zero)
        {
            _onDrop(value, DropReason.BackpressureTimeout);
            return Admission.Rejected($"route '{_route}' is full", _options.RetryAfter);
        }
        if (_waitingLive >= _options.Capacity)
        {
            _onDrop(value, DropReason.BackpressureOverflow);
            return Admission.Rejected($"route '{_route}' is full and its waiting line too", _options.RetryAfter);
        }
        if (!_waitingBytes.TryTake(value.Payload.Length))
        {
            _onDrop(value, DropReason.ByteBudget);
            return Admission.Rejected($"route '{_route}' is full and its waiting line too", _options.RetryAfter);
        }
        waiter ??= new Waiter(value, null);
        waiter.Parked = true;
        waiter.Deadline = _scheduler.Now + _options.BackpressureTimeout;
        _waiting.Enqueue(waiter);
        _waitingLive++;
        if (!_expiryArmed)
        {
            _expiryArmed = true;
            ExpireWaitersAfter(_options.BackpressureTimeout);
        }
        return null;
    }

    // Scheduled, never run inline (the due time is positive), so calling it under the lock is safe.
    private void ExpireWaitersAfter(TimeSpan due) =>
        _scheduler.Schedule(this, due, static (_, bridge) =>
        {
            bridge.ExpireWaiters();
            return Disposable.Empty;
        });

    /// <summary>Drops (counted) every waiter whose deadline has passed, then waits for the next one's.</summary>
    private void ExpireWaiters()
    {
        List<Waiter>? expired = null;
        lock (_gate)
        {
            var now = _scheduler.Now;
            _expiryArmed = false;
            while (_waiting.TryPeek(out var head))
            {
                if (head.IsResolved)
                {
                    _waiting.Dequeue();
                    continue;
                }
                if (head.Deadline > now)
                {
                    _expiryArmed = true;
                    ExpireWaitersAfter(head.Deadline - now);
                    break;
                }
                _waiting.Dequeue();
                head.TryResolve();
                LeaveLine(head);
                (expired ??= []).Add(head);
            }
        }
        if (expired is null) return;
        foreach (var waiter in expired) Dropped(waiter, DropReason.BackpressureTimeout);
    }

    private void GiveUp(Waiter waiter, DropReason reason)
    {
        lock (_gate)
        {
            if (!waiter.TryResolve()) return;
            LeaveLine(waiter);
        }
        Dropped(waiter, reason);
    }

    private void Dropped(Waiter waiter, DropReason reason)
    {
        _onDrop(waiter.Event, reason);
        waiter.Settle(Admission.Rejected(
            reason == DropReason.Cancelled ? "cancelled while waiting for room" : $"route '{_route}' stayed full for {_options.BackpressureTimeout.TotalMilliseconds:0} ms",
            _options.RetryAfter));
    }

    private void PromoteWaiters()
    {
        var promoted = 0;
        long promotedBytes = 0;
        lock (_gate)
        {
            while (_waiting.TryPeek(out var waiter))
            {
                if (waiter.IsResolved)
                {
                    _waiting.Dequeue();
                    continue;
                }
                if (!TryWriteWithinBudget(waiter.Event)) break;
                _waiting.Dequeue();
                waiter.TryResolve();
                LeaveLine(waiter);
                promoted++;
                promotedBytes += waiter.Event.Payload.Length;
                waiter.Settle(Admission.Accepted);
            }
        }
        if (promoted > 0) _upstream?.Written(promoted, promotedBytes);
    }

    /// <summary>Takes the event into the channel if both its count and its byte budget have room.</summary>
    private bool TryWriteWithinBudget(Event value)
    {
        var size = value.Payload.Length;
        if (!_bytes.TryTake(size)) return false;
        if (_channel.Writer.TryWrite(value)) return true;
        _bytes.Give(size);
        return false;
    }

    /// <summary>A waiter left the line (under the gate): admitted, expired, cancelled or abandoned.</summary>
    private void LeaveLine(Waiter waiter)
    {
        _waitingLive--;
        _waitingBytes.Give(waiter.Event.Payload.Length);
    }

    /// <summary>An event that had taken its bytes leaves the bridge undelivered.</summary>
    private void Evicted(Event value, DropReason reason)
    {
        _bytes.Give(value.Payload.Length);
        _onDrop(value, reason);
    }

    /// <summary>Drop-buffer: drops everything in the channel; how many events that was.</summary>
    private int EvictAll(DropReason reason)
    {
        var evicted = 0;
        while (_channel.Reader.TryRead(out var buffered))
        {
            Evicted(buffered, reason);
            evicted++;
        }
        return evicted;
    }

    /// <summary>An event that had taken its bytes could not be written after all: the channel has been completed.</summary>
    private Admission Withdraw(Event value)
    {
        _bytes.Give(value.Payload.Length);
        return Refuse(value, DropReason.Stopped);
    }

    private Admission OverBudget(Event value)
    {
        _onDrop(value, DropReason.ByteBudget);
        return Admission.Rejected($"route '{_route}' is full", _options.RetryAfter);
    }

    private Admission Overflowed(Event value, DropReason reason, BridgeOverflowException fault)
    {
        _onDrop(value, reason);
        _failed = true;
        Complete(fault);
        return Admission.Rejected($"route '{_route}' failed: its bridge overflowed", _options.RetryAfter);
    }

    private Admission Refuse(Event value, DropReason reason)
    {
        if (reason == DropReason.Stopped && _handedOver) return Admission.Moved;
        _onDrop(value, reason);
        return Admission.Rejected(reason == DropReason.RouteFailed ? $"route '{_route}' has failed" : $"route '{_route}' is stopping", _options.RetryAfter);
    }

    private void ScheduleDrain()
    {
        // Under load a drain is nearly always running: a plain read avoids a contended CAS per event. No wake-up is
        // lost because the drain clears the flag with a full fence and then looks at the channel again.
        if (Volatile.Read(ref _drain.Value) != 0 || Interlocked.CompareExchange(ref _drain.Value, 1, 0) != 0) return;
        _scheduler.Schedule(this, static (_, bridge) =>
        {
            bridge.Drain();
            return Disposable.Empty;
        });
    }

    private void Drain()
    {
        var reader = _channel.Reader;
        var delivered = 0;
        while (true)
        {
            var held = false;
            while (delivered < MaxEventsPerPass)
            {
                if (_handNext == _handCount)
                {
                    // Sources waiting under backpressure come back once the bridge is half empty, not slot by slot:
                    // each comes back through a thread-pool hop, and with one hop per freed slot the sources and the
                    // drain fall into lock-step, paying a wake-up for every event or two.
                    if (Volatile.Read(ref _waitingLive) > 0 && reader.Count <= _promoteWaitersAt && _bytes.Held <= _promoteWaitersAtBytes) PromoteWaiters();
                    // Take a handful back to back, then deliver them: the channel's lock stays on this core for the
                    // whole handful instead of passing between drain and producers on every single event.
                    var taken = 0;
                    while (taken < _hand.Length && reader.TryRead(out var value)) _hand[taken++] = value;
                    if (taken == 0) break;
                    (_handNext, _handCount) = (0, taken);
                    if (_upstream is { } upstream) upstream.Taken(taken, HandBytes(taken));
                }
                // A target downstream may fill up within a handful: with targets that can, ask before every event and
                // keep the rest in hand. The event being delivered no longer counts as waiting in the bridge.
                // Their bytes are given back once per handful: one atomic add instead of one per event.
                var checkPressure = _pressures.Length > 0;
                long freed = 0;
                while (_handNext < _handCount)
                {
                    if (checkPressure && !PressureAllows())
                    {
                        held = true;
                        break;
                    }
                    var value = _hand[_handNext];
                    _hand[_handNext++] = null!;
                    freed += value.Payload.Length;
                    Deliver(value);
                    delivered++;
                }
                _bytes.Give(freed);
                if (held) break;
            }

            if (Volatile.Read(ref _state) == Completing && _handNext == _handCount && reader.Count == 0 && Volatile.Read(ref _waitingLive) == 0)
            {
                Finish();
                return; // the drain flag stays set: nothing drains a finished bridge again
            }

            // Under a steady stream the channel is empty only for a moment: wait briefly for the next event on a
            // real thread rather than hand back the flag and pay for a new scheduled work item per event.
            if (!held && delivered < MaxEventsPerPass && _spinBeforeYield && SpinForMore()) continue;

            Interlocked.Exchange(ref _drain.Value, 0);
            var more = _handNext < _handCount || reader.Count > 0 || Volatile.Read(ref _waitingLive) > 0 || Volatile.Read(ref _state) == Completing;
            // Held back: the target's resume schedules the next drain, unless it was relieved before the flag was down.
            if (held && more && AnySaturated()) return;
            if (!more || Interlocked.CompareExchange(ref _drain.Value, 1, 0) != 0) return;
            if (delivered >= MaxEventsPerPass)
            {
                _scheduler.Schedule(this, static (_, bridge) =>
                {
                    bridge.Drain();
                    return Disposable.Empty;
                });
                return;
            }
        }
    }

    private long HandBytes(int count)
    {
        long bytes = 0;
        for (var i = 0; i < count; i++) bytes += _hand[i].Payload.Length;
        return bytes;
    }

    private bool AnySaturated()
    {
        foreach (var pressure in _pressures)
        {
            if (pressure.IsSaturated) return true;
        }
        return false;
    }

    // One plain read per target and event while nothing is saturated. When one is, the drain asks to be resumed,
    // once per wait: every arriving event schedules a drain, and each would otherwise add another callback.
    private bool PressureAllows()
    {
        if (!AnySaturated()) return true;
        if (Interlocked.Exchange(ref _heldBack, 1) == 1) return false;
        foreach (var pressure in _pressures)
        {
            if (!pressure.TryPass(_resume)) return false;
        }
        Volatile.Write(ref _heldBack, 0);
        return true;
    }

    private void ResumeAfterPressure()
    {
        Volatile.Write(ref _heldBack, 0);
        ScheduleDrain();
    }

    // Watching the producers' arrival count takes no lock; asking the channel for its count would take the lock the
    // producers need to write, and a spinning drain would then slow down the very writes it waits for.
    private bool SpinForMore()
    {
        var reader = _channel.Reader;
        var arrivals = _arrivals;
        var seen = arrivals?.Invoke() ?? 0;
        var spinner = new SpinWait();
        while (!spinner.NextSpinWillYield)
        {
            spinner.SpinOnce();
            if (arrivals is null ? reader.Count > 0 : arrivals() != seen) return true;
        }
        return false;
    }

    private void Finish()
    {
        Volatile.Write(ref _state, Finished);
        _channel.Writer.TryComplete();
        // A source that passed the open check just before completion may have written after our last read.
        while (_channel.Reader.TryRead(out var late))
        {
            _bytes.Give(late.Payload.Length);
            Deliver(late);
        }
        _upstream?.Release();
        try
        {
            if (_completionError is null) _downstream.OnCompleted();
            else _downstream.OnError(_completionError);
        }
        finally
        {
            _finished.TrySetResult();
        }
    }

    private void Deliver(Event value)
    {
        try
        {
            _downstream.OnNext(value);
        }
        catch (Exception ex)
        {
            _onDeliveryFault(value, ex);
        }
    }

    // The drain flag is written by producers and the drain alike; on its own cache line it does not drag the
    // producer-read fields (_state, _waitingLive) through every write.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct PaddedInt
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public int Value;
    }

    private sealed class Waiter(Event value, TaskCompletionSource<Admission>? completion)
    {
        private int _resolved;

        public Event Event { get; } = value;

        public TaskCompletionSource<Admission>? Completion { get; } = completion;

        /// <summary>The source's cancellation, while it waits.</summary>
        public CancellationTokenRegistration Registration;

        /// <summary>Answers the source and lets go of its cancellation (without waiting for a callback in progress).</summary>
        public void Settle(Admission admission)
        {
            Registration.Unregister();
            Completion?.TrySetResult(admission);
        }

        /// <summary>When the waiter gives up, on the route scheduler's clock.</summary>
        public DateTimeOffset Deadline { get; set; }

        public bool Parked { get; set; }

        public bool IsResolved => Volatile.Read(ref _resolved) != 0;

        public bool TryResolve() => Interlocked.Exchange(ref _resolved, 1) == 0;
    }
}
