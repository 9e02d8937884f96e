package dev.signet.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code signet serve} in a process of its own (the test JVM's class path), its output in a file:
 * a node that can be killed with SIGKILL and started again.
 */
public final class NodeProcess implements AutoCloseable {

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final int port;
    private Process process;

    private NodeProcess(List<String> command, Map<String, String> environment, Path log, int port) {
        this.command = command;
        this.environment = environment;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code serve} with these arguments on {@code port}, output to {@code log}; does not wait. */
    public static NodeProcess start(Path log, int port, Map<String, String> environment, String... serveArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-XX:+UseSerialGC", "-cp", classPath(), "dev.signet.web.Main", "serve",
                "--port", Integer.toString(port)));
        command.addAll(List.of(serveArgs));
        NodeProcess n = new NodeProcess(command, environment, log, port);
        n.launch();
        return n;
    }

    /**
     * The class path of this program: surefire's (java.class.path), or, under {@code exec:java},
     * that of the loader Maven made for the project (java.class.path is then Maven's own).
     */
    private static String classPath() throws Exception {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader urls
                && urls.getURLs().length > 0) {
            List<String> parts = new ArrayList<>();
            for (java.net.URL u : urls.getURLs()) {
                parts.add(Path.of(u.toURI()).toString());
            }
            return String.join(java.io.File.pathSeparator, parts);
        }
        return System.getProperty("java.class.path");
    }

    private void launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        process = pb.start();
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until {@code /health} answers 200. */
    public void awaitHealthy(Duration within) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the node exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(base() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the node did not become healthy within " + within + ":\n" + output());
    }

    /** CPU time the node's process has used so far (user + system, all threads). */
    public Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElseThrow();
    }

    /** Everything the node printed so far. */
    public String output() throws Exception {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGKILL: no shutdown hook, no final checkpoint, connections dropped mid-transaction. */
    public void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the same command again (same port, same log). */
    public void restart() throws Exception {
        launch();
    }

    /** SIGTERM and wait (a clean stop). */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
