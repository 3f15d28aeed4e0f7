package dev.tmem.server;

import java.util.Map;

/**
 * The server's run-time administration over JMX ({@code dev.tmem:type=Server,address=...}): what
 * {@code --client-cap} and {@code --client-weight} set at start, changeable while it runs, and its
 * main figures. A change applies at once to a client that is there, and to a name when it first
 * (or again) says HELLO.
 */
public interface ServerAdminMXBean {

    /** Where it listens: {@code 127.0.0.1:7420} or a socket path. */
    String getListeningOn();

    /** The page store's name ({@code zcache-lz4}, {@code raw}). */
    String getStore();

    long getMemoryBytes();

    long getBytesUsed();

    long getBytesStored();

    long getPages();

    int getClients();

    /** Configured caps in pages, by client name. */
    Map<String, Long> getClientCaps();

    /** Configured weights, by client name. */
    Map<String, Integer> getClientWeights();

    /** Caps client {@code name} at {@code pages} (>= 0). */
    void setClientCap(String name, long pages);

    /** Lifts the cap of client {@code name}. */
    void clearClientCap(String name);

    /** Sets the weight of client {@code name} (>= 1) in eviction. */
    void setClientWeight(String name, int weight);
}
