package io.switchboard.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The effective configuration: every option's value, and where it came from. Immutable. */
public final class Config {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private final Map<Option<?>, Object> values;
    private final Map<Option<?>, String> sources;
    private final List<String> warnings;

    Config(Map<Option<?>, Object> values, Map<Option<?>, String> sources, List<String> warnings) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        this.warnings = List.copyOf(warnings);
    }

    /** The embedded defaults. */
    public static Config defaults() {
        return ConfigLoader.load(null, Map.of(), Map.of());
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        return (T) values.get(option);
    }

    /** Where the value came from: "default", the file, an environment variable or a command line option. */
    public String source(Option<?> option) {
        return sources.get(option);
    }

    /** Things that did not stop the configuration from loading but look like mistakes. */
    public List<String> warnings() {
        return warnings;
    }

    /** The configuration as a YAML tree, secrets masked when asked. */
    public ObjectNode toTree(boolean masked) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<Option<?>, Object> entry : values.entrySet()) {
            String[] parts = entry.getKey().key().split("\\.");
            ObjectNode section = root;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = section.get(parts[i]);
                section = child instanceof ObjectNode object ? object : section.putObject(parts[i]);
            }
            section.set(parts[parts.length - 1], entry.getKey().render(entry.getValue(), masked));
        }
        return root;
    }

    /** The configuration as YAML, secrets masked when asked; it loads back as the same configuration. */
    public String toYaml(boolean masked) {
        try {
            return YAML.writeValueAsString(toTree(masked));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
