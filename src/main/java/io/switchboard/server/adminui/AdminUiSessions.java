package io.switchboard.server.adminui;

import java.util.concurrent.CompletableFuture;

/**
 * The logins of the Admin UI: a session id handed to the UI after a good password, that later connections (a
 * reconnection, another node of the cluster) may show instead of the credentials until it expires.
 */
public interface AdminUiSessions {
    CompletableFuture<Boolean> exists(String sessionId);

    /** Keeps the session for the configured duration; completes when it is stored. */
    CompletableFuture<Void> save(String sessionId);
}
