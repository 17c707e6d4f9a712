package io.switchboard.fuzz;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reaches the package-private decoders (the Redis adapter's wire readers, the engine's pipeline setup) from the
 * fuzz package. Method handles rethrow what the decoder throws, unwrapped, so a target sees the real exception.
 */
final class Internals {
    private Internals() {
    }

    static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    static MethodHandle staticMethod(String owner, String name, Class<?> returns, Class<?>... parameters) {
        Class<?> type = type(owner);
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findStatic(type, name, MethodType.methodType(returns, parameters));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static MethodHandle virtualMethod(Class<?> type, String name, Class<?> returns, Class<?>... parameters) {
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                    .findVirtual(type, name, MethodType.methodType(returns, parameters));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
