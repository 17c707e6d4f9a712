package io.switchboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.auth.AuthSettings;
import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What the Docker image, the compose cluster and NGINX promise, read from the files themselves: this machine has no
 * Docker engine to build and run them, so the promises are checked where they are written (the NGINX configuration
 * also runs for real in the e2e tests).
 */
class DeploymentConfigTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final List<String> NODES = List.of("switchboard-1", "switchboard-2", "switchboard-3");

    @Test
    void theComposeNodesKeepTheImagesMemoryOptions() throws IOException {
        List<String> imageOptions = Arrays.asList(dockerfileEnv().get("JAVA_OPTS").split("\\s+"));
        JsonNode compose = compose();
        for (String node : NODES) {
            String options = service(compose, node).path("environment").path("JAVA_OPTS").asText();
            List<String> nodeOptions = Arrays.asList(options.split("\\s+"));
            for (String option : imageOptions) {
                assertTrue(nodeOptions.contains(option), node + "'s JAVA_OPTS drop the image's " + option);
            }
        }
    }

    @Test
    void oneUnhealthyNodeDoesNotKeepNginxOrPrometheusFromStarting() throws IOException {
        JsonNode compose = compose();
        for (String service : List.of("nginx", "prometheus")) {
            JsonNode dependsOn = compose.path("services").path(service).path("depends_on");
            for (String node : NODES) {
                assertNotEquals("service_healthy", dependsOn.path(node).path("condition").asText(),
                        service + " waits for " + node + " to be healthy");
            }
        }
    }

    @Test
    void prometheusIsPublishedOnLoopbackOnly() throws IOException {
        JsonNode ports = compose().path("services").path("prometheus").path("ports");
        assertTrue(ports.size() > 0, "prometheus publishes no port");
        for (JsonNode port : ports) {
            assertTrue(port.asText().startsWith("127.0.0.1:"), "prometheus published as " + port.asText());
        }
    }

    @Test
    void nginxLooksTheNodesUpAgainWhileItRuns() throws IOException {
        String upstreams = Files.readString(ROOT.resolve("nginx/upstreams.conf"));
        assertTrue(upstreams.lines().anyMatch(line -> line.strip().startsWith("resolver ")), "no resolver");
        assertTrue(upstreams.lines().anyMatch(line -> line.strip().startsWith("zone ")), "resolve needs a zone");
        List<String> servers = upstreams.lines().map(String::strip).filter(line -> line.startsWith("server ")).toList();
        assertEquals(NODES.size(), servers.size());
        for (String server : servers) {
            assertTrue(Arrays.asList(server.replace(";", "").split("\\s+")).contains("resolve"),
                    "looked up once at start: " + server);
        }
        JsonNode nginx = compose().path("services").path("nginx");
        Matcher version = Pattern.compile("nginx:(\\d+)\\.(\\d+)").matcher(nginx.path("image").asText());
        assertTrue(version.find(), nginx.path("image").asText());
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        assertTrue(major > 1 || minor >= 28, "upstream `resolve` needs NGINX 1.27.3 or later: " + version.group());
    }

    @Test
    void theAnyNodeUpstreamsBalanceTheSameNodesWithoutStickiness() throws IOException {
        String sticky = Files.readString(ROOT.resolve("nginx/upstreams.conf"));
        String anyNode = Files.readString(ROOT.resolve("nginx/upstreams-any-node.conf"));
        assertTrue(directives(sticky).contains("ip_hash;"));
        List<String> directives = directives(anyNode);
        assertFalse(directives.stream().anyMatch(line -> line.startsWith("ip_hash") || line.startsWith("hash ")
                || line.startsWith("sticky")), "sticky: " + directives);
        assertEquals(servers(sticky), servers(anyNode), "the same nodes, in the same order");
        assertTrue(directives.stream().anyMatch(line -> line.startsWith("zone ")), "resolve needs a zone");
    }

    @Test
    void theAnyNodeComposeFileTurnsTheClusterEngineOnWhereNginxStopsBeingSticky() throws IOException {
        JsonNode merged = compose("docker/docker-compose.any-node.yml");
        for (String node : NODES) {
            assertEquals("true", service(merged, node).path("environment").path("SWITCHBOARD_CLUSTER_ENGINE").asText(),
                    node + " without the cluster engine behind a round-robin NGINX");
        }
        List<String> volumes = new ArrayList<>();
        service(merged, "nginx").path("volumes").forEach(volume -> volumes.add(volume.asText()));
        assertEquals(List.of("../nginx/upstreams-any-node.conf:/etc/nginx/upstreams.conf:ro"), volumes);
        assertTrue(Files.exists(ROOT.resolve("docker").resolve("../nginx/upstreams-any-node.conf")));
        // the base file stays sticky and leaves the cluster engine off
        for (String node : NODES) {
            assertTrue(service(compose(), node).path("environment").path("SWITCHBOARD_CLUSTER_ENGINE").isMissingNode());
        }
    }

    /** The directives of an NGINX file, comments and blank lines left out. */
    private static List<String> directives(String conf) {
        return conf.lines().map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty()).toList();
    }

    private static List<String> servers(String conf) {
        return directives(conf).stream().filter(line -> line.startsWith("server ")).toList();
    }

    @Test
    void nginxServesTheDemoPageAndItsTokenEndpoint() throws IOException {
        String conf = Files.readString(ROOT.resolve("nginx/nginx.conf"));
        for (String location : List.of("location = / {", "location = /dev/token {")) {
            int at = conf.indexOf(location);
            assertTrue(at >= 0, "nginx.conf has no " + location);
            String block = conf.substring(at, conf.indexOf('}', at));
            assertTrue(block.contains("proxy_pass http://switchboard;"), location + " is not passed to the nodes");
        }
    }

    @Test
    void theImageRefusesToStartWithoutAKey() throws IOException {
        Map<String, String> env = new LinkedHashMap<>(dockerfileEnv());
        env.remove("SWITCHBOARD_CONFIG");   // a path inside the image; the same file is config/switchboard.yml here
        Config config = ConfigLoader.load(ROOT.resolve("config/switchboard.yml"), env, Map.of());
        assertEquals("0.0.0.0", env.get("SWITCHBOARD_HOST"), "the image listens on every interface");
        ConfigException refused = assertThrows(ConfigException.class, () -> AuthSettings.from(config));
        assertTrue(refused.getMessage().contains("no key configured"), refused.getMessage());

        Map<String, String> withKey = new LinkedHashMap<>(env);
        withKey.put("JWT_SECRET", "a-deployment-secret-that-is-long-enough-for-hs256");
        AuthSettings auth = AuthSettings.from(ConfigLoader.load(ROOT.resolve("config/switchboard.yml"), withKey,
                Map.of()));
        assertFalse(auth.developmentSecret());
    }

    private static JsonNode service(JsonNode compose, String name) {
        return compose.path("services").path(name);
    }

    /**
     * An override file's services as they are in the override alone (Compose merges environment maps by key and
     * volumes by target path; the test checks what the override itself sets).
     */
    private static JsonNode compose(String override) throws IOException {
        Object tree = new Yaml().load(Files.readString(ROOT.resolve(override)));
        return new ObjectMapper().valueToTree(tree);
    }

    /** The compose file as Compose reads it: SnakeYAML applies the merge keys ({@code <<: *switchboard}). */
    private static JsonNode compose() throws IOException {
        Object tree = new Yaml().load(Files.readString(ROOT.resolve("docker/docker-compose.yml")));
        return new ObjectMapper().valueToTree(tree);
    }

    /** The runtime stage's ENV of docker/Dockerfile (continuation lines joined, quotes removed). */
    private static Map<String, String> dockerfileEnv() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("docker/Dockerfile"));
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("#") && current.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                instructions.add(current.append(line).toString().strip());
                current.setLength(0);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)");
        boolean runtime = false;
        for (String instruction : instructions) {
            if (instruction.startsWith("FROM ")) {
                runtime = !instruction.contains(" AS ");
            }
            if (runtime && instruction.startsWith("ENV ")) {
                Matcher matcher = pair.matcher(instruction.substring(4));
                while (matcher.find()) {
                    env.put(matcher.group(1), matcher.group(2).replaceAll("^\"|\"$", ""));
                }
            }
        }
        assertTrue(env.containsKey("JAVA_OPTS"), "the Dockerfile's runtime stage sets no JAVA_OPTS");
        return env;
    }
}
