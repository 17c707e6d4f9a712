package io.switchboard.server.metrics;

import java.util.Locale;

/**
 * A reason as a metric label: a short snake_case code ({@code invalid_token}, {@code transport_close}) whatever the
 * reason was given as, so that labels stay stable, easy to match in PromQL, and free of prose or client text.
 */
final class ReasonCode {
    /** Longer reasons are cut: a label value is a code, not a message. */
    private static final int MAX_LENGTH = 48;

    private ReasonCode() {
    }

    static String of(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown";
        }
        StringBuilder code = new StringBuilder(Math.min(reason.length(), MAX_LENGTH));
        boolean gap = false;
        for (int i = 0; i < reason.length() && code.length() < MAX_LENGTH; i++) {
            char c = Character.toLowerCase(reason.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (gap && code.length() > 0) {
                    code.append('_');
                }
                code.append(c);
                gap = false;
            } else {
                gap = true;
            }
        }
        return code.length() == 0 ? "unknown" : code.toString().toLowerCase(Locale.ROOT);
    }
}
