package io.switchboard.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A family of namespaces created on first connection from a name that matches (a pattern or a predicate). Each
 * child starts with the middlewares and connection handlers the parent has then; an emit reaches the sockets of
 * all children.
 */
public final class ParentNamespace {
    private final Predicate<String> matcher;
    private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();
    private final Map<String, Namespace> children = new ConcurrentHashMap<>();

    ParentNamespace(Predicate<String> matcher) {
        this.matcher = matcher;
    }

    boolean matches(String name) {
        return matcher.test(name);
    }

    /** Called by the server, under its lock for that name, when no namespace of that name is live. */
    Namespace createChild(String name, Server server, AdapterFactory adapter) {
        // each child starts with the parent's middlewares and handlers, and what is added to it stays its own
        Namespace child = new Namespace(name, server, this, new CopyOnWriteArrayList<>(middlewares),
                new CopyOnWriteArrayList<>(connectionHandlers), adapter);
        children.put(name, child);
        return child;
    }

    /** The server removed this child (see {@link ServerOptions#cleanupEmptyChildNamespaces}). */
    void forget(Namespace child) {
        children.remove(child.name(), child);
    }

    public ParentNamespace use(Middleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    public ParentNamespace onConnection(Consumer<Socket> handler) {
        connectionHandlers.add(handler);
        return this;
    }

    /** The children live now: those removed when they became empty are gone. */
    public Map<String, Namespace> children() {
        return Map.copyOf(children);
    }

    /** Emits to every socket of every child namespace. */
    public void emit(String event, Object... args) {
        for (Namespace child : children.values()) {
            child.emit(event, args);
        }
    }
}
