package dev.tmem.server.internal;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolLimitException;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.UnknownPoolException;
import dev.tmem.protocol.Flags;
import dev.tmem.protocol.Hello;
import dev.tmem.protocol.NewPool;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.ProtocolException;
import dev.tmem.protocol.RequestDecoder;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.RequestLayout;
import dev.tmem.protocol.ResponseEncoder;
import dev.tmem.protocol.ResponseLayout;
import dev.tmem.protocol.Rule;
import dev.tmem.protocol.Status;
import dev.tmem.protocol.Violation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps one request onto the engine and builds its answer. A request is judged in the protocol's
 * order: length (by {@link ConnectionHandler}, before the frame is read), login, op, flags and
 * reserved and unused fields, pool, payload, option, space; the first rule broken answers it and
 * nothing changes.
 *
 * <p><b>Concurrency.</b> Shared by all connections and stateless but for counters; each call runs on
 * the event loop of the request's connection, with that connection's {@link Session}.
 *
 * <p><b>Copies.</b> A PUT_PAGE payload goes from the receive buffer straight into the store (one
 * copy); a GET_PAGE hit is copied by the store straight into the response buffer (one copy).
 */
public final class RequestProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);

    private final TmemEngine engine;
    private final ClientRegistry registry;
    private final ServerCounters counters;
    /** SHA-256 of the token, or {@code null}: comparing digests takes the same time whatever the token. */
    private final byte[] tokenDigest;
    private final byte[] greeting;

    public RequestProcessor(TmemEngine engine, ClientRegistry registry, ServerCounters counters, byte[] token,
            String serverVersion) {
        this.engine = engine;
        this.registry = registry;
        this.counters = counters;
        this.tokenDigest = token == null ? null : sha256(token);
        this.greeting = ("tmem-server " + serverVersion).getBytes(StandardCharsets.UTF_8);
    }

    /** The TOO_LARGE answer: op 0, tag 0, value 0, since the rest of the frame is not read. */
    ByteBuf tooLarge(ByteBufAllocator alloc, Rule rule) {
        counters.reject(rule);
        return answer(alloc, 0, Status.TOO_LARGE, 0, 0);
    }

    /**
     * Handles one whole frame whose length field passed {@link RequestDecoder#checkLength}.
     *
     * @param frame the frame, length field included; read during the call only
     * @return the answer, to be written in order
     */
    ByteBuf handle(Session s, ByteBuf frame, ByteBufAllocator alloc) {
        counters.requests.increment();
        ByteBuffer nio = frame.nioBuffer();
        RequestHeader h = RequestDecoder.decodeHeader(nio);
        if (s.entry == null && h.op() != Op.HELLO.code()) {
            return refuse(s, alloc, h, new Violation(Rule.NOT_LOGGED_IN, "op " + h.op() + " before HELLO"));
        }
        Violation v = RequestDecoder.checkHeader(h);
        if (v != null) {
            return refuse(s, alloc, h, v);
        }
        ByteBuffer payload = nio.slice(RequestLayout.PAYLOAD_OFFSET, h.payloadLength());
        try {
            return switch (Op.of(h.op())) {
                case HELLO -> hello(s, alloc, h, payload);
                case NEW_POOL -> newPool(s, alloc, h, payload);
                case DESTROY_POOL, PUT_PAGE, GET_PAGE, FLUSH_PAGE, FLUSH_OBJECT -> poolOp(s, alloc, h, payload);
                case STATS -> stats(s, alloc, h, payload);
                case PING -> ping(s, alloc, h, payload);
            };
        } catch (UnknownPoolException e) {
            // the pool went (another connection of the client destroyed it) after it resolved
            return refuse(s, alloc, h, new Violation(Rule.NO_POOL, e.getMessage()));
        } catch (RuntimeException e) {
            counters.internalErrors.increment();
            LOG.warn("op {} tag {} failed", h.op(), h.tag(), e);
            if (s.entry == null) {
                s.closeAfterWrite = true;
            }
            return answer(alloc, h.op(), Status.INTERNAL, h.tag(), 0);
        }
    }

    private ByteBuf hello(Session s, ByteBufAllocator alloc, RequestHeader h, ByteBuffer payload) {
        if (s.entry != null) {
            return refuse(s, alloc, h, new Violation(Rule.SECOND_HELLO, "as '" + s.entry.client.name() + "'"));
        }
        Hello hello;
        try {
            hello = Hello.decode(payload);
        } catch (ProtocolException e) {
            return refuse(s, alloc, h, e.violation());
        }
        if (tokenDigest != null && !MessageDigest.isEqual(tokenDigest, sha256(hello.token()))) {
            return refuse(s, alloc, h, new Violation(Rule.BAD_TOKEN, "client '" + hello.name() + "'"));
        }
        s.entry = registry.attach(hello.name());
        ByteBuf out = alloc.buffer(ResponseLayout.HEADER_BYTES + greeting.length);
        header(out, h.op(), Status.OK, h.tag(), s.entry.client.number(), greeting.length);
        out.writeBytes(greeting);
        return out;
    }

    private ByteBuf newPool(Session s, ByteBufAllocator alloc, RequestHeader h, ByteBuffer payload) {
        NewPool np;
        try {
            np = NewPool.decode(h.flags(), payload);
        } catch (ProtocolException e) {
            return refuse(s, alloc, h, e.violation());
        }
        PoolSpec spec = np.shared() ? PoolSpec.shared(np.uuid(), np.pageSize())
                : np.persistent() ? PoolSpec.persistent(np.pageSize()) : PoolSpec.ephemeral(np.pageSize());
        PoolId id;
        try {
            id = client(s).newPool(spec);
        } catch (PoolLimitException e) {
            return refuse(s, alloc, h, new Violation(Rule.POOL_LIMIT, e.getMessage()));
        } catch (IllegalArgumentException e) {
            return refuse(s, alloc, h, new Violation(Rule.SHARED_PAGE_SIZE, e.getMessage()));
        }
        return answer(alloc, h.op(), Status.OK, h.tag(), id.value());
    }

    /**
     * The ops on a pool: the pool must be the client's (or a shared one it joined) and the payload
     * what the op takes for the pool's page size; then the op runs.
     */
    private ByteBuf poolOp(Session s, ByteBufAllocator alloc, RequestHeader h, ByteBuffer payload) {
        PoolSpec spec = pool(s, h);
        if (spec == null) {
            return noPool(s, alloc, h);
        }
        Violation v = RequestDecoder.checkPayload(h, payload, spec.pageSize());
        if (v != null) {
            return refuse(s, alloc, h, v);
        }
        return switch (Op.of(h.op())) {
            case DESTROY_POOL -> destroyPool(s, alloc, h);
            case PUT_PAGE -> putPage(s, alloc, h, payload);
            case GET_PAGE -> getPage(s, alloc, h, spec);
            case FLUSH_PAGE -> flushPage(s, alloc, h);
            case FLUSH_OBJECT -> flushObject(s, alloc, h);
            default -> throw new IllegalArgumentException("op " + h.op() + " is not a pool op");
        };
    }

    private ByteBuf destroyPool(Session s, ByteBufAllocator alloc, RequestHeader h) {
        long removed = client(s).destroyPool(PoolId.of(h.pool()));
        return answer(alloc, h.op(), Status.OK, h.tag(), saturate(removed));
    }

    private ByteBuf putPage(Session s, ByteBufAllocator alloc, RequestHeader h, ByteBuffer payload) {
        boolean stored = client(s).putPage(PoolId.of(h.pool()), oid(h), h.indexAsLong(), MemorySegment.ofBuffer(payload));
        if (!stored) {
            return refuse(s, alloc, h, new Violation(Rule.NO_SPACE, "put of pool " + h.pool()));
        }
        return answer(alloc, h.op(), Status.OK, h.tag(), 0);
    }

    private ByteBuf getPage(Session s, ByteBufAllocator alloc, RequestHeader h, PoolSpec spec) {
        int pageSize = spec.pageSize();
        ByteBuf out = alloc.directBuffer(ResponseLayout.HEADER_BYTES + pageSize);
        boolean success = false;
        try {
            MemorySegment dst = MemorySegment.ofBuffer(out.nioBuffer(ResponseLayout.HEADER_BYTES, pageSize));
            boolean hit = client(s).getPage(PoolId.of(h.pool()), oid(h), h.indexAsLong(), dst,
                    (h.flags() & Flags.EXCLUSIVE) != 0);
            header(out, h.op(), hit ? Status.OK : Status.MISS, h.tag(), 0, hit ? pageSize : 0);
            if (hit) {
                out.writerIndex(ResponseLayout.HEADER_BYTES + pageSize);
            }
            success = true;
            return out;
        } finally {
            if (!success) {
                out.release();
            }
        }
    }

    private ByteBuf flushPage(Session s, ByteBufAllocator alloc, RequestHeader h) {
        int removed = client(s).flushPage(PoolId.of(h.pool()), oid(h), h.indexAsLong());
        return answer(alloc, h.op(), Status.OK, h.tag(), removed);
    }

    private ByteBuf flushObject(Session s, ByteBufAllocator alloc, RequestHeader h) {
        long removed = client(s).flushObject(PoolId.of(h.pool()), oid(h));
        return answer(alloc, h.op(), Status.OK, h.tag(), saturate(removed));
    }

    private ByteBuf stats(Session s, ByteBufAllocator alloc, RequestHeader h, ByteBuffer payload) {
        Violation v = RequestDecoder.checkPayload(h, payload, 0);
        if (v != null) {
            return refuse(s, alloc, h, v);
        }
        byte[] json = StatsJson.render(engine.stats(), client(s).stats(), counters).getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer(ResponseLayout.HEADER_BYTES + json.length);
        header(out, h.op(), Status.OK, h.tag(), 0, json.length);
        return out.writeBytes(json);
    }

    private ByteBuf ping(Session s, ByteBufAllocator alloc, RequestHeader h, ByteBuffer payload) {
        Violation v = RequestDecoder.checkPayload(h, payload, 0);
        if (v != null) {
            return refuse(s, alloc, h, v);
        }
        ByteBuf out = alloc.buffer(ResponseLayout.HEADER_BYTES + payload.remaining());
        header(out, h.op(), Status.OK, h.tag(), 0, payload.remaining());
        return out.writeBytes(payload);
    }

    // ----- helpers -----

    private static TmemClient client(Session s) {
        return s.entry.client;
    }

    /** The spec of the request's pool, or {@code null} if it is not one of this client's pools. */
    private static PoolSpec pool(Session s, RequestHeader h) {
        if (h.pool() < 0) {
            return null;
        }
        try {
            return client(s).poolSpec(PoolId.of(h.pool()));
        } catch (UnknownPoolException e) {
            return null;
        }
    }

    private ByteBuf noPool(Session s, ByteBufAllocator alloc, RequestHeader h) {
        return refuse(s, alloc, h, new Violation(Rule.NO_POOL, "pool " + h.pool()));
    }

    private static ObjectId oid(RequestHeader h) {
        return new ObjectId(h.oid0(), h.oid1(), h.oid2());
    }

    /** Counts the refusal and answers with its status; before login the connection then closes. */
    private ByteBuf refuse(Session s, ByteBufAllocator alloc, RequestHeader h, Violation v) {
        counters.reject(v.rule());
        if (s.entry == null) {
            s.closeAfterWrite = true;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("tag {}: {}", h.tag(), v);
        }
        return answer(alloc, h.op(), v.status(), h.tag(), 0);
    }

    private static ByteBuf answer(ByteBufAllocator alloc, int op, Status status, int tag, int value) {
        ByteBuf out = alloc.buffer(ResponseLayout.HEADER_BYTES);
        header(out, op, status, tag, value, 0);
        return out;
    }

    /**
     * Writes the response header ({@link ResponseLayout}, big-endian as {@code ByteBuf} is) at index 0
     * and leaves the writer index after it. Written field by field rather than through
     * {@link ResponseEncoder}'s {@code ByteBuffer}: a NIO view of a pooled buffer is a new object per
     * answer.
     */
    private static void header(ByteBuf out, int op, Status status, int tag, int value, int payloadLength) {
        out.setInt(ResponseLayout.LENGTH_OFFSET, ResponseLayout.lengthField(payloadLength))
                .setByte(ResponseLayout.OP_OFFSET, op)
                .setByte(ResponseLayout.STATUS_OFFSET, status.code())
                .setShort(ResponseLayout.RESERVED_OFFSET, 0)
                .setInt(ResponseLayout.TAG_OFFSET, tag)
                .setInt(ResponseLayout.VALUE_OFFSET, value)
                .writerIndex(ResponseLayout.HEADER_BYTES);
    }

    private static int saturate(long n) {
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
