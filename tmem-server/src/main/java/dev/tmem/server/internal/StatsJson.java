package dev.tmem.server.internal;

import dev.tmem.core.ClientStats;
import dev.tmem.core.TmemStats;
import dev.tmem.protocol.Rule;
import java.util.Locale;

/**
 * The STATS answer: a JSON object of numbers (PROTOCOL.md, "STATS counters"), then the calling
 * client's own counters under {@code client}. Keys beyond the protocol's: {@code bytes_free}
 * (budget minus used: what the server can still give), {@code connections}, {@code requests},
 * {@code internal_errors}, and {@code rejects_<rule>} for each refusal reason.
 */
final class StatsJson {

    private StatsJson() {}

    static String render(TmemStats g, ClientStats c, ServerCounters counters) {
        StringBuilder sb = new StringBuilder(1024).append('{');
        key(sb, "puts", g.puts());
        key(sb, "failed_puts", g.failedPuts());
        key(sb, "succ_gets", g.succGets());
        key(sb, "failed_gets", g.failedGets());
        key(sb, "flushes", g.flushes());
        key(sb, "evictions", g.evictions());
        key(sb, "pages_ephemeral", g.pagesEphemeral());
        key(sb, "pages_persistent", g.pagesPersistent());
        key(sb, "bytes_stored", g.bytesStored());
        key(sb, "bytes_used", g.bytesUsed());
        key(sb, "bytes_budget", g.bytesBudget());
        key(sb, "clients", g.clients());
        key(sb, "pools", g.pools());
        key(sb, "bytes_free", Math.max(0, g.bytesBudget() - g.bytesUsed()));
        key(sb, "connections", counters.connectionsOpen());
        key(sb, "requests", counters.requests());
        key(sb, "internal_errors", counters.internalErrors());
        for (Rule r : Rule.values()) {
            if (!r.name().startsWith("RESPONSE_")) {
                key(sb, "rejects_" + r.name().toLowerCase(Locale.ROOT), counters.rejects(r));
            }
        }
        sb.append("\"client\":{");
        key(sb, "puts", c.puts());
        key(sb, "failed_puts", c.failedPuts());
        key(sb, "succ_gets", c.succGets());
        key(sb, "failed_gets", c.failedGets());
        key(sb, "flushes", c.flushes());
        key(sb, "evictions", c.evictions());
        key(sb, "pages_ephemeral", c.pagesEphemeral());
        key(sb, "pages_persistent", c.pagesPersistent());
        key(sb, "bytes_stored", c.bytesStored());
        key(sb, "bytes_used", c.bytesUsed());
        key(sb, "weight", c.weight());
        sb.append("\"cap_pages\":").append(c.capPages().isPresent() ? Long.toString(c.capPages().getAsLong()) : "null");
        return sb.append("}}").toString();
    }

    private static void key(StringBuilder sb, String key, long value) {
        sb.append('"').append(key).append("\":").append(value).append(',');
    }
}
