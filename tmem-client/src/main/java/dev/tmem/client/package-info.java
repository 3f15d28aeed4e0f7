/**
 * The Java client of the tmem server: {@link dev.tmem.client.RemoteTmem} and its pools, stats and
 * exceptions.
 */
package dev.tmem.client;
