package io.switchboard.server.auth;

/** Which token claims hold the user id, the organisation, the display name and the roles. */
public record ClaimNames(String userId, String org, String name, String roles) {
    public static final ClaimNames DEFAULTS = new ClaimNames("sub", "orgId", "name", "roles");
}
