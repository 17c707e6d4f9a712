package io.switchboard.bench.server;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import io.switchboard.core.AdapterFactory;

/**
 * The one place that knows how to make the Redis adapter, found by reflection so that the harness compiles
 * whether or not {@code io.switchboard.adapter.redis} exists yet.
 *
 * <p>It tries, in each candidate class: a public static method taking one {@code String} (the Redis URI) that
 * returns an {@link AdapterFactory}; a public static method returning an {@code AdapterFactory} whose one parameter
 * is an options object of that package with a public no-argument constructor and a {@code url(String)} setter
 * (e.g. {@code RedisAdapterFactory.connect(new RedisAdapterOptions().url(uri))}); then a public {@code (String)}
 * constructor of a class that is an {@code AdapterFactory}. The sharded mode (SSUBSCRIBE/SPUBLISH) is asked for with
 * the options object's {@code sharded(boolean)}; a way without options cannot give it and is not used for it. When the adapter's API turns out to be different, change {@link #factory} and nothing
 * else (bench/README.md, "Cluster fan-out").
 */
public final class RedisAdapterPlug {
    public static final String PACKAGE = "io.switchboard.adapter.redis";
    private static final String[] CANDIDATES = {
        PACKAGE + ".RedisAdapterFactory",
        PACKAGE + ".RedisAdapters",
        PACKAGE + ".RedisAdapter",
        PACKAGE + ".RedisClusterAdapter",
    };

    private RedisAdapterPlug() {
    }

    public static AdapterFactory factory(String redisUri) throws Exception {
        return factory(redisUri, false);
    }

    public static AdapterFactory factory(String redisUri, boolean sharded) throws Exception {
        List<String> tried = new ArrayList<>();
        for (String name : CANDIDATES) {
            Class<?> type;
            try {
                type = Class.forName(name);
            } catch (ClassNotFoundException e) {
                continue;
            }
            for (Method m : type.getMethods()) {
                if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1
                        || !AdapterFactory.class.isAssignableFrom(m.getReturnType())) {
                    continue;
                }
                Class<?> param = m.getParameterTypes()[0];
                if (param == String.class && !sharded) {
                    return (AdapterFactory) m.invoke(null, redisUri);
                }
                Object options = optionsWithUrl(param, redisUri, sharded);
                if (options != null) {
                    return (AdapterFactory) m.invoke(null, options);
                }
                tried.add(name + "." + m.getName());
            }
            if (AdapterFactory.class.isAssignableFrom(type) && !sharded) {
                try {
                    Constructor<?> c = type.getConstructor(String.class);
                    return (AdapterFactory) c.newInstance(redisUri);
                } catch (NoSuchMethodException e) {
                    tried.add(name + "(String)");
                }
            }
        }
        throw new IllegalStateException("tried " + tried + ", no way to build the " + (sharded ? "sharded " : "")
                + "Redis adapter found in " + PACKAGE
                + " (looked for static X(String) -> AdapterFactory in " + String.join(", ", CANDIDATES)
                + "); wire it in bench/src/main/java/io/switchboard/bench/server/RedisAdapterPlug.java");
    }

    /**
     * {@code new T().url(uri)} (and {@code .sharded(true)} when asked) for an options type of the adapter's package,
     * or null when it does not fit.
     */
    private static Object optionsWithUrl(Class<?> type, String redisUri, boolean sharded) {
        if (!type.getName().startsWith(PACKAGE + ".")) {
            return null;
        }
        try {
            Object options = type.getConstructor().newInstance();
            type.getMethod("url", String.class).invoke(options, redisUri);
            if (sharded) {
                type.getMethod("sharded", boolean.class).invoke(options, true);
            }
            return options;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
