package io.switchboard.server.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Prometheus' {@code promtool} (Debian's prometheus package) for the tests; absent, the test fails loudly. */
final class Promtool {
    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Path find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/bin:/usr/local/bin:/usr/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool");
            }
        }
        throw new AssertionError("promtool is not installed: `apt-get install prometheus` (Debian), or run"
                + " e2e/ensure-test-dependencies, which installs it when missing");
    }

    /** {@code promtool check metrics} with the exposition on stdin; its stdout and stderr together. */
    static Result checkMetrics(Path promtool, String exposition) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(promtool.toString(), "check", "metrics"))
                .redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish within 30 s");
        }
        return new Result(process.exitValue(), output);
    }
}
