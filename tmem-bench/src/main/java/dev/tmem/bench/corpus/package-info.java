/**
 * A corpus of real 4 KiB pages for the compressed store's tests and benchmarks: pages sampled from
 * the JDK's {@code lib/modules}, shared libraries, text files and a JVM heap dump found on this
 * machine, never generated text. {@link dev.tmem.bench.corpus.PageCorpus} builds it under
 * {@code target/corpus/} (never committed) and loads it as a {@link dev.tmem.bench.corpus.Corpus}.
 */
package dev.tmem.bench.corpus;
