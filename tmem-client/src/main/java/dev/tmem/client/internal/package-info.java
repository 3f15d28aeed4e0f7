/** Internals of the client: the pipelined connection and the STATS JSON reader. Not API. */
package dev.tmem.client.internal;
