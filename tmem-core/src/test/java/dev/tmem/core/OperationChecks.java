package dev.tmem.core;

import static dev.tmem.core.ReferenceModel.cost;

import dev.tmem.core.ReferenceModel.Client;
import dev.tmem.core.ReferenceModel.Page;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The checks {@link PropertyRun} makes after every operation, from two stats snapshots (before and
 * after) and what the operation did ({@link Effect}): counters moved by exactly what the operation
 * did and only for its client; evictions only ever of ephemeral pages the model allows to vanish
 * (their clients' PRESENT pages turn MAYBE, then settle against the engine's page counts); per
 * client, persistent pages exact and ephemeral pages within the model's bounds; bytes used exactly
 * pages x (page size + overhead); global stats the sum of the clients'; never over the budget; a
 * put never takes a capped client further over its cap; a budget eviction takes from a client over
 * its weighted share when there is one.
 */
final class OperationChecks {

    // counter slots in expected deltas
    static final int PUTS = 0, FAILED_PUTS = 1, SUCC_GETS = 2, FAILED_GETS = 3, FLUSHES = 4;
    /** An expected delta that is not checked beyond being >= 0. */
    static final long ANY = -1;

    /** What one operation did, for the checks that follow it. */
    static final class Effect {
        Client actor;
        final long[] counters = new long[5];
        boolean put;
        boolean putOk;
        Page placed;
        long actorPagesBefore;
    }

    private final ReferenceModel model;

    OperationChecks(ReferenceModel model) {
        this.model = model;
    }

    record Snap(TmemStats global, Map<String, ClientStats> byName) {
        ClientStats of(Client c) {
            return byName.get(c.name);
        }

        long pages(Client c) {
            ClientStats s = of(c);
            return s == null ? 0 : s.pagesEphemeral() + s.pagesPersistent();
        }
    }

    static Snap snap(TmemEngine engine) {
        Map<String, ClientStats> m = new HashMap<>();
        for (ClientStats s : engine.clientStats()) {
            m.put(s.name(), s);
        }
        return new Snap(engine.stats(), m);
    }

    /** Checks the engine's state after one operation, and settles the model's MAYBE pages. */
    void afterOp(Snap before, Snap after, Effect e) {
        TmemStats g = after.global();
        check(g.bytesUsed() <= model.budget, "bytesUsed " + g.bytesUsed() + " > budget " + model.budget);
        check(g.bytesBudget() == model.budget, "bytesBudget " + g.bytesBudget());
        check(g.clients() == model.clients.size(), "clients " + g.clients());
        check(g.pools() == model.allPools().size(), "pools " + g.pools() + ", model " + model.allPools().size());

        long[] sum = new long[5];
        long evictions = 0, pagesE = 0, pagesP = 0, used = 0, stored = 0;
        for (Client c : model.clients) {
            ClientStats b = before.of(c), a = after.of(c);
            check(a != null, "no clientStats for " + c);
            // counters move only for the acting client, by what the operation did
            long[] deltas = {a.puts() - b.puts(), a.failedPuts() - b.failedPuts(),
                a.succGets() - b.succGets(), a.failedGets() - b.failedGets(), a.flushes() - b.flushes()};
            for (int i = 0; i < 5; i++) {
                long want = c == e.actor ? e.counters[i] : 0;
                check(want == ANY ? deltas[i] >= 0 : deltas[i] == want,
                        c + " counter " + counterName(i) + " moved by " + deltas[i] + ", want " + want);
                sum[i] += deltas[i];
            }
            long ev = a.evictions() - b.evictions();
            check(ev >= 0, c + " evictions went down");
            evictions += ev;
            if (ev > 0) {
                model.mayHaveLost(c, e.placed);
            }
            checkPages(c, a);
            check(a.weight() == c.weight, c + " weight " + a.weight() + ", model " + c.weight);
            check(a.capPages().equals(c.capped() ? OptionalLong.of(c.cap) : OptionalLong.empty()),
                    c + " capPages " + a.capPages());
            List<PoolId> ids = c.pools.keySet().stream().map(PoolId::of).toList();
            check(c.api.pools().equals(ids), c + " pools() " + c.api.pools() + ", model " + ids);
            pagesE += a.pagesEphemeral();
            pagesP += a.pagesPersistent();
            used += a.bytesUsed();
            stored += a.bytesStored();
        }
        TmemStats gb = before.global();
        long[] gd = {g.puts() - gb.puts(), g.failedPuts() - gb.failedPuts(),
            g.succGets() - gb.succGets(), g.failedGets() - gb.failedGets(), g.flushes() - gb.flushes()};
        check(Arrays.equals(gd, sum), "global counter deltas " + Arrays.toString(gd)
                + " differ from the clients' " + Arrays.toString(sum));
        check(g.evictions() - gb.evictions() == evictions, "global evictions delta "
                + (g.evictions() - gb.evictions()) + ", clients' " + evictions);
        check(g.pagesEphemeral() == pagesE && g.pagesPersistent() == pagesP,
                "global pages " + g.pagesEphemeral() + "/" + g.pagesPersistent() + ", clients' sum "
                        + pagesE + "/" + pagesP);
        check(g.bytesUsed() == used && g.bytesStored() == stored, "global bytes " + g.bytesUsed() + "/"
                + g.bytesStored() + ", clients' sum " + used + "/" + stored);
        if (e.put) {
            checkCapAfterPut(e, after);
            checkWeightedShare(e, before, after, evictions);
        }
    }

