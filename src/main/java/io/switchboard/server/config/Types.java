package io.switchboard.server.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The value types of the configuration options. */
final class Types {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final YAMLMapper YAML = new YAMLMapper();

    private Types() {
    }

    /** A string, checked by {@code check}, which returns null when the value is fine or what is allowed. */
    static ValueType<String> string(String describe, Function<String, String> check) {
        return new Scalar<>(describe) {
            @Override
            public String parse(JsonNode node) throws InvalidValue {
                if (!node.isValueNode() || node.isBinary()) {
                    throw new InvalidValue(describe);
                }
                String text = node.asText();
                String problem = check == null ? null : check.apply(text);
                if (problem != null) {
                    throw new InvalidValue(problem);
                }
                return text;
            }

            @Override
            public JsonNode render(String value) {
                return TextNode.valueOf(value);
            }
        };
    }

    static ValueType<String> anyString() {
        return string("a string", null);
    }

    static ValueType<String> nonEmpty(String describe) {
        return string(describe, text -> text.isBlank() ? describe : null);
    }

    static ValueType<String> oneOf(String... values) {
        List<String> allowed = List.of(values);
        String describe = "one of " + String.join(", ", allowed);
        return string(describe, text -> allowed.contains(text) ? null : describe);
    }

    static ValueType<Integer> integer(int min, int max) {
        ValueType<Long> wide = longValue(min, max);
        return new Scalar<>(wide.describe()) {
            @Override
            public Integer parse(JsonNode node) throws InvalidValue {
                return wide.parse(node).intValue();
            }

            @Override
            public JsonNode render(Integer value) {
                return NODES.numberNode(value);
            }
        };
    }

