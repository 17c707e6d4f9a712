package io.switchboard.server.auth;

import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;

import javax.crypto.SecretKey;

/** The kinds of key a JWS algorithm needs; a token's key must be of its algorithm's family. */
public enum KeyFamily {
    HMAC, RSA, EC, EDDSA;

    /** The family of an algorithm name, or null for an unknown one ("none" included). */
    public static KeyFamily ofAlgorithm(String alg) {
        if (alg == null) {
            return null;
        }
        return switch (alg) {
            case "HS256", "HS384", "HS512" -> HMAC;
            case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" -> RSA;
            case "ES256", "ES384", "ES512" -> EC;
            case "EdDSA" -> EDDSA;
            default -> null;
        };
    }

    /** The family of a key, or null when it fits none. */
    public static KeyFamily ofKey(Key key) {
        if (key instanceof SecretKey) {
            return HMAC;
        }
        if (key instanceof RSAPublicKey) {
            return RSA;
        }
        if (key instanceof ECPublicKey) {
            return EC;
        }
        if (key instanceof EdECPublicKey) {
            return EDDSA;
        }
        return null;
    }

    /** How the family is named in messages. */
    public String label() {
        return switch (this) {
            case HMAC -> "HMAC";
            case RSA -> "RSA";
            case EC -> "EC";
            case EDDSA -> "Ed25519/Ed448";
        };
    }
}
