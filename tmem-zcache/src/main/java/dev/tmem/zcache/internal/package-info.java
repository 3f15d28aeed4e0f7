/**
 * Codec implementations and their per-thread state. Not exported: reach codecs through
 * {@link dev.tmem.zcache.Codecs}.
 */
package dev.tmem.zcache.internal;
