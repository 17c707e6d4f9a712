package io.switchboard.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the configuration: the defaults, then the YAML file if any, then the environment variables, then the command
 * line options. Every unknown key and every bad value is reported at once, in a {@link ConfigException}.
 */
public final class ConfigLoader {
    /** Environment variables with the SWITCHBOARD_ prefix that are not options, and are not to be warned about. */
    private static final Set<String> OTHER_VARIABLES = Set.of("SWITCHBOARD_CONFIG", "SWITCHBOARD_LOG_LEVEL",
            "SWITCHBOARD_CLASSPATH", "SWITCHBOARD_E2E_ECHO");
    /** The origin of values given as command line options, as problems name it. */
    public static final String COMMAND_LINE = "command line";
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Map<Option<?>, Object> values = new LinkedHashMap<>();
    private final Map<Option<?>, String> sources = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> sections = new LinkedHashSet<>();

    private ConfigLoader() {
        for (Option<?> option : ConfigKeys.all()) {
            values.put(option, option.defaultValue());
            sources.put(option, "default");
            String key = option.key();
            for (int dot = key.indexOf('.'); dot >= 0; dot = key.indexOf('.', dot + 1)) {
                sections.add(key.substring(0, dot));
            }
        }
    }

    /**
     * Loads a configuration.
     *
     * @param file      the YAML file, or null for the embedded defaults
     * @param env       the environment variables
     * @param overrides values from the command line, by option, as text (like environment variables)
     * @throws ConfigException with every problem found
     */
    public static Config load(Path file, Map<String, String> env, Map<Option<?>, String> overrides) {
        ConfigLoader loader = new ConfigLoader();
        if (file != null) {
            loader.readFile(file);
        }
        loader.readEnvironment(env);
        overrides.forEach((option, text) -> loader.setText(option, text, COMMAND_LINE));
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems);
        }
        return new Config(loader.values, loader.sources, loader.warnings);
    }

    private void readFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            problems.add("config file " + file + " does not exist");
            return;
        } catch (IOException e) {
            problems.add(notYaml(file, e));
            return;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            problems.add("config file " + file + " must hold a mapping of sections ("
                    + String.join(", ", children("")) + "), not " + root.getNodeType().name().toLowerCase());
            return;
        }
        readSection(root, "", "config file " + file);
    }

    /** What is wrong with the YAML, and where: line and column (from 1), as an editor shows them. */
    private static String notYaml(Path file, IOException e) {
        String where = "";
        if (e instanceof JsonProcessingException parse && parse.getLocation() != null
                && parse.getLocation().getLineNr() > 0) {
            where = " at line " + parse.getLocation().getLineNr() + ", column " + parse.getLocation().getColumnNr();
        }
        String message = e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
        String first = message == null ? e.getClass().getSimpleName() : message.split("\n")[0].strip();
        return "config file " + file + " is not valid YAML" + where + ": " + first;
    }

    private void readSection(JsonNode node, String prefix, String origin) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            Option<?> option = ConfigKeys.byKey(key);
            if (option != null) {
                if (value != null && !value.isNull()) {
                    set(option, value, printable(option, value), origin);
                }
            } else if (sections.contains(key)) {
                if (value.isObject()) {
                    readSection(value, key, origin);
                } else if (!value.isNull()) {
                    problems.add("invalid value for " + key + " (" + origin + "): " + value
                            + "; allowed: a section with the keys " + String.join(", ", children(key)));
                }
            } else {
                problems.add(unknownKey(key, prefix, origin));
            }
        }
    }

    private String unknownKey(String key, String prefix, String origin) {
        List<String> allowed = children(prefix);
        StringBuilder message = new StringBuilder("unknown key ").append(key).append(" (").append(origin)
                .append("); allowed ").append(prefix.isEmpty() ? "sections" : "keys in " + prefix).append(": ")
                .append(String.join(", ", allowed));
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int distance = distance(leaf.toLowerCase(), candidate.toLowerCase());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(2, leaf.length() / 3)) {
            message.append("; did you mean ").append(prefix.isEmpty() ? best : prefix + "." + best).append('?');
        }
        return message.toString();
    }

    /** The keys and sections directly under a section ("" for the top). */
    private List<String> children(String prefix) {
        Set<String> names = new LinkedHashSet<>();
        String start = prefix.isEmpty() ? "" : prefix + ".";
        for (Option<?> option : ConfigKeys.all()) {
            if (option.key().startsWith(start)) {
                String rest = option.key().substring(start.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return new ArrayList<>(names);
    }

    private void readEnvironment(Map<String, String> env) {
        Set<String> known = new TreeSet<>();
        for (Option<?> option : ConfigKeys.all()) {
            known.add(option.env());
            String text = env.get(option.env());
            if (text != null && !text.isBlank()) {
                setText(option, text, "environment variable " + option.env());
            }
        }
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("SWITCHBOARD_") && !known.contains(name) && !OTHER_VARIABLES.contains(name)) {
                String best = null;
                int bestDistance = Integer.MAX_VALUE;
                for (String candidate : known) {
                    int distance = distance(name, candidate);
                    if (distance < bestDistance) {
                        bestDistance = distance;
                        best = candidate;
                    }
                }
                warnings.add("environment variable " + name + " is not a configuration option"
                        + (bestDistance <= 3 ? " (did you mean " + best + "?)" : "") + "; ignored");
            }
        }
    }

    private void setText(Option<?> option, String text, String origin) {
        JsonNode node;
        try {
            node = option.fromText(text);
        } catch (InvalidValue e) {
            problems.add(invalid(option, quote(option.maskText(text)), origin, e.allowed()));
            return;
        }
        set(option, node, quote(option.maskText(text)), origin);
    }

    private void set(Option<?> option, JsonNode node, String shown, String origin) {
        try {
            values.put(option, option.parse(node));
            sources.put(option, origin);
        } catch (InvalidValue e) {
            problems.add(invalid(option, shown, origin, e.allowed()));
        }
    }

    private static String invalid(Option<?> option, String shown, String origin, String allowed) {
        return "invalid value for " + option.key() + " (" + origin + "): " + shown + "; allowed: " + allowed;
    }

    /** A value as it may appear in a message: secrets are not shown. */
    private static String printable(Option<?> option, JsonNode value) {
        if (option.secret() && value.isValueNode()) {
            return quote(option.maskText(value.asText()));
        }
        if (option.secret() && value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isTextual() ? quote(option.maskText(item.asText()))
                    : item.toString()));
            return "[" + String.join(", ", items) + "]";
        }
        return value.isTextual() ? quote(value.asText()) : value.toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