    private void checkPages(Client c, ClientStats a) {
        long[] n = model.counts(c);
        long[] orphans = model.orphans(c);
        check(a.pagesPersistent() >= n[0] && a.pagesPersistent() <= n[0] + orphans[0],
                c + " pagesPersistent " + a.pagesPersistent() + ", model " + n[0]
                        + (orphans[0] > 0 ? " (+" + orphans[0] + " pinned orphans)" : ""));
        check(a.pagesEphemeral() >= n[1] && a.pagesEphemeral() <= n[1] + n[2] + orphans[1],
                c + " pagesEphemeral " + a.pagesEphemeral() + ", model: " + n[1] + " present, " + n[2]
                        + " maybe evicted" + (orphans[1] > 0 ? ", " + orphans[1] + " pinned orphans" : ""));
        long pageCost = Harness.cost(c.pageSize());
        check(a.bytesStored() <= a.bytesUsed(), c + " bytesStored > bytesUsed");
        if (orphans[0] + orphans[1] == 0) {
            if (model.settle(c, a.pagesEphemeral())) {
                PropertyRun.covered("MAYBE settled");
            }
            // every raw page costs the same; a compressing store's pages cost what they compress to
            check(!TestStores.raw() || a.bytesUsed() == (a.pagesEphemeral() + a.pagesPersistent()) * pageCost,
                    c + " bytesUsed " + a.bytesUsed() + " for " + (a.pagesEphemeral() + a.pagesPersistent())
                            + " pages of " + pageCost + " bytes each");
        }
    }

    /**
     * A put never takes a capped client above its cap, nor further above it once a lowered cap left
     * it there ("later puts evict the client's own pages or fail"; a replacement of its own page
     * adds none).
     */
    private void checkCapAfterPut(Effect e, Snap after) {
        Client c = e.actor;
        long[] orphans = model.orphans(c);
        if (e.putOk && c.capped() && orphans[0] + orphans[1] == 0) {
            check(after.pages(c) <= Math.max(c.cap, e.actorPagesBefore), c + " holds "
                    + after.pages(c) + " pages after a put (" + e.actorPagesBefore + " before), above"
                    + " its cap " + c.cap);
        }
    }

    /**
     * When one put evicted exactly one page to fit the budget (not the cap), the victim must be a
     * client above its weighted share if any client with ephemeral pages is. The share is computed
     * both before the put and as if the incoming page were already charged; only a victim outside
     * both over-share sets, while both are non-empty, fails.
     */
    private void checkWeightedShare(Effect e, Snap before, Snap after, long evictions) {
        Client actor = e.actor;
        if (evictions != 1 || model.pinsHeld() > 0
                || (actor.capped() && e.actorPagesBefore + 1 > actor.cap)) {
            return;
        }
        Client victim = null;
        for (Client c : model.clients) {
            if (after.of(c).evictions() > before.of(c).evictions()) {
                victim = c;
            }
        }
        List<Client> overBefore = overShare(before, null);
        List<Client> overWith = overShare(before, actor);
        PropertyRun.covered("weighted share");
        if (!overBefore.isEmpty() && !overWith.isEmpty()
                && !overBefore.contains(victim) && !overWith.contains(victim)) {
            StringBuilder why = new StringBuilder();
            for (Client c : model.clients) {
                ClientStats s = before.of(c);
                why.append(' ').append(c).append("{w=").append(c.weight).append(", used=")
                        .append(s.bytesUsed()).append(", eph=").append(s.pagesEphemeral()).append('}');
            }
            throw new AssertionError("put by " + actor + " evicted a page of " + victim
                    + ", which is not above its weighted share, while " + overBefore
                    + " are; before:" + why);
        }
    }

    private List<Client> overShare(Snap s, Client incoming) {
        long sumWeights = 0;
        for (Client c : model.clients) {
            if (s.pages(c) > 0 || c == incoming) {
                sumWeights += c.weight;
            }
        }
        List<Client> over = new ArrayList<>();
        for (Client c : model.clients) {
            ClientStats cs = s.of(c);
            long used = cs.bytesUsed() + (c == incoming ? Harness.cost(c.pageSize()) : 0);
            boolean holds = s.pages(c) > 0 || c == incoming;
            if (holds && cs.pagesEphemeral() > 0
                    && (double) used * sumWeights > (double) model.budget * c.weight) {
                over.add(c);
            }
        }
        return over;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    private static String counterName(int i) {
        return new String[] {"puts", "failedPuts", "succGets", "failedGets", "flushes"}[i];
    }
}