    static ValueType<Long> longValue(long min, long max) {
        String describe = max == Long.MAX_VALUE ? "an integer from " + min + " up"
                : "an integer from " + min + " to " + max;
        return new Scalar<>(describe) {
            @Override
            public Long parse(JsonNode node) throws InvalidValue {
                long value;
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    value = node.asLong();
                } else if (node.isTextual() && node.asText().trim().matches("-?\\d{1,18}")) {
                    value = Long.parseLong(node.asText().trim());
                } else {
                    throw new InvalidValue(describe);
                }
                if (value < min || value > max) {
                    throw new InvalidValue(describe);
                }
                return value;
            }

            @Override
            public JsonNode render(Long value) {
                return NODES.numberNode(value);
            }
        };
    }

    static ValueType<Boolean> bool() {
        return new Scalar<>("true or false") {
            @Override
            public Boolean parse(JsonNode node) throws InvalidValue {
                if (node.isBoolean()) {
                    return node.asBoolean();
                }
                if (node.isTextual()) {
                    String text = node.asText().trim().toLowerCase(Locale.ROOT);
                    if (text.equals("true") || text.equals("false")) {
                        return Boolean.parseBoolean(text);
                    }
                }
                throw new InvalidValue("true or false");
            }

            @Override
            public JsonNode render(Boolean value) {
                return NODES.booleanNode(value);
            }
        };
    }

    /**
     * A list of strings. From an environment variable: comma-separated ({@code a,b}), or a YAML/JSON list
     * ({@code ["a", "b"]}); an empty list is {@code []}.
     */
    static ValueType<List<String>> list(ValueType<String> element, boolean allowEmpty) {
        String describe = (allowEmpty ? "a list" : "a non-empty list") + ", each item " + element.describe();
        return new ValueType<>() {
            @Override
            public List<String> parse(JsonNode node) throws InvalidValue {
                if (!node.isArray()) {
                    throw new InvalidValue(describe);
                }
                if (node.isEmpty() && !allowEmpty) {
                    throw new InvalidValue(describe);
                }
                List<String> values = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    try {
                        values.add(element.parse(node.get(i)));
                    } catch (InvalidValue e) {
                        // the item itself is not repeated: it may be a secret (the caller shows it masked)
                        throw new InvalidValue("item " + i + " must be " + e.allowed() + " (" + describe + ")");
                    }
                }
                return Collections.unmodifiableList(values);
            }

            @Override
            public JsonNode fromText(String text) throws InvalidValue {
                return listFromText(text, describe);
            }

            @Override
            public JsonNode render(List<String> value) {
                ArrayNode array = NODES.arrayNode();
                value.forEach(array::add);
                return array;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /** Room policies: a list of {@code {pattern, roles}} objects, or of bare patterns. */
    static ValueType<List<RoomRuleSpec>> roomRules() {
        String describe = "a list of room rules, each a pattern or {pattern: \"chat:*\", roles: [admin]}";
        return new ValueType<>() {
            @Override
            public List<RoomRuleSpec> parse(JsonNode node) throws InvalidValue {
                if (!node.isArray()) {
                    throw new InvalidValue(describe);
                }
                List<RoomRuleSpec> rules = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    rules.add(rule(i, node.get(i)));
                }
                return Collections.unmodifiableList(rules);
            }

            private RoomRuleSpec rule(int index, JsonNode item) throws InvalidValue {
                String where = "rule " + index + " (" + item + "): ";
                String pattern;
                List<String> roles = List.of();
                if (item.isTextual()) {
                    pattern = item.asText();
                } else if (item.isObject()) {
                    List<String> unknown = new ArrayList<>();
                    item.fieldNames().forEachRemaining(name -> {
                        if (!name.equals("pattern") && !name.equals("roles")) {
                            unknown.add(name);
                        }
                    });
                    if (!unknown.isEmpty()) {
                        throw new InvalidValue(where + "unknown field " + String.join(", ", unknown)
                                + "; a rule has the fields pattern and roles");
                    }
                    JsonNode patternNode = item.get("pattern");
                    if (patternNode == null || !patternNode.isTextual()) {
                        throw new InvalidValue(where + "pattern must be a string, e.g. \"chat:*\"");
                    }
                    pattern = patternNode.asText();
                    JsonNode rolesNode = item.get("roles");
                    if (rolesNode != null && !rolesNode.isNull()) {
                        if (!rolesNode.isArray()) {
                            throw new InvalidValue(where + "roles must be a list of role names, e.g. [admin]");
                        }
                        List<String> names = new ArrayList<>();
                        for (JsonNode role : rolesNode) {
                            if (!role.isTextual() || role.asText().isBlank()) {
                                throw new InvalidValue(where + "roles must be a list of role names, e.g. [admin]");
                            }
                            names.add(role.asText());
                        }
                        roles = List.copyOf(names);
                    }
                } else {
                    throw new InvalidValue(where + describe);
                }
                String problem = RoomRuleSpec.checkPattern(pattern);
                if (problem != null) {
                    throw new InvalidValue(where + problem);
                }
                return new RoomRuleSpec(pattern, roles);
            }

            @Override
            public JsonNode fromText(String text) throws InvalidValue {
                return listFromText(text, describe);
            }

            @Override
            public JsonNode render(List<RoomRuleSpec> value) {
                ArrayNode array = NODES.arrayNode();
                for (RoomRuleSpec rule : value) {
                    ObjectNode object = array.addObject();
                    object.put("pattern", rule.pattern());
                    if (!rule.roles().isEmpty()) {
                        ArrayNode roles = object.putArray("roles");
                        rule.roles().forEach(roles::add);
                    }
                }
                return array;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    private static JsonNode listFromText(String text, String describe) throws InvalidValue {
        String trimmed = text.trim();
        if (trimmed.startsWith("[")) {
            try {
                JsonNode node = YAML.readTree(trimmed);
                if (node != null && node.isArray()) {
                    return node;
                }
            } catch (Exception e) {
                // falls through
            }
            throw new InvalidValue(describe + " (comma-separated, or a YAML/JSON list such as [\"a\", \"b\"])");
        }
        ArrayNode array = NODES.arrayNode();
        Arrays.stream(trimmed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(array::add);
        return array;
    }

    /** Scalars: from text, the text itself. */
    private abstract static class Scalar<T> implements ValueType<T> {
        private final String describe;

        Scalar(String describe) {
            this.describe = describe;
        }

        @Override
        public JsonNode fromText(String text) {
            return TextNode.valueOf(text);
        }

        @Override
        public String describe() {
            return describe;
        }
    }
}
