package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A socket's handlers: per event in registration order, a removal takes one registration, changes make a new set. */
class EventHandlersTest {
    private static List<EventHandler> of(EventHandlers handlers, String event) {
        List<EventHandler> found = new ArrayList<>();
        for (int i = 0; i < handlers.size(); i++) {
            if (handlers.event(i).equals(event)) {
                found.add(handlers.handler(i));
            }
        }
        return found;
    }

    @Test
    void handlersOfAnEventComeInRegistrationOrderAndOthersStayApart() {
        EventHandler a = e -> { };
        EventHandler b = e -> { };
        EventHandler c = e -> { };
        EventHandlers handlers = EventHandlers.NONE.with("chat", a).with("typing", b).with("chat", c).with("chat", a);
        assertEquals(List.of(a, c, a), of(handlers, "chat"));
        assertEquals(List.of(b), of(handlers, "typing"));
        assertEquals(List.of(), of(handlers, "other"));
    }

    @Test
    void removingTakesTheFirstRegistrationOnlyAndLeavesTheOldSetAsItWas() {
        EventHandler a = e -> { };
        EventHandler c = e -> { };
        EventHandlers before = EventHandlers.NONE.with("chat", a).with("chat", c).with("chat", a);
        EventHandlers after = before.without("chat", a);
        assertEquals(List.of(c, a), of(after, "chat"));
        assertEquals(List.of(a, c, a), of(before, "chat"), "a dispatch under way walks what it read");
        assertSame(after, after.without("typing", a), "nothing to remove: the same set");
        assertSame(EventHandlers.NONE, EventHandlers.NONE.with("x", a).without("x", a));
    }

    @Test
    void socketsRegisteringTheSameHandlersInTheSameOrderShareOneSet() {
        EventHandler join = e -> { };
        EventHandler leave = e -> { };
        EventHandlers first = EventHandlers.NONE.with("join-room", join).with("leave-room", leave);
        EventHandlers second = EventHandlers.NONE.with("join-room", join).with("leave-room", leave);
        assertSame(first, second);
        assertEquals(List.of(join), of(second, "join-room"));
        assertEquals(List.of(leave), of(second, "leave-room"));

        EventHandler own = e -> { };
        EventHandlers third = EventHandlers.NONE.with("join-room", join).with("leave-room", own);
        assertNotSame(first, third, "another handler: a set of its own");
        assertEquals(List.of(own), of(third, "leave-room"));
        assertEquals(List.of(leave), of(first, "leave-room"), "the shared set is not changed by it");
        assertNotSame(first, EventHandlers.NONE.with("join-room", join).with("other", leave), "another event");
    }
}
