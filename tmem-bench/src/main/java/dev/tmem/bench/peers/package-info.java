/**
 * The stores {@code tmem bench peers} runs side by side: tmem over its raw and zcache stores, and
 * the libraries a JVM engineer would pick instead (OHC, Caffeine, Ehcache's off-heap tier,
 * Chronicle Map), each behind one small {@link dev.tmem.bench.peers.PeerStore} adapter configured
 * the way its own documentation recommends for 4 KiB values.
 *
 * <p>Each subject runs in a JVM of its own ({@link dev.tmem.bench.peers.PeerChild}), started by
 * {@code dev.tmem.bench.PeersBench} with the flags that subject needs ({@link
 * dev.tmem.bench.peers.Subject#jvmFlags}), so that the process's resident memory is that subject's
 * alone. The peers live in this module only: no module users depend on sees them.
 */
package dev.tmem.bench.peers;
