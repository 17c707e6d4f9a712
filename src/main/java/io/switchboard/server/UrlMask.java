package io.switchboard.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the credentials of URLs before they are printed (check-config, the startup log, error messages): the
 * password of the user info ({@code redis://user:********@host}; user info without a colon is taken as a password,
 * as Redis does) and the values of secret-looking query parameters ({@code ?api_key=********}).
 *
 * <p>Passwords are often written unencoded and hold {@code /}, {@code @}, {@code ?} or {@code #}, so the user info
 * is taken to end at the <em>last</em> {@code @} of the URL. That hides too much when a path or query holds an
 * {@code @} of its own ({@code https://********@example.com} for {@code ?owner=a@example.com}); hiding too much is
 * the safe side.
 */
public final class UrlMask {
    public static final String MASK = "********";
    /** A URL in free text: a scheme, "://", and everything up to a space or a quote. */
    private static final Pattern URL_IN_TEXT = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>]+");
    private static final Set<String> SECRET_NAMES = Set.of("password", "passwd", "pass", "pwd", "secret", "token",
            "key", "apikey", "auth", "authorization", "sig", "signature", "credential", "credentials", "code");
    private static final String[] SECRET_PARTS = {"password", "passwd", "secret", "token", "apikey", "credential",
        "privatekey", "accesskey", "sessionid"};

    private UrlMask() {
    }

    /** One URL with its password and secret query values hidden; text without "://" is returned as it is. */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int authority = scheme + 3;
        StringBuilder masked = new StringBuilder(url.length() + MASK.length());
        masked.append(url, 0, authority);
        int at = url.lastIndexOf('@');
        int rest = authority;
        if (at >= authority) {
            String userInfo = url.substring(authority, at);
            int colon = userInfo.indexOf(':');
            masked.append(colon < 0 ? "" : userInfo.substring(0, colon + 1)).append(MASK).append('@');
            rest = at + 1;
        }
        int query = url.indexOf('?', rest);
        if (query < 0) {
            return masked.append(url, rest, url.length()).toString();
        }
        masked.append(url, rest, query + 1);
        int fragment = url.indexOf('#', query);
        int end = fragment < 0 ? url.length() : fragment;
        String[] parameters = url.substring(query + 1, end).split("&", -1);
        for (int i = 0; i < parameters.length; i++) {
            String parameter = parameters[i];
            int equals = parameter.indexOf('=');
            if (i > 0) {
                masked.append('&');
            }
            if (equals > 0 && secretName(parameter.substring(0, equals))) {
                masked.append(parameter, 0, equals + 1).append(MASK);
            } else {
                masked.append(parameter);
            }
        }
        return masked.append(url, end, url.length()).toString();
    }

    /** Free text (an error message, a log line) with every URL in it masked. */
    public static String maskIn(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        Matcher matcher = URL_IN_TEXT.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(mask(matcher.group())));
        }
        return matcher.appendTail(out).toString();
    }

    /** password, api_key, X-Api-Key, access_token, client_secret, ...: compared without case, "_" or "-". */
    public static boolean secretName(String name) {
        String decoded;
        try {
            decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = name;
        }
        String plain = decoded.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (SECRET_NAMES.contains(plain) || plain.endsWith("key")) {
            return true;
        }
        for (String part : SECRET_PARTS) {
            if (plain.contains(part)) {
                return true;
            }
        }
        return false;
    }
}
