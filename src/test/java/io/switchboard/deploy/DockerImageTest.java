package io.switchboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image and the compose file for real, where a Docker engine answers (this project's CI machines have none:
 * there the tests are reported as skipped, and {@link DeploymentConfigTest} reads the same promises from the files).
 */
class DockerImageTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String IMAGE = "switchboard:deploy-test";

    @BeforeAll
    static void needsADockerEngine() throws Exception {
        assumeTrue(run(List.of("docker", "info"), Map.of(), 30).code() == 0, "no Docker engine answers here");
    }

    @Test
    void theImageBuildsAndRefusesToStartWithoutAKey() throws Exception {
        Result build = run(List.of("docker", "build", "-f", "docker/Dockerfile", "-t", IMAGE, "."),
                Map.of("DOCKER_BUILDKIT", "1"), 1800);
        assertEquals(0, build.code(), build.output());
        Result noKey = run(List.of("docker", "run", "--rm", IMAGE), Map.of(), 120);
        assertNotEquals(0, noKey.code(), "started without a key:\n" + noKey.output());
        assertTrue(noKey.output().contains("no key configured"), noKey.output());
        Result check = run(List.of("docker", "run", "--rm", "-e", "JWT_SECRET=" + "k".repeat(40), IMAGE,
                "check-config"), Map.of(), 120);
        assertEquals(0, check.code(), check.output());
    }

    @Test
    void theComposeFileIsValid() throws Exception {
        Result config = run(List.of("docker", "compose", "-f", "docker/docker-compose.yml", "config", "--quiet"),
                Map.of("JWT_SECRET", "k".repeat(40)), 120);
        assertEquals(0, config.code(), config.output());
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("switchboard-docker-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException noDocker) {
                return new Result(-1, noDocker.getMessage());
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + command + "\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
