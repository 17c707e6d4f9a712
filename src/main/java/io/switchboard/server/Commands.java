package io.switchboard.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.Key;
import java.security.PrivateKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import io.switchboard.server.auth.AuthSettings;
import io.switchboard.server.auth.ClaimNames;
import io.switchboard.server.auth.KeyFamily;
import io.switchboard.server.auth.Pem;
import io.switchboard.server.adminui.AdminUiSettings;
import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigKeys;
import io.switchboard.server.config.ConfigLoader;
import io.switchboard.server.config.Option;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The picocli commands of {@link Main}. */
final class Commands {
    /** Exit code of a configuration that cannot be used. */
    static final int CONFIG_ERROR = 3;
    /** Exit code of a server that could not start (port taken, Redis unreachable, ...). */
    static final int STARTUP_ERROR = 1;

    private Commands() {
    }

    /** What the commands share: the environment, and the server {@code serve} started. */
    static final class Context {
        private final Map<String, String> env;
        private SwitchboardServer started;

        Context(Map<String, String> env) {
            this.env = env;
        }

        SwitchboardServer started() {
            return started;
        }
    }

    static CommandLine commandLine(Context context) {
        CommandLine commandLine = new CommandLine(new Top());
        commandLine.addSubcommand("serve", new Serve(context));
        commandLine.addSubcommand("token", new Token(context));
        commandLine.addSubcommand("check-config", new CheckConfig(context));
        commandLine.addSubcommand("help", new CommandLine.HelpCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    @Command(name = "switchboard", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"A Socket.IO v4 server: JWT authentication, rooms, and an HTTP API for backends.",
                "Without a command, runs `serve`."},
            footer = {"", "Every configuration option can be set in the YAML file or with its environment variable;"
                + " see config/switchboard.yml.",
                "Exit codes: 0 ok, 1 cannot start, 2 bad command line, 3 bad configuration."})
    static final class Top implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"switchboard " + Main.version()};
        }
    }

    /** --config, shared by the commands. */
    static final class ConfigFile {
        @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "the YAML configuration file (default: $SWITCHBOARD_CONFIG, else the embedded"
                        + " defaults)")
        Path file;

        Path resolve(Map<String, String> env) {
            if (file != null) {
                return file;
            }
            String fromEnv = env.get("SWITCHBOARD_CONFIG");
            return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv.trim());
        }
    }

    static void printProblems(PrintWriter err, ConfigException e) {
        err.println("switchboard: the configuration cannot be used:");
        for (String problem : e.problems()) {
            err.println("  - " + UrlMask.maskIn(problem));
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Runs the server (the default command); prints `listening on HOST:PORT` when ready.")
    static final class Serve implements Callable<Integer> {
        private final Context context;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigFile config = new ConfigFile();

        @CommandLine.Option(names = "--port", paramLabel = "PORT",
                description = "overrides server.port (0 picks a free port)")
        String port;

        @CommandLine.Option(names = "--host", paramLabel = "HOST", description = "overrides server.host")
        String host;

        Serve(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Map<Option<?>, String> overrides = new LinkedHashMap<>();
            if (port != null) {
                overrides.put(ConfigKeys.PORT, port);
            }
            if (host != null) {
                overrides.put(ConfigKeys.HOST, host);
            }
            Path file = config.resolve(context.env);
            SwitchboardServer server;
            try {
                Config loaded = ConfigLoader.load(file, context.env, overrides);
                LogFormat.apply(loaded.get(ConfigKeys.LOGGING_FORMAT));   // before the first line is logged
                org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
                log.info("Switchboard {} starting with {}", Main.version(),
                        file == null ? "the embedded defaults (no --config)" : "config file " + file);
                loaded.warnings().forEach(log::warn);
                server = SwitchboardServer.create(loaded);
            } catch (ConfigException e) {
                List<String> fromCommandLine = e.problems().stream()
                        .filter(problem -> problem.contains("(" + ConfigLoader.COMMAND_LINE + ")")).toList();
                if (!fromCommandLine.isEmpty()) {   // a bad --port or --host is a bad command line: exit 2
                    throw new CommandLine.ParameterException(spec.commandLine(), UrlMask.maskIn(
                            String.join("; ", fromCommandLine).replace("server.port (command line)", "--port")
                                    .replace("server.host (command line)", "--host")));
                }
                printProblems(err, e);
                return CONFIG_ERROR;
            } catch (StartupException e) {
                err.println("switchboard: cannot start: " + UrlMask.maskIn(e.getMessage()));
                return STARTUP_ERROR;
            }
            try {
                server.start();
            } catch (StartupException e) {
                err.println("switchboard: cannot start: " + UrlMask.maskIn(e.getMessage()));
                return STARTUP_ERROR;
            }
            context.started = server;
            return 0;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Validates the configuration (file, environment variables) and prints the effective"
                    + " configuration, secrets masked.")
    static final class CheckConfig implements Callable<Integer> {
        private final Context context;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigFile config = new ConfigFile();

        CheckConfig(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path file = config.resolve(context.env);
            try {
                Config loaded = ConfigLoader.load(file, context.env, Map.of());
                AuthSettings auth = AuthSettings.from(loaded);
                AdminUiSettings.from(loaded);   // a password where its bcrypt hash belongs, a clashing namespace
                loaded.warnings().forEach(warning -> err.println("warning: " + warning));
                if (auth.developmentSecret()) {
                    err.println("warning: no JWT key is configured: the server would use the public development"
                            + " secret");
                }
                out.println("# the configuration is valid (" + (file == null ? "embedded defaults" : file)
                        + ", environment variables applied); secrets are masked");
                out.print(loaded.toYaml(true));
                out.flush();
                return 0;
            } catch (ConfigException e) {
                printProblems(err, e);
                return CONFIG_ERROR;
            }
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Mints a JWT for development and tests, signed with the configured secret (or the"
                + " development secret), or with --private-key.",
                "Claim names, issuer and audience follow the configuration. Prints the token alone on stdout."})
    static final class Token implements Callable<Integer> {
        private static final Pattern TTL = Pattern.compile("(\\d+)([smhd]?)");
        private static final ObjectMapper JSON = new ObjectMapper();

        private final Context context;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigFile config = new ConfigFile();

        @CommandLine.Option(names = {"--sub", "--subject"}, required = true, paramLabel = "USER_ID",
                description = "the user id (the sub claim, and the auth.claims.userId claim)")
        String subject;

        @CommandLine.Option(names = "--org", paramLabel = "ORG_ID", description = "the organisation id")
        String org;

        @CommandLine.Option(names = "--name", paramLabel = "NAME", description = "the display name")
        String name;

        @CommandLine.Option(names = {"--role", "--roles"}, split = ",", paramLabel = "ROLE",
                description = "a role (repeatable, or comma-separated)")
        List<String> roles = new ArrayList<>();

        @CommandLine.Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION",
                description = "lifetime: seconds, or with s, m, h or d (default: ${DEFAULT-VALUE})")
        String ttl;

        @CommandLine.Option(names = "--claim", paramLabel = "NAME=VALUE",
                description = "an extra claim (repeatable); the value is JSON if it parses, else a string")
        Map<String, String> extraClaims = new LinkedHashMap<>();

        @CommandLine.Option(names = "--issuer", description = "the iss claim (default: auth.issuer)")
        String issuer;

        @CommandLine.Option(names = "--audience", description = "the aud claim (default: auth.audience)")
        String audience;

        @CommandLine.Option(names = "--alg", paramLabel = "ALG",
                description = "the algorithm (default: HS256, or the private key's)")
        String algorithm;

        @CommandLine.Option(names = "--private-key", paramLabel = "PEM_FILE",
                description = "sign with this PKCS#8 private key (RSA, EC or Ed25519) instead of the secret")
        Path privateKey;

        @CommandLine.Option(names = "--kid", paramLabel = "KEY_ID", description = "the kid header")
        String kid;

        Token(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Duration lifetime = lifetime();
            AuthSettings auth;
            try {
                auth = AuthSettings.from(ConfigLoader.load(config.resolve(context.env), context.env, Map.of()));
            } catch (ConfigException e) {
                printProblems(err, e);
                return CONFIG_ERROR;
            }
            Key key;
            String alg;
            if (privateKey != null) {
                try {
                    key = Pem.privateKey(Pem.textOrFile(privateKey.toString()));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--private-key: " + e.getMessage());
                }
                alg = algorithm != null ? algorithm : defaultAlgorithm((PrivateKey) key);
            } else {
                if (auth.secret().isEmpty()) {
                    err.println("switchboard: no HMAC secret is configured (auth.secret, "
                            + ConfigKeys.AUTH_SECRET.env() + "); give --private-key to sign with a private key");
                    return CONFIG_ERROR;
                }
                alg = algorithm != null ? algorithm : "HS256";
                key = auth.hmacKey(alg);
                if (KeyFamily.ofAlgorithm(alg) != KeyFamily.HMAC || key == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--alg " + alg
                            + ": the secret signs HS256" + (auth.hmacKey("HS384") != null ? ", HS384" : "")
                            + (auth.hmacKey("HS512") != null ? ", HS512" : "") + " only");
                }
            }
            SecureDigestAlgorithm<?, ?> signature = Jwts.SIG.get().get(alg);
            if (signature == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--alg " + alg + ": one of "
                        + String.join(", ", ConfigKeys.ALGORITHMS));
            }
            out.println(build(auth.claims(), auth, key, signature, lifetime));
            out.flush();
            if (auth.developmentSecret() && privateKey == null) {
                err.println("note: signed with the public development secret; only a server without a configured"
                        + " key accepts it");
            }
            return 0;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private String build(ClaimNames names, AuthSettings auth, Key key, SecureDigestAlgorithm<?, ?> signature,
                             Duration lifetime) {
            Map<String, Object> claims = new LinkedHashMap<>();
            extraClaims.forEach((claim, value) -> claims.put(claim, jsonOrText(value)));
            claims.put(names.userId(), subject);
            if (org != null) {
                claims.put(names.org(), org);
            }
            if (name != null) {
                claims.put(names.name(), name);
            }
            if (!roles.isEmpty()) {
                claims.put(names.roles(), List.copyOf(roles));
            }
            Instant now = Instant.now();
            JwtBuilder builder = Jwts.builder().claims(claims).subject(subject).issuedAt(Date.from(now))
                    .expiration(Date.from(now.plus(lifetime)));
            String iss = issuer != null ? issuer : auth.issuer();
            if (!iss.isEmpty()) {
                builder.issuer(iss);
            }
            String aud = audience != null ? audience : auth.audience();
            if (!aud.isEmpty()) {
                builder.audience().add(aud).and();
            }
            if (kid != null) {
                builder.header().keyId(kid).and();
            }
            return builder.signWith(key, (SecureDigestAlgorithm) signature).compact();
        }

        private Duration lifetime() {
            Matcher matcher = TTL.matcher(ttl.trim());
            if (!matcher.matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--ttl " + ttl + ": give seconds, or a number with s, m, h or d (e.g. 30m)");
            }
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            };
        }

        private static Object jsonOrText(String value) {
            try {
                return JSON.readValue(value, Object.class);
            } catch (Exception e) {
                return value;
            }
        }

        private static String defaultAlgorithm(PrivateKey key) {
            if (key instanceof RSAKey) {
                return "RS256";
            }
            if (key instanceof ECKey ec) {
                int bits = ec.getParams().getCurve().getField().getFieldSize();
                return bits <= 256 ? "ES256" : bits <= 384 ? "ES384" : "ES512";
            }
            return "EdDSA";
        }
    }
}
