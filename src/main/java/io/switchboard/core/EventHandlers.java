package io.switchboard.core;

import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * A socket's event handlers as one flat array of (event name, handler) pairs in registration order, copied on every
 * change. Sockets register a handful of handlers each and keep them for life, so a scan of a few pairs beats a hash
 * map (a map, a table, one node and one list per event: about 100 bytes per event, per connection); and a dispatch
 * walks the instance it read, so a handler that adds or removes handlers changes the next dispatch, not this one.
 */
final class EventHandlers {
    static final EventHandlers NONE = new EventHandlers(new Object[0]);

    /** event name at 2i, its handler at 2i + 1. */
    private final Object[] pairs;

    private EventHandlers(Object[] pairs) {
        this.pairs = pairs;
    }

    /**
     * The last {@link #with} made of these, held weakly (no socket needs it kept): sockets that register the same
     * handler objects in the same order (handlers that find their socket in the event, as a server's shared room
     * handlers do) then share one instance, not 60 to 80 bytes each.
     */
    private volatile WeakReference<EventHandlers> extended;

    /** These handlers and {@code handler} for {@code event} after them. */
    EventHandlers with(String event, EventHandler handler) {
        WeakReference<EventHandlers> last = extended;
        EventHandlers known = last == null ? null : last.get();
        if (known != null && known.pairs[pairs.length + 1] == handler && known.pairs[pairs.length].equals(event)) {
            return known;
        }
        Object[] next = Arrays.copyOf(pairs, pairs.length + 2);
        next[pairs.length] = event;
        next[pairs.length + 1] = handler;
        EventHandlers made = new EventHandlers(next);
        extended = new WeakReference<>(made);
        return made;
    }

    /** These handlers less the first registration of {@code handler} for {@code event}; this one when there is none. */
    EventHandlers without(String event, EventHandler handler) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(event) && pairs[i + 1].equals(handler)) {
                Object[] next = new Object[pairs.length - 2];
                System.arraycopy(pairs, 0, next, 0, i);
                System.arraycopy(pairs, i + 2, next, i, pairs.length - i - 2);
                return next.length == 0 ? NONE : new EventHandlers(next);
            }
        }
        return this;
    }

    /** How many registrations there are; {@link #event} and {@link #handler} read the i-th, in registration order. */
    int size() {
        return pairs.length / 2;
    }

    String event(int i) {
        return (String) pairs[2 * i];
    }

    EventHandler handler(int i) {
        return (EventHandler) pairs[2 * i + 1];
    }
}
