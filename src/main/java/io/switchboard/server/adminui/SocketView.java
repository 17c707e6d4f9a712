package io.switchboard.server.adminui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.switchboard.core.Handshake;
import io.switchboard.server.UrlMask;

/**
 * A socket as the Admin UI shows it (the reference's serialized socket): id, clientId and transport (kept in the
 * socket's data under {@code _admin}, so that they travel with fetchSockets from any node, Node ones included), nsp,
 * data without {@code _admin}, the handshake without its auth, and the rooms.
 *
 * <p>Unlike the reference, the values of the headers and query parameters that carry credentials are not sent:
 * the UI shows every socket's handshake to whoever logs in, and a session cookie or bearer token is not its to see.
 */
final class SocketView {
    static final String ADMIN_DATA = "_admin";
    private static final Set<String> HIDDEN_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");

    private SocketView() {
    }

    static Map<String, Object> of(String id, String nsp, Handshake handshake, Set<String> rooms,
                                  Map<String, Object> data) {
        Object admin = data.get(ADMIN_DATA);
        Map<?, ?> adminData = admin instanceof Map<?, ?> map ? map : Map.of();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("clientId", adminData.get("clientId"));
        view.put("transport", adminData.get("transport"));
        view.put("nsp", nsp);
        view.put("data", withoutAdmin(data));
        view.put("handshake", handshake(handshake));
        view.put("rooms", List.copyOf(rooms));
        return view;
    }

    static Map<String, Object> withoutAdmin(Map<String, Object> data) {
        Map<String, Object> copy = new LinkedHashMap<>(data);
        copy.remove(ADMIN_DATA);
        return copy;
    }

    private static Map<String, Object> handshake(Handshake handshake) {
        Map<String, Object> headers = new LinkedHashMap<>();
        handshake.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            headers.put(lower, HIDDEN_HEADERS.contains(lower) ? UrlMask.MASK : String.join(", ", values));
        });
        Map<String, Object> query = new LinkedHashMap<>();
        handshake.query().forEach((name, values) -> query.put(name, UrlMask.secretName(name) ? UrlMask.MASK
                : values.size() == 1 ? values.get(0) : values));
        String address = first(handshake.header("cf-connecting-ip"), handshake.header("x-forwarded-for"),
                handshake.address());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("address", address);
        view.put("headers", headers);
        view.put("query", query);
        view.put("issued", handshake.issued());
        view.put("secure", handshake.secure());
        view.put("time", handshake.time());
        view.put("url", handshake.url());
        view.put("xdomain", handshake.xdomain());
        return view;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }
}
