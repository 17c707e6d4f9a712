package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigKeys;
import io.switchboard.server.config.ConfigLoader;
import io.switchboard.server.config.Option;
import io.switchboard.server.config.RoomRuleSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Path SHIPPED = Path.of("config", "switchboard.yml");

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "switchboard", ".yml");
        Files.writeString(file, yaml);
        return file;
    }

    private Config load(String yaml, Map<String, String> env) throws IOException {
        return ConfigLoader.load(file(yaml), env, Map.of());
    }

    private ConfigException failure(String yaml, Map<String, String> env) throws IOException {
        Path file = file(yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env, Map.of()));
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "«" + part + "» in: " + message);
        }
    }

    @Test
    void theEmbeddedDefaultsAreTheDocumentedOnes() {
        Config defaults = Config.defaults();
        assertEquals("0.0.0.0", defaults.get(ConfigKeys.HOST));
        assertEquals(3000, defaults.get(ConfigKeys.PORT));
        assertEquals("memory", defaults.get(ConfigKeys.ADAPTER_TYPE));
        assertTrue(defaults.get(ConfigKeys.RECOVERY_ENABLED));
        assertEquals(120_000L, defaults.get(ConfigKeys.RECOVERY_MAX_DISCONNECTION));
        assertTrue(defaults.get(ConfigKeys.RECOVERY_SKIP_MIDDLEWARES));
        assertEquals(List.of("*"), defaults.get(ConfigKeys.CORS_ORIGINS));
        for (Option<?> option : ConfigKeys.all()) {
            assertEquals("default", defaults.source(option), option.key());
        }
    }

    @Test
    void theShippedFileHoldsEveryOptionWithItsDefaultAndItsVariable() throws IOException {
        Config shipped = ConfigLoader.load(SHIPPED, Map.of(), Map.of());
        Config defaults = Config.defaults();
        assertEquals(defaults.toYaml(false), shipped.toYaml(false));
        String text = Files.readString(SHIPPED);
        for (Option<?> option : ConfigKeys.all()) {
            String leaf = option.key().substring(option.key().lastIndexOf('.') + 1);
            assertTrue(text.contains(leaf + ":"), option.key() + " is in the file");
            assertTrue(text.contains(option.env()), option.env() + " is documented in the file");
            assertEquals(option.defaultValue(), shipped.get(option), option.key());
        }
    }

    @Test
    void environmentVariableNamesFollowOneRule() {
        assertEquals("SWITCHBOARD_PORT", ConfigKeys.PORT.env());
        assertEquals("SWITCHBOARD_HOST", ConfigKeys.HOST.env());
        assertEquals("SWITCHBOARD_PING_INTERVAL", ConfigKeys.PING_INTERVAL.env());
        assertEquals("REDIS_URL", ConfigKeys.REDIS_URL_OPTION.env());
        assertEquals("REDIS_KEY_PREFIX", ConfigKeys.REDIS_KEY_PREFIX.env());
        assertEquals("JWT_SECRET", ConfigKeys.AUTH_SECRET.env());
        assertEquals("SWITCHBOARD_AUTH_JWKS_URL", ConfigKeys.JWKS_URL.env());
        assertEquals("SWITCHBOARD_AUTH_CLAIMS_USER_ID", ConfigKeys.CLAIM_USER_ID.env());
        assertEquals("SWITCHBOARD_CONNECTION_STATE_RECOVERY_MAX_DISCONNECTION_DURATION",
                ConfigKeys.RECOVERY_MAX_DISCONNECTION.env());
        assertEquals("SWITCHBOARD_ROOMS_MAX_ROOMS_PER_SOCKET", ConfigKeys.MAX_ROOMS_PER_SOCKET.env());
        assertEquals("SWITCHBOARD_API_KEYS", ConfigKeys.API_KEYS.env());
    }

    @Test
    void anUnknownKeyStopsLoadingNamingItAndTheAllowedOnes() throws IOException {
        ConfigException error = failure("server:\n  prot: 4000\n", Map.of());
        assertEquals(1, error.problems().size());
        assertMentions(error.getMessage(), "unknown key server.prot", "allowed keys in server:", "port",
                "did you mean server.port?");
    }

    @Test
    void anUnknownSectionOrNestedKeyIsReported() throws IOException {
        assertMentions(failure("databse:\n  url: x\n", Map.of()).getMessage(), "unknown key databse",
                "allowed sections: server, cors, connectionStateRecovery, adapter, auth, rooms, api");
        assertMentions(failure("auth:\n  jwks:\n    uri: https://x\n", Map.of()).getMessage(),
                "unknown key auth.jwks.uri", "did you mean auth.jwks.url?");
        assertMentions(failure("auth: 5\n", Map.of()).getMessage(), "invalid value for auth", "a section");
    }

    @Test
    void aBadValueIsReportedWithTheKeyTheValueAndWhatIsAllowed() throws IOException {
        assertMentions(failure("server:\n  port: abc\n", Map.of()).getMessage(),
                "invalid value for server.port", "\"abc\"", "an integer from 0 to 65535");
        assertMentions(failure("server:\n  port: 70000\n", Map.of()).getMessage(), "server.port", "70000",
                "an integer from 0 to 65535");
        assertMentions(failure("cors:\n  credentials: yes please\n", Map.of()).getMessage(), "cors.credentials",
                "\"yes please\"", "true or false");
        assertMentions(failure("adapter:\n  type: postgres\n", Map.of()).getMessage(), "adapter.type",
                "\"postgres\"", "one of memory, redis");
        assertMentions(failure("server:\n  transports: []\n", Map.of()).getMessage(), "server.transports",
                "a non-empty list");
        assertMentions(failure("cors:\n  origins: [\"https://a.example/path\"]\n", Map.of()).getMessage(),
                "cors.origins", "item 0", "no path");
        assertMentions(failure("auth:\n  algorithms: [HS256, none]\n", Map.of()).getMessage(),
                "auth.algorithms", "item 1", "HS256, HS384");
        assertMentions(failure("server:\n  path: /api/socket\n", Map.of()).getMessage(), "server.path",
                "not under /api/");
        assertMentions(failure("rooms:\n  policies:\n    - pattern: \"org:{orgId:*\"\n", Map.of()).getMessage(),
                "rooms.policies", "unclosed '{'");
        assertMentions(failure("rooms:\n  policies:\n    - {pattern: \"a:*\", role: [admin]}\n", Map.of())
                .getMessage(), "rooms.policies", "unknown field role");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        ConfigException error = failure("server:\n  port: -1\n  host: \"\"\nadapter:\n  type: x\n", Map.of());
        assertEquals(3, error.problems().size(), error.getMessage());
    }

    @Test
    void secretsNeverAppearInMessages() throws IOException {
        ConfigException error = failure("auth:\n  secret: tooshort-hunter2\napi:\n  keys: [short-key-42]\n",
                Map.of());
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
        assertFalse(error.getMessage().contains("short-key-42"), error.getMessage());
        assertMentions(error.getMessage(), "auth.secret", "at least 32 bytes", "api.keys", "at least 16");
    }

    @Test
    void environmentVariablesOverrideTheFile() throws IOException {
        Config config = load("server:\n  port: 4000\nauth:\n  issuer: file\n", Map.of(
                "SWITCHBOARD_PORT", "5000",
                "REDIS_URL", "redis://:pw@redis.internal:6380/1",
                "JWT_SECRET", "an-environment-secret-of-at-least-32-bytes",
                "SWITCHBOARD_CORS_ORIGINS", "https://a.example, https://b.example:8443",
                "SWITCHBOARD_ROOMS_POLICIES", "[{\"pattern\": \"x:*\", \"roles\": [\"admin\"]}]",
                "SWITCHBOARD_AUTH_QUERY_TOKEN", "TRUE"));
        assertEquals(5000, config.get(ConfigKeys.PORT));
        assertEquals("environment variable SWITCHBOARD_PORT", config.source(ConfigKeys.PORT));
        assertEquals("redis://:pw@redis.internal:6380/1", config.get(ConfigKeys.REDIS_URL_OPTION));
        assertEquals("an-environment-secret-of-at-least-32-bytes", config.get(ConfigKeys.AUTH_SECRET));
        assertEquals(List.of("https://a.example", "https://b.example:8443"), config.get(ConfigKeys.CORS_ORIGINS));
        assertEquals(List.of(RoomRuleSpec.of("x:*", "admin")), config.get(ConfigKeys.ROOM_POLICIES));
        assertTrue(config.get(ConfigKeys.QUERY_TOKEN));
        assertEquals("file", config.get(ConfigKeys.ISSUER));
        assertTrue(config.source(ConfigKeys.ISSUER).startsWith("config file"));
    }

    @Test
    void anEmptyListCanBeGivenInAVariableAndBlankVariablesAreIgnored() throws IOException {
        Config config = load("cors:\n  origins: [\"https://a.example\"]\n",
                Map.of("SWITCHBOARD_CORS_ORIGINS", "[]", "SWITCHBOARD_PORT", "  "));
        assertEquals(List.of(), config.get(ConfigKeys.CORS_ORIGINS));
        assertEquals(3000, config.get(ConfigKeys.PORT));
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() throws IOException {
        ConfigException error = failure("", Map.of("SWITCHBOARD_PING_TIMEOUT", "soon", "JWT_SECRET", "short"));
        assertMentions(error.getMessage(), "invalid value for server.pingTimeout",
                "(environment variable SWITCHBOARD_PING_TIMEOUT)", "\"soon\"", "an integer from 1 up",
                "(environment variable JWT_SECRET)");
        assertFalse(error.getMessage().contains("\"short\""), "the secret is masked: " + error.getMessage());
    }

    @Test
    void theCommandLineOverridesTheEnvironment() throws IOException {
        Config config = ConfigLoader.load(file("server:\n  port: 1\n"), Map.of("SWITCHBOARD_PORT", "2"),
                Map.of(ConfigKeys.PORT, "0"));
        assertEquals(0, config.get(ConfigKeys.PORT));
        assertEquals("command line", config.source(ConfigKeys.PORT));
    }

    @Test
    void unknownSwitchboardVariablesAreWarnedAbout() throws IOException {
        Config config = load("", Map.of("SWITCHBOARD_PROT", "1", "SWITCHBOARD_LOG_LEVEL", "DEBUG", "HOME", "/"));
        assertEquals(1, config.warnings().size(), config.warnings().toString());
        assertMentions(config.warnings().get(0), "SWITCHBOARD_PROT", "did you mean SWITCHBOARD_PORT?");
    }

    @Test
    void unreadableFilesAreReported() throws IOException {
        assertMentions(assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("missing.yml"), Map.of(), Map.of())).getMessage(),
                "missing.yml does not exist");
        assertMentions(failure("server: [unclosed\n", Map.of()).getMessage(), "is not valid YAML");
        assertMentions(failure("server:\n  port: 1\n  port: 2\n", Map.of()).getMessage(), "is not valid YAML",
                "port");
        assertMentions(failure("- a list\n", Map.of()).getMessage(), "must hold a mapping");
    }

    @Test
    void anEmptyFileOrNullValuesMeanTheDefaults() throws IOException {
        assertEquals(Config.defaults().toYaml(false), load("", Map.of()).toYaml(false));
        assertEquals("", load("auth:\n  issuer:\n", Map.of()).get(ConfigKeys.ISSUER));
    }

    @Test
    void printingMasksSecretsAndPasswordsAndLoadsBack() throws IOException {
        Config config = load("auth:\n  secret: a-file-secret-of-at-least-32-bytes-long\n"
                + "api:\n  keys: [key-one-0123456789, key-two-0123456789]\n"
                + "adapter:\n  redis:\n    url: redis://user:s3cret@host:6379/0\n", Map.of());
        String masked = config.toYaml(true);
        assertFalse(masked.contains("a-file-secret"), masked);
        assertFalse(masked.contains("key-one"), masked);
        assertFalse(masked.contains("s3cret"), masked);
        assertMentions(masked, "redis://user:********@host:6379/0", "'********'");
        Config again = load(config.toYaml(false), Map.of());
        assertEquals(config.toYaml(false), again.toYaml(false));
    }
}
