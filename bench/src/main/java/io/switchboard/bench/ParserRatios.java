package io.switchboard.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The msgpack parser against the default one: for every server {@code X} that ran beside {@code X-msgpack} in a
 * scenario, the median of {@code X-msgpack} over the median of {@code X}, per metric. Same server, same scenario,
 * interleaved runs: what changes is only how the Socket.IO packets are framed (and the generator's side of it).
 */
final class ParserRatios {
    private ParserRatios() {
    }

    /** The metrics compared, by scenario kind: key -> what. */
    private static Map<String, String> metrics(String scenario) {
        Map<String, String> m = new LinkedHashMap<>();
        if (scenario.equals("echo")) {
            m.put("acks_per_s", "acks/s");
            m.put("p50_ms", "p50 ms");
            m.put("p99_ms", "p99 ms");
            m.put("server_cpu_us_per_ack", "server CPU µs/ack");
        } else if (scenario.startsWith("fanout")) {
            m.put("deliveries_per_s", "max deliveries/s");
            m.put("p50_ms_at_max", "p50 ms @max");
            m.put("p99_ms_at_max", "p99 ms @max");
            m.put("server_cpu_us_per_delivery", "server CPU µs/delivery @max");
            m.put("gen_cpu_us_per_delivery", "generator CPU µs/delivery @max");
            m.put("fixed_p50_ms", "p50 ms @fixed");
            m.put("fixed_p99_ms", "p99 ms @fixed");
            m.put("fixed_server_cpu_us_per_delivery", "server CPU µs/delivery @fixed");
        } else if (scenario.startsWith("idle")) {
            m.put("connects_per_s", "connects/s");
            m.put("rss_per_conn_kb", "RSS/conn KiB");
        }
        return m;
    }

    /** One JSON object per scenario, pair and metric ({@code "type": "parser_ratio"}). */
    static ArrayNode of(Map<String, Map<String, Map<String, Double>>> med) {
        ArrayNode out = Bench.JSON.createArrayNode();
        med.forEach((scenario, byServer) -> {
            for (String server : List.copyOf(byServer.keySet())) {
                if (!server.endsWith(Bench.MSGPACK_SUFFIX)) {
                    continue;
                }
                String base = server.substring(0, server.length() - Bench.MSGPACK_SUFFIX.length());
                Map<String, Double> num = byServer.get(server);
                Map<String, Double> den = byServer.get(base);
                if (den == null) {
                    continue;
                }
                metrics(scenario).forEach((metric, what) -> {
                    Double a = num.get(metric);
                    Double b = den.get(metric);
                    if (a != null && b != null && !a.isNaN() && !b.isNaN() && b != 0) {
                        out.add(Bench.JSON.createObjectNode().put("type", "parser_ratio").put("scenario", scenario)
                                .put("metric", metric).put("what", what).put("ratio_of", server + "/" + base)
                                .put("value", a).put("reference", b).put("ratio", Bench.round(a / b, 3)));
                    }
                });
            }
        });
        return out;
    }

    /** The markdown section, empty when no scenario had both variants of a server. */
    static String section(Map<String, Map<String, Map<String, Double>>> med) {
        ArrayNode rows = of(med);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## msgpack parser vs default parser (X-msgpack / X)\n\n")
                .append("Above 1 for a rate, or below 1 for a latency or a CPU cost, means msgpack is the better.\n\n")
                .append("| scenario | ratio of | metric | msgpack | default | ratio |\n")
                .append("|---|---|---|---:|---:|---:|\n");
        for (JsonNode r : rows) {
            md.append("| ").append(r.path("scenario").asText()).append(" | ").append(r.path("ratio_of").asText())
                    .append(" | ").append(r.path("what").asText()).append(" | ")
                    .append(Bench.fmt(r.path("value").asDouble())).append(" | ")
                    .append(Bench.fmt(r.path("reference").asDouble())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", r.path("ratio").asDouble())).append(" |\n");
        }
        return md.toString();
    }
}
