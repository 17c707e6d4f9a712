package io.switchboard.core;

/** Makes the adapter of each namespace; the in-memory one unless the server is given another. */
@FunctionalInterface
public interface AdapterFactory {
    Adapter create(Namespace namespace);
}
