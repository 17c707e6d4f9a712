package io.switchboard.server.adminui;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import io.switchboard.engine.CorsOptions;

import io.switchboard.server.admin.AdminNamespace;
import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigKeys;

/**
 * The {@code adminUi} section: the namespace the Socket.IO Admin UI connects to, the one account that may log in
 * (a bcrypt hash, never the password), what the UI is sent (development: every socket and event; production: the
 * aggregated figures only) and whether its commands are refused (readonly).
 */
public record AdminUiSettings(boolean enabled, String namespace, String username, String passwordHash,
                              boolean development, boolean readonly, long sessionDuration, String serverId,
                              boolean serveUi) {
    /** The origin of the hosted UI, let through CORS when the UI is enabled. */
    public static final String HOSTED_UI_ORIGIN = "https://admin.socket.io";
    /** What bcrypt libraries write: $2a$, $2b$ or $2y$, a two-digit cost, then 22 + 31 characters of salt and hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    public static AdminUiSettings from(Config config) {
        AdminUiSettings settings = new AdminUiSettings(config.get(ConfigKeys.ADMIN_UI_ENABLED),
                config.get(ConfigKeys.ADMIN_UI_NAMESPACE), config.get(ConfigKeys.ADMIN_UI_USERNAME),
                config.get(ConfigKeys.ADMIN_UI_PASSWORD_HASH), "development".equals(config.get(ConfigKeys.ADMIN_UI_MODE)),
                config.get(ConfigKeys.ADMIN_UI_READONLY), config.get(ConfigKeys.ADMIN_UI_SESSION_DURATION),
                config.get(ConfigKeys.ADMIN_UI_SERVER_ID), config.get(ConfigKeys.ADMIN_UI_SERVE_UI));
        if (settings.enabled) {
            settings.check();
        }
        return settings;
    }

    private void check() {
        if (username.isEmpty() || passwordHash.isEmpty()) {
            throw new ConfigException("adminUi.enabled needs adminUi.username and adminUi.passwordHash (a bcrypt hash:"
                    + " the UI is never open without credentials)");
        }
        if (!isBcryptHash(passwordHash)) {
            throw new ConfigException("adminUi.passwordHash must be a bcrypt hash ($2a$, $2b$ or $2y$, as"
                    + " `htpasswd -nbBC 10 USER PASSWORD` or bcryptjs write it), not the password itself");
        }
        if (namespace.equals("/") || namespace.equals(AdminNamespace.NAME)) {
            throw new ConfigException("adminUi.namespace must differ from \"/\" and from " + AdminNamespace.NAME
                    + " (Switchboard's own admin namespace)");
        }
    }

    /**
     * The CORS policy with the hosted UI's origin let through: added to a list of origins; with CORS off, that origin
     * alone, with credentials (the UI's polling requests carry them). "*" lets it through already.
     */
    public static CorsOptions withHostedUi(CorsOptions cors) {
        if (!cors.enabled()) {
            return CorsOptions.origins(Set.of(HOSTED_UI_ORIGIN), true);
        }
        if (cors.allows(HOSTED_UI_ORIGIN)) {
            return cors;
        }
        Set<String> origins = new LinkedHashSet<>(cors.origins());
        origins.add(HOSTED_UI_ORIGIN);
        return new CorsOptions(Set.copyOf(origins), cors.credentials(), cors.methods(), cors.allowedHeaders(),
                cors.maxAgeSeconds());
    }

    static boolean isBcryptHash(String text) {
        return BCRYPT.matcher(text).matches();
    }

    /** The id the UI knows this node by: adminUi.serverId, else host name and process id (nodes share hosts). */
    public String effectiveServerId() {
        return serverId.isEmpty() ? hostname() + "#" + ProcessHandle.current().pid() : serverId;
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String name = ManagementFactory.getRuntimeMXBean().getName();
            return name.substring(name.indexOf('@') + 1);
        }
    }
}
