package dev.tmem.bench.corpus;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The JVM whose heap {@link HeapDumpSource} dumps: {@code HeapDumpChild <liveBytes> <seed>} builds
 * about {@code liveBytes} of live objects shaped like a service's heap, prints {@code ready}, and
 * waits until its standard input closes.
 *
 * <p>The mix, by estimated bytes: session records in a {@code HashMap} (strings, boxed numbers,
 * small maps and lists, {@code int[]} counters, UTF-8 JSON payloads) 45%, log lines (Latin-1 and a
 * few UTF-16 strings) in a queue 15%, a {@code TreeMap} index 10%, {@code long[]}/{@code double[]}
 * metrics 10%, pooled buffers never written (zero) 10%, and random bytes standing for compressed or
 * encrypted payloads 10%. Each step allocates in the category furthest below its share.
 */
public final class HeapDumpChild {

    private static final String[] WORDS = {
        "request", "response", "session", "user", "account", "order", "invoice", "cart", "item", "price",
        "token", "cache", "miss", "hit", "timeout", "retry", "connection", "pool", "thread", "worker",
        "GET", "POST", "/api/v1/orders", "/api/v1/users", "/health", "200", "404", "500", "ms", "bytes",
        "INFO", "WARN", "DEBUG", "ERROR", "com.example.shop.OrderService", "io.netty.channel.EventLoop",
        "java.util.concurrent.ThreadPoolExecutor", "eu-west-1", "us-east-2", "Zürich", "São Paulo", "東京"
    };
    private static final double[] SHARES = {0.45, 0.15, 0.10, 0.10, 0.10, 0.10};

    record Session(String id, String user, long createdMillis, List<String> tags, Map<String, Object> attributes,
            int[] counters, byte[] payload) {}

    private HeapDumpChild() {}

    public static void main(String[] args) throws IOException {
        long target = Long.parseLong(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        Map<String, Session> sessions = new HashMap<>();
        ArrayDeque<String> log = new ArrayDeque<>();
        TreeMap<Integer, String> index = new TreeMap<>();
        List<Object> metrics = new ArrayList<>();
        List<byte[]> pool = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        long[] bytes = new long[SHARES.length];
        long total = 0;
        long clock = 1_700_000_000_000L;
        for (int step = 0; total < target; step++) {
            int c = furthestBelowShare(bytes);
            long size = switch (c) {
                case 0 -> addSession(sessions, random, step, clock += random.nextInt(5_000));
                case 1 -> addLogLine(log, random, clock);
                case 2 -> addIndexEntry(index, random, step);
                case 3 -> addMetrics(metrics, random);
                case 4 -> add(pool, new byte[(8 + random.nextInt(57)) << 10]);
                default -> add(blobs, randomBytes(random, 512 + random.nextInt(15_872)));
            };
            bytes[c] += size;
            total += size;
        }
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold everything until the parent closes our input
        }
        Reference.reachabilityFence(sessions);
        Reference.reachabilityFence(log);
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(metrics);
        Reference.reachabilityFence(pool);
        Reference.reachabilityFence(blobs);
    }

    private static int furthestBelowShare(long[] bytes) {
        int best = 0;
        for (int i = 1; i < bytes.length; i++) {
            if (bytes[i] / SHARES[i] < bytes[best] / SHARES[best]) {
                best = i;
            }
        }
        return best;
    }

    private static long addSession(Map<String, Session> sessions, Random random, int step, long now) {
        String id = "sess-%08x-%04d".formatted(random.nextInt(), step);
        String user = words(random, 1) + "." + random.nextInt(100_000) + "@example.com";
        List<String> tags = new ArrayList<>();
        for (int i = random.nextInt(4); i >= 0; i--) {
            tags.add(WORDS[random.nextInt(WORDS.length)]);
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("region", WORDS[37 + random.nextInt(5)]);
        attributes.put("visits", random.nextInt(1_000));
        attributes.put("lastSeen", now - random.nextInt(86_400_000));
        attributes.put("score", random.nextDouble() * 100);
        attributes.put("admin", random.nextInt(50) == 0);
        attributes.put("agent", "Mozilla/5.0 (X11; Linux x86_64) " + words(random, 2));
        int[] counters = new int[8];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = random.nextInt(1 << (4 * i + 1));
        }
        StringBuilder json = new StringBuilder("{\"id\":\"").append(id).append("\",\"items\":[");
        for (int i = random.nextInt(12); i >= 0; i--) {
            json.append("{\"sku\":\"SKU-").append(random.nextInt(90_000) + 10_000).append("\",\"name\":\"")
                    .append(words(random, 3)).append("\",\"qty\":").append(1 + random.nextInt(5))
                    .append(",\"price\":").append(random.nextInt(100_000) / 100.0).append('}')
                    .append(i > 0 ? "," : "");
        }
        byte[] payload = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        sessions.put(id, new Session(id, user, now, tags, attributes, counters, payload));
        return 600 + payload.length + 48L * tags.size();
    }

    private static long addLogLine(ArrayDeque<String> log, Random random, long now) {
        String line = "%tFT%<tT.%<tLZ %s [worker-%d] %s - %s".formatted(now, WORDS[30 + random.nextInt(4)],
                random.nextInt(16), WORDS[34 + random.nextInt(3)], words(random, 6 + random.nextInt(20)));
        log.add(line);
        return 56 + (long) line.length() * (line.chars().allMatch(ch -> ch < 256) ? 1 : 2);
    }

    private static long addIndexEntry(TreeMap<Integer, String> index, Random random, int step) {
        String value = "/data/shard-" + (step % 64) + "/" + words(random, 2).replace(' ', '-') + ".idx";
        index.put(random.nextInt(), value);
        return 96 + value.length();
    }

    private static long addMetrics(List<Object> metrics, Random random) {
        int n = 256 + random.nextInt(2_048);
        if (random.nextBoolean()) {
            long[] counts = new long[n];
            long v = random.nextInt(1_000);
            for (int i = 0; i < n; i++) {
                counts[i] = v += random.nextInt(64);
            }
            metrics.add(counts);
        } else {
            double[] latencies = new double[n];
            for (int i = 0; i < n; i++) {
                latencies[i] = Math.exp(random.nextGaussian()) * 2.5;
            }
            metrics.add(latencies);
        }
        return 16 + 8L * n;
    }

    private static long add(List<byte[]> list, byte[] array) {
        list.add(array);
        return 16 + array.length;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String words(Random random, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }
}
