package io.switchboard.server.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads keys from PEM text: public keys (SPKI or PKCS#1 RSA), certificates, and PKCS#8 private keys. */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final String[] ALGORITHMS = {"RSA", "EC", "EdDSA"};

    private Pem() {
    }

    /** PEM text as is, or the contents of the file the text names. */
    public static String textOrFile(String value) {
        if (value.strip().startsWith("-----BEGIN")) {
            return value;
        }
        Path file = Path.of(value.strip());
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("neither PEM text (-----BEGIN ...) nor a readable file: " + file);
        }
    }

    public static PublicKey publicKey(String pem) {
        Matcher block = block(pem);
        String label = block.group(1);
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        try {
            switch (label) {
                case "PUBLIC KEY":
                    return decodePublic(der);
                case "RSA PUBLIC KEY":
                    return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(rsaSpki(der)));
                case "CERTIFICATE":
                    return CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                default:
                    if (label.contains("PRIVATE KEY")) {
                        throw new IllegalArgumentException("this is a private key (" + label
                                + "); give the public key (openssl pkey -pubout) instead");
                    }
                    throw new IllegalArgumentException("unsupported PEM block " + label
                            + "; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the " + label + ": " + e.getMessage());
        }
    }

    public static PrivateKey privateKey(String pem) {
        Matcher block = block(pem);
        String label = block.group(1);
        if (!label.equals("PRIVATE KEY")) {
            throw new IllegalArgumentException("unsupported PEM block " + label + "; expected a PKCS#8 PRIVATE KEY"
                    + " (convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem)");
        }
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next one
            }
        }
        throw new IllegalArgumentException("the PRIVATE KEY is not an RSA, EC or EdDSA key");
    }

    private static Matcher block(String pem) {
        Matcher block = BLOCK.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("no PEM block (-----BEGIN ...----- ... -----END ...-----) found");
        }
        return block;
    }

    private static PublicKey decodePublic(byte[] der) {
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next one
            }
        }
        throw new IllegalArgumentException("the PUBLIC KEY is not an RSA, EC or EdDSA key");
    }

    /** Wraps a PKCS#1 RSAPublicKey in a SubjectPublicKeyInfo. */
    private static byte[] rsaSpki(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01, 0x05, 0x00};
        byte[] bitString = der(0x03, concat(new byte[] {0}, pkcs1));
        return der(0x30, concat(algorithm, bitString));
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 128) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = new byte[a.length + b.length];
        System.arraycopy(a, 0, result, 0, a.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
