package io.switchboard.server.api;

import java.util.ArrayList;
import java.util.List;

/**
 * API keys scoped to one org ({@code api.orgKeys}, entries {@code ORG=KEY}): such a key may only ask for presence,
 * and learns only what a member of its org may (the rooms the room policy lets that org's members join, the users
 * of that org). Compared in constant time as {@link ApiKeys} does, every key every time.
 */
public final class OrgApiKeys {
    private final List<String> orgs = new ArrayList<>();
    private final List<ApiKeys> keys = new ArrayList<>();

    public OrgApiKeys(List<String> entries) {
        for (String entry : entries) {
            int split = entry.indexOf('=');
            if (split > 0 && split < entry.length() - 1) {
                orgs.add(entry.substring(0, split));
                keys.add(new ApiKeys(List.of(entry.substring(split + 1))));
            }
        }
    }

    public static OrgApiKeys none() {
        return new OrgApiKeys(List.of());
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The org of the key presented, or null when it is none of these. */
    public String orgOf(String candidate) {
        String found = null;
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).matches(candidate) && found == null) {
                found = orgs.get(i);
            }
        }
        return found;
    }

    /** Null when an {@code ORG=KEY} entry is well formed, else what is wrong with it. */
    public static String check(String entry) {
        int split = entry.indexOf('=');
        if (split <= 0) {
            return "ORG=KEY with an org before the first =";
        }
        return entry.length() - split - 1 >= 16 ? null : "ORG=KEY with a key of at least 16 characters";
    }
}
