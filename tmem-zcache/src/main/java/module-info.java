/**
 * zcache: compressed page storage for tmem. This slice holds the page codecs
 * ({@link dev.tmem.zcache.Codec}, made by {@link dev.tmem.zcache.Codecs}) and same-filled page
 * detection ({@link dev.tmem.zcache.SameFilled}); the compressing page store builds on them.
 */
module dev.tmem.zcache {
    requires org.lz4.java;
    requires com.github.luben.zstd_jni;

    exports dev.tmem.zcache;
}
