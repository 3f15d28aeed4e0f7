/**
 * The tmem wire protocol, version 1 ({@code shared/spec/PROTOCOL.md}): frame layouts, the op and
 * status codes, and a validating decoder and an encoder shared by the server and clients. No
 * dependencies and no I/O: callers hand in and get back {@link java.nio.ByteBuffer}s.
 */
module dev.tmem.protocol {
    exports dev.tmem.protocol;
}
