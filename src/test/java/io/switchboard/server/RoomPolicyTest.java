package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.switchboard.server.auth.ClaimNames;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.RoomRuleSpec;
import io.switchboard.server.rooms.RoomNames;
import io.switchboard.server.rooms.RoomPolicy;
import org.junit.jupiter.api.Test;

class RoomPolicyTest {
    private static final RoomPolicy POLICY = new RoomPolicy(List.of(
            RoomRuleSpec.of("chat:*"),
            RoomRuleSpec.of("org:{orgId}:*"),
            RoomRuleSpec.of("user:{sub}"),
            RoomRuleSpec.of("admin:*", "admin", "owner"),
            RoomRuleSpec.of("team:{teams}:*"),
            RoomRuleSpec.of("dm:{userId}:*")));

    private static Identity user(Map<String, Object> claims) {
        return Identity.of(claims, ClaimNames.DEFAULTS);
    }

    @Test
    void wildcardsAndPlaceholders() {
        Identity alice = user(Map.of("sub", "alice", "orgId", "acme"));
        assertTrue(POLICY.allows("chat:general", alice));
        assertTrue(POLICY.allows("org:acme:sales", alice));
        assertFalse(POLICY.allows("org:globex:sales", alice));
        assertFalse(POLICY.allows("org:acme", alice), "the pattern needs the trailing part");
        assertTrue(POLICY.allows("user:alice", alice));
        assertFalse(POLICY.allows("user:bob", alice));
        assertFalse(POLICY.allows("user:alice2", alice));
        assertTrue(POLICY.allows("dm:alice:bob", alice));
        assertFalse(POLICY.allows("elsewhere", alice));
    }

    @Test
    void claimValuesAreLiteralNotPatterns() {
        Identity sneaky = user(Map.of("sub", ".*", "orgId", "a*"));
        assertFalse(POLICY.allows("user:anyone", sneaky));
        assertTrue(POLICY.allows("user:.*", sneaky));
        assertFalse(POLICY.allows("org:acme:x", sneaky));
        assertTrue(POLICY.allows("org:a*:x", sneaky));
    }

    @Test
    void aClaimValueMatchesExactlyItselfWhateverCharactersItHolds() {
        Identity eu = user(Map.of("sub", "eve", "orgId", "acme:eu"));
        assertFalse(POLICY.allows("org:acme:eu:payroll", eu), "a room of org acme, not of acme:eu");
        assertTrue(POLICY.allows("org:acme%3Aeu:payroll", eu));
        assertEquals(List.of("user:eve", "org:acme%3Aeu"), eu.autoRooms());
        Identity acme = user(Map.of("sub", "alice", "orgId", "acme"));
        assertFalse(POLICY.allows("org:acme%3Aeu:payroll", acme));
        assertFalse(acme.autoRooms().contains("org:acme:eu"));
        Identity percent = user(Map.of("sub", "p", "orgId", "acme%3Aeu"));
        assertFalse(POLICY.allows("org:acme%3Aeu:payroll", percent), "an escape in a value is escaped too");
        assertEquals("org:acme%253Aeu", RoomNames.org("acme%3Aeu"));
        assertFalse(POLICY.allows("user:a:b", user(Map.of("sub", "a"))));
        assertTrue(POLICY.allows("user:a%3Ab", user(Map.of("sub", "a:b"))));
        assertFalse(POLICY.allows("user:a:b", user(Map.of("sub", "a:b"))));
    }

    @Test
    void aMissingClaimMatchesNothingAndAListClaimMatchesAnyValue() {
        Identity noOrg = user(Map.of("sub", "bob"));
        assertFalse(POLICY.allows("org::x", noOrg));
        Identity teams = user(Map.of("sub", "bob", "teams", List.of("red", "blue")));
        assertTrue(POLICY.allows("team:red:x", teams));
        assertTrue(POLICY.allows("team:blue:x", teams));
        assertFalse(POLICY.allows("team:green:x", teams));
    }

    @Test
    void rolesRestrictARule() {
        assertFalse(POLICY.allows("admin:ops", user(Map.of("sub", "a"))));
        assertFalse(POLICY.allows("admin:ops", user(Map.of("sub", "a", "roles", List.of("user")))));
        assertTrue(POLICY.allows("admin:ops", user(Map.of("sub", "a", "roles", List.of("user", "owner")))));
        assertTrue(POLICY.allows("admin:ops", user(Map.of("sub", "a", "roles", "user admin"))));
    }

    @Test
    void aliasesFollowTheConfiguredClaimNames() {
        ClaimNames names = new ClaimNames("uid", "tenant", "display", "realm_access.roles");
        Identity identity = Identity.of(Map.of("uid", "u7", "tenant", "t1",
                "realm_access", Map.of("roles", List.of("admin"))), names);
        RoomPolicy policy = new RoomPolicy(List.of(RoomRuleSpec.of("org:{orgId}:*"), RoomRuleSpec.of("me:{userId}"),
                RoomRuleSpec.of("ops", "admin")));
        assertTrue(policy.allows("org:t1:x", identity));
        assertTrue(policy.allows("me:u7", identity));
        assertTrue(policy.allows("ops", identity), "roles read through a dotted claim path");
        assertFalse(Identity.anonymous().roles().contains("admin"));
        assertFalse(policy.allows("me:u7", Identity.anonymous()));
    }
}
