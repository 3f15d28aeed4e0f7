package dev.tmem.zcache.internal;

import java.nio.ByteBuffer;

/**
 * No compression: the page is copied as it is. The baseline for the other codecs, and the store's
 * raw form. Only a length other than one page is detected as corruption.
 */
public final class NoneCodec extends PageCodec {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public boolean checksummed() {
        return false;
    }

    @Override
    public boolean alwaysFullSize() {
        return true;
    }

    @Override
    public int maxCompressedLength(int pageSize) {
        return Pages.checkPageSize(pageSize);
    }

    @Override
    int compress(ByteBuffer page, ByteBuffer dst) {
        if (dst.limit() < page.limit()) {
            return -1;
        }
        dst.put(page);
        return page.limit();
    }

    @Override
    void decompress(ByteBuffer src, ByteBuffer page) {
        if (src.limit() != page.limit()) {
            throw corrupt("stored length " + src.limit() + ", expected " + page.limit());
        }
        page.put(src);
    }

    @Override
    public String toString() {
        return "none";
    }
}
