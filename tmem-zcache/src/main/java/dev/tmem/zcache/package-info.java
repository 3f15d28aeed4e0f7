/**
 * Page codecs and same-filled page detection for the compressed page store.
 *
 * <p>Pages here are what the engine stores: a power of two from 4096 to 65536 bytes, passed as a
 * {@link java.lang.foreign.MemorySegment} (native or heap). Codecs compress one page at a time into
 * a caller-provided segment and back; they keep no state between calls that a caller could see.
 */
package dev.tmem.zcache;
