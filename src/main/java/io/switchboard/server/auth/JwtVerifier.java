package io.switchboard.server.auth;

import java.io.IOException;
import java.security.Key;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import javax.crypto.SecretKey;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtParserBuilder;
import io.jsonwebtoken.Jwts;

/**
 * Verifies JWS tokens against the configured keys. The header's {@code alg} must be on the allow-list ("none" never
 * is), and picks the kind of key: an HS token is checked only against the HMAC secret and an RS/PS/ES/EdDSA token only
 * against a public key of its own kind, so that a token cannot choose how it is verified (algorithm confusion).
 * exp and nbf are checked with the clock skew, iss and aud when configured, and the user id claim must be present.
 * Completes with the token's claims exactly as the token carries them, or fails with an {@link AuthException}.
 */
public final class JwtVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final AuthSettings settings;
    private final JwksKeys jwks;

    public JwtVerifier(AuthSettings settings, JwksKeys jwks) {
        this.settings = settings;
        this.jwks = jwks;
    }

    public CompletableFuture<Map<String, Object>> verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return CompletableFuture.failedFuture(AuthException.invalid("not a signed JWT (JWS compact form)"));
        }
        JsonNode header;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        } catch (IOException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(AuthException.invalid("unreadable header"));
        }
        if (header == null || !header.isObject()) {
            return CompletableFuture.failedFuture(AuthException.invalid("unreadable header"));
        }
        String alg = header.path("alg").asText("");
        KeyFamily family = KeyFamily.ofAlgorithm(alg);
        if (family == null || !settings.algorithms().contains(alg)) {
            return CompletableFuture.failedFuture(AuthException.invalid("algorithm \"" + alg + "\" not accepted"));
        }
        if (header.has("zip") || header.has("b64") || header.has("crit")) {
            return CompletableFuture.failedFuture(AuthException.invalid("unsupported header parameter"));
        }
        String kid = header.path("kid").isTextual() ? header.get("kid").asText() : null;
        CompletableFuture<? extends Key> key = family == KeyFamily.HMAC
                ? CompletableFuture.completedFuture(settings.hmacKey(alg))
                : publicKey(family, kid);
        return key.thenApply(found -> {
            if (found == null) {
                throw AuthException.invalid("no " + family.label() + " key" + (kid == null ? "" : " with kid " + kid));
            }
            return check(token, parts[1], found);
        });
    }

    private CompletableFuture<PublicKey> publicKey(KeyFamily family, String kid) {
        PublicKey configured = settings.publicKey();
        PublicKey fallback = configured != null && KeyFamily.ofKey(configured) == family ? configured : null;
        if (jwks == null) {
            return CompletableFuture.completedFuture(fallback);
        }
        return jwks.find(kid, family).handle((found, error) -> found != null ? found : fallback);
    }

    private Map<String, Object> check(String token, String payload, Key key) {
        JwtParserBuilder parser = Jwts.parser().clockSkewSeconds(settings.clockSkewSeconds());
        if (key instanceof SecretKey secretKey) {
            parser.verifyWith(secretKey);
        } else {
            parser.verifyWith((PublicKey) key);
        }
        if (!settings.issuer().isEmpty()) {
            parser.requireIssuer(settings.issuer());
        }
        if (!settings.audience().isEmpty()) {
            parser.requireAudience(settings.audience());
        }
        try {
            parser.build().parseSignedClaims(token);
        } catch (ExpiredJwtException e) {
            throw AuthException.expired(e.getMessage());
        } catch (RuntimeException e) {
            throw AuthException.invalid(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        Map<String, Object> claims;
        try {
            claims = JSON.readValue(Base64.getUrlDecoder().decode(payload), MAP);
        } catch (IOException | IllegalArgumentException e) {
            throw AuthException.invalid("unreadable payload");
        }
        if (Identity.of(claims, settings.claims()).userId() == null) {
            throw AuthException.invalid("no user id claim \"" + settings.claims().userId() + "\"");
        }
        return claims;
    }
}
