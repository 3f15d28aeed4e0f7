/**
 * zcache: compressed page storage for tmem. {@link dev.tmem.zcache.ZcachePageStore} keeps pages
 * compressed by a {@link dev.tmem.zcache.Codec} (made by {@link dev.tmem.zcache.Codecs}) in a dense
 * off-heap allocator, with same-filled pages ({@link dev.tmem.zcache.SameFilled}) kept in their
 * handles.
 */
module dev.tmem.zcache {
    requires transitive dev.tmem.core;
    requires jdk.management;
    requires org.lz4.java;
    requires com.github.luben.zstd_jni;

    exports dev.tmem.zcache;

    provides dev.tmem.core.spi.PageStoreFactory with dev.tmem.zcache.ZcacheStoreFactory;
}
