package io.switchboard.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The object behind {@code socket.data()}: an insertion-ordered map (null values allowed; used through a synchronized
 * view) that tells its socket when it changes, so that a recovery store keeping live sessions (Redis) learns of the
 * change. Changes through the views ({@code entrySet()} and the like) are not seen; they reach the store with the
 * socket's next change or when it drops.
 */
final class NotifyingMap extends LinkedHashMap<String, Object> {
    private final transient Runnable changed;

    NotifyingMap(Runnable changed) {
        super(4);
        this.changed = changed;
    }

    private <T> T changed(T result) {
        changed.run();
        return result;
    }

    @Override
    public Object put(String key, Object value) {
        return changed(super.put(key, value));
    }

    @Override
    public void putAll(Map<? extends String, ?> map) {
        super.putAll(map);
        changed.run();
    }

    @Override
    public Object putIfAbsent(String key, Object value) {
        return changed(super.putIfAbsent(key, value));
    }

    @Override
    public Object remove(Object key) {
        return changed(super.remove(key));
    }

    @Override
    public boolean remove(Object key, Object value) {
        return changed(super.remove(key, value));
    }

    @Override
    public Object replace(String key, Object value) {
        return changed(super.replace(key, value));
    }

    @Override
    public boolean replace(String key, Object oldValue, Object newValue) {
        return changed(super.replace(key, oldValue, newValue));
    }

    @Override
    public void clear() {
        super.clear();
        changed.run();
    }

    @Override
    public Object compute(String key, BiFunction<? super String, ? super Object, ?> remapping) {
        return changed(super.compute(key, remapping));
    }

    @Override
    public Object computeIfAbsent(String key, Function<? super String, ?> mapping) {
        return changed(super.computeIfAbsent(key, mapping));
    }

    @Override
    public Object computeIfPresent(String key, BiFunction<? super String, ? super Object, ?> remapping) {
        return changed(super.computeIfPresent(key, remapping));
    }

    @Override
    public Object merge(String key, Object value, BiFunction<? super Object, ? super Object, ?> remapping) {
        return changed(super.merge(key, value, remapping));
    }
}
