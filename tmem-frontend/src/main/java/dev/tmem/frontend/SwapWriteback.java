package dev.tmem.frontend;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Where frontswap puts a page back when it must leave the backend ({@link Frontswap#shrink}, a
 * backend unload): the swap area itself. The owner of the swap area supplies it at
 * {@link Frontswap#init}.
 *
 * <p>It is called under frontswap's lock for that offset (and its lifecycle lock): it must write the
 * page and return, without calling back into frontswap.
 */
@FunctionalInterface
public interface SwapWriteback {

    /**
     * Writes {@code page} (the frontswap page size; valid only during the call) to slot
     * {@code offset} of the swap area.
     *
     * @throws IOException if it could not; frontswap then keeps the page in the backend
     */
    void writePage(long offset, MemorySegment page) throws IOException;
}
