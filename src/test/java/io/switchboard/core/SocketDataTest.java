package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A socket's data is any JSON value, as Node's socket.data; an object keeps its key order. */
class SocketDataTest {
    @Test
    void startsAsAnEmptyObjectThatKeepsInsertionOrder() {
        SocketData data = new SocketData(() -> { });
        assertEquals(Map.of(), data.snapshot());
        for (String key : List.of("z", "a", "m", "b")) {
            data.map().put(key, key.length());
        }
        assertEquals(List.of("z", "a", "m", "b"), List.copyOf(((Map<?, ?>) data.snapshot()).keySet()));
        assertEquals(data.map(), data.value());
    }

    @Test
    void oneKeyIsReadWithoutMakingTheObject() {
        SocketData data = new SocketData(() -> { });
        assertNull(data.get("user"));
        assertSame(Map.of(), data.snapshot(), "reading a key made no object");
        data.map().put("user", "u1");
        assertEquals("u1", data.get("user"));
        data.set("not an object");
        assertNull(data.get("user"));
    }

    @Test
    void anyJsonValueIsKeptAsItIs() {
        SocketData data = new SocketData(() -> { });
        for (Object value : List.of("a string", List.of("an", "array"), 42, true)) {
            data.set(value);
            assertEquals(value, data.value());
            assertEquals(value, data.snapshot());
            assertEquals(Map.of(), data.map(), "no object view of " + value);
            assertThrows(UnsupportedOperationException.class, () -> data.map().put("k", "v"));
        }
        data.set(null);
        assertNull(data.value());
        assertNull(data.snapshot());
        assertEquals(Map.of(), data.objectSnapshot());
    }

    @Test
    void anObjectIsCopiedInOrderAndCanThenBeChangedInPlace() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("y", 1);
        nested.put("b", List.of(1, 2));
        nested.put("a", null);
        SocketData data = new SocketData(() -> { });
        data.set(nested);
        data.map().put("added", "last");

        assertEquals(List.of("y", "b", "a", "added"), List.copyOf(((Map<?, ?>) data.snapshot()).keySet()));
        assertEquals(3, nested.size(), "the caller's map is not changed");
    }

    @Test
    void everyChangeIsToldSoALiveSessionStoreCanKeepIt() {
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        SocketData data = new SocketData(told::incrementAndGet);
        data.map().put("a", 1);
        data.map().remove("a");
        data.map().merge("n", 1, (x, y) -> y);
        assertEquals(3, told.get());
        data.set("now a string");
        assertEquals(4, told.get());
        data.set(Map.of("k", "v"));
        int afterSet = told.get();
        data.map().put("k2", null);
        assertEquals(afterSet + 1, told.get(), "the object set in place tells too");
    }
}
