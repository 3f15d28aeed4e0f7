/** The {@code remote} backend: the frontends' pages kept by a tmem server. */
package dev.tmem.client.remote;
