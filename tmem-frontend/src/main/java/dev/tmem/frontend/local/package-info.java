/** The {@code local} backend: pages kept in this JVM by a {@link dev.tmem.core.TmemEngine}. */
package dev.tmem.frontend.local;
