package io.switchboard.server.auth;

import java.net.URI;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.switchboard.server.Glob;
import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigKeys;

/**
 * Authentication settings checked and made ready to use: the keys (HMAC secret per algorithm, public key, JWKS
 * URL), the algorithm allow-list, and the claims to require and read.
 */
public final class AuthSettings {
    /**
     * The secret used when no key is configured: public, so that anyone can mint tokens for a development server,
     * and therefore never to be used anywhere else.
     */
    public static final String DEVELOPMENT_SECRET =
            "switchboard-development-secret-PUBLIC-do-not-use-in-production-0123456789";

    private final Map<String, SecretKey> hmacKeys;
    private final PublicKey publicKey;
    private final URI jwksUrl;
    private final Set<String> algorithms;
    private final String issuer;
    private final String audience;
    private final long clockSkewSeconds;
    private final boolean queryToken;
    private final String queryTokenParam;
    private final ClaimNames claims;
    private final java.util.function.Predicate<String> exemptNamespaces;
    private final boolean developmentSecret;
    private final String secret;

    private AuthSettings(Config config, List<String> problems) {
        String configuredSecret = config.get(ConfigKeys.AUTH_SECRET);
        String publicKeyText = config.get(ConfigKeys.AUTH_PUBLIC_KEY);
        String jwks = config.get(ConfigKeys.JWKS_URL);
        boolean noKey = configuredSecret.isEmpty() && publicKeyText.isBlank() && jwks.isEmpty();
        this.developmentSecret = noKey && config.get(ConfigKeys.ALLOW_DEVELOPMENT_SECRET);
        if (noKey && !developmentSecret) {
            problems.add("auth: no key configured; set auth.secret (" + ConfigKeys.AUTH_SECRET.env()
                    + "), auth.publicKey (" + ConfigKeys.AUTH_PUBLIC_KEY.env() + ") or auth.jwks.url ("
                    + ConfigKeys.JWKS_URL.env() + "), or allow the public development secret with"
                    + " auth.allowDevelopmentSecret: true");
        }
        this.secret = developmentSecret ? DEVELOPMENT_SECRET : configuredSecret;
        this.hmacKeys = new LinkedHashMap<>();
        if (!secret.isEmpty()) {
            byte[] bytes = ConfigKeys.secretBytes(secret);
            for (String alg : List.of("HS256", "HS384", "HS512")) {
                int bits = Integer.parseInt(alg.substring(2));
                if (bytes.length * 8 >= bits) {
                    hmacKeys.put(alg, new SecretKeySpec(bytes, "HmacSHA" + bits));
                }
            }
        }
        PublicKey key = null;
        if (!publicKeyText.isBlank()) {
            try {
                key = Pem.publicKey(Pem.textOrFile(publicKeyText));
            } catch (IllegalArgumentException e) {
                problems.add("invalid value for auth.publicKey (" + config.source(ConfigKeys.AUTH_PUBLIC_KEY) + "): "
                        + e.getMessage() + "; allowed: a PEM public key or certificate (RSA, EC or Ed25519), inline"
                        + " or as a file path");
            }
        }
        this.publicKey = key;
        this.jwksUrl = jwks.isEmpty() ? null : URI.create(jwks);
        this.algorithms = algorithms(config, problems);
        this.issuer = config.get(ConfigKeys.ISSUER);
        this.audience = config.get(ConfigKeys.AUDIENCE);
        this.clockSkewSeconds = config.get(ConfigKeys.CLOCK_SKEW_SECONDS);
        this.queryToken = config.get(ConfigKeys.QUERY_TOKEN);
        this.queryTokenParam = config.get(ConfigKeys.QUERY_TOKEN_PARAM);
        this.claims = new ClaimNames(config.get(ConfigKeys.CLAIM_USER_ID), config.get(ConfigKeys.CLAIM_ORG),
                config.get(ConfigKeys.CLAIM_NAME), config.get(ConfigKeys.CLAIM_ROLES));
        this.exemptNamespaces = Glob.anyOf(config.get(ConfigKeys.EXEMPT_NAMESPACES));
    }

    /** Checks the authentication options together; throws with every problem found. */
    public static AuthSettings from(Config config) {
        List<String> problems = new ArrayList<>();
        AuthSettings settings = new AuthSettings(config, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return settings;
    }

    /** The configured list, or every algorithm the keys support; each listed one must have a key of its kind. */
    private Set<String> algorithms(Config config, List<String> problems) {
        List<String> configured = config.get(ConfigKeys.ALGORITHMS_OPTION);
        KeyFamily publicFamily = publicKey == null ? null : KeyFamily.ofKey(publicKey);
        if (configured.isEmpty()) {
            Set<String> derived = new LinkedHashSet<>(hmacKeys.keySet());
            for (String alg : ConfigKeys.ALGORITHMS) {
                KeyFamily family = KeyFamily.ofAlgorithm(alg);
                if (family != KeyFamily.HMAC && (jwksUrl != null || family == publicFamily)) {
                    derived.add(alg);
                }
            }
            return Set.copyOf(derived);
        }
        for (String alg : configured) {
            KeyFamily family = KeyFamily.ofAlgorithm(alg);
            if (family == KeyFamily.HMAC && !hmacKeys.containsKey(alg)) {
                problems.add("invalid value for auth.algorithms (" + config.source(ConfigKeys.ALGORITHMS_OPTION)
                        + "): " + alg + " needs auth.secret (" + ConfigKeys.AUTH_SECRET.env() + ") of at least "
                        + Integer.parseInt(alg.substring(2)) / 8 + " bytes; allowed: algorithms the configured keys"
                        + " support, here " + supported(publicFamily));
            } else if (family != KeyFamily.HMAC && jwksUrl == null && family != publicFamily) {
                problems.add("invalid value for auth.algorithms (" + config.source(ConfigKeys.ALGORITHMS_OPTION)
                        + "): " + alg + " needs an " + family.label() + " auth.publicKey or auth.jwks.url; allowed:"
                        + " algorithms the configured keys support, here " + supported(publicFamily));
            }
        }
        return Set.copyOf(configured);
    }

    private String supported(KeyFamily publicFamily) {
        List<String> names = new ArrayList<>();
        for (String alg : ConfigKeys.ALGORITHMS) {
            KeyFamily family = KeyFamily.ofAlgorithm(alg);
            if (family == KeyFamily.HMAC ? hmacKeys.containsKey(alg) : jwksUrl != null || family == publicFamily) {
                names.add(alg);
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /** The HMAC key for an HS algorithm, or null when the secret is missing or too short for it. */
    public SecretKey hmacKey(String alg) {
        return hmacKeys.get(alg);
    }

    /** The secret tokens are signed with by {@code token}, "" when there is none. */
    public String secret() {
        return secret;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public URI jwksUrl() {
        return jwksUrl;
    }

    public Set<String> algorithms() {
        return algorithms;
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    public long clockSkewSeconds() {
        return clockSkewSeconds;
    }

    public boolean queryToken() {
        return queryToken;
    }

    public String queryTokenParam() {
        return queryTokenParam;
    }

    public ClaimNames claims() {
        return claims;
    }

    /** Whether the public development secret is in use (no key was configured). */
    public boolean developmentSecret() {
        return developmentSecret;
    }

    public boolean exempt(String namespace) {
        return exemptNamespaces.test(namespace);
    }
}
