package io.switchboard.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} and {@code --flag} options, plus the positional arguments. */
public final class Args {
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** Options named in {@code booleanFlags} never take the next argument as their value. */
    public Args(String[] args, String... booleanFlags) {
        java.util.Set<String> flags = java.util.Set.of(booleanFlags);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    options.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (!flags.contains(name) && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    options.put(name, args[++i]);
                } else {
                    options.put(name, "true");
                }
            } else {
                positional.add(a);
            }
        }
    }

    public List<String> positional() {
        return positional;
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public String str(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
        String v = options.get(name);
        return v == null ? fallback : Integer.parseInt(v.replace("_", ""));
    }

    public long longValue(String name, long fallback) {
        String v = options.get(name);
        return v == null ? fallback : Long.parseLong(v.replace("_", ""));
    }

    public double dbl(String name, double fallback) {
        String v = options.get(name);
        return v == null ? fallback : Double.parseDouble(v);
    }

    public boolean flag(String name) {
        String v = options.get(name);
        return v != null && !v.equals("false");
    }

    /** A long per comma-separated item, e.g. {@code 123,456}. */
    public long[] longs(String name) {
        String v = options.get(name);
        if (v == null || v.isBlank()) {
            return new long[0];
        }
        String[] parts = v.split(",");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Long.parseLong(parts[i].trim());
        }
        return out;
    }
}
