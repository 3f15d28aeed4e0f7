package dev.tmem.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in a process of its own, so that the two compete on equal terms (and the
 * load generator's JVM measures only itself): {@code tmem server} in a child JVM with this class
 * path, or memcached from Debian's package.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on ([^\\s:]+):(\\d+)");

    final String name;
    final InetSocketAddress address;
    private final Process process;

    private ServerProcess(String name, InetSocketAddress address, Process process) {
        this.name = name;
        this.address = address;
        this.process = process;
    }

    /**
     * {@code tmem server} on a free port of 127.0.0.1 with {@code memoryBytes}, started with the java
     * binary and class path of this JVM ({@code dev.tmem.server.ServerMain}).
     */
    static ServerProcess tmem(long memoryBytes, List<String> extraArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Xmx" + (64 + memoryBytes / 16 / (1 << 20)) + "m",
                "-cp", System.getProperty("java.class.path"), "dev.tmem.server.ServerMain",
                "--port", "0", "--memory", Long.toString(memoryBytes), "--status-interval", "0"));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> drain(out), "tmem-server-output");
                drain.setDaemon(true);
                drain.start();
                return new ServerProcess(line.substring(line.indexOf("(") + 1).split(",")[1].strip(),
                        new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))), p);
            }
        }
        p.destroyForcibly();
        throw new IOException("tmem server exited before listening (status " + waitFor(p) + ")");
    }

    /** The memcached binary, if Debian's package (or another install) put it on the PATH. */
    static Optional<Path> findMemcached() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "memcached");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** memcached on a free port of 127.0.0.1 with {@code memoryBytes} for items and {@code threads} workers. */
    static ServerProcess memcached(Path binary, long memoryBytes, int threads) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-l", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "0", "-m", Long.toString(memoryBytes >> 20), "-t", Integer.toString(threads), "-c", "1024"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root")); // memcached refuses to run as root without it
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(address, 200);
                return new ServerProcess("memcached " + version(binary), address, p);
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IOException("memcached exited at start (status " + p.exitValue() + ")");
                }
                sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("memcached did not listen on " + address + " within 10 s");
    }

    /** The process's resident memory in bytes (Linux), or -1. */
    long residentBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: both stop cleanly
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String version(Path binary) {
        try {
            Process v = new ProcessBuilder(binary.toString(), "-V").redirectErrorStream(true).start();
            String s = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            v.waitFor(5, TimeUnit.SECONDS);
            return s.replace("memcached ", "");
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // the server's log lines: not part of the benchmark's output
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
