package io.switchboard.server.ratelimit;

import java.util.Map;
import java.util.function.Consumer;

import io.switchboard.core.ConnectError;
import io.switchboard.core.Middleware;
import io.switchboard.core.Socket;

/**
 * The authentication middleware behind the CONNECT budgets. A CONNECT (to any namespace) draws on its connection's
 * and its address's CONNECT budgets; a connection or address that failed to authenticate too often is refused
 * without the token being verified, so that a few connections cannot make the node verify signatures without end;
 * a user in their cooldown is refused once their token is known. Every refusal is a CONNECT_ERROR
 * {message, data: {code: "rate_limited" | "cooldown", reason, retryAfter}}.
 */
final class ConnectGuard implements Middleware {
    static final String TOO_MANY_CONNECTS = "Too many connects";
    static final String TOO_MANY_AUTH_FAILURES = "Too many failed authentications";
    static final String COOLDOWN = "Rate limit cooldown after repeated violations";

    private final RateLimits limits;
    private final Middleware authentication;

    ConnectGuard(RateLimits limits, Middleware authentication) {
        this.limits = limits;
        this.authentication = authentication;
    }

    @Override
    public void handle(Socket socket, Consumer<Exception> next) {
        long now = limits.now();
        Connections.Budget budget = limits.connections.of(socket.connectionId());
        String address = socket.handshake().address();
        long wait = budget.takeConnect(now);
        if (wait > 0) {
            next.accept(refuse(TOO_MANY_CONNECTS, Refusal.CODE_RATE_LIMITED, Refusal.CONNECT_RATE, wait));
            return;
        }
        if (limits.addressConnects != null && address != null
                && (wait = limits.addressConnects.take(address)) > 0) {
            next.accept(refuse(TOO_MANY_CONNECTS, Refusal.CODE_RATE_LIMITED, Refusal.CONNECT_RATE_ADDRESS, wait));
            return;
        }
        if ((wait = budget.authFailureWait(now)) > 0) {
            next.accept(refuse(TOO_MANY_AUTH_FAILURES, Refusal.CODE_RATE_LIMITED, Refusal.AUTH_FAILURES, wait));
            return;
        }
        if (limits.addressAuthFailures != null && address != null
                && (wait = limits.addressAuthFailures.wait(address)) > 0) {
            next.accept(refuse(TOO_MANY_AUTH_FAILURES, Refusal.CODE_RATE_LIMITED, Refusal.AUTH_FAILURES_ADDRESS,
                    wait));
            return;
        }
        authentication.handle(socket, error -> {
            if (error != null) {
                budget.authFailed(limits.now());
                if (limits.addressAuthFailures != null && address != null) {
                    limits.addressAuthFailures.take(address);
                }
                next.accept(error);
                return;
            }
            long cooldown = limits.cooldowns.remaining(RateLimits.userKey(limits.userId(socket)));
            if (cooldown > 0) {
                socket.data().remove(io.switchboard.server.auth.Identity.DATA_KEY);
                next.accept(refuse(COOLDOWN, Refusal.CODE_COOLDOWN, Refusal.COOLDOWN_USER, cooldown));
                return;
            }
            next.accept(null);
        });
    }

    private ConnectError refuse(String message, String code, String reason, long waitNanos) {
        limits.refused(reason);
        return new ConnectError(message, Map.of("code", code, "reason", reason,
                "retryAfter", RateLimits.retryAfter(waitNanos)));
    }
}
