package io.switchboard.server.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4) for the tests: every sample line must be
 * {@code name[{label="value",...}] value [timestamp]}, with the format's escapes in label values, and must follow its
 * family's # TYPE line. A malformed line fails the test.
 */
public final class PrometheusText {
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new TreeMap<>();

    public static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isEmpty()) {
                continue;
            }
            try {
                parsed.line(line);
            } catch (RuntimeException e) {
                throw new AssertionError("line " + (n + 1) + " is not valid exposition text: " + line, e);
            }
        }
        return parsed;
    }

    private void line(String line) {
        if (line.startsWith("#")) {
            String[] parts = line.split(" ", 4);
            if (parts.length >= 4 && parts[1].equals("TYPE")) {
                if (!parts[3].matches("counter|gauge|histogram|summary|untyped")) {
                    throw new IllegalArgumentException("bad type " + parts[3]);
                }
                types.put(parts[2], parts[3]);
            }
            return;
        }
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_'
                || line.charAt(i) == ':')) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            throw new IllegalArgumentException("bad metric name");
        }
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*") || line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("bad label " + label);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new IllegalArgumentException("bad escape \\" + next);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("duplicate label " + label);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no space before the value");
        }
        String[] rest = line.substring(i + 1).trim().split(" ");
        if (rest.length > 2) {
            throw new IllegalArgumentException("trailing text");
        }
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        String family = family(name);
        if (family == null) {
            throw new IllegalArgumentException("sample before its # TYPE line");
        }
        samples.add(new Sample(name, labels, value));
    }

    private String family(String name) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_total", "_created", "_bucket", "_count", "_sum", "_max")) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }

    String type(String family) {
        return types.get(family);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The value of the sample with this name whose labels include these; 0 when there is none. */
    public double value(String name, String... labelPairs) {
        double found = 0;
        int matches = 0;
        for (Sample sample : samples) {
            if (sample.name().equals(name) && matches(sample.labels(), labelPairs)) {
                found = sample.value();
                matches++;
            }
        }
        if (matches > 1) {
            throw new AssertionError(matches + " samples of " + name + " match " + List.of(labelPairs));
        }
        return found;
    }

    /** Whether a sample of that name (with those label values, if given) is exposed. */
    boolean has(String name, String... labelPairs) {
        return samples.stream().anyMatch(s -> s.name().equals(name) && matches(s.labels(), labelPairs));
    }

    private static boolean matches(Map<String, String> labels, String[] pairs) {
        for (int k = 0; k < pairs.length; k += 2) {
            if (!pairs[k + 1].equals(labels.get(pairs[k]))) {
                return false;
            }
        }
        return true;
    }
}
