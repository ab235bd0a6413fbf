using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonNative;

namespace Rx.Mediation.Server.Endpoints.Amqp.Native;

/// <summary>
/// Encodes <see cref="AmqpMessage"/> to AMQP 1.0 bytes and back with one reusable <c>pn_message_t</c>.
/// Not thread-safe: each instance belongs to one thread (the endpoint's event loop, or a test).
/// </summary>
internal sealed class ProtonMessageCodec : IDisposable
{
    private IntPtr _message = pn_message();
    private byte[] _buffer = new byte[16 * 1024];

    public byte[] Encode(AmqpMessage value)
    {
        var message = Message;
        pn_message_clear(message);
        // Inferred: a binary body goes out as a data section (a JMS BytesMessage), not an amqp-value.
        pn_message_set_inferred(message, true);
        if (value.MessageId is { } id) ProtonData.PutString(pn_message_id(message), id);
        if (value.CorrelationId is { } correlation) ProtonData.PutString(pn_message_correlation_id(message), correlation);
        if (value.Subject is not null) pn_message_set_subject(message, value.Subject);
        if (value.ContentType is not null) pn_message_set_content_type(message, value.ContentType);
        if (value.ReplyTo is not null) pn_message_set_reply_to(message, value.ReplyTo);
        if (value.Address is not null) pn_message_set_address(message, value.Address);
        pn_message_set_durable(message, value.Durable);
        pn_message_set_priority(message, value.Priority);
        if (value.CreationTime > 0) pn_message_set_creation_time(message, value.CreationTime);
        ProtonData.PutStringMap(pn_message_properties(message), value.Properties);
        ProtonData.PutBinary(pn_message_body(message), value.Body);
        while (true)
        {
            var size = (nuint)_buffer.Length;
            var code = pn_message_encode(message, _buffer, ref size);
            if (code == ProtonConstants.PN_OVERFLOW)
            {
                _buffer = new byte[_buffer.Length * 2];
                continue;
            }
            if (code != 0) throw new InvalidOperationException($"cannot encode AMQP message: {ProtonErrors.CodeName(code)} {Utf8(pn_error_text(pn_message_error(message)))}");
            return _buffer.AsSpan(0, (int)size).ToArray();
        }
    }

    /// <summary>Decodes a received message; throws <see cref="FormatException"/> for bytes that are not a usable message.</summary>
    public AmqpMessage Decode(byte[] bytes, int length)
    {
        var message = Message;
        pn_message_clear(message);
        var code = pn_message_decode(message, bytes, (nuint)length);
        if (code != 0) throw new FormatException($"not an AMQP 1.0 message: {ProtonErrors.CodeName(code)} {Utf8(pn_error_text(pn_message_error(message)))}");
        var body = ProtonData.ReadBody(pn_message_body(message))
            ?? throw new FormatException("the body is neither data, binary nor string (maps, lists and other amqp-value types are not mapped)");
        return new AmqpMessage
        {
            MessageId = ProtonData.ReadSingle(pn_message_id(message)),
            CorrelationId = ProtonData.ReadSingle(pn_message_correlation_id(message)),
            Subject = Utf8(pn_message_get_subject(message)),
            ContentType = Utf8(pn_message_get_content_type(message)),
            ReplyTo = Utf8(pn_message_get_reply_to(message)),
            Address = Utf8(pn_message_get_address(message)),
            Durable = pn_message_is_durable(message),
            Priority = pn_message_get_priority(message),
            CreationTime = pn_message_get_creation_time(message),
            Properties = ProtonData.ReadStringMap(pn_message_properties(message)),
            Body = body,
        };
    }

    private IntPtr Message => _message != IntPtr.Zero ? _message : throw new ObjectDisposedException(nameof(ProtonMessageCodec));

    public void Dispose()
    {
        if (_message == IntPtr.Zero) return;
        pn_message_free(_message);
        _message = IntPtr.Zero;
    }
}
