package io.switchboard.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A socket's application data, as Node's {@code socket.data}: any JSON value (an object, an array, a string, a
 * number, a boolean, null), an empty object until something is stored. An object keeps its keys in insertion order,
 * so that what one node stores every node reads back unchanged. Safe from any thread. Every change (through the
 * object or {@link #set}) is told to the socket, for a recovery store that keeps live sessions.
 */
final class SocketData {
    /** Never set: reads as an empty object, made on first use (most sockets never carry data). */
    private static final Object UNSET = new Object();

    private final Runnable changed;
    private volatile Object value = UNSET;

    SocketData(Runnable changed) {
        this.changed = changed;
    }

    /** The data as an object, to read and change in place; an empty read-only map while it is another value. */
    @SuppressWarnings("unchecked")
    Map<String, Object> map() {
        Object current = value;
        if (current == UNSET) {
            synchronized (this) {
                if (value == UNSET) {
                    value = orderedMap();
                }
                current = value;
            }
        }
        return current instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** The value at one key while the data is an object; null otherwise. Makes no object. */
    Object get(String key) {
        return value instanceof Map<?, ?> map ? map.get(key) : null;
    }

    /** The data as it is: the live object (as {@link #map}) or any other JSON value. */
    Object value() {
        Object current = value;
        return current == UNSET ? map() : current;
    }

    /** Replaces the data; an object is copied into an ordered, thread-safe map. */
    void set(Object newValue) {
        synchronized (this) {
            if (newValue instanceof Map<?, ?> map) {
                Map<String, Object> ordered = orderedMap();
                map.forEach((key, item) -> ordered.put(String.valueOf(key), item));
                value = ordered;
            } else {
                value = newValue;
            }
        }
        changed.run();
    }

    /** A copy for another thread or node: an object as a fresh ordered map, any other value as it is. */
    Object snapshot() {
        Object current = value;
        if (current == UNSET) {
            return Map.of();
        }
        if (current instanceof Map<?, ?> map) {
            synchronized (map) { // the lock of Collections.synchronizedMap, which iteration must hold
                return new LinkedHashMap<>(map);
            }
        }
        return current;
    }

    /** The object form of {@link #snapshot}, for what keeps only objects (connection state recovery). */
    @SuppressWarnings("unchecked")
    Map<String, Object> objectSnapshot() {
        return snapshot() instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private Map<String, Object> orderedMap() {
        return Collections.synchronizedMap(new NotifyingMap(changed));
    }
}
